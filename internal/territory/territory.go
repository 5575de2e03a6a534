// Package territory is the national reference of territories: communes,
// EPCIs, départements, régions and the CAF of each département, loaded once
// from the files embedded by package refdata (Code officiel géographique
// 2026) into an immutable in-memory index.
//
// Every population is the population municipale of communes, summed: an EPCI
// or a département counts what its communes count, never a figure of its own,
// so that all figures of the product agree.
package territory

import (
	"cmp"
	"strings"
)

// Commune is a current commune of metropolitan France or the DROM.
type Commune struct {
	Code        string // INSEE code, e.g. "33063", "2A004", "97412"
	Name        string
	Departement string // département code
	Region      string // région code
	EPCI        string // SIREN of its EPCI à fiscalité propre, "" for the few communes in none
	Population  int    // population municipale
}

// EPCI is an établissement public de coopération intercommunale à fiscalité
// propre.
type EPCI struct {
	SIREN      string
	Name       string
	Kind       string   // CC, CA, CU, METRO or MET69; see KindLabel
	Communes   []string // member commune codes, sorted
	Population int      // sum of the members' population municipale
}

// EPT is one of the établissements publics territoriaux of the Métropole du
// Grand Paris. Its communes belong to the Métropole as their EPCI; an EPT is
// an extra layer, never a commune's EPCI.
type EPT struct {
	SIREN      string
	Name       string
	Communes   []string // member commune codes, sorted
	Population int      // sum of the members' population municipale
}

// Departement is a département of metropolitan France or a DROM.
type Departement struct {
	Code       string   // "01" … "19", "2A", "2B", "21" … "95", "971" … "974", "976"
	Name       string   // without its article: "Nord", "Gironde", "La Réunion"
	Region     string   // région code
	Communes   []string // its current communes' codes, sorted
	Population int      // sum of its communes' population municipale
	// TNCC is INSEE's "type de nom en clair", which tells the article the
	// name takes; WithDe uses it.
	TNCC int
}

// WithDe returns the département's name after the preposition "de", with the
// contraction French requires: "du Nord", "de la Gironde", "de l'Ain", "des
// Yvelines", "de Paris", "d'Eure-et-Loir", "de La Réunion".
func (d Departement) WithDe() string {
	return withDe(d.TNCC, d.Name)
}

// withDe applies INSEE's table of articles and "charnières" to a name that
// carries no article (TNCC 0 and 1 names may start with a capitalised one,
// like "La Réunion", which stays as it is).
func withDe(tncc int, name string) string {
	switch tncc {
	case 1:
		return "d'" + name
	case 2:
		return "du " + name
	case 3:
		return "de la " + name
	case 4, 6:
		return "des " + name
	case 5:
		return "de l'" + name
	case 7:
		return "de las " + name
	case 8:
		return "de los " + name
	default:
		return "de " + name
	}
}

// Region is a région of metropolitan France or a DROM.
type Region struct {
	Code string
	Name string
}

// CAF is the caisse d'allocations familiales of a département, seeded as an
// organisation of the product.
type CAF struct {
	ID          string // "caf-" + the département code: "caf-33", "caf-2A", "caf-974"
	Name        string // "Caf de la Gironde"
	Departement string
}

// cafOf names the CAF of a département. Mayotte has no CAF: the Caisse de
// sécurité sociale de Mayotte plays its part.
func cafOf(d Departement) CAF {
	c := CAF{ID: "caf-" + d.Code, Name: "Caf " + d.WithDe(), Departement: d.Code}
	if d.Code == "976" {
		c.Name = "CSSM (Caisse de sécurité sociale de Mayotte)"
	}
	return c
}

// Match is one answer of Search.
type Match struct {
	Kind       string // "commune", "epci" or "departement"
	Code       string // INSEE code, SIREN or département code
	Name       string
	Population int
	// Context tells matches of the same name apart: "Gironde (33)" for a
	// commune, the kind's label ("Communauté de communes") for an EPCI, the
	// région's name for a département.
	Context string
}

// The kinds of Match.
const (
	KindCommune     = "commune"
	KindEPCI        = "epci"
	KindDepartement = "departement"
)

// KindLabel returns the French name of an EPCI kind ("CC" → "Communauté de
// communes"), or the kind itself if it is unknown.
func KindLabel(kind string) string {
	switch kind {
	case "CC":
		return "Communauté de communes"
	case "CA":
		return "Communauté d'agglomération"
	case "CU":
		return "Communauté urbaine"
	case "METRO":
		return "Métropole"
	case "MET69":
		return "Métropole à statut particulier"
	case "EPT":
		return "Établissement public territorial"
	}
	return kind
}

// compareCodes compares two INSEE commune or département codes in INSEE's
// order: Corsica (2A, 2B) between 19 and 21, where the former département 20
// stood; plain string order elsewhere.
func compareCodes(a, b string) int {
	ca, cb := isCorsica(a), isCorsica(b)
	switch {
	case ca == cb:
		return strings.Compare(a, b)
	case ca:
		return cmp.Or(strings.Compare("20", b[:min(2, len(b))]), 1)
	default:
		return cmp.Or(strings.Compare(a[:min(2, len(a))], "20"), -1)
	}
}

func isCorsica(code string) bool {
	return len(code) >= 2 && code[0] == '2' && (code[1] == 'A' || code[1] == 'B')
}
