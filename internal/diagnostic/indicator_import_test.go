package diagnostic_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

var loadRef = sync.OnceValues(territory.Load)

func mustRef(tb testing.TB) *territory.Ref {
	tb.Helper()
	r, err := loadRef()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func table(tb testing.TB, content string) *diagnostic.Table {
	tb.Helper()
	t, err := diagnostic.ReadTable(strings.NewReader(content), "f.csv")
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func read(tb testing.TB, t *diagnostic.Table, req diagnostic.ImportRequest) (*diagnostic.Values, *diagnostic.ImportSummary, error) {
	tb.Helper()
	p, err := diagnostic.NewPlan(t, req, diagnostic.NewCatalogue(nil))
	if err != nil {
		return nil, nil, err
	}
	return p.Read(mustRef(tb), nil)
}

func value(tb testing.TB, v *diagnostic.Values, commune, code string) (float64, bool) {
	tb.Helper()
	i, j := slices.Index(v.Communes, commune), slices.Index(v.Codes, code)
	if i < 0 || j < 0 {
		tb.Fatalf("no value for %s, %s", commune, code)
	}
	return v.At(i, j)
}

func TestReadINSEEFile(t *testing.T) {
	v, s, err := read(t, mustReadFile(t, "insee_2021_w1252.csv"), diagnostic.ImportRequest{Suggest: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Year != 2021 || v.Year != 2021 {
		t.Errorf("year %d, deduced from P21_", s.Year)
	}
	if want := []string{"population", "pop_0_2", "pop_3_5", "pop_25_64", "familles_monoparentales"}; !slices.Equal(s.Indicators, want) {
		t.Errorf("indicators %q", s.Indicators)
	}
	if !slices.Equal(s.IgnoredColumns, []string{"LIBGEO", "Remarque"}) {
		t.Errorf("ignored %q", s.IgnoredColumns)
	}
	// 12 communes of the CC Latitude Nord Gironde and Val de Virvée.
	if s.Rows != 17 || s.Communes != 13 || s.Values != 13*5-1 || s.Secret != 1 {
		t.Errorf("rows %d, communes %d, values %d, secret %d", s.Rows, s.Communes, s.Values, s.Secret)
	}
	// Three age columns add up into pop_25_64: 301 + 462 + 312.
	if x, secret := value(t, v, "33114", "pop_25_64"); x != 1075 || secret {
		t.Errorf("Cavignac pop_25_64 = %v, %v", x, secret)
	}
	if x, _ := value(t, v, "33114", "population"); x != 2301 {
		t.Errorf("Cavignac population = %v (thousands space)", x)
	}
	if _, secret := value(t, v, "33151", "familles_monoparentales"); !secret {
		t.Error("Donnezac's « s » is not secret")
	}
	// Val de Virvée: Aubie-et-Espessas 33018 + Saint-Antoine 33371 + Salignac 33495.
	if x, _ := value(t, v, "33018", "pop_0_2"); x != 38+52+41 {
		t.Errorf("Val de Virvée pop_0_2 = %v", x)
	}
	if x, _ := value(t, v, "33018", "familles_monoparentales"); x != 15+19.5+16 {
		t.Errorf("Val de Virvée familles_monoparentales = %v", x)
	}
	if len(s.Merged) != 1 || s.Merged[0].Commune != "33018" || s.Merged[0].Name != "Val de Virvée" ||
		!slices.Equal(s.Merged[0].Codes, []string{"33018", "33371", "33495"}) || !slices.Equal(s.Merged[0].Lines, []int{14, 15, 16}) {
		t.Errorf("merged %+v", s.Merged)
	}
	if !slices.Equal(s.UnknownCodes, []string{"75101", "97501"}) || len(s.UnknownRows) != 2 || s.UnknownRows[0].Line != 17 || s.UnknownRows[1].Line != 18 {
		t.Errorf("unknown %q %+v", s.UnknownCodes, s.UnknownRows)
	}
	if !slices.IsSorted(v.Communes) {
		t.Error("communes are not in byte order")
	}
}

func TestReadCAFFile(t *testing.T) {
	tb := mustReadFile(t, "caf_2022_bom.csv")
	if _, _, err := read(t, tb, diagnostic.ImportRequest{Suggest: true}); !strings.Contains(app.ErrorFields(err)["year"], "Indiquez l'année") {
		t.Errorf("without a year: %v", err)
	}
	v, s, err := read(t, tb, diagnostic.ImportRequest{Year: 2022, Mapping: map[string]string{"NB_Allocataires": "allocataires", "ALL_bas_revenu": "allocataires_bas_revenus"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Values != 22 || s.Secret != 2 || s.Communes != 12 {
		t.Errorf("values %d, secret %d, communes %d", s.Values, s.Secret, s.Communes)
	}
	if !slices.Equal(s.UnknownCodes, []string{"99999", "XXXXX"}) || s.UnknownRows[0].Line != 2 || s.UnknownRows[1].Reason != "ce n'est pas un code commune" {
		t.Errorf("unknown %+v", s.UnknownRows)
	}
	if _, secret := value(t, v, "33126", "allocataires_bas_revenus"); !secret {
		t.Error("an empty cell is secret")
	}
	if x, _ := value(t, v, "33473", "allocataires"); x != 611 {
		t.Errorf("Saint-Savin %v", x)
	}
}

func TestReadRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		req           diagnostic.ImportRequest
		field, says   string
	}{
		{"no geography column", "LIBGEO;P21_POP0002\nCavignac;81\n", diagnostic.ImportRequest{Suggest: true}, "", "Aucune colonne de codes commune"},
		{"text for a number", "CODGEO;P21_POP0002\n33114;81\n33123;douze\n", diagnostic.ImportRequest{Suggest: true},
			"ligne 3, colonne P21_POP0002", "« douze » n'est pas un nombre."},
		{"same code twice", "CODGEO;P21_POP0002\n33114;81\n33123;97\n33114;80\n", diagnostic.ImportRequest{Suggest: true},
			"ligne 4, colonne CODGEO", "lignes 2 et 4"},
		{"same code, lost zero", "CODGEO;P21_POP0002\n01001;81\n1001;80\n", diagnostic.ImportRequest{Suggest: true},
			"ligne 3, colonne CODGEO", "lignes 2 et 3"},
		{"no column to import", "CODGEO;LIBGEO;P21_POP0002\n33114;Cavignac;81\n", diagnostic.ImportRequest{Year: 2021},
			"", "Colonnes reconnues : P21_POP0002 → pop_0_2"},
		{"unknown mapped header", "CODGEO;x\n33114;81\n", diagnostic.ImportRequest{Year: 2021, Mapping: map[string]string{"y": "pop_0_2"}},
			"mapping.y", "Aucune colonne du fichier ne s'intitule « y »."},
		{"unknown code", "CODGEO;x\n33114;81\n", diagnostic.ImportRequest{Year: 2021, Mapping: map[string]string{"x": "pop_0_3"}},
			"mapping.x", "pop_0_3"},
		{"a ratio", "CODGEO;x\n33114;81\n", diagnostic.ImportRequest{Year: 2021, Mapping: map[string]string{"x": "part_0_2"}},
			"mapping.x", "est un ratio"},
		{"the reference's population", "CODGEO;x\n33114;81\n", diagnostic.ImportRequest{Year: 2023, Mapping: map[string]string{"x": "population"}},
			"mapping.x", "référentiel"},
		{"years disagree", "CODGEO;P15_POP0002;P21_POP0002\n33114;1;2\n", diagnostic.ImportRequest{Mapping: map[string]string{"P15_POP0002": "pop_0_2", "P21_POP0002": "pop_3_5"}},
			"year", "2015, 2021"},
		{"year out of range", "CODGEO;pop_0_2\n33114;1\n", diagnostic.ImportRequest{Year: 21}, "year", "entre 1900 et 2100"},
		{"no commune at all", "CODGEO;pop_0_2\n75101;1\n99999;2\n", diagnostic.ImportRequest{Year: 2021}, "", "Aucune ligne du fichier ne désigne une commune"},
		{"the geography column mapped", "CODGEO;pop_0_2\n33114;1\n", diagnostic.ImportRequest{Year: 2021, Mapping: map[string]string{"CODGEO": "pop_0_2"}},
			"mapping.CODGEO", "codes commune"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := read(t, table(t, tc.content), tc.req)
			if app.ErrorCode(err) != app.EInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			got := app.ErrorMessage(err)
			if tc.field != "" {
				got = app.ErrorFields(err)[tc.field]
			}
			if !strings.Contains(got, tc.says) {
				t.Errorf("%q: got %q (%v), want %q", tc.field, got, err, tc.says)
			}
		})
	}
}

func TestReadListsManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("CODGEO;pop_0_2;pop_3_5\n")
	for _, c := range mustRef(t).CommunesOf("33")[:40] {
		b.WriteString(c.Code + ";x;y\n")
	}
	_, _, err := read(t, table(t, b.String()), diagnostic.ImportRequest{Year: 2021})
	if n := len(app.ErrorFields(err)); n != 20 {
		t.Errorf("%d field errors, want the first 20", n)
	}
}

// Headers that are indicator codes need no mapping; an explicit empty code
// leaves a column out; secret parts make a merged sum secret.
func TestReadMappingRules(t *testing.T) {
	content := "code_commune;pop_0_2;P21_POP0305;places_eaje\n33018;10;5;s\n33371;7;6;4\n"
	v, s, err := read(t, table(t, content), diagnostic.ImportRequest{Year: 2021, Mapping: map[string]string{"places_eaje": ""}, Suggest: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Indicators, []string{"pop_0_2", "pop_3_5"}) || !slices.Equal(s.IgnoredColumns, []string{"places_eaje"}) {
		t.Errorf("indicators %q, ignored %q", s.Indicators, s.IgnoredColumns)
	}
	if x, _ := value(t, v, "33018", "pop_0_2"); x != 17 {
		t.Errorf("pop_0_2 = %v", x)
	}
	v, _, err = read(t, table(t, content), diagnostic.ImportRequest{Year: 2021})
	if err != nil {
		t.Fatal(err)
	}
	if _, secret := value(t, v, "33018", "places_eaje"); !secret {
		t.Error("a sum with a secret part must be secret")
	}
}
