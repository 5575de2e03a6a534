package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// planLayout reads the plan of a convention as a user reads it: "1:a,b
// 2:c" for axis 1 with the actions titled a then b, axis 2 with c;
// checking that numbers and references follow the places.
func (s *server) planLayout(t *testing.T, conventionID string) string {
	t.Helper()
	p := s.mustGet(t, readerCC, "/api/v1/conventions/"+conventionID+"/plan")
	var parts []string
	for i, x := range arr(t, p, "axes") {
		axis := x.(map[string]any)
		if num(t, axis, "number") != i+1 {
			t.Errorf("axis %v at place %d", axis["title"], i+1)
		}
		var titles []string
		for j, a := range arr(t, axis, "actions") {
			action := a.(map[string]any)
			if num(t, action, "number") != j+1 || num(t, action, "axis_number") != i+1 {
				t.Errorf("action %v: number %v, axis %v at place %d of axis %d", action["title"], action["number"], action["axis_number"], j+1, i+1)
			}
			titles = append(titles, str(t, action, "title"))
		}
		parts = append(parts, strings.Join(titles, ","))
	}
	return strings.Join(parts, " | ")
}

func TestPlanAPI(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		cid := str(t, s.mustCreate(t, editor33, conventionBody(s.orgCC)), "id")
		base := "/api/v1/conventions/" + cid
		stake := s.mustPost(t, editorCC, base+"/stakes", map[string]any{"title": "Développer l'accueil du jeune enfant",
			"fields": []string{"petite_enfance"}, "priority": 1})
		parents := s.mustPost(t, editorCC, base+"/stakes", map[string]any{"title": "Soutenir les parents", "fields": []string{"parentalite"}, "priority": 2})

		// Axes are numbered in the order they come.
		r := s.send(t, "POST", base+"/axes", editorCC, map[string]any{"title": "Petite enfance"})
		if r.Status != http.StatusCreated || r.Header.Get("ETag") != `"1"` || num(t, r.JSON, "number") != 1 {
			t.Fatalf("POST axis: %d %s", r.Status, r.Raw)
		}
		x1 := r.JSON
		if r.Header.Get("Location") != "/api/v1/axes/"+str(t, x1, "id") {
			t.Errorf("Location %q", r.Header.Get("Location"))
		}
		x2 := s.mustPost(t, editorCC, base+"/axes", map[string]any{"title": "Jeunesse"})
		x3 := s.mustPost(t, editorCC, base+"/axes", map[string]any{"title": "Parentalité"})
		if num(t, x2, "number") != 2 || num(t, x3, "number") != 3 {
			t.Fatalf("axes numbered %v, %v", x2["number"], x3["number"])
		}
		ax1 := "/api/v1/axes/" + str(t, x1, "id")
		obj := s.mustPost(t, editorCC, ax1+"/objectives", map[string]any{"title": "Développer l'offre d'accueil"})

		// Actions: the example of API.md.
		body := map[string]any{"title": "Relais petite enfance itinérant", "description": "Un relais qui passe dans les douze communes.",
			"objective": str(t, obj, "id"), "fields": []string{"petite_enfance"}, "lead": s.orgCC, "partners": []string{"caf-33"},
			"public": "Assistantes maternelles et parents", "start": "2023-01-01", "end": "2026-12-31", "stakes": []string{str(t, stake, "id")}}
		r = s.send(t, "POST", ax1+"/actions", editorCC, body)
		if r.Status != http.StatusCreated {
			t.Fatalf("POST action: %d %s", r.Status, r.Raw)
		}
		a := r.JSON
		aid := str(t, a, "id")
		apath := "/api/v1/actions/" + aid
		if a["ref"] != "Axe 1 / Action 1" || a["status"] != "planned" || a["lead"] != s.orgCC || r.Header.Get("Location") != apath ||
			!slices.Equal(strs(t, a, "stakes"), []string{str(t, stake, "id")}) || len(arr(t, a, "former_refs")) != 0 {
			t.Errorf("created %s", r.Raw)
		}
		b := s.mustPost(t, editorCC, ax1+"/actions", map[string]any{"title": "Ludothèque", "fields": []string{"parentalite"}, "status": "done",
			"start": "2023-01-01", "end": "2023-12-31"})
		c := s.mustPost(t, editorCC, ax1+"/actions", map[string]any{"title": "Chantiers jeunes", "fields": []string{"jeunesse"}, "lead": s.orgCC})
		if b["ref"] != "Axe 1 / Action 2" || c["ref"] != "Axe 1 / Action 3" {
			t.Fatalf("refs %v, %v", b["ref"], c["ref"])
		}

		other := str(t, s.mustCreate(t, editor33, conventionBody(s.orgCC)), "id")
		foreignAxis := s.mustPost(t, editor33, "/api/v1/conventions/"+other+"/axes", map[string]any{"title": "Ailleurs"})
		foreignStake := s.mustPost(t, editor33, "/api/v1/conventions/"+other+"/stakes", map[string]any{"title": "Ailleurs",
			"fields": []string{"jeunesse"}, "priority": 1})
		s.runScenarios(t, []scenario{
			{name: "anonymous", method: "POST", path: base + "/axes", body: map[string]any{"title": "X"}, status: 401},
			{name: "reader creates an axis", method: "POST", path: base + "/axes", who: readerCC, body: map[string]any{"title": "X"}, status: 403},
			{name: "outsider creates an axis", method: "POST", path: base + "/axes", who: editor974, body: map[string]any{"title": "X"}, status: 404},
			{name: "outsider reads the plan", path: base + "/plan", who: reader974, status: 404},
			{name: "outsider reads an action", path: apath, who: editor974, status: 404},
			{name: "reader changes an action", method: "PATCH", path: apath, who: readerCC, body: map[string]any{"title": "X"}, status: 403},
			{name: "outsider changes an action", method: "PATCH", path: apath, who: editor974, body: map[string]any{"title": "X"}, status: 404},
			{name: "unknown action", path: "/api/v1/actions/inconnue", who: editor33, status: 404},
			{name: "axis without a title", method: "POST", path: base + "/axes", who: editorCC, body: map[string]any{"title": " "},
				status: 422, fields: []string{"title"}},
			{name: "everything wrong", method: "POST", path: ax1 + "/actions", who: editorCC,
				body:   map[string]any{"title": "", "status": "fini", "fields": []string{"nulle_part"}, "start": "2024-13-01", "end": "hier"},
				status: 422, fields: []string{"title", "status", "fields", "start", "end"}},
			{name: "unknown organisations, another convention's stake", method: "POST", path: ax1 + "/actions", who: editorCC,
				body:   with(body, "lead", "personne", "partners", []string{"nulle", "part"}, "stakes", []string{str(t, foreignStake, "id")}),
				status: 422, fields: []string{"lead", "partners", "stakes"},
				contains: []string{"Ces organisations n'existent pas : nulle, part."}},
			{name: "fields not a list", method: "POST", path: ax1 + "/actions", who: editorCC, body: with(body, "fields", "jeunesse"),
				status: 422, fields: []string{"fields"}},
			{name: "move to another convention's axis", method: "PATCH", path: apath, who: editorCC,
				body: map[string]any{"axis": str(t, foreignAxis, "id")}, status: 422, fields: []string{"axis"},
				contains: []string{"une action ne passe pas d'une convention à une autre"}},
			{name: "number out of range", method: "PATCH", path: apath, who: editorCC, body: map[string]any{"number": 4},
				status: 422, fields: []string{"number"}, contains: []string{"Choisissez un numéro entre 1 et 3."}},
			{name: "an axis with actions stays", method: "DELETE", path: ax1, who: editorCC, status: 409, contains: []string{"compte encore 3 actions"}},
		})
		if got := s.planLayout(t, cid); got != "Relais petite enfance itinérant,Ludothèque,Chantiers jeunes |  | " {
			t.Fatalf("plan after refused changes: %q", got)
		}

		// Two editors opened version 1 of the action; the second is refused and changes nothing.
		r = s.send(t, "PATCH", apath, editorCC, map[string]any{"status": "in_progress"}, "If-Match", `"1"`)
		if r.Status != 200 || r.JSON["version"] != 2.0 || r.Header.Get("ETag") != `"2"` {
			t.Fatalf("first editor: %d %s", r.Status, r.Raw)
		}
		r = s.send(t, "PATCH", apath, editor33, map[string]any{"title": "Autre intitulé", "status": "late"}, "If-Match", `"1"`)
		if r.Status != http.StatusPreconditionFailed || !strings.Contains(string(r.Raw), "modifiée entre-temps") {
			t.Fatalf("second editor: %d %s", r.Status, r.Raw)
		}
		if got := s.mustGet(t, readerCC, apath); got["title"] != "Relais petite enfance itinérant" || got["status"] != "in_progress" || got["version"] != 2.0 {
			t.Errorf("after the refused change: %v", got)
		}

		// Reorder: Chantiers jeunes first; move the Ludothèque to axis 3; axis 3 first.
		cpath := "/api/v1/actions/" + str(t, c, "id")
		moved := s.mustPatch(t, editorCC, cpath, map[string]any{"number": 1})
		if moved["ref"] != "Axe 1 / Action 1" || !slices.Equal(strs(t, moved, "former_refs"), []string{"Axe 1 / Action 3"}) {
			t.Errorf("reordered %v", moved)
		}
		s.mustPatch(t, editorCC, "/api/v1/actions/"+str(t, b, "id"), map[string]any{"axis": str(t, x3, "id")})
		if got := s.planLayout(t, cid); got != "Chantiers jeunes,Relais petite enfance itinérant |  | Ludothèque" {
			t.Fatalf("after the moves: %q", got)
		}
		ax3 := s.mustPatch(t, editorCC, "/api/v1/axes/"+str(t, x3, "id"), map[string]any{"number": 1})
		if num(t, ax3, "number") != 1 || len(arr(t, ax3, "actions")) != 1 {
			t.Errorf("axis 3 moved: %v", ax3)
		}
		if got := s.planLayout(t, cid); got != "Ludothèque | Chantiers jeunes,Relais petite enfance itinérant | " {
			t.Fatalf("after moving axis 3 first: %q", got)
		}
		relais := s.mustGet(t, readerCC, apath)
		if relais["ref"] != "Axe 2 / Action 2" || !slices.Equal(strs(t, relais, "former_refs"), []string{"Axe 1 / Action 1", "Axe 1 / Action 2"}) {
			t.Errorf("the relais: %v %v", relais["ref"], relais["former_refs"])
		}
		// Delete the Chantiers jeunes: the relais moves up.
		s.runScenarios(t, []scenario{
			{name: "delete, stale", method: "DELETE", path: cpath, who: editorCC, headers: []string{"If-Match", `"1"`}, status: 412},
			{name: "delete", method: "DELETE", path: cpath, who: editorCC, status: 204},
			{name: "gone", path: cpath, who: editorCC, status: 404},
			{name: "empty axis goes", method: "DELETE", path: "/api/v1/axes/" + str(t, x2, "id"), who: editorCC, status: 204},
		})
		if got := s.planLayout(t, cid); got != "Ludothèque | Relais petite enfance itinérant" {
			t.Fatalf("after the deletions: %q", got)
		}

		// Journal and follow-up indicators.
		s.mustPost(t, editorCC, apath+"/journal", map[string]any{"date": "2023-02-01", "text": "Recrutement de l'animatrice."})
		note := s.mustPost(t, editorCC, apath+"/journal", map[string]any{"date": "2023-09-15", "text": "Le relais passe dans six communes."})
		if note["user"] != "Personne editorCC" {
			t.Errorf("note %v", note)
		}
		journal := items(t, s.mustGet(t, readerCC, apath+"/journal"))
		if len(journal) != 2 || journal[0]["date"] != "2023-09-15" {
			t.Errorf("journal %v", journal)
		}
		ind := map[string]any{"label": "Assistantes maternelles accompagnées", "unit": "personnes", "baseline": 12,
			"targets": map[string]any{"2023": 20, "2024": 30}}
		s.runScenarios(t, []scenario{
			{name: "journal without text", method: "POST", path: apath + "/journal", who: editorCC, body: map[string]any{"date": "15/09/2023"},
				status: 422, fields: []string{"date", "text"}},
			{name: "journal as a reader", method: "POST", path: apath + "/journal", who: readerCC, body: map[string]any{"text": "X"}, status: 403},
			{name: "a target after the convention", method: "POST", path: apath + "/indicators", who: editorCC,
				body: with(ind, "targets", map[string]any{"2031": 40}), status: 422, fields: []string{"targets.2031"},
				contains: []string{"(2022 à 2026)"}},
		})
		r = s.send(t, "POST", apath+"/indicators", editorCC, ind)
		if r.Status != http.StatusCreated {
			t.Fatalf("POST indicator: %d %s", r.Status, r.Raw)
		}
		ipath := r.Header.Get("Location")
		r = s.send(t, "PUT", ipath+"/values", editorCC, map[string]any{"2023": 22, "2024": 27.5}, "If-Match", `"1"`)
		if r.Status != 200 {
			t.Fatalf("PUT values: %d %s", r.Status, r.Raw)
		}
		progress := arr(t, r.JSON, "progress")
		if len(progress) != 2 || progress[0].(map[string]any)["met"] != true || progress[1].(map[string]any)["met"] != false {
			t.Errorf("progress %v", progress)
		}
		s.runScenarios(t, []scenario{
			{name: "values, stale", method: "PUT", path: ipath + "/values", who: editorCC, body: map[string]any{"2023": 1},
				headers: []string{"If-Match", `"1"`}, status: 412},
			{name: "a value after the convention", method: "PUT", path: ipath + "/values", who: editorCC, body: map[string]any{"2027": 1},
				status: 422, fields: []string{"2027"}},
			{name: "values not numbers", method: "PUT", path: ipath + "/values", who: editorCC, body: map[string]any{"2024": "beaucoup"},
				status: 422},
			{name: "baseline cleared", method: "PATCH", path: ipath, who: editorCC, body: map[string]any{"baseline": nil},
				status: 200, contains: []string{`"baseline":null`, `"version":3`}},
			{name: "list", path: apath + "/indicators", who: readerCC, status: 200, contains: []string{`"total":1`, `"2024":27.5`}},
		})

		// The table of actions, filtered.
		s.runScenarios(t, []scenario{
			{name: "done", path: base + "/actions?status=done", who: readerCC, status: 200, contains: []string{`"total":1`, "Ludothèque"}},
			{name: "in 2025", path: base + "/actions?year=2025", who: readerCC, status: 200, contains: []string{`"total":1`, "Relais"}},
			{name: "led by the CC", path: base + "/actions?lead=" + s.orgCC, who: readerCC, status: 200, contains: []string{`"total":1`, "Relais"}},
			{name: "a partner", path: base + "/actions?partner=caf-33", who: readerCC, status: 200, contains: []string{`"total":1`, "Relais"}},
			{name: "unknown status", path: base + "/actions?status=fini&year=deux", who: readerCC, status: 422, fields: []string{"status", "year"}},
		})

		// Trace and warnings: parents is no one's stake, the Ludothèque has no lead, jeunesse is not covered.
		tr := s.mustGet(t, readerCC, base+"/trace")
		unanswered := arr(t, tr, "unanswered")
		if len(unanswered) != 1 || unanswered[0].(map[string]any)["id"] != parents["id"] {
			t.Errorf("unanswered %v", unanswered)
		}
		var warnings []string
		for _, w := range items(t, s.mustGet(t, readerCC, base+"/plan/warnings")) {
			warnings = append(warnings, str(t, w, "message"))
		}
		want := []string{
			"Aucune action ne porte sur le champ « Jeunesse », que toute CTG doit couvrir.",
			"L'enjeu « Soutenir les parents » n'a encore aucune action qui y réponde.",
			"L'action « Axe 1 / Action 1 — Ludothèque » n'a pas de porteur.",
		}
		if !slices.Equal(warnings, want) {
			t.Errorf("warnings\n%s\nwant\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
		}

		// Every change is a line of the convention's history.
		actions := map[string]int{}
		for _, e := range items(t, s.mustGet(t, readerCC, base+"/history")) {
			actions[str(t, e, "action")]++
		}
		for act, n := range map[string]int{"axis.create": 3, "axis.update": 1, "axis.delete": 1, "objective.create": 1,
			"action.create": 3, "action.update": 3, "action.delete": 1, "journal.create": 2,
			"action_indicator.create": 1, "action_indicator.values": 1, "action_indicator.update": 1} {
			if actions[act] != n {
				t.Errorf("%d lines %s in the history, want %d: %v", actions[act], act, n, actions)
			}
		}
	})
}

// mustPatch patches path as who and returns the answer, failing unless 200.
func (s *server) mustPatch(t *testing.T, who, path string, body any) map[string]any {
	t.Helper()
	r := s.send(t, http.MethodPatch, path, who, body)
	if r.Status != http.StatusOK {
		t.Fatalf("PATCH %s as %s: %d\n%s", path, who, r.Status, r.Raw)
	}
	return r.JSON
}
