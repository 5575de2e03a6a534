package store_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

func mustTable(tb testing.TB, content string) *diagnostic.Table {
	tb.Helper()
	t, err := diagnostic.ReadTable(strings.NewReader(content), "test.csv")
	if err != nil {
		tb.Fatalf("ReadTable: %v", err)
	}
	return t
}

func fixtureFile(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile("../diagnostic/testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func importCSV(tb testing.TB, db *store.DB, u *account.User, content string, req diagnostic.ImportRequest) (*diagnostic.ImportSummary, error) {
	tb.Helper()
	t, err := diagnostic.ReadTable(strings.NewReader(content), "test.csv")
	if err != nil {
		return nil, err
	}
	if req.Filename == "" {
		req.Filename = "test.csv"
	}
	return db.ImportIndicators(context.Background(), mustRef(tb), u, t, req, nil)
}

func mustImport(tb testing.TB, db *store.DB, u *account.User, content string, req diagnostic.ImportRequest) *diagnostic.ImportSummary {
	tb.Helper()
	s, err := importCSV(tb, db, u, content, req)
	if err != nil {
		tb.Fatalf("ImportIndicators: %v", err)
	}
	return s
}

// state is everything an import may change.
type state struct {
	counts [6]int
	dump   string
}

func snapshot(tb testing.TB, db *store.DB) state {
	tb.Helper()
	var s state
	for i, table := range []string{"indicator_values", "indicator_series", "indicator_aggregates", "imports", "history", "indicators"} {
		s.counts[i] = count(tb, db, table)
	}
	var rows []struct {
		Commune string   `db:"commune"`
		Series  int64    `db:"series_id"`
		Value   *float64 `db:"value"`
	}
	if err := db.SQL().Select(&rows, `SELECT commune, series_id, value FROM indicator_values ORDER BY commune, series_id`); err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s %d %v\n", r.Commune, r.Series, num(r.Value))
	}
	s.dump = b.String()
	return s
}

func line(tb testing.TB, d *diagnostic.Diagnosis, code string) diagnostic.Line {
	tb.Helper()
	for _, l := range d.Indicators {
		if l.Code == code {
			return l
		}
	}
	tb.Fatalf("no line %s in the diagnosis", code)
	return diagnostic.Line{}
}

func num(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func sum(xs ...float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}

// The census extract of testdata/insee_2021_w1252.csv, by hand: the 12
// communes of the CC Latitude Nord Gironde in the order of latitude.
var (
	handPop0002 = []float64{81, 97, 26, 71, 30, 104, 27, 44, 59, 128, 11, 96}
	handPop     = []float64{2301, 2655, 781, 1862, 904, 2744, 842, 1219, 1598, 3497, 349, 2531}
	handPop2539 = []float64{301, 362, 95, 250, 114, 377, 101, 161, 215, 476, 40, 347}
	handPop4054 = []float64{462, 540, 160, 396, 185, 573, 178, 255, 334, 723, 72, 526}
	handPop5564 = []float64{312, 377, 118, 265, 128, 380, 126, 176, 227, 495, 52, 362}
	// Val de Virvée (33018), three former communes in the file.
	handVirvee0002 = []float64{38, 52, 41}
	handVirveePop  = []float64{1102, 1417, 1190}
	// testdata/caf_2022_bom.csv: allocataires and those with low incomes;
	// Civrac-de-Blaye (3rd) is empty and Saint-Vivien-de-Blaye (11th) "s".
	handAlloc   = []float64{412, 451, 121, 321, 139, 489, 134, 201, 262, 611, 48, 437}
	handBasRev  = []float64{98, 87, -1, 64, 27, 121, 29, 41, 55, 154, -1, 102}
	handSecrets = map[int]bool{2: true, 10: true}
)

func TestIndicatorImportAndDiagnosis(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		s := mustImport(t, f.db, f.editor, fixtureFile(t, "insee_2021_w1252.csv"), diagnostic.ImportRequest{Source: "INSEE, recensement 2021", Suggest: true})
		if s.Communes != 13 || len(s.Merged) != 1 || !slices.Equal(s.UnknownCodes, []string{"75101", "97501"}) {
			t.Errorf("INSEE summary %+v", s)
		}
		s = mustImport(t, f.db, f.editor, fixtureFile(t, "caf_2022_bom.csv"), diagnostic.ImportRequest{Year: 2022, Source: "Cnaf, données ouvertes", Suggest: true})
		if s.Values != 22 || s.Secret != 2 {
			t.Errorf("CAF summary %+v", s)
		}
		c := f.create(t, f.editor, ctgLatitude(f.cc))

		d, err := f.db.ConventionDiagnosis(ctx, ref, f.reader, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Departement != "33" || d.CommunesTotal != 12 {
			t.Errorf("diagnosis of %s: %+v", c.ID, d)
		}

		// The built-in population: the reference's sums.
		pop := line(t, d, "population")
		gironde, _ := ref.Departement("33")
		if pop.Year != diagnostic.PopulationYear || num(pop.Perimeter) != 21821 || num(pop.Departement) != float64(gironde.Population) || pop.CommunesWithValue != 12 {
			t.Errorf("population %+v", pop)
		}

		// Counts: the perimeter is the 12 communes, the département adds Val
		// de Virvée (three former communes added up), France is the same.
		l := line(t, d, "pop_0_2")
		if l.Year != 2021 || l.Source != "INSEE, recensement 2021" || num(l.Perimeter) != sum(handPop0002...) ||
			num(l.Departement) != sum(handPop0002...)+sum(handVirvee0002...) || num(l.France) != num(l.Departement) ||
			l.CommunesWithValue != 12 || l.CommunesTotal != 12 || l.DepartementCommunesWithValue != 13 || l.FranceCommunesWithValue != 13 ||
			l.DepartementCommunesTotal != len(gironde.Communes) || l.FranceCommunesTotal != ref.NumCommunes() {
			t.Errorf("pop_0_2 %+v", l)
		}
		l = line(t, d, "pop_25_64")
		if want := sum(handPop2539...) + sum(handPop4054...) + sum(handPop5564...); num(l.Perimeter) != want {
			t.Errorf("pop_25_64 perimeter %v, want %v", num(l.Perimeter), want)
		}
		l = line(t, d, "familles_monoparentales")
		if l.CommunesWithValue != 11 || l.CommunesSecret != 1 || num(l.Perimeter) != 34+41+9+27+38+10+14+22+55+3+36 {
			t.Errorf("familles_monoparentales %+v", l)
		}
		// The imported census population of 2021 is a year of its own; the
		// reference's 2023 stays the latest.
		if pop.Source != diagnostic.PopulationSource {
			t.Errorf("population source %q", pop.Source)
		}

		// A ratio over the communes with both terms, by hand.
		var n, dd float64
		for i := range handAlloc {
			if !handSecrets[i] {
				n += handBasRev[i]
				dd += handAlloc[i]
			}
		}
		l = line(t, d, "part_allocataires_bas_revenus")
		if l.Year != 2022 || l.DenominatorYear != 2022 || !near(num(l.Perimeter), n/dd*100) || !near(num(l.Departement), n/dd*100) ||
			!near(num(l.France), n/dd*100) || l.CommunesWithValue != 10 || l.CommunesSecret != 2 || l.Source != "Cnaf, données ouvertes" {
			t.Errorf("part_allocataires_bas_revenus %+v, want %v", l, n/dd*100)
		}
		// part_0_2 over the census population of the same year.
		l = line(t, d, "part_0_2")
		if want := sum(handPop0002...) / sum(handPop...) * 100; l.DenominatorYear != 2021 || !near(num(l.Perimeter), want) {
			t.Errorf("part_0_2 %+v, want %v", l, want)
		}
		wantDep := (sum(handPop0002...) + sum(handVirvee0002...)) / (sum(handPop...) + sum(handVirveePop...)) * 100
		if !near(num(l.Departement), wantDep) {
			t.Errorf("part_0_2 département %v, want %v", num(l.Departement), wantDep)
		}
		// Nothing imported for the coverage rate: it is not listed.
		for _, l := range d.Indicators {
			if l.Code == "taux_couverture_jeune_enfant" || l.Code == "places_eaje" {
				t.Errorf("line %s without values", l.Code)
			}
		}

		// Per-commune detail.
		det, err := f.db.ConventionDetail(ctx, ref, f.editor, c.ID, []string{"pop_0_2", "part_allocataires_bas_revenus"})
		if err != nil {
			t.Fatal(err)
		}
		if len(det.Communes) != 12 || det.Communes[0].Code != "33114" || det.Communes[0].Values[0].Value != 81 ||
			!near(det.Communes[0].Values[1].Value, 98.0/412*100) || !det.Communes[2].Values[1].Secret {
			t.Errorf("detail %+v", det.Communes[:3])
		}

		// Who may see it.
		if _, err := f.db.ConventionDiagnosis(ctx, ref, f.other, c.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another CAF's editor: %v, want not found", err)
		}
		if _, err := f.db.ConventionDetail(ctx, ref, f.other, c.ID, nil); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another CAF's editor, detail: %v, want not found", err)
		}

		// The imports and their history lines.
		list, err := f.db.Imports(ctx, 10)
		if err != nil || len(list) != 2 || list[0].Filename != "test.csv" || list[0].Status != diagnostic.ImportDone || list[0].UserName != f.editor.Name {
			t.Errorf("Imports = %+v, %v", list, err)
		}
		var actions []string
		if err := f.db.SQL().Select(&actions, `SELECT action FROM history WHERE convention_id IS NULL AND action = 'indicator.import'`); err != nil || len(actions) != 2 {
			t.Errorf("history %v %v", actions, err)
		}
	})
}

func TestIndicatorImportRefusedWhole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		mustImport(t, f.db, f.editor, "CODGEO;P21_POP0002;P21_POP0305\n33114;81;95\n33123;97;110\n", diagnostic.ImportRequest{Suggest: true})
		before := snapshot(t, f.db)
		for _, tc := range []struct {
			name, content string
			req           diagnostic.ImportRequest
			field, says   string
		}{
			{"no geography column", "LIBGEO;P21_POP0002\nCavignac;1\n", diagnostic.ImportRequest{Suggest: true}, "", "Aucune colonne de codes commune"},
			{"text for a number", "CODGEO;P21_POP0002;P21_POP0305\n33114;1;2\n33123;douze;3\n", diagnostic.ImportRequest{Suggest: true},
				"ligne 3, colonne P21_POP0002", "« douze » n'est pas un nombre."},
			{"a code twice", "CODGEO;P21_POP0002\n33114;1\n33123;2\n33114;3\n", diagnostic.ImportRequest{Suggest: true}, "ligne 4, colonne CODGEO", "lignes 2 et 4"},
			{"no year", "CODGEO;pop_0_2\n33114;1\n", diagnostic.ImportRequest{}, "year", "Indiquez l'année"},
			{"unknown indicator", "CODGEO;x\n33114;1\n", diagnostic.ImportRequest{Year: 2021, Mapping: map[string]string{"x": "pop_0_3"}}, "mapping.x", "pop_0_3"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := importCSV(t, f.db, f.editor, tc.content, tc.req)
				if app.ErrorCode(err) != app.EInvalid {
					t.Fatalf("err = %v, want invalid", err)
				}
				got := app.ErrorMessage(err)
				if tc.field != "" {
					got = app.ErrorFields(err)[tc.field]
				}
				if !strings.Contains(got, tc.says) {
					t.Errorf("got %q, want %q", got, tc.says)
				}
				if after := snapshot(t, f.db); after != before {
					t.Errorf("the data changed: %v → %v", before.counts, after.counts)
				}
			})
		}
		// A reader may not import; nothing changes either.
		reader := mustUser(t, f.db, "reader@caf33.fr", "caf-33", account.RoleReader)
		if _, err := importCSV(t, f.db, reader, "CODGEO;pop_0_2\n33114;1\n", diagnostic.ImportRequest{Year: 2021}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader: %v", err)
		}
		before = snapshot(t, f.db)
		if after := snapshot(t, f.db); after != before {
			t.Error("a reader's attempt changed the data")
		}
	})
}

func TestIndicatorReimportReplaces(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		mustImport(t, f.db, f.editor, "CODGEO;pop_0_2;pop_3_5\n33114;81;95\n33123;97;110\n33063;9000;8000\n", diagnostic.ImportRequest{Year: 2021})
		mustImport(t, f.db, f.editor, "CODGEO;pop_0_2\n33114;10\n", diagnostic.ImportRequest{Year: 2019})
		s := mustImport(t, f.db, f.editor, "CODGEO;pop_0_2\n33114;80\n33126;26\n", diagnostic.ImportRequest{Year: 2021, Source: "correction"})
		if !slices.Equal(s.Replaced, []string{"pop_0_2"}) {
			t.Errorf("replaced %q", s.Replaced)
		}
		d, err := f.db.Diagnosis(ctx, ref, []string{"33114", "33123", "33126"}, "33")
		if err != nil {
			t.Fatal(err)
		}
		// Whole (indicator, year) pairs: Cézac and Bordeaux are gone from
		// pop_0_2 2021, pop_3_5 2021 and pop_0_2 2019 are untouched.
		l := line(t, d, "pop_0_2")
		if l.Year != 2021 || num(l.Perimeter) != 106 || l.CommunesWithValue != 2 || num(l.Departement) != 106 || num(l.France) != 106 || l.Source != "correction" {
			t.Errorf("pop_0_2 %+v", l)
		}
		if l := line(t, d, "pop_3_5"); num(l.Perimeter) != 205 || num(l.Departement) != 8205 {
			t.Errorf("pop_3_5 %+v", l)
		}
		var n int
		if err := f.db.SQL().Get(&n, `SELECT COUNT(*) FROM indicator_values v JOIN indicator_series s ON s.id = v.series_id WHERE s.indicator = 'pop_0_2'`); err != nil || n != 3 {
			t.Errorf("%d values of pop_0_2 (2019: 1, 2021: 2), %v", n, err)
		}
	})
}

// The ratios' aggregates are Σnumerator / Σdenominator over the communes
// that have both, computed here by hand from the same data.
func TestRatioAggregatesByHand(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		children := map[string]float64{"33114": 81, "33123": 97, "33126": 26, "33063": 9100, "97412": 1300, "01001": 25}
		places := map[string]string{"33114": "30", "33123": "s", "33063": "5200,5", "97412": "410", "01001": "9", "01002": "4"}
		var b strings.Builder
		b.WriteString("CODGEO;P21_POP0002\n")
		for c, v := range children {
			fmt.Fprintf(&b, "%s;%v\n", c, v)
		}
		mustImport(t, f.db, f.editor, b.String(), diagnostic.ImportRequest{Suggest: true})
		b.Reset()
		b.WriteString("Code commune;places_accueil_jeune_enfant\n")
		for c, v := range places {
			fmt.Fprintf(&b, "%s;%s\n", c, v)
		}
		mustImport(t, f.db, f.editor, b.String(), diagnostic.ImportRequest{Year: 2023})

		// Gironde: 33114 (30/81) and 33063 (5200.5/9100) have both terms;
		// 33123 is secret; 33126 has no places.
		wantGironde := (30 + 5200.5) / (81.0 + 9100) * 100
		// France adds 97412 and 01001; 01002 has no children.
		wantFrance := (30 + 5200.5 + 410 + 9) / (81.0 + 9100 + 1300 + 25) * 100
		d, err := f.db.Diagnosis(ctx, ref, []string{"33114", "33123", "33126"}, "33")
		if err != nil {
			t.Fatal(err)
		}
		l := line(t, d, "taux_couverture_jeune_enfant")
		if l.Year != 2023 || l.DenominatorYear != 2021 || !near(num(l.Departement), wantGironde) || !near(num(l.France), wantFrance) ||
			l.DepartementCommunesWithValue != 2 || l.FranceCommunesWithValue != 4 || !near(num(l.Perimeter), 30.0/81*100) ||
			l.CommunesWithValue != 1 || l.CommunesSecret != 1 {
			t.Errorf("taux_couverture_jeune_enfant %+v\nwant département %v, France %v", l, wantGironde, wantFrance)
		}

		// Children of 2023 arrive: the rate of 2023 now divides by them.
		mustImport(t, f.db, f.editor, "CODGEO;pop_0_2\n33114;90\n33063;9000\n", diagnostic.ImportRequest{Year: 2023})
		d, _ = f.db.Diagnosis(ctx, ref, []string{"33114"}, "33")
		l = line(t, d, "taux_couverture_jeune_enfant")
		if want := (30 + 5200.5) / (90.0 + 9000) * 100; l.DenominatorYear != 2023 || !near(num(l.Departement), want) || !near(num(l.France), want) {
			t.Errorf("after the 2023 children: %+v, want %v", l, want)
		}

		// A new ratio is computed at once over what is there.
		ind := diagnostic.Indicator{Code: "places_pour_mille", Label: "Places pour 1 000 habitants", Unit: "‰", Aggregate: "ratio",
			Numerator: "places_accueil_jeune_enfant", Denominator: "population", Scale: 1000}
		if err := f.db.CreateIndicator(ctx, ref, f.editor, &ind); err != nil {
			t.Fatal(err)
		}
		d, _ = f.db.Diagnosis(ctx, ref, []string{"33114"}, "33")
		l = line(t, d, "places_pour_mille")
		bx, _ := ref.Commune("33063")
		cav, _ := ref.Commune("33114")
		if want := (30 + 5200.5) / float64(cav.Population+bx.Population) * 1000; l.DenominatorYear != diagnostic.PopulationYear || !near(num(l.Departement), want) {
			t.Errorf("places_pour_mille %+v, want %v", l, want)
		}
	})
}

func TestCreateIndicator(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		ind := diagnostic.Indicator{Code: "places_alsh", Label: "Places en accueil de loisirs", Unit: "places", Aggregate: "sum"}
		if err := f.db.CreateIndicator(ctx, ref, f.reader, &ind); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader: %v", err)
		}
		if err := f.db.CreateIndicator(ctx, ref, f.editor, &ind); err != nil {
			t.Fatal(err)
		}
		dup := diagnostic.Indicator{Code: "places_alsh", Label: "x", Aggregate: "sum"}
		if err := f.db.CreateIndicator(ctx, ref, f.editor, &dup); app.ErrorCode(err) != app.EConflict {
			t.Errorf("duplicate: %v", err)
		}
		bad := diagnostic.Indicator{Code: "taux_alsh", Label: "x", Aggregate: "ratio", Numerator: "places_als", Denominator: "pop_6_10"}
		if err := f.db.CreateIndicator(ctx, ref, f.editor, &bad); app.ErrorCode(err) != app.EInvalid || app.ErrorFields(err)["numerator"] == "" {
			t.Errorf("bad numerator: %v", err)
		}
		cat, err := f.db.Catalogue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := cat.Get("places_alsh")
		if !ok || got.BuiltIn || got.Label != "Places en accueil de loisirs" {
			t.Errorf("catalogue: %+v %v", got, ok)
		}
		// Its header needs no mapping.
		s := mustImport(t, f.db, f.editor, "CODGEO;places_alsh\n33114;40\n", diagnostic.ImportRequest{Year: 2024})
		if !slices.Equal(s.Indicators, []string{"places_alsh"}) {
			t.Errorf("indicators %q", s.Indicators)
		}
	})
}

func TestFollowedImport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		var b strings.Builder
		b.WriteString("CODGEO;pop_0_2\n")
		for _, c := range ref.AllCommunes()[:12000] {
			b.WriteString(c.Code + ";3\n")
		}
		var calls []int
		req := diagnostic.ImportRequest{ID: account.NewID(), Filename: "suivi.csv", Year: 2021}
		s, err := f.db.ImportIndicators(ctx, ref, f.editor, mustTable(t, b.String()), req, func(done, total int) {
			if total != 24000 {
				t.Errorf("total %d", total)
			}
			calls = append(calls, done)
		})
		if err != nil {
			t.Fatal(err)
		}
		if s.ID != req.ID || len(calls) < 3 || !slices.IsSorted(calls) || calls[len(calls)-1] != 24000 {
			t.Errorf("id %s, progress %v", s.ID, calls)
		}
		imp, err := f.db.Import(ctx, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if imp.Status != diagnostic.ImportDone || imp.RowsDone != 12000 || imp.Values != 12000 || imp.Summary == nil || imp.Summary.Communes != 12000 || imp.FinishedAt == nil {
			t.Errorf("import %+v", imp)
		}

		// A followed import that fails keeps its row, with the reason.
		failed := diagnostic.ImportRequest{ID: account.NewID(), Filename: "faux.csv", Year: 2021}
		_, err = f.db.ImportIndicators(ctx, ref, f.editor, mustTable(t, "CODGEO;pop_0_2\n33114;douze\n"), failed, nil)
		if app.ErrorCode(err) != app.EInvalid {
			t.Fatalf("err = %v", err)
		}
		imp, err = f.db.Import(ctx, failed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if imp.Status != diagnostic.ImportFailed || !strings.Contains(imp.Message, "pas des nombres") || imp.Fields["ligne 2, colonne pop_0_2"] == "" {
			t.Errorf("failed import %+v", imp)
		}
		if _, err := f.db.Import(ctx, "nope"); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("unknown import: %v", err)
		}
	})
}

func TestAbandonStaleImports(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := testdb.Open(t, dsn)
		ctx := context.Background()
		now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		for _, r := range []struct {
			id        string
			heartbeat time.Time
		}{{"dead", now.Add(-store.StaleImport - time.Minute)}, {"alive", now.Add(-time.Minute)}} {
			if _, err := db.SQL().ExecContext(ctx, db.SQL().Rebind(`INSERT INTO imports (id, at, status, phase, heartbeat) VALUES (?, ?, 'running', 'reading', ?)`),
				r.id, now, r.heartbeat.Unix()); err != nil {
				t.Fatal(err)
			}
		}
		dead, err := db.Import(ctx, "dead")
		if err != nil {
			t.Fatal(err)
		}
		if dead.Status != diagnostic.ImportFailed || !strings.Contains(dead.Message, "interrompu") {
			t.Errorf("an import silent for more than %v is %q (%q), want failed and interrupted", store.StaleImport, dead.Status, dead.Message)
		}
		alive, err := db.Import(ctx, "alive")
		if err != nil {
			t.Fatal(err)
		}
		if alive.Status != diagnostic.ImportRunning {
			t.Errorf("an import that reported a minute ago is %q, want running", alive.Status)
		}
	})
}
