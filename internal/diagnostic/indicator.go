// Package diagnostic is the shared diagnosis of a territory: the catalogue
// of indicators, the reading and checking of the files their values come
// from (INSEE, the CAF's open data, a partner's spreadsheet), and the
// aggregation of commune values to a perimeter, a département and France.
// It imports no SQL or HTTP package: the store keeps what it computes.
package diagnostic

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"ctg/internal/app"
)

// Aggregations of an indicator.
const (
	// Sum is a count (people, households, places): a perimeter's value is
	// the sum of its communes' values.
	Sum = "sum"
	// Ratio is Σnumerator / Σdenominator × Scale, over the communes that
	// have both a numerator and a denominator value.
	Ratio = "ratio"
)

// Population is the code of the built-in population indicator, whose values
// come from the reference of territories rather than from imports.
const Population = "population"

// PopulationYear is the census year of the population municipale shipped with
// the reference (Code officiel géographique 2026: the populations légales
// "millésime 2023", in force on 1 January 2026). The population of that year
// cannot be imported; other years can (INSEE's P21_POP, for instance), so
// that shares of the population use figures of the same census.
const PopulationYear = 2023

// PopulationSource is the source shown for the built-in population.
const PopulationSource = "INSEE, populations légales (Code officiel géographique 2026)"

// Indicator is an entry of the catalogue.
type Indicator struct {
	Code        string  `json:"code"`
	Label       string  `json:"label"`
	Unit        string  `json:"unit"`
	Aggregate   string  `json:"aggregate"`
	Numerator   string  `json:"numerator"`   // ratios only
	Denominator string  `json:"denominator"` // ratios only
	Scale       float64 `json:"scale"`       // ratios: 100 for a percentage
	Description string  `json:"description"`
	BuiltIn     bool    `json:"built_in"`
}

// IsRatio reports whether the indicator is computed from two others.
func (i Indicator) IsRatio() bool { return i.Aggregate == Ratio }

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// Validate checks a new indicator against the catalogue it joins. Errors are
// EInvalid with one French message per field; a code already taken is
// EConflict.
func (i *Indicator) Validate(c *Catalogue) error {
	i.Code = strings.TrimSpace(i.Code)
	i.Label = strings.TrimSpace(i.Label)
	i.Unit = strings.TrimSpace(i.Unit)
	i.Description = strings.TrimSpace(i.Description)
	i.Numerator = strings.TrimSpace(i.Numerator)
	i.Denominator = strings.TrimSpace(i.Denominator)
	bad := app.Fields{}
	switch {
	case i.Code == "":
		bad.Add("code", "Indiquez un code.")
	case !codePattern.MatchString(i.Code):
		bad.Add("code", "Le code s'écrit en minuscules sans accent, chiffres et « _ », commence par une lettre et compte de 2 à 40 caractères (par exemple places_alsh).")
	}
	switch n := utf8.RuneCountInString(i.Label); {
	case n == 0:
		bad.Add("label", "Indiquez un libellé.")
	case n > 200:
		bad.Add("label", "Le libellé ne peut pas dépasser 200 caractères.")
	}
	if utf8.RuneCountInString(i.Unit) > 60 {
		bad.Add("unit", "L'unité ne peut pas dépasser 60 caractères.")
	}
	if utf8.RuneCountInString(i.Description) > 2000 {
		bad.Add("description", "La description ne peut pas dépasser 2 000 caractères.")
	}
	switch i.Aggregate {
	case Sum:
		if i.Numerator != "" {
			bad.Add("numerator", "Un comptage (sum) n'a pas de numérateur.")
		}
		if i.Denominator != "" {
			bad.Add("denominator", "Un comptage (sum) n'a pas de dénominateur.")
		}
		if i.Scale != 0 && i.Scale != 1 {
			bad.Add("scale", "Un comptage (sum) n'a pas de coefficient.")
		}
		i.Scale = 1
	case Ratio:
		i.checkTerm(c, "numerator", i.Numerator, bad)
		i.checkTerm(c, "denominator", i.Denominator, bad)
		if i.Numerator != "" && i.Numerator == i.Denominator {
			bad.Add("denominator", "Le dénominateur doit différer du numérateur.")
		}
		switch {
		case i.Scale == 0:
			i.Scale = 1
		case i.Scale < 0 || i.Scale > 1e9:
			bad.Add("scale", "Le coefficient est un nombre positif : 100 pour un pourcentage, 1000 pour un taux pour mille.")
		}
	case "":
		bad.Add("aggregate", "Indiquez le type d'agrégation : sum (comptage) ou ratio.")
	default:
		bad.Add("aggregate", "Type d'agrégation inconnu : choisissez sum (comptage) ou ratio.")
	}
	if err := bad.Err(); err != nil {
		return err
	}
	if _, ok := c.Get(i.Code); ok {
		return &app.Error{Code: app.EConflict, Message: fmt.Sprintf("Un indicateur porte déjà le code %s.", i.Code),
			Fields: map[string]string{"code": "Ce code est déjà pris."}}
	}
	i.BuiltIn = false
	return nil
}

func (i *Indicator) checkTerm(c *Catalogue, field, code string, bad app.Fields) {
	if code == "" {
		bad.Add(field, "Un ratio a besoin d'un numérateur et d'un dénominateur : indiquez le code d'un comptage du catalogue.")
		return
	}
	t, ok := c.Get(code)
	switch {
	case !ok:
		bad.Add(field, "Aucun indicateur du catalogue ne porte le code "+code+".")
	case t.IsRatio():
		bad.Add(field, "« "+code+" » est lui-même un ratio : un ratio se calcule à partir de deux comptages.")
	}
}
