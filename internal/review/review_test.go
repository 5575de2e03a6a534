package review_test

import (
	"strings"
	"testing"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/review"
)

func TestValidateReview(t *testing.T) {
	for _, tc := range []struct {
		name   string
		year   int
		in     review.Input
		fields []string
	}{
		{"fine", 2024, review.Input{Status: "in_progress", Done: "  Premier comité tenu.\r\nMarché attribué. "}, nil},
		{"no status", 2024, review.Input{}, []string{"status"}},
		{"unknown status", 2024, review.Input{Status: "fini"}, []string{"status"}},
		{"year before", 2021, review.Input{Status: "done"}, []string{"year"}},
		{"year after", 2027, review.Input{Status: "done"}, []string{"year"}},
		{"too long", 2024, review.Input{Status: "late", Difficulties: strings.Repeat("é", review.MaxText+1)}, []string{"difficulties"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &review.ActionReview{Year: tc.year}
			tc.in.Apply(r)
			err := r.Validate(2022, 2026)
			if len(tc.fields) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if r.Done != "Premier comité tenu.\nMarché attribué." {
					t.Errorf("done %q", r.Done)
				}
				return
			}
			fields := app.ErrorFields(err)
			if len(fields) != len(tc.fields) {
				t.Errorf("fields %v, want %v", fields, tc.fields)
			}
			for _, f := range tc.fields {
				if !strings.Contains(fields[f], " ") {
					t.Errorf("no French message on %s: %v", f, fields)
				}
			}
		})
	}
	c := &review.Comment{Year: 2024, Author: "  ", Text: ""}
	if f := app.ErrorFields(c.Validate(2022, 2026)); f["author"] == "" || f["text"] == "" {
		t.Errorf("empty comment: %v", f)
	}
	e := &review.Entry{CarryOn: true}
	if f := app.ErrorFields(e.Validate(false)); f["carry_on"] == "" {
		t.Errorf("an axis carried on: %v", f)
	}
	if err := e.Validate(true); err != nil {
		t.Errorf("an action carried on: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// facts is a convention of 2022 to 2026 with two axes: a first action run
// all along with an indicator and money, a second from 2024, and an
// action of the second axis abandoned in 2023.
func facts() *review.Facts {
	c := &convention.Convention{ID: "c1", Title: "CTG Latitude Nord Gironde 2022-2026", Start: "2022-11-01", End: "2026-12-31"}
	p := &plan.Plan{Convention: "c1", Axes: []plan.Axis{
		{ID: "x1", Number: 1, Title: "Petite enfance", Actions: []plan.Action{
			{ID: "a1", Ref: "Axe 1 / Action 1", Title: "Crèche", Status: "in_progress", Lead: "cc"},
			{ID: "a2", Ref: "Axe 1 / Action 2", Title: "RPE", Status: "planned", Start: "2024-01-01"},
		}},
		{ID: "x2", Number: 2, Title: "Jeunesse", Actions: []plan.Action{
			{ID: "a3", Ref: "Axe 2 / Action 1", Title: "Local jeunes", Status: "abandoned", End: "2023-06-30"},
		}},
	}}
	return &review.Facts{Convention: c, Plan: p, Names: map[string]string{"cc": "CC Latitude Nord Gironde", "caf-33": "Caf de la Gironde"},
		Indicators: []plan.Indicator{
			{ID: "i1", Action: "a1", Label: "Places", Baseline: ptr(10.0), Targets: map[string]float64{"2024": 20, "2026": 30},
				Values: map[string]float64{"2024": 22, "2025": 25}},
			{ID: "i2", Action: "a1", Label: "Familles en attente", Baseline: ptr(40.0), Targets: map[string]float64{"2026": 10},
				Values: map[string]float64{"2026": 8}},
		},
		Lines: []budget.Line{
			{Action: "a1", Funder: "caf-33", Year: 2024, Nature: "fonctionnement", PlannedCents: 1_000_000, ActualCents: ptr(int64(900_000))},
			{Action: "a1", Funder: "caf-33", Year: 2024, Nature: "investissement", PlannedCents: 500_000},
			{Action: "a1", Funder: "cc", Year: 2024, Nature: "fonctionnement", PlannedCents: 2_000_000, ActualCents: ptr(int64(2_100_000))},
			{Action: "a2", Funder: "cc", Year: 2025, Nature: "fonctionnement", PlannedCents: 300_000},
		},
		Reviews: []review.ActionReview{
			{Action: "a1", Year: 2024, Status: "in_progress", Done: "Travaux lancés."},
			{Action: "a3", Year: 2024, Status: "abandoned", Done: "Abandonnée faute de local."},
		},
		Comments: []review.Comment{{ID: "k1", Year: 2024, Author: "Marie", Text: "Bien."}, {ID: "k2", Year: 2025, Author: "Paul", Text: "À suivre."}},
		Entries:  []review.Entry{{Subject: "a1", Results: "Crèche ouverte.", CarryOn: true, Version: 2}},
	}
}

func TestYear(t *testing.T) {
	f := facts()
	y := f.Year(2024)
	if y.FirstYear != 2022 || y.LastYear != 2026 || y.Actions != 3 || y.Reviewed != 2 {
		t.Errorf("year %+v", y)
	}
	// a3 ended in 2023 but was reviewed in 2024: shown, not running.
	if a3 := y.Axes[1].Actions[0]; a3.ID != "a3" || a3.Runs || a3.Review == nil {
		t.Errorf("a3 %+v", a3)
	}
	a1 := y.Axes[0].Actions[0]
	if a1.PlannedCents != 3_500_000 || a1.ActualCents != 3_000_000 || len(a1.Money) != 2 || a1.Money[0].Funder != "cc" || !a1.Money[0].ActualKnown {
		t.Errorf("a1 money %+v", a1)
	}
	if a1.Money[1].Name != "Caf de la Gironde" || a1.Money[1].ActualCents != 900_000 || !a1.Money[1].ActualKnown {
		t.Errorf("a1 CAF %+v", a1.Money[1])
	}
	if a1.LeadName != "CC Latitude Nord Gironde" || len(a1.Indicators) != 2 || *a1.Indicators[0].Target != 20 || *a1.Indicators[0].Value != 22 || !*a1.Indicators[0].Met {
		t.Errorf("a1 %+v", a1)
	}
	if a1.Indicators[1].Target != nil || a1.Indicators[1].Met != nil {
		t.Errorf("indicator without a 2024 target %+v", a1.Indicators[1])
	}
	if y.PlannedCents != 3_500_000 || y.ActualCents != 3_000_000 || len(y.ByFunder) != 2 || len(y.Comments) != 1 {
		t.Errorf("totals %+v", y)
	}
	if len(y.ByStatus) != 2 || y.ByStatus[0].Status != "in_progress" || y.ByStatus[1].Label != "Abandonnée" {
		t.Errorf("by status %+v", y.ByStatus)
	}
	if todo := y.ToReview(); len(todo) != 1 || todo[0].ID != "a2" {
		t.Errorf("to review %+v", todo)
	}
	// 2022: a2 does not run yet, a3 does.
	if y := f.Year(2022); y.Actions != 2 || y.Reviewed != 0 {
		t.Errorf("2022 %+v", y)
	}

	camp := f.Campaign()
	want := []review.CampaignYear{{2022, 2, 0, 0}, {2023, 2, 0, 0}, {2024, 3, 2, 1}, {2025, 2, 0, 1}, {2026, 2, 0, 0}}
	if len(camp) != len(want) {
		t.Fatalf("campaign %+v", camp)
	}
	for i := range want {
		if camp[i] != want[i] {
			t.Errorf("campaign[%d] = %+v, want %+v", i, camp[i], want[i])
		}
	}
}

func TestEvaluation(t *testing.T) {
	e := facts().Evaluation()
	if e.PlannedCents != 3_800_000 || e.ActualCents != 3_000_000 || len(e.ByYear) != 2 || e.ByYear[1].Year != 2025 {
		t.Errorf("money %+v", e)
	}
	if e.Actions != 3 || e.CarryOn != 1 || e.Indicators != (review.IndicatorCount{Total: 2, Met: 1, NotMet: 1}) {
		t.Errorf("counts %+v", e)
	}
	a1 := e.Axes[0].Actions[0]
	places := a1.Indicators[0]
	// The last value (25 in 2025) against the final target (30 in 2026).
	if *places.LastValue != 25 || places.LastYear != 2025 || *places.Target != 30 || places.TargetYear != 2026 || *places.Met {
		t.Errorf("places %+v", places)
	}
	// A target below the baseline is met by going under it.
	if waiting := a1.Indicators[1]; !*waiting.Met {
		t.Errorf("waiting %+v", waiting)
	}
	if !a1.Entry.CarryOn || a1.Entry.Version != 2 || len(a1.Reviews) != 1 || e.Axes[1].Entry.Subject != "x2" || e.Entry.Subject != "convention" {
		t.Errorf("entries %+v", e)
	}
	if got := e.CarriedOn(); len(got) != 1 || got[0].ID != "a1" {
		t.Errorf("carried on %+v", got)
	}
}

func TestRenewal(t *testing.T) {
	for _, tc := range []struct{ start, end, wantStart, wantEnd string }{
		{"2022-11-01", "2026-12-31", "2027-01-01", "2031-12-31"},
		{"2027-01-01", "2031-12-31", "2032-01-01", "2036-12-31"},
		{"2023-07-01", "2027-06-30", "2027-07-01", "2031-06-30"},
		{"demain", "2027-06-30", "", ""},
	} {
		s, e := review.NextPeriod(tc.start, tc.end)
		if s != tc.wantStart || e != tc.wantEnd {
			t.Errorf("NextPeriod(%s, %s) = %s, %s; want %s, %s", tc.start, tc.end, s, e, tc.wantStart, tc.wantEnd)
		}
	}
	for _, tc := range []struct{ title, kind, want string }{
		{"CTG Latitude Nord Gironde 2022-2026", "ctg", "CTG Latitude Nord Gironde 2027-2031"},
		{"CEJ Latitude Nord Gironde 2018–2021", "cej", "CTG Latitude Nord Gironde 2027-2031"},
		{"Convention de Saint-Joseph", "ctg", "Convention de Saint-Joseph 2027-2031"},
	} {
		if got := review.NextTitle(tc.title, tc.kind, "2027-01-01", "2031-12-31"); got != tc.want {
			t.Errorf("NextTitle(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
	if review.RenewalKind("cej") != "ctg" || review.RenewalKind("pedt") != "pedt" {
		t.Error("RenewalKind")
	}
	a := review.Carried(plan.Action{ID: "a", Title: "Crèche", Status: "done", Start: "2023-01-01", Stakes: []string{"s"}, Number: 3})
	if a.ID != "" || a.Status != "planned" || a.Start != "" || a.Number != 0 || a.Stakes[0] != "s" {
		t.Errorf("carried %+v", a)
	}
}
