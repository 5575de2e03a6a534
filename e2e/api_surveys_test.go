package e2e

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// surveyBody asks an age band, a commune, modes of care, a satisfaction
// and free text.
func surveyBody() map[string]any {
	return map[string]any{"title": "Vos besoins de familles", "closes": "2099-12-31", "questions": []map[string]any{
		{"key": "age", "kind": "age", "label": "Votre âge", "options": []string{"18-25 ans", "26-45 ans", "46 ans et plus"}, "required": true},
		{"key": "commune", "kind": "commune", "label": "Votre commune"},
		{"key": "modes", "kind": "multiple", "label": "Modes de garde", "options": []string{"Crèche", "Assistante maternelle", "Famille"}},
		{"key": "satisfaction", "kind": "scale", "label": "Satisfaction", "min": 1, "max": 5},
		{"key": "remarques", "kind": "text", "label": "Remarques"},
	}}
}

// rawPost posts body as who and returns the status and the JSON answer,
// without the checks of send: a 410 has no code of its own in API.md.
func (s *server) rawPost(t *testing.T, who, path string, body any) (int, map[string]any) {
	t.Helper()
	js, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", s.base+path, bytes.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.tokens[who])
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return res.StatusCode, m
}

func TestSurveys(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		base := "/api/v1/conventions/" + str(t, c, "id")
		sv := s.mustPost(t, editorCC, base+"/surveys", surveyBody())
		id := str(t, sv, "id")
		path := "/api/v1/surveys/" + id
		if sv["status"] != "draft" || sv["version"] != 1.0 || !strings.Contains(str(t, sv, "intro"), "conservées") || sv["public_url"] != nil {
			t.Errorf("created %v", sv)
		}
		paper := map[string]any{"answers": map[string]any{"age": "26-45 ans"}, "channel": "paper"}

		s.runScenarios(t, []scenario{
			{name: "anonymous", method: "POST", path: base + "/surveys", body: surveyBody(), status: 401},
			{name: "reader of a party", method: "POST", path: base + "/surveys", who: readerCC, body: surveyBody(), status: 403},
			{name: "outsider", method: "POST", path: base + "/surveys", who: editor974, body: surveyBody(), status: 404},
			{name: "outsider lists", path: base + "/surveys", who: reader974, status: 404},
			{name: "outsider reads", path: path, who: editor974, status: 404},
			{name: "outsider reads results", path: path + "/results", who: reader974, status: 404},
			{name: "outsider exports", path: path + "/responses.csv", who: reader974, status: 404},
			{name: "everything wrong", method: "POST", path: base + "/surveys", who: editor33,
				body: map[string]any{"title": "", "closes": "demain", "questions": []map[string]any{
					{"key": "Âge", "kind": "age", "label": "Âge", "options": []string{"a"}},
					{"key": "note", "kind": "scale", "label": "Note", "min": 5, "max": 1},
					{"key": "note", "kind": "date", "label": ""},
				}}, status: 422,
				fields: []string{"title", "closes", "questions[0].key", "questions[0].options", "questions[1].max", "questions[2].key", "questions[2].kind", "questions[2].label"}},
			{name: "list", path: base + "/surveys", who: readerCC, status: 200, contains: []string{`"id":"` + id + `"`, `"total":1`}},
			{name: "templates", path: "/api/v1/survey-templates", who: readerCC, status: 200, contains: []string{`"code":"age"`, `"default_intro"`}},
			{name: "answer a draft", method: "POST", path: path + "/responses", who: editorCC, body: paper, status: 409},
			{name: "change as a reader", method: "PATCH", path: path, who: readerCC, body: map[string]any{"title": "X"}, status: 403},
			{name: "change, stale", method: "PATCH", path: path, who: editorCC, body: map[string]any{"title": "X"}, headers: []string{"If-Match", `"5"`}, status: 412},
			{name: "change, invalid", method: "PATCH", path: path, who: editorCC, body: map[string]any{"questions": []any{}}, status: 422, fields: []string{"questions"}},
			{name: "change", method: "PATCH", path: path, who: editorCC, body: map[string]any{"title": "Questionnaire aux familles"},
				headers: []string{"If-Match", `"1"`}, status: 200, contains: []string{`"title":"Questionnaire aux familles"`, `"version":2`}},
			{name: "close a draft", method: "POST", path: path + "/close", who: editorCC, status: 409},
			{name: "open as a reader", method: "POST", path: path + "/open", who: readerCC, status: 403},
		})

		open := s.send(t, "POST", path+"/open", editorCC, nil)
		if open.Status != 200 || open.JSON["status"] != "open" || !strings.HasPrefix(str(t, open.JSON, "public_url"), "/q/") || len(str(t, open.JSON, "public_url")) < 3+22 {
			t.Fatalf("open: %d %s", open.Status, open.Raw)
		}
		for _, a := range []map[string]any{
			{"age": "26-45 ans", "commune": "33473", "modes": []string{"Crèche", "Famille"}, "satisfaction": 4},
			{"age": "26-45 ans", "commune": "33123", "modes": []string{"Crèche"}, "satisfaction": "2", "remarques": "Plus de places le samedi ; merci."},
			{"age": "18-25 ans", "commune": "33473"},
		} {
			s.mustPost(t, editorCC, path+"/responses", map[string]any{"answers": a, "channel": "web"})
		}
		s.mustPost(t, editor33, path+"/responses", map[string]any{"answers": map[string]any{"age": "46 ans et plus", "modes": []string{"Assistante maternelle"}, "satisfaction": 5}})

		s.runScenarios(t, []scenario{
			{name: "change an open survey", method: "PATCH", path: path, who: editorCC, body: map[string]any{"title": "X"}, status: 409},
			{name: "paper response by a reader", method: "POST", path: path + "/responses", who: readerCC, body: paper, status: 403},
			{name: "paper response by an outsider", method: "POST", path: path + "/responses", who: editor974, body: paper, status: 404},
			{name: "wrong answers", method: "POST", path: path + "/responses", who: editorCC,
				body: map[string]any{"answers": map[string]any{"commune": "75056", "modes": []string{"Voisin"}, "satisfaction": 9, "inconnue": 1}}, status: 422,
				fields: []string{"age", "commune", "modes", "satisfaction", "inconnue"}},
			{name: "wrong channel", method: "POST", path: path + "/responses", who: editorCC, body: with(paper, "channel", "fax"), status: 422, fields: []string{"channel"}},
			{name: "results", path: path + "/results", who: readerCC, status: 200, check: func(t *testing.T, r response) {
				if r.JSON["responses"] != 4.0 || obj(t, r.JSON, "by_channel")["web"] != 3.0 || obj(t, r.JSON, "by_channel")["paper"] != 1.0 {
					t.Errorf("counts %s", r.Raw)
				}
				qs := arr(t, r.JSON, "questions")
				if len(qs) != 5 {
					t.Fatalf("%d questions", len(qs))
				}
				age, modes, sat := qs[0].(map[string]any), qs[2].(map[string]any), qs[3].(map[string]any)
				if age["key"] != "age" || age["kind"] != "age" || age["answered"] != 4.0 || obj(t, age, "counts")["26-45 ans"] != 2.0 || obj(t, age, "percent")["26-45 ans"] != 50.0 {
					t.Errorf("age %v", age)
				}
				if modes["answered"] != 3.0 || obj(t, modes, "percent")["Crèche"] != 66.7 || obj(t, modes, "counts")["Assistante maternelle"] != 1.0 {
					t.Errorf("modes %v", modes)
				}
				if sat["mean"] != 3.67 || obj(t, sat, "counts")["5"] != 1.0 {
					t.Errorf("satisfaction %v", sat)
				}
				if names := obj(t, qs[1].(map[string]any), "names"); names["33473"] != "Saint-Savin" {
					t.Errorf("names of the communes %v", names)
				}
				if age["mean"] != nil {
					t.Errorf("mean of an age band %v", age["mean"])
				}
			}},
			{name: "results of a commune", path: path + "/results?commune=33473", who: readerCC, status: 200, contains: []string{`"responses":2`}},
			{name: "results of an answer", path: path + "/results?filter=" + "age:26-45%20ans", who: readerCC, status: 200, contains: []string{`"responses":2`}},
			{name: "bad filters", path: path + "/results?commune=00000&filter=ville:x", who: readerCC, status: 422, fields: []string{"commune"}},
			{name: "bad filter", path: path + "/results?filter=ville:x", who: readerCC, status: 422, fields: []string{"filter"}},
			{name: "crosstab", path: path + "/crosstab?rows=age&cols=modes", who: readerCC, status: 200, check: func(t *testing.T, r response) {
				if got := strs(t, r.JSON, "rows"); !slices.Equal(got, []string{"18-25 ans", "26-45 ans", "46 ans et plus"}) {
					t.Errorf("rows %v", got)
				}
				if got := strs(t, r.JSON, "cols"); !slices.Equal(got, []string{"Crèche", "Assistante maternelle", "Famille"}) {
					t.Errorf("cols %v", got)
				}
				if js, _ := json.Marshal(r.JSON["counts"]); string(js) != "[[0,0,0],[2,0,1],[0,1,0]]" {
					t.Errorf("counts %s", js)
				}
			}},
			{name: "crosstab of text", path: path + "/crosstab?rows=remarques&cols=age", who: readerCC, status: 422, fields: []string{"rows"}},
		})

		// The CSV export: a BOM, semicolons, one column per question and per option.
		r := s.send(t, "GET", path+"/responses.csv", readerCC, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(r.Raw, []byte("\ufeff")) {
			t.Fatalf("CSV: %d %q", r.Status, r.Header.Get("Content-Type"))
		}
		cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Raw, []byte("\ufeff"))))
		cr.Comma = ';'
		rows, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		wantHeader := []string{"réponse", "date", "canal", "Votre âge", "Votre commune", "Modes de garde : Crèche", "Modes de garde : Assistante maternelle",
			"Modes de garde : Famille", "Satisfaction", "Remarques"}
		if len(rows) != 5 || !slices.Equal(rows[0], wantHeader) {
			t.Fatalf("CSV rows %q", rows)
		}
		if got := rows[2]; got[2] != "web" || got[3] != "26-45 ans" || got[4] != "33123" || got[5] != "oui" || got[7] != "" || got[8] != "2" || got[9] != "Plus de places le samedi ; merci." {
			t.Errorf("second response %q", got)
		}
		if rows[4][2] != "papier" {
			t.Errorf("paper response %q", rows[4])
		}
		x := s.send(t, "GET", path+"/responses.xlsx", readerCC, nil)
		if x.Status != 200 || !bytes.HasPrefix(x.Raw, []byte("PK")) {
			t.Errorf("XLSX: %d %q", x.Status, x.Header.Get("Content-Type"))
		}

		// Closed: 410 for answers, 409 to reopen.
		if closed := s.send(t, "POST", path+"/close", editor33, nil); closed.Status != 200 || closed.JSON["status"] != "closed" {
			t.Fatalf("close: %d %s", closed.Status, closed.Raw)
		}
		if code, body := s.rawPost(t, editorCC, path+"/responses", paper); code != http.StatusGone || errorCode(body) != "conflict" {
			t.Errorf("answer to a closed survey: %d %v", code, body)
		} else {
			checkFrench(t, "410 message", str(t, errorOf(body), "message"))
		}
		if r := s.send(t, "POST", path+"/open", editorCC, nil); r.Status != 409 {
			t.Errorf("reopen: %d", r.Status)
		}
		if got := s.mustGet(t, readerCC, path+"/results"); got["responses"] != 4.0 {
			t.Errorf("after closing: %v responses", got["responses"])
		}

		actions := map[string]int{}
		for _, e := range items(t, s.mustGet(t, readerCC, base+"/history")) {
			actions[str(t, e, "action")]++
		}
		for a, n := range map[string]int{"survey.create": 1, "survey.update": 1, "survey.open": 1, "survey.close": 1} {
			if actions[a] != n {
				t.Errorf("%d lines %s in the history, want %d: %v", actions[a], a, n, actions)
			}
		}
	})
}
