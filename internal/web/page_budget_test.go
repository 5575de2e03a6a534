package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/url"
	"strconv"
	"testing"

	"ctg/internal/store"
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
			contains: []string{"Engagements de la Caf par année", `data-chart="chart-commitments"`, "Engagements de Caf de la Gironde par année"}},
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
