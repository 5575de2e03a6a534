package territory

import (
	"slices"
	"strings"
)

// Commune returns the current commune of an INSEE code. A former code, the
// code of a commune déléguée or associée, or of a municipal arrondissement of
// Paris, Lyon or Marseille answers the commune it is part of today. Codes are
// read leniently, as files carry them: surrounding spaces, a lower-case "2a",
// and a four-digit code that lost its leading zero ("1001") are accepted.
func (r *Ref) Commune(code string) (Commune, bool) {
	if i, ok := r.communeIndex(code); ok {
		return r.communes[i], true
	}
	return Commune{}, false
}

func (r *Ref) communeIndex(code string) (int32, bool) {
	if i, ok := r.byCode[code]; ok {
		return i, true
	}
	if i, ok := r.former[code]; ok {
		return i, true
	}
	clean := strings.ToUpper(strings.TrimSpace(code))
	if len(clean) == 4 && isDigits(clean) {
		clean = "0" + clean
	}
	if clean == code {
		return 0, false
	}
	if i, ok := r.byCode[clean]; ok {
		return i, true
	}
	i, ok := r.former[clean]
	return i, ok
}

// IsCurrent reports whether code is the code of a current commune, not a
// former one.
func (r *Ref) IsCurrent(code string) bool {
	_, ok := r.byCode[code]
	return ok
}

// PostalCodes returns the postal codes of a commune (current or former code).
func (r *Ref) PostalCodes(code string) []string {
	i, ok := r.communeIndex(code)
	if !ok {
		return nil
	}
	return strings.Split(r.postal[i], ",")
}

// EPCI returns an EPCI by its SIREN.
func (r *Ref) EPCI(siren string) (EPCI, bool) {
	if i, ok := r.epciIdx[strings.TrimSpace(siren)]; ok {
		return r.epcis[i], true
	}
	return EPCI{}, false
}

// EPCIs returns every EPCI, sorted by SIREN.
func (r *Ref) EPCIs() []EPCI {
	return slices.Clone(r.epcis)
}

// EPT returns an établissement public territorial of the Métropole du Grand
// Paris by its SIREN.
func (r *Ref) EPT(siren string) (EPT, bool) {
	for _, t := range r.epts {
		if t.SIREN == siren {
			return t, true
		}
	}
	return EPT{}, false
}

// EPTs returns the établissements publics territoriaux, sorted by SIREN.
func (r *Ref) EPTs() []EPT {
	return slices.Clone(r.epts)
}

// EPTOf returns the établissement public territorial a commune belongs to.
func (r *Ref) EPTOf(commune string) (EPT, bool) {
	c, ok := r.Commune(commune)
	if !ok {
		return EPT{}, false
	}
	if i, ok := r.eptOf[c.Code]; ok {
		return r.epts[i], true
	}
	return EPT{}, false
}

// Departement returns a département by its code ("33", "2A", "974"; "2a"
// is accepted).
func (r *Ref) Departement(code string) (Departement, bool) {
	if i, ok := r.departementIndex(code); ok {
		return r.deps[i], true
	}
	return Departement{}, false
}

func (r *Ref) departementIndex(code string) (int32, bool) {
	if i, ok := r.depIdx[code]; ok {
		return i, true
	}
	i, ok := r.depIdx[strings.ToUpper(strings.TrimSpace(code))]
	return i, ok
}

// Departements returns the 101 départements in INSEE's order: 01 … 19, 2A,
// 2B, 21 … 95, 971 … 976.
func (r *Ref) Departements() []Departement {
	return slices.Clone(r.deps)
}

// Region returns a région by its code.
func (r *Ref) Region(code string) (Region, bool) {
	if i, ok := r.regionIdx[code]; ok {
		return r.regions[i], true
	}
	return Region{}, false
}

// Regions returns the 18 régions, sorted by code.
func (r *Ref) Regions() []Region {
	return slices.Clone(r.regions)
}

// EPCIsOf returns the EPCIs with at least one member commune in the
// département, sorted by name. An EPCI across two départements is listed in
// both.
func (r *Ref) EPCIsOf(dep string) []EPCI {
	d, ok := r.departementIndex(dep)
	if !ok {
		return nil
	}
	out := make([]EPCI, len(r.depEPCIs[d]))
	for i, e := range r.depEPCIs[d] {
		out[i] = r.epcis[e]
	}
	return out
}

// CommunesOf returns the communes of a département, sorted by name
// (ignoring case and accents).
func (r *Ref) CommunesOf(dep string) []Commune {
	d, ok := r.departementIndex(dep)
	if !ok {
		return nil
	}
	out := make([]Commune, len(r.depByName[d]))
	for i, c := range r.depByName[d] {
		out[i] = r.communes[c]
	}
	return out
}

// NumCommunes returns the number of current communes.
func (r *Ref) NumCommunes() int {
	return len(r.communes)
}

// AllCommunes returns every current commune in INSEE's code order (Corsica
// between 19 and 21). The slice is the Ref's own, not a copy: callers must not
// modify it.
func (r *Ref) AllCommunes() []Commune {
	return r.communes[:len(r.communes):len(r.communes)]
}

// Population returns the sum of the population municipale of the given
// communes. Former codes count as their current commune; a commune listed
// twice, directly or through a former code, counts once; unknown codes count
// for nothing.
func (r *Ref) Population(codes []string) int {
	if len(codes) == 0 {
		return 0
	}
	seen := make([]uint64, (len(r.communes)+63)/64)
	total := 0
	for _, code := range codes {
		i, ok := r.communeIndex(code)
		if !ok || seen[i/64]&(1<<(i%64)) != 0 {
			continue
		}
		seen[i/64] |= 1 << (i % 64)
		total += r.communes[i].Population
	}
	return total
}

// CAFs returns the 101 CAFs, one per département, in the order of
// Departements.
func (r *Ref) CAFs() []CAF {
	return slices.Clone(r.cafs)
}

// CAF returns the CAF of a département.
func (r *Ref) CAF(dep string) (CAF, bool) {
	if i, ok := r.departementIndex(dep); ok {
		return r.cafs[i], true
	}
	return CAF{}, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
