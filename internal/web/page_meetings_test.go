package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctg/internal/account"
	"ctg/internal/committee"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// meetingRenderCases are the requests of TestEveryTemplateRenders for the
// committees' pages. They add two meetings to the demonstration's CTG
// Latitude Nord Gironde 2027-2031, whose plan their decisions refer to.
func meetingRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	ctx := context.Background()
	admin, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	id := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	bordeaux := demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	p, err := db.Plan(ctx, admin, id)
	if err != nil || len(p.Actions()) < 3 {
		t.Fatalf("no plan in the demonstration data set: %v", err)
	}
	acts := p.Actions()
	held := &committee.Meeting{Committee: "copil", Date: "2026-10-08", Place: "Salle du conseil communautaire, Saint-Savin",
		Attendees: []committee.Attendee{{Name: "Anne Martin", Organisation: "caf-33", Role: "conseillère territoriale"}, {Name: "Paul Durand", Role: "vice-président"}},
		Agenda:    "Validation du plan d'actions.", Minutes: "Le comité valide le plan.\nIl demande un point d'étape en janvier.",
		Decisions: []committee.Decision{{Text: "Lancer le relais petite enfance itinérant.", Actions: []string{acts[0].ID, acts[2].ID}},
			{Text: "Reporter l'étude sur les transports."}}}
	next := &committee.Meeting{Committee: "cotech", Date: "2030-01-15", Title: "Comité technique de lancement"}
	for _, m := range []*committee.Meeting{held, next} {
		if err := db.CreateMeeting(ctx, admin, id, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.UpdateDecision(ctx, admin, held.Decisions[1].ID, 0, committee.DecisionPatch{Status: ptr("dropped"), Outcome: ptr("Abandonnée faute de financement.")}); err != nil {
		t.Fatal(err)
	}
	page := "/conventions/" + id + "/comites"
	minutes := page + "/" + held.ID
	follow := "/conventions/" + id + "/decisions"
	form := url.Values{"id": {""}, "version": {"0"}, "committee": {"cotech"}, "title": {"Point d'étape"}, "date": {""}, "place": {"Mairie"},
		"attendee_name": {"Claire Petit", "", ""}, "attendee_org": {"caf-33", "", ""}, "attendee_role": {"", "directrice", ""},
		"agenda": {"Le point sur l'accueil des adolescents."}, "minutes": {""},
		"decision_id": {"", ""}, "decision_text": {"", "Recruter un animateur."}, "decision_actions_0": {acts[1].ID}}
	more := url.Values{}
	for k, v := range form {
		more[k] = v
	}
	more.Set("op", "add-decision")
	did := held.Decisions[0].ID
	return []renderCase{
		{name: "meetings", who: advisor, path: page, status: 200, renders: []string{"meetings.html"},
			contains: []string{"Prochaines réunions", "Comité technique de lancement", "Comité de pilotage du 08/10/2026", `id="formulaire-reunion"`,
				"Ajouter un participant", html.EscapeString(acts[0].Ref), `name="decision_actions_0"`, "1 en cours, 0 réalisée, 1 abandonnée"}},
		{name: "meetings, editing one", who: advisor, path: page + "?modifier=" + held.ID, status: 200, renders: []string{"meetings.html"},
			contains: []string{`name="id" value="` + held.ID + `"`, "Enregistrer la réunion", `value="Anne Martin"`, `name="decision_id" value="` + did + `"`,
				`value="` + acts[2].ID + `" checked`}},
		{name: "meetings, one more decision row", who: advisor, method: "POST", path: page, form: more, status: 200, renders: []string{"meetings.html"},
			contains: []string{`value="Claire Petit"`, `id="fm-decisions[2].text"`, `value="` + acts[1].ID + `" checked`}, lacks: []string{"error-summary"}},
		{name: "meetings, add refused", who: advisor, method: "POST", path: page, form: form, status: 422, renders: []string{"meetings.html", "partials/form.html"},
			contains: []string{`id="fm-date-error"`, `id="fm-attendees[1].name-error"`, `id="fm-decisions[0].text-error"`, `value="Claire Petit"`,
				"Recruter un animateur.", `value="` + acts[1].ID + `" checked`, `value="directrice"`}},
		{name: "meetings of a reader", who: reader, path: page, status: 200, renders: []string{"meetings.html"},
			lacks: []string{`id="formulaire-reunion"`, "Ajouter une réunion"}},
		{name: "meetings, add refused to a reader", who: reader, method: "POST", path: page, form: form, status: 403, renders: []string{"error.html"}},
		{name: "meetings of another's convention", who: reader, path: "/conventions/" + bordeaux + "/comites", status: 404, renders: []string{"error.html"}},
		{name: "meeting minutes", who: advisor, path: minutes, status: 200, renders: []string{"meeting.html"},
			contains: []string{"Relevé de décisions", "Anne Martin", "Caf de la Gironde", html.EscapeString("Il demande un point d'étape en janvier."),
				`href="/actions/` + acts[0].ID + `"`, "Abandonnée faute de financement.", "data-print", "/supprimer"}},
		{name: "meeting minutes of a reader", who: reader, path: minutes, status: 200, renders: []string{"meeting.html"}, lacks: []string{"/supprimer", "modifier="}},
		{name: "meeting of another convention", who: advisor, path: "/conventions/" + bordeaux + "/comites/" + held.ID, status: 404, renders: []string{"error.html"}},
		{name: "decisions", who: advisor, path: follow, status: 200, renders: []string{"decisions.html"},
			contains: []string{"Lancer le relais petite enfance itinérant.", "Comité de pilotage du 08/10/2026", html.EscapeString(acts[2].Ref),
				"Mettre à jour la suite", `<option value="dropped" selected>`}},
		{name: "decisions, filtered", who: reader, path: follow + "?statut=dropped", status: 200, renders: []string{"decisions.html"},
			contains: []string{html.EscapeString("Reporter l'étude sur les transports.")}, lacks: []string{"Lancer le relais", "Mettre à jour la suite"}},
		{name: "decisions, unknown filter", who: advisor, path: follow + "?statut=fini", status: 422, renders: []string{"decisions.html"},
			contains: []string{`id="f-statut-error"`}},
		{name: "decision, follow-up refused", who: advisor, method: "POST", path: follow + "/" + did,
			form: url.Values{"status": {"fini"}, "outcome": {"Noté en séance."}, "version": {"1"}}, status: 422, renders: []string{"decisions.html", "partials/form.html"},
			contains: []string{`id="fd-` + did + `-status-error"`, "Noté en séance.</textarea>"}},
		{name: "decision, follow-up refused to a reader", who: reader, method: "POST", path: follow + "/" + did,
			form: url.Values{"status": {"done"}, "version": {"1"}}, status: 403, renders: []string{"error.html"}},
		{name: "decision of another convention", who: advisor, method: "POST", path: "/conventions/" + bordeaux + "/decisions/" + did,
			form: url.Values{"status": {"done"}, "version": {"1"}}, status: 404, renders: []string{"error.html"}},
	}
}

func ptr[T any](v T) *T { return &v }

// lifeFixture is a server over a fresh SQLite file with a CTG of the CC
// Latitude Nord Gironde, signed, with one action in its plan; its
// coordinator (an editor of the CC), a reader of the CC and an editor of
// another CAF are signed in.
type lifeFixture struct {
	db                            *store.DB
	h                             http.Handler
	c                             *convention.Convention
	action                        *plan.Action
	coordinator, reader, outsider string
	cc                            string
	coordinatorUser               *account.User
}

func newLifeFixture(t *testing.T) *lifeFixture {
	t.Helper()
	ctx := context.Background()
	ref := testdb.Ref(t)
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, cc, nil); err != nil {
		t.Fatal(err)
	}
	f := &lifeFixture{db: db, cc: cc.ID}
	users := []struct {
		email, org, role string
		secret           *string
	}{
		{"coordination@cc.fr", cc.ID, account.RoleEditor, &f.coordinator},
		{"lecture@cc.fr", cc.ID, account.RoleReader, &f.reader},
		{"conseil@caf974.fr", "caf-974", account.RoleEditor, &f.outsider},
	}
	for _, u := range users {
		created, err := db.CreateUser(ctx, account.NewUser{Email: u.email, Name: "Personne " + u.email, OrgID: u.org, Role: u.role, Password: "motdepasse-de-test"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if u.email == "coordination@cc.fr" {
			f.coordinatorUser = created
		}
	}
	f.c = &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2022-2026", CAF: "caf-33", Start: "2022-11-01", End: "2026-12-31",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Parties: []string{cc.ID}}
	if err := db.CreateConvention(ctx, ref, f.coordinatorUser, f.c); err != nil {
		t.Fatal(err)
	}
	axis := &plan.Axis{Title: "Faciliter la vie des familles"}
	if err := db.CreateAxis(ctx, f.coordinatorUser, f.c.ID, axis); err != nil {
		t.Fatal(err)
	}
	f.action = &plan.Action{Title: "Un relais petite enfance itinérant", Lead: cc.ID}
	if err := db.CreateAction(ctx, f.coordinatorUser, axis.ID, f.action); err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct{ status, date string }{{convention.StatusElaboration, ""}, {convention.StatusSigned, "2022-11-15"}} {
		if _, err := db.SetStatus(ctx, f.coordinatorUser, f.c.ID, 0, st.status, st.date); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	f.h = s.Handler()
	for _, u := range users {
		*u.secret = signInThroughForm(t, f.h, u.email, "motdepasse-de-test")
	}
	return f
}

func (f *lifeFixture) post(t *testing.T, who, path string, v url.Values) *http.Response {
	t.Helper()
	return serve(f.h, renderCase{method: "POST", path: path, form: v, who: who}).Result()
}

func (f *lifeFixture) get(t *testing.T, who, path string) *http.Response {
	t.Helper()
	return serve(f.h, renderCase{path: path, who: who}).Result()
}

// TestMeetingForms adds, changes, follows up and deletes through the
// pages' forms, and checks who may do what.
func TestMeetingForms(t *testing.T) {
	f := newLifeFixture(t)
	ctx := context.Background()
	page := "/conventions/" + f.c.ID + "/comites"
	res := f.post(t, f.coordinator, page, url.Values{"op": {"save"}, "committee": {"copil"}, "date": {"2023-06-12"}, "place": {"Saint-Savin"},
		"attendee_name": {"Anne Martin", "", ""}, "attendee_org": {"caf-33", "", ""}, "attendee_role": {"conseillère", "", ""},
		"decision_id": {"", ""}, "decision_text": {"Ouvrir le relais en septembre.", ""}, "decision_actions_0": {f.action.ID}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), page+"/") {
		t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	ms, err := f.db.Meetings(ctx, f.coordinatorUser, f.c.ID)
	if err != nil || len(ms) != 1 || len(ms[0].Attendees) != 1 || len(ms[0].Decisions) != 1 || ms[0].Decisions[0].Actions[0] != f.action.ID {
		t.Fatalf("saved %+v %v", ms, err)
	}
	m := ms[0]
	if got := f.get(t, f.reader, res.Header.Get("Location")); got.StatusCode != http.StatusOK {
		t.Errorf("the minutes: %d", got.StatusCode)
	}

	// Edit: the decision keeps its id; a stale version is refused.
	d := m.Decisions[0]
	edit := url.Values{"op": {"save"}, "id": {m.ID}, "version": {"2"}, "committee": {"copil"}, "date": {"2023-06-12"},
		"attendee_name": {"Anne Martin", "Paul Durand"}, "attendee_org": {"caf-33", ""}, "attendee_role": {"", ""},
		"decision_id": {d.ID}, "decision_text": {"Ouvrir le relais en octobre."}}
	if res := f.post(t, f.coordinator, page, edit); res.StatusCode != http.StatusPreconditionFailed {
		t.Errorf("stale edit: %d", res.StatusCode)
	}
	edit.Set("version", "1")
	if res := f.post(t, f.coordinator, page, edit); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	got, _ := f.db.Meeting(ctx, f.coordinatorUser, m.ID)
	if got.Version != 2 || len(got.Attendees) != 2 || got.Decisions[0].ID != d.ID || len(got.Decisions[0].Actions) != 0 {
		t.Errorf("after the edit %+v", got)
	}

	// Follow-up of the decision.
	follow := "/conventions/" + f.c.ID + "/decisions/" + d.ID
	if res := f.post(t, f.reader, follow, url.Values{"status": {"done"}, "version": {"2"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("reader follows up: %d", res.StatusCode)
	}
	res = f.post(t, f.coordinator, follow, url.Values{"status": {"done"}, "outcome": {"Ouvert le 2 octobre."}, "version": {"2"}, "statut": {"open"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/conventions/"+f.c.ID+"/decisions?statut=open#decision-"+d.ID {
		t.Fatalf("follow-up: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if dec, _ := f.db.Decision(ctx, f.coordinatorUser, d.ID); dec.Status != "done" || dec.Outcome != "Ouvert le 2 octobre." {
		t.Errorf("decision %+v", dec)
	}

	// Who sees what: outsiders get 404 everywhere, readers 403 on changes.
	for _, p := range []string{page, page + "/" + m.ID, "/conventions/" + f.c.ID + "/decisions"} {
		if res := f.get(t, f.outsider, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("outsider GET %s: %d", p, res.StatusCode)
		}
		if res := f.get(t, f.reader, p); res.StatusCode != http.StatusOK {
			t.Errorf("reader GET %s: %d", p, res.StatusCode)
		}
	}
	if res := f.post(t, f.outsider, page, edit); res.StatusCode != http.StatusNotFound {
		t.Errorf("outsider saves: %d", res.StatusCode)
	}
	if res := f.post(t, f.reader, page+"/"+m.ID+"/supprimer", url.Values{"version": {"2"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("reader deletes: %d", res.StatusCode)
	}
	if res := f.post(t, f.coordinator, page+"/"+m.ID+"/supprimer", url.Values{"version": {"2"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if ms, _ := f.db.Meetings(ctx, f.coordinatorUser, f.c.ID); len(ms) != 0 {
		t.Errorf("after delete %+v", ms)
	}
}
