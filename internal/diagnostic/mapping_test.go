package diagnostic_test

import (
	"maps"
	"testing"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
)

func TestSuggestMapping(t *testing.T) {
	headers := []string{"CODGEO", "LIBGEO", "P21_POP", "P23_POP", "P21_POP0002", "P21_POP0305", "P21_POP0610", "P21_POP1117",
		"P21_POP1824", "P21_POP2539", "P21_POP4054", "P21_POP5564", "P21_POP6579", "P21_POP80P", "P21_POP0014",
		"C21_MEN", "C21_FAM", "C21_FAMMONO", "C21_NE24F3", "C21_NE24F4P", "C21_COUPAENF",
		"NB_Allocataires", "ALL_bas_revenu", "NB_Allocataires_2022", "places_eaje", "taux_couverture_jeune_enfant", "population"}
	want := map[string]string{
		"P21_POP": "population", "P21_POP0002": "pop_0_2", "P21_POP0305": "pop_3_5", "P21_POP0610": "pop_6_10",
		"P21_POP1117": "pop_11_17", "P21_POP1824": "pop_18_24", "P21_POP2539": "pop_25_64", "P21_POP4054": "pop_25_64",
		"P21_POP5564": "pop_25_64", "P21_POP6579": "pop_65_plus", "P21_POP80P": "pop_65_plus",
		"C21_MEN": "menages", "C21_FAM": "familles", "C21_FAMMONO": "familles_monoparentales",
		"C21_NE24F3": "familles_3_enfants_plus", "C21_NE24F4P": "familles_3_enfants_plus",
		"NB_Allocataires": "allocataires", "ALL_bas_revenu": "allocataires_bas_revenus", "NB_Allocataires_2022": "allocataires",
		"places_eaje": "places_eaje",
	}
	if got := diagnostic.SuggestMapping(headers); !maps.Equal(got, want) {
		t.Errorf("SuggestMapping:\n got %v\nwant %v", got, want)
	}
}

func TestYearOfHeader(t *testing.T) {
	for h, want := range map[string]int{"P21_POP0002": 2021, "C20_FAM": 2020, "p15_pop": 2015, "NB_Allocataires_2022": 2022, "NB_Allocataires": 0, "CODGEO": 0} {
		if got, _ := diagnostic.YearOfHeader(h); got != want {
			t.Errorf("YearOfHeader(%q) = %d, want %d", h, got, want)
		}
	}
}

func TestParseMapping(t *testing.T) {
	got, err := diagnostic.ParseMapping([]string{"P21_POP0002=pop_0_2", "Places en crèche = places_eaje", "P21_POP="})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"P21_POP0002": "pop_0_2", "Places en crèche": "places_eaje", "P21_POP": ""}; !maps.Equal(got, want) {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"pop_0_2", "=pop_0_2"} {
		if _, err := diagnostic.ParseMapping([]string{bad}); app.ErrorCode(err) != app.EInvalid {
			t.Errorf("ParseMapping(%q): %v", bad, err)
		}
	}
}
