package diagnostic

import (
	"regexp"
	"strconv"
	"strings"

	"ctg/internal/app"
)

// censusHeader matches INSEE's census variables: P21_POP0002 (a count of
// people in 2021), C21_FAMMONO (a count from the complementary tables).
var censusHeader = regexp.MustCompile(`^([PC])(\d\d)_([A-Z0-9]+)$`)

// yearSuffix matches a header ending with a year: NB_Allocataires_2022.
var yearSuffix = regexp.MustCompile(`[_ -]((?:19|20)\d\d)$`)

// censusCodes maps the variable part of a census header (after "P21_" or
// "C21_") to an indicator code. Several variables may feed one code: their
// columns add up.
var censusCodes = map[string]string{
	"P:POP":     Population,
	"P:POP0002": "pop_0_2",
	"P:POP0305": "pop_3_5",
	"P:POP0610": "pop_6_10",
	"P:POP1117": "pop_11_17",
	"P:POP1824": "pop_18_24",
	"P:POP2539": "pop_25_64",
	"P:POP4054": "pop_25_64",
	"P:POP5564": "pop_25_64",
	"P:POP6579": "pop_65_plus",
	"P:POP80P":  "pop_65_plus",
	"C:MEN":     "menages",
	"C:FAM":     "familles",
	"C:FAMMONO": "familles_monoparentales",
	"C:NE24F3":  "familles_3_enfants_plus",
	"C:NE24F4P": "familles_3_enfants_plus",
}

// cafCodes maps the headers of the CAF's open-data files, folded (see
// foldHeader), to indicator codes.
var cafCodes = map[string]string{
	"nballocataires":           "allocataires",
	"nballoc":                  "allocataires",
	"allbasrevenu":             "allocataires_bas_revenus",
	"allbasrevenus":            "allocataires_bas_revenus",
	"nballocbasrev":            "allocataires_bas_revenus",
	"allrsa":                   "beneficiaires_rsa",
	"nballrsa":                 "beneficiaires_rsa",
	"nballocrsa":               "beneficiaires_rsa",
	"allaah":                   "beneficiaires_aah",
	"nballaah":                 "beneficiaires_aah",
	"nballocaah":               "beneficiaires_aah",
	"nbplaceseaje":             "places_eaje",
	"placeseaje":               "places_eaje",
	"capaciteeaje":             "places_eaje",
	"nbplacesassmat":           "places_assmat",
	"placesassmat":             "places_assmat",
	"capaciteassmat":           "places_assmat",
	"capacitetheo":             "places_accueil_jeune_enfant",
	"capacitetheorique":        "places_accueil_jeune_enfant",
	"capacitetheoriqueaccueil": "places_accueil_jeune_enfant",
}

// SuggestMapping proposes an indicator code for the headers it recognises:
// INSEE's census variables (P21_POP0002 → pop_0_2, C21_FAMMONO →
// familles_monoparentales, the three columns P21_POP2539, P21_POP4054 and
// P21_POP5564 → pop_25_64, …), the CAF's open-data headers (NB_Allocataires
// → allocataires, ALL_bas_revenu → allocataires_bas_revenus, …) and the codes
// of the built-in catalogue written as they are. The population of the
// reference's own year (P23_POP) is not proposed: it comes with the
// reference. Headers it does not know are left out.
func SuggestMapping(headers []string) map[string]string {
	out := map[string]string{}
	for _, h := range headers {
		if code, ok := suggest(h); ok {
			out[h] = code
		}
	}
	return out
}

func suggest(header string) (string, bool) {
	h := strings.ToUpper(strings.TrimSpace(header))
	if m := censusHeader.FindStringSubmatch(h); m != nil {
		code, ok := censusCodes[m[1]+":"+m[3]]
		if !ok {
			return "", false
		}
		if code == Population {
			if y, _ := strconv.Atoi(m[2]); 2000+y == PopulationYear {
				return "", false
			}
		}
		return code, true
	}
	f := foldHeader(yearSuffix.ReplaceAllString(strings.TrimSpace(header), ""))
	if code, ok := cafCodes[f]; ok {
		return code, true
	}
	lower := strings.ToLower(strings.TrimSpace(header))
	for _, i := range builtIn {
		if i.Code == lower && !i.IsRatio() && i.Code != Population {
			return i.Code, true
		}
	}
	return "", false
}

// YearOfHeader returns the year a header names: 2021 for INSEE's
// P21_POP0002 or C21_MEN, 2022 for NB_Allocataires_2022.
func YearOfHeader(header string) (int, bool) {
	h := strings.ToUpper(strings.TrimSpace(header))
	if m := censusHeader.FindStringSubmatch(h); m != nil {
		y, _ := strconv.Atoi(m[2])
		return 2000 + y, true
	}
	if m := yearSuffix.FindStringSubmatch(h); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y, true
	}
	return 0, false
}

// ParseMapping reads the HEADER=CODE pairs of the command line's --map. An
// empty code ("P21_POP=") leaves the column out of a suggested mapping.
func ParseMapping(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		h, code, ok := strings.Cut(p, "=")
		h, code = strings.TrimSpace(h), strings.TrimSpace(code)
		if !ok || h == "" {
			return nil, app.Errorf(app.EInvalid, "--map « %s » : écrivez --map \"TITRE DE COLONNE=code_indicateur\".", p)
		}
		out[h] = code
	}
	return out, nil
}
