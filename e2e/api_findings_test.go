package e2e

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// facilityBody is a crèche of Saint-Savin, in the CC Latitude Nord Gironde.
func facilityBody(kv ...any) map[string]any {
	return with(map[string]any{"kind": "eaje", "name": "Multi-accueil Les Petits Pas", "commune": "33473",
		"places": 30, "manager": "CC Latitude Nord Gironde"}, kv...)
}

// mustPost posts body as who and returns the answer, failing unless 201.
func (s *server) mustPost(t *testing.T, who, path string, body any) map[string]any {
	t.Helper()
	r := s.send(t, http.MethodPost, path, who, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("POST %s as %s: %d\n%s", path, who, r.Status, r.Raw)
	}
	return r.JSON
}

// multipartFile is a form with one file, and its Content-Type header.
func multipartFile(t *testing.T, name string, content []byte) ([]byte, []string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	return b.Bytes(), []string{"Content-Type", w.FormDataContentType()}
}

func etagOf(m map[string]any) string { return fmt.Sprintf(`"%v"`, m["version"]) }

func TestFacilities(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		r := s.send(t, "POST", "/api/v1/facilities", editorCC, facilityBody())
		if r.Status != http.StatusCreated {
			t.Fatalf("POST: %d %s", r.Status, r.Raw)
		}
		f := r.JSON
		id := str(t, f, "id")
		if r.Header.Get("Location") != "/api/v1/facilities/"+id || r.Header.Get("ETag") != `"1"` {
			t.Errorf("Location %q, ETag %q", r.Header.Get("Location"), r.Header.Get("ETag"))
		}
		for k, want := range map[string]any{"kind": "eaje", "name": "Multi-accueil Les Petits Pas", "commune": "33473",
			"departement": "33", "places": 30.0, "manager": "CC Latitude Nord Gironde", "version": 1.0} {
			if f[k] != want {
				t.Errorf("%s = %v, want %v", k, f[k], want)
			}
		}
		rpe := s.mustPost(t, editor33, "/api/v1/facilities", map[string]any{"kind": "rpe", "name": "RPE Latitude Nord", "commune": "33123"})
		if v, ok := rpe["places"]; !ok || v != nil {
			t.Errorf("places of an RPE without places: %v (present %v), want null", v, ok)
		}
		// A former code reads as the current commune.
		former := s.mustPost(t, editor33, "/api/v1/facilities", map[string]any{"kind": "pij", "name": "PIJ", "commune": "33041"})
		if str(t, former, "commune") == "33041" {
			t.Error("a former commune code is stored as it is")
		}
		stJoseph := s.mustPost(t, editor974, "/api/v1/facilities", map[string]any{"kind": "centre_social", "name": "Centre social Ti Marmay", "commune": "97412"})

		path := "/api/v1/facilities/" + id
		s.runScenarios(t, []scenario{
			{name: "anonymous", method: "POST", path: "/api/v1/facilities", body: facilityBody(), status: 401},
			{name: "reader", method: "POST", path: "/api/v1/facilities", who: reader33, body: facilityBody(), status: 403},
			{name: "everything wrong", method: "POST", path: "/api/v1/facilities", who: editor33,
				body: map[string]any{"kind": "creche", "name": "", "commune": "99999", "places": -2}, status: 422,
				fields: []string{"kind", "name", "commune", "places"}},
			{name: "places of a kind that needs them", method: "POST", path: "/api/v1/facilities", who: editor33,
				body: facilityBody("kind", "alsh", "name", "ALSH", "places", nil), status: 422, fields: []string{"places"}},
			{name: "places not an integer", method: "POST", path: "/api/v1/facilities", who: editor33,
				body: facilityBody("places", 12.5), status: 422, fields: []string{"places"}},
			{name: "twice the same", method: "POST", path: "/api/v1/facilities", who: editor33,
				body: facilityBody("name", "MULTI-ACCUEIL les petits pas"), status: 422, fields: []string{"name"}},
			{name: "read by another CAF: territory data", path: path, who: reader974, status: 200, contains: []string{`"id":"` + id + `"`}},
			{name: "unknown", path: "/api/v1/facilities/inconnu", who: editor33, status: 404},
			{name: "list of an EPCI", path: "/api/v1/facilities?epci=" + latitudeNG, who: reader974, status: 200,
				check: func(t *testing.T, r response) {
					got := ids(t, items(t, r.JSON))
					if !slices.Equal(got, sorted(id, str(t, rpe, "id"))) {
						t.Errorf("facilities of the EPCI %v", got)
					}
				}},
			{name: "list of a commune and kind", path: "/api/v1/facilities?commune=33473&kind=eaje", who: editor33, status: 200,
				check: func(t *testing.T, r response) {
					if got := ids(t, items(t, r.JSON)); !slices.Equal(got, []string{id}) {
						t.Errorf("crèches of Saint-Savin %v", got)
					}
				}},
			{name: "list of a département", path: "/api/v1/facilities?departement=974", who: editor33, status: 200,
				contains: []string{str(t, stJoseph, "id")}, notContains: []string{id}},
			{name: "bad filters", path: "/api/v1/facilities?commune=00000&epci=1&departement=XX&kind=creche", who: editor33, status: 422,
				fields: []string{"commune", "epci", "departement", "kind"}},
			{name: "change as a reader", method: "PATCH", path: path, who: reader33, body: map[string]any{"places": 36}, status: 403},
			{name: "change, stale", method: "PATCH", path: path, who: editor33, body: map[string]any{"places": 36},
				headers: []string{"If-Match", `"7"`}, status: 412},
			{name: "change, invalid", method: "PATCH", path: path, who: editor33, body: map[string]any{"places": -1}, status: 422, fields: []string{"places"}},
			{name: "change", method: "PATCH", path: path, who: editorCC, body: map[string]any{"places": 36, "manager": "SPL Petite enfance"},
				headers: []string{"If-Match", `"1"`}, status: 200, contains: []string{`"places":36`, `"version":2`}},
			{name: "delete, stale", method: "DELETE", path: path, who: editor33, headers: []string{"If-Match", `"1"`}, status: 412},
			{name: "delete as a reader", method: "DELETE", path: path, who: readerCC, status: 403},
		})

		// The facilities of a convention are those of its perimeter.
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		cid := str(t, c, "id")
		list := s.mustGet(t, readerCC, "/api/v1/conventions/"+cid+"/facilities")
		if got := ids(t, items(t, list)); !slices.Equal(got, sorted(id, str(t, rpe, "id"))) {
			t.Errorf("facilities of the perimeter %v", got)
		}
		totals := obj(t, list, "totals")
		if eaje := obj(t, totals, "eaje"); eaje["count"] != 1.0 || eaje["places"] != 36.0 {
			t.Errorf("totals of eaje %v", eaje)
		}
		if r := obj(t, totals, "rpe"); r["count"] != 1.0 || r["places"] != 0.0 {
			t.Errorf("totals of rpe %v", r)
		}
		if _, ok := totals["centre_social"]; ok {
			t.Errorf("totals name a kind the perimeter has none of: %v", totals)
		}
		if code, _, _ := s.do(t, "GET", "/api/v1/conventions/"+cid+"/facilities", editor974, nil); code != 404 {
			t.Errorf("facilities of a convention another CAF may not see: %d", code)
		}

		if code, _, _ := s.do(t, "DELETE", path, editor33, nil, "If-Match", `"2"`); code != http.StatusNoContent {
			t.Errorf("DELETE: %d", code)
		}
		if code, _, _ := s.do(t, "GET", path, editor33, nil); code != 404 {
			t.Errorf("GET after DELETE: %d", code)
		}
	})
}

func TestFacilitiesImport(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		countAll := func() int {
			return len(items(t, s.mustGet(t, editor33, "/api/v1/facilities?epci="+latitudeNG)))
		}
		csv := "Type d'équipement;Nom;Code commune;Nombre de places;Gestionnaire\n" +
			"Crèche;Multi-accueil Les Petits Pas;33473;30;CC Latitude Nord Gironde\n" +
			"RPE;RPE Latitude Nord;33473;;CC Latitude Nord Gironde\n" +
			"Accueil de loisirs;ALSH de Saint-Savin;33473;120;CC Latitude Nord Gironde\n" +
			"Espace de vie sociale;La Passerelle;33142;s;Association La Passerelle\n"
		body, headers := multipartFile(t, "equipements.csv", []byte(csv))
		r := s.send(t, "POST", "/api/v1/facilities/import", editorCC, body, headers...)
		if r.Status != http.StatusCreated {
			t.Fatalf("import: %d %s", r.Status, r.Raw)
		}
		for k, want := range map[string]float64{"rows": 4, "created": 4, "updated": 0, "unchanged": 0, "communes": 2} {
			if r.JSON[k] != want {
				t.Errorf("%s = %v, want %v", k, r.JSON[k], want)
			}
		}
		// The same file again changes nothing; another count of places updates.
		r = s.send(t, "POST", "/api/v1/facilities/import", editorCC, body, headers...)
		if r.Status != http.StatusCreated || r.JSON["unchanged"] != 4.0 {
			t.Errorf("second import: %d %s", r.Status, r.Raw)
		}
		xlsxLike, h2 := multipartFile(t, "maj.csv", []byte("kind,name,commune,places\neaje,Multi-accueil Les Petits Pas,33473,32\n"))
		if r := s.send(t, "POST", "/api/v1/facilities/import", editor33, xlsxLike, h2...); r.Status != 201 || r.JSON["updated"] != 1.0 {
			t.Errorf("update by import: %d %s", r.Status, r.Raw)
		}
		before := countAll()

		bad, h3 := multipartFile(t, "faux.csv", []byte("type;nom;code_commune;places\n"+
			"Crèche;Les Lucioles;33233;24\n"+
			"Garderie;Le Nid;33233;10\n"+
			"EAJE;;99999;douze\n"))
		r = s.send(t, "POST", "/api/v1/facilities/import", editor33, bad, h3...)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad file: %d %s", r.Status, r.Raw)
		}
		fields := errorFields(r.JSON)
		for _, k := range []string{"ligne 3, colonne type", "ligne 4, colonne nom", "ligne 4, colonne code_commune", "ligne 4, colonne places"} {
			if _, ok := fields[k]; !ok {
				t.Errorf("no message on %q: %v", k, fields)
			}
		}
		if n := countAll(); n != before {
			t.Errorf("a refused file stored something: %d facilities, then %d", before, n)
		}

		empty, h4 := multipartFile(t, "vide.csv", nil)
		big, h5 := multipartFile(t, "gros.csv", bytes.Repeat([]byte("x"), 20<<20+1))
		// More than the 1 MiB of JSON bodies, well under 20 MB: a long note column is ignored.
		long, h6 := multipartFile(t, "long.csv", []byte("type;nom;code_commune;note\nPIJ;PIJ de Cavignac;33114;"+strings.Repeat("n", 3<<20)+"\n"))
		s.runScenarios(t, []scenario{
			{name: "reader", method: "POST", path: "/api/v1/facilities/import", who: reader33, body: body, headers: headers, status: 403},
			{name: "anonymous", method: "POST", path: "/api/v1/facilities/import", body: body, headers: headers, status: 401},
			{name: "not multipart", method: "POST", path: "/api/v1/facilities/import", who: editor33, body: `{"file": "x"}`, status: 422, fields: []string{"file"}},
			{name: "empty file", method: "POST", path: "/api/v1/facilities/import", who: editor33, body: empty, headers: h4, status: 422},
			{name: "over 20 MB", method: "POST", path: "/api/v1/facilities/import", who: editor33, body: big, headers: h5, status: 413},
			{name: "over 1 MiB", method: "POST", path: "/api/v1/facilities/import", who: editor33, body: long, headers: h6, status: 201,
				contains: []string{`"created":1`}},
		})
	})
}

func TestFindingsAndStakes(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		cid := str(t, c, "id")
		other := s.mustCreate(t, editor33, with(conventionBody(), "title", "CTG Montesquieu 2023-2027"))
		base := "/api/v1/conventions/" + cid

		finding := func(who, kind, field, source, text string) map[string]any {
			t.Helper()
			return s.mustPost(t, who, base+"/findings", map[string]any{"kind": kind, "field": field, "source": source, "text": text})
		}
		weak := finding(editorCC, "weakness", "petite_enfance", "data", "Aucune place d'accueil collectif au nord du territoire.")
		need := finding(editor33, "need", "petite_enfance", "questionnaire", "Des horaires d'accueil plus larges.")
		strong := finding(editorCC, "strength", "jeunesse", "workshop", "Un tissu associatif actif.")
		foreign := s.mustPost(t, editor33, "/api/v1/conventions/"+str(t, other, "id")+"/findings",
			map[string]any{"kind": "need", "field": "jeunesse", "source": "interview", "text": "Ailleurs."})
		for _, f := range []map[string]any{weak, need, strong} {
			if f["convention"] != cid || f["version"] != 1.0 || len(arr(t, f, "stakes")) != 0 {
				t.Errorf("finding %v", f)
			}
			for _, k := range []string{"created_at", "updated_at"} {
				str(t, f, k)
			}
		}
		fpath := "/api/v1/findings/" + str(t, weak, "id")
		valid := map[string]any{"kind": "need", "field": "sante", "source": "data", "text": "Un constat."}

		s.runScenarios(t, []scenario{
			{name: "anonymous", method: "POST", path: base + "/findings", body: valid, status: 401},
			{name: "reader of a party", method: "POST", path: base + "/findings", who: readerCC, body: valid, status: 403},
			{name: "outsider", method: "POST", path: base + "/findings", who: editor974, body: valid, status: 404},
			{name: "outsider lists", path: base + "/findings", who: reader974, status: 404},
			{name: "outsider reads", path: fpath, who: editor974, status: 404},
			{name: "everything wrong", method: "POST", path: base + "/findings", who: editor33,
				body: map[string]any{"kind": "threat", "field": "nulle_part", "source": "rumeur", "text": " "}, status: 422,
				fields: []string{"kind", "field", "source", "text"}},
			{name: "text too long", method: "POST", path: base + "/findings", who: editor33,
				body: with(valid, "text", strings.Repeat("é", 2001)), status: 422, fields: []string{"text"}},
			{name: "list of needs", path: base + "/findings?kind=need", who: readerCC, status: 200,
				check: func(t *testing.T, r response) {
					if got := ids(t, items(t, r.JSON)); !slices.Equal(got, []string{str(t, need, "id")}) {
						t.Errorf("needs %v", got)
					}
				}},
			{name: "list in order", path: base + "/findings", who: readerCC, status: 200,
				check: func(t *testing.T, r response) {
					var got []string
					for _, it := range items(t, r.JSON) {
						got = append(got, str(t, it, "kind"))
					}
					if !slices.Equal(got, []string{"strength", "weakness", "need"}) {
						t.Errorf("kinds in order %v", got)
					}
				}},
			{name: "list by field", path: base + "/findings?field=jeunesse", who: readerCC, status: 200, contains: []string{str(t, strong, "id")},
				notContains: []string{str(t, weak, "id")}},
			{name: "bad filters", path: base + "/findings?kind=threat&field=x", who: readerCC, status: 422, fields: []string{"kind", "field"}},
			{name: "change, stale", method: "PATCH", path: fpath, who: editorCC, body: map[string]any{"source": "interview"},
				headers: []string{"If-Match", `"2"`}, status: 412},
			{name: "change as a reader", method: "PATCH", path: fpath, who: readerCC, body: map[string]any{"source": "interview"}, status: 403},
			{name: "change as an outsider", method: "PATCH", path: fpath, who: editor974, body: map[string]any{"source": "interview"}, status: 404},
			{name: "change, invalid", method: "PATCH", path: fpath, who: editorCC, body: map[string]any{"source": "rumeur"}, status: 422, fields: []string{"source"}},
			{name: "change", method: "PATCH", path: fpath, who: editorCC, body: map[string]any{"source": "interview"},
				headers: []string{"If-Match", `"1"`}, status: 200, contains: []string{`"source":"interview"`, `"version":2`}},
		})
		if got := s.mustGet(t, readerCC, fpath); got["source"] != "interview" {
			t.Errorf("after the change: %v", got)
		}

		// Stakes: findings of the same convention only.
		stakeBody := map[string]any{"title": "Développer l'accueil du jeune enfant", "fields": []string{"petite_enfance"}, "priority": 1,
			"findings": []string{str(t, weak, "id"), str(t, need, "id")}}
		s.runScenarios(t, []scenario{
			{name: "a finding of another convention", method: "POST", path: base + "/stakes", who: editor33,
				body: with(stakeBody, "findings", []string{str(t, weak, "id"), str(t, foreign, "id")}), status: 422, fields: []string{"findings"}},
			{name: "an unknown finding", method: "POST", path: base + "/stakes", who: editor33,
				body: with(stakeBody, "findings", []string{"inconnu"}), status: 422, fields: []string{"findings"}},
			{name: "everything wrong", method: "POST", path: base + "/stakes", who: editor33,
				body: map[string]any{"title": "", "fields": []string{}, "priority": 4}, status: 422, fields: []string{"title", "fields", "priority"}},
			{name: "priority as text", method: "POST", path: base + "/stakes", who: editor33, body: with(stakeBody, "priority", "1"), status: 422,
				fields: []string{"priority"}},
			{name: "reader", method: "POST", path: base + "/stakes", who: readerCC, body: stakeBody, status: 403},
			{name: "outsider", method: "POST", path: base + "/stakes", who: editor974, body: stakeBody, status: 404},
		})
		r := s.send(t, "POST", base+"/stakes", editorCC, stakeBody)
		if r.Status != http.StatusCreated || r.Header.Get("ETag") != `"1"` {
			t.Fatalf("POST stake: %d %s", r.Status, r.Raw)
		}
		stake := r.JSON
		sid := str(t, stake, "id")
		if got := strs(t, stake, "findings"); !slices.Equal(got, sorted(str(t, weak, "id"), str(t, need, "id"))) {
			t.Errorf("stake findings %v", got)
		}
		later := s.mustPost(t, editor33, base+"/stakes", map[string]any{"title": "Animer la vie sociale", "fields": []string{"animation_vie_sociale"}, "priority": 3})
		first := s.mustPost(t, editor33, base+"/stakes", map[string]any{"title": "Accompagner les jeunes", "fields": []string{"jeunesse"}, "priority": 1,
			"findings": []string{str(t, strong, "id")}})
		var order []string
		for _, it := range items(t, s.mustGet(t, readerCC, base+"/stakes")) {
			order = append(order, str(t, it, "id"))
		}
		if !slices.Equal(order, []string{str(t, first, "id"), sid, str(t, later, "id")}) {
			t.Errorf("stakes in order %v, want by priority then title", order)
		}
		if got := strs(t, s.mustGet(t, readerCC, fpath), "stakes"); !slices.Equal(got, []string{sid}) {
			t.Errorf("the finding's stakes %v", got)
		}

		spath := "/api/v1/stakes/" + sid
		s.runScenarios(t, []scenario{
			{name: "read", path: spath, who: readerCC, status: 200, contains: []string{`"id":"` + sid + `"`, `"convention":"` + cid + `"`}},
			{name: "outsider reads", path: spath, who: editor974, status: 404},
			{name: "change, stale", method: "PATCH", path: spath, who: editorCC, body: map[string]any{"priority": 2}, headers: []string{"If-Match", `"3"`}, status: 412},
			{name: "change to a foreign finding", method: "PATCH", path: spath, who: editorCC,
				body: map[string]any{"findings": []string{str(t, foreign, "id")}}, status: 422, fields: []string{"findings"}},
			{name: "change", method: "PATCH", path: spath, who: editorCC, body: map[string]any{"priority": 2, "findings": []string{str(t, need, "id")}},
				headers: []string{"If-Match", `"1"`}, status: 200, contains: []string{`"priority":2`, `"version":2`}},
			{name: "delete as a reader", method: "DELETE", path: spath, who: readerCC, status: 403},
			{name: "delete a finding, stale", method: "DELETE", path: "/api/v1/findings/" + str(t, need, "id"), who: editor33,
				headers: []string{"If-Match", `"9"`}, status: 412},
			{name: "delete a finding", method: "DELETE", path: "/api/v1/findings/" + str(t, need, "id"), who: editor33, status: 204},
			{name: "the stake lost it", path: spath, who: readerCC, status: 200, contains: []string{`"findings":[]`, `"version":3`}},
			{name: "delete the stake", method: "DELETE", path: spath, who: editorCC, headers: []string{"If-Match", `"3"`}, status: 204},
			{name: "gone", path: spath, who: editorCC, status: 404},
		})

		// Every change is a line of the convention's history, with before and after.
		actions := map[string]int{}
		var update map[string]any
		for _, e := range items(t, s.mustGet(t, readerCC, base+"/history")) {
			a := str(t, e, "action")
			actions[a]++
			if a == "finding.update" {
				update = e
			}
		}
		for a, n := range map[string]int{"finding.create": 3, "finding.update": 1, "finding.delete": 1, "stake.create": 3, "stake.update": 2, "stake.delete": 1} {
			if actions[a] != n {
				t.Errorf("%d lines %s in the history, want %d: %v", actions[a], a, n, actions)
			}
		}
		if ch, _ := obj(t, update, "changes")["source"].(map[string]any); ch["before"] != "data" || ch["after"] != "interview" {
			t.Errorf("finding.update changes %v", update["changes"])
		}
	})
}
