package diagnostic

import (
	"strings"
	"time"

	"ctg/internal/territory"
)

// SeriesInfo describes the values of one indicator for one year: where they
// come from and, for a ratio, the year of its denominator.
type SeriesInfo struct {
	// ID is the number the store gives the pair; its values carry it.
	ID              int64     `json:"-" db:"id"`
	Indicator       string    `json:"indicator" db:"indicator"`
	Year            int       `json:"year" db:"year"`
	Source          string    `json:"source" db:"source"`
	DenominatorYear int       `json:"denominator_year,omitempty" db:"denominator_year"`
	ImportID        string    `json:"import_id,omitempty" db:"import_id"`
	UpdatedAt       time.Time `json:"updated_at" db:"updated_at"`
}

// Key names the values of one indicator for one year.
type Key struct {
	Code string
	Year int
}

// Cell is a commune's value: a number, or secret.
type Cell struct {
	Value  float64 `json:"value"`
	Secret bool    `json:"secret"`
}

// Line is one indicator of a diagnosis: its latest year, over the perimeter,
// the département and France.
type Line struct {
	Code            string   `json:"code"`
	Label           string   `json:"label"`
	Unit            string   `json:"unit"`
	Aggregate       string   `json:"aggregate"`
	Numerator       string   `json:"numerator,omitempty"`
	Denominator     string   `json:"denominator,omitempty"`
	Scale           float64  `json:"scale,omitempty"`
	Year            int      `json:"year"`
	DenominatorYear int      `json:"denominator_year,omitempty"`
	Source          string   `json:"source"`
	Perimeter       *float64 `json:"perimeter"`
	Departement     *float64 `json:"departement"`
	France          *float64 `json:"france"`
	// CommunesWithValue counts the perimeter's communes with a number (for
	// a ratio: with both terms); CommunesSecret those whose value is secret.
	CommunesWithValue            int `json:"communes_with_value"`
	CommunesSecret               int `json:"communes_secret"`
	CommunesTotal                int `json:"communes_total"`
	DepartementCommunesWithValue int `json:"departement_communes_with_value"`
	DepartementCommunesTotal     int `json:"departement_communes_total"`
	FranceCommunesWithValue      int `json:"france_communes_with_value"`
	FranceCommunesTotal          int `json:"france_communes_total"`
}

// Diagnosis is the table of indicators of a perimeter.
type Diagnosis struct {
	Departement     string `json:"departement"`
	DepartementName string `json:"departement_name"`
	CommunesTotal   int    `json:"communes_total"`
	Indicators      []Line `json:"indicators"`
}

// Latest returns, for each indicator of the catalogue with values, the
// series of its latest year. The built-in population always has one.
func Latest(cat *Catalogue, series []SeriesInfo) map[string]SeriesInfo {
	out := map[string]SeriesInfo{Population: {Indicator: Population, Year: PopulationYear, Source: PopulationSource}}
	for _, s := range series {
		if _, ok := cat.Get(s.Indicator); !ok {
			continue
		}
		if cur, ok := out[s.Indicator]; !ok || s.Year > cur.Year {
			out[s.Indicator] = s
		}
	}
	return out
}

// Needs returns the commune values a diagnosis of the given indicators
// reads (all of them when codes is empty): each count at its latest year,
// each ratio's numerator and denominator at theirs. The built-in population
// is left out: it comes from the reference.
func Needs(cat *Catalogue, latest map[string]SeriesInfo, codes []string) []Key {
	counts, terms := NeedsSplit(cat, latest, codes)
	return append(terms, counts...)
}

// NeedsSplit is Needs in two parts: the counts a diagnosis only sums over
// the perimeter (a store may sum them itself, see Inputs.Sums), and the
// terms of ratios, whose values it needs commune by commune.
func NeedsSplit(cat *Catalogue, latest map[string]SeriesInfo, codes []string) (counts, terms []Key) {
	seen := map[Key]bool{}
	builtin := func(k Key) bool { return k.Code == Population && k.Year == PopulationYear }
	inds := selected(cat, codes)
	for _, ind := range inds {
		s, ok := latest[ind.Code]
		if !ok || !ind.IsRatio() {
			continue
		}
		for _, k := range []Key{{ind.Numerator, s.Year}, {ind.Denominator, s.DenominatorYear}} {
			if !seen[k] && !builtin(k) {
				seen[k] = true
				terms = append(terms, k)
			}
		}
	}
	for _, ind := range inds {
		s, ok := latest[ind.Code]
		k := Key{ind.Code, s.Year}
		if ok && !ind.IsRatio() && !seen[k] && !builtin(k) {
			seen[k] = true
			counts = append(counts, k)
		}
	}
	return counts, terms
}

func selected(cat *Catalogue, codes []string) []Indicator {
	if len(codes) == 0 {
		return cat.All()
	}
	var out []Indicator
	for _, c := range codes {
		if ind, ok := cat.Get(c); ok {
			out = append(out, ind)
		}
	}
	return out
}

// PerimeterSum is a count summed over a perimeter by the store.
type PerimeterSum struct {
	Value  float64
	With   int // communes with a number
	Secret int // communes whose value is secret
}

// Inputs is what the store reads for a diagnosis.
type Inputs struct {
	Catalogue *Catalogue
	Latest    map[string]SeriesInfo
	// Aggregates of the latest series, by key then scope (France and the
	// département of the diagnosis).
	Aggregates map[Key]map[string]Aggregate
	// Cells of the perimeter's communes, by key then commune code.
	Cells map[Key]map[string]Cell
	// Sums of counts over the perimeter, when the store summed them
	// itself: Diagnose then needs no cells for them.
	Sums map[Key]PerimeterSum
}

// cell returns a commune's value of a series, the built-in population
// answering from the reference.
func (in *Inputs) cell(ref *territory.Ref, k Key, code string) (Cell, bool) {
	if k.Code == Population && k.Year == PopulationYear {
		c, ok := ref.Commune(code)
		return Cell{Value: float64(c.Population)}, ok
	}
	c, ok := in.Cells[k][code]
	return c, ok
}

// Diagnose computes the diagnosis of a perimeter (current commune codes)
// whose CAF is that of département dep: each indicator of the catalogue
// with values, at its latest year, summed over the perimeter's communes (a
// ratio: Σnumerator/Σdenominator × scale over the communes with both), next
// to the département's and France's aggregates.
func Diagnose(ref *territory.Ref, in *Inputs, perimeter []string, dep string) *Diagnosis {
	d := &Diagnosis{Departement: dep, CommunesTotal: len(perimeter), Indicators: []Line{}}
	dept, _ := ref.Departement(dep)
	d.DepartementName = dept.Name
	for _, ind := range in.Catalogue.All() {
		s, ok := in.Latest[ind.Code]
		if !ok {
			continue
		}
		l := Line{Code: ind.Code, Label: ind.Label, Unit: ind.Unit, Aggregate: ind.Aggregate, Year: s.Year,
			Source: s.Source, CommunesTotal: len(perimeter)}
		var a acc
		if ind.IsRatio() {
			l.Numerator, l.Denominator, l.Scale, l.DenominatorYear = ind.Numerator, ind.Denominator, ind.Scale, s.DenominatorYear
			nk, dk := Key{ind.Numerator, s.Year}, Key{ind.Denominator, s.DenominatorYear}
			for _, c := range perimeter {
				n, nok := in.cell(ref, nk, c)
				v, dok := in.cell(ref, dk, c)
				switch {
				case nok && dok && !n.Secret && !v.Secret:
					a.num += n.Value
					a.den += v.Value
					a.with++
				case (nok && n.Secret) || (dok && v.Secret):
					a.secret++
				}
			}
			if a.with > 0 {
				l.Perimeter = ratio(a.num, a.den, ind.Scale)
			}
		} else if sum, ok := in.Sums[Key{ind.Code, s.Year}]; ok {
			a.num, a.with, a.secret = sum.Value, sum.With, sum.Secret
			if a.with > 0 {
				l.Perimeter = ptr(a.num)
			}
		} else {
			k := Key{ind.Code, s.Year}
			for _, c := range perimeter {
				v, ok := in.cell(ref, k, c)
				switch {
				case ok && v.Secret:
					a.secret++
				case ok:
					a.num += v.Value
					a.with++
				}
			}
			if a.with > 0 {
				l.Perimeter = ptr(a.num)
			}
		}
		l.CommunesWithValue, l.CommunesSecret = a.with, a.secret
		if ind.Code == Population && s.Year == PopulationYear {
			fillPopulation(ref, &l, dept)
		} else {
			aggs := in.Aggregates[Key{ind.Code, s.Year}]
			if ag, ok := aggs[dep]; ok {
				l.Departement, l.DepartementCommunesWithValue, l.DepartementCommunesTotal = ag.Value, ag.WithValue, ag.Total
			} else {
				l.DepartementCommunesTotal = len(dept.Communes)
			}
			if ag, ok := aggs[France]; ok {
				l.France, l.FranceCommunesWithValue, l.FranceCommunesTotal = ag.Value, ag.WithValue, ag.Total
			} else {
				l.FranceCommunesTotal = ref.NumCommunes()
			}
		}
		d.Indicators = append(d.Indicators, l)
	}
	return d
}

func fillPopulation(ref *territory.Ref, l *Line, dept territory.Departement) {
	g := GeoOf(ref)
	total := 0.0
	for _, p := range g.Pop {
		total += p
	}
	n := len(g.Codes)
	l.France, l.FranceCommunesWithValue, l.FranceCommunesTotal = ptr(total), n, n
	if dept.Code != "" {
		l.Departement = ptr(float64(dept.Population))
		l.DepartementCommunesWithValue, l.DepartementCommunesTotal = len(dept.Communes), len(dept.Communes)
	}
}

// Detail is the value of each commune of a perimeter for some indicators.
type Detail struct {
	Indicators []DetailIndicator `json:"indicators"`
	Communes   []DetailCommune   `json:"communes"`
}

// DetailIndicator is a column of a Detail.
type DetailIndicator struct {
	Code            string `json:"code"`
	Label           string `json:"label"`
	Unit            string `json:"unit"`
	Aggregate       string `json:"aggregate"`
	Year            int    `json:"year"`
	DenominatorYear int    `json:"denominator_year,omitempty"`
	Source          string `json:"source"`
}

// DetailCommune is a row of a Detail: Values[i] is the commune's value of
// Indicators[i], nil when it has none (for a ratio: when a term is missing
// or the denominator is zero).
type DetailCommune struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Values []*Cell `json:"values"`
}

// Details computes the per-commune values of a perimeter for the given
// indicators (all with values when codes is empty), communes in the order
// given.
func Details(ref *territory.Ref, in *Inputs, perimeter []string, codes []string) *Detail {
	d := &Detail{Indicators: []DetailIndicator{}, Communes: make([]DetailCommune, 0, len(perimeter))}
	var inds []Indicator
	for _, ind := range selected(in.Catalogue, codes) {
		s, ok := in.Latest[ind.Code]
		if !ok {
			continue
		}
		inds = append(inds, ind)
		d.Indicators = append(d.Indicators, DetailIndicator{Code: ind.Code, Label: ind.Label, Unit: ind.Unit,
			Aggregate: ind.Aggregate, Year: s.Year, DenominatorYear: s.DenominatorYear, Source: s.Source})
	}
	for _, code := range perimeter {
		c, _ := ref.Commune(code)
		row := DetailCommune{Code: code, Name: c.Name, Values: make([]*Cell, len(inds))}
		for i, ind := range inds {
			s := in.Latest[ind.Code]
			if !ind.IsRatio() {
				if v, ok := in.cell(ref, Key{ind.Code, s.Year}, code); ok {
					row.Values[i] = &v
				}
				continue
			}
			n, nok := in.cell(ref, Key{ind.Numerator, s.Year}, code)
			v, dok := in.cell(ref, Key{ind.Denominator, s.DenominatorYear}, code)
			switch {
			case (nok && n.Secret) || (dok && v.Secret):
				row.Values[i] = &Cell{Secret: true}
			case nok && dok && v.Value != 0:
				row.Values[i] = &Cell{Value: n.Value / v.Value * ind.Scale}
			}
		}
		d.Communes = append(d.Communes, row)
	}
	return d
}

// RatioSource describes where a ratio's values come from.
func RatioSource(num, den SeriesInfo) string {
	if num.Source == den.Source || den.Source == "" {
		return num.Source
	}
	if num.Source == "" {
		return den.Source
	}
	return strings.TrimSpace(num.Source) + " ; " + strings.TrimSpace(den.Source)
}
