package diagnostic_test

import (
	"math"
	"testing"

	"ctg/internal/diagnostic"
)

func TestDenominatorYear(t *testing.T) {
	for _, tc := range []struct {
		y     int
		years []int
		want  int
	}{
		{2021, []int{2019, 2021, 2022}, 2021},
		{2023, []int{2019, 2021}, 2021},
		{2023, []int{2024, 2019, 2021}, 2021},
		{2018, []int{2024, 2021}, 2021},
		{2018, nil, 0},
	} {
		if got := diagnostic.DenominatorYear(tc.y, tc.years); got != tc.want {
			t.Errorf("DenominatorYear(%d, %v) = %d, want %d", tc.y, tc.years, got, tc.want)
		}
	}
}

func scope(aggs []diagnostic.Aggregate, s string) diagnostic.Aggregate {
	for _, a := range aggs {
		if a.Scope == s {
			return a
		}
	}
	return diagnostic.Aggregate{}
}

func TestAggregates(t *testing.T) {
	ref := mustRef(t)
	g := diagnostic.GeoOf(ref)
	if g != diagnostic.GeoOf(ref) {
		t.Error("GeoOf builds twice")
	}
	num, den := g.NewSeries(), g.NewSeries()
	// Gironde: two communes with both terms, one with a secret numerator,
	// one with a numerator only. La Réunion: one commune.
	num.Set(g, "33114", 30, false)
	den.Set(g, "33114", 81, false)
	num.Set(g, "33123", 50, false)
	den.Set(g, "33123", 97, false)
	num.Set(g, "33126", 0, true)
	den.Set(g, "33126", 26, false)
	num.Set(g, "33142", 12, false)
	num.Set(g, "97412", 400, false)
	den.Set(g, "97412", 1500, false)

	sums := g.SumAggregates("places", 2023, num)
	if len(sums) != 102 {
		t.Fatalf("%d aggregates, want 101 départements and France", len(sums))
	}
	gi := scope(sums, "33")
	if *gi.Value != 30+50+12 || gi.WithValue != 3 || gi.Secret != 1 || gi.Total != len(ref.CommunesOf("33")) {
		t.Errorf("Gironde sum %+v", gi)
	}
	fr := scope(sums, diagnostic.France)
	if *fr.Value != 30+50+12+400 || fr.WithValue != 4 || fr.Total != ref.NumCommunes() {
		t.Errorf("France sum %+v", fr)
	}
	if a := scope(sums, "01"); a.Value != nil || a.WithValue != 0 {
		t.Errorf("Ain: %+v, want no value", a)
	}

	ind := diagnostic.Indicator{Code: "taux", Aggregate: diagnostic.Ratio, Numerator: "places", Denominator: "enfants", Scale: 100}
	ratios := g.RatioAggregates(ind, 2023, 2021, num, den)
	gi = scope(ratios, "33")
	// Only the communes with both terms: (30+50) / (81+97) × 100.
	if want := 80.0 / 178 * 100; math.Abs(*gi.Value-want) > 1e-12 || *gi.Numerator != 80 || *gi.Denominator != 178 || gi.WithValue != 2 || gi.Secret != 1 || gi.DenominatorYear != 2021 {
		t.Errorf("Gironde ratio %+v (value %v)", gi, *gi.Value)
	}
	fr = scope(ratios, diagnostic.France)
	if want := 480.0 / 1678 * 100; math.Abs(*fr.Value-want) > 1e-12 {
		t.Errorf("France ratio %v, want %v", *fr.Value, want)
	}
}

func TestDiagnoseAndDetails(t *testing.T) {
	ref := mustRef(t)
	cat := diagnostic.NewCatalogue(nil)
	places := diagnostic.Key{Code: "places_accueil_jeune_enfant", Year: 2023}
	children := diagnostic.Key{Code: "pop_0_2", Year: 2021}
	in := &diagnostic.Inputs{
		Catalogue: cat,
		Latest: diagnostic.Latest(cat, []diagnostic.SeriesInfo{
			{Indicator: "pop_0_2", Year: 2019, Source: "INSEE 2019"},
			{Indicator: "pop_0_2", Year: 2021, Source: "INSEE 2021"},
			{Indicator: "places_accueil_jeune_enfant", Year: 2023, Source: "Cnaf"},
			{Indicator: "taux_couverture_jeune_enfant", Year: 2023, Source: "Cnaf ; INSEE 2021", DenominatorYear: 2021},
			{Indicator: "unknown_code", Year: 2023},
		}),
		Aggregates: map[diagnostic.Key]map[string]diagnostic.Aggregate{
			children: {"33": {Value: ptr(40000), WithValue: 530, Total: 534}, "FR": {Value: ptr(2000000), WithValue: 34000, Total: 34875}},
		},
		Cells: map[diagnostic.Key]map[string]diagnostic.Cell{
			places:   {"33114": {Value: 30}, "33123": {Secret: true}, "33126": {Value: 10}},
			children: {"33114": {Value: 81}, "33123": {Value: 97}, "33126": {Value: 0}, "33142": {Value: 71}},
		},
	}
	if keys := diagnostic.Needs(cat, in.Latest, nil); len(keys) != 2 {
		t.Errorf("Needs = %v, want the places of 2023 and the children of 2021 (population comes from the reference)", keys)
	}
	perimeter := []string{"33114", "33123", "33126", "33142"}
	d := diagnostic.Diagnose(ref, in, perimeter, "33")
	if d.DepartementName != "Gironde" || d.CommunesTotal != 4 {
		t.Errorf("%+v", d)
	}
	codes := []string{}
	for _, l := range d.Indicators {
		codes = append(codes, l.Code)
	}
	if want := []string{"population", "pop_0_2", "places_accueil_jeune_enfant", "taux_couverture_jeune_enfant"}; !equal(codes, want) {
		t.Errorf("lines %q, want %q", codes, want)
	}
	pop := d.Indicators[0]
	dep, _ := ref.Departement("33")
	if *pop.Perimeter != float64(ref.Population(perimeter)) || *pop.Departement != float64(dep.Population) || pop.Year != diagnostic.PopulationYear || pop.CommunesWithValue != 4 {
		t.Errorf("population %+v", pop)
	}
	ch := d.Indicators[1]
	if ch.Year != 2021 || *ch.Perimeter != 81+97+0+71 || *ch.Departement != 40000 || *ch.France != 2000000 || ch.CommunesWithValue != 4 || ch.FranceCommunesTotal != 34875 {
		t.Errorf("pop_0_2 %+v", ch)
	}
	tc := d.Indicators[3]
	// 33114 and 33126 have both; 33123 is secret; 33142 has no places.
	if want := 40.0 / 81 * 100; math.Abs(*tc.Perimeter-want) > 1e-12 || tc.CommunesWithValue != 2 || tc.CommunesSecret != 1 || tc.DenominatorYear != 2021 {
		t.Errorf("taux %+v", tc)
	}
	if tc.Departement != nil || tc.France != nil {
		t.Error("no aggregates were given: département and France must be null")
	}

	det := diagnostic.Details(ref, in, perimeter, []string{"taux_couverture_jeune_enfant", "pop_0_2"})
	if len(det.Indicators) != 2 || len(det.Communes) != 4 || det.Communes[0].Name != "Cavignac" {
		t.Fatalf("%+v", det)
	}
	row := func(i int) []*diagnostic.Cell { return det.Communes[i].Values }
	if v := row(0)[0]; v == nil || math.Abs(v.Value-30.0/81*100) > 1e-12 {
		t.Errorf("Cavignac rate %+v", v)
	}
	if v := row(1)[0]; v == nil || !v.Secret {
		t.Errorf("Cézac rate %+v, want secret", v)
	}
	if v := row(2)[0]; v != nil {
		t.Errorf("Civrac rate %+v, want none (no children)", v)
	}
	if v := row(3)[1]; v == nil || v.Value != 71 {
		t.Errorf("Cubnezais children %+v", v)
	}
}

func ptr(f float64) *float64 { return &f }

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
