package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// wizardFixture is the whole handler over a fresh SQLite database, with an
// editor of the Caf de la Gironde, a reader, and a CTG of the CC Latitude
// Nord Gironde under diagnosis.
type wizardFixture struct {
	h              http.Handler
	db             *store.DB
	editor         *account.User
	editorSession  string
	readerSession  string
	ctg            *convention.Convention
	latitudeCounts map[string]float64
}

func newWizardFixture(t *testing.T) *wizardFixture {
	t.Helper()
	ctx := context.Background()
	ref := testdb.Ref(t)
	db := testdb.Store(t, testdb.SQLite)
	f := &wizardFixture{db: db}
	f.editor = mustUser(t, db, "editeur@caf33.fr", "caf-33", account.RoleEditor)
	mustUser(t, db, "lecteur@caf33.fr", "caf-33", account.RoleReader)
	f.editorSession = mustSignIn(t, db, "editeur@caf33.fr")
	f.readerSession = mustSignIn(t, db, "lecteur@caf33.fr")
	f.ctg = &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2027-2031", CAF: "caf-33",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Start: "2027-01-01", End: "2031-12-31"}
	if err := db.CreateConvention(ctx, ref, f.editor, f.ctg); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	f.h = s.Handler()
	return f
}

// do sends a request as the session who; body is a form (url.Values) or
// a multipart body with its content type.
func (f *wizardFixture) do(who, method, path string, body any, headers ...string) *httptest.ResponseRecorder {
	var req *http.Request
	switch b := body.(type) {
	case url.Values:
		req = httptest.NewRequest(method, path, strings.NewReader(b.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case multipartForm:
		req = httptest.NewRequest(method, path, bytes.NewReader(b.body))
		req.Header.Set("Content-Type", b.contentType)
	default:
		req = httptest.NewRequest(method, path, nil)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: who})
	res := httptest.NewRecorder()
	f.h.ServeHTTP(res, req)
	return res
}

type multipartForm struct {
	body        []byte
	contentType string
}

// uploadForm is the upload form as a browser sends it: the convention, then
// the file.
func uploadForm(t *testing.T, conventionID, filename string, content []byte) multipartForm {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if conventionID != "" {
		if err := w.WriteField("convention", conventionID); err != nil {
			t.Fatal(err)
		}
	}
	part, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	return multipartForm{b.Bytes(), w.FormDataContentType()}
}

// windows1252 encodes s as Excel saves a CSV file in France.
func windows1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// inseeExtract is a census extract as INSEE publishes it: title lines, then
// the headers, Windows-1252 and semicolons. Four communes of the CC
// Latitude Nord Gironde, one of Bordeaux, a code that does not exist.
const inseeExtract = "Population par âge en 2021;;\r\n" +
	"Source : Insee, RP2021;;\r\n" +
	"CODGEO;P21_POP0002;P21_POP0305\r\n" +
	"33114;81;92\r\n" +
	"33123;40,5;s\r\n" +
	"33473;120;131\r\n" +
	"33489;15;17\r\n" +
	"33063;7 012;7 150\r\n" +
	"99999;1;1\r\n"

// upload sends a file and returns the address of its preview.
func (f *wizardFixture) upload(t *testing.T, filename string, content []byte) string {
	t.Helper()
	res := f.do(f.editorSession, "POST", "/imports/nouveau", uploadForm(t, f.ctg.ID, filename, content))
	loc := res.Header().Get("Location")
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/imports/fichiers/") {
		t.Fatalf("upload of %s: %d to %q\n%s", filename, res.Code, loc, excerpt(res.Body.String()))
	}
	return loc
}

// waitImport asks for the page of an import until it is finished, as the
// page's htmx does, and returns the page then.
func (f *wizardFixture) waitImport(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		res := f.do(f.editorSession, "GET", path, nil, "HX-Request", "true")
		switch res.Code {
		case 286:
			body := res.Body.String()
			if strings.Contains(body, "<html") || !strings.Contains(body, `hx-swap-oob="true"`) {
				t.Errorf("the last update is not a fragment that tells screen readers:\n%s", excerpt(body))
			}
			full := f.do(f.editorSession, "GET", path, nil)
			if full.Code != http.StatusOK {
				t.Fatalf("GET %s: %d", path, full.Code)
			}
			return full.Body.String()
		case http.StatusOK:
			if body := res.Body.String(); strings.Contains(body, "<html") || !strings.Contains(body, "<progress") {
				t.Fatalf("an update of a running import is not the progress fragment:\n%s", excerpt(body))
			}
		default:
			t.Fatalf("GET %s: %d\n%s", path, res.Code, excerpt(res.Body.String()))
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import at %s did not finish", path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q\n%s", what, w, excerpt(body))
		}
	}
}

// TestImportWizard follows a coordinator from the file downloaded from
// INSEE to the values in the diagnosis of the convention, without a
// browser.
func TestImportWizard(t *testing.T) {
	f := newWizardFixture(t)
	ctx := context.Background()
	from := "?convention=" + f.ctg.ID

	// The form, reached from the convention.
	res := f.do(f.editorSession, "GET", "/imports/nouveau"+from, nil)
	if res.Code != http.StatusOK {
		t.Fatalf("upload form: %d", res.Code)
	}
	mustContain(t, "the upload form", res.Body.String(), `accept=".csv,.xlsx,.txt"`, `enctype="multipart/form-data"`,
		`name="convention" value="`+f.ctg.ID+`"`, "base-ic", "data.caf.fr")

	// The preview: how the file was read, its rows, the suggested mapping,
	// the year from the headers, a source.
	preview := f.upload(t, "base-ic-evol-struct-pop-2021.csv", windows1252(t, inseeExtract))
	if !strings.Contains(preview, "convention="+f.ctg.ID) {
		t.Errorf("the preview at %s forgot the convention", preview)
	}
	res = f.do(f.editorSession, "GET", preview, nil)
	body := res.Body.String()
	if res.Code != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.Code, excerpt(body))
	}
	mustContain(t, "the preview", body, "Windows-1252", "point-virgule", "titres en ligne 3", "colonne <strong>CODGEO</strong>",
		`<td class="geo">33114</td>`, "40,5", "Les 6 lignes du fichier",
		`<option value="pop_0_2" selected>`, `<option value="pop_3_5" selected>`, `id="f-year" name="year" value="2021"`,
		`value="INSEE, recensement de la population 2021"`, "leurs valeurs s'additionnent")
	uploadID := strings.TrimPrefix(strings.SplitN(preview, "?", 2)[0], "/imports/fichiers/")

	// A mapping to correct comes back with the messages by the fields.
	res = f.do(f.editorSession, "POST", "/imports/fichiers/"+uploadID, url.Values{"col-1": {"pop_0_2"}, "col-2": {"pop_3_5"},
		"year": {"deux mille"}, "source": {"INSEE"}, "convention": {f.ctg.ID}})
	if res.Code != http.StatusUnprocessableEntity {
		t.Fatalf("year in words: %d", res.Code)
	}
	mustContain(t, "the refused mapping", res.Body.String(), `id="f-year-error"`, `value="deux mille"`, `<a href="#f-year">`)
	res = f.do(f.editorSession, "POST", "/imports/fichiers/"+uploadID, url.Values{"col-1": {"population"}, "col-2": {""},
		"year": {"2023"}, "source": {"INSEE"}})
	if res.Code != http.StatusUnprocessableEntity {
		t.Fatalf("population 2023: %d", res.Code)
	}
	mustContain(t, "the refused mapping", res.Body.String(), `id="f-col-1-error"`, `<a href="#f-col-1">Colonne P21_POP0002 :`,
		`<option value="population" selected>`)

	// The import, followed until done.
	res = f.do(f.editorSession, "POST", "/imports/fichiers/"+uploadID, url.Values{"col-1": {"pop_0_2"}, "col-2": {"pop_3_5"},
		"year": {"2021"}, "source": {"INSEE, RP 2021"}, "convention": {f.ctg.ID}})
	loc := res.Header().Get("Location")
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/imports/") {
		t.Fatalf("start: %d to %q\n%s", res.Code, loc, excerpt(res.Body.String()))
	}
	body = f.waitImport(t, loc)
	mustContain(t, "the summary", body, "Import terminé", "INSEE, RP 2021", "<dd>6</dd>", // rows
		"<dd>9</dd>", "<dd>5</dd>", // values: 2 for each of 5 communes, one of them secret
		"P21_POP0002", "Enfants de 3 à 5 ans", "99999", "code commune inconnu", `href="/conventions/`+f.ctg.ID+`/diagnostic"`, `href="/indicateurs"`)

	// The values are in the diagnosis of the convention.
	res = f.do(f.editorSession, "GET", "/api/v1/conventions/"+f.ctg.ID+"/diagnostic", nil)
	var d diagnostic.Diagnosis
	if err := json.Unmarshal(res.Body.Bytes(), &d); err != nil || res.Code != http.StatusOK {
		t.Fatalf("diagnosis: %d %v", res.Code, err)
	}
	got := map[string]diagnostic.Line{}
	for _, l := range d.Indicators {
		got[l.Code] = l
	}
	if l := got["pop_0_2"]; l.Perimeter == nil || *l.Perimeter != 81+40.5+120+15 || l.Year != 2021 || l.Source != "INSEE, RP 2021" || l.CommunesWithValue != 4 {
		t.Errorf("pop_0_2 in the diagnosis: %+v", l)
	}
	if l := got["pop_3_5"]; l.Perimeter == nil || *l.Perimeter != 92+131+17 || l.CommunesSecret != 1 {
		t.Errorf("pop_3_5 in the diagnosis: %+v", l)
	}
	// The file is gone once imported.
	if _, err := f.db.Upload(ctx, f.editor, uploadID); app.ErrorCode(err) != app.ENotFound {
		t.Errorf("the file is still kept: %v", err)
	}
	if res := f.do(f.editorSession, "GET", preview, nil); res.Code != http.StatusNotFound || !strings.Contains(res.Body.String(), "Envoyez-le de nouveau") {
		t.Errorf("the preview of an imported file: %d", res.Code)
	}

	// The catalogue lists the years and the import.
	res = f.do(f.editorSession, "GET", "/indicateurs", nil)
	mustContain(t, "the catalogue", res.Body.String(), `<tr id="indicateur-pop_0_2">`, "base-ic-evol-struct-pop-2021.csv", "terminé",
		"Places d&#39;accueil du jeune enfant ÷ Enfants de 0 à 2 ans × 100")
}

// TestImportWizardRefusals: a file with a text in a number column is
// refused with its line and column and stores nothing; unreadable files come
// back to the form; readers may not import.
func TestImportWizardRefusals(t *testing.T) {
	f := newWizardFixture(t)
	ctx := context.Background()

	preview := f.upload(t, "faux.csv", []byte("CODGEO;P20_POP0002;P20_POP0305\n33114;81;92\n33123;douze;30\n33126;14;n/a\n"))
	uploadID := strings.TrimPrefix(strings.SplitN(preview, "?", 2)[0], "/imports/fichiers/")
	res := f.do(f.editorSession, "POST", "/imports/fichiers/"+uploadID, url.Values{"col-1": {"pop_0_2"}, "col-2": {"pop_3_5"},
		"year": {"2020"}, "convention": {f.ctg.ID}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("start: %d\n%s", res.Code, excerpt(res.Body.String()))
	}
	body := f.waitImport(t, res.Header().Get("Location"))
	mustContain(t, "the refusal", body, "Import refusé", "Ligne 3, colonne P20_POP0002 : « douze » n&#39;est pas un nombre.",
		"Ligne 4, colonne P20_POP0305", "Aucune valeur n'a été enregistrée", `href="/imports/fichiers/`+uploadID)
	if strings.Index(body, "Ligne 3") > strings.Index(body, "Ligne 4") {
		t.Errorf("the lines are not in the order of the file")
	}
	series, err := f.db.Series(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range series {
		if s.Year == 2020 {
			t.Errorf("a refused import stored %+v", s)
		}
	}
	// The file stays, to map its columns again.
	if _, err := f.db.Upload(ctx, f.editor, uploadID); err != nil {
		t.Errorf("the file of a refused import is gone: %v", err)
	}

	for _, c := range []struct {
		name, filename string
		content        []byte
		status         int
		message        string
	}{
		{"no commune column", "noms.csv", []byte("Nom;Valeur\nCars;1\n"), 422, "Aucune colonne de codes commune"},
		{"empty", "vide.csv", nil, 422, "Le fichier est vide."},
		{"an old Excel file", "vieux.xls", []byte("\xD0\xCF\x11\xE0 binaire"), 422, "XLS (Excel 97-2003)"},
		{"no file", "", nil, 422, "Choisissez le fichier à importer."},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := countRows(t, f.db, "uploads")
			var form multipartForm
			if c.filename == "" {
				var b bytes.Buffer
				w := multipart.NewWriter(&b)
				w.WriteField("convention", f.ctg.ID)
				w.CreateFormFile("file", "")
				w.Close()
				form = multipartForm{b.Bytes(), w.FormDataContentType()}
			} else {
				form = uploadForm(t, f.ctg.ID, c.filename, c.content)
			}
			res := f.do(f.editorSession, "POST", "/imports/nouveau", form)
			if res.Code != c.status {
				t.Fatalf("status %d, want %d", res.Code, c.status)
			}
			mustContain(t, "the form", res.Body.String(), c.message, `aria-invalid="true"`, `name="convention" value="`+f.ctg.ID+`"`)
			if n := countRows(t, f.db, "uploads"); n != before {
				t.Errorf("%d files kept, want %d", n, before)
			}
		})
	}

	// A file announced at 200 MB or more is refused before it is read.
	req := httptest.NewRequest("POST", "/imports/nouveau", strings.NewReader("x"))
	req.ContentLength = diagnostic.MaxFileSize + importBodySlack
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.editorSession})
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "moins de 200 Mo") {
		t.Errorf("a file of 200 MB: %d\n%s", rec.Code, excerpt(rec.Body.String()))
	}

	// Readers may read the catalogue and an import, nothing more.
	for _, c := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/imports/nouveau", nil, 403},
		{"POST", "/imports/nouveau", uploadForm(t, "", "base.csv", []byte(inseeExtract)), 403},
		{"GET", preview, nil, 403},
		{"POST", "/imports/fichiers/" + uploadID, url.Values{"year": {"2021"}}, 403},
		{"POST", "/indicateurs", url.Values{"code": {"places_alsh"}, "label": {"Places"}, "aggregate": {"sum"}}, 403},
		{"GET", "/indicateurs", nil, 200},
		{"GET", res.Header().Get("Location"), nil, 200},
	} {
		if res := f.do(f.readerSession, c.method, c.path, c.body); res.Code != c.status {
			t.Errorf("reader %s %s: %d, want %d", c.method, c.path, res.Code, c.status)
		}
	}
	res = f.do(f.readerSession, "GET", "/indicateurs", nil)
	if body := res.Body.String(); strings.Contains(body, `id="formulaire-indicateur"`) || strings.Contains(body, `href="/imports/nouveau"`) {
		t.Errorf("the catalogue offers a reader to import or add")
	}
	// Another editor does not reach someone else's file.
	mustUser(t, f.db, "autre@caf33.fr", "caf-33", account.RoleEditor)
	if res := f.do(mustSignIn(t, f.db, "autre@caf33.fr"), "GET", preview, nil); res.Code != http.StatusNotFound {
		t.Errorf("another editor opens the file: %d", res.Code)
	}
}

// importRenderCases are the requests of TestEveryTemplateRenders for the
// catalogue and the import wizard, over the demonstration data.
func importRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	ctx := context.Background()
	ref := testdb.Ref(t)
	u, err := db.UserByEmail(ctx, "conseillere@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	latitude := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")

	// A file waiting for its columns.
	content := "CODGEO;LIBGEO;P21_POP0002;Places crèche\n33114;Braud-et-Saint-Louis;81;12\n33123;Cars;40;s\n"
	up, err := db.CreateUpload(ctx, u, "base-ic.csv", strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	table, err := diagnostic.ReadTable(strings.NewReader(content), "base-ic.csv")
	if err != nil {
		t.Fatal(err)
	}
	p := table.Preview(previewRows)
	if err := db.SetUploadPreview(ctx, u, up.ID, &p); err != nil {
		t.Fatal(err)
	}
	// An import done, one refused, one under way.
	done := diagnostic.ImportRequest{ID: account.NewID(), Filename: "base-ic.csv", Year: 2021, Source: "INSEE, recensement 2021",
		Mapping: map[string]string{"P21_POP0002": "pop_0_2", "Places crèche": "places_eaje"}}
	if _, err := db.ImportIndicators(ctx, ref, u, table, done, nil); err != nil {
		t.Fatal(err)
	}
	bad, err := diagnostic.ReadTable(strings.NewReader("CODGEO;pop_0_2\n33114;douze\n"), "faux.csv")
	if err != nil {
		t.Fatal(err)
	}
	failed := diagnostic.ImportRequest{ID: account.NewID(), Filename: "faux.csv", Year: 2019}
	if _, err := db.ImportIndicators(ctx, ref, u, bad, failed, nil); app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("the refused import: %v", err)
	}
	running := account.NewID()
	if _, err := db.SQL().Exec(db.SQL().Rebind(`INSERT INTO imports (id, at, user_id, user_name, filename, source, year, status, phase, rows_total, rows_done, heartbeat)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), running, time.Now().UTC(), u.ID, u.Name, "france-entiere.csv", "", 2021, diagnostic.ImportRunning, "reading", 34980, 15000, time.Now().Unix()); err != nil {
		t.Fatal(err)
	}

	upload := uploadForm(t, latitude, "noms.csv", []byte("Nom;Valeur\nCars;1\n"))
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	hx := []string{"HX-Request", "true"}
	return []renderCase{
		{name: "indicators", who: advisor, path: "/indicateurs", status: 200, renders: []string{"indicators.html"},
			contains: []string{`id="formulaire-indicateur"`, "base-ic.csv", "faux.csv", "pas des nombres", "Places d&#39;accueil du jeune enfant ÷"}},
		{name: "indicators of a reader", who: reader, path: "/indicateurs", status: 200, renders: []string{"indicators.html"},
			lacks: []string{`id="formulaire-indicateur"`, "/imports/nouveau"}},
		{name: "indicator refused", who: advisor, method: "POST", path: "/indicateurs", form: form("code", "", "label", "Places ALSH", "aggregate", "ratio", "scale", "100"),
			status: 422, renders: []string{"indicators.html", "partials/form.html"}, contains: []string{`id="f-code-error"`, `id="f-numerator-error"`, `value="Places ALSH"`}},
		{name: "import, the form", who: advisor, path: "/imports/nouveau?convention=" + latitude, status: 200, renders: []string{"import_new.html"},
			contains: []string{"CTG Latitude Nord Gironde 2027-2031"}},
		{name: "import, a file without communes", who: advisor, method: "POST", path: "/imports/nouveau", body: string(upload.body),
			headers: []string{"Content-Type", upload.contentType}, status: 422, renders: []string{"import_new.html"}, contains: []string{"Aucune colonne de codes commune"}},
		{name: "import refused to a reader", who: reader, path: "/imports/nouveau", status: 403, renders: []string{"error.html"}},
		{name: "import, the preview", who: advisor, path: "/imports/fichiers/" + up.ID, status: 200, renders: []string{"import_preview.html"},
			contains: []string{`<option value="pop_0_2" selected>`, "Braud-et-Saint-Louis", `value="2021"`, "Des valeurs 2021 existent déjà pour"}},
		{name: "import, the preview refused", who: advisor, method: "POST", path: "/imports/fichiers/" + up.ID, form: form("col-2", "pop_0_2", "col-3", "", "year", "deux"),
			status: 422, renders: []string{"import_preview.html", "partials/form.html"}, contains: []string{`id="f-year-error"`}},
		{name: "import, nothing mapped", who: advisor, method: "POST", path: "/imports/fichiers/" + up.ID, form: form("year", "2021"),
			status: 422, renders: []string{"import_preview.html"}, contains: []string{"L'import ne peut pas commencer", "toutes sont sur « Ignorer »"}},
		{name: "import, unknown file", who: advisor, path: "/imports/fichiers/inconnu", status: 404, renders: []string{"error.html"}},
		{name: "import under way", who: advisor, path: "/imports/" + running, status: 200, renders: []string{"import_progress.html"},
			contains: []string{`<progress id="import-bar" value="15000" max="69960">`, "15\u00a0000 lignes lues sur 34\u00a0980", `hx-trigger="every 1s"`, "Actualiser"}},
		{name: "import under way (htmx)", who: advisor, path: "/imports/" + running, headers: hx, status: 200, fragment: true,
			renders: []string{"import_progress.html"}, contains: []string{"<progress"}, lacks: []string{"<html", "hx-trigger"}},
		{name: "import done", who: advisor, path: "/imports/" + done.ID + "?convention=" + latitude, status: 200, renders: []string{"import_result.html"},
			contains: []string{"Import terminé", "Places crèche", "Colonnes ignorées", "Voir le diagnostic de « CTG Latitude Nord Gironde 2027-2031 »"}},
		{name: "import done (htmx)", who: advisor, path: "/imports/" + done.ID, headers: hx, status: 286, fragment: true,
			renders: []string{"import_result.html"}, contains: []string{`hx-swap-oob="true"`, "<title>Import terminé · ctg</title>"}, lacks: []string{"<html"}},
		{name: "import refused", who: reader, path: "/imports/" + failed.ID, status: 200, renders: []string{"import_result.html"},
			contains: []string{"Import refusé", "Ligne 2, colonne pop_0_2"}, lacks: []string{"/imports/nouveau"}},
		{name: "import unknown", who: advisor, path: "/imports/inconnu", status: 404, renders: []string{"error.html"}},
	}
}

// TestImportWizardXLSX reads a spreadsheet as the CAF's open data publishes
// it: the preview says how it was read and recognises its columns.
func TestImportWizardXLSX(t *testing.T) {
	f := newWizardFixture(t)
	x := excelize.NewFile()
	rows := [][]any{{"Codes_Insee", "Commune", "NB_Allocataires_2022", "ALL_bas_revenu_2022"},
		{"33114", "Braud-et-Saint-Louis", 612, 140}, {"33123", "Cars", 455, "s"}}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	preview := f.upload(t, "caf-allocataires-2022.xlsx", b.Bytes())
	res := f.do(f.editorSession, "GET", preview, nil)
	mustContain(t, "the preview of a spreadsheet", res.Body.String(), "Classeur XLSX (première feuille)", "colonne <strong>Codes_Insee</strong>",
		`<option value="allocataires" selected>`, `<option value="allocataires_bas_revenus" selected>`, `value="2022"`,
		`value="Caf, données ouvertes (data.caf.fr) 2022"`)
}
