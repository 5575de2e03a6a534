package review

import (
	"cmp"
	"maps"
	"slices"
	"strconv"

	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

// Facts is what the reviews and the evaluation of a convention are built
// from, as the store reads them in one go: the plan, the follow-up
// indicators and budget lines of its actions, the yearly reviews, the
// comments and the entries of the final evaluation, and the names of the
// organisations they mention.
type Facts struct {
	Convention *convention.Convention
	Plan       *plan.Plan
	Indicators []plan.Indicator
	// Lines are every budget line of the plan, with Action and
	// FunderName filled.
	Lines    []budget.Line
	Reviews  []ActionReview
	Comments []Comment
	Entries  []Entry
	// Names are organisations' names by id (leads, funders).
	Names map[string]string
}

// Years returns the first and last years of the convention.
func (f *Facts) Years() (first, last int) { return plan.Years(f.Convention) }

// Money is what a funder planned and spent, in cents. ActualCents sums the
// amounts spent that are known; ActualKnown tells whether any is, so that
// nothing known is not shown as nothing spent.
type Money struct {
	Funder       string `json:"funder"`
	Name         string `json:"name"`
	PlannedCents int64  `json:"planned_cents"`
	ActualCents  int64  `json:"actual_cents"`
	ActualKnown  bool   `json:"actual_known"`
}

// IndicatorYear is a follow-up indicator of an action in one year: its
// target and its value that year, and whether the value reached the
// target (nil while either is missing; see plan.Indicator.Progress).
type IndicatorYear struct {
	ID       string   `json:"id"`
	Label    string   `json:"label"`
	Unit     string   `json:"unit"`
	Baseline *float64 `json:"baseline"`
	Target   *float64 `json:"target"`
	Value    *float64 `json:"value"`
	Met      *bool    `json:"met"`
}

// ActionYear is an action in the review of a year: its review, if
// written, its indicators that year and its money that year by funder.
// Runs tells whether its schedule covers the year; an action reviewed
// outside its schedule is shown all the same.
type ActionYear struct {
	ID     string `json:"id"`
	Ref    string `json:"ref"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// StatusLabel is the French name of the action's current status.
	StatusLabel  string          `json:"-"`
	Lead         string          `json:"lead"`
	LeadName     string          `json:"lead_name"`
	Start        string          `json:"start"`
	End          string          `json:"end"`
	Runs         bool            `json:"runs"`
	Review       *ActionReview   `json:"review"`
	Indicators   []IndicatorYear `json:"indicators"`
	Money        []Money         `json:"money"`
	PlannedCents int64           `json:"planned_cents"`
	ActualCents  int64           `json:"actual_cents"`
}

// AxisYear is an axis in the review of a year, with its actions
// concerned that year and their money.
type AxisYear struct {
	ID           string       `json:"id"`
	Number       int          `json:"number"`
	Title        string       `json:"title"`
	PlannedCents int64        `json:"planned_cents"`
	ActualCents  int64        `json:"actual_cents"`
	Actions      []ActionYear `json:"actions"`
}

// StatusCount is how many reviews of a year give an action a status.
type StatusCount struct {
	Status string `json:"status"`
	Label  string `json:"label"`
	Count  int    `json:"count"`
}

// YearReview is the review of a convention for one year: per axis and
// action, the review, the indicators against their targets and the money
// spent against the money planned by funder; the totals by funder; the
// partners' comments. Actions counts the actions concerned that year
// (those whose schedule covers it, and those reviewed anyway), Reviewed
// those reviewed.
type YearReview struct {
	Convention   string        `json:"convention"`
	Title        string        `json:"title"`
	Year         int           `json:"year"`
	FirstYear    int           `json:"first_year"`
	LastYear     int           `json:"last_year"`
	Actions      int           `json:"actions"`
	Reviewed     int           `json:"reviewed"`
	ByStatus     []StatusCount `json:"by_status"`
	PlannedCents int64         `json:"planned_cents"`
	ActualCents  int64         `json:"actual_cents"`
	ByFunder     []Money       `json:"by_funder"`
	Axes         []AxisYear    `json:"axes"`
	Comments     []Comment     `json:"comments"`
}

// ToReview lists the actions of the year still without a review, in the
// order of the plan.
func (y *YearReview) ToReview() []ActionYear {
	var out []ActionYear
	for _, x := range y.Axes {
		for _, a := range x.Actions {
			if a.Review == nil {
				out = append(out, a)
			}
		}
	}
	return out
}

// Year builds the review of year y. The year is not checked: a year
// outside the convention has nothing to show.
func (f *Facts) Year(y int) *YearReview {
	first, last := f.Years()
	out := &YearReview{Convention: f.Convention.ID, Title: f.Convention.Title, Year: y, FirstYear: first, LastYear: last,
		ByStatus: []StatusCount{}, ByFunder: []Money{}, Axes: []AxisYear{}, Comments: []Comment{}}
	reviews := map[string]*ActionReview{}
	for i := range f.Reviews {
		if f.Reviews[i].Year == y {
			reviews[f.Reviews[i].Action] = &f.Reviews[i]
		}
	}
	indicators := f.indicatorsByAction()
	lines := map[string][]budget.Line{}
	var yearLines []budget.Line
	for _, l := range f.Lines {
		if l.Year == y {
			lines[l.Action] = append(lines[l.Action], l)
			yearLines = append(yearLines, l)
		}
	}
	statuses := map[string]int{}
	for _, x := range f.Plan.Axes {
		ay := AxisYear{ID: x.ID, Number: x.Number, Title: x.Title, Actions: []ActionYear{}}
		for _, a := range x.Actions {
			r := reviews[a.ID]
			runs := a.RunsIn(y, f.Convention.Start, f.Convention.End)
			if !runs && r == nil {
				continue
			}
			v := ActionYear{ID: a.ID, Ref: a.Ref, Title: a.Title, Status: a.Status, StatusLabel: plan.StatusLabel(a.Status),
				Lead: a.Lead, LeadName: f.Names[a.Lead], Start: a.Start, End: a.End, Runs: runs, Review: r,
				Indicators: []IndicatorYear{}, Money: byFunder(lines[a.ID], f.Names)}
			for _, ind := range indicators[a.ID] {
				v.Indicators = append(v.Indicators, IndicatorAt(ind, y))
			}
			v.PlannedCents, v.ActualCents = sumMoney(v.Money)
			ay.PlannedCents += v.PlannedCents
			ay.ActualCents += v.ActualCents
			out.Actions++
			if r != nil {
				out.Reviewed++
				statuses[r.Status]++
			}
			ay.Actions = append(ay.Actions, v)
		}
		out.Axes = append(out.Axes, ay)
	}
	for _, s := range plan.Statuses {
		if n := statuses[s.Code]; n > 0 {
			out.ByStatus = append(out.ByStatus, StatusCount{Status: s.Code, Label: s.Label, Count: n})
		}
	}
	out.ByFunder = byFunder(yearLines, f.Names)
	out.PlannedCents, out.ActualCents = sumMoney(out.ByFunder)
	for _, c := range f.Comments {
		if c.Year == y {
			out.Comments = append(out.Comments, c)
		}
	}
	return out
}

// CampaignYear is one year of the campaign of reviews: how many actions
// are concerned, how many are reviewed, and how many comments were made.
type CampaignYear struct {
	Year     int `json:"year"`
	Actions  int `json:"actions"`
	Reviewed int `json:"reviewed"`
	Comments int `json:"comments"`
}

// Campaign returns, for each year of the convention, the actions
// concerned and those reviewed (as Year counts them) and the comments.
func (f *Facts) Campaign() []CampaignYear {
	first, last := f.Years()
	reviewed := map[int]map[string]bool{}
	for _, r := range f.Reviews {
		if reviewed[r.Year] == nil {
			reviewed[r.Year] = map[string]bool{}
		}
		reviewed[r.Year][r.Action] = true
	}
	comments := map[int]int{}
	for _, c := range f.Comments {
		comments[c.Year]++
	}
	out := []CampaignYear{}
	actions := f.Plan.Actions()
	for y := first; y <= last && first > 0; y++ {
		cy := CampaignYear{Year: y, Comments: comments[y]}
		for _, a := range actions {
			done := reviewed[y][a.ID]
			if done || a.RunsIn(y, f.Convention.Start, f.Convention.End) {
				cy.Actions++
			}
			if done {
				cy.Reviewed++
			}
		}
		out = append(out, cy)
	}
	return out
}

func (f *Facts) indicatorsByAction() map[string][]plan.Indicator {
	out := map[string][]plan.Indicator{}
	for _, ind := range f.Indicators {
		out[ind.Action] = append(out[ind.Action], ind)
	}
	return out
}

// IndicatorAt is ind in year y: its target and value that year.
func IndicatorAt(ind plan.Indicator, y int) IndicatorYear {
	out := IndicatorYear{ID: ind.ID, Label: ind.Label, Unit: ind.Unit, Baseline: ind.Baseline}
	for _, p := range ind.Progress() {
		if p.Year == y {
			out.Target, out.Value, out.Met = p.Target, p.Value, p.Met
		}
	}
	return out
}

// byFunder sums lines by funder: the largest planned amount first, then
// by name.
func byFunder(lines []budget.Line, names map[string]string) []Money {
	at := map[string]*Money{}
	for _, l := range lines {
		m, ok := at[l.Funder]
		if !ok {
			m = &Money{Funder: l.Funder, Name: cmp.Or(l.FunderName, names[l.Funder], l.Funder)}
			at[l.Funder] = m
		}
		m.PlannedCents += l.PlannedCents
		if l.ActualCents != nil {
			m.ActualCents += *l.ActualCents
			m.ActualKnown = true
		}
	}
	out := make([]Money, 0, len(at))
	for _, k := range slices.Sorted(maps.Keys(at)) {
		out = append(out, *at[k])
	}
	slices.SortStableFunc(out, func(a, b Money) int {
		return cmp.Or(cmp.Compare(b.PlannedCents, a.PlannedCents), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// AnyKnown reports whether any of ms has an actual amount known: a total
// of nothing known is not shown as nothing spent.
func AnyKnown(ms []Money) bool {
	for _, m := range ms {
		if m.ActualKnown {
			return true
		}
	}
	return false
}

func sumMoney(ms []Money) (planned, actual int64) {
	for _, m := range ms {
		planned += m.PlannedCents
		actual += m.ActualCents
	}
	return planned, actual
}

// YearOf returns the year of a path segment ("2024"), false when it is
// not one.
func YearOf(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s)
	return y, err == nil && y > 0
}
