package diagnostic

import "slices"

// builtIn is the catalogue every installation starts with: what a CTG
// diagnosis looks at, ready to receive the files of INSEE and the CAF.
var builtIn = []Indicator{
	{Code: Population, Label: "Population municipale", Unit: "habitants", Aggregate: Sum,
		Description: "Population municipale des populations légales, celle du référentiel des territoires ; d'autres années (recensement, colonne P21_POP par exemple) peuvent être importées."},

	{Code: "pop_0_2", Label: "Enfants de 0 à 2 ans", Unit: "enfants", Aggregate: Sum,
		Description: "Population de 0 à 2 ans révolus (recensement de l'INSEE, P21_POP0002)."},
	{Code: "pop_3_5", Label: "Enfants de 3 à 5 ans", Unit: "enfants", Aggregate: Sum,
		Description: "Population de 3 à 5 ans (recensement, P21_POP0305)."},
	{Code: "pop_6_10", Label: "Enfants de 6 à 10 ans", Unit: "enfants", Aggregate: Sum,
		Description: "Population de 6 à 10 ans (recensement, P21_POP0610)."},
	{Code: "pop_11_17", Label: "Jeunes de 11 à 17 ans", Unit: "jeunes", Aggregate: Sum,
		Description: "Population de 11 à 17 ans (recensement, P21_POP1117)."},
	{Code: "pop_18_24", Label: "Jeunes de 18 à 24 ans", Unit: "jeunes", Aggregate: Sum,
		Description: "Population de 18 à 24 ans (recensement, P21_POP1824)."},
	{Code: "pop_25_64", Label: "Adultes de 25 à 64 ans", Unit: "personnes", Aggregate: Sum,
		Description: "Population de 25 à 64 ans : somme des tranches 25-39, 40-54 et 55-64 ans du recensement (P21_POP2539, P21_POP4054, P21_POP5564)."},
	{Code: "pop_65_plus", Label: "Personnes de 65 ans ou plus", Unit: "personnes", Aggregate: Sum,
		Description: "Population de 65 ans ou plus : somme des tranches 65-79 ans et 80 ans ou plus (P21_POP6579, P21_POP80P)."},

	{Code: "menages", Label: "Ménages", Unit: "ménages", Aggregate: Sum,
		Description: "Nombre de ménages (recensement, C21_MEN)."},
	{Code: "familles", Label: "Familles", Unit: "familles", Aggregate: Sum,
		Description: "Nombre de familles (recensement, C21_FAM)."},
	{Code: "familles_monoparentales", Label: "Familles monoparentales", Unit: "familles", Aggregate: Sum,
		Description: "Familles monoparentales (recensement, C21_FAMMONO)."},
	{Code: "familles_3_enfants_plus", Label: "Familles de 3 enfants ou plus", Unit: "familles", Aggregate: Sum,
		Description: "Familles avec 3 enfants ou plus de moins de 25 ans (recensement, C21_NE24F3 + C21_NE24F4P)."},

	{Code: "allocataires", Label: "Foyers allocataires de la Caf", Unit: "foyers", Aggregate: Sum,
		Description: "Foyers allocataires de la branche Famille au 31 décembre (données ouvertes des Caf, NB_Allocataires)."},
	{Code: "allocataires_bas_revenus", Label: "Foyers allocataires à bas revenus", Unit: "foyers", Aggregate: Sum,
		Description: "Foyers allocataires dont le revenu par unité de consommation est sous le seuil de bas revenus (données ouvertes des Caf, ALL_bas_revenu)."},
	{Code: "beneficiaires_rsa", Label: "Foyers bénéficiaires du RSA", Unit: "foyers", Aggregate: Sum,
		Description: "Foyers allocataires percevant le revenu de solidarité active (données ouvertes des Caf)."},
	{Code: "beneficiaires_aah", Label: "Bénéficiaires de l'AAH", Unit: "foyers", Aggregate: Sum,
		Description: "Foyers allocataires percevant l'allocation aux adultes handicapés (données ouvertes des Caf)."},

	{Code: "places_eaje", Label: "Places en établissements d'accueil du jeune enfant (EAJE)", Unit: "places", Aggregate: Sum,
		Description: "Places agréées en crèches et autres EAJE."},
	{Code: "places_assmat", Label: "Places chez les assistants maternels", Unit: "places", Aggregate: Sum,
		Description: "Places offertes par les assistants maternels en activité."},
	{Code: "places_accueil_jeune_enfant", Label: "Places d'accueil du jeune enfant", Unit: "places", Aggregate: Sum,
		Description: "Capacité théorique d'accueil des enfants de moins de 3 ans, tous modes d'accueil formels (EAJE, assistants maternels, garde à domicile, préscolarisation), telle que la Caf la publie. Elle s'importe telle quelle ; elle n'est pas déduite des places EAJE et des assistants maternels, qui ont leurs propres taux."},

	{Code: "taux_couverture_jeune_enfant", Label: "Taux de couverture de l'accueil du jeune enfant", Unit: "places pour 100 enfants de moins de 3 ans",
		Aggregate: Ratio, Numerator: "places_accueil_jeune_enfant", Denominator: "pop_0_2", Scale: 100,
		Description: "Places d'accueil du jeune enfant pour 100 enfants de moins de 3 ans."},
	{Code: "taux_couverture_eaje", Label: "Taux de couverture en EAJE", Unit: "places pour 100 enfants de moins de 3 ans",
		Aggregate: Ratio, Numerator: "places_eaje", Denominator: "pop_0_2", Scale: 100,
		Description: "Places en EAJE pour 100 enfants de moins de 3 ans."},
	{Code: "taux_couverture_assmat", Label: "Taux de couverture par les assistants maternels", Unit: "places pour 100 enfants de moins de 3 ans",
		Aggregate: Ratio, Numerator: "places_assmat", Denominator: "pop_0_2", Scale: 100,
		Description: "Places chez les assistants maternels pour 100 enfants de moins de 3 ans."},
	{Code: "part_familles_monoparentales", Label: "Part des familles monoparentales", Unit: "%",
		Aggregate: Ratio, Numerator: "familles_monoparentales", Denominator: "familles", Scale: 100,
		Description: "Familles monoparentales parmi les familles."},
	{Code: "part_familles_nombreuses", Label: "Part des familles de 3 enfants ou plus", Unit: "%",
		Aggregate: Ratio, Numerator: "familles_3_enfants_plus", Denominator: "familles", Scale: 100,
		Description: "Familles de 3 enfants ou plus parmi les familles."},
	{Code: "part_allocataires_bas_revenus", Label: "Part des allocataires à bas revenus", Unit: "%",
		Aggregate: Ratio, Numerator: "allocataires_bas_revenus", Denominator: "allocataires", Scale: 100,
		Description: "Foyers allocataires à bas revenus parmi l'ensemble des foyers allocataires."},
	{Code: "part_allocataires_rsa", Label: "Part des allocataires bénéficiaires du RSA", Unit: "%",
		Aggregate: Ratio, Numerator: "beneficiaires_rsa", Denominator: "allocataires", Scale: 100,
		Description: "Foyers bénéficiaires du RSA parmi les foyers allocataires."},
	{Code: "part_0_2", Label: "Part des enfants de 0 à 2 ans", Unit: "%",
		Aggregate: Ratio, Numerator: "pop_0_2", Denominator: Population, Scale: 100,
		Description: "Enfants de 0 à 2 ans dans la population."},
	{Code: "part_3_5", Label: "Part des enfants de 3 à 5 ans", Unit: "%",
		Aggregate: Ratio, Numerator: "pop_3_5", Denominator: Population, Scale: 100,
		Description: "Enfants de 3 à 5 ans dans la population."},
	{Code: "part_6_10", Label: "Part des enfants de 6 à 10 ans", Unit: "%",
		Aggregate: Ratio, Numerator: "pop_6_10", Denominator: Population, Scale: 100,
		Description: "Enfants de 6 à 10 ans dans la population."},
	{Code: "part_11_17", Label: "Part des jeunes de 11 à 17 ans", Unit: "%",
		Aggregate: Ratio, Numerator: "pop_11_17", Denominator: Population, Scale: 100,
		Description: "Jeunes de 11 à 17 ans dans la population."},
	{Code: "part_18_24", Label: "Part des jeunes de 18 à 24 ans", Unit: "%",
		Aggregate: Ratio, Numerator: "pop_18_24", Denominator: Population, Scale: 100,
		Description: "Jeunes de 18 à 24 ans dans la population."},
	{Code: "part_65_plus", Label: "Part des 65 ans ou plus", Unit: "%",
		Aggregate: Ratio, Numerator: "pop_65_plus", Denominator: Population, Scale: 100,
		Description: "Personnes de 65 ans ou plus dans la population."},
}

func init() {
	for i := range builtIn {
		builtIn[i].BuiltIn = true
		if builtIn[i].Scale == 0 {
			builtIn[i].Scale = 1
		}
	}
}

// BuiltIn returns the seeded catalogue, in the order a diagnosis shows it.
func BuiltIn() []Indicator { return slices.Clone(builtIn) }

// Catalogue is the built-in indicators followed by those users added.
type Catalogue struct {
	list   []Indicator
	byCode map[string]int
}

// NewCatalogue returns the built-in indicators followed by custom ones, in
// the order given. A custom indicator bearing a built-in code is left out.
func NewCatalogue(custom []Indicator) *Catalogue {
	c := &Catalogue{list: make([]Indicator, 0, len(builtIn)+len(custom)), byCode: make(map[string]int, len(builtIn)+len(custom))}
	for _, i := range builtIn {
		c.add(i)
	}
	for _, i := range custom {
		if _, ok := c.byCode[i.Code]; !ok {
			i.BuiltIn = false
			c.add(i)
		}
	}
	return c
}

func (c *Catalogue) add(i Indicator) {
	c.byCode[i.Code] = len(c.list)
	c.list = append(c.list, i)
}

// Get returns the indicator of a code.
func (c *Catalogue) Get(code string) (Indicator, bool) {
	if i, ok := c.byCode[code]; ok {
		return c.list[i], true
	}
	return Indicator{}, false
}

// All returns the indicators, built-in first.
func (c *Catalogue) All() []Indicator { return slices.Clone(c.list) }

// RatiosOf returns the ratios whose numerator or denominator is code.
func (c *Catalogue) RatiosOf(code string) []Indicator {
	var out []Indicator
	for _, i := range c.list {
		if i.IsRatio() && (i.Numerator == code || i.Denominator == code) {
			out = append(out, i)
		}
	}
	return out
}
