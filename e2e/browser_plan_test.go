package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"ctg/internal/cli"
)

// planAxePages are the pages of the plan of actions for TestAxe, over the
// demonstration's plan: none of their steps changes it.
func planAxePages(t *testing.T, srv *cli.Running) []axePage {
	t.Helper()
	c := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	p, err := srv.DB.Plan(context.Background(), demoUser(t, srv.DB, demoAdvisor), c.ID)
	if err != nil || len(p.Axes) == 0 || len(p.Axes[0].Actions) == 0 {
		t.Fatalf("no plan in the demonstration data set: %v", err)
	}
	page := "/conventions/" + c.ID + "/plan"
	fiche := "/actions/" + p.Axes[0].Actions[0].ID
	openAll := func(t *testing.T, tb *tab) {
		tb.do("open the folded forms", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
	}
	return []axePage{
		{name: "plan", who: demoAdvisor, path: page},
		{name: "plan, forms open", who: demoAdvisor, path: page, act: openAll},
		{name: "plan, axis form with errors", who: demoAdvisor, path: page, act: func(t *testing.T, tb *tab) {
			tb.submit(`#formulaire-axe button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-axe .error-summary")`)
		}},
		{name: "plan as a table", who: demoAdvisor, path: page + "?vue=tableau&champ=petite_enfance&tri=-title"},
		{name: "plan as a table, filter in error", who: demoAdvisor, path: page + "?vue=tableau&annee=1999", status: 422},
		{name: "plan as a timeline", who: demoAdvisor, path: page + "?vue=calendrier"},
		{name: "plan of a reader", who: demoReader, path: page},
		{name: "fiche action", who: demoAdvisor, path: fiche, act: func(t *testing.T, tb *tab) {
			tb.waitFor("the chart", `document.querySelectorAll(".chart canvas").length > 0`)
		}},
		{name: "fiche action, forms open", who: demoAdvisor, path: fiche, act: openAll},
		{name: "fiche action, indicator form with errors", who: demoAdvisor, path: fiche, act: func(t *testing.T, tb *tab) {
			openAll(t, tb)
			tb.submit(`#formulaire-indicateur button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-indicateur .error-summary")`)
		}},
		{name: "fiche action of a reader", who: demoReader, path: fiche},
		{name: "new action", who: demoAdvisor, path: "/conventions/" + c.ID + "/actions/nouvelle?axe=" + p.Axes[1].ID},
		{name: "new action with errors", who: demoAdvisor, path: "/conventions/" + c.ID + "/actions/nouvelle", act: func(t *testing.T, tb *tab) {
			tb.submit(`.action-form button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector(".action-form .error-summary")`)
		}},
		{name: "action edit", who: demoAdvisor, path: fiche + "/modifier"},
		{name: "action deletion", who: demoAdvisor, path: fiche + "/supprimer"},
	}
}

// TestPlanInTheBrowser builds a plan through its pages in a browser that
// runs no script, as a coordinator without JavaScript would, then checks
// what the fiche action prints.
func TestPlanInTheBrowser(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	base := "http://" + srv.Addr
	c := demoConvention(t, srv.DB, "CTG Montesquieu 2023-2027")
	page := "/conventions/" + c.ID + "/plan"

	tb := openTab(t, browser, base, withoutJavaScript)
	tb.signIn(demoAdvisor)
	tb.mustOpen(page)
	if got := tb.text("main"); !strings.Contains(got, "Le plan ne compte encore aucun axe.") {
		t.Fatalf("the empty plan says %q", got)
	}
	tb.do("name an axis", chromedp.SendKeys(chromedp.ID("fx-title"), "Faciliter la vie des familles"))
	tb.submit(`#formulaire-axe button[type=submit]`)
	if got := tb.text(".plan-axis h2"); got != "Axe 1 — Faciliter la vie des familles" {
		t.Fatalf("after adding an axis, its heading is %q", got)
	}
	tb.submit(`.plan-axis a[href*="/actions/nouvelle"]`)
	tb.do("fill in the action",
		chromedp.SendKeys(chromedp.ID("fa-title"), "Réservation en ligne des accueils de loisirs"),
		chromedp.Click(chromedp.CSS(`#fa-fields input[value="enfance"]`)),
		chromedp.SetValue(chromedp.ID("fa-status"), "in_progress"))
	tb.submit(`.action-form button[type=submit]`)
	if got := tb.text("h1"); got != "Axe 1 / Action 1 — Réservation en ligne des accueils de loisirs" {
		t.Fatalf("the new action's fiche is titled %q", got)
	}

	// The table's filters are a form that works without scripts.
	tb.mustOpen(page + "?vue=tableau")
	tb.do("choose a status", chromedp.SetValue(chromedp.ID("f-statut"), "done"))
	tb.submit(`.plan-filters button[type=submit]`)
	if !strings.Contains(tb.path(), "statut=done") || tb.value("#f-statut") != "done" ||
		!strings.Contains(tb.text("main"), "Aucune action ne correspond à ces filtres.") {
		t.Errorf("filtering by a status without scripts: %s, %q", tb.path(), tb.value("#f-statut"))
	}

	// Printed, the fiche keeps what it says and drops navigation and forms.
	printed := openTab(t, browser, base)
	printed.signIn(demoAdvisor)
	p, err := srv.DB.Plan(context.Background(), demoUser(t, srv.DB, demoAdvisor), c.ID)
	if err != nil || len(p.Axes) != 1 || len(p.Axes[0].Actions) != 1 {
		t.Fatalf("the plan built: %+v %v", p, err)
	}
	printed.mustOpen("/actions/" + p.Axes[0].Actions[0].ID)
	if _, err := chromedp.Call(printed.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulating print: %v", err)
	}
	shown := eval[map[string]bool](printed, `(() => {
		const seen = e => !!e && e.getClientRects().length > 0;
		return {
			nav: seen(document.querySelector(".site-header nav")),
			forms: [...document.querySelectorAll("main form")].some(seen),
			buttons: [...document.querySelectorAll("main button, main [role=button]")].some(seen),
			title: seen(document.querySelector("h1")),
			journal: seen(document.querySelector("#journal")),
			facts: seen(document.querySelector("dl.facts")),
		};
	})()`)
	for what, want := range map[string]bool{"nav": false, "forms": false, "buttons": false, "title": true, "journal": true, "facts": true} {
		if shown[what] != want {
			t.Errorf("printed, %s shown: %v, want %v", what, shown[what], want)
		}
	}
}
