package store_test

import (
	"context"
	"slices"
	"testing"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/plan"
	"ctg/internal/review"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// reviewPlan is a convention of 2022 to 2026 with a plan made through the
// store: two axes, a first action with an indicator and budget lines in
// 2024, a second one from 2025, a third in the second axis answering a
// stake of the diagnosis.
type reviewPlan struct {
	c          *convention.Convention
	x1, x2     plan.Axis
	a1, a2, a3 plan.Action
	ind        plan.Indicator
	stake      diagnostic.Stake
	finding    diagnostic.Finding
}

func newReviewPlan(t *testing.T, f *fixture) *reviewPlan {
	t.Helper()
	ctx := context.Background()
	p := &reviewPlan{c: f.create(t, f.editor, ctgLatitude(f.cc))}
	p.finding = diagnostic.Finding{Kind: "need", Field: "jeunesse", Text: "Les adolescents n'ont aucun lieu à eux.", Source: "workshop"}
	if err := f.db.CreateFinding(ctx, f.editor, p.c.ID, &p.finding); err != nil {
		t.Fatal(err)
	}
	p.stake = diagnostic.Stake{Title: "Offrir aux adolescents des lieux à eux", Fields: []string{"jeunesse"}, Priority: 1, Findings: []string{p.finding.ID}}
	if err := f.db.CreateStake(ctx, f.editor, p.c.ID, &p.stake); err != nil {
		t.Fatal(err)
	}
	p.x1, p.x2 = plan.Axis{Title: "Accueillir les jeunes enfants"}, plan.Axis{Title: "Accompagner les adolescents"}
	for _, x := range []*plan.Axis{&p.x1, &p.x2} {
		if err := f.db.CreateAxis(ctx, f.editor, p.c.ID, x); err != nil {
			t.Fatal(err)
		}
	}
	obj := plan.Objective{Title: "Ouvrir des lieux aux adolescents"}
	if err := f.db.CreateObjective(ctx, f.editor, p.x2.ID, &obj); err != nil {
		t.Fatal(err)
	}
	p.a1 = plan.Action{Title: "Micro-crèche de Saint-Savin", Lead: f.cc, Status: "in_progress"}
	p.a2 = plan.Action{Title: "Relais petite enfance itinérant", Start: "2025-01-01"}
	p.a3 = plan.Action{Title: "Local jeunes de Cavignac", Stakes: []string{p.stake.ID}, Findings: []string{p.finding.ID}, Objective: obj.ID,
		Start: "2023-01-01", End: "2024-06-30", Status: "done", Fields: []string{"jeunesse"}}
	for _, a := range []struct {
		axis string
		a    *plan.Action
	}{{p.x1.ID, &p.a1}, {p.x1.ID, &p.a2}, {p.x2.ID, &p.a3}} {
		if err := f.db.CreateAction(ctx, f.editor, a.axis, a.a); err != nil {
			t.Fatal(err)
		}
	}
	base := 10.0
	p.ind = plan.Indicator{Label: "Places ouvertes", Unit: "places", Baseline: &base, Targets: map[string]float64{"2024": 12, "2026": 20},
		Values: map[string]float64{"2024": 14}}
	if err := f.db.CreateActionIndicator(ctx, f.editor, p.a1.ID, &p.ind); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetBudget(ctx, f.editor, p.a1.ID, 0, []budget.Line{
		{Funder: "caf-33", Year: 2024, Nature: "fonctionnement", PlannedCents: 1_200_000_00, ActualCents: centsOf(1_100_000_00)},
		{Funder: f.cc, Year: 2024, Nature: "investissement", PlannedCents: 3_000_000_00},
		{Funder: "caf-33", Year: 2025, Nature: "fonctionnement", PlannedCents: 1_250_000_00},
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

// historyActions lists the actions of a convention's history, newest first.
func historyActions(t *testing.T, db *store.DB, u *account.User, id string) []string {
	t.Helper()
	h, err := db.History(context.Background(), u, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range h {
		out = append(out, e.Action)
	}
	return out
}

func TestActionReviews(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		p := newReviewPlan(t, f)
		in := review.Input{Status: "in_progress", Done: "Travaux lancés en mars.", Difficulties: "Retard du permis.", NextSteps: "Ouverture en 2025."}

		r, created, err := f.db.SetActionReview(ctx, f.editor, p.a1.ID, 2024, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		if !created || r.Version != 1 || r.User != "Personne editor@caf.fr" || r.Done != in.Done || r.Year != 2024 {
			t.Errorf("created %+v %v", r, created)
		}
		if h := historyActions(t, f.db, f.editor, p.c.ID); h[0] != "review.create" {
			t.Errorf("history %v", h)
		}

		// Who may not, what is wrong, what is stale: nothing changes.
		for _, tc := range []struct {
			name    string
			u       *account.User
			action  string
			year    int
			version int
			in      review.Input
			code    string
			field   string
		}{
			{"reader", f.reader, p.a1.ID, 2024, 0, in, app.EForbidden, ""},
			{"other CAF", f.other, p.a1.ID, 2024, 0, in, app.ENotFound, ""},
			{"unknown action", f.editor, "inconnue", 2024, 0, in, app.ENotFound, ""},
			{"year outside", f.editor, p.a1.ID, 2027, 0, in, app.EInvalid, "year"},
			{"unknown status", f.editor, p.a1.ID, 2024, 0, review.Input{Status: "fini"}, app.EInvalid, "status"},
			{"stale", f.editor, p.a1.ID, 2024, 3, review.Input{Status: "late"}, app.EPreconditionFailed, ""},
			{"If-Match on a review not written", f.editor, p.a1.ID, 2025, 1, in, app.EPreconditionFailed, ""},
		} {
			_, _, err := f.db.SetActionReview(ctx, tc.u, tc.action, tc.year, tc.version, tc.in)
			if app.ErrorCode(err) != tc.code || tc.field != "" && app.ErrorFields(err)[tc.field] == "" {
				t.Errorf("%s: %v, want %s on %q", tc.name, err, tc.code, tc.field)
			}
		}
		got, err := f.db.ActionReview(ctx, f.reader, p.a1.ID, 2024)
		if err != nil || got.Version != 1 || got.Status != "in_progress" {
			t.Errorf("after refusals: %+v %v", got, err)
		}
		if _, err := f.db.ActionReview(ctx, f.reader, p.a1.ID, 2025); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("review not written: %v", err)
		}

		// A change takes the next version; the same review again changes nothing.
		in.Status = "late"
		if r, created, err = f.db.SetActionReview(ctx, f.editor, p.a1.ID, 2024, 1, in); err != nil || created || r.Version != 2 {
			t.Fatalf("update: %+v %v %v", r, created, err)
		}
		if r, _, err = f.db.SetActionReview(ctx, f.editor, p.a1.ID, 2024, 0, in); err != nil || r.Version != 2 {
			t.Fatalf("same again: %+v %v", r, err)
		}
		if _, _, err := f.db.SetActionReview(ctx, f.editor, p.a3.ID, 2024, 0, review.Input{Status: "done", Done: "Local ouvert."}); err != nil {
			t.Fatal(err)
		}

		// The review of the year gathers it all.
		y, err := f.db.YearReview(ctx, f.reader, p.c.ID, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if y.Actions != 2 || y.Reviewed != 2 || len(y.Axes) != 2 || y.PlannedCents != 4_200_000_00 || y.ActualCents != 1_100_000_00 {
			t.Errorf("year %+v", y)
		}
		a1 := y.Axes[0].Actions[0]
		if a1.ID != p.a1.ID || a1.Review == nil || a1.Review.Status != "late" || a1.LeadName != "CC Latitude Nord Gironde" ||
			len(a1.Indicators) != 1 || *a1.Indicators[0].Value != 14 || !*a1.Indicators[0].Met || len(a1.Money) != 2 {
			t.Errorf("action %+v", a1)
		}
		if y.ByFunder[0].Funder != f.cc || y.ByFunder[0].ActualKnown || y.ByFunder[1].Name != "Caf de la Gironde" {
			t.Errorf("by funder %+v", y.ByFunder)
		}
		if _, err := f.db.YearReview(ctx, f.editor, p.c.ID, 2031); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("year outside: %v", err)
		}
		if _, err := f.db.YearReview(ctx, f.other, p.c.ID, 2024); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF: %v", err)
		}
		camp, err := f.db.ReviewCampaign(ctx, f.reader, p.c.ID)
		if err != nil || len(camp) != 5 || camp[2] != (review.CampaignYear{Year: 2024, Actions: 2, Reviewed: 2}) || camp[3].Actions != 2 {
			t.Errorf("campaign %+v %v", camp, err)
		}

		// Comments: for the CAF, a party or no organisation.
		k := &review.Comment{Year: 2024, Text: "Le Département suivra l'ouverture.", Organisation: "caf-33"}
		if err := f.db.AddReviewComment(ctx, f.editor, p.c.ID, k); err != nil {
			t.Fatal(err)
		}
		if k.Organisation != "caf-33" || k.OrganisationName != "Caf de la Gironde" || k.Author != "Personne editor@caf.fr" || k.ID == "" {
			t.Errorf("comment %+v", k)
		}
		for _, tc := range []struct {
			name string
			u    *account.User
			k    review.Comment
			code string
		}{
			{"reader", f.reader, review.Comment{Year: 2024, Text: "x"}, app.EForbidden},
			{"other CAF", f.other, review.Comment{Year: 2024, Text: "x"}, app.ENotFound},
			{"not a party", f.editor, review.Comment{Year: 2024, Text: "x", Organisation: "caf-974"}, app.EInvalid},
			{"empty, year outside", f.editor, review.Comment{Year: 2021}, app.EInvalid},
		} {
			if err := f.db.AddReviewComment(ctx, tc.u, p.c.ID, &tc.k); app.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		k2 := &review.Comment{Year: 2024, Text: "Bien.", Organisation: f.cc, Author: "Marie Dupont"}
		if err := f.db.AddReviewComment(ctx, f.editor, p.c.ID, k2); err != nil || k2.OrganisationName != "CC Latitude Nord Gironde" {
			t.Fatalf("comment for a party: %+v %v", k2, err)
		}
		// The test's clock stands still: both comments are of the same instant.
		k3 := &review.Comment{Year: 2025, Text: "Sans organisation.", Author: "Un habitant"}
		if err := f.db.AddReviewComment(ctx, f.editor, p.c.ID, k3); err != nil || k3.Organisation != "" || k3.OrganisationName != "" {
			t.Fatalf("comment without an organisation: %+v %v", k3, err)
		}
		if y, _ = f.db.YearReview(ctx, f.reader, p.c.ID, 2024); len(y.Comments) != 2 ||
			!slices.ContainsFunc(y.Comments, func(k review.Comment) bool { return k.Author == "Marie Dupont" }) {
			t.Errorf("comments %+v", y.Comments)
		}
	})
}

func TestActionYear(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		p := newReviewPlan(t, f)
		b, err := f.db.Budget(ctx, f.editor, p.a1.ID)
		if err != nil {
			t.Fatal(err)
		}
		l2024 := b.Lines[1] // the CC's, 2024, not known yet
		l2025 := b.Lines[2]
		in := store.ActionYear{Review: review.Input{Status: "done", Done: "Ouverte."}, Actuals: map[string]*int64{l2024.ID: centsOf(2_900_000_00)},
			ActionVersion: b.Version}

		// Wrong amounts, lines of another year, a stale action: nothing is written, review included.
		for _, tc := range []struct {
			name  string
			in    store.ActionYear
			code  string
			field string
		}{
			{"negative", store.ActionYear{Review: in.Review, Actuals: map[string]*int64{l2024.ID: centsOf(-5)}}, app.EInvalid, "actual." + l2024.ID},
			{"another year", store.ActionYear{Review: in.Review, Actuals: map[string]*int64{l2025.ID: centsOf(5)}}, app.EInvalid, "actual." + l2025.ID},
			{"review wrong too", store.ActionYear{Review: review.Input{}, Actuals: map[string]*int64{l2024.ID: centsOf(-5)}}, app.EInvalid, "status"},
			{"stale action", store.ActionYear{Review: in.Review, Actuals: in.Actuals, ActionVersion: b.Version - 1}, app.EPreconditionFailed, ""},
		} {
			_, err := f.db.SetActionYear(ctx, f.editor, p.a1.ID, 2024, tc.in)
			if app.ErrorCode(err) != tc.code || tc.field != "" && app.ErrorFields(err)[tc.field] == "" {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if _, err := f.db.SetActionYear(ctx, f.reader, p.a1.ID, 2024, in); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader: %v", err)
		}
		if _, err := f.db.ActionReview(ctx, f.editor, p.a1.ID, 2024); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("a review was written: %v", err)
		}

		r, err := f.db.SetActionYear(ctx, f.editor, p.a1.ID, 2024, in)
		if err != nil || r.Version != 1 || r.Status != "done" {
			t.Fatalf("SetActionYear: %+v %v", r, err)
		}
		after, err := f.db.Budget(ctx, f.editor, p.a1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Version != b.Version+1 || *after.Lines[1].ActualCents != 2_900_000_00 || after.Lines[1].ID != l2024.ID ||
			*after.Lines[0].ActualCents != 1_100_000_00 || after.Lines[2].ActualCents != nil || after.PlannedCents != b.PlannedCents {
			t.Errorf("budget after %+v", after)
		}
		if h := historyActions(t, f.db, f.editor, p.c.ID); !slices.Equal(h[:2], []string{"budget.actuals", "review.create"}) {
			t.Errorf("history %v", h[:2])
		}
		// A form filled when there was no review is stale once one is written.
		if _, err := f.db.SetActionYear(ctx, f.editor, p.a1.ID, 2024, store.ActionYear{Review: in.Review, ReviewVersion: -1}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("a review written since the form was filled: %v", err)
		}
		// The same again writes nothing; clearing an amount is a change.
		if _, err := f.db.SetActionYear(ctx, f.editor, p.a1.ID, 2024, store.ActionYear{Review: in.Review, ReviewVersion: 1, Actuals: in.Actuals, ActionVersion: after.Version}); err != nil {
			t.Fatal(err)
		}
		if again, _ := f.db.Budget(ctx, f.editor, p.a1.ID); again.Version != after.Version {
			t.Errorf("the same amounts gave version %d", again.Version)
		}
		if _, err := f.db.SetActionYear(ctx, f.editor, p.a1.ID, 2024, store.ActionYear{Review: in.Review, Actuals: map[string]*int64{l2024.ID: nil}}); err != nil {
			t.Fatal(err)
		}
		if cleared, _ := f.db.Budget(ctx, f.editor, p.a1.ID); cleared.Lines[1].ActualCents != nil || cleared.Version != after.Version+1 {
			t.Errorf("cleared %+v", cleared)
		}
	})
}

func TestEvaluationStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		p := newReviewPlan(t, f)
		e, err := f.db.SetEvaluation(ctx, f.editor, p.c.ID, "convention", 0, review.EntryInput{Results: "Objectifs largement atteints.", Assessment: "Bonne dynamique."})
		if err != nil || e.Version != 1 || e.Subject != "convention" || e.UpdatedAt == nil {
			t.Fatalf("convention entry %+v %v", e, err)
		}
		if _, err := f.db.SetEvaluation(ctx, f.editor, p.c.ID, p.a3.ID, 0, review.EntryInput{Results: "Local ouvert.", CarryOn: true}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, subject string
			u             *account.User
			version       int
			in            review.EntryInput
			code          string
		}{
			{"reader", "convention", f.reader, 0, review.EntryInput{Results: "x"}, app.EForbidden},
			{"other CAF", "convention", f.other, 0, review.EntryInput{Results: "x"}, app.ENotFound},
			{"unknown subject", "inconnu", f.editor, 0, review.EntryInput{}, app.ENotFound},
			{"an axis carried on", p.x2.ID, f.editor, 0, review.EntryInput{CarryOn: true}, app.EInvalid},
			{"stale", "convention", f.editor, 4, review.EntryInput{Results: "y"}, app.EPreconditionFailed},
		} {
			if _, err := f.db.SetEvaluation(ctx, tc.u, p.c.ID, tc.subject, tc.version, tc.in); app.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		// An action of another convention is no subject of this one.
		other := f.create(t, f.editor, ctgLatitude(f.cc))
		if _, err := f.db.SetEvaluation(ctx, f.editor, other.ID, p.a1.ID, 0, review.EntryInput{}); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("action of another convention: %v", err)
		}
		if e, err = f.db.SetEvaluation(ctx, f.editor, p.c.ID, p.x2.ID, 0, review.EntryInput{Assessment: "Axe tenu."}); err != nil || e.Subject != p.x2.ID {
			t.Fatalf("axis entry %+v %v", e, err)
		}
		if e, err = f.db.SetEvaluation(ctx, f.editor, p.c.ID, "convention", 1, review.EntryInput{Results: "Objectifs largement atteints.", Assessment: "Bonne dynamique."}); err != nil || e.Version != 1 {
			t.Errorf("the same again: %+v %v", e, err)
		}

		ev, err := f.db.Evaluation(ctx, f.reader, p.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Entry.Results != "Objectifs largement atteints." || ev.Axes[1].Entry.Assessment != "Axe tenu." || ev.CarryOn != 1 ||
			!ev.Axes[1].Actions[0].Entry.CarryOn || ev.PlannedCents != 5_450_000_00 || ev.ActualCents != 1_100_000_00 || len(ev.ByYear) != 2 {
			t.Errorf("evaluation %+v", ev)
		}
		// Places: 14 in 2024 against 20 in 2026, not met yet.
		if ind := ev.Axes[0].Actions[0].Indicators[0]; *ind.LastValue != 14 || *ind.Target != 20 || *ind.Met {
			t.Errorf("indicator %+v", ind)
		}
		if h := historyActions(t, f.db, f.editor, p.c.ID); h[0] != "evaluation.update" {
			t.Errorf("history %v", h[:1])
		}
		if _, err := f.db.Evaluation(ctx, f.other, p.c.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF: %v", err)
		}
	})
}

func TestRenewal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		p := newReviewPlan(t, f)
		next := review.Renewal{Title: "CTG Latitude Nord Gironde 2027-2031", Start: "2027-01-01", End: "2031-12-31"}
		if _, err := f.db.StartRenewal(ctx, ref, f.editor, p.c.ID, next); app.ErrorCode(err) != app.EConflict {
			t.Errorf("renewal under diagnosis: %v", err)
		}
		for _, st := range []struct{ status, date string }{{"elaboration", ""}, {"signed", "2022-11-15"}} {
			if _, err := f.db.SetStatus(ctx, f.editor, p.c.ID, 0, st.status, st.date); err != nil {
				t.Fatal(err)
			}
		}
		for _, subject := range []string{p.a3.ID, p.a1.ID} {
			if _, err := f.db.SetEvaluation(ctx, f.editor, p.c.ID, subject, 0, review.EntryInput{CarryOn: true}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.db.StartRenewal(ctx, ref, f.reader, p.c.ID, next); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader: %v", err)
		}
		if _, err := f.db.StartRenewal(ctx, ref, f.other, p.c.ID, next); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF: %v", err)
		}
		bad := review.Renewal{Title: "", Start: "2031-01-01", End: "2027-01-01"}
		if _, err := f.db.StartRenewal(ctx, ref, f.editor, p.c.ID, bad); app.ErrorCode(err) != app.EInvalid || app.ErrorFields(err)["title"] == "" || app.ErrorFields(err)["end"] == "" {
			t.Errorf("invalid: %v", err)
		}
		before := count(t, f.db, "conventions")

		n, err := f.db.StartRenewal(ctx, ref, f.editor, p.c.ID, next)
		if err != nil {
			t.Fatal(err)
		}
		if count(t, f.db, "conventions") != before+1 {
			t.Errorf("conventions %d", count(t, f.db, "conventions"))
		}
		if n.Status != "diagnostic" || n.Renews == nil || *n.Renews != p.c.ID || n.Title != next.Title || n.Kind != "ctg" ||
			!slices.Equal(n.Parties, p.c.Parties) || n.CAF != "caf-33" || n.Population != p.c.Population || len(n.Communes) != 12 {
			t.Errorf("new convention %+v", n)
		}
		old, err := f.db.Convention(ctx, f.editor, p.c.ID)
		if err != nil || old.RenewedBy == nil || *old.RenewedBy != n.ID {
			t.Errorf("renewed_by %+v %v", old, err)
		}
		stakes, err := f.db.Stakes(ctx, f.editor, n.ID)
		if err != nil || len(stakes) != 1 || stakes[0].Title != p.stake.Title || stakes[0].ID == p.stake.ID || len(stakes[0].Findings) != 1 {
			t.Fatalf("stakes %+v %v", stakes, err)
		}
		findings, err := f.db.Findings(ctx, f.editor, n.ID, store.FindingFilter{})
		if err != nil || len(findings) != 1 || findings[0].Text != p.finding.Text || findings[0].ID != stakes[0].Findings[0] {
			t.Errorf("findings %+v %v", findings, err)
		}
		np, err := f.db.Plan(ctx, f.editor, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		// a1 of axis 1 and a3 of axis 2 are carried on, a2 is not.
		if len(np.Axes) != 2 || np.Axes[0].Title != p.x1.Title || np.Axes[1].Number != 2 || len(np.Axes[0].Actions) != 1 || len(np.Axes[1].Actions) != 1 {
			t.Fatalf("plan %+v", np)
		}
		a3 := np.Axes[1].Actions[0]
		if a3.Title != p.a3.Title || a3.Ref != "Axe 2 / Action 1" || a3.Status != "planned" || a3.Start != "" || a3.End != "" ||
			!slices.Equal(a3.Stakes, []string{stakes[0].ID}) || !slices.Equal(a3.Findings, []string{findings[0].ID}) ||
			a3.Objective == "" || a3.Objective == p.a3.Objective || len(np.Axes[1].Objectives) != 1 || !slices.Equal(a3.Fields, []string{"jeunesse"}) {
			t.Errorf("carried action %+v", a3)
		}
		if a1 := np.Axes[0].Actions[0]; a1.Lead != f.cc || a1.Status != "planned" {
			t.Errorf("carried a1 %+v", a1)
		}
		if tot, err := f.db.ConventionBudget(ctx, f.editor, n.ID); err != nil || tot.PlannedCents != 0 {
			t.Errorf("budget copied: %+v %v", tot, err)
		}
		if h := historyActions(t, f.db, f.editor, n.ID); h[0] != "convention.renewal" || !slices.Contains(h, "action.create") || !slices.Contains(h, "convention.create") {
			t.Errorf("history of the new one %v", h)
		}
		if h := historyActions(t, f.db, f.editor, p.c.ID); h[0] != "convention.renewed" {
			t.Errorf("history of the old one %v", h)
		}
		if _, err := f.db.StartRenewal(ctx, ref, f.editor, p.c.ID, next); app.ErrorCode(err) != app.EConflict {
			t.Errorf("renewed twice: %v", err)
		}
	})
}
