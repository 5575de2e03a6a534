package diagnostic

import (
	"slices"
	"sync"

	"ctg/internal/territory"
)

// France is the scope of the national aggregates; the others are
// département codes.
const France = "FR"

// Geo numbers the communes of the reference for the aggregations: dense
// slices indexed like ref.AllCommunes() are much cheaper than maps over
// 34,875 communes.
type Geo struct {
	Codes []string
	Names []string
	Index map[string]int32
	Dep   []int16  // index in Deps of each commune's département
	Deps  []string // département codes, in INSEE order
	Pop   []float64
}

var geos sync.Map // *territory.Ref → *Geo; a Ref is immutable, so is its Geo

// GeoOf returns the numbering of ref's communes, built once per Ref.
func GeoOf(ref *territory.Ref) *Geo {
	if g, ok := geos.Load(ref); ok {
		return g.(*Geo)
	}
	all := ref.AllCommunes()
	g := &Geo{Codes: make([]string, len(all)), Names: make([]string, len(all)), Index: make(map[string]int32, len(all)),
		Dep: make([]int16, len(all)), Pop: make([]float64, len(all))}
	depIdx := map[string]int16{}
	for _, d := range ref.Departements() {
		depIdx[d.Code] = int16(len(g.Deps))
		g.Deps = append(g.Deps, d.Code)
	}
	for i, c := range all {
		g.Codes[i], g.Names[i], g.Pop[i] = c.Code, c.Name, float64(c.Population)
		g.Index[c.Code] = int32(i)
		g.Dep[i] = depIdx[c.Departement]
	}
	actual, _ := geos.LoadOrStore(ref, g)
	return actual.(*Geo)
}

// Series is one indicator's values for one year over every commune of the
// reference, indexed like Geo.Codes.
type Series struct {
	Value []float64
	State []uint8 // 0: no value, 1: a number, 2: secret
}

// Series states.
const (
	NoValue     = cellNone
	HasValue    = cellValue
	SecretValue = cellSecret
)

// NewSeries returns an empty series for g.
func (g *Geo) NewSeries() *Series {
	return &Series{Value: make([]float64, len(g.Codes)), State: make([]uint8, len(g.Codes))}
}

// PopulationSeries returns the built-in population of the reference.
func (g *Geo) PopulationSeries() *Series {
	s := g.NewSeries()
	copy(s.Value, g.Pop)
	for i := range s.State {
		s.State[i] = HasValue
	}
	return s
}

// Set records the value of a commune code; unknown codes are ignored.
func (s *Series) Set(g *Geo, code string, v float64, secret bool) {
	i, ok := g.Index[code]
	if !ok {
		return
	}
	if secret {
		s.State[i], s.Value[i] = SecretValue, 0
	} else {
		s.State[i], s.Value[i] = HasValue, v
	}
}

// SeriesOf returns column j of imported values as a series.
func (v *Values) SeriesOf(g *Geo, j int) *Series {
	s := g.NewSeries()
	for i, code := range v.Communes {
		val, secret := v.At(i, j)
		s.Set(g, code, val, secret)
	}
	return s
}

// Aggregate is the value of an indicator for one year over a scope: France
// or a département.
type Aggregate struct {
	Indicator string
	Year      int
	Scope     string
	// Value is the sum, or the ratio Σnumerator/Σdenominator × scale; nil
	// when no commune has a value (or the denominators sum to zero).
	Value *float64
	// Numerator and Denominator are a ratio's paired sums, over the
	// communes that have both; DenominatorYear the year of the denominator.
	Numerator       *float64
	Denominator     *float64
	DenominatorYear int
	// WithValue counts the communes with a number (a ratio: with both),
	// Secret those whose value is secret (a ratio: either term), Total
	// every commune of the scope.
	WithValue int
	Secret    int
	Total     int
}

type acc struct {
	num, den         float64
	with, secret, nb int
}

// SumAggregates returns the aggregates of a count for France and each
// département.
func (g *Geo) SumAggregates(code string, year int, s *Series) []Aggregate {
	accs := make([]acc, len(g.Deps)+1)
	fr := len(g.Deps)
	for i, st := range s.State {
		d := g.Dep[i]
		accs[d].nb++
		accs[fr].nb++
		switch st {
		case HasValue:
			accs[d].num += s.Value[i]
			accs[d].with++
			accs[fr].num += s.Value[i]
			accs[fr].with++
		case SecretValue:
			accs[d].secret++
			accs[fr].secret++
		}
	}
	out := make([]Aggregate, len(accs))
	for k, a := range accs {
		scope := France
		if k < fr {
			scope = g.Deps[k]
		}
		out[k] = Aggregate{Indicator: code, Year: year, Scope: scope, WithValue: a.with, Secret: a.secret, Total: a.nb}
		if a.with > 0 {
			out[k].Value = ptr(a.num)
		}
	}
	return out
}

// RatioAggregates returns the aggregates of a ratio for France and each
// département: Σnum / Σden × scale over the communes with both values.
func (g *Geo) RatioAggregates(ind Indicator, year, denYear int, num, den *Series) []Aggregate {
	accs := make([]acc, len(g.Deps)+1)
	fr := len(g.Deps)
	for i := range num.State {
		d := g.Dep[i]
		accs[d].nb++
		accs[fr].nb++
		ns, ds := num.State[i], den.State[i]
		switch {
		case ns == HasValue && ds == HasValue:
			for _, k := range [2]int{int(d), fr} {
				accs[k].num += num.Value[i]
				accs[k].den += den.Value[i]
				accs[k].with++
			}
		case ns == SecretValue || ds == SecretValue:
			accs[d].secret++
			accs[fr].secret++
		}
	}
	out := make([]Aggregate, len(accs))
	for k, a := range accs {
		scope := France
		if k < fr {
			scope = g.Deps[k]
		}
		out[k] = Aggregate{Indicator: ind.Code, Year: year, Scope: scope, DenominatorYear: denYear,
			WithValue: a.with, Secret: a.secret, Total: a.nb}
		if a.with > 0 {
			out[k].Numerator, out[k].Denominator = ptr(a.num), ptr(a.den)
			out[k].Value = ratio(a.num, a.den, ind.Scale)
		}
	}
	return out
}

func ptr(f float64) *float64 { return &f }

func ratio(num, den, scale float64) *float64 {
	if den == 0 {
		return nil
	}
	return ptr(num / den * scale)
}

// DenominatorYear chooses the year of a ratio's denominator for a numerator
// of year y among the years the denominator has values for: y itself, or
// else the latest year before y, or else the earliest after it (places of
// 2023 over the children of the 2021 census). 0 when there is none.
func DenominatorYear(y int, years []int) int {
	best := 0
	for _, x := range years {
		if x == y {
			return y
		}
		if x < y && x > best {
			best = x
		}
	}
	if best != 0 {
		return best
	}
	for _, x := range years {
		if x > y && (best == 0 || x < best) {
			best = x
		}
	}
	return best
}

// SeriesYears is the years each indicator has values for, population's
// built-in year included.
type SeriesYears map[string][]int

// With returns the years of code, sorted.
func (s SeriesYears) With(code string) []int {
	ys := slices.Clone(s[code])
	if code == Population && !slices.Contains(ys, PopulationYear) {
		ys = append(ys, PopulationYear)
	}
	slices.Sort(ys)
	return ys
}
