package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// workshopBody is a mixed working group of the CC Latitude Nord Gironde.
func workshopBody() map[string]any {
	return map[string]any{"title": "Atelier jeunesse", "date": "2026-11-05", "place": "Salle des fêtes de Saint-Savin",
		"participants": map[string]any{"elected": 3, "staff": 5, "associations": 4, "residents": 9},
		"minutes":      "Tour de table, puis trois propositions retenues.",
		"proposals": []map[string]any{
			{"text": "Ouvrir un lieu d'accueil pour les adolescents le samedi.", "field": "jeunesse"},
			{"text": "Un forum des métiers pour les 15-25 ans.", "field": "insertion"},
		}}
}

func TestWorkshops(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		cid := str(t, c, "id")
		base := "/api/v1/conventions/" + cid

		r := s.send(t, "POST", base+"/workshops", editorCC, workshopBody())
		if r.Status != http.StatusCreated || r.Header.Get("ETag") != `"1"` {
			t.Fatalf("POST: %d %s", r.Status, r.Raw)
		}
		w := r.JSON
		id := str(t, w, "id")
		path := "/api/v1/workshops/" + id
		if r.Header.Get("Location") != path || w["convention"] != cid || w["date"] != "2026-11-05" || obj(t, w, "participants")["residents"] != 9.0 {
			t.Errorf("created %s", r.Raw)
		}
		props := arr(t, w, "proposals")
		if len(props) != 2 {
			t.Fatalf("proposals %v", props)
		}
		first, second := props[0].(map[string]any), props[1].(map[string]any)
		if str(t, first, "id") == "" || first["finding"] != nil || first["field"] != "jeunesse" {
			t.Errorf("first proposal %v", first)
		}

		s.runScenarios(t, []scenario{
			{name: "anonymous", method: "POST", path: base + "/workshops", body: workshopBody(), status: 401},
			{name: "reader of a party", method: "POST", path: base + "/workshops", who: readerCC, body: workshopBody(), status: 403},
			{name: "outsider", method: "POST", path: base + "/workshops", who: editor974, body: workshopBody(), status: 404},
			{name: "outsider lists", path: base + "/workshops", who: reader974, status: 404},
			{name: "outsider reads", path: path, who: editor974, status: 404},
			{name: "unknown", path: "/api/v1/workshops/inconnu", who: editor33, status: 404},
			{name: "everything wrong", method: "POST", path: base + "/workshops", who: editor33,
				body: map[string]any{"title": " ", "date": "5 novembre", "participants": map[string]any{"elected": -1, "residents": -4},
					"minutes":   strings.Repeat("m", 20001),
					"proposals": []map[string]any{{"text": "", "field": "nulle_part"}, {"text": strings.Repeat("é", 1001), "field": "jeunesse"}}},
				status: 422, fields: []string{"title", "date", "participants.elected", "participants.residents", "minutes",
					"proposals[0].text", "proposals[0].field", "proposals[1].text"}},
			{name: "participants not an integer", method: "POST", path: base + "/workshops", who: editor33,
				body: with(workshopBody(), "participants", map[string]any{"staff": 2.5}), status: 422, fields: []string{"participants.staff"}},
			{name: "list", path: base + "/workshops", who: readerCC, status: 200, contains: []string{`"id":"` + id + `"`, `"total":1`}},
			{name: "read", path: path, who: readerCC, status: 200, contains: []string{`"title":"Atelier jeunesse"`}},
			{name: "change as a reader", method: "PATCH", path: path, who: readerCC, body: map[string]any{"title": "X"}, status: 403},
			{name: "change as an outsider", method: "PATCH", path: path, who: editor974, body: map[string]any{"title": "X"}, status: 404},
			{name: "change, stale", method: "PATCH", path: path, who: editorCC, body: map[string]any{"title": "X"},
				headers: []string{"If-Match", `"4"`}, status: 412},
			{name: "change, invalid", method: "PATCH", path: path, who: editorCC, body: map[string]any{"participants": map[string]any{"staff": -2}},
				status: 422, fields: []string{"participants.staff"}},
			{name: "change", method: "PATCH", path: path, who: editorCC, headers: []string{"If-Match", `"1"`},
				body: map[string]any{"title": "Atelier jeunesse et insertion", "proposals": []map[string]any{
					{"id": str(t, first, "id"), "text": first["text"], "field": "jeunesse"},
					{"id": str(t, second, "id"), "text": "Un forum des métiers et de l'apprentissage.", "field": "insertion"},
					{"text": "Des chantiers jeunes l'été.", "field": "jeunesse"},
				}}, status: 200, contains: []string{`"version":2`, `"id":"` + str(t, first, "id") + `"`, "chantiers jeunes"}},
			{name: "a change that changes nothing", method: "PATCH", path: path, who: editorCC, body: map[string]any{"title": "Atelier jeunesse et insertion"},
				status: 200, contains: []string{`"version":2`}},
		})

		// A proposal carried into a finding, in one step.
		ppath := "/api/v1/proposals/" + str(t, first, "id") + "/finding"
		s.runScenarios(t, []scenario{
			{name: "carry as a reader", method: "POST", path: ppath, who: readerCC, body: map[string]any{"kind": "need"}, status: 403},
			{name: "carry as an outsider", method: "POST", path: ppath, who: editor974, body: map[string]any{"kind": "need"}, status: 404},
			{name: "carry an unknown proposal", method: "POST", path: "/api/v1/proposals/inconnue/finding", who: editorCC, body: map[string]any{"kind": "need"}, status: 404},
			{name: "carry without a kind", method: "POST", path: ppath, who: editorCC, body: map[string]any{"kind": "menace"}, status: 422, fields: []string{"kind"}},
		})
		r = s.send(t, "POST", ppath, editorCC, map[string]any{"kind": "need"})
		if r.Status != http.StatusCreated {
			t.Fatalf("carry: %d %s", r.Status, r.Raw)
		}
		f := r.JSON
		fid := str(t, f, "id")
		if f["kind"] != "need" || f["field"] != "jeunesse" || f["source"] != "workshop" || f["text"] != first["text"] || f["convention"] != cid {
			t.Errorf("finding %s", r.Raw)
		}
		if got := s.mustGet(t, readerCC, "/api/v1/findings/"+fid); got["id"] != fid {
			t.Errorf("the finding is not there: %v", got)
		}
		after := s.mustGet(t, readerCC, path)
		if p := arr(t, after, "proposals")[0].(map[string]any); p["finding"] != fid || after["version"] != 3.0 {
			t.Errorf("after carrying: %v", after)
		}
		s.runScenarios(t, []scenario{
			{name: "carry twice", method: "POST", path: ppath, who: editorCC, body: map[string]any{"kind": "need"}, status: 409},
		})

		// Deleting the finding frees the proposal; deleting the workshop keeps the finding.
		if code, _, _ := s.do(t, "DELETE", "/api/v1/findings/"+fid, editorCC, nil); code != http.StatusNoContent {
			t.Fatalf("DELETE finding: %d", code)
		}
		if p := arr(t, s.mustGet(t, readerCC, path), "proposals")[0].(map[string]any); p["finding"] != nil {
			t.Errorf("a proposal still carried into a deleted finding: %v", p)
		}
		again := s.mustPost(t, editor33, ppath, map[string]any{"kind": "strength"})
		s.runScenarios(t, []scenario{
			{name: "delete, stale", method: "DELETE", path: path, who: editorCC, headers: []string{"If-Match", `"1"`}, status: 412},
			{name: "delete as a reader", method: "DELETE", path: path, who: readerCC, status: 403},
			{name: "delete", method: "DELETE", path: path, who: editorCC, headers: []string{"If-Match", `"4"`}, status: 204},
			{name: "gone", path: path, who: editorCC, status: 404},
			{name: "the finding stays", path: "/api/v1/findings/" + str(t, again, "id"), who: readerCC, status: 200},
		})

		// Every change is a line of the convention's history.
		actions := map[string]int{}
		for _, e := range items(t, s.mustGet(t, readerCC, base+"/history")) {
			actions[str(t, e, "action")]++
		}
		for a, n := range map[string]int{"workshop.create": 1, "workshop.update": 1, "workshop.delete": 1, "proposal.carry": 2, "finding.create": 2} {
			if actions[a] != n {
				t.Errorf("%d lines %s in the history, want %d: %v", actions[a], a, n, actions)
			}
		}
	})
}

func TestSurveyResultFinding(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		cid := str(t, c, "id")
		sv := s.mustPost(t, editorCC, "/api/v1/conventions/"+cid+"/surveys", surveyBody())
		path := "/api/v1/surveys/" + str(t, sv, "id")
		if r := s.send(t, "POST", path+"/open", editorCC, nil); r.Status != 200 {
			t.Fatalf("open: %d %s", r.Status, r.Raw)
		}
		for _, a := range []map[string]any{
			{"age": "26-45 ans", "commune": "33473", "modes": []string{"Crèche", "Famille"}, "satisfaction": 4},
			{"age": "26-45 ans", "commune": "33473", "modes": []string{"Crèche"}, "satisfaction": 2},
			{"age": "18-25 ans", "commune": "33123", "modes": []string{"Famille"}, "satisfaction": 5},
		} {
			s.mustPost(t, editorCC, path+"/responses", map[string]any{"answers": a, "channel": "web"})
		}
		fpath := path + "/finding"
		s.runScenarios(t, []scenario{
			{name: "reader", method: "POST", path: fpath, who: readerCC, body: map[string]any{"kind": "need", "field": "petite_enfance", "question": "modes"}, status: 403},
			{name: "outsider", method: "POST", path: fpath, who: editor974, body: map[string]any{"kind": "need", "field": "petite_enfance", "question": "modes"}, status: 404},
			{name: "unknown question", method: "POST", path: fpath, who: editorCC, body: map[string]any{"kind": "need", "field": "petite_enfance", "question": "nulle"},
				status: 422, fields: []string{"question"}},
			{name: "unknown option", method: "POST", path: fpath, who: editorCC,
				body: map[string]any{"kind": "need", "field": "petite_enfance", "question": "modes", "option": "Voisin"}, status: 422, fields: []string{"option"}},
			{name: "free text", method: "POST", path: fpath, who: editorCC, body: map[string]any{"kind": "need", "field": "petite_enfance", "question": "remarques"},
				status: 422, fields: []string{"question"}},
			{name: "no text, no question", method: "POST", path: fpath, who: editorCC, body: map[string]any{"kind": "need", "field": "x"},
				status: 422, fields: []string{"text", "field"}},
			{name: "the most chosen option", method: "POST", path: fpath, who: editorCC,
				body: map[string]any{"kind": "need", "field": "petite_enfance", "question": "modes"}, status: 201,
				contains: []string{`"source":"questionnaire"`, "66,7\u00a0% des répondants (n = 3) citent « Crèche » à la question « Modes de garde »."}},
			{name: "an option", method: "POST", path: fpath, who: editorCC,
				body: map[string]any{"kind": "strength", "field": "petite_enfance", "question": "age", "option": "18-25 ans"}, status: 201,
				contains: []string{"33,3\u00a0% des répondants (n = 3) répondent « 18-25 ans » à la question « Votre âge »."}},
			{name: "a commune by its name", method: "POST", path: fpath, who: editorCC,
				body: map[string]any{"kind": "strength", "field": "autre", "question": "commune"}, status: 201, contains: []string{"« Saint-Savin »"}},
			{name: "a mean", method: "POST", path: fpath, who: editorCC,
				body: map[string]any{"kind": "weakness", "field": "petite_enfance", "question": "satisfaction"}, status: 201,
				contains: []string{`En moyenne, les répondants (n = 3) indiquent 3,7 sur 5 à la question « Satisfaction ».`}},
			{name: "a text of one's own on a free-text question", method: "POST", path: fpath, who: editor33,
				body: map[string]any{"kind": "need", "field": "petite_enfance", "question": "remarques", "text": "Des places le samedi."}, status: 201,
				contains: []string{`"text":"Des places le samedi."`}},
			{name: "a text of one's own", method: "POST", path: fpath, who: editor33,
				body: map[string]any{"kind": "need", "field": "petite_enfance", "question": "modes", "text": "La crèche d'abord."}, status: 201,
				contains: []string{`"text":"La crèche d'abord."`}},
		})
		n := 0
		for _, e := range items(t, s.mustGet(t, readerCC, "/api/v1/conventions/"+cid+"/history")) {
			if e["action"] == "finding.create" {
				n++
			}
		}
		if n != 6 {
			t.Errorf("%d findings in the history, want 6", n)
		}
	})
}
