package e2e

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
)

// importForm is the multipart body of POST /api/v1/imports, and its
// Content-Type header.
func importForm(t *testing.T, filename string, content io.Reader, fields ...string) (*bytes.Buffer, []string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if filename != "" {
		part, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(part, content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, []string{"Content-Type", w.FormDataContentType()}
}

func testdataFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../internal/diagnostic/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lineOf(t *testing.T, d map[string]any, code string) map[string]any {
	t.Helper()
	for _, l := range arr(t, d, "indicators") {
		if m, _ := l.(map[string]any); m["code"] == code {
			return m
		}
	}
	t.Fatalf("no indicator %s in %v", code, d)
	return nil
}

func float(t *testing.T, m map[string]any, key string) float64 {
	t.Helper()
	v, ok := m[key].(float64)
	if !ok {
		t.Fatalf("%s = %v (%T), want a number", key, m[key], m[key])
	}
	return v
}

// valueCount is what GET /api/v1/conventions/{id}/diagnostic says of the
// stored values, to check a refused import changed nothing.
func (s *server) diagnosticOf(t *testing.T, who, id string) string {
	t.Helper()
	r := s.send(t, "GET", "/api/v1/conventions/"+id+"/diagnostic", who, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("diagnostic: %d %s", r.Status, r.Raw)
	}
	return string(r.Raw)
}

func TestIndicatorsCatalogue(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		list := s.mustGet(t, reader33, "/api/v1/indicators")
		found := map[string]map[string]any{}
		for _, it := range items(t, list) {
			found[str(t, it, "code")] = it
		}
		tc := found["taux_couverture_jeune_enfant"]
		if tc == nil || tc["aggregate"] != "ratio" || tc["numerator"] != "places_accueil_jeune_enfant" || tc["denominator"] != "pop_0_2" || tc["scale"] != 100.0 {
			t.Errorf("taux_couverture_jeune_enfant %v", tc)
		}
		if p := found["population"]; p == nil || p["aggregate"] != "sum" || p["numerator"] != nil || p["built_in"] != true {
			t.Errorf("population %v", p)
		}
		ratio := map[string]any{"code": "part_beneficiaires_aah", "label": "Part des allocataires bénéficiaires de l'AAH", "unit": "%",
			"aggregate": "ratio", "numerator": "beneficiaires_aah", "denominator": "allocataires", "scale": 100}
		s.runScenarios(t, []scenario{
			{name: "reader may not add", method: "POST", path: "/api/v1/indicators", who: reader33, body: ratio, status: 403},
			{name: "anonymous", path: "/api/v1/indicators", who: anonymous, status: 401},
			{name: "editor adds a ratio", method: "POST", path: "/api/v1/indicators", who: editor33, body: ratio, status: 201,
				contains: []string{`"code":"part_beneficiaires_aah"`, `"built_in":false`}},
			{name: "the same code again", method: "POST", path: "/api/v1/indicators", who: editorCC, body: ratio, status: 409},
			{name: "a built-in code", method: "POST", path: "/api/v1/indicators", who: editorCC, status: 409,
				body: map[string]any{"code": "pop_0_2", "label": "x", "aggregate": "sum"}},
			{name: "bad code", method: "POST", path: "/api/v1/indicators", who: editorCC, status: 422, fields: []string{"code"},
				body: map[string]any{"code": "Places ALSH", "label": "x", "aggregate": "sum"}},
			{name: "unknown numerator", method: "POST", path: "/api/v1/indicators", who: editorCC, status: 422, fields: []string{"numerator"},
				body: map[string]any{"code": "taux_alsh", "label": "x", "aggregate": "ratio", "numerator": "places_als", "denominator": "pop_6_10", "scale": 100}},
			{name: "a count", method: "POST", path: "/api/v1/indicators", who: admin, status: 201, contains: []string{`"numerator":null`, `"scale":null`},
				body: map[string]any{"code": "places_alsh", "label": "Places en accueil de loisirs", "unit": "places", "aggregate": "sum"}},
		})
		list = s.mustGet(t, reader974, "/api/v1/indicators")
		if n := num(t, list, "total"); n != len(found)+2 {
			t.Errorf("%d indicators after two additions, want %d", n, len(found)+2)
		}
	})
}

func TestImportAndDiagnostic(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		id := str(t, c, "id")

		// The INSEE extract as Excel saves it: Windows-1252, ";", title-free,
		// with former communes of Val de Virvée and rows that are not communes.
		body, h := importForm(t, "insee_2021.csv", bytes.NewReader(testdataFile(t, "insee_2021_w1252.csv")), "source", "INSEE, recensement 2021",
			"mapping", `{"P21_POP0002": "pop_0_2", "P21_POP0305": "pop_3_5", "P21_POP2539": "pop_25_64", "P21_POP4054": "pop_25_64", "P21_POP5564": "pop_25_64", "P21_POP": "population", "C21_FAMMONO": "familles_monoparentales"}`)
		r := s.send(t, "POST", "/api/v1/imports", editor33, body, h...)
		if r.Status != http.StatusCreated {
			t.Fatalf("import: %d %s", r.Status, r.Raw)
		}
		sum := r.JSON
		if num(t, sum, "rows") != 17 || num(t, sum, "communes") != 13 || num(t, sum, "values") != 64 || num(t, sum, "secret") != 1 || num(t, sum, "year") != 2021 {
			t.Errorf("summary %s", r.Raw)
		}
		if got := strs(t, sum, "unknown_codes"); strings.Join(got, ",") != "75101,97501" {
			t.Errorf("unknown_codes %v", got)
		}
		if got := strs(t, sum, "ignored_columns"); strings.Join(got, ",") != "LIBGEO,Remarque" {
			t.Errorf("ignored_columns %v", got)
		}
		if m := arr(t, sum, "merged"); len(m) != 1 || m[0].(map[string]any)["commune"] != "33018" {
			t.Errorf("merged %v", m)
		}
		if loc := r.Header.Get("Location"); loc != "/api/v1/imports/"+str(t, sum, "id") {
			t.Errorf("Location %q", loc)
		}
		imp := s.mustGet(t, reader974, "/api/v1/imports/"+str(t, sum, "id"))
		if imp["status"] != "done" || imp["user_name"] != "Personne editor33" || obj(t, imp, "summary")["communes"] != 13.0 {
			t.Errorf("import %v", imp)
		}

		// The CAF's open data: UTF-8 with a BOM, ",", an explicit mapping.
		body, h = importForm(t, "caf_2022.csv", bytes.NewReader(testdataFile(t, "caf_2022_bom.csv")), "year", "2022", "source", "Cnaf",
			"mapping", `{"NB_Allocataires": "allocataires", "ALL_bas_revenu": "allocataires_bas_revenus"}`)
		r = s.send(t, "POST", "/api/v1/imports", editorCC, body, h...)
		if r.Status != http.StatusCreated || num(t, r.JSON, "secret") != 2 {
			t.Fatalf("CAF import: %d %s", r.Status, r.Raw)
		}

		d := s.mustGet(t, readerCC, "/api/v1/conventions/"+id+"/diagnostic")
		// 81 + 97 + 26 + 71 + 30 + 104 + 27 + 44 + 59 + 128 + 11 + 96, and
		// Val de Virvée's 38 + 52 + 41 in the Gironde.
		l := lineOf(t, d, "pop_0_2")
		if float(t, l, "perimeter") != 774 || float(t, l, "departement") != 905 || float(t, l, "france") != 905 ||
			num(t, l, "communes_with_value") != 12 || num(t, l, "communes_total") != 12 || num(t, l, "year") != 2021 || l["source"] != "INSEE, recensement 2021" {
			t.Errorf("pop_0_2 %v", l)
		}
		l = lineOf(t, d, "population")
		if float(t, l, "perimeter") != latitudePop || num(t, l, "year") != 2023 {
			t.Errorf("population %v", l)
		}
		// Σ low incomes / Σ allocataires over the 10 communes with both.
		want := 778.0 / 3457 * 100
		l = lineOf(t, d, "part_allocataires_bas_revenus")
		if math.Abs(float(t, l, "perimeter")-want) > 1e-9 || math.Abs(float(t, l, "france")-want) > 1e-9 || num(t, l, "communes_with_value") != 10 {
			t.Errorf("part_allocataires_bas_revenus %v, want %v", l, want)
		}
		for _, line := range arr(t, d, "indicators") {
			m := line.(map[string]any)
			for _, k := range []string{"code", "label", "unit", "year", "source", "perimeter", "departement", "france", "communes_with_value", "communes_total"} {
				if _, ok := m[k]; !ok {
					t.Errorf("%s has no %s", m["code"], k)
				}
			}
		}
		det := s.mustGet(t, editorCC, "/api/v1/conventions/"+id+"/diagnostic/communes?indicators=pop_0_2,part_allocataires_bas_revenus")
		if rows := arr(t, det, "communes"); len(rows) != 12 {
			t.Errorf("detail: %d communes", len(rows))
		}

		before := s.diagnosticOf(t, editor33, id)
		s.runScenarios(t, []scenario{
			{name: "another CAF's reader", path: "/api/v1/conventions/" + id + "/diagnostic", who: reader974, status: 404},
			{name: "another CAF's editor, detail", path: "/api/v1/conventions/" + id + "/diagnostic/communes", who: editor974, status: 404},
			{name: "unknown convention", path: "/api/v1/conventions/nope/diagnostic", who: admin, status: 404},
			{name: "unknown indicator in detail", path: "/api/v1/conventions/" + id + "/diagnostic/communes?indicators=pop_0_3", who: admin, status: 422, fields: []string{"indicators"}},
			{name: "unknown import", path: "/api/v1/imports/nope", who: admin, status: 404},
		})

		// Bad files are refused whole with a French message; nothing changes.
		for _, tc := range []struct {
			name, who, file, content string
			fields                   []string
			status                   int
			says                     string
		}{
			{"reader", reader33, "a.csv", "CODGEO;pop_0_2\n33114;1\n", nil, 403, "lecture"},
			{"empty file", editor33, "vide.csv", "", nil, 422, "Le fichier est vide."},
			{"no geography column", editor33, "a.csv", "LIBGEO;P21_POP0002\nCavignac;1\n", nil, 422, "Aucune colonne de codes commune"},
			{"text for a number", editor33, "a.csv", "CODGEO;P21_POP0002\n33114;1\n33123;douze\n", []string{"ligne 3, colonne P21_POP0002"}, 422, "pas des nombres"},
			{"a code twice", editor33, "a.csv", "CODGEO;P21_POP0002\n33114;1\n33114;2\n", []string{"ligne 3, colonne CODGEO"}, 422, "lignes 2 et 3"},
			{"no file", editor33, "", "", []string{"file"}, 422, "corriger"},
			{"Latin-1 with a broken quote", editor33, "a.csv", "CODGEO;Libell\xe9;P21_POP0002\n33114;\"Cavignac;1\n", nil, 422, "guillemet"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				body, h := importForm(t, tc.file, strings.NewReader(tc.content), "year", "2021")
				if tc.file == "" {
					body, h = importForm(t, "", nil, "year", "2021")
				}
				r := s.send(t, "POST", "/api/v1/imports", tc.who, body, h...)
				if r.Status != tc.status || !strings.Contains(fmt.Sprint(errorOf(r.JSON)["message"]), tc.says) {
					t.Errorf("%d %s, want %d saying %q", r.Status, r.Raw, tc.status, tc.says)
				}
				for _, f := range tc.fields {
					if _, ok := errorFields(r.JSON)[f]; !ok {
						t.Errorf("no field %q: %s", f, r.Raw)
					}
				}
				if after := s.diagnosticOf(t, editor33, id); after != before {
					t.Error("a refused import changed the diagnosis")
				}
			})
		}
		badMapping, hm := importForm(t, "a.csv", strings.NewReader("CODGEO;x\n33114;1\n"), "mapping", "{x")
		s.runScenarios(t, []scenario{
			{name: "not multipart", method: "POST", path: "/api/v1/imports", who: editor33, body: map[string]any{"file": "x"}, status: 422},
			{name: "bad mapping", method: "POST", path: "/api/v1/imports", who: editor33, status: 422, fields: []string{"mapping"},
				body: badMapping.Bytes(), headers: hm},
		})
	})
}

// A file of 200 MB is refused with 413 and a French message, before or
// while it is read, and the 1 MiB limit of other routes does not apply to
// imports.
func TestImportTooLarge(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		// Over 1 MiB but well under the limit: accepted.
		var b strings.Builder
		b.WriteString("CODGEO;pop_0_2;commentaire\n")
		b.WriteString("33114;81;" + strings.Repeat("x", 2<<20) + "\n")
		body, h := importForm(t, "moyen.csv", strings.NewReader(b.String()), "year", "2021")
		if r := s.send(t, "POST", "/api/v1/imports", editor33, body, h...); r.Status != http.StatusCreated {
			t.Errorf("a 2 MB file: %d %s", r.Status, r.Raw)
		}
		// 200 MB, streamed: refused.
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			part, _ := mw.CreateFormFile("file", "enorme.csv")
			chunk := bytes.Repeat([]byte("33114;1;xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"), 1<<14)
			for n := 0; n < 200_000_000; n += len(chunk) {
				if _, err := part.Write(chunk); err != nil {
					pw.CloseWithError(err)
					return
				}
			}
			mw.Close()
			pw.Close()
		}()
		req, _ := http.NewRequest("POST", s.base+"/api/v1/imports", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+s.tokens[editor33])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		pr.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge || !bytes.Contains(raw, []byte(`"code":"too_large"`)) || !bytes.Contains(raw, []byte("200 Mo")) {
			t.Errorf("200 MB streamed: %d %s", res.StatusCode, raw)
		}
		// A declared length over the limit is refused before reading.
		req, _ = http.NewRequest("POST", s.base+"/api/v1/imports", strings.NewReader("x"))
		req.ContentLength = 250_000_000
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		req.Header.Set("Authorization", "Bearer "+s.tokens[editor33])
		res, err = http.DefaultClient.Do(req)
		if err == nil {
			raw, _ = io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusRequestEntityTooLarge || !bytes.Contains(raw, []byte("200 Mo")) {
				t.Errorf("declared 250 MB: %d %s", res.StatusCode, raw)
			}
		}
	})
}
