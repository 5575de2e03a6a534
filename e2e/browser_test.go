package e2e

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ctg/internal/cli"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// TestBrowser drives the pages in Chromium as the people of the
// demonstration data set would: one browser and one server for every
// scenario, each scenario in a browser context of its own.
func TestBrowser(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	base := "http://" + srv.Addr

	t.Run("advisor registers and signs a convention", func(t *testing.T) {
		advisorStory(t, openTab(t, browser, base), srv)
	})

	t.Run("territory search suggests as you type", func(t *testing.T) {
		tb := openTab(t, browser, base)
		tb.signIn(demoAdvisor)
		tb.mustOpen("/territoires")
		tb.do("type in the search field", chromedp.Click(chromedp.ID("q")), chromedp.SendKeys(chromedp.ID("q"), "saint jo"))
		tb.waitSwap("a suggestion of Saint-Joseph",
			`[...document.querySelectorAll("#suggestions a")].some(a => a.textContent.trim().startsWith("Saint-Joseph"))`)
		if p := tb.path(); p != "/territoires" {
			t.Errorf("typing left the page for %s", p)
		}
		first := eval[map[string]string](tb, `(() => { const a = document.querySelector("#suggestions a");
			return {text: a.textContent.trim(), href: a.getAttribute("href")}; })()`)
		if !strings.HasPrefix(first["text"], "Saint-Joseph") || first["href"] != "/communes/97412" {
			t.Errorf("first suggestion %q → %s, want Saint-Joseph of La Réunion (the most populous) → /communes/97412", first["text"], first["href"])
		}
		if !eval[bool](tb, `document.querySelector("#suggestions").getBoundingClientRect().height > 0`) {
			t.Errorf("the suggestions are not shown while the field has focus")
		}
		tb.waitFor("the count of suggestions read to screen readers",
			`document.querySelector("#suggestions-count").textContent.includes("suggestion")`)
		// The keyboard reaches the suggestions.
		tb.do("arrow down", chromedp.KeyEvent(kb.ArrowDown))
		if focused := eval[string](tb, `document.activeElement.closest("#suggestions") ? document.activeElement.textContent.trim() : ""`); !strings.HasPrefix(focused, "Saint-Joseph") {
			t.Errorf("ArrowDown from the field focuses %q, want the first suggestion", focused)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		tb := openTab(t, browser, base)
		tb.mustOpen("/connexion")
		tb.do("fill in the sign-in form",
			chromedp.SendKeys(chromedp.ID("email"), demoAdvisor),
			chromedp.SendKeys(chromedp.ID("password"), "pas-le-bon-mot-de-passe"),
		)
		res := tb.submit(`form[action="/connexion"] button[type=submit]`)
		if res.Status != 401 {
			t.Errorf("status %d, want 401", res.Status)
		}
		if p := tb.path(); p != "/connexion" {
			t.Errorf("after a wrong password the page is %s, want /connexion", p)
		}
		checkFrench(t, "the sign-in error", tb.text(".error-summary"))
		if got := tb.value("#email"); got != demoAdvisor {
			t.Errorf("the e-mail field holds %q, want %q as typed", got, demoAdvisor)
		}
		if got := tb.value("#password"); got != "" {
			t.Errorf("the password field keeps %q", got)
		}
		if got := eval[string](tb, `document.querySelector("#email").getAttribute("aria-invalid") || ""`); got != "true" {
			t.Errorf(`the e-mail field has aria-invalid=%q, want "true"`, got)
		}
	})

	t.Run("convention form keeps what was typed", func(t *testing.T) {
		tb := openTab(t, browser, base)
		tb.signIn(demoAdvisor)
		tb.mustOpen("/conventions/nouvelle")
		const title = "CTG des Coteaux à corriger 2027-2026"
		tb.do("fill in the form with an end before the start",
			chromedp.SendKeys(chromedp.ID("f-title"), title),
			chromedp.SetValue(chromedp.ID("f-start"), "2027-01-01"),
			chromedp.SetValue(chromedp.ID("f-end"), "2026-01-01"),
		)
		res := tb.submit(`button[name=op][value=save]`)
		if res.Status != 422 {
			t.Errorf("status %d, want 422", res.Status)
		}
		if got := tb.value("#f-title"); got != title {
			t.Errorf("the title field holds %q, want %q as typed", got, title)
		}
		if got := tb.value("#f-start"); got != "2027-01-01" {
			t.Errorf("the start field holds %q, want 2027-01-01 as typed", got)
		}
		msg := tb.text("#f-end-error")
		checkFrench(t, "the message of the end field", msg)
		next := eval[map[string]any](tb, `(() => {
			const f = document.getElementById("f-end"), e = document.getElementById("f-end-error");
			return {sameField: f.parentElement === e.parentElement, invalid: f.getAttribute("aria-invalid"),
				describedBy: f.getAttribute("aria-describedby") || "",
				summary: !!document.querySelector('.error-summary a[href="#f-end"]')};
		})()`)
		if next["sameField"] != true {
			t.Errorf("the message %q is not next to the end field", msg)
		}
		if next["invalid"] != "true" || !strings.Contains(next["describedBy"].(string), "f-end-error") {
			t.Errorf("the end field has aria-invalid=%v aria-describedby=%v, want true and f-end-error", next["invalid"], next["describedBy"])
		}
		if next["summary"] != true {
			t.Errorf("the error summary has no link to the end field")
		}
	})

	t.Run("reader", func(t *testing.T) {
		tb := openTab(t, browser, base)
		tb.signIn(demoReader)
		latitude := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2022-2026")
		bordeaux := demoConvention(t, srv.DB, "CTG Bordeaux 2023-2027")
		// Where the sign-in leads, then the pages that offer editors to
		// create or change a convention.
		for _, p := range []string{"", "/conventions", "/conventions/" + latitude.ID} {
			if p != "" {
				tb.mustOpen(p)
			}
			if n := tb.count(`a[href^="/conventions/nouvelle"]`); n > 0 {
				t.Errorf("%s shows a reader %d links to create a convention", tb.path(), n)
			}
			if n := tb.count(`a[href$="/modifier"], form.status-form`); n > 0 {
				t.Errorf("%s shows a reader %d ways to change a convention", tb.path(), n)
			}
		}
		if h1 := tb.text("h1"); h1 != latitude.Title {
			t.Errorf("the convention the reader is party to shows %q", h1)
		}
		if status := tb.open("/conventions/" + bordeaux.ID); status != 404 {
			t.Errorf("a convention the reader is not party to answers %d, want 404", status)
		}
		if h1 := tb.text("h1"); h1 != "Page introuvable" {
			t.Errorf("its page is titled %q, want Page introuvable", h1)
		}
		if body := tb.text("main"); strings.Contains(body, bordeaux.Title) {
			t.Errorf("the 404 page shows the title of the convention")
		}
	})

	t.Run("perimeter picker without JavaScript", func(t *testing.T) {
		tb := openTab(t, browser, base, withoutJavaScript)
		tb.signIn(demoAdvisor)
		tb.mustOpen("/conventions/nouvelle")
		if tb.count("html.js") != 0 {
			t.Fatalf("scripts ran although they are disabled")
		}
		e := uncoveredEPCI(t, srv, 1)
		tb.do("choose an intercommunalité", chromedp.SetValue(chromedp.ID("f-pick"), e.SIREN))
		res := tb.submit("#add-pick")
		if res.Status != 200 {
			t.Fatalf("Ajouter: status %d", res.Status)
		}
		if got := tb.count(`input.member-box:checked`); got != len(e.Communes) {
			t.Errorf("the form shows %d checked communes, want the %d of %s", got, len(e.Communes), e.Name)
		}
		n, pop := perimeterSummary(t, tb.text("#perimeter-summary"))
		if n != len(e.Communes) || pop != e.Population {
			t.Errorf("the summary reads %d communes, %d inhabitants; want %d, %d", n, pop, len(e.Communes), e.Population)
		}
		if got := tb.value(`input[name=epci]`); got != e.SIREN {
			t.Errorf("the form carries the EPCI %q, want %s", got, e.SIREN)
		}
	})
}

// advisorStory is the life of a convention as a CAF advisor records it:
// sign in, read the coverage of the département, create a CTG over an
// intercommunalité that no convention covers yet, minus one commune that
// stays out, take it to élaboration then signature, and see the coverage
// grow by exactly that perimeter.
func advisorStory(t *testing.T, tb *tab, srv *cli.Running) {
	tb.signIn(demoAdvisor)
	if p := tb.path(); p != "/" {
		t.Fatalf("after sign-in the advisor is at %s, want the dashboard", p)
	}
	if h1 := tb.text("h1"); h1 != "Caf de la Gironde" {
		t.Errorf("the dashboard is titled %q, want Caf de la Gironde", h1)
	}
	before := readCoverage(t, tb)

	e := uncoveredEPCI(t, srv, 0)
	out := e.Communes[len(e.Communes)/2]
	outCommune, _ := srv.Ref.Commune(out)
	wantCommunes, wantPop := len(e.Communes)-1, e.Population-outCommune.Population
	msa := demoOrganisation(t, srv.DB, "MSA Gironde")
	year := time.Now().Year()
	title := fmt.Sprintf("CTG %s %d-%d", e.Name, year, year+3)

	tb.submit(`.page-head a[href="/conventions/nouvelle"]`)
	if h1 := tb.text("h1"); h1 != "Nouvelle convention" {
		t.Fatalf("the button leads to %q", h1)
	}
	if got := tb.value("#f-caf"); got != "caf-33" {
		t.Errorf("the CAF is %q, want caf-33, the advisor's", got)
	}
	eval[bool](tb, `window.ctgSamePage = true`)
	tb.do("fill in the convention",
		chromedp.SetValue(chromedp.ID("f-kind"), "ctg"),
		chromedp.SendKeys(chromedp.ID("f-title"), title),
		chromedp.SetValue(chromedp.ID("f-start"), fmt.Sprintf("%d-01-01", year)),
		chromedp.SetValue(chromedp.ID("f-end"), fmt.Sprintf("%d-12-31", year+3)),
		chromedp.SetValue(chromedp.ID("f-pick"), e.SIREN),
		chromedp.Click(chromedp.ID("add-pick")),
	)
	tb.waitSwap("the communes of "+e.Name, fmt.Sprintf(`document.querySelectorAll("input.member-box").length === %d`, len(e.Communes)))
	if n, pop := perimeterSummary(t, tb.text("#perimeter-summary")); n != len(e.Communes) || pop != e.Population {
		t.Errorf("with %s the summary reads %d communes, %d inhabitants; want %d, %d", e.Name, n, pop, len(e.Communes), e.Population)
	}

	tb.do("uncheck "+outCommune.Name, chromedp.Click(chromedp.ID("m-"+out)))
	tb.waitSwap("the summary without "+outCommune.Name,
		fmt.Sprintf(`document.querySelector("#perimeter-summary").textContent.includes("%d commune")`, wantCommunes))
	if n, pop := perimeterSummary(t, tb.text("#perimeter-summary")); n != wantCommunes || pop != wantPop {
		t.Errorf("without %s the summary reads %d communes, %d inhabitants; want %d, %d", outCommune.Name, n, pop, wantCommunes, wantPop)
	}
	if !eval[bool](tb, `window.ctgSamePage === true`) {
		t.Errorf("unchecking a commune reloaded the page")
	}
	if eval[bool](tb, fmt.Sprintf(`document.getElementById("m-%s").checked`, out)) {
		t.Errorf("%s is checked again after the update", outCommune.Name)
	}
	if got := tb.value("#f-title"); got != title {
		t.Errorf("the update of the perimeter changed the title to %q", got)
	}
	tb.do("choose "+msa.Name, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=parties][value=%q]`, msa.ID))))

	res := tb.submit(`button[name=op][value=save]`)
	if res.Status != 200 || !strings.HasPrefix(tb.path(), "/conventions/") {
		t.Fatalf("creating the convention: status %d at %s\n%s", res.Status, tb.path(), tb.pageSummary())
	}
	if h1 := tb.text("h1"); h1 != title {
		t.Errorf("the new convention's page is titled %q, want %q", h1, title)
	}
	checkFrench(t, "the message after creation", tb.text(".flash"))
	id := strings.TrimPrefix(tb.path(), "/conventions/")
	c, err := srv.DB.Convention(context.Background(), demoUser(t, srv.DB, demoAdmin), id)
	if err != nil {
		t.Fatalf("the convention %s: %v", id, err)
	}
	if !slices.Equal(c.Perimeter.EPCIs, []string{e.SIREN}) || !slices.Equal(c.Perimeter.Excluded, []string{out}) ||
		c.Population != wantPop || !slices.Contains(c.Parties, msa.ID) || c.Kind != "ctg" || c.CAF != "caf-33" {
		t.Errorf("stored: kind %s, CAF %s, EPCIs %v, excluded %v, population %d, parties %v; want ctg, caf-33, [%s], [%s], %d, with %s",
			c.Kind, c.CAF, c.Perimeter.EPCIs, c.Perimeter.Excluded, c.Population, c.Parties, e.SIREN, out, wantPop, msa.ID)
	}

	for _, step := range []struct{ label, date, badge string }{
		{"Élaboration", fmt.Sprintf("%d-10-01", year-1), "status-elaboration"},
		{"Signée", fmt.Sprintf("%d-12-15", year-1), "status-signed"},
	} {
		if got := tb.text(".status-form button[type=submit]"); !strings.Contains(got, step.label) {
			t.Fatalf("the status button reads %q, want the step %s", got, step.label)
		}
		tb.do("date of "+step.label, chromedp.SetValue(chromedp.ID("f-date"), step.date))
		if res := tb.submit(".status-form button[type=submit]"); res.Status != 200 {
			t.Fatalf("moving to %s: status %d\n%s", step.label, res.Status, tb.pageSummary())
		}
		if got := tb.text(".page-head .badge." + step.badge); got != step.label {
			t.Errorf("after the move the status badge reads %q, want %s", got, step.label)
		}
	}
	if got := tb.text(".facts"); !strings.Contains(got, fmt.Sprintf("15/12/%d", year-1)) {
		t.Errorf("the facts do not give the date of signature 15/12/%d: %q", year-1, got)
	}

	tb.submit(`nav a[href="/"]`)
	after := readCoverage(t, tb)
	if got := after.population - before.population; got != wantPop {
		t.Errorf("covered population grew by %d (%d → %d), want %d: %s minus %s", got, before.population, after.population, wantPop, e.Name, outCommune.Name)
	}
	if got := after.communes - before.communes; got != wantCommunes {
		t.Errorf("covered communes grew by %d (%d → %d), want %d", got, before.communes, after.communes, wantCommunes)
	}
	if after.total != before.total || after.conventions != before.conventions+1 {
		t.Errorf("the département has %d communes and %d conventions, was %d and %d", after.total, after.conventions, before.total, before.conventions)
	}
	if before.share == after.share {
		t.Errorf("the share of the population covered stays at %s", after.share)
	}
}

// coverageFigures are the key figures of the dashboard.
type coverageFigures struct {
	share       string // "12,3 %"
	population  int    // habitants couverts
	communes    int    // communes couvertes
	total       int    // communes of the département
	conventions int
}

var (
	populationNote = regexp.MustCompile(`^([\d\s\x{a0}\x{202f}]+) habitants sur ([\d\s\x{a0}\x{202f}]+)$`)
	communesNote   = regexp.MustCompile(`^sur ([\d\s\x{a0}\x{202f}]+) communes$`)
	summaryText    = regexp.MustCompile(`(\d+) communes? · ([\d\s\x{a0}\x{202f}]+) habitants`)
)

// readCoverage reads the figures of the dashboard shown in tb.
func readCoverage(t *testing.T, tb *tab) coverageFigures {
	t.Helper()
	stats := eval[map[string][]string](tb, `(() => {
		const out = {};
		document.querySelectorAll("dl.stats .stat").forEach(s => {
			out[s.querySelector("dt").textContent.trim()] = [...s.querySelectorAll("dd")].map(d => d.textContent.trim());
		});
		return out;
	})()`)
	get := func(label string, n int) []string {
		v := stats[label]
		if len(v) < n {
			t.Fatalf("the dashboard has no figure %q with %d values: %q", label, n, stats)
		}
		return v
	}
	var f coverageFigures
	pop := get("Population couverte", 2)
	f.share = pop[0]
	m := populationNote.FindStringSubmatch(pop[1])
	if m == nil {
		t.Fatalf("Population couverte: %q", pop[1])
	}
	f.population = frenchInt(t, m[1])
	com := get("Communes couvertes", 2)
	f.communes = frenchInt(t, com[0])
	if m := communesNote.FindStringSubmatch(com[1]); m != nil {
		f.total = frenchInt(t, m[1])
	} else {
		t.Fatalf("Communes couvertes: %q", com[1])
	}
	f.conventions = frenchInt(t, get("Conventions du département", 1)[0])
	return f
}

// perimeterSummary reads "N communes · P habitants".
func perimeterSummary(t *testing.T, s string) (communes, population int) {
	t.Helper()
	m := summaryText.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("perimeter summary %q", s)
	}
	return frenchInt(t, m[1]), frenchInt(t, m[2])
}

// uncoveredEPCI returns an intercommunalité of Gironde, wholly in Gironde,
// none of whose communes is in a convention of the data set: the nth of
// them in SIREN order, so that two scenarios can take different ones.
func uncoveredEPCI(t *testing.T, srv *cli.Running, nth int) territory.EPCI {
	t.Helper()
	all, err := srv.DB.Conventions(context.Background(), demoUser(t, srv.DB, demoAdmin), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, c := range all {
		for _, code := range c.Communes {
			used[code] = true
		}
	}
	epcis := srv.Ref.EPCIsOf("33")
	slices.SortFunc(epcis, func(a, b territory.EPCI) int { return strings.Compare(a.SIREN, b.SIREN) })
	for _, e := range epcis {
		if len(e.Communes) < 4 || len(e.Communes) > 30 {
			continue
		}
		free := true
		for _, code := range e.Communes {
			c, ok := srv.Ref.Commune(code)
			if !ok || c.Departement != "33" || used[code] {
				free = false
				break
			}
		}
		if free {
			if nth == 0 {
				return e
			}
			nth--
		}
	}
	t.Fatalf("no intercommunalité of Gironde left uncovered by the data set")
	return territory.EPCI{}
}
