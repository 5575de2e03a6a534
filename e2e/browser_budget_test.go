package e2e

import (
	"context"
	"fmt"
	"maps"
	"slices"
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

// TestBudgetInTheBrowser is the money of a plan as a CAF advisor enters
// it: on a signed convention without a plan, an axis and an action made
// through their forms, a note in the action's journal, the action's
// budget typed in its grid from the keyboard with a column of amounts
// pasted from a spreadsheet, a grid refused for a negative amount, the
// totals of the action and of the convention, and the public page that a
// resident reads signed out: the plan and the budget, never the journal.
func TestBudgetInTheBrowser(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	base := "http://" + srv.Addr
	c := demoConvention(t, srv.DB, "CTG Montesquieu 2023-2027")
	if p, err := srv.DB.Plan(context.Background(), demoUser(t, srv.DB, demoAdvisor), c.ID); err != nil || len(p.Axes) > 0 {
		t.Fatalf("the %s should have no plan in the demonstration: %d axes, %v", c.Title, len(p.Axes), err)
	}
	const (
		axisTitle   = "Mieux accueillir les tout-petits"
		actionTitle = "Un lieu d'accueil enfants-parents itinérant"
		journalNote = "Note interne : relancer la mairie de Martillac sur le loyer du local."
	)
	tb := openTab(t, browser, base, viewport(1280, 900))
	tb.signIn(demoAdvisor)

	// An axis and an action through their forms.
	tb.mustOpen("/conventions/" + c.ID + "/plan")
	if got := tb.text("main"); !strings.Contains(got, "Le plan ne compte encore aucun axe.") {
		t.Fatalf("the plan of %s is not empty: %q", c.Title, got)
	}
	tb.do("name the axis", chromedp.SendKeys(chromedp.ID("fx-title"), axisTitle))
	tb.submit(`#formulaire-axe button[type=submit]`)
	if got := tb.text(".plan-axis h2"); got != "Axe 1 — "+axisTitle {
		t.Fatalf("the new axis is headed %q", got)
	}
	tb.submit(`.plan-axis a[href*="/actions/nouvelle"]`)
	tb.do("fill in the action",
		chromedp.SendKeys(chromedp.ID("fa-title"), actionTitle),
		chromedp.Click(chromedp.CSS(`#fa-fields input[value="parentalite"]`)),
		chromedp.SetValue(chromedp.ID("fa-start"), "2025-01-01"),
		chromedp.SetValue(chromedp.ID("fa-end"), "2027-12-31"),
		chromedp.SetValue(chromedp.ID("fa-status"), "in_progress"))
	tb.submit(`.action-form button[type=submit]`)
	if got := tb.text("h1"); got != "Axe 1 / Action 1 — "+actionTitle {
		t.Fatalf("the new action's fiche is titled %q", got)
	}
	fiche := tb.path()
	grid := fiche + "/budget"

	// A note in the journal, which is for the partners only.
	tb.do("write a note in the journal",
		chromedp.Click(chromedp.CSS("#formulaire-note summary"), chromedp.NodeVisible),
		chromedp.SetValue(chromedp.ID("fj-date"), "2026-11-02"),
		chromedp.SendKeys(chromedp.ID("fj-text"), journalNote, chromedp.NodeVisible))
	tb.submit(`#formulaire-note button[type=submit]`)
	if got := tb.text("ol.journal"); !strings.Contains(got, journalNote) {
		t.Fatalf("the journal reads %q", got)
	}

	// The grid, from the fiche: five empty rows.
	tb.submit(`#budget a[href="` + grid + `"]`)
	if got := tb.text("h1"); got != "Budget de l'action Axe 1 / Action 1" {
		t.Fatalf("the grid is titled %q", got)
	}
	if got := tb.count("[data-budget-grid] tbody tr"); got != 5 {
		t.Fatalf("the empty grid has %d rows, want 5", got)
	}
	// The options of the selects, as the grid offers them: the CAF and
	// the parties first, the years of the convention.
	caf, cc, msa := optionIndex(tb, "g-0-funder", "Caf de la Gironde"), optionIndex(tb, "g-0-funder", "Montesquieu"), optionIndex(tb, "g-0-funder", "MSA Gironde")
	y2025, y2026 := optionIndex(tb, "g-0-year", "2025"), optionIndex(tb, "g-0-year", "2026")
	investment := optionIndex(tb, "g-0-nature", "Investissement")
	ccName := eval[string](tb, fmt.Sprintf(`document.getElementById("g-0-funder").options[%d].text`, cc))
	down := func(n int) []string { return slices.Repeat([]string{kb.ArrowDown}, n) }

	// Two lines typed from the keyboard, moving with Tab, Enter and the
	// arrows as in a spreadsheet; the selects change with the arrows.
	// Each step names the cell the focus reaches once its keys are pressed.
	tb.do("focus the first funder", chromedp.Focus(chromedp.ID("g-0-funder"), chromedp.NodeVisible))
	gridKeys(tb, "g-0-year", down(caf), kb.Tab)
	gridKeys(tb, "g-0-nature", down(y2025), kb.Tab)
	gridKeys(tb, "g-0-planned", kb.Tab)
	gridKeys(tb, "g-0-actual", "28 000", kb.Tab)
	gridKeys(tb, "g-1-actual", "27 350,25", kb.Enter)
	gridKeys(tb, "g-1-planned", kb.ArrowLeft)
	gridKeys(tb, "g-1-nature", "28 499,50", shiftTab)
	gridKeys(tb, "g-1-year", down(investment), kb.ArrowLeft)
	gridKeys(tb, "g-1-funder", down(y2025), kb.ArrowLeft)
	// Three more lines: their funders and years from the keyboard…
	gridKeys(tb, "g-2-funder", down(cc), kb.Enter)
	gridKeys(tb, "g-2-year", down(caf), kb.ArrowRight)
	gridKeys(tb, "g-3-year", down(y2026), kb.Enter)
	gridKeys(tb, "g-3-funder", down(y2026), kb.ArrowLeft)
	gridKeys(tb, "g-4-funder", down(cc), kb.Enter)
	gridKeys(tb, "g-4-year", down(msa), kb.ArrowRight)
	gridKeys(tb, "g-4-year", down(y2026))
	// … and their amounts pasted as a column copied from a spreadsheet,
	// whose last amount is negative.
	pasteInto(tb, "g-2-planned", "12 000\r\n3 500,50\r\n-8 000\r\n")
	typed := map[string]string{
		"g-0-funder": "caf-33", "g-0-year": "2025", "g-0-nature": "fonctionnement", "g-0-planned": "28 000", "g-0-actual": "27 350,25",
		"g-1-funder": gridOption(tb, "g-1-funder", cc), "g-1-year": "2025", "g-1-nature": "investissement", "g-1-planned": "28 499,50", "g-1-actual": "",
		"g-2-funder": "caf-33", "g-2-year": "2026", "g-2-planned": "12 000",
		"g-3-funder": gridOption(tb, "g-3-funder", cc), "g-3-year": "2026", "g-3-planned": "3 500,50",
		"g-4-funder": gridOption(tb, "g-4-funder", msa), "g-4-year": "2026", "g-4-nature": "fonctionnement", "g-4-planned": "-8 000",
	}
	checkCells(t, tb, typed)
	if got := tb.count("[data-budget-grid] tbody tr"); got != 5 {
		t.Errorf("the paste into the last three rows left %d rows, want 5", got)
	}
	if got, want := seen(tb.text(`output[data-grid-total="planned"]`)), "64 000 €"; got != want {
		t.Errorf("the foot of the grid sums %q, want %q", got, want)
	}

	// Refused: the message on the faulty cell, everything typed kept.
	if res := tb.submit(`button[name=op][value=save]`); res.Status != 422 {
		t.Fatalf("saving a negative amount: status %d, want 422\n%s", res.Status, tb.pageSummary())
	}
	if got := seen(tb.text("#g-4-planned-error")); got != "Le montant prévu ne peut pas être négatif (-8 000,00 €)." {
		t.Errorf("the message on the faulty cell is %q", got)
	}
	if got := eval[string](tb, `document.getElementById("g-4-planned").getAttribute("aria-invalid") || ""`); got != "true" {
		t.Errorf("the faulty cell has aria-invalid=%q", got)
	}
	if got := tb.count(`.budget-grid-form .error-summary a[href="#g-4-planned"]`); got != 1 {
		t.Errorf("the error summary has %d links to the faulty cell, want 1", got)
	}
	checkCells(t, tb, typed)
	checkAxe(t, tb)
	if saved, err := srv.DB.Budget(context.Background(), demoUser(t, srv.DB, demoAdvisor), strings.TrimPrefix(fiche, "/actions/")); err != nil || len(saved.Lines) != 0 {
		t.Fatalf("the refused grid saved %d lines (%v)", len(saved.Lines), err)
	}

	// Corrected from the keyboard: the arrow selects the cell's text,
	// which the amount typed replaces.
	tb.do("focus the cell above", chromedp.Focus(chromedp.ID("g-3-planned"), chromedp.NodeVisible))
	gridKeys(tb, "g-4-planned", kb.ArrowDown)
	gridKeys(tb, "g-4-planned", "8 000")
	if got, want := seen(tb.text(`output[data-grid-total="planned"]`)), "80 000 €"; got != want {
		t.Errorf("the corrected grid sums %q, want %q", got, want)
	}
	if res := tb.submit(`button[name=op][value=save]`); res.Status != 200 || tb.path() != grid {
		t.Fatalf("save: status %d at %s\n%s", res.Status, tb.path(), tb.pageSummary())
	}
	if got := seen(tb.text(".budget-action-totals")); !strings.Contains(got, "Prévu 80 000 € 5 lignes enregistrées") || !strings.Contains(got, "Réalisé 27 350,25 €") {
		t.Errorf("the action's totals read %q", got)
	}

	// The fiche lists the lines and their total to the cent.
	tb.mustOpen(fiche)
	if got := seen(tb.text("#budget tfoot")); got != "Total 80 000 € 27 350,25 €" {
		t.Errorf("the fiche's budget total reads %q", got)
	}
	if got := seen(tb.text("#budget tbody")); !strings.Contains(got, "28 499,50 €") || !strings.Contains(got, "3 500,50 €") {
		t.Errorf("the fiche's budget lines read %q", got)
	}

	// The convention's budget: by funder, with each one's share.
	tb.submit(`#budget a[href="/conventions/` + c.ID + `/budget"]`)
	stats := seen(tb.text("dl.stats"))
	for _, want := range []string{"Budget prévu 80 000 €", "Réalisé 27 350,25 €", "Financeurs 3", "Actions sans budget 0 sur 1 action"} {
		if !strings.Contains(stats, want) {
			t.Errorf("the budget's figures %q do not say %q", stats, want)
		}
	}
	byFunder := tableRows(tb, "#cap-funders")
	if want := []string{
		"Caf de la Gironde 40 000 € 50,0 % 27 350,25 €",
		ccName + " 32 000 € 40,0 % 0 €",
		"MSA Gironde 8 000 € 10,0 % 0 €",
		"Total 80 000 € 100,0 % 27 350,25 €",
	}; !slices.Equal(byFunder, want) {
		t.Errorf("by funder:\n got %q\nwant %q", byFunder, want)
	}
	if got, want := tableRows(tb, "#cap-years"), []string{"2025 56 499,50 € 27 350,25 € 48,4 %", "2026 23 500,50 € 0 € 0,0 %", "Total 80 000 € 27 350,25 € 34,2 %"}; !slices.Equal(got, want) {
		t.Errorf("by year:\n got %q\nwant %q", got, want)
	}

	// Published with the budget shown.
	tb.submit(`.page-head a[href="/conventions/` + c.ID + `/publication"]`)
	tb.do("choose what to show", chromedp.Click(chromedp.ID("f-show_budget"), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.ID("f-summary"), "La Caf, la communauté de communes et leurs partenaires accompagnent les familles des tout-petits."))
	if res := tb.submit(`button[name=op][value=publish]`); res.Status != 200 {
		t.Fatalf("publishing: status %d\n%s", res.Status, tb.pageSummary())
	}
	public := eval[string](tb, `(document.querySelector(".publication-state a[href*='/p/']") || {}).href || ""`)
	if !strings.HasPrefix(public, base+"/p/") || !strings.Contains(tb.text(".publication-state"), "Elle montre les totaux du budget") {
		t.Fatalf("after publishing, the state reads %q with the address %q", tb.text(".publication-state"), public)
	}

	// Read signed out, in a browser context of its own.
	resident := openTab(t, browser, base, viewport(1280, 900))
	resident.mustOpen(strings.TrimPrefix(public, base))
	page := seen(resident.text("main"))
	for _, want := range []string{
		c.Title, "Signée", "Axe 1 : " + axisTitle, "Axe 1 / Action 1 " + actionTitle, "En cours", "du 01/01/2025 au 31/12/2027",
		"Les partenaires prévoient 80 000 € pour ces actions sur la durée de la convention ; 27 350,25 € ont été dépensés à ce jour.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the public page does not say %q", want)
		}
	}
	if strings.Contains(page, journalNote) || strings.Contains(page, "Martillac sur le loyer") {
		t.Errorf("the public page shows the action's journal")
	}
	if got := resident.text(".public-action .badge"); got != "En cours" {
		t.Errorf("the action's status on the public page is %q", got)
	}
	if got := tableRows(resident, "#cap-p-funders"); !slices.Equal(got, byFunder) {
		t.Errorf("the public page's budget by funder:\n got %q\nwant %q", got, byFunder)
	}

	// The grid and the public page pass axe-core at both widths.
	checkAxeAtWidths(t, tb, grid)
	checkAxeAtWidths(t, resident, strings.TrimPrefix(public, base))

	// The resident was signed out all along: the convention's own page
	// asks them to sign in.
	resident.open("/conventions/" + c.ID)
	if got := resident.path(); !strings.HasPrefix(got, "/connexion") {
		t.Errorf("signed out, the convention's page leads to %s, want the sign-in", got)
	}
}

// shiftTab is the key that moves to the previous field; gridKeys presses
// it with Shift.
const shiftTab = "\x00shift-tab"

// gridKeys presses keys in the grid, one after the other (a string of
// several runes is typed), and checks that the focus then rests on the
// cell want.
func gridKeys(tb *tab, want string, keys ...any) {
	tb.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	var add func(k any)
	add = func(k any) {
		switch k := k.(type) {
		case []string:
			for _, s := range k {
				add(s)
			}
		case string:
			if k == shiftTab {
				steps = append(steps, chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
			} else {
				steps = append(steps, chromedp.KeyEvent(k))
			}
		}
	}
	for _, k := range keys {
		add(k)
	}
	tb.do(fmt.Sprintf("press %q", keys), steps...)
	if got := eval[string](tb, `document.activeElement ? document.activeElement.id : ""`); got != want {
		tb.t.Fatalf("after pressing %q the focus is on %q, want %q\n%s", keys, got, want, tb.pageSummary())
	}
}

// optionIndex is the position of the first option of the select id whose
// text holds text.
func optionIndex(tb *tab, id, text string) int {
	tb.t.Helper()
	i := eval[int](tb, fmt.Sprintf(`[...document.getElementById(%s).options].findIndex(o => o.text.includes(%s))`, jsString(id), jsString(text)))
	if i < 0 {
		tb.t.Fatalf("the select %s offers no %q", id, text)
	}
	return i
}

// gridOption is the value of the option at index i of the select id.
func gridOption(tb *tab, id string, i int) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`document.getElementById(%s).options[%d].value`, jsString(id), i))
}

// checkCells compares the values of the cells of the grid with want.
func checkCells(t *testing.T, tb *tab, want map[string]string) {
	t.Helper()
	ids := slices.Sorted(maps.Keys(want))
	got := eval[[]string](tb, fmt.Sprintf(`%s.map(id => { const e = document.getElementById(id); return e ? e.value : "(none)"; })`, jsStrings(ids)))
	for i, id := range ids {
		if got[i] != want[id] {
			t.Errorf("cell %s holds %q, want %q", id, got[i], want[id])
		}
	}
}

// seen is text as a person reads it: the spaces inside numbers and
// before units as plain spaces, runs of white space as one.
func seen(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)), " ")
}

// tableRows reads the rows, body and foot, of the table that sel is in
// (its caption) or holds (its section), each as the words a person reads.
func tableRows(tb *tab, sel string) []string {
	tb.t.Helper()
	rows := eval[[]string](tb, fmt.Sprintf(`(() => {
		const e = document.querySelector(%s), table = e && (e.closest("table") || e.querySelector("table"));
		return table ? [...table.querySelectorAll("tbody tr, tfoot tr")].map(r => r.innerText) : [];
	})()`, jsString(sel)))
	for i, r := range rows {
		rows[i] = seen(r)
	}
	return rows
}

// checkAxeAtWidths opens path at the width of a laptop and at that of a
// phone and checks it with axe-core and for sideways scrolling each time;
// the tab is left at the laptop's width.
func checkAxeAtWidths(t *testing.T, tb *tab, path string) {
	t.Helper()
	for _, size := range []struct{ width, height int64 }{{375, 812}, {1280, 900}} {
		viewport(size.width, size.height)(tb.ctx, t)
		tb.mustOpen(path)
		checkAxe(t, tb)
		checkReflow(t, tb)
	}
}
