package diagnostic_test

import (
	"strings"
	"testing"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
)

func TestCatalogue(t *testing.T) {
	c := diagnostic.NewCatalogue(nil)
	seen := map[string]bool{}
	for _, ind := range diagnostic.BuiltIn() {
		if seen[ind.Code] {
			t.Errorf("code %s twice", ind.Code)
		}
		seen[ind.Code] = true
		if !ind.BuiltIn || ind.Label == "" || ind.Unit == "" || ind.Description == "" {
			t.Errorf("%s: %+v", ind.Code, ind)
		}
		if ind.IsRatio() {
			for _, term := range []string{ind.Numerator, ind.Denominator} {
				if t2, ok := c.Get(term); !ok || t2.IsRatio() {
					t.Errorf("%s: term %s is not a count of the catalogue", ind.Code, term)
				}
			}
			if ind.Scale <= 0 {
				t.Errorf("%s: scale %v", ind.Code, ind.Scale)
			}
		}
	}
	for _, code := range []string{"population", "pop_0_2", "pop_3_5", "pop_6_10", "pop_11_17", "pop_18_24", "pop_25_64", "pop_65_plus",
		"menages", "familles", "familles_monoparentales", "familles_3_enfants_plus", "allocataires", "allocataires_bas_revenus",
		"beneficiaires_rsa", "beneficiaires_aah", "places_eaje", "places_assmat", "places_accueil_jeune_enfant",
		"taux_couverture_jeune_enfant", "part_familles_monoparentales", "part_familles_nombreuses", "part_allocataires_bas_revenus", "part_0_2"} {
		if !seen[code] {
			t.Errorf("the catalogue lacks %s", code)
		}
	}
	tc, _ := c.Get("taux_couverture_jeune_enfant")
	if tc.Numerator != "places_accueil_jeune_enfant" || tc.Denominator != "pop_0_2" || tc.Scale != 100 {
		t.Errorf("taux_couverture_jeune_enfant = %+v", tc)
	}
	if n := len(c.RatiosOf("pop_0_2")); n != 4 { // three coverage rates and part_0_2
		t.Errorf("RatiosOf(pop_0_2): %d", n)
	}
	custom := diagnostic.NewCatalogue([]diagnostic.Indicator{{Code: "places_alsh", Label: "Places en ALSH", Aggregate: diagnostic.Sum, Scale: 1},
		{Code: "pop_0_2", Label: "imposteur", Aggregate: diagnostic.Sum}})
	if ind, _ := custom.Get("pop_0_2"); ind.Label != "Enfants de 0 à 2 ans" {
		t.Error("a custom indicator replaced a built-in one")
	}
	if ind, ok := custom.Get("places_alsh"); !ok || ind.BuiltIn {
		t.Errorf("custom: %+v %v", ind, ok)
	}
}

func TestIndicatorValidate(t *testing.T) {
	c := diagnostic.NewCatalogue([]diagnostic.Indicator{{Code: "places_alsh", Label: "Places en ALSH", Aggregate: diagnostic.Sum}})
	ok := []diagnostic.Indicator{
		{Code: "places_laep", Label: "Places en LAEP", Unit: "places", Aggregate: "sum"},
		{Code: "taux_alsh", Label: "Places en ALSH pour 100 enfants de 3 à 10 ans", Aggregate: "ratio", Numerator: "places_alsh", Denominator: "pop_6_10", Scale: 100},
		{Code: "part_rsa_pop", Label: "RSA par habitant", Aggregate: "ratio", Numerator: "beneficiaires_rsa", Denominator: "population"},
	}
	for _, ind := range ok {
		if err := ind.Validate(c); err != nil {
			t.Errorf("%s: %v", ind.Code, err)
		}
		if ind.Scale == 0 {
			t.Errorf("%s: scale left at 0", ind.Code)
		}
	}
	for _, tc := range []struct {
		ind   diagnostic.Indicator
		field string
		says  string
	}{
		{diagnostic.Indicator{Label: "x", Aggregate: "sum"}, "code", "Indiquez un code"},
		{diagnostic.Indicator{Code: "Places ALSH", Label: "x", Aggregate: "sum"}, "code", "minuscules"},
		{diagnostic.Indicator{Code: "x", Label: "x", Aggregate: "sum"}, "code", "de 2 à 40"},
		{diagnostic.Indicator{Code: "places_x", Aggregate: "sum"}, "label", "libellé"},
		{diagnostic.Indicator{Code: "places_x", Label: strings.Repeat("é", 201), Aggregate: "sum"}, "label", "200"},
		{diagnostic.Indicator{Code: "places_x", Label: "x"}, "aggregate", "sum (comptage) ou ratio"},
		{diagnostic.Indicator{Code: "places_x", Label: "x", Aggregate: "mean"}, "aggregate", "inconnu"},
		{diagnostic.Indicator{Code: "places_x", Label: "x", Aggregate: "sum", Numerator: "pop_0_2"}, "numerator", "n'a pas de numérateur"},
		{diagnostic.Indicator{Code: "taux_x", Label: "x", Aggregate: "ratio", Denominator: "pop_0_2"}, "numerator", "besoin d'un numérateur"},
		{diagnostic.Indicator{Code: "taux_x", Label: "x", Aggregate: "ratio", Numerator: "places_crechez", Denominator: "pop_0_2"}, "numerator", "places_crechez"},
		{diagnostic.Indicator{Code: "taux_x", Label: "x", Aggregate: "ratio", Numerator: "places_eaje", Denominator: "nobody"}, "denominator", "nobody"},
		{diagnostic.Indicator{Code: "taux_x", Label: "x", Aggregate: "ratio", Numerator: "part_0_2", Denominator: "pop_0_2"}, "numerator", "lui-même un ratio"},
		{diagnostic.Indicator{Code: "taux_x", Label: "x", Aggregate: "ratio", Numerator: "pop_0_2", Denominator: "pop_0_2"}, "denominator", "différer"},
		{diagnostic.Indicator{Code: "taux_x", Label: "x", Aggregate: "ratio", Numerator: "places_eaje", Denominator: "pop_0_2", Scale: -1}, "scale", "positif"},
	} {
		err := tc.ind.Validate(c)
		if app.ErrorCode(err) != app.EInvalid || !strings.Contains(app.ErrorFields(err)[tc.field], tc.says) {
			t.Errorf("%+v: err = %v, want %s saying %q", tc.ind, err, tc.field, tc.says)
		}
	}
	for _, code := range []string{"pop_0_2", "places_alsh", "taux_couverture_jeune_enfant"} {
		ind := diagnostic.Indicator{Code: code, Label: "x", Aggregate: "sum"}
		if err := ind.Validate(c); app.ErrorCode(err) != app.EConflict {
			t.Errorf("%s taken: err = %v, want conflict", code, err)
		}
	}
}
