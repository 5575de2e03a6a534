package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/charmap"

	"ctg/internal/account"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
)

// censusExtract is a census file as a coordinator downloads it for the
// communes of the CC Latitude Nord Gironde: title lines above the headers,
// Windows-1252, semicolons, comma decimals, a secret value, a column the
// importer does not know (the places in crèches, from the CAF).
const censusExtract = "Population par grande tranche d'âge en 2021;;;;\r\n" +
	"Source : Insee, RP2021 exploitation principale;;;;\r\n" +
	"CODGEO;LIBGEO;P21_POP0002;P21_POP0305;Places crèche\r\n" +
	"33114;Braud-et-Saint-Louis;81;92;24\r\n" +
	"33123;Cars;40,5;s;12\r\n" +
	"33473;Saint-Savin;120;131;36\r\n" +
	"33489;Saint-Yzan-de-Soudiac;15;17;s\r\n"

// writeFile writes content, as Windows-1252, in a temporary file named
// name, and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(content))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// uploadFile sends a file through the upload form of the page shown.
func (tb *tab) uploadFile(path string) {
	tb.t.Helper()
	tb.do("choose "+filepath.Base(path), chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{path}, chromedp.NodeReady))
	tb.submit(`form.upload-form button[type=submit]`)
}

// runningImport records an import under way, as a server shows it while it
// reads a file, and returns its id.
func runningImport(t *testing.T, db *store.DB, u *account.User) string {
	t.Helper()
	id := account.NewID()
	_, err := db.SQL().Exec(db.SQL().Rebind(`INSERT INTO imports (id, at, user_id, user_name, filename, source, year, status, phase, rows_total, rows_done, heartbeat)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), id, time.Now().UTC(), u.ID, u.Name, "base-ic-france-2021.csv", "", 2021,
		diagnostic.ImportRunning, "reading", 34875, 20000, time.Now().Unix())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestBrowserImport follows a CAF advisor from the file downloaded from
// INSEE to a value in the diagnosis of a convention, in Chromium.
func TestBrowserImport(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	base := "http://" + srv.Addr
	c := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	file := writeFile(t, "base-ic-evol-struct-pop-2021.csv", censusExtract)

	t.Run("upload, map, import, diagnosis", func(t *testing.T) {
		tb := openTab(t, browser, base)
		tb.signIn(demoAdvisor)
		tb.mustOpen("/imports/nouveau?convention=" + c.ID)
		tb.uploadFile(file)

		// The preview: the first rows, the suggested mapping, the year.
		if p := tb.path(); !strings.HasPrefix(p, "/imports/fichiers/") {
			t.Fatalf("after the upload the page is %s\n%s", p, tb.pageSummary())
		}
		if n := tb.count("table.preview-table tbody tr"); n != 4 {
			t.Errorf("the preview shows %d rows, want the 4 of the file", n)
		}
		if got := tb.text("table.preview-table tbody tr:nth-child(2) td.geo"); got != "33123" {
			t.Errorf("second row's commune %q, want 33123", got)
		}
		if got := tb.text(".import-facts"); !strings.Contains(got, "Windows-1252") || !strings.Contains(got, "CODGEO") {
			t.Errorf("how the file was read: %q", got)
		}
		for sel, want := range map[string]string{"#f-col-2": "pop_0_2", "#f-col-3": "pop_3_5", "#f-col-1": "", "#f-col-4": "", "#f-year": "2021"} {
			if got := tb.value(sel); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		if got := tb.value("#f-source"); !strings.Contains(got, "INSEE") {
			t.Errorf("the source proposed is %q", got)
		}
		// The places in crèches go to the EAJE places.
		tb.do("map the places", chromedp.SetValue(chromedp.ID("f-col-4"), "places_eaje"))
		tb.submit(`form[action^="/imports/fichiers/"] button[type=submit]`)

		// The page of the import: under way, then done, or done already.
		tb.waitSwap("the end of the import", `document.querySelector("h1").textContent.includes("Import terminé")`)
		summary := tb.text("main")
		for _, want := range []string{"Lignes lues", "Valeurs enregistrées", "Places en établissements d'accueil du jeune enfant", "Places crèche", "LIBGEO"} {
			if !strings.Contains(summary, want) {
				t.Errorf("the summary lacks %q:\n%s", want, summary)
			}
		}
		if got := tb.text(".stats .stat:nth-child(2) dd"); got != "10" {
			t.Errorf("values stored: %q, want 10 (3 columns × 4 communes, two secret)", got)
		}
		if got := tb.text(".stats .stat:nth-child(4) dd"); got != "2" {
			t.Errorf("secret values: %q, want 2", got)
		}
		// Back to the diagnosis of the convention.
		href := eval[string](tb, `document.querySelector('.actions a[href$="/diagnostic"]').getAttribute("href")`)
		if href != "/conventions/"+c.ID+"/diagnostic" {
			t.Errorf("the way back leads to %q", href)
		}

		// The diagnosis has the values of the perimeter (the places of the
		// demonstration are of a later year: it shows those).
		tb.mustOpen("/api/v1/conventions/" + c.ID + "/diagnostic")
		var d diagnostic.Diagnosis
		if err := json.Unmarshal([]byte(tb.text("body")), &d); err != nil {
			t.Fatalf("the diagnosis: %v", err)
		}
		want := map[string]float64{"pop_0_2": 81 + 40.5 + 120 + 15, "pop_3_5": 92 + 131 + 17}
		for _, l := range d.Indicators {
			if w, ok := want[l.Code]; ok {
				delete(want, l.Code)
				if l.Perimeter == nil || *l.Perimeter != w || l.Year != 2021 {
					t.Errorf("%s: %v in %d, want %v in 2021", l.Code, l.Perimeter, l.Year, w)
				}
			}
		}
		if len(want) > 0 {
			t.Errorf("the diagnosis lacks %v", want)
		}
	})

	t.Run("progress followed by htmx", func(t *testing.T) {
		ctx := context.Background()
		u := demoUser(t, srv.DB, demoAdvisor)
		id := runningImport(t, srv.DB, u)
		tb := openTab(t, browser, base)
		tb.signIn(demoAdvisor)
		tb.mustOpen("/imports/" + id)
		if got := tb.text("h1"); got != "Import en cours" {
			t.Fatalf("h1 %q", got)
		}
		if v := eval[float64](tb, `document.querySelector("progress").value`); v != 20000 {
			t.Errorf("progress %v, want 20000", v)
		}
		tb.do("count the updates", chromedp.Evaluate[chromedp.Void](`window.stayed = true; window.polls = 0;
			document.body.addEventListener("htmx:afterRequest", () => window.polls++)`))
		tb.waitFor("two updates", `window.polls >= 2`)

		// The import moves on, then ends: the page follows without reloading.
		if _, err := srv.DB.SQL().ExecContext(ctx, srv.DB.SQL().Rebind(`UPDATE imports SET phase = ?, rows_done = ? WHERE id = ?`), "writing", 34875, id); err != nil {
			t.Fatal(err)
		}
		tb.waitSwap("the writing phase", `document.querySelector("#import-state label").textContent.includes("Enregistrement")`)
		sum := diagnostic.ImportSummary{ID: id, Filename: "base-ic-france-2021.csv", Year: 2021, Rows: 34875, Values: 69750, Communes: 34875,
			Indicators: []string{"pop_0_2"}, Columns: map[string]string{"P21_POP0002": "pop_0_2"}, IgnoredColumns: []string{"LIBGEO"}}
		details, _ := json.Marshal(sum)
		if _, err := srv.DB.SQL().ExecContext(ctx, srv.DB.SQL().Rebind(`UPDATE imports SET status = ?, phase = ?, finished_at = ?, rows_done = rows_total,
			rows_count = ?, values_count = ?, communes = ?, details = ? WHERE id = ?`), diagnostic.ImportDone, "done", time.Now().UTC(), 34875, 69750, 34875, string(details), id); err != nil {
			t.Fatal(err)
		}
		tb.waitSwap("the summary", `document.querySelector("h1").textContent === "Import terminé"`)
		if !eval[bool](tb, `window.stayed === true`) {
			t.Errorf("the page was reloaded instead of updated")
		}
		if got := eval[string](tb, `document.title`); !strings.HasPrefix(got, "Import terminé") {
			t.Errorf("the title of the page is %q", got)
		}
		if got := tb.text("#import-announce"); !strings.Contains(got, "terminé") {
			t.Errorf("screen readers are told %q", got)
		}
		polls := eval[int](tb, `window.polls`)
		time.Sleep(2500 * time.Millisecond)
		if n := eval[int](tb, `window.polls`); n != polls {
			t.Errorf("the page still asks for updates: %d then %d", polls, n)
		}
	})

	t.Run("without JavaScript, a link refreshes the page", func(t *testing.T) {
		id := runningImport(t, srv.DB, demoUser(t, srv.DB, demoAdvisor))
		tb := openTab(t, browser, base, withoutJavaScript)
		tb.signIn(demoAdvisor)
		tb.mustOpen("/imports/" + id)
		if href := eval[string](tb, `document.querySelector("a[role=button]").getAttribute("href")`); href != "/imports/"+id {
			t.Errorf("the refresh link leads to %q", href)
		}
		if _, err := srv.DB.SQL().Exec(srv.DB.SQL().Rebind(`UPDATE imports SET status = ?, message = ?, details = ? WHERE id = ?`),
			diagnostic.ImportFailed, "Certaines valeurs ne sont pas des nombres.", `{"fields":{"ligne 12, colonne P21_POP0002":"« douze » n'est pas un nombre."}}`, id); err != nil {
			t.Fatal(err)
		}
		tb.submit(`a[href="/imports/` + id + `"][role=button]`)
		if got := tb.text(".import-failure"); !strings.Contains(got, "Ligne 12, colonne P21_POP0002 : « douze » n'est pas un nombre.") ||
			!strings.Contains(got, "Aucune valeur n'a été enregistrée") {
			t.Errorf("the refusal reads %q", got)
		}
	})
}
