package e2e

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// frenchNumber reads a figure as the pages write it: "1 690 493", "65,7",
// "23,0 %".
func frenchNumber(t *testing.T, s string) float64 {
	t.Helper()
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '%':
			return -1
		case ',':
			return '.'
		}
		return r
	}, s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

// TestBrowserDiagnostic reads the diagnosis of the demonstration's CTG
// under way as the CAF advisor: its figures are those of the API, its
// charts draw, their tables say the same, and the values of each commune
// are one choice away, with or without JavaScript.
func TestBrowserDiagnostic(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	base := "http://" + srv.Addr
	c := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	page := "/conventions/" + c.ID + "/diagnostic"

	t.Run("figures, charts and tables", func(t *testing.T) {
		tb := openTab(t, browser, base, viewport(1280, 900))
		tb.signIn(demoAdvisor)
		tb.mustOpen("/conventions/" + c.ID)
		tb.submit(`nav[aria-label="Sections de la convention"] a[href="` + page + `"]`)
		if p := tb.path(); p != page {
			t.Fatalf("the Diagnostic link leads to %s", p)
		}
		if h1 := tb.text("h1"); h1 != "Diagnostic du territoire" {
			t.Errorf("h1 %q", h1)
		}

		// The API, as the same person, from the same page.
		api := query(tb, "the diagnosis from the API", chromedp.Evaluate[map[string]any](
			`fetch("/api/v1/conventions/`+c.ID+`/diagnostic").then(r => r.json())`, chromedp.EvalAwaitPromise))
		lines := map[string]map[string]any{}
		for _, l := range api["indicators"].([]any) {
			m := l.(map[string]any)
			lines[m["code"].(string)] = m
		}
		for _, code := range []string{"population", "pop_0_2", "allocataires", "places_eaje", "taux_couverture_jeune_enfant", "part_allocataires_bas_revenus"} {
			l, ok := lines[code]
			if !ok {
				t.Errorf("the API has no %s", code)
				continue
			}
			want := l["perimeter"].(float64)
			got := frenchNumber(t, tb.text("#val-"+code))
			if l["aggregate"] == "ratio" {
				want = math.Round(want*10) / 10
			} else {
				want = math.Round(want)
			}
			if got != want {
				t.Errorf("%s: the page shows %v, the API %v", code, got, l["perimeter"])
			}
			row := "#indicateur-" + code
			if link := tb.text(row + " a"); link != fmt.Sprintf("%v sur %v", l["communes_with_value"], l["communes_total"]) {
				t.Errorf("%s: communes with a value %q, API %v of %v", code, link, l["communes_with_value"], l["communes_total"])
			}
		}
		if got, want := frenchNumber(t, tb.text("#key-taux_couverture_jeune_enfant")), frenchNumber(t, tb.text("#val-taux_couverture_jeune_enfant")); got != want {
			t.Errorf("the key figure of coverage %v differs from the table's %v", got, want)
		}
		// The AAH count of Saint-Vivien-de-Blaye is secret: the row says so.
		if cell := tb.text("#indicateur-beneficiaires_aah td:last-child"); !strings.Contains(cell, "11 sur 12") || !strings.Contains(cell, "1 au secret") {
			t.Errorf("AAH communes: %q", cell)
		}

		// The charts draw on a canvas of their own size.
		tb.waitFor("the charts", `document.querySelectorAll(".chart canvas").length === 2`)
		for _, id := range []string{"chart-ages", "chart-coverage"} {
			size := eval[[]int](tb, `(() => { const c = document.querySelector('[data-chart="`+id+`"] canvas'); return [c.width, c.height]; })()`)
			if size[0] < 300 || size[1] < 200 {
				t.Errorf("%s: canvas %v", id, size)
			}
		}
		// Their tables, folded under them, open and say the same.
		if n := tb.count("#chart-ages-table tbody tr"); n != 7 {
			t.Errorf("the age table has %d rows, want 7 bands", n)
		}
		if n := tb.count("#chart-coverage-table tbody tr"); n != 3 {
			t.Errorf("the coverage table has %d rows, want 3 rates", n)
		}
		tb.do("open the data of the coverage chart", chromedp.Evaluate[chromedp.Void](
			`document.querySelector("#chart-coverage-table").closest("details").querySelector("summary").click()`))
		tb.waitFor("the coverage table shown", `document.querySelector("#chart-coverage-table").getBoundingClientRect().height > 0`)
		first := tb.text("#chart-coverage-table tbody tr:first-child td:first-of-type")
		if frenchNumber(t, first) != frenchNumber(t, tb.text("#val-taux_couverture_jeune_enfant")) {
			t.Errorf("the chart's table gives %s for the perimeter, the indicator table %s", first, tb.text("#val-taux_couverture_jeune_enfant"))
		}
		option := eval[map[string]any](tb, `JSON.parse(document.getElementById("chart-coverage").textContent)`)
		series := option["series"].([]any)
		if got := series[0].(map[string]any)["data"].([]any)[0].(float64); got != frenchNumber(t, first) {
			t.Errorf("the chart draws %v, its table says %s", got, first)
		}

		// The exports answer with their types.
		for ext, kind := range map[string]string{"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
			got := query(tb, "fetch the "+ext, chromedp.Evaluate[string](
				`fetch(document.querySelector('a[href$="/diagnostic.`+ext+`"]').href).then(r => r.status + " " + r.headers.get("content-type"))`, chromedp.EvalAwaitPromise))
			if !strings.HasPrefix(got, "200 "+kind) {
				t.Errorf("%s export: %s", ext, got)
			}
		}

		// The values of each commune: choose an indicator, then sort.
		tb.do("choose the AAH", chromedp.SetValue(chromedp.ID("f-indicateur"), "beneficiaires_aah"))
		tb.submit(`form[action$="/diagnostic/communes"] button[type=submit]`)
		if p := tb.path(); p != page+"/communes?indicateur=beneficiaires_aah" {
			t.Fatalf("the choice leads to %s", p)
		}
		if n := tb.count("#communes tbody tr"); n != 12 {
			t.Errorf("%d communes listed, want 12", n)
		}
		if got := tb.text("#commune-33489 td:last-child"); got != "secret" {
			t.Errorf("Saint-Vivien-de-Blaye: %q, want secret", got)
		}
		tb.waitFor("the ranking chart", `!!document.querySelector('[data-chart="chart-communes"] canvas')`)
		tb.submit(`th[aria-sort] a[href*="valeur"]`)
		if s := eval[string](tb, `document.querySelector("th a[href*='valeur']").closest("th").getAttribute("aria-sort")`); s != "descending" {
			t.Errorf("sorted by value: aria-sort %q", s)
		}
		values := eval[[]string](tb, `[...document.querySelectorAll("#communes tbody tr td:last-child")].map(td => td.textContent.trim())`)
		for i := 1; i < len(values) && values[i] != "secret"; i++ {
			if frenchNumber(t, values[i]) > frenchNumber(t, values[i-1]) {
				t.Errorf("not sorted by decreasing value: %v", values)
				break
			}
		}
		if values[len(values)-1] != "secret" {
			t.Errorf("the secret value is not last: %v", values)
		}
		// The select changes the indicator by itself.
		// Setting the value fires "change", as a person's choice does.
		ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
		_, err := chromedp.RunResponse(ctx, chromedp.SetValue(chromedp.ID("f-indicateur"), "taux_couverture_jeune_enfant"))
		cancel()
		if err != nil {
			t.Fatalf("the select does not submit its form: %v", err)
		}
		if p := tb.path(); p != page+"/communes?indicateur=taux_couverture_jeune_enfant" {
			t.Fatalf("the select leads to %s", p)
		}
		l := lines["taux_couverture_jeune_enfant"]
		if got := frenchNumber(t, tb.text("#detail-perimeter")); got != math.Round(l["perimeter"].(float64)*10)/10 {
			t.Errorf("coverage of the perimeter by commune: %v, API %v", got, l["perimeter"])
		}
	})

	t.Run("without JavaScript", func(t *testing.T) {
		tb := openTab(t, browser, base, withoutJavaScript)
		tb.signIn(demoAdvisor)
		tb.mustOpen(page)
		if n := tb.count("#chart-ages-table tbody tr"); n != 7 {
			t.Errorf("the age table has %d rows without JavaScript", n)
		}
		tb.do("choose the places in EAJE", chromedp.SetValue(chromedp.ID("f-indicateur"), "places_eaje"))
		tb.submit(`form[action$="/diagnostic/communes"] button[type=submit]`)
		if got := frenchInt(t, tb.text("#communes tfoot td:last-child")); got != 84 {
			t.Errorf("EAJE places of the perimeter by commune: %d, want the 84 of its inventory", got)
		}
	})
}
