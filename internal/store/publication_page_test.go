package store_test

import (
	"context"
	"testing"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/plan"
	"ctg/internal/publication"
	"ctg/internal/survey"
	"ctg/internal/testdb"
)

// TestPublicPage checks that the public page holds what the partners
// published and nothing else: no budget or questionnaire unless chosen,
// only closed questionnaires, never their free answers or the budget's
// warnings, and nothing at all once withdrawn.
func TestPublicPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		ax := &plan.Axis{Title: "Accueil du jeune enfant"}
		if err := f.db.CreateAxis(ctx, f.editor, c.ID, ax); err != nil {
			t.Fatal(err)
		}
		a := &plan.Action{Title: "Une micro-crèche", Status: plan.StatusInProgress}
		if err := f.db.CreateAction(ctx, f.editor, ax.ID, a); err != nil {
			t.Fatal(err)
		}
		// A funder that is not a party: a warning meant for the partners only.
		if _, err := f.db.SetBudget(ctx, f.editor, a.ID, 0, []budget.Line{
			{Funder: "caf-33", Year: 2023, Nature: budget.NatureInvestissement, PlannedCents: 18_000_000},
			{Funder: "caf-974", Year: 2024, Nature: budget.NatureFonctionnement, PlannedCents: 1}}); err != nil {
			t.Fatal(err)
		}
		ind := &plan.Indicator{Label: "Places", Unit: "places", Targets: map[string]float64{"2024": 12}}
		if err := f.db.CreateActionIndicator(ctx, f.editor, a.ID, ind); err != nil {
			t.Fatal(err)
		}
		closed, open := smallSurvey(), smallSurvey()
		closed.Title, open.Title = "Questionnaire clos", "Questionnaire ouvert"
		for _, s := range []*survey.Survey{closed, open} {
			if err := f.db.CreateSurvey(ctx, f.editor, c.ID, s); err != nil {
				t.Fatal(err)
			}
			if _, err := f.db.OpenSurvey(ctx, f.editor, s.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.db.AddPaperResponse(ctx, ref, f.editor, s.ID, map[string]any{"age": "26-45 ans", "remarques": "Appelez Mme Martin au 06 00 00 00 00."}, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.db.CloseSurvey(ctx, f.editor, closed.ID); err != nil {
			t.Fatal(err)
		}

		if _, err := f.db.PublicPage(ctx, "ctg-latitude-nord-gironde-2022-2026"); app.ErrorCode(err) != app.ENotFound {
			t.Fatalf("not published: %v", err)
		}
		pub, err := f.db.Publish(ctx, f.editor, c.ID, publication.Publication{Summary: "Le projet."})
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.db.PublicPage(ctx, pub.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if p.Convention.ID != c.ID || p.Convention.Population != 21821 || len(p.Plan.Axes) != 1 || len(p.Plan.Axes[0].Actions) != 1 ||
			len(p.Indicators[a.ID]) != 1 || p.Indicators[a.ID][0].Targets["2024"] != 12 || p.Summary != "Le projet." {
			t.Errorf("page %+v", p)
		}
		if p.Budget != nil || p.Surveys != nil {
			t.Errorf("unpublished budget or surveys: %+v %+v", p.Budget, p.Surveys)
		}

		if _, err := f.db.Publish(ctx, f.editor, c.ID, publication.Publication{ShowBudget: true, ShowSurveys: true}); err != nil {
			t.Fatal(err)
		}
		if p, err = f.db.PublicPage(ctx, pub.Slug); err != nil {
			t.Fatal(err)
		}
		if p.Budget == nil || p.Budget.PlannedCents != 18_000_001 || len(p.Budget.Warnings) != 0 || len(p.Budget.ByFunderYear) != 2 {
			t.Errorf("budget %+v", p.Budget)
		}
		if len(p.Surveys) != 1 || p.Surveys[0].Title != "Questionnaire clos" || p.Surveys[0].Results.Responses != 1 {
			t.Fatalf("surveys %+v", p.Surveys)
		}
		for _, q := range p.Surveys[0].Results.Questions {
			if q.Kind == survey.KindText {
				t.Errorf("a free answer on the public page: %+v", q)
			}
		}

		if err := f.db.Unpublish(ctx, f.editor, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.PublicPage(ctx, pub.Slug); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("withdrawn: %v", err)
		}
	})
}
