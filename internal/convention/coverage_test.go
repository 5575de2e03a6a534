package convention_test

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // Today needs Europe/Paris even where the system has no zoneinfo

	"ctg/internal/convention"
)

func TestComputeCoverage(t *testing.T) {
	ref := mustRef(t)
	bordeaux, _ := ref.Commune("33063")
	stSavin, _ := ref.Commune("33473")
	stJoseph, _ := ref.Commune("97412")
	ctg := convention.Active{ID: "a", Title: "CTG Latitude Nord Gironde", Kind: "ctg", CAF: "caf-33",
		Start: "2022-11-01", End: "2026-12-31", Communes: latitude}
	cej := convention.Active{ID: "b", Title: "CEJ Saint-Savin et Bordeaux", Kind: "cej", CAF: "caf-33",
		Start: "2020-01-01", End: "2024-06-30", Communes: []string{"33473", "33063"}}
	reunion := convention.Active{ID: "c", Title: "CTG Saint-Joseph", Kind: "ctg", CAF: "caf-974",
		Start: "2023-01-01", End: "2024-03-31", Communes: []string{"97412"}}
	all := []convention.Active{ctg, cej, reunion}
	count := func(c, p int) convention.Count { return convention.Count{Communes: c, Population: p} }

	for _, tc := range []struct {
		name      string
		dep, date string
		signed    []convention.Active
		byKind    map[string]convention.Count
		covered   convention.Count
		expiring  []string
	}{
		{"nothing signed", "33", "2024-01-01", nil, map[string]convention.Count{}, count(0, 0), nil},
		{"one CTG", "33", "2024-01-01", []convention.Active{ctg}, map[string]convention.Count{"ctg": count(12, 21821)}, count(12, 21821), nil},
		{"two kinds over one commune", "33", "2024-01-01", all,
			map[string]convention.Count{"ctg": count(12, 21821), "cej": count(2, stSavin.Population+bordeaux.Population)},
			count(13, 21821+bordeaux.Population), []string{"b"}},
		{"before the start", "33", "2022-10-31", all,
			map[string]convention.Count{"cej": count(2, stSavin.Population+bordeaux.Population)}, count(2, stSavin.Population+bordeaux.Population), []string{}},
		{"on the last day", "33", "2024-06-30", all,
			map[string]convention.Count{"ctg": count(12, 21821), "cej": count(2, stSavin.Population+bordeaux.Population)},
			count(13, 21821+bordeaux.Population), nil},
		{"the day after", "33", "2024-07-01", all, map[string]convention.Count{"ctg": count(12, 21821)}, count(12, 21821), nil},
		{"expiring in 12 months exactly", "33", "2025-12-31", all, map[string]convention.Count{"ctg": count(12, 21821)}, count(12, 21821), []string{"a"}},
		{"expiring in 12 months and a day", "33", "2025-12-30", all, map[string]convention.Count{"ctg": count(12, 21821)}, count(12, 21821), nil},
		{"another département", "974", "2024-01-01", all, map[string]convention.Count{"ctg": count(1, stJoseph.Population)},
			count(1, stJoseph.Population), []string{"c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cv := convention.ComputeCoverage(ref, tc.dep, tc.date, tc.signed)
			d, _ := ref.Departement(tc.dep)
			if cv.Departement != tc.dep || cv.Date != tc.date || cv.Communes != len(d.Communes) || cv.Population != d.Population {
				t.Errorf("scope %s %s %d %d, want %d communes, population %d", cv.Departement, cv.Date, cv.Communes, cv.Population, len(d.Communes), d.Population)
			}
			for _, k := range convention.Kinds {
				if got := cv.ByKind[k.Code]; got != tc.byKind[k.Code] {
					t.Errorf("by_kind.%s = %+v, want %+v", k.Code, got, tc.byKind[k.Code])
				}
			}
			if cv.Covered != tc.covered {
				t.Errorf("covered %+v, want %+v", cv.Covered, tc.covered)
			}
			if want := count(cv.Communes-tc.covered.Communes, cv.Population-tc.covered.Population); cv.Uncovered != want {
				t.Errorf("uncovered %+v, want %+v", cv.Uncovered, want)
			}
			var ids []string
			for _, e := range cv.Expiring {
				ids = append(ids, e.ID)
			}
			if tc.expiring == nil {
				tc.expiring = []string{}
			}
			if ids == nil {
				ids = []string{}
			}
			if !slices.Equal(ids, tc.expiring) && !(len(ids) == 0 && len(tc.expiring) == 0) {
				t.Errorf("expiring %v, want %v", ids, tc.expiring)
			}
			if cv.Expiring == nil {
				t.Error("expiring is null, want a list")
			}
		})
	}

	// All of France.
	cv := convention.ComputeCoverage(ref, "", "2024-01-01", all)
	total := 0
	for _, c := range ref.AllCommunes() {
		total += c.Population
	}
	if cv.Communes != ref.NumCommunes() || cv.Population != total || cv.Departement != "" {
		t.Errorf("France: %d communes, population %d, want %d, %d", cv.Communes, cv.Population, ref.NumCommunes(), total)
	}
	if cv.ByKind["ctg"] != count(13, 21821+stJoseph.Population) {
		t.Errorf("France ctg %+v", cv.ByKind["ctg"])
	}
	if cv.Covered != count(14, 21821+bordeaux.Population+stJoseph.Population) {
		t.Errorf("France covered %+v", cv.Covered)
	}
	if len(cv.Departements) != 101 {
		t.Fatalf("%d rows, want 101", len(cv.Departements))
	}
	sum := count(0, 0)
	for _, row := range cv.Departements {
		sum.Communes += row.Communes
		sum.Population += row.Population
		if row.Covered.Communes+row.Uncovered.Communes != row.Communes {
			t.Errorf("row %s does not add up: %+v", row.Departement, row)
		}
	}
	if sum != count(cv.Communes, cv.Population) {
		t.Errorf("rows add up to %+v", sum)
	}
	i := slices.IndexFunc(cv.Departements, func(c convention.Coverage) bool { return c.Departement == "33" })
	if i < 0 || cv.Departements[i].Covered != count(13, 21821+bordeaux.Population) || cv.Departements[i].Name != "Gironde" {
		t.Errorf("row 33: %+v", cv.Departements[i])
	}
	var ids []string
	for _, e := range cv.Expiring {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"c", "b"}) {
		t.Errorf("France expiring %v, want by end: c, b", ids)
	}
	if s := cv.CoveredShare(); s <= 0 || s >= 0.01 {
		t.Errorf("CoveredShare %v", s)
	}
	if (convention.Coverage{}).CoveredShare() != 0 {
		t.Error("CoveredShare of nothing")
	}
}

func TestExpiryWindowEnd(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-01": "2025-01-01",
		"2025-12-31": "2026-12-31",
		"not a date": "not a date",
	} {
		if got := convention.ExpiryWindowEnd(in); got != want {
			t.Errorf("ExpiryWindowEnd(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestToday(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2024, 6, 30, 21, 59, 0, 0, time.UTC), "2024-06-30"},
		{time.Date(2024, 6, 30, 22, 30, 0, 0, time.UTC), "2024-07-01"},  // summer time, UTC+2
		{time.Date(2024, 12, 31, 23, 30, 0, 0, time.UTC), "2025-01-01"}, // winter time, UTC+1
	} {
		if got := convention.Today(tc.t); got != tc.want {
			t.Errorf("Today(%v) = %s, want %s", tc.t, got, tc.want)
		}
	}
}
