package e2e

import (
	"bytes"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// stJosephConvention creates the contrat enfance jeunesse of Saint-Joseph
// (La Réunion), 2003-2005, with the commune and the other partners as
// parties, an axis and an action; it returns the convention's id, the
// action's id and version, and the id of the other partners.
func (s *server) stJosephConvention(t *testing.T) (conv, action string, version int, others string) {
	t.Helper()
	others = mustOrg(t, s, "Autres partenaires de Saint-Joseph", "other", "")
	c := s.mustCreate(t, editor974, map[string]any{"kind": "cej", "title": "Contrat enfance jeunesse de Saint-Joseph 2003-2005", "caf": "caf-974",
		"perimeter": map[string]any{"epcis": []string{}, "communes": []string{"97412"}}, "start": "2003-01-01", "end": "2005-12-31",
		"parties": []string{s.orgStJoseph, others}})
	conv = str(t, c, "id")
	ax := s.mustPost(t, editor974, "/api/v1/conventions/"+conv+"/axes", map[string]any{"title": "Enfance et jeunesse"})
	a := s.mustPost(t, editor974, "/api/v1/axes/"+str(t, ax, "id")+"/actions", map[string]any{"title": "Plan de développement enfance jeunesse",
		"fields": []string{"enfance", "jeunesse"}, "status": "planned"})
	return conv, str(t, a, "id"), num(t, a, "version"), others
}

// stJosephLines is the budget of Saint-Joseph for 2003-2005: 22 246 000 € =
// 6 935 000 € from the commune + 10 761 000 € from the CAF + 4 550 000 €
// from the other partners, spread over the three years.
func stJosephLines(commune, others string) []map[string]any {
	var lines []map[string]any
	for _, f := range []struct {
		id    string
		years [3]int64
	}{
		{commune, [3]int64{231200000, 231200000, 231100000}},
		{"caf-974", [3]int64{358700000, 358700000, 358700000}},
		{others, [3]int64{151700000, 151700000, 151600000}},
	} {
		for i, c := range f.years {
			lines = append(lines, map[string]any{"funder": f.id, "year": 2003 + i, "nature": "fonctionnement", "planned_cents": c, "actual_cents": nil})
		}
	}
	lines[3]["actual_cents"] = 341250000 // the CAF's 2003, spent
	return lines
}

// plannedOf reads planned_cents of a budget as an exact integer.
func plannedOf(t *testing.T, m map[string]any) int64 {
	t.Helper()
	v, ok := m["planned_cents"].(float64)
	if !ok || v != math.Trunc(v) {
		t.Fatalf("planned_cents = %v", m["planned_cents"])
	}
	return int64(v)
}

func TestBudget(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		conv, action, version, others := s.stJosephConvention(t)
		path := "/api/v1/actions/" + action + "/budget"
		lines := stJosephLines(s.orgStJoseph, others)

		r := s.send(t, "PUT", path, editor974, map[string]any{"lines": lines}, "If-Match", strconv.Quote(strconv.Itoa(version)))
		if r.Status != http.StatusOK {
			t.Fatalf("PUT budget: %d %s", r.Status, r.Raw)
		}
		after := num(t, r.JSON, "version")
		if after != version+1 || r.Header.Get("ETag") != strconv.Quote(strconv.Itoa(after)) || len(arr(t, r.JSON, "lines")) != 9 || plannedOf(t, r.JSON) != 2224600000 {
			t.Errorf("PUT answered version %d, ETag %s: %s", after, r.Header.Get("ETag"), r.Raw)
		}

		// The totals: 22 246 000 €, the CAF first, shares that add up to 1.
		total := s.mustGet(t, reader974, "/api/v1/conventions/"+conv+"/budget")
		if plannedOf(t, total) != 2224600000 || num(t, total, "actual_cents") != 341250000 {
			t.Errorf("totals %v / %v", total["planned_cents"], total["actual_cents"])
		}
		funders := arr(t, total, "by_funder")
		want := []struct {
			id    string
			cents int64
		}{{"caf-974", 1076100000}, {s.orgStJoseph, 693500000}, {others, 455000000}}
		sum := 0.0
		for i, w := range want {
			f := funders[i].(map[string]any)
			share, _ := f["share"].(float64)
			if str(t, f, "funder") != w.id || plannedOf(t, f) != w.cents || math.Abs(share-float64(w.cents)/2224600000) > 1e-12 {
				t.Errorf("funder %d: %v, want %s %d", i, f, w.id, w.cents)
			}
			sum += share
		}
		if len(funders) != 3 || math.Abs(sum-1) > 1e-9 {
			t.Errorf("shares add up to %v: %v", sum, funders)
		}
		if s := funders[0].(map[string]any)["share"].(float64); s == math.Round(s*100)/100 {
			t.Errorf("share %v rounded to 2 decimals", s)
		}
		years := arr(t, total, "by_year")
		axes := arr(t, total, "by_axis")
		if len(years) != 3 || num(t, years[0].(map[string]any), "year") != 2003 || len(axes) != 1 || num(t, axes[0].(map[string]any), "number") != 1 {
			t.Errorf("by year %v, by axis %v", years, axes)
		}

		// The workbook reads the same totals.
		x := s.send(t, "GET", "/api/v1/conventions/"+conv+"/budget.xlsx", readerCC, nil)
		if x.Status != http.StatusNotFound {
			t.Errorf("workbook of a convention a CC reader does not see: %d", x.Status)
		}
		x = s.send(t, "GET", "/api/v1/conventions/"+conv+"/budget.xlsx", reader974, nil)
		if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Disposition"), "budget-contrat-enfance-jeunesse-de-saint-joseph-2003-2005.xlsx") {
			t.Fatalf("GET budget.xlsx: %d %v", x.Status, x.Header)
		}
		sheet := readWorkbook(t, x.Raw)
		if got := len(sheet["Budget"]); got != 10 {
			t.Errorf("sheet Budget has %d rows, want a header and 9 lines", got)
		}
		head := sheet["Totaux"][0]
		totalRow := sheet["Totaux"][len(sheet["Totaux"])-1]
		col := slices.Index(head, "Total prévu (€)")
		if col < 0 || totalRow[0] != "Total" || euroCents(t, totalRow[col]) != plannedOf(t, total) {
			t.Errorf("Totaux: header %v, total row %v", head, totalRow)
		}
		for i, f := range funders {
			row := sheet["Totaux"][i+1]
			if row[1] != f.(map[string]any)["funder"] || euroCents(t, row[col]) != plannedOf(t, f.(map[string]any)) {
				t.Errorf("Totaux row %d %v, want %v", i+1, row, f)
			}
		}

		// Changes that may not be made change nothing.
		unchanged := func(t *testing.T) {
			t.Helper()
			b := s.mustGet(t, reader974, path)
			if num(t, b, "version") != after || plannedOf(t, b) != 2224600000 || len(arr(t, b, "lines")) != 9 {
				t.Errorf("the budget changed: %v", b)
			}
		}
		line := func(kv ...any) []map[string]any {
			l := map[string]any{"funder": "caf-974", "year": 2004, "nature": "fonctionnement", "planned_cents": 100}
			for i := 0; i+1 < len(kv); i += 2 {
				l[kv[i].(string)] = kv[i+1]
			}
			return []map[string]any{{"funder": s.orgStJoseph, "year": 2003, "nature": "investissement", "planned_cents": 5}, l}
		}
		fieldIs := func(key, msg string) func(t *testing.T, r response) {
			return func(t *testing.T, r response) {
				if got := errorFields(r.JSON)[key]; got != msg {
					t.Errorf("fields[%s] = %q\nwant %q", key, got, msg)
				}
				unchanged(t)
			}
		}
		stale := strconv.Quote(strconv.Itoa(version))
		s.runScenarios(t, []scenario{
			{name: "stale If-Match", method: "PUT", path: path, who: editor974, body: map[string]any{"lines": line()}, headers: []string{"If-Match", stale}, status: 412,
				check: func(t *testing.T, r response) { unchanged(t) }},
			{name: "negative", method: "PUT", path: path, who: editor974, body: map[string]any{"lines": line("planned_cents", -1250)}, status: 422,
				check: fieldIs("lines[1].planned_cents", "ligne 2 : le montant prévu ne peut pas être négatif (-12,50\u00a0€).")},
			{name: "absurd", method: "PUT", path: path, who: editor974, body: map[string]any{"lines": line("actual_cents", int64(2e12))}, status: 422,
				check: fieldIs("lines[1].actual_cents", "ligne 2 : le montant réalisé (20\u00a0000\u00a0000\u00a0000,00\u00a0€) dépasse 10 milliards d'euros : les montants s'écrivent en centimes, vérifiez-le.")},
			{name: "year outside", method: "PUT", path: path, who: editor974, body: map[string]any{"lines": line("year", 2031)}, status: 422,
				check: fieldIs("lines[1].year", "ligne 2 : l'année 2031 est en dehors de la convention (2003-2005).")},
			{name: "unknown funder", method: "PUT", path: path, who: editor974, body: map[string]any{"lines": line("funder", "mairie")}, status: 422,
				check: fieldIs("lines[1].funder", "ligne 2 : le financeur « mairie » n'est pas une organisation connue : choisissez une organisation enregistrée (son identifiant, par exemple caf-974).")},
			{name: "unknown nature", method: "PUT", path: path, who: editor974, body: map[string]any{"lines": line("nature", "subvention")}, status: 422,
				check: fieldIs("lines[1].nature", "ligne 2 : la nature « subvention » est inconnue : choisissez fonctionnement ou investissement.")},
			{name: "cents not integers", method: "PUT", path: path, who: editor974, body: `{"lines": [{"funder": "caf-974", "year": 2004, "nature": "fonctionnement", "planned_cents": 12.5}]}`,
				status: 422, check: func(t *testing.T, r response) { unchanged(t) }},
			{name: "no lines", method: "PUT", path: path, who: editor974, body: map[string]any{}, status: 422, fields: []string{"lines"}},
			{name: "reader", method: "PUT", path: path, who: reader974, body: map[string]any{"lines": line()}, status: 403,
				check: func(t *testing.T, r response) { unchanged(t) }},
			{name: "outsider changes", method: "PUT", path: path, who: editor33, body: map[string]any{"lines": line()}, status: 404},
			{name: "outsider reads", path: path, who: editor33, status: 404},
			{name: "outsider reads the totals", path: "/api/v1/conventions/" + conv + "/budget", who: reader33, status: 404},
			{name: "anonymous", path: path, status: 401},
			{name: "lines of a year", path: "/api/v1/conventions/" + conv + "/budget/lines?year=2004", who: reader974, status: 200,
				check: func(t *testing.T, r response) {
					list := items(t, r.JSON)
					if len(list) != 3 || str(t, list[0], "ref") != "Axe 1 / Action 1" || num(t, list[0], "year") != 2004 {
						t.Errorf("lines of 2004: %s", r.Raw)
					}
				}},
			{name: "CAF commitments", path: "/api/v1/organisations/caf-974/commitments", who: reader974, status: 200,
				check: func(t *testing.T, r response) {
					years := arr(t, r.JSON, "by_year")
					if plannedOf(t, r.JSON) != 1076100000 || len(years) != 3 || plannedOf(t, years[2].(map[string]any)) != 358700000 {
						t.Errorf("commitments %s", r.Raw)
					}
				}},
			{name: "commitments of what is not a CAF", path: "/api/v1/organisations/" + s.orgStJoseph + "/commitments", who: reader974, status: 422},
		})

		// Import: the exported workbook, one amount changed, replaces the budget.
		edited := editWorkbook(t, x.Raw, func(f *excelize.File) {
			f.SetCellValue("Budget", "I2", 2312001.5)
		})
		body, headers := multipartFile(t, "budget.xlsx", edited)
		r = s.send(t, "POST", "/api/v1/conventions/"+conv+"/budget.xlsx", editor974, body, headers...)
		if r.Status != http.StatusOK || plannedOf(t, r.JSON) != 2224600000+150 || num(t, r.JSON, "changed") != 1 {
			t.Fatalf("import: %d %s", r.Status, r.Raw)
		}
		imported := s.mustGet(t, reader974, path)
		after = num(t, imported, "version")
		if plannedOf(t, imported) != 2224600150 {
			t.Errorf("after the import %v", imported["planned_cents"])
		}
		badCell := editWorkbook(t, x.Raw, func(f *excelize.File) {
			f.SetCellValue("Budget", "G3", 2031)
			f.SetCellValue("Budget", "I4", "douze euros")
		})
		importScenario := func(name, who, file string, content []byte, status int, check func(t *testing.T, r response)) scenario {
			body, headers := multipartFile(t, file, content)
			return scenario{name: name, method: "POST", path: "/api/v1/conventions/" + conv + "/budget.xlsx", who: who, body: body, headers: headers, status: status,
				check: func(t *testing.T, r response) {
					b := s.mustGet(t, reader974, path)
					if num(t, b, "version") != after || plannedOf(t, b) != 2224600150 {
						t.Errorf("a refused import changed the budget: %v", b)
					}
					if check != nil {
						check(t, r)
					}
				}}
		}
		s.runScenarios(t, []scenario{
			importScenario("not a workbook", editor974, "budget.xlsx", []byte("PK\x03\x04 ceci n'est pas un classeur"), 422, nil),
			importScenario("wrong cells", editor974, "budget.xlsx", badCell, 422, func(t *testing.T, r response) {
				fields := errorFields(r.JSON)
				if fields["ligne 3, colonne Année"] != "ligne 3, colonne Année : l'année 2031 est en dehors de la convention (2003-2005)." ||
					fields["ligne 4, colonne Prévu (€)"] != "ligne 4, colonne Prévu (€) : « douze euros » n'est pas un montant en euros (par exemple 1 234,56)." {
					t.Errorf("fields %v", fields)
				}
			}),
			importScenario("no column", editor974, "budget.csv", []byte("Axe;Titre\n1;x\n"), 422, func(t *testing.T, r response) {
				if msg, _ := errorFields(r.JSON)["fichier"].(string); !strings.Contains(msg, "Colonne introuvable : « Action »") {
					t.Errorf("fields %s", r.Raw)
				}
			}),
			importScenario("reader", reader974, "budget.xlsx", edited, 403, nil),
			importScenario("outsider", editor33, "budget.xlsx", edited, 404, nil),
		})

		// Publication.
		s.runScenarios(t, []scenario{
			{name: "publish as a reader", method: "POST", path: "/api/v1/conventions/" + conv + "/publish", who: reader974, body: map[string]any{}, status: 403},
			{name: "publish", method: "POST", path: "/api/v1/conventions/" + conv + "/publish", who: editor974,
				body: map[string]any{"show_budget": true, "summary": "Ce que la commune et la Caf ont décidé."}, status: 200,
				contains: []string{`"public_url":"/p/contrat-enfance-jeunesse-de-saint-joseph-2003-2005"`, `"show_budget":true`}},
			{name: "publish with no body", method: "POST", path: "/api/v1/conventions/" + conv + "/publish", who: editor974, status: 200,
				contains: []string{`"public_url":"/p/contrat-enfance-jeunesse-de-saint-joseph-2003-2005"`, `"show_budget":false`}},
			{name: "read", path: "/api/v1/conventions/" + conv + "/publish", who: reader974, status: 200, contains: []string{`"slug":"contrat-enfance-jeunesse-de-saint-joseph-2003-2005"`}},
			{name: "withdraw", method: "DELETE", path: "/api/v1/conventions/" + conv + "/publish", who: editor974, status: 204},
			{name: "withdrawn", path: "/api/v1/conventions/" + conv + "/publish", who: reader974, status: 404},
		})

		h := s.mustGet(t, reader974, "/api/v1/conventions/"+conv+"/history")
		seen := map[string]bool{}
		for _, e := range items(t, h) {
			seen[str(t, e, "action")] = true
		}
		for _, a := range []string{"budget.update", "budget.import", "publication.publish", "publication.update", "publication.unpublish"} {
			if !seen[a] {
				t.Errorf("no %s in the history: %v", a, seen)
			}
		}
	})
}

// readWorkbook returns every sheet of an XLSX file as rows of cell texts
// (stored values, not the displayed ones).
func readWorkbook(t *testing.T, data []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}

// editWorkbook returns a copy of an XLSX file changed by edit.
func editWorkbook(t *testing.T, data []byte, edit func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edit(f)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// euroCents reads a workbook's amount in euros ("22246000", "2312001.5")
// as exact cents.
func euroCents(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return n
}
