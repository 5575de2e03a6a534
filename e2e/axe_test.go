package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeTags are the rules axe-core checks: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeSource is the vendored axe-core, read once. The pages' Content-Security-
// Policy forbids inline scripts, but what DevTools evaluates is not subject
// to it, so the tests inject axe that way rather than serve it to the page.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("..", "internal", "web", "static", "vendor", "axe.min.js"))
	return string(b), err
})

// axeViolation is one failed rule with the elements that fail it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// checkAxe runs axe-core on the page shown in tb and fails the test with
// each violation.
func checkAxe(t *testing.T, tb *tab) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("reading axe-core: %v", err)
	}
	if !eval[bool](tb, `typeof window.axe === "object"`) {
		tb.do("inject axe-core", chromedp.Evaluate[chromedp.Void](src))
	}
	js := fmt.Sprintf(`axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary || ""}))})))`,
		jsStrings(axeTags))
	violations := query(tb, "axe.run", chromedp.Evaluate[[]axeViolation](js, chromedp.EvalAwaitPromise))
	for _, v := range violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe %s (%s): %s\n  %s", tb.path(), v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n  - %s\n    %s", strings.Join(n.Target, " "), n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n    %s", strings.ReplaceAll(n.Summary, "\n", "\n    "))
			}
		}
		t.Error(b.String())
	}
}

// checkReflow fails when the page scrolls sideways (WCAG 2.1, 1.4.10
// Reflow): wide tables must scroll inside their own box, not the page.
func checkReflow(t *testing.T, tb *tab) {
	t.Helper()
	over := eval[[]string](tb, `(() => {
		const width = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= width) return [];
		const out = [];
		document.querySelectorAll("body *").forEach(e => {
			const r = e.getBoundingClientRect();
			if (r.right > width + 1 && !e.closest(".table-wrap") && getComputedStyle(e).position !== "fixed") {
				out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") +
					" (right edge " + Math.round(r.right) + " px)");
			}
		});
		return out.length ? out.slice(0, 8) : ["the page is " + document.documentElement.scrollWidth + " px wide"];
	})()`)
	if len(over) > 0 {
		w := eval[int](tb, `document.documentElement.clientWidth`)
		t.Errorf("%s scrolls sideways at %d px: %s", tb.path(), w, strings.Join(over, ", "))
	}
}

func jsStrings(list []string) string {
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = jsString(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// axePage is a page to check: opened at path by the account who (signed
// out when empty), then brought to the state to check by act, if any.
type axePage struct {
	name string
	who  string
	path string
	// status is what path answers; 200 when zero.
	status int
	act    func(t *testing.T, tb *tab)
}

// TestAxe checks every page with axe-core, at the width of a laptop and at
// that of a phone: no violation of WCAG 2.0 and 2.1, levels A and AA.
func TestAxe(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	base := "http://" + srv.Addr
	signed := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2022-2026")
	diagnostic := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	epci := uncoveredEPCI(t, srv, 0)
	// The files of the import wizard, and an import under way. The values
	// are of 2019, older than the demonstration's: its diagnosis stays as it is.
	importFile := writeFile(t, "base-ic-2019.csv", strings.ReplaceAll(censusExtract, "P21_", "P19_"))
	refusedFile := writeFile(t, "faux.csv", "CODGEO;P19_POP0002\n33114;81\n33123;douze\n")
	noCommunes := writeFile(t, "noms.csv", "Nom;Valeur\nCars;1\n")
	running := runningImport(t, srv.DB, demoUser(t, srv.DB, demoAdvisor))

	pages := []axePage{
		{name: "sign-in", path: "/connexion"},
		{name: "sign-in with an error", path: "/connexion", act: func(t *testing.T, tb *tab) {
			tb.do("fill in the sign-in form", chromedp.SendKeys(chromedp.ID("email"), demoAdvisor), chromedp.SendKeys(chromedp.ID("password"), "faux"))
			tb.submit(`form[action="/connexion"] button[type=submit]`)
			tb.waitFor("the error", `!!document.querySelector(".error-summary")`)
		}},
		{name: "about, signed out", path: "/a-propos"},
		{name: "dashboard", who: demoAdvisor, path: "/"},
		{name: "conventions", who: demoAdvisor, path: "/conventions"},
		{name: "conventions, filter in error", who: demoAdvisor, path: "/conventions?departement=XX", status: 422},
		{name: "new convention", who: demoAdvisor, path: "/conventions/nouvelle"},
		{name: "new convention with an EPCI", who: demoAdvisor, path: "/conventions/nouvelle", act: func(t *testing.T, tb *tab) {
			tb.do("add "+epci.Name, chromedp.SetValue(chromedp.ID("f-pick"), epci.SIREN), chromedp.Click(chromedp.ID("add-pick")))
			tb.waitSwap("its communes", `document.querySelectorAll("input.member-box").length > 0`)
			tb.do("search", chromedp.SendKeys(chromedp.ID("f-perimeter"), "saint jo"), chromedp.Click(chromedp.ID("op-search")))
			tb.waitSwap("the results", `!!document.querySelector("ul.results")`)
		}},
		{name: "new convention with errors", who: demoAdvisor, path: "/conventions/nouvelle", act: func(t *testing.T, tb *tab) {
			tb.do("fill in dates the wrong way round", chromedp.SetValue(chromedp.ID("f-start"), "2027-01-01"), chromedp.SetValue(chromedp.ID("f-end"), "2026-01-01"))
			tb.submit(`button[name=op][value=save]`)
			tb.waitFor("the errors", `!!document.querySelector(".error-summary")`)
		}},
		{name: "convention signed", who: demoAdvisor, path: "/conventions/" + signed.ID},
		{name: "convention under diagnosis", who: demoAdvisor, path: "/conventions/" + diagnostic.ID},
		{name: "convention, status refused", who: demoAdvisor, path: "/conventions/" + diagnostic.ID, act: func(t *testing.T, tb *tab) {
			// A date the browser's date field would refuse to send.
			tb.do("type a wrong date", chromedp.Evaluate[chromedp.Void](`document.getElementById("f-date").type = "text"`),
				chromedp.SetValue(chromedp.ID("f-date"), "demain"))
			tb.submit(".status-form button[type=submit]")
			tb.waitFor("the error", `!!document.querySelector(".status-form .error-summary")`)
		}},
		{name: "convention edit", who: demoAdvisor, path: "/conventions/" + signed.ID + "/modifier"},
		{name: "convention history", who: demoAdvisor, path: "/conventions/" + signed.ID + "/historique"},
		{name: "facilities", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/equipements"},
		{name: "facilities, form with errors", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/equipements", act: func(t *testing.T, tb *tab) {
			tb.do("type places in words", chromedp.SendKeys(chromedp.ID("f-places"), "douze"))
			tb.submit(`#formulaire-equipement button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-equipement .error-summary")`)
		}},
		{name: "findings and stakes", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/constats"},
		{name: "findings of a field", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/constats?champ=jeunesse"},
		{name: "finding form with errors", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/constats", act: func(t *testing.T, tb *tab) {
			tb.submit(`#formulaire-constat button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-constat .error-summary")`)
		}},
		{name: "stake form with errors", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/constats", act: func(t *testing.T, tb *tab) {
			tb.submit(`#formulaire-enjeu button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-enjeu .error-summary")`)
		}},
		{name: "workshops", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/ateliers"},
		{name: "workshops, minutes open", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/ateliers", act: func(t *testing.T, tb *tab) {
			tb.do("open the minutes", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("article details").forEach(d => d.open = true)`))
		}},
		{name: "workshop form with errors", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/ateliers", act: func(t *testing.T, tb *tab) {
			tb.submit(`#formulaire-atelier button[value=save]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-atelier .error-summary")`)
		}},
		{name: "workshops of a reader", who: demoReader, path: "/conventions/" + diagnostic.ID + "/ateliers"},
		{name: "diagnosis", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/diagnostic"},
		{name: "diagnosis, chart data open", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/diagnostic", act: func(t *testing.T, tb *tab) {
			tb.do("open the tables of the charts", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("figure details").forEach(d => d.open = true)`))
			tb.waitFor("the charts", `document.querySelectorAll(".chart canvas").length === 2`)
		}},
		{name: "diagnosis by commune", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/diagnostic/communes?indicateur=beneficiaires_aah&sort=-valeur"},
		{name: "diagnosis of a reader", who: demoReader, path: "/conventions/" + diagnostic.ID + "/diagnostic"},
		{name: "convention communes", who: demoAdvisor, path: "/conventions/" + signed.ID + "/communes"},
		{name: "territories", who: demoAdvisor, path: "/territoires"},
		{name: "territories, search", who: demoAdvisor, path: "/territoires?q=saint+jo"},
		{name: "territories, nothing found", who: demoAdvisor, path: "/territoires?q=zzqqxx"},
		{name: "territories, suggestions open", who: demoAdvisor, path: "/territoires", act: func(t *testing.T, tb *tab) {
			tb.do("type", chromedp.Click(chromedp.ID("q")), chromedp.SendKeys(chromedp.ID("q"), "saint jo"))
			tb.waitSwap("the suggestions", `document.querySelectorAll("#suggestions a").length > 0`)
		}},
		{name: "commune", who: demoAdvisor, path: "/communes/97412"},
		{name: "commune covered", who: demoAdvisor, path: "/communes/33473"},
		{name: "EPCI", who: demoAdvisor, path: "/epcis/243301181"},
		{name: "département", who: demoAdvisor, path: "/departements/33"},
		{name: "France", who: demoAdvisor, path: "/france"},
		{name: "France, date in error", who: demoAdvisor, path: "/france?date=demain", status: 422},
		{name: "account", who: demoAdvisor, path: "/compte"},
		{name: "account with errors", who: demoAdvisor, path: "/compte", act: func(t *testing.T, tb *tab) {
			tb.do("fill in", chromedp.SendKeys(chromedp.ID("f-current"), "x"), chromedp.SendKeys(chromedp.ID("f-password"), "court"),
				chromedp.SendKeys(chromedp.ID("f-confirm"), "autre"))
			tb.submit(`form[action="/compte/mot-de-passe"] button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector(".error-summary")`)
		}},
		{name: "page not found", who: demoAdvisor, path: "/conventions/inconnue", status: 404},
		{name: "admin", who: demoAdmin, path: "/admin"},
		{name: "admin with errors", who: demoAdmin, path: "/admin", act: func(t *testing.T, tb *tab) {
			tb.do("open the form", chromedp.Click(chromedp.CSS(`details summary`)))
			tb.submit(`form[action="/admin/utilisateurs"] button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector(".error-summary")`)
		}},
		{name: "indicators", who: demoAdvisor, path: "/indicateurs"},
		{name: "indicator form with errors", who: demoAdvisor, path: "/indicateurs", act: func(t *testing.T, tb *tab) {
			tb.do("choose a ratio", chromedp.Click(chromedp.ID("f-aggregate-ratio")))
			tb.submit(`#formulaire-indicateur button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-indicateur .error-summary")`)
		}},
		{name: "import form", who: demoAdvisor, path: "/imports/nouveau?convention=" + diagnostic.ID},
		{name: "import form with an error", who: demoAdvisor, path: "/imports/nouveau", act: func(t *testing.T, tb *tab) {
			tb.uploadFile(noCommunes)
			tb.waitFor("the error", `!!document.querySelector(".upload-form .error-summary")`)
		}},
		{name: "import preview", who: demoAdvisor, path: "/imports/nouveau", act: func(t *testing.T, tb *tab) {
			tb.uploadFile(importFile)
			tb.waitFor("the preview", `!!document.querySelector("table.preview-table")`)
		}},
		{name: "import preview with errors", who: demoAdvisor, path: "/imports/nouveau", act: func(t *testing.T, tb *tab) {
			tb.uploadFile(importFile)
			tb.do("type the year in words", chromedp.SetValue(chromedp.ID("f-year"), "deux mille"), chromedp.SetValue(chromedp.ID("f-col-2"), "population"))
			tb.submit(`form[action^="/imports/fichiers/"] button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#f-year-error")`)
		}},
		{name: "import under way", who: demoAdvisor, path: "/imports/" + running},
		{name: "import done", who: demoAdvisor, path: "/imports/nouveau?convention=" + diagnostic.ID, act: func(t *testing.T, tb *tab) {
			tb.uploadFile(importFile)
			tb.submit(`form[action^="/imports/fichiers/"] button[type=submit]`)
			tb.waitSwap("the summary", `document.querySelector("h1").textContent === "Import terminé"`)
		}},
		{name: "import refused", who: demoAdvisor, path: "/imports/nouveau", act: func(t *testing.T, tb *tab) {
			tb.uploadFile(refusedFile)
			tb.submit(`form[action^="/imports/fichiers/"] button[type=submit]`)
			tb.waitSwap("the refusal", `!!document.querySelector(".import-failure")`)
		}},
	}
	pages = append(pages, publicFormAxePages(t, srv.DB)...)
	pages = append(pages, surveyAxePages(t, srv)...)
	pages = append(pages, budgetAxePages(t, srv)...)
	pages = append(pages, planAxePages(t, srv)...)
	pages = append(pages, reviewAxePages(t, srv)...)
	pages = append(pages, meetingAxePages(t, srv)...)
	pages = append(pages, amendmentAxePages(t, srv)...)
	pages = append(pages, lifeAxePages(t, srv)...)

	for _, size := range []struct {
		name          string
		width, height int64
	}{{"laptop", 1280, 900}, {"phone", 375, 812}} {
		t.Run(size.name, func(t *testing.T) {
			t.Parallel()
			tabs := map[string]*tab{}
			for _, p := range pages {
				tb, ok := tabs[p.who]
				if !ok {
					tb = openTab(t, browser, base, viewport(size.width, size.height))
					if p.who != "" {
						tb.signIn(p.who)
					}
					tabs[p.who] = tb
				}
				t.Run(p.name, func(t *testing.T) {
					tb := tb.on(t)
					want := p.status
					if want == 0 {
						want = 200
					}
					if got := tb.open(p.path); got != want {
						t.Fatalf("%s: status %d, want %d\n%s", p.path, got, want, tb.pageSummary())
					}
					if p.act != nil {
						p.act(t, tb)
					}
					checkAxe(t, tb)
					checkReflow(t, tb)
				})
			}
		})
	}
}
