package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestIndicatorForm adds a count then a ratio through the catalogue's form,
// after a refusal that comes back filled in.
func TestIndicatorForm(t *testing.T) {
	f := newWizardFixture(t)
	post := func(v url.Values) *httptest.ResponseRecorder { return f.do(f.editorSession, "POST", "/indicateurs", v) }

	res := post(url.Values{"label": {"Places en accueil de loisirs"}, "code": {"Places ALSH"}, "unit": {"places"}, "aggregate": {"sum"},
		"numerator": {"pop_0_2"}, "scale": {"100"}})
	if res.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad code: %d", res.Code)
	}
	mustContain(t, "the refused form", res.Body.String(), `id="f-code-error"`, `value="Places ALSH"`, `value="Places en accueil de loisirs"`,
		`<a href="#f-code">`, "minuscules")

	res = post(url.Values{"label": {"Places en accueil de loisirs"}, "code": {"places_alsh"}, "unit": {"places"}, "aggregate": {"sum"},
		"numerator": {"pop_0_2"}, "scale": {"100"}})
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/indicateurs#indicateur-places_alsh" {
		t.Fatalf("count: %d to %q\n%s", res.Code, res.Header().Get("Location"), excerpt(res.Body.String()))
	}

	// A ratio: scale in words and no denominator, then right.
	ratio := url.Values{"label": {"Taux d'accueil en ALSH"}, "code": {"taux_alsh"}, "unit": {"places pour 100 enfants"}, "aggregate": {"ratio"},
		"numerator": {"places_alsh"}, "denominator": {""}, "scale": {"cent"}}
	res = post(ratio)
	if res.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad ratio: %d", res.Code)
	}
	mustContain(t, "the refused ratio", res.Body.String(), `id="f-scale-error"`, `id="f-denominator-error"`, `<option value="places_alsh" selected>`,
		`value="cent"`, `value="ratio" checked`)
	ratio.Set("denominator", "pop_6_10")
	ratio.Set("scale", "100")
	if res := post(ratio); res.Code != http.StatusSeeOther {
		t.Fatalf("ratio: %d\n%s", res.Code, excerpt(res.Body.String()))
	}
	// The same code again.
	if res := post(ratio); res.Code != http.StatusConflict || !strings.Contains(res.Body.String(), "Ce code est déjà pris.") {
		t.Errorf("the same code again: %d", res.Code)
	}

	res = f.do(f.editorSession, "GET", "/indicateurs", nil, "Cookie", "ctg_flash=indicator.created")
	mustContain(t, "the catalogue", res.Body.String(), `<tr id="indicateur-taux_alsh">`, "Places en accueil de loisirs ÷ Enfants de 6 à 10 ans × 100",
		"ajouté", "L&#39;indicateur a été ajouté au catalogue.")
}
