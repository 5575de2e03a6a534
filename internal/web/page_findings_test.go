package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctg/internal/diagnostic"
	"ctg/internal/store"
)

// findingsRenderCases are the requests of TestEveryTemplateRenders for the
// pages of facilities, findings and stakes, over the demonstration data.
func findingsRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	ctx := context.Background()
	admin, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	id := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	bordeaux := demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	c, err := db.Convention(ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := db.Facilities(ctx, store.FacilityFilter{Communes: c.Communes})
	if err != nil || len(fs) == 0 {
		t.Fatalf("no facility in the demonstration data set: %v", err)
	}
	findings, err := db.Findings(ctx, admin, id, store.FindingFilter{})
	if err != nil || len(findings) == 0 {
		t.Fatalf("no finding in the demonstration data set: %v", err)
	}
	stakes, err := db.Stakes(ctx, admin, id)
	if err != nil || len(stakes) == 0 {
		t.Fatalf("no stake in the demonstration data set: %v", err)
	}
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	upload := func(content string) (string, []string) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		part, _ := w.CreateFormFile("file", "equipements.csv")
		part.Write([]byte(content))
		w.Close()
		return b.String(), []string{"Content-Type", w.FormDataContentType()}
	}
	badFile, badHeaders := upload("type;nom;code_commune;places\nCrèche;La Cabane;33473;12\nGarderie;Le Nid;33473;10\n")
	goodFile, goodHeaders := upload("type;nom;code_commune;places;gestionnaire\nLAEP;LAEP Les Galipettes;33233;;Association Pirouette\n")
	page := "/conventions/" + id

	return []renderCase{
		{name: "facilities", who: advisor, path: page + "/equipements", status: 200, renders: []string{"facilities.html"},
			contains: []string{"Multi-accueil Les Petits Pas", `id="chart-places"`, `id="formulaire-equipement"`, `id="commune-33473"`,
				`<th scope="row">ALSH de Saint-Savin</th>
        <td class="num">120</td>`}},
		{name: "facilities, editing one", who: advisor, path: page + "/equipements?modifier=" + fs[0].ID, status: 200, renders: []string{"facilities.html"},
			contains: []string{`name="id" value="` + fs[0].ID + `"`, "Enregistrer les modifications"}},
		{name: "facilities, add refused", who: advisor, method: "POST", path: page + "/equipements",
			form:   form("id", "", "version", "0", "kind", "eaje", "name", "", "commune", "33473", "places", "douze", "manager", "Mairie de Saint-Savin"),
			status: 422, renders: []string{"facilities.html", "partials/form.html"},
			contains: []string{`id="f-places-error"`, `value="douze"`, `value="Mairie de Saint-Savin"`, `<option value="eaje" selected>`}},
		{name: "facilities, commune outside the perimeter", who: advisor, method: "POST", path: page + "/equipements",
			form: form("kind", "rpe", "name", "RPE de Bordeaux", "commune", "33063"), status: 422, renders: []string{"facilities.html"},
			contains: []string{`id="f-commune-error"`, `value="RPE de Bordeaux"`}},
		{name: "facilities, import refused", who: advisor, method: "POST", path: page + "/equipements/import", body: badFile, headers: badHeaders,
			status: 422, renders: []string{"facilities.html"}, contains: []string{"Le fichier n&#39;a pas été importé", "Ligne 3, colonne type"}},
		{name: "facilities, import", who: advisor, method: "POST", path: page + "/equipements/import", body: goodFile, headers: goodHeaders,
			status: 200, renders: []string{"facilities.html"}, contains: []string{"Fichier importé", "LAEP Les Galipettes"}},
		{name: "findings", who: advisor, path: page + "/constats", status: 200, renders: []string{"findings.html"},
			contains: []string{"Offrir aux adolescents des lieux", `id="enjeu-` + stakes[0].ID + `"`, `id="formulaire-constat"`, `id="formulaire-enjeu"`}},
		{name: "findings of a field", who: advisor, path: page + "/constats?champ=jeunesse", status: 200, renders: []string{"findings.html"},
			contains: []string{"Offrir aux adolescents des lieux"}, lacks: []string{"Soutenir les parents dans chaque secteur"}},
		{name: "findings, unknown field", who: advisor, path: page + "/constats?champ=nulle_part", status: 422, renders: []string{"error.html"}},
		{name: "findings, editing a finding", who: advisor, path: page + "/constats?modifier-constat=" + findings[0].ID, status: 200,
			renders: []string{"findings.html"}, contains: []string{"Enregistrer le constat", `name="id" value="` + findings[0].ID + `"`}},
		{name: "findings, editing a stake", who: advisor, path: page + "/constats?modifier-enjeu=" + stakes[0].ID, status: 200,
			renders: []string{"findings.html"}, contains: []string{`name="id" value="` + stakes[0].ID + `"`}},
		{name: "finding refused", who: advisor, method: "POST", path: page + "/constats",
			form: form("kind", "need", "field", "jeunesse", "source", "", "text", ""), status: 422,
			renders: []string{"findings.html", "partials/form.html"}, contains: []string{`id="fc-text-error"`, `id="fc-source-error"`, `<option value="jeunesse" selected>`}},
		{name: "stake refused", who: advisor, method: "POST", path: page + "/enjeux",
			form: form("title", "Mobilité des familles", "priority", "", "findings", "inconnu"), status: 422,
			renders:  []string{"findings.html", "partials/form.html"},
			contains: []string{`id="fe-fields-error"`, `id="fe-priority-error"`, `value="Mobilité des familles"`}},
		{name: "stake with a finding of no such convention", who: advisor, method: "POST", path: page + "/enjeux",
			form: form("title", "Mobilité des familles", "priority", "2", "fields", "autre", "findings", "inconnu"), status: 422,
			renders: []string{"findings.html"}, contains: []string{`id="fe-findings-error"`}},
		{name: "findings of the reader", who: reader, path: page + "/constats", status: 200, renders: []string{"findings.html"},
			lacks: []string{`id="formulaire-constat"`, "/supprimer", "modifier-enjeu"}},
		{name: "facilities of the reader", who: reader, path: page + "/equipements", status: 200, renders: []string{"facilities.html"},
			lacks: []string{`id="formulaire-equipement"`, "/supprimer"}},
		{name: "finding refused to a reader", who: reader, method: "POST", path: page + "/constats",
			form: form("kind", "need", "field", "jeunesse", "source", "data", "text", "Un constat."), status: 403, renders: []string{"error.html"}},
		{name: "findings of another", who: reader, path: "/conventions/" + bordeaux + "/constats", status: 404, renders: []string{"error.html"}},
		{name: "facilities of another", who: reader, path: "/conventions/" + bordeaux + "/equipements", status: 404, renders: []string{"error.html"}},
	}
}

// TestFacilityAndFindingForms follows the add forms without a browser: a
// refused form comes back filled in with its messages, the corrected one
// is saved, and the history says so.
func TestFacilityAndFindingForms(t *testing.T) {
	ctx := context.Background()
	db, u, c, h, who := newEditorSite(t)
	page := "/conventions/" + c.ID

	post := func(path string, v url.Values) (int, string, string) {
		t.Helper()
		res := serve(h, renderCase{who: who, method: "POST", path: path, form: v})
		return res.Code, res.Body.String(), res.Header().Get("Location")
	}
	get := func(path string) string {
		t.Helper()
		res := serve(h, renderCase{who: who, path: path})
		if res.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.Code)
		}
		return res.Body.String()
	}

	// A facility: ALSH without places, then with them.
	v := url.Values{"kind": {"alsh"}, "name": {"ALSH de Saint-Savin"}, "commune": {"33473"}, "places": {""}, "manager": {"Association Les Cabanes"}}
	code, body, _ := post(page+"/equipements", v)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("ALSH without places: %d", code)
	}
	for _, want := range []string{`value="ALSH de Saint-Savin"`, `value="Association Les Cabanes"`, `<option value="33473" selected>`,
		`<option value="alsh" selected>`, `id="f-places" name="places" value="" inputmode="numeric" aria-describedby="f-places-hint f-places-error" aria-invalid="true"`,
		`<a href="#f-places">`, "Indiquez le nombre de places"} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %s\n%s", want, excerpt(body))
		}
	}
	v.Set("places", "120")
	code, _, loc := post(page+"/equipements", v)
	if code != http.StatusSeeOther || loc != page+"/equipements#commune-33473" {
		t.Fatalf("corrected form: %d to %q", code, loc)
	}
	if body := get(page + "/equipements"); !strings.Contains(body, "ALSH de Saint-Savin") || !strings.Contains(body, ">120<") {
		t.Errorf("the page does not list the new facility\n%s", excerpt(body))
	}
	if fs, _ := db.Facilities(ctx, store.FacilityFilter{Communes: []string{"33473"}}); len(fs) != 1 || *fs[0].Places != 120 {
		t.Errorf("stored: %+v", fs)
	}

	// A finding: no text, then one.
	f := url.Values{"kind": {"weakness"}, "field": {"jeunesse"}, "source": {"questionnaire"}, "text": {"   "}}
	code, body, _ = post(page+"/constats", f)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="fc-text-error"`) || !strings.Contains(body, `<option value="questionnaire" selected>`) {
		t.Fatalf("finding without text: %d\n%s", code, excerpt(body))
	}
	f.Set("text", "Peu d'activités pour les 11-17 ans hors vacances.")
	if code, _, loc := post(page+"/constats", f); code != http.StatusSeeOther || loc != page+"/constats#constats-weakness" {
		t.Fatalf("corrected finding: %d to %q", code, loc)
	}
	list, _ := db.Findings(ctx, u, c.ID, store.FindingFilter{})
	if len(list) != 1 {
		t.Fatalf("findings stored: %+v", list)
	}
	// A stake of it, priority missing, then given.
	st := url.Values{"title": {"Des activités pour les adolescents"}, "fields": {"jeunesse"}, "findings": {list[0].ID}}
	if code, body, _ := post(page+"/enjeux", st); code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="fe-priority-error"`) ||
		!strings.Contains(body, `value="`+list[0].ID+`" checked`) {
		t.Fatalf("stake without priority: %d\n%s", code, excerpt(body))
	}
	st.Set("priority", "1")
	code, _, loc = post(page+"/enjeux", st)
	stakes, _ := db.Stakes(ctx, u, c.ID)
	if code != http.StatusSeeOther || len(stakes) != 1 || loc != page+"/constats#enjeu-"+stakes[0].ID {
		t.Fatalf("corrected stake: %d to %q, %+v", code, loc, stakes)
	}
	body = get(page + "/constats")
	for _, want := range []string{`id="enjeu-` + stakes[0].ID + `"`, "Des activités pour les adolescents", diagnostic.PriorityLabel(1), "Peu d&#39;activités"} {
		if !strings.Contains(body, want) {
			t.Errorf("the findings page lacks %s", want)
		}
	}
	history := get(page + "/historique")
	for _, want := range []string{"Constat ajouté", "Enjeu ajouté", "Fragilité", "Priorité 1"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
}
