package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ctg/internal/cli"
	"ctg/internal/survey"
)

// surveyAxePages are the pages of the consultation for TestAxe, over a
// draft and an open survey with answers made for them in the
// demonstration's CTG under way.
func surveyAxePages(t *testing.T, srv *cli.Running) []axePage {
	t.Helper()
	ctx := context.Background()
	u := demoUser(t, srv.DB, demoAdvisor)
	c := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	newSurvey := func(title string, open bool, sets ...string) *survey.Survey {
		sv := &survey.Survey{Title: title}
		for _, tpl := range survey.Templates() {
			for _, code := range sets {
				if tpl.Code == code {
					sv.Questions = append(sv.Questions, tpl.Questions...)
				}
			}
		}
		if err := srv.DB.CreateSurvey(ctx, u, c.ID, sv); err != nil {
			t.Fatal(err)
		}
		if open {
			var err error
			if sv, err = srv.DB.OpenSurvey(ctx, u, sv.ID); err != nil {
				t.Fatal(err)
			}
		}
		return sv
	}
	draft := newSurvey("Questionnaire jeunesse", false, "age", "satisfaction")
	open := newSurvey("Vos besoins de familles", true, "age", "commune", "household", "satisfaction", "needs")
	for _, a := range []map[string]any{
		{"age": "26-45 ans", "commune": "33473", "foyer": "Couple avec enfant(s)", "enfants": []any{"Moins de 3 ans"}, "satisfaction_loisirs": 4,
			"besoins": []any{"Petite enfance", "Jeunesse"}, "besoins_precisions": "Une crèche de plus"},
		{"age": "46-60 ans", "commune": "33233", "foyer": "Parent seul avec enfant(s)", "satisfaction_loisirs": 2, "besoins": []any{"Jeunesse"}},
	} {
		if _, err := srv.DB.AddPaperResponse(ctx, nil, u, open.ID, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	q := "/questionnaires/"
	return []axePage{
		{name: "consultation", who: demoAdvisor, path: "/conventions/" + c.ID + "/consultation"},
		{name: "consultation, creation refused", who: demoAdvisor, path: "/conventions/" + c.ID + "/consultation", act: func(t *testing.T, tb *tab) {
			tb.submit(`#nouveau-questionnaire button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#nouveau-questionnaire .error-summary")`)
		}},
		{name: "survey builder", who: demoAdvisor, path: q + draft.ID},
		{name: "survey builder, question refused", who: demoAdvisor, path: q + draft.ID, act: func(t *testing.T, tb *tab) {
			tb.do("choose a scale without bounds", chromedp.SetValue(chromedp.ID("fq-kind"), "scale"))
			tb.submit(`#formulaire-question button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-question .error-summary")`)
		}},
		{name: "survey open", who: demoAdvisor, path: q + open.ID},
		{name: "paper entry", who: demoAdvisor, path: q + open.ID + "/saisie"},
		{name: "paper entry refused", who: demoAdvisor, path: q + open.ID + "/saisie", act: func(t *testing.T, tb *tab) {
			tb.submit(`.paper-form button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector(".paper-form .error-summary")`)
		}},
		{name: "survey results", who: demoAdvisor, path: q + open.ID + "/resultats?lignes=age&colonnes=foyer", act: func(t *testing.T, tb *tab) {
			tb.do("open the tables of the charts", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("figure details").forEach(d => d.open = true)`))
			tb.waitFor("the charts", `document.querySelectorAll(".chart canvas").length > 3`)
		}},
		{name: "survey results, filter refused", who: demoAdvisor, path: q + open.ID + "/resultats?filter=age", status: 422},
		{name: "survey results of a reader", who: demoReader, path: q + open.ID + "/resultats?commune=33473&recherche=creche"},
	}
}

// TestBrowserSurveys builds a survey of three questions in the browser,
// without writing a line of JSON: from an empty survey, a choice and a
// scale added, the open question moved to the end; opened; two paper
// questionnaires typed in from the keyboard; and the results read.
func TestBrowserSurveys(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	base := "http://" + srv.Addr
	c := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	tb := openTab(t, browser, base, viewport(1280, 900))
	tb.signIn(demoAdvisor)

	// From the convention to its consultation, and a new empty survey.
	tb.mustOpen("/conventions/" + c.ID)
	tb.submit(`nav[aria-label="Sections de la convention"] a[href="/conventions/` + c.ID + `/consultation"]`)
	if h1 := tb.text("h1"); h1 != "Consultation des habitants" {
		t.Fatalf("h1 %q", h1)
	}
	tb.do("title the survey", chromedp.SendKeys(chromedp.ID("fn-title"), "Modes de garde"))
	tb.submit(`#nouveau-questionnaire button[type=submit]`)
	if !strings.HasPrefix(tb.path(), "/questionnaires/") {
		t.Fatalf("after creation: %s", tb.path())
	}
	page, _, _ := strings.Cut(tb.path(), "?")
	if !strings.Contains(tb.value("#fs-intro"), "Responsable du traitement") {
		t.Errorf("the intro is not the data-protection notice")
	}

	// A single choice, then a scale.
	tb.do("a single choice", chromedp.SetValue(chromedp.ID("fq-kind"), "single"),
		chromedp.SendKeys(chromedp.ID("fq-label"), "Quel mode de garde utilisez-vous ?"),
		chromedp.SendKeys(chromedp.ID("fq-key"), "mode_garde"),
		chromedp.Click(chromedp.CSS(`input[name=required]`)),
		chromedp.SendKeys(chromedp.ID("fq-options"), "Crèche\nAssistante maternelle\nFamille"))
	tb.submit(`#formulaire-question button[type=submit]`)
	tb.do("a scale", chromedp.SetValue(chromedp.ID("fq-kind"), "scale"),
		chromedp.SendKeys(chromedp.ID("fq-label"), "Êtes-vous satisfait ?"),
		chromedp.SendKeys(chromedp.ID("fq-key"), "satisfaction"),
		chromedp.SendKeys(chromedp.ID("fq-min"), "1"), chromedp.SendKeys(chromedp.ID("fq-max"), "5"))
	tb.submit(`#formulaire-question button[type=submit]`)
	if n := tb.count("ol.survey-questions > li"); n != 3 {
		t.Fatalf("%d questions, want 3\n%s", n, tb.pageSummary())
	}
	// The open question of the empty survey goes to the end.
	tb.submit(`#question-1 form input[name=op][value=down] ~ button`)
	tb.submit(`#question-2 form input[name=op][value=down] ~ button`)
	got := eval[[]string](tb, `[...document.querySelectorAll("ol.survey-questions code")].map(e => e.textContent)`)
	if strings.Join(got, ",") != "mode_garde,satisfaction,remarques" {
		t.Fatalf("order %v", got)
	}

	// Opened: its public link shows.
	tb.do("accept confirmations", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
	tb.submit(`form[action="` + page + `/ouvrir"] button[type=submit]`)
	if !strings.Contains(tb.value(`input.public-link`), "/q/") {
		t.Fatalf("no public link after opening\n%s", tb.pageSummary())
	}

	// Two paper questionnaires, typed from the keyboard.
	tb.mustOpen(page + "/saisie")
	if id := eval[string](tb, `document.activeElement.id`); id != "fp-mode_garde" {
		t.Errorf("the focus is on %q, want the first question", id)
	}
	for i, a := range []struct{ mode, scale, text string }{{"Crèche", "4", "Plus de places"}, {"Famille", "2", ""}} {
		tb.do("answer", chromedp.Click(chromedp.CSS(`input[name=mode_garde][value="`+a.mode+`"]`)),
			chromedp.Click(chromedp.CSS(`input[name=satisfaction][value="`+a.scale+`"]`)))
		if a.text != "" {
			tb.do("remarks", chromedp.SendKeys(chromedp.ID("fp-remarques"), a.text))
		}
		tb.submit(`.paper-form button[type=submit]`)
		if flash := tb.text(".flash"); !strings.HasPrefix(flash, "Réponse papier n° ") {
			t.Fatalf("paper %d: flash %q", i+1, flash)
		}
		if n := tb.count(".paper-form input:checked"); n != 0 {
			t.Fatalf("paper %d: the form is not empty again", i+1)
		}
	}
	// A third with no answer to the required question is refused.
	tb.submit(`.paper-form button[type=submit]`)
	if !strings.Contains(tb.text("#fp-mode_garde-error"), "demande une réponse") {
		t.Errorf("no message next to the required question")
	}

	// The results.
	tb.mustOpen(page + "/resultats")
	if n := tb.text("#paper-responses"); n != "2" {
		t.Errorf("paper responses %q", n)
	}
	rows := eval[[]string](tb, `[...document.querySelectorAll("#table-mode_garde tbody tr")].map(r => r.innerText.replace(/\s+/g, " ").trim())`)
	if strings.Join(rows, " | ") != "Crèche 1 50,0 % | Assistante maternelle 0 0,0 % | Famille 1 50,0 %" {
		t.Errorf("mode_garde rows %q", rows)
	}
	if m := tb.text("#mean-satisfaction"); m != "3" {
		t.Errorf("mean %q", m)
	}
	if !strings.Contains(tb.text("#resultat-remarques"), "Plus de places") {
		t.Errorf("the free-text answer is not listed")
	}
	tb.waitFor("the charts", `document.querySelectorAll(".chart canvas").length >= 3`)
	checkAxe(t, tb)
}
