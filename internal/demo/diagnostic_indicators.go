package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"time"

	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// The statistics of the demonstration: invented values, commune by commune,
// for the three départements of the data set, imported the way a person
// imports INSEE's census files and the CAF's open data, so that the
// départements' and France's sums are computed as they are in real life.
// France then means those three départements only, and every diagnosis
// says so ("1 205 communes sur 34 875").
//
// Each value is derived from the commune's population municipale with
// plausible proportions (younger in La Réunion, more single parents and
// low incomes in the Nord and in towns), and varied a little by a hash of
// the commune's code, so that communes differ and every load gives the
// same figures. Small counts of the CAF's files are secret, as the CAF
// publishes them. The childcare places of the communes of Latitude Nord
// Gironde are those of its inventory of facilities.

// indicatorSource labels every demonstration value.
const indicatorSource = "Données fictives de démonstration"

// indicatorDepartements are the départements that receive values.
var indicatorDepartements = []string{"33", "59", "974"}

// The years of the two files: a census, and the CAF's data.
const (
	censusYear = 2021
	cafYear    = 2024
)

// indicatorsOn is the day the administrator imports the files.
const indicatorsOn = "2026-09-21"

// censusCodes and cafCodes are the columns of the two files, in order.
var (
	censusCodes = []string{diagnostic.Population, "pop_0_2", "pop_3_5", "pop_6_10", "pop_11_17", "pop_18_24", "pop_25_64", "pop_65_plus",
		"menages", "familles", "familles_monoparentales", "familles_3_enfants_plus"}
	cafCodes = []string{"allocataires", "allocataires_bas_revenus", "beneficiaires_rsa", "beneficiaires_aah",
		"places_eaje", "places_assmat", "places_accueil_jeune_enfant"}
)

// profile is what sets a département's communes apart.
type profile struct {
	children, elderly float64 // factors of the national age shares
	household         float64 // persons per household
	single, large     float64 // shares of single-parent and large families
	claimants         float64 // CAF households per inhabitant
	lowIncome, rsa    float64 // shares of the CAF households
	aah               float64
	eaje, assmat      float64 // places per child under 3, where there are some
}

var profiles = map[string]profile{
	"33":  {children: 1.0, elderly: 1.0, household: 2.15, single: 0.15, large: 0.085, claimants: 0.195, lowIncome: 0.24, rsa: 0.085, aah: 0.055, eaje: 0.20, assmat: 0.42},
	"59":  {children: 1.08, elderly: 0.9, household: 2.25, single: 0.19, large: 0.11, claimants: 0.235, lowIncome: 0.33, rsa: 0.13, aah: 0.06, eaje: 0.18, assmat: 0.30},
	"974": {children: 1.35, elderly: 0.6, household: 2.55, single: 0.30, large: 0.13, claimants: 0.33, lowIncome: 0.44, rsa: 0.26, aah: 0.045, eaje: 0.26, assmat: 0.09},
}

// National shares of the age bands but 25-64, which takes the rest.
var ageShares = []struct {
	code  string
	share float64
}{
	{"pop_0_2", 0.031}, {"pop_3_5", 0.034}, {"pop_6_10", 0.060}, {"pop_11_17", 0.084}, {"pop_18_24", 0.076}, {"pop_65_plus", 0.213},
}

// secretBelow is the count under which the CAF's files write a secret.
const secretBelow = 5

// vary returns a number in [0, 1) fixed by the commune and the quantity.
func vary(code, what string) float64 {
	h := fnv.New64a()
	h.Write([]byte(code))
	h.Write([]byte{0})
	h.Write([]byte(what))
	return float64(h.Sum64()>>11) / (1 << 53)
}

// spread returns a number in [-1, 1) fixed by the commune and the quantity.
func spread(code, what string) float64 { return 2*vary(code, what) - 1 }

func round(f float64) int { return int(math.Round(max(f, 0))) }

// demoCommune is the invented statistics of one commune.
type demoCommune struct {
	code   string
	census map[string]int
	caf    map[string]int
	secret map[string]bool
}

// inventoryPlaces returns the places of a kind of the facilities of
// Latitude Nord Gironde, by commune.
func inventoryPlaces(kind string) map[string]int {
	out := map[string]int{}
	for _, f := range lngFacilities {
		if f.Kind == kind && f.Places > 0 {
			out[f.Commune] += f.Places
		}
	}
	return out
}

// demoCommunes computes the statistics of every commune of the
// départements of the data set.
func demoCommunes(ref *territory.Ref) []demoCommune {
	lng, _ := ref.EPCI(lngSIREN)
	eajeOf, assmatOf := inventoryPlaces("eaje"), inventoryPlaces("assistants_maternels")
	var out []demoCommune
	for _, dep := range indicatorDepartements {
		p := profiles[dep]
		for _, c := range ref.CommunesOf(dep) {
			d := demoCommune{code: c.Code, census: map[string]int{}, caf: map[string]int{}, secret: map[string]bool{}}
			pop := float64(c.Population)
			town := 0.0 // 0 in the countryside, up to 1 in a city
			switch {
			case pop >= 50000:
				town = 1
			case pop >= 20000:
				town = 0.7
			case pop >= 5000:
				town = 0.35
			}

			// The census: its population, a little under today's.
			p21 := round(pop * (0.975 + 0.03*vary(c.Code, "growth")))
			young := spread(c.Code, "young")
			kids := p.children * (1 + 0.18*young)
			d.census[diagnostic.Population] = p21
			rest := p21
			for _, a := range ageShares {
				f := kids
				switch a.code {
				case "pop_65_plus":
					f = p.elderly * (1 - 0.25*young)
				case "pop_18_24":
					// Students live in towns.
					f = (1 + (p.children-1)/2) * (0.75 + 0.6*town)
				}
				n := round(float64(p21) * a.share * f * (1 + 0.06*spread(c.Code, a.code)))
				d.census[a.code] = n
				rest -= n
			}
			d.census["pop_25_64"] = max(rest, 0)
			households := round(float64(p21) / (p.household + 0.15*young + 0.2*spread(c.Code, "household") - 0.15*town))
			families := round(float64(households) * (0.6 + 0.08*young + 0.04*spread(c.Code, "families") - 0.06*town))
			d.census["menages"] = households
			d.census["familles"] = families
			d.census["familles_monoparentales"] = round(float64(families) * p.single * (1 + 0.45*town + 0.2*spread(c.Code, "single")))
			d.census["familles_3_enfants_plus"] = round(float64(families) * p.large * (1 + 0.15*young + 0.2*spread(c.Code, "large")))

			// The CAF's data, three years on.
			claimants := round(pop * 1.01 * p.claimants * (1 + 0.1*young + 0.12*town + 0.08*spread(c.Code, "claimants")))
			d.caf["allocataires"] = claimants
			d.caf["allocataires_bas_revenus"] = round(float64(claimants) * p.lowIncome * (1 + 0.35*town + 0.18*spread(c.Code, "low")))
			d.caf["beneficiaires_rsa"] = round(float64(claimants) * p.rsa * (1 + 0.5*town + 0.25*spread(c.Code, "rsa")))
			d.caf["beneficiaires_aah"] = round(float64(claimants) * p.aah * (1 + 0.3*spread(c.Code, "aah")))

			under3 := float64(d.census["pop_0_2"])
			eaje := 0
			switch chance := vary(c.Code, "crèche"); {
			case pop >= 3000 || (pop >= 1000 && chance < 0.45):
				eaje = round(under3 * p.eaje * (1 + 0.6*town + 0.35*spread(c.Code, "eaje")))
			case pop >= 400 && chance < 0.12:
				eaje = 10 // a micro-crèche
			}
			assmat := round(under3 * p.assmat * (1 - 0.35*town + 0.3*spread(c.Code, "assmat")))
			if slices.Contains(lng.Communes, c.Code) {
				eaje = eajeOf[c.Code]
				if n, ok := assmatOf[c.Code]; ok {
					assmat = n
				}
			}
			d.caf["places_eaje"] = eaje
			d.caf["places_assmat"] = assmat
			d.caf["places_accueil_jeune_enfant"] = round(float64(eaje+assmat) * (1.03 + 0.05*vary(c.Code, "other modes")))
			for _, code := range []string{"beneficiaires_aah"} {
				if n := d.caf[code]; n > 0 && n < secretBelow {
					d.secret[code] = true
				}
			}
			out = append(out, d)
		}
	}
	return out
}

// lngSIREN is the CC Latitude Nord Gironde.
const lngSIREN = "243301181"

// demoTable writes the values of some codes as the table of a file.
func demoTable(communes []demoCommune, codes []string, values func(demoCommune) map[string]int) *diagnostic.Table {
	t := &diagnostic.Table{Headers: append([]string{"CODGEO"}, codes...), Format: "csv", Separator: ";", Encoding: "UTF-8", HeaderLine: 1}
	for i, c := range communes {
		row := diagnostic.Row{Line: i + 2, Cells: make([]string, 0, len(codes)+1)}
		row.Cells = append(row.Cells, c.code)
		v := values(c)
		for _, code := range codes {
			if c.secret[code] {
				row.Cells = append(row.Cells, "s")
			} else {
				row.Cells = append(row.Cells, strconv.Itoa(v[code]))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// loadIndicators imports the statistics of the demonstration as its
// administrator, each file unless one of its (indicator, year) pairs has
// values already: a database that has them, demonstration or not, keeps
// them. It runs once the data set is complete, so that a database loaded
// before these statistics existed receives them too.
func loadIndicators(ctx context.Context, db *store.DB, ref *territory.Ref) error {
	series, err := db.Series(ctx)
	if err != nil {
		return fmt.Errorf("demo.Load: indicators: %w", err)
	}
	have := map[diagnostic.Key]bool{}
	for _, s := range series {
		have[diagnostic.Key{Code: s.Indicator, Year: s.Year}] = true
	}
	missing := func(codes []string, year int) bool {
		for _, c := range codes {
			if have[diagnostic.Key{Code: c, Year: year}] {
				return false
			}
		}
		return true
	}
	files := []struct {
		name   string
		year   int
		codes  []string
		values func(demoCommune) map[string]int
	}{
		{"donnees-fictives-recensement-2021.csv", censusYear, censusCodes, func(c demoCommune) map[string]int { return c.census }},
		{"donnees-fictives-caf-2024.csv", cafYear, cafCodes, func(c demoCommune) map[string]int { return c.caf }},
	}
	var communes []demoCommune
	var c clock
	for _, f := range files {
		if !missing(f.codes, f.year) {
			continue
		}
		if communes == nil {
			communes = demoCommunes(ref)
		}
		admin, err := db.UserByEmail(ctx, adminEmail)
		if err != nil {
			return fmt.Errorf("demo.Load: indicators: %w", err)
		}
		if err := c.set(indicatorsOn); err != nil {
			return err
		}
		saved := db.Now
		db.Now = func() time.Time { return c.now }
		_, err = db.ImportIndicators(ctx, ref, admin, demoTable(communes, f.codes, f.values),
			diagnostic.ImportRequest{Filename: f.name, Year: f.year, Source: indicatorSource}, nil)
		db.Now = saved
		if err != nil {
			return fmt.Errorf("demo.Load: indicators, %s: %w", f.name, err)
		}
	}
	return nil
}
