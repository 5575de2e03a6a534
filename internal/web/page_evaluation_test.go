package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEvaluationPages writes the evaluation through its forms, marks an
// action to carry on, signs the convention and starts its renewal from the
// evaluation page.
func TestEvaluationPages(t *testing.T) {
	s := newReviewSite(t)
	ctx := context.Background()
	page := "/conventions/" + s.c.ID + "/evaluation"
	to := s.post(s.coordinator, page, url.Values{"subject": {"convention"}, "version": {"0"}, "results": {"Les places attendues sont ouvertes."},
		"assessment": {"Un partenariat solide."}}, http.StatusSeeOther)
	if to != page+"#evaluation-convention" {
		t.Errorf("saved, to %s", to)
	}
	s.post(s.coordinator, page, url.Values{"subject": {s.a1.ID}, "version": {"0"}, "results": {"Crèche ouverte."}, "carry_on": {"1"}}, http.StatusSeeOther)
	text := readText(s.get(s.reader, page, http.StatusOK))
	for _, want := range []string{"Les places attendues sont ouvertes.", "Un partenariat solide.", "Crèche ouverte.", "À reconduire",
		"1 action sera reconduite", "Le renouvellement se démarre une fois la convention signée"} {
		if !strings.Contains(text, want) {
			t.Errorf("the evaluation lacks %q:\n%s", want, text)
		}
	}
	s.post(s.reader, "/conventions/"+s.c.ID+"/renouvellement", url.Values{"title": {"x"}}, http.StatusForbidden)

	for _, st := range []struct{ status, date string }{{"elaboration", ""}, {"signed", "2026-12-15"}} {
		if _, err := s.db.SetStatus(ctx, s.editor, s.c.ID, 0, st.status, st.date); err != nil {
			t.Fatal(err)
		}
	}
	body := s.get(s.coordinator, page, http.StatusOK)
	for _, want := range []string{`action="/conventions/` + s.c.ID + `/renouvellement#renouvellement"`, `value="CTG Latitude Nord Gironde 2032-2036"`,
		`value="2032-01-01"`, `value="2036-12-31"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the renewal form lacks %s", want)
		}
	}
	refused := s.post(s.coordinator, "/conventions/"+s.c.ID+"/renouvellement", url.Values{"title": {"Ma nouvelle CTG"}, "start": {"2036-01-01"},
		"end": {"2032-01-01"}}, http.StatusUnprocessableEntity)
	if !strings.Contains(refused, `value="Ma nouvelle CTG"`) || !strings.Contains(refused, `id="fn-end-error"`) {
		t.Errorf("refused renewal:\n%s", excerpt(refused))
	}
	to = s.post(s.coordinator, "/conventions/"+s.c.ID+"/renouvellement", url.Values{"title": {"CTG Latitude Nord Gironde 2032-2036"},
		"start": {"2032-01-01"}, "end": {"2036-12-31"}}, http.StatusSeeOther)
	newID := strings.TrimPrefix(to, "/conventions/")
	n, err := s.db.Convention(ctx, s.editor, newID)
	if err != nil || n.Renews == nil || *n.Renews != s.c.ID || n.Status != "diagnostic" {
		t.Fatalf("renewal %+v %v", n, err)
	}
	np, err := s.db.Plan(ctx, s.editor, newID)
	if err != nil || len(np.Actions()) != 1 || np.Actions()[0].Title != s.a1.Title || np.Actions()[0].Ref != "Axe 1 / Action 1" {
		t.Errorf("plan of the renewal %+v %v", np, err)
	}
	if text := readText(s.get(s.coordinator, page, http.StatusOK)); !strings.Contains(text, "Cette convention est renouvelée par CTG Latitude Nord Gironde 2032-2036") {
		t.Errorf("after the renewal: %s", text)
	}
	history := readText(s.get(s.coordinator, "/conventions/"+s.c.ID+"/historique", http.StatusOK))
	for _, want := range []string{"Renouvellement démarré", "Évaluation finale modifiée", "À reconduire : non → oui"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
}
