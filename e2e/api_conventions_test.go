package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConventionCreate(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		r := s.send(t, "POST", "/api/v1/conventions", editor33, conventionBody(s.orgCC))
		if r.Status != http.StatusCreated {
			t.Fatalf("POST the example of API.md: %d\n%s", r.Status, r.Raw)
		}
		c := r.JSON
		id := str(t, c, "id")
		for k, want := range map[string]any{
			"kind": "ctg", "title": "CTG Latitude Nord Gironde 2022-2026", "caf": "caf-33",
			"start": "2022-11-01", "end": "2026-12-31", "status": "diagnostic",
		} {
			if c[k] != want {
				t.Errorf("%s = %v, want %v", k, c[k], want)
			}
		}
		if v := num(t, c, "version"); v < 1 {
			t.Errorf("version %d", v)
		}
		if got := strs(t, c, "communes"); !slices.Equal(got, latitudeCommunes) {
			t.Errorf("communes %v, want %v (sorted)", got, latitudeCommunes)
		}
		if got := num(t, c, "population"); got != latitudePop {
			t.Errorf("population %d, want %d", got, latitudePop)
		}
		for _, k := range []string{"renewed_by", "renews"} {
			if v, ok := c[k]; !ok || v != nil {
				t.Errorf("%s = %v (present %v), want null", k, v, ok)
			}
		}
		if got := strs(t, c, "parties"); !slices.Equal(got, []string{s.orgCC}) {
			t.Errorf("parties %v, want [%s]", got, s.orgCC)
		}
		p := obj(t, c, "perimeter")
		if got := strs(t, p, "epcis"); !slices.Equal(got, []string{latitudeNG}) {
			t.Errorf("perimeter.epcis %v", got)
		}
		if got := arr(t, p, "communes"); len(got) != 0 {
			t.Errorf("perimeter.communes %v, want []", got)
		}
		if et := r.Header.Get("ETag"); et != fmt.Sprintf(`"%d"`, num(t, c, "version")) {
			t.Errorf("ETag %q for version %v", et, c["version"])
		}

		got := s.mustGet(t, editor33, "/api/v1/conventions/"+id)
		for _, k := range []string{"id", "kind", "title", "caf", "start", "end", "status", "version", "population"} {
			if got[k] != c[k] {
				t.Errorf("GET %s = %v, POST answered %v", k, got[k], c[k])
			}
		}
		if !slices.Equal(strs(t, got, "communes"), latitudeCommunes) {
			t.Errorf("GET communes %v", got["communes"])
		}

		// A party may create too; EPCIs and communes add up, sorted, and a
		// former code is the current commune.
		body := with(conventionBody(s.orgCC), "kind", "cej", "title", "CEJ Latitude Nord Gironde et Paris",
			"perimeter", map[string]any{"epcis": []string{latitudeNG}, "communes": []string{"75101", "33063"}})
		c2 := s.mustCreate(t, editorCC, body)
		want := append(slices.Clone(latitudeCommunes), "33063", "75056")
		slices.Sort(want)
		if got := strs(t, c2, "communes"); !slices.Equal(got, want) {
			t.Errorf("communes %v, want %v", got, want)
		}
		paris, _ := s.run.Ref.Commune("75056")
		bordeaux, _ := s.run.Ref.Commune("33063")
		if got := num(t, c2, "population"); got != latitudePop+paris.Population+bordeaux.Population {
			t.Errorf("population %d, want %d", got, latitudePop+paris.Population+bordeaux.Population)
		}
	})
}

func TestConventionCreateInvalid(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		good := conventionBody(s.orgCC)
		perimeter := func(epcis, communes []string) map[string]any {
			return map[string]any{"epcis": epcis, "communes": communes}
		}
		invalid := func(name string, body any, fields ...string) scenario {
			return scenario{name: name, method: "POST", path: "/api/v1/conventions", who: editor33, body: body,
				status: http.StatusUnprocessableEntity, contains: []string{`"code":"invalid"`}, fields: fields}
		}
		s.runScenarios(t, []scenario{
			invalid("invalid kind", with(good, "kind", "contrat"), "kind"),
			invalid("unknown EPCI", with(good, "perimeter", perimeter([]string{"000000000"}, nil)), "perimeter.epcis"),
			invalid("unknown commune", with(good, "perimeter", perimeter(nil, []string{"00000"})), "perimeter.communes"),
			invalid("end before start", with(good, "start", "2026-12-31", "end", "2022-11-01"), "end"),
			invalid("end on start", with(good, "end", "2022-11-01"), "end"),
			invalid("date not a date", with(good, "start", "01/11/2022"), "start"),
			invalid("CAF that is not a CAF", with(good, "caf", s.orgCC, "parties", []string{}), "caf"),
			invalid("CAF that does not exist", with(good, "caf", "caf-99"), "caf"),
			invalid("no title", with(good, "title", "  "), "title"),
			invalid("unknown party", with(good, "parties", []string{s.orgCC, "org-nobody"}), "parties"),
			invalid("renews nothing", with(good, "renews", "nothing"), "renews"),
			invalid("empty perimeter", with(good, "perimeter", perimeter(nil, nil))),
			invalid("several mistakes at once", with(good, "kind", "x", "end", "2020-01-01"), "kind", "end"),
			invalid("wrong type", with(good, "parties", "not a list")),
			invalid("malformed JSON", `{"kind": "ctg", `),
			invalid("not an object", `["ctg"]`),
			invalid("two objects", `{} {}`),
			invalid("empty body", ``),
			{name: "reader", method: "POST", path: "/api/v1/conventions", who: reader33, body: good,
				status: http.StatusForbidden, contains: []string{`"code":"forbidden"`}},
		})
		if list := items(t, s.mustGet(t, admin, "/api/v1/conventions")); len(list) != 0 {
			t.Errorf("%d conventions stored by invalid requests", len(list))
		}
	})
}

// hideLength hides the length of a body, so that it is sent chunked.
type hideLength struct{ io.Reader }

func TestBodyTooLarge(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		big := `{"kind": "ctg", "title": "` + strings.Repeat("a", 1<<20) + `"}`
		for _, tc := range []struct {
			name string
			body any
		}{
			{"with Content-Length", big},
			{"chunked", hideLength{strings.NewReader(big)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := s.send(t, "POST", "/api/v1/conventions", editor33, tc.body)
				if r.Status != http.StatusRequestEntityTooLarge || errorCode(r.JSON) != "too_large" {
					t.Errorf("%d %s, want 413 too_large", r.Status, r.Raw)
				}
			})
		}
		// Just under the limit is read, and judged on its content.
		fill := strings.Repeat(" ", 1<<20-len(`{"kind": "x"}`)-10)
		r := s.send(t, "POST", "/api/v1/conventions", editor33, `{"kind": "x"}`+fill)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("body under 1 MiB: %d, want 422\n%.300s", r.Status, r.Raw)
		}
	})
}

func TestConventionPatch(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		id := str(t, c, "id")
		path := "/api/v1/conventions/" + id
		v1 := num(t, c, "version")
		etag1 := fmt.Sprintf(`"%d"`, v1)

		r := s.send(t, "GET", path, reader33, nil)
		if r.Header.Get("ETag") != etag1 {
			t.Errorf("GET ETag %q, want %q", r.Header.Get("ETag"), etag1)
		}

		r = s.send(t, "PATCH", path, editorCC, map[string]any{"title": "CTG Latitude Nord Gironde 2023-2027", "end": "2027-12-31"},
			"If-Match", etag1)
		if r.Status != http.StatusOK {
			t.Fatalf("PATCH with the current If-Match: %d\n%s", r.Status, r.Raw)
		}
		v2 := num(t, r.JSON, "version")
		if v2 != v1+1 {
			t.Errorf("version %d after a change of version %d", v2, v1)
		}
		etag2 := fmt.Sprintf(`"%d"`, v2)
		if r.Header.Get("ETag") != etag2 {
			t.Errorf("ETag %q, want %q", r.Header.Get("ETag"), etag2)
		}
		if r.JSON["title"] != "CTG Latitude Nord Gironde 2023-2027" || r.JSON["end"] != "2027-12-31" {
			t.Errorf("after PATCH %s", r.Raw)
		}
		// A partial change keeps the rest.
		if r.JSON["start"] != "2022-11-01" || r.JSON["kind"] != "ctg" || num(t, r.JSON, "population") != latitudePop {
			t.Errorf("PATCH changed what it did not name: %s", r.Raw)
		}

		unchanged := func(t *testing.T) {
			t.Helper()
			got := s.mustGet(t, editor33, path)
			if num(t, got, "version") != v2 || got["title"] != "CTG Latitude Nord Gironde 2023-2027" || got["end"] != "2027-12-31" ||
				num(t, got, "population") != latitudePop {
				t.Errorf("changed: %v", got)
			}
		}
		s.runScenarios(t, []scenario{
			{name: "stale If-Match", method: "PATCH", path: path, who: editor33, body: map[string]any{"title": "Ancienne version"},
				headers: []string{"If-Match", etag1}, status: http.StatusPreconditionFailed,
				contains: []string{`"code":"precondition_failed"`}, check: func(t *testing.T, r response) { unchanged(t) }},
			{name: "If-Match naming no version", method: "PATCH", path: path, who: editor33, body: map[string]any{"title": "Autre"},
				headers: []string{"If-Match", `"abc"`}, status: http.StatusPreconditionFailed,
				check: func(t *testing.T, r response) { unchanged(t) }},
			{name: "invalid change", method: "PATCH", path: path, who: editor33, body: map[string]any{"end": "2020-01-01"},
				headers: []string{"If-Match", etag2}, status: http.StatusUnprocessableEntity, fields: []string{"end"},
				check: func(t *testing.T, r response) { unchanged(t) }},
			{name: "unknown commune", method: "PATCH", path: path, who: editor33,
				body:    map[string]any{"perimeter": map[string]any{"epcis": []string{}, "communes": []string{"00000"}}},
				headers: []string{"If-Match", etag2}, status: http.StatusUnprocessableEntity, fields: []string{"perimeter.communes"},
				check: func(t *testing.T, r response) { unchanged(t) }},
			{name: "malformed", method: "PATCH", path: path, who: editor33, body: `{"title": `,
				headers: []string{"If-Match", etag2}, status: http.StatusUnprocessableEntity,
				check: func(t *testing.T, r response) { unchanged(t) }},
			{name: "reader of a party", method: "PATCH", path: path, who: readerCC, body: map[string]any{"title": "Lecture"},
				headers: []string{"If-Match", etag2}, status: http.StatusForbidden, contains: []string{`"code":"forbidden"`},
				check: func(t *testing.T, r response) { unchanged(t) }},
			{name: "unknown id", method: "PATCH", path: "/api/v1/conventions/nothing", who: editor33, body: map[string]any{"title": "X"},
				headers: []string{"If-Match", etag2}, status: http.StatusNotFound},
		})

		// The perimeter: communes and population follow.
		r = s.send(t, "PATCH", path, editor33, map[string]any{"perimeter": map[string]any{"epcis": []string{latitudeNG},
			"communes": []string{"33063"}, "excluded": []string{"33114"}}}, "If-Match", `W/"`+fmt.Sprint(v2)+`"`)
		if r.Status != http.StatusOK {
			t.Fatalf("PATCH perimeter: %d\n%s", r.Status, r.Raw)
		}
		want := append(slices.Clone(latitudeCommunes[1:]), "33063")
		slices.Sort(want)
		if got := strs(t, r.JSON, "communes"); !slices.Equal(got, want) {
			t.Errorf("communes %v, want %v", got, want)
		}
		if got, want := num(t, r.JSON, "population"), s.run.Ref.Population(want); got != want {
			t.Errorf("population %d, want %d", got, want)
		}
		if num(t, r.JSON, "version") != v2+1 {
			t.Errorf("version %v, want %d", r.JSON["version"], v2+1)
		}
	})
}

func TestConventionList(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		a := str(t, s.mustCreate(t, editor33, conventionBody(s.orgCC)), "id")
		s.mustSign(t, editor33, a, "2022-11-21")
		b := str(t, s.mustCreate(t, editor33, with(conventionBody(s.orgCC), "kind", "cej", "title", "CEJ Bordeaux",
			"perimeter", map[string]any{"epcis": []string{}, "communes": []string{"33063"}})), "id")
		c := str(t, s.mustCreate(t, editor974, with(conventionBody(s.orgStJoseph), "title", "CTG Saint-Joseph", "caf", "caf-974",
			"perimeter", map[string]any{"epcis": []string{}, "communes": []string{"97412"}})), "id")
		d := str(t, s.mustCreate(t, editor33, with(conventionBody(), "title", "CTG Bordeaux (Caf seule)",
			"perimeter", map[string]any{"epcis": []string{}, "communes": []string{"33063"}})), "id")

		list := func(who, query string, want ...string) scenario {
			return scenario{name: who + " " + query, path: "/api/v1/conventions" + query, who: who, status: http.StatusOK,
				check: func(t *testing.T, r response) {
					if got := ids(t, items(t, r.JSON)); !slices.Equal(got, sorted(want...)) {
						t.Errorf("ids %v, want %v", got, sorted(want...))
					}
				}}
		}
		s.runScenarios(t, []scenario{
			list(admin, "", a, b, c, d),
			list(admin, "?departement=33", a, b, d),
			list(admin, "?departement=974", c),
			list(admin, "?kind=ctg", a, c, d),
			list(admin, "?kind=cej", b),
			list(admin, "?status=signed", a),
			list(admin, "?status=diagnostic", b, c, d),
			list(admin, "?departement=33&kind=ctg&status=signed", a),
			list(admin, "?departement=974&kind=ctg&status=signed"),
			list(reader33, "", a, b, d),
			list(editorCC, "", a, b),
			list(readerCC, "?kind=cej", b),
			list(reader974, "", c),
			list(reader974, "?departement=33"),
		})
		// Each item is a whole convention.
		for _, it := range items(t, s.mustGet(t, admin, "/api/v1/conventions?status=signed")) {
			if it["title"] != "CTG Latitude Nord Gironde 2022-2026" || num(t, it, "population") != latitudePop ||
				!slices.Equal(strs(t, it, "communes"), latitudeCommunes) {
				t.Errorf("item %v", it)
			}
		}
	})
}

func TestConventionStatus(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		id := str(t, s.mustCreate(t, editor33, conventionBody(s.orgCC)), "id")
		path := "/api/v1/conventions/" + id
		alone := str(t, s.mustCreate(t, editor33, with(conventionBody(), "title", "Sans partenaire")), "id")

		current := func(t *testing.T, id string) (string, int) {
			t.Helper()
			c := s.mustGet(t, admin, "/api/v1/conventions/"+id)
			return str(t, c, "status"), num(t, c, "version")
		}
		move := func(t *testing.T, who, id, status, date string) response {
			t.Helper()
			body := map[string]any{"status": status}
			if date != "" {
				body["date"] = date
			}
			return s.send(t, "POST", "/api/v1/conventions/"+id+"/status", who, body)
		}
		refused := func(t *testing.T, id, status, date string, codes ...int) {
			t.Helper()
			if len(codes) == 0 {
				codes = []int{http.StatusConflict}
			}
			before, version := current(t, id)
			r := move(t, editor33, id, status, date)
			if !slices.Contains(codes, r.Status) {
				t.Errorf("%s → %s (date %q): %d, want %v\n%s", before, status, date, r.Status, codes, r.Raw)
			}
			if after, v := current(t, id); after != before || v != version {
				t.Errorf("%s → %s refused but the convention is now %s, version %d (was %d)", before, status, after, v, version)
			}
		}
		accepted := func(t *testing.T, id, status, date string) map[string]any {
			t.Helper()
			_, version := current(t, id)
			r := move(t, editor33, id, status, date)
			if r.Status != http.StatusOK {
				t.Fatalf("→ %s: %d\n%s", status, r.Status, r.Raw)
			}
			if r.JSON["status"] != status || num(t, r.JSON, "version") != version+1 {
				t.Errorf("→ %s: status %v version %v (was %d)", status, r.JSON["status"], r.JSON["version"], version)
			}
			if got, _ := current(t, id); got != status {
				t.Errorf("GET after → %s: %s", status, got)
			}
			return r.JSON
		}

		refused(t, id, "signed", "2022-11-21")
		refused(t, id, "ended", "2026-12-31")
		refused(t, id, "diagnostic", "")
		// API.md: "Anything else: 409". An unknown status may also be
		// answered 422, as an invalid value; either way nothing changes.
		refused(t, id, "archived", "", http.StatusConflict, http.StatusUnprocessableEntity)
		accepted(t, id, "elaboration", "")
		refused(t, id, "elaboration", "")
		refused(t, id, "diagnostic", "")
		refused(t, id, "ended", "2026-12-31")
		refused(t, id, "signed", "")
		refused(t, id, "signed", "21/11/2022", http.StatusConflict, http.StatusUnprocessableEntity)
		c := accepted(t, id, "signed", "2022-11-21")
		if c["signed_on"] != "2022-11-21" {
			t.Errorf("signed_on %v, want 2022-11-21", c["signed_on"])
		}
		refused(t, id, "elaboration", "")
		refused(t, id, "signed", "2022-11-22")
		accepted(t, id, "ended", "2026-12-31")
		refused(t, id, "ended", "2026-12-31")
		refused(t, id, "signed", "2022-11-21")

		// Signing needs a party other than the CAF.
		accepted(t, alone, "elaboration", "")
		refused(t, alone, "signed", "2022-11-21")

		// Readers may not move it; others do not see it.
		s.runScenarios(t, []scenario{
			{name: "reader of the CAF", method: "POST", path: "/api/v1/conventions/" + alone + "/status", who: reader33,
				body: map[string]any{"status": "signed", "date": "2022-11-21"}, status: http.StatusForbidden},
			{name: "editor elsewhere", method: "POST", path: path + "/status", who: editor974,
				body: map[string]any{"status": "ended"}, status: http.StatusNotFound},
			{name: "malformed", method: "POST", path: "/api/v1/conventions/" + alone + "/status", who: editor33,
				body: `{"status": `, status: http.StatusUnprocessableEntity},
		})
	})
}

func TestConventionRenewal(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		cej := s.mustCreate(t, editor33, with(conventionBody(s.orgCC), "kind", "cej", "title", "CEJ Latitude Nord Gironde 2018-2021",
			"start", "2018-01-01", "end", "2021-12-31"))
		cejID := str(t, cej, "id")
		if v, ok := cej["renewed_by"]; !ok || v != nil {
			t.Errorf("new CEJ renewed_by = %v, want null", v)
		}
		ctg := s.mustCreate(t, editor33, with(conventionBody(s.orgCC), "renews", cejID))
		ctgID := str(t, ctg, "id")
		if ctg["renews"] != cejID {
			t.Errorf("renews %v, want %s", ctg["renews"], cejID)
		}
		if got := s.mustGet(t, reader33, "/api/v1/conventions/"+cejID); got["renewed_by"] != ctgID {
			t.Errorf("CEJ renewed_by %v, want %s", got["renewed_by"], ctgID)
		}
		if got := s.mustGet(t, readerCC, "/api/v1/conventions/"+ctgID); got["renewed_by"] != nil {
			t.Errorf("CTG renewed_by %v, want null", got["renewed_by"])
		}
		// In lists too.
		for _, it := range items(t, s.mustGet(t, reader33, "/api/v1/conventions?kind=cej")) {
			if it["id"] == cejID && it["renewed_by"] != ctgID {
				t.Errorf("listed CEJ renewed_by %v, want %s", it["renewed_by"], ctgID)
			}
		}
		hidden := str(t, s.mustCreate(t, editor974, with(conventionBody(s.orgStJoseph), "caf", "caf-974", "kind", "cej",
			"perimeter", map[string]any{"epcis": []string{}, "communes": []string{"97412"}})), "id")
		s.runScenarios(t, []scenario{
			{name: "renewed twice", method: "POST", path: "/api/v1/conventions", who: editor33,
				body: with(conventionBody(s.orgCC), "title", "Autre CTG", "renews", cejID), status: http.StatusUnprocessableEntity,
				fields: []string{"renews"}},
			{name: "renews one it does not see", method: "POST", path: "/api/v1/conventions", who: editor33,
				body: with(conventionBody(s.orgCC), "renews", hidden), status: http.StatusUnprocessableEntity, fields: []string{"renews"}},
			{name: "renews itself", method: "PATCH", path: "/api/v1/conventions/" + ctgID, who: editor33,
				body: map[string]any{"renews": ctgID}, status: http.StatusUnprocessableEntity, fields: []string{"renews"}},
		})
		if got := s.mustGet(t, reader33, "/api/v1/conventions/"+cejID); got["renewed_by"] != ctgID {
			t.Errorf("after refusals, CEJ renewed_by %v, want %s", got["renewed_by"], ctgID)
		}
	})
}

func TestConventionHistory(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		id := str(t, c, "id")
		path := "/api/v1/conventions/" + id
		r := s.send(t, "PATCH", path, editorCC, map[string]any{"title": "CTG Latitude Nord Gironde 2022-2027", "end": "2027-12-31"},
			"If-Match", fmt.Sprintf(`"%d"`, num(t, c, "version")))
		if r.Status != http.StatusOK {
			t.Fatalf("PATCH: %d %s", r.Status, r.Raw)
		}
		// A refused change leaves no line.
		s.send(t, "PATCH", path, editor33, map[string]any{"end": "2000-01-01"})
		s.mustStatus(t, editor33, id, "elaboration", "")
		s.mustStatus(t, editor33, id, "signed", "2022-11-21")

		entries := items(t, s.mustGet(t, readerCC, path+"/history"))
		if len(entries) != 4 {
			t.Fatalf("%d entries, want 4 (create, update, 2 status): %v", len(entries), entries)
		}
		var last time.Time
		for i, e := range entries {
			at, err := time.Parse(time.RFC3339, str(t, e, "at"))
			if err != nil {
				t.Errorf("entry %d: at %v is not RFC 3339", i, e["at"])
			}
			if i > 0 && at.After(last) {
				t.Errorf("entry %d (%v) is newer than entry %d: want newest first", i, at, i-1)
			}
			last = at
			str(t, e, "action")
			if str(t, e, "user") == "" {
				t.Errorf("entry %d without user", i)
			}
			if len(obj(t, e, "changes")) == 0 {
				t.Errorf("entry %d without changes", i)
			}
		}
		change := func(t *testing.T, e map[string]any, field string, before, after any) {
			t.Helper()
			ch, ok := obj(t, e, "changes")[field].(map[string]any)
			if !ok {
				t.Errorf("%v: no change of %s in %v", e["action"], field, e["changes"])
				return
			}
			if _, ok := ch["before"]; !ok {
				t.Errorf("change of %s without before", field)
			}
			if _, ok := ch["after"]; !ok {
				t.Errorf("change of %s without after", field)
			}
			if before != nil && ch["before"] != before {
				t.Errorf("%s before = %v, want %v", field, ch["before"], before)
			}
			if ch["after"] != after {
				t.Errorf("%s after = %v, want %v", field, ch["after"], after)
			}
		}
		signed, elaboration, update, create := entries[0], entries[1], entries[2], entries[3]
		change(t, signed, "status", "elaboration", "signed")
		change(t, elaboration, "status", "diagnostic", "elaboration")
		change(t, update, "title", "CTG Latitude Nord Gironde 2022-2026", "CTG Latitude Nord Gironde 2022-2027")
		change(t, update, "end", "2026-12-31", "2027-12-31")
		if _, ok := obj(t, update, "changes")["start"]; ok {
			t.Error("the update lists start, which did not change")
		}
		change(t, create, "title", nil, "CTG Latitude Nord Gironde 2022-2026")
		for _, by := range []struct {
			entry map[string]any
			who   string
		}{{signed, editor33}, {update, editorCC}, {create, editor33}} {
			if by.entry["user"] != s.users[by.who].Name {
				t.Errorf("%v by %v, want %s", by.entry["action"], by.entry["user"], s.users[by.who].Name)
			}
		}
		if create["action"] == update["action"] || update["action"] == signed["action"] {
			t.Errorf("actions %v, %v, %v should differ", create["action"], update["action"], signed["action"])
		}
	})
}

// TestConventionAccess checks who sees and changes what: a convention
// another organisation may not see answers exactly as one that does not
// exist.
func TestConventionAccess(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		id := str(t, c, "id")
		path := "/api/v1/conventions/" + id
		etag := fmt.Sprintf(`"%d"`, num(t, c, "version"))

		// What a nonexistent convention answers, to compare with.
		missing := map[string]response{}
		requests := []struct {
			method, suffix string
			body           any
		}{
			{"GET", "", nil},
			{"PATCH", "", map[string]any{"title": "Piratée"}},
			{"POST", "/status", map[string]any{"status": "elaboration"}},
			{"GET", "/history", nil},
		}
		for _, rq := range requests {
			r := s.send(t, rq.method, "/api/v1/conventions/doesnotexist"+rq.suffix, reader974, rq.body, "If-Match", etag)
			if r.Status != http.StatusNotFound {
				t.Errorf("%s nonexistent%s: %d, want 404", rq.method, rq.suffix, r.Status)
			}
			missing[rq.method+rq.suffix] = r
		}
		for _, who := range []string{reader974, editor974} {
			for _, rq := range requests {
				t.Run(who+" "+rq.method+rq.suffix, func(t *testing.T) {
					r := s.send(t, rq.method, path+rq.suffix, who, rq.body, "If-Match", etag)
					want := missing[rq.method+rq.suffix]
					if r.Status != want.Status || !bytes.Equal(r.Raw, want.Raw) {
						t.Errorf("%d %s\nwant exactly what a nonexistent one answers: %d %s", r.Status, r.Raw, want.Status, want.Raw)
					}
				})
			}
		}
		s.runScenarios(t, []scenario{
			{name: "reader of a party sees", path: path, who: readerCC, status: http.StatusOK, contains: []string{`"id":"` + id + `"`}},
			{name: "reader of the CAF sees", path: path, who: reader33, status: http.StatusOK},
			{name: "reader of a party reads the history", path: path + "/history", who: readerCC, status: http.StatusOK},
			{name: "reader of a party may not change", method: "PATCH", path: path, who: readerCC, body: map[string]any{"title": "X"},
				headers: []string{"If-Match", etag}, status: http.StatusForbidden, contains: []string{`"code":"forbidden"`}},
			{name: "reader of the CAF may not change", method: "PATCH", path: path, who: reader33, body: map[string]any{"title": "X"},
				headers: []string{"If-Match", etag}, status: http.StatusForbidden},
			{name: "reader may not move the status", method: "POST", path: path + "/status", who: readerCC,
				body: map[string]any{"status": "elaboration"}, status: http.StatusForbidden},
			{name: "admin of another organisation sees", path: path, who: admin, status: http.StatusOK},
			{name: "admin reads the history", path: path + "/history", who: admin, status: http.StatusOK},
			{name: "unchanged", path: path, who: admin, status: http.StatusOK,
				contains: []string{`"title":"CTG Latitude Nord Gironde 2022-2026"`, `"status":"diagnostic"`}},
			{name: "admin changes", method: "PATCH", path: path, who: admin, body: map[string]any{"title": "CTG LNG"},
				headers: []string{"If-Match", etag}, status: http.StatusOK, contains: []string{`"title":"CTG LNG"`}},
			{name: "editor of a party changes", method: "POST", path: path + "/status", who: editorCC,
				body: map[string]any{"status": "elaboration"}, status: http.StatusOK},
		})
	})
}

// TestConventionRenewalUndone checks that a PATCH may set renews back to
// null, as any field of a partial change.
func TestConventionRenewalUndone(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		cejID := str(t, s.mustCreate(t, editor33, with(conventionBody(s.orgCC), "kind", "cej", "title", "CEJ 2018-2021",
			"start", "2018-01-01", "end", "2021-12-31")), "id")
		ctgID := str(t, s.mustCreate(t, editor33, with(conventionBody(s.orgCC), "renews", cejID)), "id")
		r := s.send(t, "PATCH", "/api/v1/conventions/"+ctgID, editor33, `{"renews": null}`)
		if r.Status != http.StatusOK {
			t.Fatalf("PATCH renews null: %d %s", r.Status, r.Raw)
		}
		if r.JSON["renews"] != nil {
			t.Errorf("renews %v after PATCH {\"renews\": null}, want null", r.JSON["renews"])
		}
		if got := s.mustGet(t, editor33, "/api/v1/conventions/"+cejID); got["renewed_by"] != nil {
			t.Errorf("CEJ renewed_by %v, want null", got["renewed_by"])
		}
	})
}

// TestConcurrentPatch sends the same If-Match from several clients at
// once: one change wins, the others answer 412.
func TestConcurrentPatch(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		id := str(t, c, "id")
		etag := fmt.Sprintf(`"%d"`, num(t, c, "version"))
		const n = 6
		statuses := make(chan int, n)
		start := make(chan struct{})
		for i := range n {
			go func() {
				<-start
				r := s.send(t, "PATCH", "/api/v1/conventions/"+id, editor33, map[string]any{"title": fmt.Sprintf("Titre %d", i)}, "If-Match", etag)
				statuses <- r.Status
			}()
		}
		close(start)
		counts := map[int]int{}
		for range n {
			counts[<-statuses]++
		}
		if counts[http.StatusOK] != 1 || counts[http.StatusPreconditionFailed] != n-1 {
			t.Errorf("statuses %v, want one 200 and %d × 412", counts, n-1)
		}
		got := s.mustGet(t, admin, "/api/v1/conventions/"+id)
		if num(t, got, "version") != num(t, c, "version")+1 {
			t.Errorf("version %v after one change", got["version"])
		}
		if h := items(t, s.mustGet(t, admin, "/api/v1/conventions/"+id+"/history")); len(h) != 2 {
			t.Errorf("%d history entries, want 2", len(h))
		}
	})
}

// TestLargePerimeter stores a perimeter of every commune of the Gironde,
// and checks timestamps are RFC 3339.
func TestLargePerimeter(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		gironde, _ := s.run.Ref.Departement("33")
		c := s.mustCreate(t, editor33, with(conventionBody(s.orgCC), "title", "Toute la Gironde",
			"perimeter", map[string]any{"epcis": []string{}, "communes": gironde.Communes}))
		got := s.mustGet(t, reader33, "/api/v1/conventions/"+str(t, c, "id"))
		if n := len(strs(t, got, "communes")); n != len(gironde.Communes) {
			t.Errorf("%d communes, want %d", n, len(gironde.Communes))
		}
		if p := num(t, got, "population"); p != gironde.Population {
			t.Errorf("population %d, want %d", p, gironde.Population)
		}
		for _, k := range []string{"created_at", "updated_at"} {
			if _, err := time.Parse(time.RFC3339, str(t, got, k)); err != nil {
				t.Errorf("%s: %v", k, err)
			}
		}
		for _, v := range arr(t, got, "timeline") {
			if _, err := time.Parse(time.RFC3339, str(t, v.(map[string]any), "at")); err != nil {
				t.Errorf("timeline at: %v", err)
			}
		}
		// Every date of the API is YYYY-MM-DD.
		for _, k := range []string{"start", "end"} {
			if _, err := time.Parse(time.DateOnly, str(t, got, k)); err != nil {
				t.Errorf("%s: %v", k, err)
			}
		}
	})
}

// TestMethodNotAllowed checks that a method the API does not offer answers
// a JSON error too.
func TestMethodNotAllowed(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		id := str(t, s.mustCreate(t, editor33, conventionBody(s.orgCC)), "id")
		for _, rq := range []struct{ method, path string }{
			{"DELETE", "/api/v1/conventions/" + id},
			{"PUT", "/api/v1/conventions/" + id},
			{"DELETE", "/api/v1/communes/33063"},
		} {
			r := s.send(t, rq.method, rq.path, admin, nil)
			if r.Status != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 404", rq.method, rq.path, r.Status)
			}
		}
		if got := s.mustGet(t, admin, "/api/v1/conventions/"+id); got["id"] != id {
			t.Errorf("convention gone after DELETE: %v", got)
		}
	})
}
