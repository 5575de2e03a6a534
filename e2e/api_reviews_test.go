package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// reviewBody is the review of an action for a year, as API.md writes it.
func reviewBody(status string) map[string]any {
	return map[string]any{"status": status, "done": "Le marché de travaux est attribué ; le chantier a commencé en septembre.",
		"difficulties": "Le recrutement de la directrice a pris quatre mois.", "next_steps": "Ouverture de la micro-crèche en mars 2025."}
}

// TestReviews writes the review of an action for a year through the API,
// with its If-Match, reads the review of the year with its indicators and
// money, comments it, and checks who may do what.
func TestReviews(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		cid := str(t, s.mustCreate(t, editor33, conventionBody(s.orgCC)), "id")
		base := "/api/v1/conventions/" + cid
		x := s.mustPost(t, editorCC, base+"/axes", map[string]any{"title": "Accueillir les jeunes enfants"})
		a1 := str(t, s.mustPost(t, editorCC, "/api/v1/axes/"+str(t, x, "id")+"/actions", map[string]any{"title": "Micro-crèche de Saint-Savin", "lead": s.orgCC}), "id")
		a2 := str(t, s.mustPost(t, editorCC, "/api/v1/axes/"+str(t, x, "id")+"/actions", map[string]any{"title": "Relais itinérant", "start": "2025-01-01"}), "id")
		s.mustPost(t, editorCC, "/api/v1/actions/"+a1+"/indicators", map[string]any{"label": "Places ouvertes", "unit": "places", "baseline": 0,
			"targets": map[string]any{"2024": 10, "2026": 24}, "values": map[string]any{"2024": 12}})
		if r := s.send(t, "PUT", "/api/v1/actions/"+a1+"/budget", editorCC, map[string]any{"lines": []map[string]any{
			{"funder": "caf-33", "year": 2024, "nature": "fonctionnement", "planned_cents": 12_000_000, "actual_cents": 11_500_000},
			{"funder": s.orgCC, "year": 2024, "nature": "investissement", "planned_cents": 30_000_000, "actual_cents": nil},
			{"funder": "caf-33", "year": 2025, "nature": "fonctionnement", "planned_cents": 12_500_000}}}); r.Status != http.StatusOK {
			t.Fatalf("budget: %d %s", r.Status, r.Raw)
		}
		path := "/api/v1/actions/" + a1 + "/reviews/2024"

		r := s.send(t, "PUT", path, editorCC, reviewBody("in_progress"))
		if r.Status != http.StatusCreated || r.Header.Get("ETag") != `"1"` || r.JSON["status"] != "in_progress" || r.JSON["year"] != 2024.0 ||
			r.JSON["user"] != "Personne editorCC" || r.JSON["action"] != a1 {
			t.Fatalf("PUT: %d %s %s", r.Status, r.Header.Get("ETag"), r.Raw)
		}

		s.runScenarios(t, []scenario{
			{name: "anonymous", method: "PUT", path: path, body: reviewBody("done"), status: 401},
			{name: "reader of a party", method: "PUT", path: path, who: readerCC, body: reviewBody("done"), status: 403},
			{name: "reader of the CAF", method: "PUT", path: path, who: reader33, body: reviewBody("done"), status: 403},
			{name: "outsider writes", method: "PUT", path: path, who: editor974, body: reviewBody("done"), status: 404},
			{name: "outsider reads", path: path, who: reader974, status: 404},
			{name: "unknown action", method: "PUT", path: "/api/v1/actions/inconnue/reviews/2024", who: editorCC, body: reviewBody("done"), status: 404},
			{name: "year outside", method: "PUT", path: "/api/v1/actions/" + a1 + "/reviews/2027", who: editorCC, body: reviewBody("done"),
				status: 422, fields: []string{"year"}},
			{name: "no year", method: "PUT", path: "/api/v1/actions/" + a1 + "/reviews/bientot", who: editorCC, body: reviewBody("done"),
				status: 422, fields: []string{"year"}},
			{name: "everything wrong", method: "PUT", path: path, who: editorCC,
				body:   map[string]any{"status": "fini", "done": strings.Repeat("é", 10001), "next_steps": strings.Repeat("x", 10001)},
				status: 422, fields: []string{"status", "done", "next_steps"}},
			{name: "no status", method: "PUT", path: path, who: editorCC, body: map[string]any{"done": "x"}, status: 422, fields: []string{"status"}},
			{name: "not JSON", method: "PUT", path: path, who: editorCC, body: "{", status: 422},
			{name: "stale", method: "PUT", path: path, who: editorCC, body: reviewBody("done"), headers: []string{"If-Match", `"3"`}, status: 412},
			{name: "If-Match on a review not written", method: "PUT", path: "/api/v1/actions/" + a2 + "/reviews/2025", who: editorCC,
				body: reviewBody("planned"), headers: []string{"If-Match", `"1"`}, status: 412},
			{name: "read", path: path, who: readerCC, status: 200, contains: []string{`"status":"in_progress"`, `"version":1`}},
			{name: "not written", path: "/api/v1/actions/" + a2 + "/reviews/2025", who: readerCC, status: 404},
			{name: "replace", method: "PUT", path: path, who: editorCC, body: reviewBody("late"), headers: []string{"If-Match", `"1"`},
				status: 200, contains: []string{`"status":"late"`, `"version":2`}},
			{name: "the same again", method: "PUT", path: path, who: editor33, body: reviewBody("late"), status: 200, contains: []string{`"version":2`}},
		})

		// The review of the year.
		y := s.mustGet(t, readerCC, base+"/reviews/2024")
		if num(t, y, "year") != 2024 || num(t, y, "first_year") != 2022 || num(t, y, "actions") != 1 || num(t, y, "reviewed") != 1 ||
			num(t, y, "planned_cents") != 42_000_000 || num(t, y, "actual_cents") != 11_500_000 {
			t.Errorf("year %v", y)
		}
		axes := arr(t, y, "axes")
		action := arr(t, axes[0].(map[string]any), "actions")[0].(map[string]any)
		if action["ref"] != "Axe 1 / Action 1" || action["lead_name"] != "CC Latitude Nord Gironde" || obj(t, action, "review")["status"] != "late" {
			t.Errorf("action %v", action)
		}
		ind := arr(t, action, "indicators")[0].(map[string]any)
		if ind["target"] != 10.0 || ind["value"] != 12.0 || ind["met"] != true {
			t.Errorf("indicator %v", ind)
		}
		money := arr(t, action, "money")
		if len(money) != 2 || money[0].(map[string]any)["funder"] != s.orgCC || money[0].(map[string]any)["actual_known"] != false ||
			money[1].(map[string]any)["actual_cents"] != 11_500_000.0 {
			t.Errorf("money %v", money)
		}
		if y25 := s.mustGet(t, readerCC, base+"/reviews/2025"); num(t, y25, "actions") != 2 || num(t, y25, "reviewed") != 0 {
			t.Errorf("2025 %v", y25)
		}

		// Comments.
		cpath := base + "/reviews/2024/comments"
		k := s.mustPost(t, editorCC, cpath, map[string]any{"text": "Le Département suivra l'ouverture.", "author": "Sophie Lacombe", "organisation": s.orgCC})
		if k["organisation_name"] != "CC Latitude Nord Gironde" || k["author"] != "Sophie Lacombe" || k["year"] != 2024.0 {
			t.Errorf("comment %v", k)
		}
		s.runScenarios(t, []scenario{
			{name: "comment by a reader", method: "POST", path: cpath, who: readerCC, body: map[string]any{"text": "x"}, status: 403},
			{name: "comment by an outsider", method: "POST", path: cpath, who: editor974, body: map[string]any{"text": "x"}, status: 404},
			{name: "comment without text, for a stranger", method: "POST", path: cpath, who: editorCC,
				body: map[string]any{"text": " ", "organisation": "caf-974"}, status: 422, fields: []string{"text", "organisation"}},
			{name: "comment on a year outside", method: "POST", path: base + "/reviews/2031/comments", who: editorCC,
				body: map[string]any{"text": "x"}, status: 422, fields: []string{"year"}},
			{name: "the year with its comment", path: base + "/reviews/2024", who: readerCC, status: 200,
				contains: []string{`"author":"Sophie Lacombe"`, `"text":"Le Département suivra l'ouverture."`}},
			{name: "a year outside", path: base + "/reviews/2030", who: readerCC, status: 404},
			{name: "no year", path: base + "/reviews/demain", who: readerCC, status: 404},
			{name: "no document yet, or a route of its own", path: base + "/reviews/20x4.pdf", who: readerCC, status: 404},
			{name: "outsider reads the year", path: base + "/reviews/2024", who: reader974, status: 404},
			{name: "outsider reads the campaign", path: base + "/reviews", who: reader974, status: 404},
			{name: "anonymous reads the campaign", path: base + "/reviews", status: 401},
		})

		camp := s.mustGet(t, readerCC, base+"/reviews")
		list := items(t, camp)
		if len(list) != 5 || num(t, camp, "first_year") != 2022 || num(t, camp, "last_year") != 2026 {
			t.Fatalf("campaign %v", camp)
		}
		if c := list[2]; num(t, c, "year") != 2024 || num(t, c, "actions") != 1 || num(t, c, "reviewed") != 1 || num(t, c, "comments") != 1 {
			t.Errorf("2024 %v", c)
		}

		// Every change is in the history.
		var actions []string
		for _, e := range items(t, s.mustGet(t, readerCC, base+"/history")) {
			actions = append(actions, str(t, e, "action"))
		}
		for _, want := range []string{"review.create", "review.update", "review_comment.create"} {
			if !slices.Contains(actions, want) {
				t.Errorf("history %v lacks %s", actions, want)
			}
		}
	})
}

// TestEvaluationAndRenewal writes the final evaluation, marks actions to
// carry on, and starts the renewal of the signed convention.
func TestEvaluationAndRenewal(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		cid := str(t, s.mustCreate(t, editor33, conventionBody(s.orgCC)), "id")
		base := "/api/v1/conventions/" + cid
		finding := s.mustPost(t, editorCC, base+"/findings", map[string]any{"kind": "need", "field": "jeunesse",
			"text": "Les adolescents n'ont aucun lieu à eux.", "source": "workshop"})
		stake := s.mustPost(t, editorCC, base+"/stakes", map[string]any{"title": "Offrir aux adolescents des lieux à eux",
			"fields": []string{"jeunesse"}, "priority": 1, "findings": []string{str(t, finding, "id")}})
		x1 := s.mustPost(t, editorCC, base+"/axes", map[string]any{"title": "Petite enfance"})
		x2 := s.mustPost(t, editorCC, base+"/axes", map[string]any{"title": "Jeunesse"})
		kept := s.mustPost(t, editorCC, "/api/v1/axes/"+str(t, x2, "id")+"/actions", map[string]any{"title": "Local jeunes",
			"stakes": []string{str(t, stake, "id")}, "start": "2023-01-01", "end": "2024-12-31", "status": "done", "fields": []string{"jeunesse"}})
		dropped := s.mustPost(t, editorCC, "/api/v1/axes/"+str(t, x1, "id")+"/actions", map[string]any{"title": "Crèche"})
		s.mustPost(t, editorCC, "/api/v1/actions/"+str(t, kept, "id")+"/indicators", map[string]any{"label": "Jeunes accueillis",
			"baseline": 0, "targets": map[string]any{"2026": 40}, "values": map[string]any{"2025": 45}})
		if r := s.send(t, "PUT", "/api/v1/actions/"+str(t, kept, "id")+"/budget", editorCC, map[string]any{"lines": []map[string]any{
			{"funder": "caf-33", "year": 2024, "nature": "fonctionnement", "planned_cents": 5_000_000, "actual_cents": 4_800_000}}}); r.Status != http.StatusOK {
			t.Fatalf("budget: %d %s", r.Status, r.Raw)
		}
		ev := base + "/evaluation"
		keptPath := ev + "/" + str(t, kept, "id")

		r := s.send(t, "PUT", ev+"/convention", editor33, map[string]any{"results": "Les objectifs sont atteints.", "assessment": "Un partenariat solide."})
		if r.Status != http.StatusOK || r.Header.Get("ETag") != `"1"` || r.JSON["subject"] != "convention" {
			t.Fatalf("PUT convention: %d %s", r.Status, r.Raw)
		}
		s.runScenarios(t, []scenario{
			{name: "carry on an action", method: "PUT", path: keptPath, who: editorCC, body: map[string]any{"results": "Local ouvert.", "carry_on": true},
				status: 200, contains: []string{`"carry_on":true`, `"version":1`}},
			{name: "carry on an axis", method: "PUT", path: ev + "/" + str(t, x1, "id"), who: editorCC, body: map[string]any{"carry_on": true},
				status: 422, fields: []string{"carry_on"}},
			{name: "too long", method: "PUT", path: ev + "/convention", who: editorCC, body: map[string]any{"results": strings.Repeat("é", 20001)},
				status: 422, fields: []string{"results"}},
			{name: "unknown subject", method: "PUT", path: ev + "/inconnu", who: editorCC, body: map[string]any{}, status: 404},
			{name: "stale", method: "PUT", path: ev + "/convention", who: editorCC, body: map[string]any{"results": "x"},
				headers: []string{"If-Match", `"5"`}, status: 412},
			{name: "reader", method: "PUT", path: keptPath, who: readerCC, body: map[string]any{"carry_on": false}, status: 403},
			{name: "outsider", method: "PUT", path: keptPath, who: editor974, body: map[string]any{"carry_on": false}, status: 404},
			{name: "outsider reads", path: ev, who: reader974, status: 404},
			{name: "the evaluation", path: ev, who: readerCC, status: 200, check: func(t *testing.T, r response) {
				if num(t, r.JSON, "carry_on") != 1 || num(t, r.JSON, "actions") != 2 || obj(t, r.JSON, "entry")["results"] != "Les objectifs sont atteints." ||
					num(t, r.JSON, "planned_cents") != 5_000_000 || num(t, r.JSON, "actual_cents") != 4_800_000 {
					t.Errorf("evaluation %s", r.Raw)
				}
				jeunesse := arr(t, r.JSON, "axes")[1].(map[string]any)
				a := arr(t, jeunesse, "actions")[0].(map[string]any)
				ind := arr(t, a, "indicators")[0].(map[string]any)
				if ind["last_value"] != 45.0 || ind["target"] != 40.0 || ind["met"] != true || obj(t, a, "entry")["carry_on"] != true {
					t.Errorf("action %v", a)
				}
				if obj(t, jeunesse, "indicators")["met"] != 1.0 {
					t.Errorf("axis %v", jeunesse)
				}
			}},
		})

		next := map[string]any{"title": "CTG Latitude Nord Gironde 2027-2031", "start": "2027-01-01", "end": "2031-12-31"}
		s.runScenarios(t, []scenario{
			{name: "renewal under diagnosis", method: "POST", path: base + "/renewal", who: editorCC, body: next, status: 409},
		})
		s.mustSign(t, editor33, cid, "2022-11-15")
		s.runScenarios(t, []scenario{
			{name: "renewal by a reader", method: "POST", path: base + "/renewal", who: readerCC, body: next, status: 403},
			{name: "renewal by an outsider", method: "POST", path: base + "/renewal", who: editor974, body: next, status: 404},
			{name: "renewal, invalid", method: "POST", path: base + "/renewal", who: editorCC,
				body: map[string]any{"title": "", "start": "2031-01-01", "end": "2027-01-01"}, status: 422, fields: []string{"title", "end"}},
		})
		r = s.send(t, "POST", base+"/renewal", editorCC, next)
		if r.Status != http.StatusCreated {
			t.Fatalf("renewal: %d %s", r.Status, r.Raw)
		}
		n := r.JSON
		nid := str(t, n, "id")
		if r.Header.Get("Location") != "/api/v1/conventions/"+nid || n["status"] != "diagnostic" || n["renews"] != cid || n["kind"] != "ctg" ||
			num(t, n, "population") != latitudePop || !slices.Equal(strs(t, n, "parties"), []string{s.orgCC}) {
			t.Errorf("new convention %s", r.Raw)
		}
		if old := s.mustGet(t, readerCC, base); old["renewed_by"] != nid {
			t.Errorf("renewed_by %v", old["renewed_by"])
		}
		stakes := items(t, s.mustGet(t, readerCC, "/api/v1/conventions/"+nid+"/stakes"))
		findings := items(t, s.mustGet(t, readerCC, "/api/v1/conventions/"+nid+"/findings"))
		if len(stakes) != 1 || len(findings) != 1 || strs(t, stakes[0], "findings")[0] != str(t, findings[0], "id") || findings[0]["text"] != finding["text"] {
			t.Errorf("diagnosis copied: %v %v", stakes, findings)
		}
		if got := s.planLayout(t, nid); got != "Local jeunes" {
			t.Errorf("new plan %q", got)
		}
		p := s.mustGet(t, readerCC, "/api/v1/conventions/"+nid+"/plan")
		axis := arr(t, p, "axes")[0].(map[string]any)
		a := arr(t, axis, "actions")[0].(map[string]any)
		if axis["title"] != "Jeunesse" || a["ref"] != "Axe 1 / Action 1" || a["status"] != "planned" || a["start"] != "" ||
			!slices.Equal(strs(t, a, "stakes"), []string{str(t, stakes[0], "id")}) {
			t.Errorf("carried action %v in %v", a, axis["title"])
		}
		if b := s.mustGet(t, readerCC, "/api/v1/conventions/"+nid+"/budget"); num(t, b, "planned_cents") != 0 {
			t.Errorf("budget copied %v", b)
		}
		_ = dropped
		s.runScenarios(t, []scenario{
			{name: "renewed twice", method: "POST", path: base + "/renewal", who: editorCC, body: next, status: 409,
				contains: []string{"déjà renouvelée"}},
		})
		var oldActions, newActions []string
		for _, e := range items(t, s.mustGet(t, readerCC, base+"/history")) {
			oldActions = append(oldActions, str(t, e, "action"))
		}
		for _, e := range items(t, s.mustGet(t, readerCC, "/api/v1/conventions/"+nid+"/history")) {
			newActions = append(newActions, str(t, e, "action"))
		}
		if !slices.Contains(oldActions, "convention.renewed") || !slices.Contains(oldActions, "evaluation.update") ||
			!slices.Contains(newActions, "convention.renewal") || !slices.Contains(newActions, "action.create") {
			t.Errorf("histories: %v / %v", oldActions, newActions)
		}
	})
}
