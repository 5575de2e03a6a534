package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ctg/internal/cli"
	"ctg/internal/committee"
)

// meetingBody is a COPIL of the CC Latitude Nord Gironde, its decisions
// tied to the given actions.
func meetingBody(actions ...string) map[string]any {
	if actions == nil {
		actions = []string{}
	}
	return map[string]any{"committee": "copil", "date": "2026-11-21", "place": "Mairie de Saint-Savin",
		"attendees": []any{map[string]any{"name": "Anne Martin", "organisation": "caf-33", "role": "conseillère territoriale"}, "Paul Durand"},
		"agenda":    "Bilan de la première année.", "minutes": "Le comité a examiné le bilan.",
		"decisions": []map[string]any{{"text": "Ouvrir l'accueil des adolescents le samedi.", "actions": actions}, {"text": "Revoir les horaires du relais."}}}
}

// mustPlanAction adds an axis and an action to a convention and returns
// the action's id.
func (s *server) mustPlanAction(t *testing.T, who, cid, title string) string {
	t.Helper()
	x := s.mustPost(t, who, "/api/v1/conventions/"+cid+"/axes", map[string]any{"title": "Faciliter la vie des familles"})
	a := s.mustPost(t, who, "/api/v1/axes/"+str(t, x, "id")+"/actions", map[string]any{"title": title})
	return str(t, a, "id")
}

func TestMeetings(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		cid := str(t, c, "id")
		base := "/api/v1/conventions/" + cid
		action := s.mustPlanAction(t, editorCC, cid, "Un accueil pour les adolescents le samedi")
		other := str(t, s.mustCreate(t, editor33, conventionBody(s.orgCC)), "id")
		foreign := s.mustPlanAction(t, editor33, other, "Une action d'une autre convention")

		r := s.send(t, "POST", base+"/meetings", editorCC, meetingBody(action))
		if r.Status != http.StatusCreated || r.Header.Get("ETag") != `"1"` {
			t.Fatalf("POST: %d %s", r.Status, r.Raw)
		}
		m := r.JSON
		id := str(t, m, "id")
		path := "/api/v1/meetings/" + id
		attendees := arr(t, m, "attendees")
		first := attendees[0].(map[string]any)
		if r.Header.Get("Location") != path || m["committee"] != "copil" || len(attendees) != 2 || first["organisation_name"] != "Caf de la Gironde" ||
			attendees[1].(map[string]any)["name"] != "Paul Durand" {
			t.Errorf("created %s", r.Raw)
		}
		decisions := arr(t, m, "decisions")
		d0 := decisions[0].(map[string]any)
		did := str(t, d0, "id")
		if d0["status"] != "open" || strs(t, d0, "actions")[0] != action || d0["version"] != 1.0 || d0["meeting"] != id {
			t.Errorf("decision %v", d0)
		}
		dpath := "/api/v1/decisions/" + did

		s.runScenarios(t, []scenario{
			{name: "anonymous", method: "POST", path: base + "/meetings", body: meetingBody(), status: 401},
			{name: "reader of a party", method: "POST", path: base + "/meetings", who: readerCC, body: meetingBody(), status: 403},
			{name: "outsider", method: "POST", path: base + "/meetings", who: editor974, body: meetingBody(), status: 404},
			{name: "outsider lists", path: base + "/meetings", who: reader974, status: 404},
			{name: "outsider reads", path: path, who: editor974, status: 404},
			{name: "outsider follows decisions", path: base + "/decisions", who: reader974, status: 404},
			{name: "outsider reads a decision", path: dpath, who: editor974, status: 404},
			{name: "unknown", path: "/api/v1/meetings/inconnue", who: editor33, status: 404},
			{name: "everything wrong", method: "POST", path: base + "/meetings", who: editor33,
				body: map[string]any{"committee": "bureau", "date": "21 novembre", "title": strings.Repeat("t", 201),
					"attendees": []any{"", map[string]any{"name": "X", "organisation": "inconnue"}},
					"decisions": []map[string]any{{"text": ""}, {"text": "Ailleurs", "actions": []string{foreign}, "status": "fini"}}},
				status: 422, fields: []string{"committee", "date", "title", "attendees[0].name", "decisions[0].text", "decisions[1].status"}},
			{name: "unknown organisation and action", method: "POST", path: base + "/meetings", who: editor33,
				body: map[string]any{"committee": "cotech", "date": "2026-12-01", "attendees": []any{map[string]any{"name": "X", "organisation": "inconnue"}},
					"decisions": []map[string]any{{"text": "Ailleurs", "actions": []string{foreign}}}},
				status: 422, fields: []string{"attendees[0].organisation", "decisions[0].actions"}},
			{name: "an attendee that is a number", method: "POST", path: base + "/meetings", who: editor33,
				body: map[string]any{"committee": "cotech", "date": "2026-12-01", "attendees": []any{12}}, status: 422, fields: []string{"attendees"}},
			{name: "list", path: base + "/meetings", who: readerCC, status: 200, contains: []string{`"id":"` + id + `"`, `"total":1`}},
			{name: "read", path: path, who: readerCC, status: 200, contains: []string{`"place":"Mairie de Saint-Savin"`}},
			{name: "change as a reader", method: "PATCH", path: path, who: readerCC, body: map[string]any{"minutes": "X"}, status: 403},
			{name: "change as an outsider", method: "PATCH", path: path, who: editor974, body: map[string]any{"minutes": "X"}, status: 404},
			{name: "change, stale", method: "PATCH", path: path, who: editorCC, body: map[string]any{"minutes": "X"}, headers: []string{"If-Match", `"4"`}, status: 412},
			{name: "change, invalid", method: "PATCH", path: path, who: editorCC, body: map[string]any{"committee": "bureau"}, status: 422, fields: []string{"committee"}},
			{name: "follow up as a reader", method: "PATCH", path: dpath, who: readerCC, body: map[string]any{"status": "done"}, status: 403},
			{name: "follow up, stale", method: "PATCH", path: dpath, who: editorCC, body: map[string]any{"status": "done"}, headers: []string{"If-Match", `"3"`}, status: 412},
			{name: "follow up, unknown status", method: "PATCH", path: dpath, who: editorCC, body: map[string]any{"status": "fini"}, status: 422, fields: []string{"status"}},
			{name: "follow up", method: "PATCH", path: dpath, who: editorCC, headers: []string{"If-Match", `"1"`},
				body: map[string]any{"status": "done", "outcome": "Ouvert le 9 janvier."}, status: 200,
				contains: []string{`"status":"done"`, `"version":2`, `"outcome":"Ouvert le 9 janvier."`},
				check: func(t *testing.T, r response) {
					if r.Header.Get("ETag") != `"2"` {
						t.Errorf("ETag %q", r.Header.Get("ETag"))
					}
				}},
			{name: "the meeting keeps its version", path: path, who: readerCC, status: 200, contains: []string{`"version":1`, `"status":"done"`}},
			{name: "change", method: "PATCH", path: path, who: editorCC, headers: []string{"If-Match", `"1"`},
				body: map[string]any{"minutes": "Le comité a examiné le bilan et fixé le prochain comité.", "decisions": []map[string]any{
					{"id": did, "text": "Ouvrir l'accueil des adolescents le samedi et le mercredi.", "actions": []string{action}},
					{"text": "Recruter un animateur."},
				}}, status: 200, contains: []string{`"version":2`, `"id":"` + did + `"`, `"outcome":"Ouvert le 9 janvier."`, "Recruter un animateur."},
				notContains: []string{"Revoir les horaires"}},
			{name: "a change that changes nothing", method: "PATCH", path: path, who: editorCC,
				body: map[string]any{"minutes": "Le comité a examiné le bilan et fixé le prochain comité."}, status: 200, contains: []string{`"version":2`}},
		})

		// The follow-up of every decision, with its meeting and actions.
		later := s.mustPost(t, editorCC, base+"/meetings", map[string]any{"committee": "cotech", "date": "2027-02-03",
			"decisions": []map[string]any{{"text": "Faire un point sur les inscriptions.", "actions": []string{action}}}})
		list := items(t, s.mustGet(t, readerCC, base+"/decisions"))
		if len(list) != 3 || list[0]["meeting"] != later["id"] || list[0]["committee"] != "cotech" || list[0]["meeting_date"] != "2027-02-03" {
			t.Fatalf("decisions %v", list)
		}
		refs := arr(t, list[1], "action_refs")
		if list[1]["id"] != did || len(refs) != 1 || refs[0].(map[string]any)["ref"] != "Axe 1 / Action 1" {
			t.Errorf("followed decision %v", list[1])
		}
		s.runScenarios(t, []scenario{
			{name: "done only", path: base + "/decisions?status=done", who: readerCC, status: 200, contains: []string{`"total":1`, did}},
			{name: "unknown status", path: base + "/decisions?status=fini", who: readerCC, status: 422, fields: []string{"status"}},
			{name: "read a decision", path: dpath, who: readerCC, status: 200, contains: []string{`"version":3`}},
			{name: "delete, stale", method: "DELETE", path: path, who: editorCC, headers: []string{"If-Match", `"1"`}, status: 412},
			{name: "delete as a reader", method: "DELETE", path: path, who: readerCC, status: 403},
			{name: "delete", method: "DELETE", path: path, who: editorCC, headers: []string{"If-Match", `"2"`}, status: 204},
			{name: "gone", path: path, who: editorCC, status: 404},
			{name: "its decisions gone", path: dpath, who: editorCC, status: 404},
		})

		// Every change is a line of the convention's history.
		actions := map[string]int{}
		for _, e := range items(t, s.mustGet(t, readerCC, base+"/history")) {
			actions[str(t, e, "action")]++
		}
		for a, n := range map[string]int{"meeting.create": 2, "meeting.update": 1, "meeting.delete": 1, "decision.update": 1} {
			if actions[a] != n {
				t.Errorf("%d lines %s in the history, want %d: %v", actions[a], a, n, actions)
			}
		}
	})
}

// meetingAxePages are the committees' pages TestAxe checks: it adds a
// held meeting with decisions tied to actions and an upcoming one to the
// demonstration's CTG Latitude Nord Gironde 2027-2031.
func meetingAxePages(t *testing.T, srv *cli.Running) []axePage {
	t.Helper()
	ctx := context.Background()
	advisor := demoUser(t, srv.DB, demoAdvisor)
	c := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	p, err := srv.DB.Plan(ctx, advisor, c.ID)
	if err != nil || len(p.Actions()) < 2 {
		t.Fatalf("no plan in the demonstration data set: %v", err)
	}
	acts := p.Actions()
	held := &committee.Meeting{Committee: "copil", Date: "2026-10-08", Place: "Saint-Savin",
		Attendees: []committee.Attendee{{Name: "Anne Martin", Organisation: "caf-33", Role: "conseillère territoriale"}, {Name: "Paul Durand"}},
		Agenda:    "1. Le plan d'actions\n2. Le calendrier", Minutes: "Le comité valide le plan.",
		Decisions: []committee.Decision{{Text: "Valider les axes du plan.", Actions: []string{acts[0].ID, acts[1].ID}}, {Text: "Reporter l'étude des transports."}}}
	next := &committee.Meeting{Committee: "cotech", Date: "2030-01-15", Title: "Comité technique de lancement"}
	for _, m := range []*committee.Meeting{held, next} {
		if err := srv.DB.CreateMeeting(ctx, advisor, c.ID, m); err != nil {
			t.Fatal(err)
		}
	}
	done := "done"
	if _, err := srv.DB.UpdateDecision(ctx, advisor, held.Decisions[0].ID, 0, committee.DecisionPatch{Status: &done}); err != nil {
		t.Fatal(err)
	}
	page := "/conventions/" + c.ID + "/comites"
	follow := "/conventions/" + c.ID + "/decisions"
	openAll := func(t *testing.T, tb *tab) {
		tb.do("open the folded parts", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
	}
	return []axePage{
		{name: "meetings", who: demoAdvisor, path: page, act: openAll},
		{name: "meeting form with errors", who: demoAdvisor, path: page, act: func(t *testing.T, tb *tab) {
			// An attendee's role without a name, and no date. The ids hold
			// brackets, which CSS selectors would need escaped.
			tb.do("type a role without a name", chromedp.Evaluate[chromedp.Void](`document.getElementById("fm-attendees[0].role").value = "directrice"`))
			tb.submit(`#formulaire-reunion button[value=save]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-reunion .error-summary")`)
			openAll(t, tb)
		}},
		{name: "meeting being changed", who: demoAdvisor, path: page + "?modifier=" + held.ID, act: openAll},
		{name: "meetings of a reader", who: demoReader, path: page},
		{name: "meeting minutes", who: demoAdvisor, path: page + "/" + held.ID},
		{name: "decisions", who: demoAdvisor, path: follow, act: openAll},
		{name: "decision follow-up with an error", who: demoAdvisor, path: follow, act: func(t *testing.T, tb *tab) {
			openAll(t, tb)
			tb.do("write too long a note", chromedp.Evaluate[chromedp.Void](`document.querySelector(".decision-form textarea").value = "x".repeat(2001)`))
			tb.submit(`.decision-form button[type=submit]`)
			tb.waitFor("the error", `!!document.querySelector(".decision-form .error-summary")`)
		}},
		{name: "decisions, filter in error", who: demoReader, path: follow + "?statut=fini", status: 422},
	}
}
