package review

import (
	"slices"
	"strconv"
	"time"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

// SubjectConvention names the convention as a whole as the subject of an
// entry of the evaluation; an axis or an action is named by its id.
const SubjectConvention = "convention"

// Entry is what the final evaluation says of its subject (the convention,
// an axis or an action): the results against the objectives and the
// assessment, in words, and for an action whether to carry it into the
// renewal. Version is 0 and UpdatedAt nil while nothing was written.
type Entry struct {
	Subject    string     `json:"subject"`
	Results    string     `json:"results"`
	Assessment string     `json:"assessment"`
	CarryOn    bool       `json:"carry_on"`
	Version    int        `json:"version"`
	UpdatedAt  *time.Time `json:"updated_at"`
}

// Written reports whether something was written in the entry.
func (e *Entry) Written() bool { return e.Results != "" || e.Assessment != "" || e.CarryOn }

// EntryInput is the body of PUT /api/v1/conventions/{id}/evaluation/{subject}.
type EntryInput struct {
	Results    string `json:"results"`
	Assessment string `json:"assessment"`
	CarryOn    bool   `json:"carry_on"`
}

// Apply copies the input onto e, tidied.
func (in EntryInput) Apply(e *Entry) {
	e.Results, e.Assessment, e.CarryOn = text(in.Results), text(in.Assessment), in.CarryOn
}

// Validate checks e; action tells whether its subject is an action, the
// only thing that may be carried into a renewal.
func (e *Entry) Validate(action bool) error {
	bad := app.Fields{}
	checkLength(bad, "results", e.Results, MaxResults, "Le texte des résultats")
	checkLength(bad, "assessment", e.Assessment, MaxResults, "L'appréciation")
	if e.CarryOn && !action {
		bad.Add("carry_on", "Seule une action se reconduit dans le renouvellement ; pour un axe, cochez ses actions.")
	}
	return bad.Err()
}

// DiffEntries lists the fields that differ between two versions of an
// entry, for the history.
func DiffEntries(a, b *Entry) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "results", a.Results, b.Results)
	convention.Note(d, "assessment", a.Assessment, b.Assessment)
	convention.Note(d, "carry_on", a.CarryOn, b.CarryOn)
	return d
}

// IndicatorResult is a follow-up indicator over the whole period: from
// its baseline to its last value, against its final target (the target
// of the last year that has one). Met is nil while the last value or the
// final target is missing.
type IndicatorResult struct {
	ID         string   `json:"id"`
	Label      string   `json:"label"`
	Unit       string   `json:"unit"`
	Baseline   *float64 `json:"baseline"`
	LastValue  *float64 `json:"last_value"`
	LastYear   int      `json:"last_year"`
	Target     *float64 `json:"target"`
	TargetYear int      `json:"target_year"`
	Met        *bool    `json:"met"`
}

// IndicatorCount counts indicators by result.
type IndicatorCount struct {
	Total   int `json:"total"`
	Met     int `json:"met"`
	NotMet  int `json:"not_met"`
	Unknown int `json:"unknown"`
}

func (c *IndicatorCount) add(r IndicatorResult) {
	c.Total++
	switch {
	case r.Met == nil:
		c.Unknown++
	case *r.Met:
		c.Met++
	default:
		c.NotMet++
	}
}

// YearStatus is the status an action's review gave it in a year.
type YearStatus struct {
	Year   int    `json:"year"`
	Status string `json:"status"`
}

// YearMoney is the money of one year.
type YearMoney struct {
	Year         int   `json:"year"`
	PlannedCents int64 `json:"planned_cents"`
	ActualCents  int64 `json:"actual_cents"`
}

// ActionEvaluation is an action in the final evaluation: what was said of
// it, its indicators over the period, its money over the period by
// funder, and its status year after year as the reviews gave it.
type ActionEvaluation struct {
	ID     string `json:"id"`
	Ref    string `json:"ref"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// StatusLabel is the French name of the action's status.
	StatusLabel  string            `json:"-"`
	LeadName     string            `json:"lead_name"`
	Entry        Entry             `json:"entry"`
	Indicators   []IndicatorResult `json:"indicators"`
	ByFunder     []Money           `json:"by_funder"`
	PlannedCents int64             `json:"planned_cents"`
	ActualCents  int64             `json:"actual_cents"`
	Reviews      []YearStatus      `json:"reviews"`
}

// AxisEvaluation is an axis in the final evaluation.
type AxisEvaluation struct {
	ID           string             `json:"id"`
	Number       int                `json:"number"`
	Title        string             `json:"title"`
	Entry        Entry              `json:"entry"`
	PlannedCents int64              `json:"planned_cents"`
	ActualCents  int64              `json:"actual_cents"`
	Indicators   IndicatorCount     `json:"indicators"`
	Actions      []ActionEvaluation `json:"actions"`
}

// Evaluation is the final evaluation of a convention: per axis and per
// action, the results against the objectives and targets over the whole
// period — in words (the entries), in figures (indicators from baseline to
// last value against the final target) and in money (planned against
// actual, by funder and by year) — and the actions to carry on.
type Evaluation struct {
	Convention   string           `json:"convention"`
	Title        string           `json:"title"`
	Start        string           `json:"start"`
	End          string           `json:"end"`
	FirstYear    int              `json:"first_year"`
	LastYear     int              `json:"last_year"`
	Entry        Entry            `json:"entry"`
	PlannedCents int64            `json:"planned_cents"`
	ActualCents  int64            `json:"actual_cents"`
	ByFunder     []Money          `json:"by_funder"`
	ByYear       []YearMoney      `json:"by_year"`
	Indicators   IndicatorCount   `json:"indicators"`
	ByStatus     []StatusCount    `json:"by_status"`
	Actions      int              `json:"actions"`
	CarryOn      int              `json:"carry_on"`
	RenewedBy    *string          `json:"renewed_by"`
	Axes         []AxisEvaluation `json:"axes"`
}

// CarriedOn lists the actions marked to carry on, in the order of the plan.
func (e *Evaluation) CarriedOn() []ActionEvaluation {
	var out []ActionEvaluation
	for _, x := range e.Axes {
		for _, a := range x.Actions {
			if a.Entry.CarryOn {
				out = append(out, a)
			}
		}
	}
	return out
}

// Evaluation builds the final evaluation.
func (f *Facts) Evaluation() *Evaluation {
	first, last := f.Years()
	c := f.Convention
	entries := map[string]Entry{}
	for _, e := range f.Entries {
		entries[e.Subject] = e
	}
	entry := func(subject string) Entry {
		if e, ok := entries[subject]; ok {
			return e
		}
		return Entry{Subject: subject}
	}
	out := &Evaluation{Convention: c.ID, Title: c.Title, Start: c.Start, End: c.End, FirstYear: first, LastYear: last,
		Entry: entry(SubjectConvention), ByFunder: byFunder(f.Lines, f.Names), ByYear: []YearMoney{}, ByStatus: []StatusCount{},
		RenewedBy: c.RenewedBy, Axes: []AxisEvaluation{}}
	out.PlannedCents, out.ActualCents = sumMoney(out.ByFunder)
	years := map[int]*YearMoney{}
	for _, l := range f.Lines {
		ym, ok := years[l.Year]
		if !ok {
			ym = &YearMoney{Year: l.Year}
			years[l.Year] = ym
		}
		ym.PlannedCents += l.PlannedCents
		if l.ActualCents != nil {
			ym.ActualCents += *l.ActualCents
		}
	}
	for _, ym := range years {
		out.ByYear = append(out.ByYear, *ym)
	}
	slices.SortFunc(out.ByYear, func(a, b YearMoney) int { return a.Year - b.Year })

	indicators := f.indicatorsByAction()
	lines := map[string][]budget.Line{}
	for _, l := range f.Lines {
		lines[l.Action] = append(lines[l.Action], l)
	}
	reviews := map[string][]YearStatus{}
	for _, r := range f.Reviews {
		reviews[r.Action] = append(reviews[r.Action], YearStatus{Year: r.Year, Status: r.Status})
	}
	statuses := map[string]int{}
	for _, x := range f.Plan.Axes {
		ax := AxisEvaluation{ID: x.ID, Number: x.Number, Title: x.Title, Entry: entry(x.ID), Actions: []ActionEvaluation{}}
		for _, a := range x.Actions {
			ae := ActionEvaluation{ID: a.ID, Ref: a.Ref, Title: a.Title, Status: a.Status, StatusLabel: plan.StatusLabel(a.Status),
				LeadName: f.Names[a.Lead], Entry: entry(a.ID), Indicators: []IndicatorResult{},
				ByFunder: byFunder(lines[a.ID], f.Names), Reviews: reviews[a.ID]}
			if ae.Reviews == nil {
				ae.Reviews = []YearStatus{}
			}
			slices.SortFunc(ae.Reviews, func(a, b YearStatus) int { return a.Year - b.Year })
			for _, ind := range indicators[a.ID] {
				r := Result(ind)
				ae.Indicators = append(ae.Indicators, r)
				ax.Indicators.add(r)
				out.Indicators.add(r)
			}
			ae.PlannedCents, ae.ActualCents = sumMoney(ae.ByFunder)
			ax.PlannedCents += ae.PlannedCents
			ax.ActualCents += ae.ActualCents
			if ae.Entry.CarryOn {
				out.CarryOn++
			}
			statuses[a.Status]++
			out.Actions++
			ax.Actions = append(ax.Actions, ae)
		}
		out.Axes = append(out.Axes, ax)
	}
	for _, s := range plan.Statuses {
		if n := statuses[s.Code]; n > 0 {
			out.ByStatus = append(out.ByStatus, StatusCount{Status: s.Code, Label: s.Label, Count: n})
		}
	}
	return out
}

// Result is ind over the whole period: its last value and its final
// target, and whether the one reached the other by the rule of
// plan.Indicator.Progress (a target below the baseline is one to go down
// to).
func Result(ind plan.Indicator) IndicatorResult {
	out := IndicatorResult{ID: ind.ID, Label: ind.Label, Unit: ind.Unit, Baseline: ind.Baseline}
	for _, p := range ind.Progress() {
		if p.Value != nil {
			out.LastValue, out.LastYear = p.Value, p.Year
		}
		if p.Target != nil {
			out.Target, out.TargetYear = p.Target, p.Year
		}
	}
	if out.LastValue != nil && out.Target != nil {
		// The last value against the final target, whatever their years:
		// the rule is Progress's, applied to that pair.
		k := strconv.Itoa(out.TargetYear)
		pair := plan.Indicator{Baseline: ind.Baseline, Targets: map[string]float64{k: *out.Target}, Values: map[string]float64{k: *out.LastValue}}
		out.Met = pair.Progress()[0].Met
	}
	return out
}
