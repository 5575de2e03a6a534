package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctg/internal/store"
	"ctg/internal/workshop"
)

// workshopRenderCases are the requests of TestEveryTemplateRenders for the
// workshops page, over the demonstration data.
func workshopRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	ctx := context.Background()
	admin, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	id := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	ws, err := db.Workshops(ctx, admin, id)
	if err != nil || len(ws) < 2 {
		t.Fatalf("no workshops in the demonstration data set: %v", err)
	}
	var open string // a proposal not carried yet
	for _, p := range ws[0].Proposals {
		if p.Finding == nil {
			open = p.ID
		}
	}
	page := "/conventions/" + id + "/ateliers"
	form := url.Values{"id": {""}, "version": {"0"}, "title": {"Atelier handicap"}, "date": {"2026-11-20"}, "place": {""},
		"elected": {"2"}, "staff": {"deux"}, "associations": {""}, "residents": {"-3"}, "minutes": {"Notes."},
		"proposal_id": {"", "", ""}, "proposal_text": {"Un accueil adapté le mercredi.", "", "Sans champ."}, "proposal_field": {"handicap", "", ""}}
	more := url.Values{}
	for k, v := range form {
		more[k] = v
	}
	more.Set("op", "add-proposal")
	return []renderCase{
		{name: "workshops", who: advisor, path: page, status: 200, renders: []string{"workshops.html"},
			contains: []string{"Atelier petite enfance et parentalité", "Retenue :", "Retenir comme constat", `id="formulaire-atelier"`, "Compte rendu"}},
		{name: "workshops, editing one", who: advisor, path: page + "?modifier=" + ws[1].ID, status: 200, renders: []string{"workshops.html"},
			contains: []string{`name="id" value="` + ws[1].ID + `"`, "Enregistrer l'atelier", `name="proposal_id" value="` + ws[1].Proposals[0].ID + `"`}},
		{name: "workshops, one more proposal row", who: advisor, method: "POST", path: page, form: more, status: 200, renders: []string{"workshops.html"},
			contains: []string{`value="Atelier handicap"`, `id="fw-proposals[2].text"`}, lacks: []string{`id="fw-proposals[3].text"`, "error-summary"}},
		{name: "workshops, add refused", who: advisor, method: "POST", path: page, form: form, status: 422,
			renders: []string{"workshops.html", "partials/form.html"},
			contains: []string{`id="fw-participants.staff-error"`, `id="fw-participants.residents-error"`, `id="fw-proposals[1].field-error"`,
				`value="deux"`, `value="Atelier handicap"`, "Un accueil adapté le mercredi."}},
		{name: "workshops, carry without a kind", who: advisor, method: "POST", path: "/conventions/" + id + "/propositions/" + open + "/constat",
			form: url.Values{"kind": {""}}, status: 422, renders: []string{"workshops.html"}, contains: []string{`id="carry-` + open + `-error"`}},
		{name: "workshops of a reader", who: reader, path: page, status: 200, renders: []string{"workshops.html"},
			lacks: []string{"Retenir comme constat", `id="formulaire-atelier"`}},
		{name: "workshops, add refused to a reader", who: reader, method: "POST", path: page, form: form, status: 403, renders: []string{"error.html"}},
		{name: "workshops, unknown proposal", who: advisor, method: "POST", path: "/conventions/" + id + "/propositions/inconnue/constat",
			form: url.Values{"kind": {"need"}}, status: 404, renders: []string{"error.html"}},
	}
}

// TestWorkshopForms saves, carries and deletes through the page's forms.
func TestWorkshopForms(t *testing.T) {
	ctx := context.Background()
	db, u, c, h, who := newEditorSite(t)
	page := "/conventions/" + c.ID + "/ateliers"
	post := func(path string, v url.Values) *http.Response {
		t.Helper()
		return serve(h, renderCase{method: "POST", path: path, form: v, who: who}).Result()
	}
	res := post(page, url.Values{"op": {"save"}, "title": {"Atelier jeunesse"}, "date": {"2026-11-05"}, "elected": {"3"}, "residents": {"8"},
		"proposal_id": {"", ""}, "proposal_text": {"Un lieu pour les adolescents.", ""}, "proposal_field": {"jeunesse", ""}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), page+"#atelier-") {
		t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	ws, err := db.Workshops(ctx, u, c.ID)
	if err != nil || len(ws) != 1 || len(ws[0].Proposals) != 1 || ws[0].Participants != (workshop.Participants{Elected: 3, Residents: 8}) {
		t.Fatalf("saved %+v %v", ws, err)
	}
	pid := ws[0].Proposals[0].ID
	if res := post("/conventions/"+c.ID+"/propositions/"+pid+"/constat", url.Values{"kind": {"need"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("carry: %d", res.StatusCode)
	}
	w, _ := db.Workshop(ctx, u, ws[0].ID)
	if w.Proposals[0].Finding == nil {
		t.Fatal("the proposal is not carried")
	}
	// Edit: the proposal keeps its finding; a stale version is refused.
	edit := url.Values{"op": {"save"}, "id": {w.ID}, "version": {"1"}, "title": {"Atelier jeunesse"}, "date": {"2026-11-05"},
		"proposal_id": {pid}, "proposal_text": {"Un lieu pour les adolescents, le samedi."}, "proposal_field": {"jeunesse"}}
	if res := post(page, edit); res.StatusCode != http.StatusPreconditionFailed {
		t.Errorf("stale edit: %d", res.StatusCode)
	}
	edit.Set("version", "2")
	if res := post(page, edit); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	w, _ = db.Workshop(ctx, u, w.ID)
	if w.Proposals[0].ID != pid || w.Proposals[0].Finding == nil || w.Participants.Total() != 0 {
		t.Errorf("after the edit %+v", w)
	}
	if res := post(page+"/"+w.ID+"/supprimer", url.Values{"version": {"3"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if ws, _ := db.Workshops(ctx, u, c.ID); len(ws) != 0 {
		t.Errorf("after delete %+v", ws)
	}
}
