package budget

import (
	"cmp"
	"slices"

	"ctg/internal/field"
)

// Totals is the budget of a convention summed up, in cents. ActualCents sums
// the actual amounts that are known: a line whose spending is not known
// counts for nothing there, not for zero spent.
type Totals struct {
	PlannedCents int64         `json:"planned_cents"`
	ActualCents  int64         `json:"actual_cents"`
	ByFunder     []FunderTotal `json:"by_funder"`
	ByYear       []YearTotal   `json:"by_year"`
	ByAxis       []AxisTotal   `json:"by_axis"`
	// ByField counts an action in each of its fields: an action for
	// petite enfance and parentalité adds its whole budget to both, so
	// the field totals may add up to more than the total. Actions without
	// a field are under the field "".
	ByField  []FieldTotal  `json:"by_field"`
	ByNature []NatureTotal `json:"by_nature"`
	// ByFunderYear is the money of each funder in each year where it has
	// some, funders in the order of ByFunder, then by year.
	ByFunderYear []Cell    `json:"by_funder_year"`
	Warnings     []Warning `json:"warnings"`
}

// FunderTotal is the money of one funder. Share is its part of the planned
// total, between 0 and 1, unrounded: the shares of a budget add up to 1
// (within a float's rounding), and to 0 when nothing is planned.
type FunderTotal struct {
	Funder       string  `json:"funder"`
	Name         string  `json:"name"`
	PlannedCents int64   `json:"planned_cents"`
	ActualCents  int64   `json:"actual_cents"`
	Share        float64 `json:"share"`
}

// YearTotal is the money of one year. Conventions counts the conventions
// that have money that year, where several are summed (a CAF's commitments).
type YearTotal struct {
	Year         int   `json:"year"`
	PlannedCents int64 `json:"planned_cents"`
	ActualCents  int64 `json:"actual_cents"`
	Conventions  int   `json:"conventions,omitempty"`
}

// AxisTotal is the money of the actions of one axis.
type AxisTotal struct {
	Axis         string `json:"axis"`
	Number       int    `json:"number"`
	Title        string `json:"title"`
	PlannedCents int64  `json:"planned_cents"`
	ActualCents  int64  `json:"actual_cents"`
}

// FieldTotal is the money of the actions of one field of intervention, and
// how many actions that is.
type FieldTotal struct {
	Field        string `json:"field"`
	Label        string `json:"label"`
	Actions      int    `json:"actions"`
	PlannedCents int64  `json:"planned_cents"`
	ActualCents  int64  `json:"actual_cents"`
}

// NatureTotal is the money of one nature (fonctionnement, investissement).
type NatureTotal struct {
	Nature       string `json:"nature"`
	Label        string `json:"label"`
	PlannedCents int64  `json:"planned_cents"`
	ActualCents  int64  `json:"actual_cents"`
}

// Cell is the money of one funder in one year, summed over the lines of a
// convention: what the totals by funder and by year, and the warnings, are
// built from, and the table of a budget by funder and year.
type Cell struct {
	Funder       string `json:"funder"`
	Name         string `json:"-"`
	Year         int    `json:"year"`
	PlannedCents int64  `json:"planned_cents"`
	ActualCents  int64  `json:"actual_cents"`
}

// ActionTotal is the money of one action with its fields of intervention.
type ActionTotal struct {
	Action       string
	Fields       []string
	PlannedCents int64
	ActualCents  int64
}

// NoField is the label of the money of actions tied to no field.
const NoField = "Sans champ d'intervention"

// NewTotals builds the totals of a convention from its funder-year cells,
// its axes (in order, each with its sums), its actions' sums and its
// natures' sums. Funders come by planned amount, largest first, then name;
// years in order; fields in the order of field.All, then actions without
// a field; natures in the order of Natures, each present even at zero.
func NewTotals(cells []Cell, axes []AxisTotal, actions []ActionTotal, natures []NatureTotal) *Totals {
	t := &Totals{ByFunder: []FunderTotal{}, ByYear: []YearTotal{}, ByAxis: axes, ByField: []FieldTotal{}, ByNature: []NatureTotal{}, Warnings: []Warning{}}
	if t.ByAxis == nil {
		t.ByAxis = []AxisTotal{}
	}
	funders := map[string]int{}
	years := map[int]int{}
	for _, c := range cells {
		t.PlannedCents += c.PlannedCents
		t.ActualCents += c.ActualCents
		i, ok := funders[c.Funder]
		if !ok {
			i = len(t.ByFunder)
			funders[c.Funder] = i
			t.ByFunder = append(t.ByFunder, FunderTotal{Funder: c.Funder, Name: c.Name})
		}
		t.ByFunder[i].PlannedCents += c.PlannedCents
		t.ByFunder[i].ActualCents += c.ActualCents
		j, ok := years[c.Year]
		if !ok {
			j = len(t.ByYear)
			years[c.Year] = j
			t.ByYear = append(t.ByYear, YearTotal{Year: c.Year})
		}
		t.ByYear[j].PlannedCents += c.PlannedCents
		t.ByYear[j].ActualCents += c.ActualCents
	}
	for i := range t.ByFunder {
		t.ByFunder[i].Share = Share(t.ByFunder[i].PlannedCents, t.PlannedCents)
	}
	slices.SortFunc(t.ByFunder, func(a, b FunderTotal) int {
		return cmp.Or(cmp.Compare(b.PlannedCents, a.PlannedCents), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Funder, b.Funder))
	})
	slices.SortFunc(t.ByYear, func(a, b YearTotal) int { return cmp.Compare(a.Year, b.Year) })
	rank := make(map[string]int, len(t.ByFunder))
	for i, f := range t.ByFunder {
		rank[f.Funder] = i
	}
	t.ByFunderYear = slices.Clone(cells)
	if t.ByFunderYear == nil {
		t.ByFunderYear = []Cell{}
	}
	slices.SortFunc(t.ByFunderYear, func(a, b Cell) int {
		return cmp.Or(cmp.Compare(rank[a.Funder], rank[b.Funder]), cmp.Compare(a.Year, b.Year))
	})

	byField := map[string]*FieldTotal{}
	for _, a := range actions {
		fields := a.Fields
		if len(fields) == 0 {
			fields = []string{""}
		}
		for _, f := range slices.Compact(slices.Sorted(slices.Values(fields))) {
			ft, ok := byField[f]
			if !ok {
				ft = &FieldTotal{Field: f, Label: field.Label(f)}
				if f == "" {
					ft.Label = NoField
				}
				byField[f] = ft
			}
			ft.Actions++
			ft.PlannedCents += a.PlannedCents
			ft.ActualCents += a.ActualCents
		}
	}
	for _, f := range append(slices.Clone(field.All), field.Field{}) {
		if ft, ok := byField[f.Code]; ok {
			t.ByField = append(t.ByField, *ft)
			delete(byField, f.Code)
		}
	}
	for _, ft := range byField { // codes no longer in field.All, if any
		t.ByField = append(t.ByField, *ft)
	}

	for _, n := range Natures {
		nt := NatureTotal{Nature: n.Code, Label: n.Label}
		for _, x := range natures {
			if x.Nature == n.Code {
				nt.PlannedCents += x.PlannedCents
				nt.ActualCents += x.ActualCents
			}
		}
		t.ByNature = append(t.ByNature, nt)
	}
	return t
}

// Share is part / whole as a float, 0 when whole is 0. It is not rounded:
// rounding each share to 2 decimals would make them add up to 0.99 or 1.01.
func Share(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}
