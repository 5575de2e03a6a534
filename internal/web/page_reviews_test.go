package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ctg/internal/budget"
	"ctg/internal/plan"
	"ctg/internal/review"
	"ctg/internal/store"
)

// reviewRenderCases are the requests of TestEveryTemplateRenders for the
// yearly reviews and the evaluation, over the demonstration data: the plan
// of the CTG Latitude Nord Gironde 2027-2031 gets a review of its first
// action for 2027 and a partner's comment; the requests themselves change
// nothing (every form they send is refused).
func reviewRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	ctx := context.Background()
	admin, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	id := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	signed := demoConventionID(t, db, "CTG Latitude Nord Gironde 2022-2026")
	bordeaux := demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	p, err := db.Plan(ctx, admin, id)
	if err != nil || len(p.Actions()) < 2 {
		t.Fatalf("no plan in the demonstration data set: %v", err)
	}
	a, other := p.Actions()[0], p.Actions()[1]
	if _, _, err := db.SetActionReview(ctx, admin, a.ID, 2027, 0, review.Input{Status: "in_progress", Done: "Le comité de pilotage a validé le projet.",
		Difficulties: "Le recrutement prend du retard.", NextSteps: "Ouverture à la rentrée 2028."}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddReviewComment(ctx, admin, id, &review.Comment{Year: 2027, Author: "Sophie Lacombe", Organisation: "caf-33",
		Text: "La Caf suivra le recrutement de près."}); err != nil {
		t.Fatal(err)
	}
	b, err := db.Budget(ctx, admin, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var line budget.Line
	for _, l := range b.Lines {
		if l.Year == 2027 {
			line = l
			break
		}
	}
	if line.ID == "" {
		t.Fatalf("no budget line of 2027 for %s in the demonstration data set", a.Ref)
	}
	reviews, year := "/conventions/"+id+"/bilans", "/conventions/"+id+"/bilans/2027"
	form := "/actions/" + a.ID + "/bilans/2027"
	refused := url.Values{"version": {"1"}, "action_version": {strconv.Itoa(b.Version)}, "status": {""}, "done": {"Texte gardé tel quel."},
		"line": {line.ID}, "actual": {"douze mille"}}
	stale := url.Values{"version": {"99"}, "action_version": {strconv.Itoa(b.Version)}, "status": {"late"}, "done": {"Ma version à moi."},
		"line": {line.ID}, "actual": {"1 234,56"}}
	evaluation := "/conventions/" + id + "/evaluation"
	return []renderCase{
		{name: "reviews", who: advisor, path: reviews, status: 200, renders: []string{"reviews.html"},
			contains: []string{"Bilan 2027", `<progress id="progress-2027"`, `href="/actions/` + other.ID + `/bilans/2027"`, "restent à faire"}},
		{name: "reviews of a reader", who: reader, path: reviews, status: 200, renders: []string{"reviews.html"}},
		{name: "reviews of another", who: reader, path: "/conventions/" + bordeaux + "/bilans", status: 404, renders: []string{"error.html"}},
		{name: "review of a year", who: advisor, path: year, status: 200,
			renders: []string{"review_year.html", "partials/budget_chart.html", "partials/review_indicators.html", "partials/review_money.html"},
			contains: []string{"Bilan 2027", `data-chart="chart-year-funders"`, `data-chart="chart-year-statuses"`, "Le recrutement prend du retard.",
				"La Caf suivra le recrutement de près.", `id="formulaire-commentaire"`, "Faire le bilan", "Cible 2027"}},
		{name: "review of a year, for a reader", who: reader, path: year, status: 200, renders: []string{"review_year.html"},
			contains: []string{"Voir le bilan"}, lacks: []string{`id="formulaire-commentaire"`, "Faire le bilan"}},
		{name: "review of a year outside", who: advisor, path: reviews + "/2040", status: 404, renders: []string{"error.html"},
			contains: []string{"2027 à 2031"}},
		{name: "review of no year", who: advisor, path: reviews + "/demain", status: 404, renders: []string{"error.html"}},
		{name: "review of a year of another", who: reader, path: "/conventions/" + bordeaux + "/bilans/2024", status: 404, renders: []string{"error.html"}},
		{name: "comment refused", who: advisor, method: "POST", path: year + "/commentaires", form: url.Values{"author": {"Marie Dupont"}, "text": {" "}},
			status: 422, renders: []string{"review_year.html", "partials/form.html"}, contains: []string{`value="Marie Dupont"`, `id="fk-text-error"`}},
		{name: "comment refused to a reader", who: reader, method: "POST", path: year + "/commentaires", form: url.Values{"text": {"x"}},
			status: 403, renders: []string{"error.html"}},
		{name: "review form", who: advisor, path: form, status: 200, renders: []string{"review_form.html", "partials/review_indicators.html"},
			contains: []string{`id="fr-status"`, `<option value="in_progress" selected>`, `name="actual"`, "Dépenses réalisées en 2027", `name="version" value="1"`}},
		{name: "review form of a reader", who: reader, path: form, status: 200, renders: []string{"review_form.html"},
			contains: []string{"Le recrutement prend du retard."}, lacks: []string{`name="actual"`, `id="fr-status"`}},
		{name: "review form refused", who: advisor, method: "POST", path: form, form: refused, status: 422, renders: []string{"review_form.html", "partials/form.html"},
			contains: []string{`value="douze mille"`, "Texte gardé tel quel.", `id="fr-status-error"`, `id="fr-actual.` + line.ID + `-error"`, `aria-invalid="true"`}},
		{name: "review form, stale", who: advisor, method: "POST", path: form, form: stale, status: 412, renders: []string{"review_form.html"},
			contains: []string{"modification concurrente", "Ma version à moi.", `value="1 234,56"`, "Enregistré entre-temps", `name="version" value="1"`}},
		{name: "review form refused to a reader", who: reader, method: "POST", path: form, form: stale, status: 403, renders: []string{"error.html"}},
		{name: "review form of a year outside", who: advisor, path: "/actions/" + a.ID + "/bilans/2026", status: 404, renders: []string{"error.html"}},
		{name: "evaluation", who: advisor, path: evaluation, status: 200, renders: []string{"evaluation.html", "partials/budget_chart.html"},
			contains: []string{"Évaluation de la convention", `data-chart="chart-eval-indicators"`, `data-chart="chart-eval-funders"`,
				`id="fe-convention-results"`, `id="fe-` + a.ID + `-carry_on"`, "Cible finale", "Le renouvellement se démarre une fois la convention signée"}},
		{name: "evaluation of a reader", who: reader, path: evaluation, status: 200, renders: []string{"evaluation.html"},
			contains: []string{"Pas encore écrits."}, lacks: []string{`id="fe-convention-results"`}},
		{name: "evaluation of a renewed convention", who: advisor, path: "/conventions/" + signed + "/evaluation", status: 200, renders: []string{"evaluation.html"},
			contains: []string{"Cette convention est renouvelée par", "CTG Latitude Nord Gironde 2027-2031"}, lacks: []string{`action="/conventions/` + signed + `/renouvellement`}},
		{name: "evaluation refused", who: advisor, method: "POST", path: evaluation,
			form: url.Values{"subject": {p.Axes[0].ID}, "version": {"0"}, "results": {strings.Repeat("é", review.MaxResults+1)}, "assessment": {"Appréciation gardée."}}, status: 422,
			renders: []string{"evaluation.html"}, contains: []string{"Appréciation gardée.", `id="fe-` + p.Axes[0].ID + `-results-error"`}},
		{name: "evaluation, stale", who: advisor, method: "POST", path: evaluation,
			form: url.Values{"subject": {"convention"}, "version": {"7"}, "results": {"Mon texte."}}, status: 412,
			renders: []string{"evaluation.html"}, contains: []string{"Mon texte.", "rien n&#39;a été écrasé"}},
		{name: "evaluation refused to a reader", who: reader, method: "POST", path: evaluation, form: url.Values{"subject": {"convention"}},
			status: 403, renders: []string{"error.html"}},
		{name: "renewal refused", who: advisor, method: "POST", path: "/conventions/" + id + "/renouvellement",
			form: url.Values{"title": {"CTG 2032-2036"}, "start": {"2032-01-01"}, "end": {"2036-12-31"}}, status: 409,
			renders: []string{"evaluation.html"}, contains: []string{"Renouvellement impossible", "Seule une convention signée ou échue se renouvelle"}},
		{name: "evaluation of another", who: reader, path: "/conventions/" + bordeaux + "/evaluation", status: 404, renders: []string{"error.html"}},
	}
}

// reviewSite is a plan site with an axis, two actions, an indicator and a
// budget, for the reviews and the evaluation.
type reviewSite struct {
	*planSite
	a1, a2 plan.Action
	lines  []budget.Line
}

func newReviewSite(t *testing.T) *reviewSite {
	t.Helper()
	ctx := context.Background()
	s := &reviewSite{planSite: newPlanSite(t)}
	x := plan.Axis{Title: "Accueillir les jeunes enfants"}
	if err := s.db.CreateAxis(ctx, s.editor, s.c.ID, &x); err != nil {
		t.Fatal(err)
	}
	s.a1 = plan.Action{Title: "Micro-crèche de Saint-Savin", Stakes: []string{s.stakes[0].ID}, Fields: []string{"petite_enfance"}}
	s.a2 = plan.Action{Title: "Relais petite enfance itinérant", Start: "2029-01-01"}
	for _, a := range []*plan.Action{&s.a1, &s.a2} {
		if err := s.db.CreateAction(ctx, s.editor, x.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	base := 0.0
	ind := plan.Indicator{Label: "Places ouvertes", Baseline: &base, Targets: map[string]float64{"2027": 10, "2031": 24}, Values: map[string]float64{"2027": 12}}
	if err := s.db.CreateActionIndicator(ctx, s.editor, s.a1.ID, &ind); err != nil {
		t.Fatal(err)
	}
	b, err := s.db.SetBudget(ctx, s.editor, s.a1.ID, 0, []budget.Line{
		{Funder: "caf-33", Year: 2027, Nature: "fonctionnement", PlannedCents: 12_000_000},
		{Funder: s.c.Parties[0], Year: 2027, Nature: "investissement", PlannedCents: 30_000_000},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.lines = b.Lines
	return s
}

// TestReviewPages makes the review of an action through its form, as a
// coordinator would, with its amounts spent; comments the year; and
// checks what the pages then show, and to whom.
func TestReviewPages(t *testing.T) {
	s := newReviewSite(t)
	ctx := context.Background()
	form := "/actions/" + s.a1.ID + "/bilans/2027"

	page := s.get(s.coordinator, "/conventions/"+s.c.ID+"/bilans", http.StatusOK)
	text := readText(page)
	if !strings.Contains(text, "0 bilan fait sur 1 action") || !strings.Contains(text, "Axe 1 / Action 1") {
		t.Errorf("campaign before: %s", text)
	}
	b, _ := s.db.Budget(ctx, s.editor, s.a1.ID)
	to := s.post(s.coordinator, form, url.Values{"version": {"0"}, "action_version": {strconv.Itoa(b.Version)}, "status": {"in_progress"},
		"done": {"Travaux lancés.\nPermis obtenu."}, "difficulties": {""}, "next_steps": {"Ouverture en 2028."},
		"line": {s.lines[0].ID, s.lines[1].ID}, "actual": {"11 500", ""}}, http.StatusSeeOther)
	if to != "/conventions/"+s.c.ID+"/bilans/2027#action-"+s.a1.ID {
		t.Errorf("saved, to %s", to)
	}
	r, err := s.db.ActionReview(ctx, s.editor, s.a1.ID, 2027)
	if err != nil || r.Status != "in_progress" || r.Done != "Travaux lancés.\nPermis obtenu." || r.User != "coordination@cc.fr" {
		t.Fatalf("review %+v %v", r, err)
	}
	after, _ := s.db.Budget(ctx, s.editor, s.a1.ID)
	if after.Lines[0].ActualCents == nil || *after.Lines[0].ActualCents != 11_500_00 || after.Lines[1].ActualCents != nil {
		t.Errorf("amounts %+v", after.Lines)
	}

	// A form filled before someone else wrote the review is refused.
	s.post(s.coordinator, form, url.Values{"version": {"0"}, "action_version": {strconv.Itoa(after.Version)}, "status": {"late"}}, http.StatusPreconditionFailed)

	s.post(s.coordinator, "/conventions/"+s.c.ID+"/bilans/2027/commentaires", url.Values{"author": {"Marie Dupont"},
		"organisation": {s.c.Parties[0]}, "text": {"Le Département suivra l'ouverture."}}, http.StatusSeeOther)

	year := readText(s.get(s.reader, "/conventions/"+s.c.ID+"/bilans/2027", http.StatusOK))
	for _, want := range []string{"Bilans faits 1 / 1", "Travaux lancés. Permis obtenu.", "En cours", "11 500 €", "120 000 €",
		"Marie Dupont · ", "Le Département suivra l'ouverture.", "Places ouvertes", "12 oui"} {
		if !strings.Contains(year, want) {
			t.Errorf("the review of 2027 lacks %q:\n%s", want, year)
		}
	}
	if text := readText(s.get(s.coordinator, "/conventions/"+s.c.ID+"/bilans", http.StatusOK)); !strings.Contains(text, "Toutes les actions de 2027 ont leur bilan") {
		t.Errorf("campaign after: %s", text)
	}

	// Readers see, do not change; others see nothing.
	s.post(s.reader, form, url.Values{"status": {"done"}}, http.StatusForbidden)
	for _, p := range []string{"/conventions/" + s.c.ID + "/bilans", "/conventions/" + s.c.ID + "/bilans/2027", form, "/conventions/" + s.c.ID + "/evaluation"} {
		s.get(s.out, p, http.StatusNotFound)
	}
	s.post(s.out, form, url.Values{"status": {"done"}}, http.StatusNotFound)
	s.post(s.out, "/conventions/"+s.c.ID+"/evaluation", url.Values{"subject": {"convention"}}, http.StatusNotFound)
}
