package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"ctg/internal/cli"
	"ctg/internal/docgen/docgentest"
)

// lifeAxePages are the pages of a signed convention's life that the other
// lists leave out, for TestAxe: its documents.
func lifeAxePages(t *testing.T, srv *cli.Running) []axePage {
	t.Helper()
	signed := demoConvention(t, srv.DB, "CTG Grand Cubzaguais 2024-2028")
	diagnostic := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	return []axePage{
		{name: "documents", who: demoAdvisor, path: "/conventions/" + signed.ID + "/documents"},
		{name: "documents of a convention under diagnosis", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/documents"},
		{name: "documents of a reader", who: demoReader, path: "/conventions/" + diagnostic.ID + "/documents"},
	}
}

// TestLifeInTheBrowser is the third year of the CTG Grand Cubzaguais as
// its CAF advisor follows it: a technical committee recorded through the
// form with its attendees and a decision tied to an action, the decision
// marked done in the follow-up, the review of an action for 2025 written
// with the money it spent, and the convention downloaded as DOCX and PDF.
func TestLifeInTheBrowser(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	base := "http://" + srv.Addr
	c := demoConvention(t, srv.DB, "CTG Grand Cubzaguais 2024-2028")
	conv := "/conventions/" + c.ID
	p, err := srv.DB.Plan(context.Background(), demoUser(t, srv.DB, demoAdvisor), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	actionID := map[string]string{}
	for _, a := range p.Actions() {
		actionID[a.Title] = a.ID
	}
	nursery, youth := actionID["Créer 20 places en multi-accueil"], actionID["Un accueil jeunes ouvert le samedi et pendant les vacances"]
	if nursery == "" || youth == "" {
		t.Fatalf("the plan of the demonstration changed: %v", actionID)
	}

	tb := openTab(t, browser, base, viewport(1280, 900))
	tb.signIn(demoAdvisor)

	// A COTECH recorded through the form.
	const (
		meetingTitle = "Comité technique : ouverture du multi-accueil"
		decisionText = "Recruter la directrice du multi-accueil avant le 1er mars 2027"
	)
	tb.mustOpen(conv + "/comites")
	before := statFigures(t, tb)
	attendee := func(i int, field string) string { return fmt.Sprintf(`[id="fm-attendees[%d].%s"]`, i, field) }
	tb.do("describe the meeting",
		chromedp.SetValue(chromedp.ID("fm-committee"), "cotech"),
		chromedp.SetValue(chromedp.ID("fm-date"), "2026-10-13"),
		chromedp.SendKeys(chromedp.ID("fm-title"), meetingTitle),
		chromedp.SendKeys(chromedp.ID("fm-place"), "Centre social Les Quatre Vents"),
		chromedp.SendKeys(chromedp.CSS(attendee(0, "name")), "Claire Fontaine (fictive)"),
		chromedp.SetValue(chromedp.CSS(attendee(0, "organisation")), "caf-33"),
		chromedp.SendKeys(chromedp.CSS(attendee(0, "role")), "Conseillère territoriale"),
		chromedp.SendKeys(chromedp.CSS(attendee(1, "name")), "Karim Benali (fictif)"),
		chromedp.SendKeys(chromedp.CSS(attendee(1, "role")), "Coordinateur CTG"),
		chromedp.SendKeys(chromedp.ID("fm-minutes"), "Les travaux s'achèvent ; l'équipe reste à recruter."),
		chromedp.SendKeys(chromedp.CSS(`[id="fm-decisions[0].text"]`), decisionText),
		chromedp.Click(chromedp.CSS(`#fm-decisions details summary`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`input[name=decision_actions_0][value="`+nursery+`"]`), chromedp.NodeVisible),
	)
	cc := optionIndex(tb, "fm-attendees[1].organisation", "Cubzaguais")
	ccID := gridOption(tb, "fm-attendees[1].organisation", cc)
	ccName := eval[string](tb, fmt.Sprintf(`document.getElementById("fm-attendees[1].organisation").options[%d].text`, cc))
	tb.do("choose the second attendee's organisation", chromedp.SetValue(chromedp.CSS(attendee(1, "organisation")), ccID))
	if res := tb.submit(`#formulaire-reunion button[value=save]`); res.Status != 200 || !strings.HasPrefix(tb.path(), conv+"/comites/") {
		t.Fatalf("recording the meeting: status %d at %s\n%s", res.Status, tb.path(), tb.pageSummary())
	}
	meeting := strings.SplitN(tb.path(), "#", 2)[0]
	if got := tb.text("h1"); got != meetingTitle {
		t.Errorf("the minutes are titled %q", got)
	}
	if got := seen(tb.text(".page-head .lead")); got != "Comité technique réuni le 13/10/2026, Centre social Les Quatre Vents." {
		t.Errorf("the minutes say %q", got)
	}
	if got, want := tableRows(tb, `section[aria-labelledby="h-attendees"]`), []string{
		"Claire Fontaine (fictive) Caf de la Gironde Conseillère territoriale",
		"Karim Benali (fictif) " + ccName + " Coordinateur CTG",
	}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the attendees:\n got %q\nwant %q", got, want)
	}
	if got := seen(tb.text(".decision-list")); !strings.Contains(got, decisionText) || !strings.Contains(got, "En cours") || !strings.Contains(got, "Axe 1 / Action 2") {
		t.Errorf("the decisions of the minutes read %q", got)
	}
	tb.mustOpen(conv + "/comites")
	after := statFigures(t, tb)
	for what, more := range map[string]int{"Réunions tenues": 1, "Décisions prises": 1, "Décisions en cours": 1, "À venir": 0} {
		if n, ok := after[what]; !ok || n != before[what]+more {
			t.Errorf("%s: %d after the meeting, was %d (figures %v)", what, n, before[what], after)
		}
	}
	if got := tb.count(`.meeting-list a[href="` + meeting + `"]`); got != 1 {
		t.Errorf("the list of meetings has %d links to the new one", got)
	}

	// The decision, found in the follow-up and marked done.
	tb.submit(`.page-head a[href="` + conv + `/decisions"]`)
	before = statFigures(t, tb)
	id := eval[string](tb, fmt.Sprintf(`(() => {
		const card = [...document.querySelectorAll("article.decision-card")].find(a => a.querySelector(".decision-text").textContent.trim() === %s);
		return card ? card.id.replace(/^decision-/, "") : "";
	})()`, jsString(decisionText)))
	if id == "" {
		t.Fatalf("the follow-up does not list the decision %q\n%s", decisionText, tb.pageSummary())
	}
	card := "#decision-" + id
	if got := seen(tb.text(card)); !strings.Contains(got, "En cours") || !strings.Contains(got, meetingTitle) || !strings.Contains(got, "Axe 1 / Action 2 — Créer 20 places en multi-accueil") {
		t.Errorf("the decision's card reads %q", got)
	}
	tb.do("mark the decision done",
		chromedp.Click(chromedp.CSS(card+" details summary"), chromedp.NodeVisible),
		chromedp.SetValue(chromedp.ID("fd-"+id+"-status"), "done"),
		chromedp.SendKeys(chromedp.ID("fd-"+id+"-outcome"), "Directrice recrutée le 15/11/2026.", chromedp.NodeVisible))
	if res := tb.submit(card + ` .decision-form button[type=submit]`); res.Status != 200 {
		t.Fatalf("saving the decision: status %d\n%s", res.Status, tb.pageSummary())
	}
	if got := seen(tb.text(card + " .decision-meta .badge")); got != "Suite : Réalisée" {
		t.Errorf("the decision's badge reads %q", got)
	}
	if got := seen(tb.text(card + " .decision-outcome")); got != "Ce qu'elle est devenue : Directrice recrutée le 15/11/2026." {
		t.Errorf("the decision's outcome reads %q", got)
	}
	after = statFigures(t, tb)
	for what, more := range map[string]int{"Décisions": 0, "En cours": -1, "Réalisée": 1, "Abandonnée": 0} {
		if n, ok := after[what]; !ok || n != before[what]+more {
			t.Errorf("%s: %d after marking it done, was %d (figures %v)", what, n, before[what], after)
		}
	}

	// The review of 2025 of an action that has none yet, with its money.
	tb.mustOpen(conv + "/bilans")
	reviewed, actions := reviewCount(t, tb, 2025)
	form := "/actions/" + youth + "/bilans/2025"
	tb.do("open what is left to review", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#annee-2025 details").forEach(d => d.open = true)`))
	tb.submit(`#annee-2025 a[href="` + form + `"]`)
	if got := seen(tb.text("h1")); got != "Axe 2 / Action 1 — Un accueil jeunes ouvert le samedi et pendant les vacances" {
		t.Fatalf("the review form is titled %q", got)
	}
	tb.mustOpen(conv + "/bilans/2025")
	yearBefore := seen(tb.text("dl.stats"))
	tb.mustOpen(form)
	amounts := map[string]string{"Caf de la Gironde": "31 250", ccName: "37 800,40"}
	for funder, amount := range amounts {
		id := eval[string](tb, fmt.Sprintf(`(() => {
			const row = [...document.querySelectorAll(".review-actuals tbody tr")].find(r => r.querySelector("th").textContent.trim() === %s);
			return row ? row.querySelector("input[name=actual]").id : "";
		})()`, jsString(funder)))
		if id == "" {
			t.Fatalf("the review form has no line of %s for 2025", funder)
		}
		tb.do("type what "+funder+" spent", chromedp.SendKeys(chromedp.CSS(`[id="`+id+`"]`), amount))
	}
	tb.do("write the review",
		chromedp.SetValue(chromedp.ID("fr-status"), "in_progress"),
		chromedp.SendKeys(chromedp.ID("fr-done"), "Antenne de Bourg ouverte tous les samedis ; 118 jeunes inscrits."),
		chromedp.SendKeys(chromedp.ID("fr-difficulties"), "Le transport depuis les communes du nord manque."),
		chromedp.SendKeys(chromedp.ID("fr-next_steps"), "Une navette le samedi à l'essai en 2026."))
	if res := tb.submit(`.review-form button[type=submit]`); res.Status != 200 || !strings.HasPrefix(tb.path(), conv+"/bilans/2025") {
		t.Fatalf("saving the review: status %d at %s\n%s", res.Status, tb.path(), tb.pageSummary())
	}
	article := seen(tb.text("#action-" + youth))
	for _, want := range []string{"En cours", "Antenne de Bourg ouverte tous les samedis ; 118 jeunes inscrits.", "Le transport depuis les communes du nord manque.",
		"Caf de la Gironde 32 000 € 31 250 € 97,7 %", ccName + " 38 000 € 37 800,40 € 99,5 %", "Total 70 000 € 69 050,40 € 98,6 %"} {
		if !strings.Contains(article, want) {
			t.Errorf("the review of 2025 does not say %q in %q", want, article)
		}
	}
	if yearAfter := seen(tb.text("dl.stats")); !strings.Contains(yearAfter, fmt.Sprintf("Bilans faits %d / %d", reviewed+1, actions)) {
		t.Errorf("the figures of 2025 read %q, were %q", yearAfter, yearBefore)
	}
	tb.mustOpen(conv + "/bilans")
	if got, all := reviewCount(t, tb, 2025); got != reviewed+1 || all != actions {
		t.Errorf("the campaign counts %d reviews of %d actions for 2025, was %d of %d", got, all, reviewed, actions)
	}
	if got := tb.count(`#annee-2025 a[href="` + form + `"]`); got != 0 {
		t.Errorf("the action is still listed as left to review")
	}

	// The convention, downloaded as the partners negotiate and sign it.
	tb.mustOpen(conv + "/documents")
	dir := t.TempDir()
	for _, doc := range []struct {
		link, label string
		magic       []byte
	}{
		{"convention.docx", "La convention à négocier", []byte("PK\x03\x04")},
		{"convention.pdf", "La convention à signer", []byte("%PDF-")},
	} {
		sel := `a[href="` + conv + `/documents/` + doc.link + `"]`
		if got := tb.text(sel); got != doc.label {
			t.Errorf("the link to %s reads %q, want %q", doc.link, got, doc.label)
		}
		b := download(tb, dir, sel)
		if !bytes.HasPrefix(b, doc.magic) {
			t.Errorf("%s: %d bytes starting %q, want %q", doc.link, len(b), b[:min(len(b), 8)], doc.magic)
			continue
		}
		switch doc.link {
		case "convention.docx":
			if text := docgentest.Spaces(docgentest.DOCXText(t, b)); !strings.Contains(text, c.Title) {
				t.Errorf("the DOCX does not name the convention %q", c.Title)
			}
		case "convention.pdf":
			if !bytes.Contains(b[max(0, len(b)-64):], []byte("%%EOF")) {
				t.Errorf("the PDF does not end with %%%%EOF: it was cut short")
			}
		}
	}

	// Every page of the story passes axe-core at both widths.
	for _, page := range []string{conv + "/comites", meeting, conv + "/decisions", conv + "/bilans", conv + "/bilans/2025", form, conv + "/documents"} {
		checkAxeAtWidths(t, tb, page)
	}
}

// statFigures reads the key figures of a page (dl.stats) by their label.
func statFigures(t *testing.T, tb *tab) map[string]int {
	t.Helper()
	raw := eval[map[string]string](tb, `Object.fromEntries([...document.querySelectorAll("dl.stats .stat")].map(s =>
		[s.querySelector("dt").textContent.trim(), s.querySelector("dd").textContent.trim()]))`)
	out := map[string]int{}
	for k, v := range raw {
		out[k] = frenchInt(t, strings.Fields(seen(v) + " ")[0])
	}
	return out
}

var reviewCountText = regexp.MustCompile(`^(\d+) bilans? faits? sur (\d+) actions?`)

// reviewCount reads, on the reviews' campaign, how many actions of year
// have their review, and how many run that year.
func reviewCount(t *testing.T, tb *tab, year int) (reviewed, actions int) {
	t.Helper()
	text := seen(tb.text("#annee-" + strconv.Itoa(year) + " .review-count"))
	m := reviewCountText.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the campaign of %d reads %q", year, text)
	}
	reviewed, _ = strconv.Atoi(m[1])
	actions, _ = strconv.Atoi(m[2])
	return reviewed, actions
}

// download clicks the link sel, which downloads a file, into dir and
// returns the file once the browser has written all of it.
func download(tb *tab, dir, sel string) []byte {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 2*actionTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:         browser.SetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID,
		DownloadPath:     dir,
		EventsEnabled:    new(true),
	}); err != nil {
		tb.t.Fatalf("allowing downloads: %v", err)
	}
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		tb.t.Fatalf("click %s: %v", sel, err)
	}
	for ev, err := range progress {
		if err != nil {
			tb.t.Fatalf("waiting for the download of %s: %v", sel, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCanceled:
			tb.t.Fatalf("the download of %s was cancelled", sel)
		case browser.DownloadProgressStateCompleted:
			// The file is named after the download's id.
			path := filepath.Join(dir, ev.GUID)
			for {
				b, err := os.ReadFile(path)
				if err == nil && len(b) > 0 {
					return b
				}
				if ctx.Err() != nil {
					tb.t.Fatalf("the download of %s completed, but %s holds %d bytes: %v", sel, path, len(b), err)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	tb.t.Fatalf("no download of %s", sel)
	return nil
}
