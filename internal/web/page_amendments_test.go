package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ctg/internal/account"
	"ctg/internal/amendment"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// amendmentRenderCases are the requests of TestEveryTemplateRenders for
// the amendments page. They record an amendment of the demonstration's
// signed CTG Latitude Nord Gironde 2022-2026 that brings in a new
// association, so that its versions differ.
func amendmentRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	ctx := context.Background()
	admin, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	id := demoConventionID(t, db, "CTG Latitude Nord Gironde 2022-2026")
	diagnosis := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	bordeaux := demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	asso := &account.Organisation{Name: "Association Les Petits Pas (fictive)", Kind: "association"}
	if err := db.CreateOrganisation(ctx, asso, nil); err != nil {
		t.Fatal(err)
	}
	a := &amendment.Amendment{Date: "2024-02-01", Summary: "Entrée de l'association Les Petits Pas.",
		Changes: amendment.Changes{Parties: &amendment.PartyChanges{Added: []string{asso.ID}}, Plan: "Un lieu d'accueil enfants-parents de plus."}}
	if err := db.CreateAmendment(ctx, testdb.Ref(t), admin, id, 0, a); err != nil {
		t.Fatal(err)
	}
	page := "/conventions/" + id + "/avenants"
	refused := url.Values{"version": {"0"}, "date": {"2020-01-01"}, "summary": {"Prolongation d'un an."}, "end": {"2020-06-30"},
		"add_party": {""}, "epcis": {"243301181"}, "communes": {"99999"}, "plan": {"Rien."}, "budget": {""}}
	more := url.Values{}
	for k, v := range refused {
		more[k] = v
	}
	more.Set("op", "add-party")
	return []renderCase{
		{name: "amendments", who: advisor, path: page, status: 200, renders: []string{"amendments.html"},
			contains: []string{"Avenant n°\u00a01", "Convention signée", "Entrée de l&#39;association Les Petits Pas.", "Parties ajoutées : Association Les Petits Pas (fictive).",
				"Nouvelle partie signataire : Association Les Petits Pas (fictive).", `id="formulaire-avenant"`, `name="remove_party"`, `href="/conventions/` + id + `/avenants?de=0&amp;a=1#comparaison"`}},
		{name: "amendments, compared backwards", who: advisor, path: page + "?de=1&a=0", status: 200, renders: []string{"amendments.html"},
			contains: []string{"Partie qui n&#39;est plus signataire : Association Les Petits Pas (fictive)."}},
		{name: "amendments, a version that is no number", who: advisor, path: page + "?de=premiere", status: 422, renders: []string{"amendments.html"},
			contains: []string{`id="cmp-from-error"`}},
		{name: "amendments, a version that does not exist", who: reader, path: page + "?a=9", status: 422, renders: []string{"amendments.html"},
			contains: []string{`id="cmp-to-error"`, "pas de version 9"}},
		{name: "amendments, refused", who: advisor, method: "POST", path: page, form: refused, status: 422, renders: []string{"amendments.html", "partials/form.html"},
			contains: []string{`id="fa-date-error"`, `id="fa-changes.perimeter.communes-error"`, `value="99999"`, "Prolongation d&#39;un an.</textarea>", "Rien.</textarea>"}},
		{name: "amendments, one more party row", who: advisor, method: "POST", path: page, form: more, status: 200, renders: []string{"amendments.html"},
			contains: []string{`id="fa-add-party-1"`, `value="2020-06-30"`}, lacks: []string{"error-summary"}},
		{name: "amendments of a reader", who: reader, path: page, status: 200, renders: []string{"amendments.html"},
			lacks: []string{`id="formulaire-avenant"`}},
		{name: "amendments, refused to a reader", who: reader, method: "POST", path: page, form: refused, status: 403, renders: []string{"error.html"}},
		{name: "amendments before the signature", who: advisor, path: "/conventions/" + diagnosis + "/avenants", status: 200, renders: []string{"amendments.html"},
			contains: []string{"pas encore signée"}, lacks: []string{`id="formulaire-avenant"`}},
		{name: "amendments of another's convention", who: reader, path: "/conventions/" + bordeaux + "/avenants", status: 404, renders: []string{"error.html"}},
	}
}

// TestAmendmentForms records an amendment through the page's form and
// checks the refusals and who may do what.
func TestAmendmentForms(t *testing.T) {
	f := newLifeFixture(t)
	ctx := context.Background()
	dep := &account.Organisation{Name: "Département de la Gironde", Kind: "departement", Territory: "33"}
	if err := f.db.CreateOrganisation(ctx, dep, nil); err != nil {
		t.Fatal(err)
	}
	page := "/conventions/" + f.c.ID + "/avenants"
	c, _ := f.db.Convention(ctx, f.coordinatorUser, f.c.ID)
	form := url.Values{"version": {strconv.Itoa(c.Version)}, "date": {"2024-06-01"}, "summary": {"Prolongation et entrée du Département."},
		"end": {"2027-06-30"}, "add_party": {dep.ID}, "epcis": {"243301181"}, "communes": {"33063"}, "plan": {""}, "budget": {""}}

	// Refusals keep what was typed; nothing is saved.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("end", "2021-01-01")
	res := serve(f.h, renderCase{method: "POST", path: page, form: bad, who: f.coordinator})
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), `id="fa-changes.end-error"`) || !strings.Contains(res.Body.String(), `value="33063"`) {
		t.Errorf("end before start: %d", res.Code)
	}
	stale := url.Values{}
	for k, v := range form {
		stale[k] = v
	}
	stale.Set("version", "1")
	res = serve(f.h, renderCase{method: "POST", path: page, form: stale, who: f.coordinator})
	if res.Code != http.StatusPreconditionFailed || !strings.Contains(res.Body.String(), "modifiée entre-temps") ||
		!strings.Contains(res.Body.String(), `name="version" value="`+strconv.Itoa(c.Version)+`"`) {
		t.Errorf("stale: %d", res.Code)
	}
	if as, _ := f.db.Amendments(ctx, f.coordinatorUser, f.c.ID); len(as) != 0 {
		t.Fatalf("amendments after refusals: %+v", as)
	}
	if res := f.post(t, f.reader, page, form); res.StatusCode != http.StatusForbidden {
		t.Errorf("reader: %d", res.StatusCode)
	}
	if res := f.post(t, f.outsider, page, form); res.StatusCode != http.StatusNotFound {
		t.Errorf("outsider: %d", res.StatusCode)
	}
	if res := f.get(t, f.outsider, page); res.StatusCode != http.StatusNotFound {
		t.Errorf("outsider reads: %d", res.StatusCode)
	}

	res2 := f.post(t, f.coordinator, page, form)
	if res2.StatusCode != http.StatusSeeOther || res2.Header.Get("Location") != page+"#version-1" {
		t.Fatalf("save: %d %s", res2.StatusCode, res2.Header.Get("Location"))
	}
	after, _ := f.db.Convention(ctx, f.coordinatorUser, f.c.ID)
	if after.End != "2027-06-30" || !slices.Contains(after.Parties, dep.ID) || !slices.Contains(after.Communes, "33063") {
		t.Errorf("amended %+v", after)
	}
	body := serve(f.h, renderCase{path: page, who: f.reader}).Body.String()
	for _, want := range []string{"Fin de la convention portée au 30/06/2027.", "Parties ajoutées : Département de la Gironde.",
		"Périmètre redéfini : CC Latitude Nord Gironde, Bordeaux.", "Commune entrée dans le périmètre : Bordeaux (33063,"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// A perimeter left as it is changes nothing: the second amendment is in words.
	second := url.Values{"version": {strconv.Itoa(after.Version)}, "date": {"2025-01-10"}, "summary": {"Nouvelle action."},
		"end": {""}, "epcis": {"243301181"}, "communes": {"33063"}, "plan": {"Ajout d'une action."}}
	if res := f.post(t, f.coordinator, page, second); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second: %d", res.StatusCode)
	}
	as, _ := f.db.Amendments(ctx, f.coordinatorUser, f.c.ID)
	if len(as) != 2 || as[1].Changes.Structural() || as[1].Changes.Plan != "Ajout d'une action." {
		t.Errorf("amendments %+v", as)
	}
}
