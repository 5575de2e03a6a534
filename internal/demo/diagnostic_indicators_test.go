package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"ctg/internal/convention"
	"ctg/internal/demo"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// TestIndicators checks the statistics of the demonstration: values for
// every commune of Gironde, the Nord and La Réunion and none elsewhere,
// labelled as fictitious, consistent with each other, and imported again
// into a data set that lost them.
func TestIndicators(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		ref := mustRef(t)
		db := mustDB(t, dsn)
		if _, err := demo.Load(ctx, db, ref); err != nil {
			t.Fatal(err)
		}
		series, err := db.Series(ctx)
		if err != nil {
			t.Fatal(err)
		}
		years := map[string]int{}
		for _, s := range series {
			if s.Source != "Données fictives de démonstration" {
				t.Errorf("series %s %d: source %q", s.Indicator, s.Year, s.Source)
			}
			years[s.Indicator] = s.Year
		}
		for _, code := range []string{"population", "pop_0_2", "pop_25_64", "pop_65_plus", "menages", "familles", "familles_monoparentales", "familles_3_enfants_plus"} {
			if years[code] != 2021 {
				t.Errorf("%s: year %d, want 2021", code, years[code])
			}
		}
		for _, code := range []string{"allocataires", "allocataires_bas_revenus", "beneficiaires_rsa", "beneficiaires_aah", "places_eaje", "places_assmat",
			"places_accueil_jeune_enfant", "taux_couverture_jeune_enfant"} {
			if years[code] != 2024 {
				t.Errorf("%s: year %d, want 2024", code, years[code])
			}
		}

		communes := 0
		for _, dep := range []string{"33", "59", "974"} {
			d, _ := ref.Departement(dep)
			communes += len(d.Communes)
		}
		var outside, secretLarge, n int
		x := db.SQL()
		mustGet := func(dst *int, q string) {
			t.Helper()
			if err := x.Get(dst, q); err != nil {
				t.Fatal(err)
			}
		}
		mustGet(&n, `SELECT COUNT(DISTINCT commune) FROM indicator_values`)
		mustGet(&outside, `SELECT COUNT(*) FROM indicator_values WHERE commune NOT LIKE '33%' AND commune NOT LIKE '59%' AND commune NOT LIKE '974%'`)
		if n != communes || outside != 0 {
			t.Errorf("values for %d communes, %d outside the three départements; want %d and 0", n, outside, communes)
		}
		var secrets []string
		if err := x.Select(&secrets, `SELECT commune FROM indicator_values WHERE value IS NULL`); err != nil {
			t.Fatal(err)
		}
		for _, code := range secrets {
			if c, _ := ref.Commune(code); c.Population >= 2000 {
				secretLarge++
			}
		}
		if len(secrets) == 0 || len(secrets) > communes/4 || secretLarge > 0 {
			t.Errorf("%d secret values, %d of them in communes of 2 000 inhabitants or more", len(secrets), secretLarge)
		}

		// The diagnosis of Latitude Nord Gironde: the age bands add up to
		// the census population, its EAJE places are those of its
		// inventory, and France is the three départements.
		admin := mustUser(t, db, "admin@demo.ctg.fr")
		all, err := db.Conventions(ctx, admin, store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(all, func(c *convention.Convention) bool { return c.Title == "CTG Latitude Nord Gironde 2027-2031" })
		if i < 0 {
			t.Fatal("no CTG Latitude Nord Gironde 2027-2031")
		}
		lng, err := db.Convention(ctx, admin, all[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		d, err := db.ConventionDiagnosis(ctx, ref, admin, lng.ID)
		if err != nil {
			t.Fatal(err)
		}
		lines := map[string]diagnostic.Line{}
		for _, l := range d.Indicators {
			lines[l.Code] = l
		}
		bands := 0.0
		for _, code := range []string{"pop_0_2", "pop_3_5", "pop_6_10", "pop_11_17", "pop_18_24", "pop_25_64", "pop_65_plus"} {
			l := lines[code]
			if l.Perimeter == nil || l.CommunesWithValue != 12 {
				t.Fatalf("%s: %+v", code, l)
			}
			bands += *l.Perimeter
		}
		in, err := db.CommuneDetail(ctx, ref, lng.Communes, []string{"places_eaje"})
		if err != nil {
			t.Fatal(err)
		}
		var census float64
		if err := x.Get(&census, x.Rebind(`SELECT SUM(v.value) FROM indicator_values v JOIN indicator_series s ON s.id = v.series_id
			WHERE s.indicator = 'population' AND s.year = 2021 AND v.commune IN (`+quoted(lng.Communes)+`)`)); err != nil {
			t.Fatal(err)
		}
		if bands != census || census < 20000 || census > 23000 {
			t.Errorf("age bands add up to %v, census population %v", bands, census)
		}
		eaje := 0.0
		for _, c := range in.Communes {
			eaje += c.Values[0].Value
		}
		if eaje != 84 || *lines["places_eaje"].Perimeter != 84 {
			t.Errorf("EAJE places of the perimeter: %v, want the 84 of its inventory", eaje)
		}
		cov := lines["taux_couverture_jeune_enfant"]
		if cov.Perimeter == nil || cov.Departement == nil || cov.France == nil || *cov.Perimeter < 30 || *cov.Perimeter > 90 {
			t.Errorf("coverage rate: %+v", cov)
		}
		if cov.FranceCommunesWithValue != communes || cov.FranceCommunesTotal != ref.NumCommunes() {
			t.Errorf("France: %d communes of %d, want %d of %d", cov.FranceCommunesWithValue, cov.FranceCommunesTotal, communes, ref.NumCommunes())
		}
		if l := lines["beneficiaires_aah"]; l.CommunesSecret != 1 || l.CommunesWithValue != 11 {
			t.Errorf("AAH: %d communes with a value, %d secret; want 11 and 1 (Saint-Vivien-de-Blaye)", l.CommunesWithValue, l.CommunesSecret)
		}

		// A data set completed before the statistics existed receives
		// them at the next start.
		before := counts(t, db)
		for _, table := range []string{"indicator_values", "indicator_aggregates", "indicator_series", "imports"} {
			if _, err := x.Exec(`DELETE FROM ` + table); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := demo.Load(ctx, db, ref); err != nil {
			t.Fatal(err)
		}
		after := counts(t, db)
		for _, table := range []string{"indicator_values", "indicator_aggregates", "indicator_series", "imports"} {
			if after[table] != before[table] {
				t.Errorf("%s: %d rows after the new import, %d before", table, after[table], before[table])
			}
		}
	})
}

// quoted lists commune codes for an SQL IN clause; they are digits and
// letters of the reference, never user input.
func quoted(codes []string) string {
	return "'" + strings.Join(codes, "', '") + "'"
}
