package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ctg/internal/account"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// budgetRenderCases are the requests of TestEveryTemplateRenders for the
// budget pages and the publication form, over the demonstration data: the
// plan of the CTG Latitude Nord Gironde 2027-2031 has a budget and a
// public page. None of them changes the data.
func budgetRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	ctx := context.Background()
	admin, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	id := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	bordeaux := demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	p, err := db.Plan(ctx, admin, id)
	if err != nil || len(p.Actions()) == 0 {
		t.Fatalf("no plan in the demonstration data set: %v", err)
	}
	a := p.Actions()[0]
	b, err := db.Budget(ctx, admin, a.ID)
	if err != nil || len(b.Lines) == 0 {
		t.Fatalf("no budget for %s in the demonstration data set: %v", a.Ref, err)
	}
	grid := "/actions/" + a.ID + "/budget"
	refused := url.Values{"op": {"save"}, "version": {strconv.Itoa(b.Version)},
		"funder": {"caf-33", "caf-33", ""}, "year": {"2027", "2035", ""}, "nature": {"fonctionnement", "investissement", "fonctionnement"},
		"planned": {"douze mille", "1 000", ""}, "actual": {"", "-5", ""}}
	stale := url.Values{"op": {"save"}, "version": {strconv.Itoa(b.Version + 100)},
		"funder": {"caf-33"}, "year": {"2027"}, "nature": {"fonctionnement"}, "planned": {"1 234,56"}, "actual": {""}}
	more := url.Values{"op": {"add-rows"}, "version": {strconv.Itoa(b.Version)},
		"funder": {"caf-33"}, "year": {"2027"}, "nature": {"fonctionnement"}, "planned": {"7 777"}, "actual": {""}}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", "budget.csv")
	part.Write([]byte("Action;Code financeur;Année;Nature;Prévu (€)\nAxe 1 / Action 1;caf-33;2027;fonctionnement;douze\nAxe 9 / Action 9;caf-33;2040;cadeau;5\n"))
	w.Close()
	multi := []string{"Content-Type", w.FormDataContentType()}

	return []renderCase{
		{name: "dashboard with the CAF's commitments", who: advisor, path: "/", status: 200, renders: []string{"dashboard.html", "partials/budget_chart.html"},
			contains: []string{"Engagements de la Caf par année", `data-chart="chart-commitments"`, "Engagements par année : Caf de la Gironde"}},
		{name: "dashboard of a partner, without the CAF's commitments", who: reader, path: "/?departement=33", status: 200, renders: []string{"dashboard.html"},
			lacks: []string{"Engagements de la Caf"}},
		{name: "budget", who: advisor, path: "/conventions/" + id + "/budget", status: 200, renders: []string{"budget.html", "partials/budget_chart.html"},
			contains: []string{"Par financeur", "Caf de la Gironde", "Part du prévu", `data-chart="chart-funders"`, `href="/actions/` + a.ID + `/budget"`,
				`action="/conventions/` + id + `/budget/import#import"`, "/api/v1/conventions/" + id + "/budget.xlsx"}},
		{name: "budget of a reader", who: reader, path: "/conventions/" + id + "/budget", status: 200, renders: []string{"budget.html"},
			contains: []string{"Par financeur"}, lacks: []string{"/budget/import"}},
		{name: "budget of another", who: reader, path: "/conventions/" + bordeaux + "/budget", status: 404, renders: []string{"error.html"}},
		{name: "budget, sheet refused", who: advisor, method: "POST", path: "/conventions/" + id + "/budget/import", body: body.String(), headers: multi,
			status: 422, renders: []string{"budget.html"},
			contains: []string{"Le tableur n'a pas été importé", "ligne 2, colonne Prévu (€)", "ligne 3, colonne Action", "cellules sont à corriger"}},
		{name: "budget, sheet refused to a reader", who: reader, method: "POST", path: "/conventions/" + id + "/budget/import", body: body.String(), headers: multi,
			status: 403, renders: []string{"error.html"}},
		{name: "budget grid", who: advisor, path: grid, status: 200, renders: []string{"budget_grid.html"},
			contains: []string{"Budget de l'action " + a.Ref, `name="planned"`, `data-budget-grid`, "Parties à la convention", "Ajouter des lignes"}},
		{name: "budget grid of a reader", who: reader, path: grid, status: 200, renders: []string{"budget_grid.html"},
			contains: []string{"Lignes de budget enregistrées"}, lacks: []string{`name="planned"`, "Ajouter des lignes"}},
		{name: "budget grid refused", who: advisor, method: "POST", path: grid, form: refused, status: 422, renders: []string{"budget_grid.html"},
			contains: []string{`id="g-0-planned-error"`, `value="douze mille"`, `id="g-1-year-error"`, `id="g-1-actual-error"`, `aria-invalid="true"`,
				`href="#g-0-planned"`, "3 cellules sont à corriger"}},
		{name: "budget grid, stale", who: advisor, method: "POST", path: grid, form: stale, status: 412, renders: []string{"budget_grid.html"},
			contains: []string{"modification concurrente", `value="1 234,56"`, "Le budget enregistré entre-temps"}},
		{name: "budget grid, more rows", who: advisor, method: "POST", path: grid, form: more, status: 200, renders: []string{"budget_grid.html"},
			contains: []string{`value="7 777"`, `id="g-5-planned"`}, lacks: []string{`id="g-6-planned"`, "error-summary"}},
		{name: "budget grid refused to a reader", who: reader, method: "POST", path: grid, form: stale, status: 403, renders: []string{"error.html"}},
		{name: "budget grid of an unknown action", who: advisor, path: "/actions/inconnue/budget", status: 404, renders: []string{"error.html"}},
		{name: "publication", who: advisor, path: "/conventions/" + id + "/publication", status: 200, renders: []string{"budget_publication.html"},
			contains: []string{"En ligne", "Mettre à jour la page", "Retirer la page publique"}},
		{name: "publication of a reader", who: reader, path: "/conventions/" + id + "/publication", status: 200, renders: []string{"budget_publication.html"},
			lacks: []string{`name="summary"`, "Retirer la page publique"}},
		{name: "publication, summary too long", who: advisor, method: "POST", path: "/conventions/" + id + "/publication",
			form: url.Values{"op": {"publish"}, "summary": {string(bytes.Repeat([]byte("é"), 5001))}}, status: 422,
			renders: []string{"budget_publication.html", "partials/form.html"}, contains: []string{`id="f-summary-error"`}},
		{name: "publication refused to a reader", who: reader, method: "POST", path: "/conventions/" + id + "/publication",
			form: url.Values{"op": {"unpublish"}}, status: 403, renders: []string{"error.html"}},
	}
}

// budgetWorld is a convention with a plan of one action, its editor, a
// reader of a party, an outsider of another CAF and a user of the CAF,
// each signed in, over a fresh SQLite database.
type budgetWorld struct {
	db                                *store.DB
	h                                 http.Handler
	c                                 *convention.Convention
	cc, msa                           string // the parties
	action                            *plan.Action
	editor                            *account.User
	editorS, readerS, outsiderS, cafS string
}

func newBudgetWorld(t *testing.T) *budgetWorld {
	t.Helper()
	ctx := context.Background()
	ref := testdb.Ref(t)
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	msa := &account.Organisation{Name: "MSA Gironde", Kind: "msa"}
	for _, o := range []*account.Organisation{cc, msa} {
		if err := db.CreateOrganisation(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	const password = "motdepasse-de-test"
	user := func(email, org, role string) *account.User {
		u, err := db.CreateUser(ctx, account.NewUser{Email: email, Name: email, OrgID: org, Role: role, Password: password}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w := &budgetWorld{db: db, cc: cc.ID, msa: msa.ID, editor: user("coordination@cc.fr", cc.ID, account.RoleEditor)}
	user("lecture@cc.fr", cc.ID, account.RoleReader)
	user("conseil@caf974.fr", "caf-974", account.RoleEditor)
	user("conseil@caf33.fr", "caf-33", account.RoleReader)
	w.c = &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2027-2031", CAF: "caf-33", Start: "2027-01-01", End: "2031-12-31",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Parties: []string{cc.ID, msa.ID}}
	if err := db.CreateConvention(ctx, ref, w.editor, w.c); err != nil {
		t.Fatal(err)
	}
	ax := &plan.Axis{Title: "Accueil du jeune enfant"}
	if err := db.CreateAxis(ctx, w.editor, w.c.ID, ax); err != nil {
		t.Fatal(err)
	}
	w.action = &plan.Action{Title: "Une micro-crèche de 12 places", Status: plan.StatusInProgress, Fields: []string{"petite_enfance"}}
	if err := db.CreateAction(ctx, w.editor, ax.ID, w.action); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	w.h = s.Handler()
	w.editorS = signInThroughForm(t, w.h, "coordination@cc.fr", password)
	w.readerS = signInThroughForm(t, w.h, "lecture@cc.fr", password)
	w.outsiderS = signInThroughForm(t, w.h, "conseil@caf974.fr", password)
	w.cafS = signInThroughForm(t, w.h, "conseil@caf33.fr", password)
	return w
}

// gridForm is a posted grid: one row per line, each of funder, year,
// nature, planned and actual.
func gridForm(version int, rows ...[5]string) url.Values {
	v := url.Values{"op": {"save"}, "version": {strconv.Itoa(version)}}
	for _, r := range rows {
		for i, k := range []string{"funder", "year", "nature", "planned", "actual"} {
			v.Add(k, r[i])
		}
	}
	return v
}

func (w *budgetWorld) lines(t *testing.T) *budget.ActionBudget {
	t.Helper()
	b, err := w.db.Budget(context.Background(), w.editor, w.action.ID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBudgetGrid saves an action's budget through its grid: French amounts
// as a spreadsheet's column gives them are read exactly; a refused grid,
// a stale one and a refused spreadsheet keep what was typed and store
// nothing; the convention's page shows the figures of ConventionBudget
// and of the JSON API.
func TestBudgetGrid(t *testing.T) {
	ctx := context.Background()
	w := newBudgetWorld(t)
	grid := "/actions/" + w.action.ID + "/budget"
	post := func(who, path string, v url.Values) *httptest.ResponseRecorder {
		t.Helper()
		return serve(w.h, renderCase{method: "POST", path: path, form: v, who: who})
	}
	v1 := w.lines(t).Version

	// A column of amounts as a French spreadsheet copies them, pasted into
	// the grid: the cents are exact, whatever the spaces and marks.
	msa := w.msa
	res := post(w.editorS, grid, gridForm(v1,
		[5]string{"caf-33", "2027", "investissement", "1 234,56", ""},
		[5]string{"caf-33", "2028", "fonctionnement", "12\u00a0000\u00a0€", "11 999,99"},
		[5]string{msa, "2029", "Fonct.", "1.234.567,89", "0"},
		[5]string{"MSA Gironde", "2030", "fonctionnement", "0,07", ""},
		[5]string{"", "", "fonctionnement", "", ""}, // an empty row: ignored
		[5]string{w.cc, "2031", "fonctionnement", "22\u202f246\u202f000", ""}))
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != grid {
		t.Fatalf("save: %d %s\n%s", res.Code, res.Header().Get("Location"), excerpt(res.Body.String()))
	}
	b := w.lines(t)
	want := []int64{123456, 1200000, 123456789, 7, 2224600000}
	if len(b.Lines) != len(want) || b.Version != v1+1 {
		t.Fatalf("saved %+v", b)
	}
	for i, l := range b.Lines {
		if l.PlannedCents != want[i] {
			t.Errorf("line %d: %d cents, want %d", i+1, l.PlannedCents, want[i])
		}
	}
	if b.Lines[1].ActualCents == nil || *b.Lines[1].ActualCents != 1199999 || b.Lines[0].ActualCents != nil || b.Lines[3].Funder != msa ||
		b.Lines[2].Nature != budget.NatureFonctionnement {
		t.Errorf("saved %+v", b.Lines)
	}

	// The convention's page and the API say the same figures.
	totals, err := w.db.ConventionBudget(ctx, w.editor, w.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := serve(w.h, renderCase{path: "/conventions/" + w.c.ID + "/budget", who: w.editorS})
	api := serve(w.h, renderCase{path: "/api/v1/conventions/" + w.c.ID + "/budget", who: w.editorS})
	var fromAPI budget.Totals
	if err := json.Unmarshal(api.Body.Bytes(), &fromAPI); err != nil || api.Code != 200 {
		t.Fatalf("API %d: %v", api.Code, err)
	}
	if fromAPI.PlannedCents != totals.PlannedCents || fromAPI.ActualCents != totals.ActualCents || totals.PlannedCents != 2224600000+123456+1200000+123456789+7 {
		t.Errorf("API %d/%d, store %d/%d", fromAPI.PlannedCents, fromAPI.ActualCents, totals.PlannedCents, totals.ActualCents)
	}
	body := page.Body.String()
	for _, s := range []string{moneyText(totals.PlannedCents), moneyText(totals.ActualCents), "22\u00a0246\u00a0000\u00a0€", "1\u00a0234,56\u00a0€"} {
		if !strings.Contains(body, s) {
			t.Errorf("the budget page lacks %q", s)
		}
	}
	for _, f := range fromAPI.ByFunder {
		row := "<th scope=\"row\">" + template.HTMLEscapeString(f.Name) + "</th><td class=\"num\">" + moneyText(f.PlannedCents) +
			"</td><td class=\"num\">" + frDecimal(f.Share*100, 1) + "\u00a0%</td><td class=\"num\">" + moneyText(f.ActualCents) + "</td>"
		if !strings.Contains(body, row) {
			t.Errorf("the budget page lacks the row of %s: %s", f.Name, row)
		}
	}
	for _, y := range fromAPI.ByYear {
		if !strings.Contains(body, "<th scope=\"row\">"+strconv.Itoa(y.Year)+"</th><td class=\"num\">"+moneyText(y.PlannedCents)+"</td>") {
			t.Errorf("the budget page lacks the year %d", y.Year)
		}
	}
	// The MSA is a party; the CAF of La Réunion would not be: a warning.
	if strings.Contains(body, "sans être partie") {
		t.Errorf("a warning without reason")
	}

	// A refused grid comes back as typed, with a message on each faulty
	// cell, and stores nothing.
	v2 := b.Version
	res = post(w.editorS, grid, gridForm(v2,
		[5]string{"caf-33", "2027", "investissement", "-5", ""},
		[5]string{"caf-974", "2035", "fonctionnement", "12 000", ""},
		[5]string{"org-inconnue", "2028", "fonctionnement", "99999999999999999", "douze"}))
	body = res.Body.String()
	if res.Code != http.StatusUnprocessableEntity {
		t.Fatalf("refused grid: %d", res.Code)
	}
	for _, s := range []string{
		`id="g-0-planned" name="planned" value="-5"`, `aria-describedby="g-0-planned-error"`, `id="g-0-planned-error">Le montant prévu ne peut pas être négatif`,
		`id="g-1-year-error">L&#39;année 2035 est en dehors de la convention (2027-2031).`, `<option value="2035" selected data-extra>2035</option>`,
		`id="g-2-funder-error">Le financeur « org-inconnue »`, `<option value="org-inconnue" selected data-extra>org-inconnue</option>`,
		`id="g-2-planned-error">« 99999999999999999 » est un montant bien trop grand.`, `value="douze"`, `id="g-2-actual-error"`,
		`href="#g-1-year"`, "cellules sont à corriger"} {
		if !strings.Contains(body, s) {
			t.Errorf("the refused grid lacks %q", s)
		}
	}
	if strings.Count(body, `aria-invalid="true"`) != 5 {
		t.Errorf("%d cells marked invalid, want 5", strings.Count(body, `aria-invalid="true"`))
	}
	if after := w.lines(t); after.Version != v2 || len(after.Lines) != 5 {
		t.Errorf("a refused grid changed the budget: %+v", after)
	}

	// A grid filled before someone else's change is refused: nothing is
	// overwritten, and it comes back as typed.
	if _, err := w.db.SetBudget(ctx, w.editor, w.action.ID, v2, b.Lines[:1]); err != nil {
		t.Fatal(err)
	}
	res = post(w.editorS, grid, gridForm(v2, [5]string{"caf-33", "2027", "fonctionnement", "4 321", ""}))
	body = res.Body.String()
	if res.Code != http.StatusPreconditionFailed || !strings.Contains(body, "Quelqu&#39;un a modifié cette action pendant votre saisie") ||
		!strings.Contains(body, `value="4 321"`) || !strings.Contains(body, `name="version" value="`+strconv.Itoa(v2+1)+`"`) {
		t.Errorf("stale grid: %d\n%s", res.Code, excerpt(body))
	}
	if after := w.lines(t); len(after.Lines) != 1 || after.Lines[0].PlannedCents != 123456 {
		t.Errorf("a stale grid changed the budget: %+v", after.Lines)
	}

	// More rows without JavaScript: nothing saved, the grid as typed.
	more := gridForm(v2+1, [5]string{"caf-33", "2027", "fonctionnement", "8 888", ""})
	more.Set("op", "add-rows")
	if res := post(w.editorS, grid, more); res.Code != 200 || !strings.Contains(res.Body.String(), `value="8 888"`) ||
		!strings.Contains(res.Body.String(), `id="g-5-planned"`) {
		t.Errorf("more rows: %d", res.Code)
	}

	// Removing a row.
	rm := gridForm(v2+1, [5]string{"caf-33", "2027", "investissement", "1 234,56", ""}, [5]string{"caf-33", "2028", "fonctionnement", "5", ""})
	rm.Add("remove", "0")
	if res := post(w.editorS, grid, rm); res.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d", res.Code)
	}
	if after := w.lines(t); len(after.Lines) != 1 || after.Lines[0].PlannedCents != 500 {
		t.Errorf("after removal %+v", after.Lines)
	}

	// Access: a reader sees without forms and may not post; an outsider
	// sees nothing.
	if res := serve(w.h, renderCase{path: grid, who: w.readerS}); res.Code != 200 || strings.Contains(res.Body.String(), `name="planned"`) {
		t.Errorf("reader's grid: %d", res.Code)
	}
	if res := post(w.readerS, grid, gridForm(v2+2, [5]string{"caf-33", "2027", "fonctionnement", "1", ""})); res.Code != http.StatusForbidden {
		t.Errorf("reader's post: %d", res.Code)
	}
	for _, path := range []string{grid, "/conventions/" + w.c.ID + "/budget", "/conventions/" + w.c.ID + "/publication"} {
		if res := serve(w.h, renderCase{path: path, who: w.outsiderS}); res.Code != http.StatusNotFound {
			t.Errorf("outsider GET %s: %d", path, res.Code)
		}
	}
	if res := post(w.outsiderS, grid, gridForm(v2+2, [5]string{"caf-33", "2027", "fonctionnement", "1", ""})); res.Code != http.StatusNotFound {
		t.Errorf("outsider's post: %d", res.Code)
	}
	if after := w.lines(t); len(after.Lines) != 1 {
		t.Errorf("after refused posts %+v", after.Lines)
	}
}

// TestBudgetImport imports a budget spreadsheet from the page: a sheet
// with a wrong cell is refused whole, naming line and column, and stores
// nothing; a right one replaces the budget.
func TestBudgetImport(t *testing.T) {
	w := newBudgetWorld(t)
	upload := func(who string, rows [][]any) *httptest.ResponseRecorder {
		t.Helper()
		f := excelize.NewFile()
		defer f.Close()
		all := append([][]any{{"Action", "Code financeur", "Année", "Nature", "Prévu (€)", "Réalisé (€)"}}, rows...)
		for i, r := range all {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		var file bytes.Buffer
		if err := f.Write(&file); err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		part, _ := mw.CreateFormFile("file", "budget.xlsx")
		part.Write(file.Bytes())
		mw.Close()
		return serve(w.h, renderCase{method: "POST", path: "/conventions/" + w.c.ID + "/budget/import", who: who,
			body: body.String(), headers: []string{"Content-Type", mw.FormDataContentType()}})
	}
	if _, err := w.db.SetBudget(context.Background(), w.editor, w.action.ID, 0, []budget.Line{
		{Funder: "caf-33", Year: 2027, Nature: budget.NatureFonctionnement, PlannedCents: 100}}); err != nil {
		t.Fatal(err)
	}
	res := upload(w.editorS, [][]any{
		{"Axe 1 / Action 1", "caf-33", 2027, "fonctionnement", 1234.56, nil},
		{"Axe 1 / Action 1", "caf-33", 2040, "fonctionnement", "douze", nil},
	})
	body := res.Body.String()
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "ligne 3, colonne Prévu (€)") || !strings.Contains(body, "ligne 3, colonne Année") ||
		!strings.Contains(body, "Le tableur n'a pas été importé") {
		t.Errorf("refused sheet: %d\n%s", res.Code, excerpt(body))
	}
	if b := w.lines(t); len(b.Lines) != 1 || b.Lines[0].PlannedCents != 100 {
		t.Errorf("a refused sheet changed the budget: %+v", b.Lines)
	}
	if res := upload(w.readerS, nil); res.Code != http.StatusForbidden {
		t.Errorf("reader's import: %d", res.Code)
	}
	res = upload(w.editorS, [][]any{{"Axe 1 / Action 1", "caf-33", 2028, "Investissement", 1234.56, 1000}})
	if res.Code != 200 || !strings.Contains(res.Body.String(), "Tableur importé : 1 ligne") {
		t.Fatalf("import: %d\n%s", res.Code, excerpt(res.Body.String()))
	}
	if b := w.lines(t); len(b.Lines) != 1 || b.Lines[0].PlannedCents != 123456 || *b.Lines[0].ActualCents != 100000 {
		t.Errorf("imported %+v", b.Lines)
	}
}

// TestDashboardCommitments shows a CAF's users what their CAF commits per
// year, and no one else.
func TestDashboardCommitments(t *testing.T) {
	w := newBudgetWorld(t)
	if _, err := w.db.SetBudget(context.Background(), w.editor, w.action.ID, 0, []budget.Line{
		{Funder: "caf-33", Year: 2027, Nature: budget.NatureInvestissement, PlannedCents: 18_000_000},
		{Funder: "caf-33", Year: 2028, Nature: budget.NatureFonctionnement, PlannedCents: 9_600_000, ActualCents: ptrInt64(9_550_050)},
		{Funder: w.cc, Year: 2028, Nature: budget.NatureFonctionnement, PlannedCents: 6_400_000},
	}); err != nil {
		t.Fatal(err)
	}
	body := serve(w.h, renderCase{path: "/?departement=33", who: w.cafS}).Body.String()
	for _, s := range []string{"Engagements de la Caf par année", "<th scope=\"row\">2027</th><td class=\"num\">1</td><td class=\"num\">180\u00a0000\u00a0€</td>",
		"<th scope=\"row\">2028</th><td class=\"num\">1</td><td class=\"num\">96\u00a0000\u00a0€</td><td class=\"num\">95\u00a0500,50\u00a0€</td>",
		"276\u00a0000\u00a0€ prévus en tout"} {
		if !strings.Contains(body, s) {
			t.Errorf("the CAF's dashboard lacks %q", s)
		}
	}
	if body := serve(w.h, renderCase{path: "/?departement=33", who: w.editorS}).Body.String(); strings.Contains(body, "Engagements de la Caf") {
		t.Errorf("a partner sees the CAF's commitments")
	}
}

func ptrInt64(n int64) *int64 { return &n }
