package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctg/internal/budget"
	"ctg/internal/plan"
	"ctg/internal/store"
	"ctg/internal/survey"
	"ctg/internal/testdb"
)

// publicPlanRenderCases are the requests of TestEveryTemplateRenders for
// the public page, over the demonstration data: the CTG Latitude Nord
// Gironde 2027-2031 is published with its budget.
func publicPlanRenderCases(t *testing.T, db *store.DB) []renderCase {
	t.Helper()
	return []renderCase{
		// A document of its own, not the signed-in layout: checked as a
		// fragment here, as a whole page in TestPublicPlanPage.
		{name: "public page", path: "/p/ctg-latitude-nord-gironde-2027-2031", status: 200, fragment: true, renders: []string{"p_plan.html"},
			contains: []string{`<html lang="fr"`, "CTG Latitude Nord Gironde 2027-2031", "Le territoire", "Le plan d'actions", "Axe 1 / Action 1",
				"Le budget", "Budget prévu par financeur et par année", "Données de démonstration fictives", "Saint-Savin"},
			lacks: []string{"<script", "Se connecter", "/static/js/"}},
		{name: "public page unknown", path: "/p/aucune-convention", status: 404, renders: []string{"error.html"}},
	}
}

// TestPublicPlanPage reads a convention's public page without signing in:
// it shows only what the partners published, and nothing once withdrawn.
func TestPublicPlanPage(t *testing.T) {
	ctx := context.Background()
	w := newBudgetWorld(t)
	const journal = "Note interne : le permis de construire est en retard."
	if err := w.db.AddJournal(ctx, w.editor, w.action.ID, &plan.JournalEntry{Text: journal}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.SetBudget(ctx, w.editor, w.action.ID, 0, []budget.Line{
		{Funder: "caf-33", Year: 2027, Nature: budget.NatureInvestissement, PlannedCents: 18_000_000},
		{Funder: w.cc, Year: 2028, Nature: budget.NatureFonctionnement, PlannedCents: 6_412_345}}); err != nil {
		t.Fatal(err)
	}
	ind := &plan.Indicator{Label: "Places d'accueil ouvertes", Unit: "places", Targets: map[string]float64{"2028": 12}}
	if err := w.db.CreateActionIndicator(ctx, w.editor, w.action.ID, ind); err != nil {
		t.Fatal(err)
	}
	// A questionnaire closed, another still open: only the first is shown,
	// without its free answers.
	for _, title := range []string{"Vos besoins de familles", "Questionnaire encore ouvert"} {
		sv := &survey.Survey{Title: title, Questions: []survey.Question{
			{Key: "commune", Kind: survey.KindCommune, Label: "Votre commune"},
			{Key: "modes", Kind: survey.KindMultiple, Label: "Modes de garde utilisés", Options: []string{"Crèche", "Famille"}},
			{Key: "remarques", Kind: survey.KindText, Label: "Vos remarques"},
		}}
		if err := w.db.CreateSurvey(ctx, w.editor, w.c.ID, sv); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.OpenSurvey(ctx, w.editor, sv.ID); err != nil {
			t.Fatal(err)
		}
		for _, a := range []map[string]any{{"commune": "33473", "modes": []any{"Crèche"}, "remarques": "Appelez Mme Martin."}, {"commune": "33473"}, {"commune": "33123", "modes": []any{"Famille", "Crèche"}}} {
			if _, err := w.db.AddPaperResponse(ctx, testdb.Ref(t), w.editor, sv.ID, a, ""); err != nil {
				t.Fatal(err)
			}
		}
		if title == "Vos besoins de familles" {
			if _, err := w.db.CloseSurvey(ctx, w.editor, sv.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := "/p/ctg-latitude-nord-gironde-2027-2031"
	get := func() (int, string) {
		t.Helper()
		res := serve(w.h, renderCase{path: path}) // signed out
		return res.Code, res.Body.String()
	}
	if code, _ := get(); code != http.StatusNotFound {
		t.Fatalf("unpublished: %d", code)
	}

	// Published without the budget: the plan, not the money, never the journal.
	publish := func(v url.Values) {
		t.Helper()
		v.Set("op", "publish")
		if res := serve(w.h, renderCase{method: "POST", path: "/conventions/" + w.c.ID + "/publication", form: v, who: w.editorS}); res.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d\n%s", res.Code, excerpt(res.Body.String()))
		}
	}
	publish(url.Values{"summary": {"Les partenaires ouvrent une micro-crèche.\nEt bien d'autres choses."}})
	code, body := get()
	if code != 200 {
		t.Fatalf("published: %d", code)
	}
	checkFullPage(t, body)
	for _, s := range []string{"Une micro-crèche de 12 places", "En cours", "Les partenaires ouvrent une micro-crèche.", "21\u00a0821",
		"Suivi : Places d&#39;accueil ouvertes (places)", "Saint-Savin", "CC Latitude Nord Gironde"} {
		if !strings.Contains(body, s) {
			t.Errorf("the public page lacks %q", s)
		}
	}
	for _, s := range []string{"64\u00a0123,45", "180\u00a0000", "Le budget", "permis de construire", "<script", "/publication"} {
		if strings.Contains(body, s) {
			t.Errorf("the public page shows %q, which is not published", s)
		}
	}

	// With the budget: its totals by funder and year, never its lines.
	publish(url.Values{"show_budget": {"1"}})
	_, body = get()
	for _, s := range []string{"Le budget", "244\u00a0123,45\u00a0€", "180\u00a0000\u00a0€", "64\u00a0123,45\u00a0€", "Budget prévu par financeur et par année"} {
		if !strings.Contains(body, s) {
			t.Errorf("the public page lacks %q", s)
		}
	}
	if strings.Contains(body, "permis de construire") || strings.Contains(body, "Investissement") || strings.Contains(body, "Vos besoins de familles") {
		t.Errorf("the public page shows the journal, the budget's lines or unpublished results")
	}

	// With the questionnaires: the closed one, in tables, without its
	// free answers; never the open one.
	publish(url.Values{"show_surveys": {"1"}})
	_, body = get()
	for _, s := range []string{"Ce que les habitants ont répondu", "Vos besoins de familles", "3 réponses", "<th scope=\"row\">Saint-Savin</th><td class=\"num\">2</td><td class=\"num\">66,7\u00a0%</td>",
		"Modes de garde utilisés", "<th scope=\"row\">Crèche</th><td class=\"num\">2</td><td class=\"num\">100,0\u00a0%</td>"} {
		if !strings.Contains(body, s) {
			t.Errorf("the public page lacks %q", s)
		}
	}
	for _, s := range []string{"Questionnaire encore ouvert", "Vos remarques", "Mme Martin", "Le budget"} {
		if strings.Contains(body, s) {
			t.Errorf("the public page shows %q", s)
		}
	}

	// Withdrawn: not found, as if it never was.
	if res := serve(w.h, renderCase{method: "POST", path: "/conventions/" + w.c.ID + "/publication", form: url.Values{"op": {"unpublish"}}, who: w.readerS}); res.Code != http.StatusForbidden {
		t.Errorf("a reader withdraws: %d", res.Code)
	}
	if res := serve(w.h, renderCase{method: "POST", path: "/conventions/" + w.c.ID + "/publication", form: url.Values{"op": {"unpublish"}}, who: w.editorS}); res.Code != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.Code)
	}
	if code, body := get(); code != http.StatusNotFound || strings.Contains(body, "micro-crèche") {
		t.Errorf("withdrawn: %d", code)
	}
}
