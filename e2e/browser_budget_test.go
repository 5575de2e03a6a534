package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ctg/internal/budget"
	"ctg/internal/cli"
	"ctg/internal/plan"
)

// demoPlanAction is the n-th action (from 0) of the demonstration's plan,
// that of the CTG Latitude Nord Gironde 2027-2031.
func demoPlanAction(t *testing.T, srv *cli.Running, n int) plan.Action {
	t.Helper()
	c := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	p, err := srv.DB.Plan(context.Background(), demoUser(t, srv.DB, demoAdvisor), c.ID)
	if err != nil || len(p.Actions()) <= n {
		t.Fatalf("the demonstration has no plan: %v", err)
	}
	return p.Actions()[n]
}

// budgetAxePages are the budget pages, the publication form and the
// public page, for TestAxe.
func budgetAxePages(t *testing.T, srv *cli.Running) []axePage {
	t.Helper()
	c := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	grid := "/actions/" + demoPlanAction(t, srv, 1).ID + "/budget"
	budgetPage := "/conventions/" + c.ID + "/budget"
	refused := writeFile(t, "budget-faux.csv", "Action;Code financeur;Année;Nature;Prévu (€)\nAxe 1 / Action 1;caf-33;2027;fonctionnement;douze\n")
	return []axePage{
		{name: "budget", who: demoAdvisor, path: budgetPage, act: func(t *testing.T, tb *tab) {
			tb.waitFor("the charts", `document.querySelectorAll(".chart canvas").length === 4`)
		}},
		{name: "budget of a reader", who: demoReader, path: budgetPage},
		{name: "budget, sheet refused", who: demoAdvisor, path: budgetPage, act: func(t *testing.T, tb *tab) {
			tb.do("choose the sheet", chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{refused}, chromedp.NodeReady))
			tb.submit(`form[action$="/budget/import#import"] button[type=submit]`)
			tb.waitFor("the refusal", `!!document.querySelector("#import .error-summary")`)
		}},
		{name: "budget grid", who: demoAdvisor, path: grid},
		{name: "budget grid with errors", who: demoAdvisor, path: grid, act: func(t *testing.T, tb *tab) {
			tb.do("type amounts in words", chromedp.SetValue(chromedp.ID("g-0-planned"), "douze"), chromedp.SetValue(chromedp.ID("g-1-actual"), "-3"))
			tb.submit(`button[name=op][value=save]`)
			tb.waitFor("the errors", `!!document.querySelector(".budget-grid-form .error-summary")`)
		}},
		{name: "budget grid, a block pasted", who: demoAdvisor, path: grid, act: func(t *testing.T, tb *tab) {
			pasteInto(tb, "g-0-funder", "MSA Gironde\t2029\tFonct.\t12 000 €\t\nInconnu SA\t2040\tinvestissement\t1,5\t\n")
		}},
		{name: "budget grid of a reader", who: demoReader, path: grid},
		{name: "publication", who: demoAdvisor, path: "/conventions/" + c.ID + "/publication"},
		{name: "publication with an error", who: demoAdvisor, path: "/conventions/" + c.ID + "/publication", act: func(t *testing.T, tb *tab) {
			tb.do("write too long a summary", chromedp.Evaluate[chromedp.Void](`document.getElementById("f-summary").value = "é".repeat(5001)`))
			tb.submit(`button[name=op][value=publish]`)
			tb.waitFor("the error", `!!document.querySelector("#f-summary-error")`)
		}},
		{name: "public page", path: "/p/ctg-latitude-nord-gironde-2027-2031"},
		{name: "public page, communes open", path: "/p/ctg-latitude-nord-gironde-2027-2031", act: func(t *testing.T, tb *tab) {
			tb.do("open the communes", chromedp.Evaluate[chromedp.Void](`document.querySelector("details.public-communes").open = true`))
		}},
	}
}

// pasteInto pastes text, as copied from a spreadsheet, into the cell id.
func pasteInto(tb *tab, id, text string) {
	tb.t.Helper()
	tb.do("paste into "+id, chromedp.Evaluate[chromedp.Void](`(() => {
		const cell = document.getElementById(`+jsString(id)+`);
		cell.focus();
		const data = new DataTransfer();
		data.setData("text/plain", `+jsString(text)+`);
		cell.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
	})()`))
}

// TestBrowserBudgetGrid enters an action's budget as in a spreadsheet:
// arrow keys and Enter move between cells, a block copied from a
// spreadsheet fills the cells and adds rows, the foot sums what is typed,
// and the saved lines are exactly what was pasted.
func TestBrowserBudgetGrid(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	a := demoPlanAction(t, srv, 2)
	grid := "/actions/" + a.ID + "/budget"
	tb := openTab(t, browser, "http://"+srv.Addr, viewport(1280, 900))
	tb.signIn(demoAdvisor)
	tb.mustOpen(grid)
	before, err := srv.DB.Budget(context.Background(), demoUser(t, srv.DB, demoAdvisor), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	rows := tb.count("[data-budget-grid] tbody tr")

	focused := func() string { return eval[string](tb, `document.activeElement ? document.activeElement.id : ""`) }
	tb.do("focus the first amount", chromedp.Focus(chromedp.ID("g-0-planned"), chromedp.NodeReady))
	for _, step := range []struct{ key, want string }{
		{kb.ArrowDown, "g-1-planned"}, {kb.Enter, "g-2-planned"}, {kb.ArrowUp, "g-1-planned"}, {kb.ArrowRight, "g-1-actual"}, {kb.ArrowLeft, "g-1-planned"},
	} {
		tb.do("press a key", chromedp.KeyEvent(step.key))
		if got := focused(); got != step.want {
			t.Errorf("after %q the focus is on %q, want %q", step.key, got, step.want)
		}
	}

	// A block of three lines pasted into the first empty row: a row more.
	first := len(before.Lines)
	pasteInto(tb, "g-"+strconv.Itoa(first)+"-funder", "MSA Gironde\t2029\tFonct.\t12 000 €\t\nCaf de la Gironde\t2030\tinvestissement\t1.234.567,89\t1 000\n"+
		"Communauté de communes Latitude Nord Gironde\t2031\tfonctionnement\t0,07\t\n")
	last := first + 2
	if got := tb.count("[data-budget-grid] tbody tr"); got != max(rows, last+1) {
		t.Errorf("%d rows after the paste, want %d", got, max(rows, last+1))
	}
	for id, want := range map[string]string{
		"g-" + strconv.Itoa(first) + "-nature": "fonctionnement", "g-" + strconv.Itoa(first) + "-planned": "12 000 €", "g-" + strconv.Itoa(first+1) + "-year": "2030",
		"g-" + strconv.Itoa(first+1) + "-funder": "caf-33", "g-" + strconv.Itoa(last) + "-planned": "0,07", "g-" + strconv.Itoa(first+1) + "-actual": "1 000",
	} {
		if got := tb.value("#" + id); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	total := before.PlannedCents + 1_200_000 + 123_456_789 + 7
	if got := tb.text(`output[data-grid-total="planned"]`); got != moneyOf(total) {
		t.Errorf("the foot says %q, want %q", got, moneyOf(total))
	}
	if res := tb.submit(`button[name=op][value=save]`); res.Status != 200 || tb.path() != grid {
		t.Fatalf("save: %d at %s\n%s", res.Status, tb.path(), tb.pageSummary())
	}
	after, err := srv.DB.Budget(context.Background(), demoUser(t, srv.DB, demoAdvisor), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.PlannedCents != total || len(after.Lines) != len(before.Lines)+3 || after.Lines[first+1].ActualCents == nil || *after.Lines[first+1].ActualCents != 100_000 {
		t.Errorf("saved %d cents in %d lines, want %d in %d", after.PlannedCents, len(after.Lines), total, len(before.Lines)+3)
	}

	// "Ajouter des lignes" adds five rows here, without a round trip.
	rows = tb.count("[data-budget-grid] tbody tr")
	tb.do("add rows", chromedp.Click(chromedp.CSS("[data-grid-add]"), chromedp.NodeVisible))
	if got := tb.count("[data-budget-grid] tbody tr"); got != rows+5 || focused() != "g-"+strconv.Itoa(rows)+"-funder" {
		t.Errorf("%d rows after adding, focus on %s", got, focused())
	}
}

// moneyOf writes cents as the pages do: "12 000 €", "1 234,56 €".
func moneyOf(cents int64) string {
	return strings.Replace(budget.FormatCents(cents), ",00\u00a0€", "\u00a0€", 1)
}

// TestBrowserBudgetGridWithoutJavaScript asks the server for more rows.
func TestBrowserBudgetGridWithoutJavaScript(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	grid := "/actions/" + demoPlanAction(t, srv, 3).ID + "/budget"
	tb := openTab(t, browser, "http://"+srv.Addr, viewport(375, 812), withoutJavaScript)
	tb.signIn(demoAdvisor)
	tb.mustOpen(grid)
	rows := tb.count("[data-budget-grid] tbody tr")
	tb.do("type an amount", chromedp.SetValue(chromedp.ID("g-0-planned"), "4 321"))
	if res := tb.submit("[data-grid-add]"); res.Status != 200 {
		t.Fatalf("add rows: %d", res.Status)
	}
	if got := tb.count("[data-budget-grid] tbody tr"); got != rows+5 || tb.value("#g-0-planned") != "4 321" {
		t.Errorf("%d rows, first amount %q", got, tb.value("#g-0-planned"))
	}
}
