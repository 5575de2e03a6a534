package e2e

import (
	"net/http"
	"slices"
	"testing"
)

// count reads a {"communes", "population"} object.
func count(t *testing.T, m map[string]any, key string) [2]int {
	t.Helper()
	o := obj(t, m, key)
	return [2]int{num(t, o, "communes"), num(t, o, "population")}
}

// expiringIDs returns the ids listed in "expiring".
func expiringIDs(t *testing.T, cv map[string]any) []string {
	t.Helper()
	var out []string
	for _, v := range arr(t, cv, "expiring") {
		e := v.(map[string]any)
		out = append(out, str(t, e, "id"))
		str(t, e, "title")
		str(t, e, "end")
	}
	return out
}

func TestCoverage(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ref := s.run.Ref
		gironde, _ := ref.Departement("33")
		// A signed CTG over the CC Latitude Nord Gironde, 2022-11-01 to
		// 2026-12-31; a second signed CTG over one of its communes, which
		// must not count it twice; a CEJ of Bordeaux that stays in
		// diagnostic and covers nothing; a signed CTG in La Réunion.
		ctg := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		ctgID := str(t, ctg, "id")
		s.mustSign(t, editor33, ctgID, "2022-11-21")
		overlap := str(t, s.mustCreate(t, editor33, with(conventionBody(s.orgCC), "title", "CTG Saint-Savin",
			"perimeter", map[string]any{"epcis": []string{}, "communes": []string{"33473"}})), "id")
		s.mustSign(t, editor33, overlap, "2022-11-21")
		s.mustCreate(t, editor33, with(conventionBody(s.orgCC), "kind", "cej", "title", "CEJ Bordeaux",
			"perimeter", map[string]any{"epcis": []string{}, "communes": []string{"33063"}}))
		reunion := str(t, s.mustCreate(t, editor974, with(conventionBody(s.orgStJoseph), "title", "CTG Saint-Joseph", "caf", "caf-974",
			"start", "2023-01-01", "end", "2025-06-30",
			"perimeter", map[string]any{"epcis": []string{}, "communes": []string{"97412"}})), "id")
		s.mustSign(t, editor974, reunion, "2023-01-10")
		stJoseph, _ := ref.Commune("97412")

		dep33 := func(t *testing.T, date string, ctgCount [2]int, expiring ...string) {
			t.Helper()
			cv := s.mustGet(t, reader33, "/api/v1/coverage?departement=33&date="+date)
			if cv["departement"] != "33" || cv["date"] != date {
				t.Errorf("departement %v date %v", cv["departement"], cv["date"])
			}
			total := [2]int{num(t, cv, "communes"), num(t, cv, "population")}
			if total != [2]int{len(gironde.Communes), gironde.Population} || total[0] != 534 {
				t.Errorf("total %v, want %d communes (534), population %d", total, len(gironde.Communes), gironde.Population)
			}
			byKind := obj(t, cv, "by_kind")
			if got := count(t, byKind, "ctg"); got != ctgCount {
				t.Errorf("%s: by_kind.ctg %v, want %v", date, got, ctgCount)
			}
			if got := count(t, byKind, "cej"); got != [2]int{} {
				t.Errorf("%s: by_kind.cej %v: a convention in diagnostic covers nothing", date, got)
			}
			if got, want := count(t, cv, "uncovered"), [2]int{total[0] - ctgCount[0], total[1] - ctgCount[1]}; got != want {
				t.Errorf("%s: uncovered %v, want %v", date, got, want)
			}
			if len(expiring) == 1 && expiring[0] == "?" {
				return
			}
			if got := expiringIDs(t, cv); !slices.Equal(sorted(got...), sorted(expiring...)) {
				t.Errorf("%s: expiring %v, want %v", date, got, expiring)
			}
		}
		covered := [2]int{12, latitudePop}
		dep33(t, "2024-01-01", covered)
		dep33(t, "2022-11-01", covered) // first day
		// The last day; whether a convention ending that very day is
		// "expiring" is left open by API.md ("?": not checked).
		dep33(t, "2026-12-31", covered, "?")
		dep33(t, "2022-10-31", [2]int{}) // not yet
		dep33(t, "2027-01-01", [2]int{}) // over
		dep33(t, "2026-01-01", covered, ctgID, overlap)
		dep33(t, "2025-12-31", covered, ctgID, overlap) // ends exactly 12 months later
		dep33(t, "2025-12-30", covered)                 // ends 12 months and a day later

		// Figures count every signed convention, but a reader of another
		// Caf is not told the titles of conventions they may not open.
		other := s.mustGet(t, reader974, "/api/v1/coverage?departement=33&date=2026-01-01")
		if got := count(t, obj(t, other, "by_kind"), "ctg"); got != covered {
			t.Errorf("reader974: by_kind.ctg %v, want %v", got, covered)
		}
		if got := expiringIDs(t, other); len(got) != 0 {
			t.Errorf("reader974 is told of conventions they cannot open: %v", got)
		}

		// The expiring entry carries what API.md shows.
		cv := s.mustGet(t, reader33, "/api/v1/coverage?departement=33&date=2026-06-01")
		found := false
		for _, v := range arr(t, cv, "expiring") {
			e := v.(map[string]any)
			if e["id"] == ctgID {
				found = true
				if e["title"] != "CTG Latitude Nord Gironde 2022-2026" || e["end"] != "2026-12-31" {
					t.Errorf("expiring %v", e)
				}
			}
			if e["id"] == reunion {
				t.Error("a convention of La Réunion expires in the Gironde")
			}
		}
		if !found {
			t.Errorf("expiring %v lacks %s", cv["expiring"], ctgID)
		}

		// La Réunion counts its own.
		cv = s.mustGet(t, admin, "/api/v1/coverage?departement=974&date=2024-07-01")
		if got := count(t, obj(t, cv, "by_kind"), "ctg"); got != [2]int{1, stJoseph.Population} {
			t.Errorf("974: by_kind.ctg %v, want [1 %d]", got, stJoseph.Population)
		}
		if got := expiringIDs(t, cv); len(got) != 1 || got[0] != reunion {
			t.Errorf("974 expiring %v, want [%s]", got, reunion)
		}

		// All of France, with a row per département.
		cv = s.mustGet(t, admin, "/api/v1/coverage?date=2024-07-01")
		allPop := 0
		for _, c := range ref.AllCommunes() {
			allPop += c.Population
		}
		if got := [2]int{num(t, cv, "communes"), num(t, cv, "population")}; got != [2]int{ref.NumCommunes(), allPop} || got[0] != 34875 {
			t.Errorf("France %v, want %d communes (34875), population %d", got, ref.NumCommunes(), allPop)
		}
		wantCTG := [2]int{13, latitudePop + stJoseph.Population}
		if got := count(t, obj(t, cv, "by_kind"), "ctg"); got != wantCTG {
			t.Errorf("France by_kind.ctg %v, want %v", got, wantCTG)
		}
		if got, want := count(t, cv, "uncovered"), [2]int{ref.NumCommunes() - 13, allPop - wantCTG[1]}; got != want {
			t.Errorf("France uncovered %v, want %v", got, want)
		}
		if got := expiringIDs(t, cv); len(got) != 1 || got[0] != reunion {
			t.Errorf("France expiring %v, want [%s]", got, reunion)
		}
		var rows []map[string]any
		for _, v := range arr(t, cv, "departements") {
			rows = append(rows, v.(map[string]any))
		}
		if len(rows) != 101 {
			t.Fatalf("%d rows of départements, want 101", len(rows))
		}
		sum := [2]int{}
		for _, row := range rows {
			code := str(t, row, "departement")
			d, ok := ref.Departement(code)
			if !ok {
				t.Errorf("row of unknown département %q", code)
				continue
			}
			if got := [2]int{num(t, row, "communes"), num(t, row, "population")}; got != [2]int{len(d.Communes), d.Population} {
				t.Errorf("row %s: %v, want %d communes, population %d", code, got, len(d.Communes), d.Population)
			}
			sum[0] += num(t, row, "communes")
			sum[1] += num(t, row, "population")
			ctgRow := count(t, obj(t, row, "by_kind"), "ctg")
			switch code {
			case "33":
				if ctgRow != covered {
					t.Errorf("row 33: ctg %v, want %v", ctgRow, covered)
				}
			case "974":
				if ctgRow != [2]int{1, stJoseph.Population} {
					t.Errorf("row 974: ctg %v", ctgRow)
				}
			default:
				if ctgRow != [2]int{} {
					t.Errorf("row %s: ctg %v, want none", code, ctgRow)
				}
			}
		}
		if sum != [2]int{ref.NumCommunes(), allPop} {
			t.Errorf("rows add up to %v, want %d, %d", sum, ref.NumCommunes(), allPop)
		}

		s.runScenarios(t, []scenario{
			{name: "date defaults to today", path: "/api/v1/coverage?departement=33", who: reader33, status: http.StatusOK,
				check: func(t *testing.T, r response) {
					if d := str(t, r.JSON, "date"); len(d) != 10 {
						t.Errorf("date %q", d)
					}
				}},
			{name: "invalid date", path: "/api/v1/coverage?departement=33&date=2024-13-01", who: reader33,
				status: http.StatusUnprocessableEntity, fields: []string{"date"}},
			{name: "not a date", path: "/api/v1/coverage?date=demain", who: reader33,
				status: http.StatusUnprocessableEntity, fields: []string{"date"}},
			{name: "French date", path: "/api/v1/coverage?date=01/01/2024", who: reader33,
				status: http.StatusUnprocessableEntity, fields: []string{"date"}},
			{name: "unknown département", path: "/api/v1/coverage?departement=99&date=2024-01-01", who: reader33,
				status: http.StatusUnprocessableEntity, fields: []string{"departement"}},
		})
	})
}
