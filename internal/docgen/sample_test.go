package docgen

import (
	"fmt"
	"strconv"
	"time"

	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/plan"
	"ctg/internal/territory"
)

// sampleConvention is a CTG of 12 communes with the given number of
// actions (spread over 5 axes) and budget lines (spread over the actions,
// four funders and the five years), with the French text a real one has:
// accents, ligatures, guillemets, apostrophes.
func sampleConvention(actions, lines int) *Convention {
	cv := &convention.Convention{ID: "cv1", Kind: convention.KindCTG, Title: "CTG Latitude Nord Gironde 2022-2026", CAF: "caf-33",
		Start: "2022-11-01", End: "2026-12-31", Parties: []string{"org-cc", "org-dep", "org-msa"}, Status: convention.StatusElaboration}
	c := &Convention{
		Convention: cv,
		CAF:        Party{ID: "caf-33", Name: "Caf de la Gironde"},
		Parties: []Party{{ID: "org-cc", Name: "Communauté de communes Latitude Nord Gironde"},
			{ID: "org-dep", Name: "Département de la Gironde"}, {ID: "org-msa", Name: "MSA Gironde"}},
		Names: map[string]string{"caf-33": "Caf de la Gironde", "org-cc": "Communauté de communes Latitude Nord Gironde",
			"org-dep": "Département de la Gironde", "org-msa": "MSA Gironde", "org-assoc": "Association « Familles rurales » d'Étauliers"},
		Generated: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC),
	}
	names := []string{"Saint-Savin", "Cavignac", "Marcenais", "Saint-Christoly-de-Blaye", "Saint-Yzan-de-Soudiac", "Laruscade",
		"Civrac-de-Blaye", "Cézac", "Donnezac", "Générac", "Marsas", "Saint-Mariens"}
	epci := territory.EPCI{SIREN: "243301181", Name: "CC Latitude Nord Gironde", Kind: "CC"}
	for i, n := range names {
		code := strconv.Itoa(33400 + i*7)
		pop := 800 + i*317
		c.Communes = append(c.Communes, territory.Commune{Code: code, Name: n, Departement: "33", EPCI: epci.SIREN, Population: pop})
		epci.Communes = append(epci.Communes, code)
		epci.Population += pop
	}
	cv.Population = epci.Population
	c.EPCIs = []territory.EPCI{epci}
	v := func(f float64) *float64 { return &f }
	c.Diagnosis = &diagnostic.Diagnosis{Departement: "33", DepartementName: "Gironde", Indicators: []diagnostic.Line{
		{Code: "population", Label: "Population municipale", Unit: "habitants", Aggregate: diagnostic.Sum, Year: 2023, Source: diagnostic.PopulationSource,
			Perimeter: v(float64(epci.Population)), Departement: v(1690493), France: v(68_373_433)},
		{Code: "part_familles_mono", Label: "Part des familles monoparentales", Unit: "%", Aggregate: diagnostic.Ratio, Year: 2021, Source: "INSEE, recensement",
			Perimeter: v(14.3), Departement: v(16.1), France: v(16.4)},
		{Code: "taux_couverture_jeune_enfant", Label: "Taux de couverture en accueil du jeune enfant", Unit: "%", Aggregate: diagnostic.Ratio, Year: 2022, Source: "Caf, open data",
			Perimeter: v(52.6), Departement: v(61.3), France: nil},
	}}
	c.Findings = []diagnostic.Finding{
		{ID: "f1", Kind: diagnostic.FindingStrength, Field: "petite_enfance", Text: "Un réseau d'assistantes maternelles dense et bien coordonné par le RPE."},
		{ID: "f2", Kind: diagnostic.FindingWeakness, Field: "jeunesse", Text: "Peu d'offre pour les 11-17 ans hors vacances scolaires ; transports rares."},
		{ID: "f3", Kind: diagnostic.FindingNeed, Field: "parentalite", Text: "Les parents demandent des lieux d'échange (65,8 % des répondants ont 26 à 45 ans)."},
	}
	c.Stakes = []diagnostic.Stake{
		{ID: "s1", Title: "Faciliter la conciliation vie familiale et vie professionnelle", Fields: []string{"petite_enfance", "enfance"}, Priority: 1},
		{ID: "s2", Title: "Offrir aux jeunes des lieux et des projets à eux", Fields: []string{"jeunesse"}, Priority: 2},
		{ID: "s3", Title: "Soutenir les parents dans leur rôle éducatif", Fields: []string{"parentalite"}, Priority: 1},
	}
	axes := []string{"Faciliter la vie des familles", "Grandir et s'épanouir sur le territoire", "Accompagner les parents",
		"Animer la vie sociale", "Améliorer l'accès aux droits et au numérique"}
	c.Plan = &plan.Plan{Convention: cv.ID}
	funders := []string{"caf-33", "org-cc", "org-dep", "org-msa"}
	for i, t := range axes {
		c.Plan.Axes = append(c.Plan.Axes, plan.Axis{ID: "ax" + strconv.Itoa(i+1), Number: i + 1, Title: t,
			Description: "Cet axe répond aux enjeux de l'œuvre commune : « faire ensemble » pour les familles.",
			Objectives:  []plan.Objective{{ID: fmt.Sprintf("ob%d", i+1), Title: "Développer l'offre d'accueil et son accessibilité"}}})
	}
	var all []*plan.Action
	for k := range actions {
		ax := &c.Plan.Axes[k%len(axes)]
		n := len(ax.Actions) + 1
		ax.Actions = append(ax.Actions, plan.Action{ID: fmt.Sprintf("a%d", k+1), Axis: ax.ID, AxisNumber: ax.Number, Objective: ax.Objectives[0].ID,
			Number: n, Ref: plan.Ref(ax.Number, n), Title: fmt.Sprintf("Réservation en ligne des accueils de loisirs n° %d", k+1),
			Description: "Mettre en place un portail unique d'inscription et de paiement pour les ALSH du territoire.\n\nLes familles sans accès au numérique gardent un accueil physique en mairie ; l'espace France services les accompagne.",
			Fields:      []string{"enfance", "inclusion_numerique"}, Lead: "org-cc", Partners: []string{"caf-33", "org-assoc"}, Public: "Familles avec enfants de 3 à 11 ans",
			Start: "2023-01-01", End: "2024-12-31", Status: plan.StatusInProgress, Stakes: []string{"s1"}})
	}
	for i := range c.Plan.Axes {
		for j := range c.Plan.Axes[i].Actions {
			all = append(all, &c.Plan.Axes[i].Actions[j])
		}
	}
	for i, a := range all {
		base := 12.0
		c.Indicators = append(c.Indicators, plan.Indicator{ID: fmt.Sprintf("i%d", i), Action: a.ID, Label: "Familles inscrites en ligne", Unit: "familles",
			Baseline: &base, Targets: map[string]float64{"2023": 80, "2024": 150.5, "2025": 220}})
	}
	years := []int{2022, 2023, 2024, 2025, 2026}
	var cells []budget.Cell
	cellAt := map[[2]string]int{}
	axisSums := make([]int64, len(axes))
	for k := range lines {
		if len(all) == 0 {
			break
		}
		a := all[k%len(all)]
		f := funders[(k/len(all))%len(funders)]
		y := years[(k/(len(all)*len(funders)))%len(years)]
		cents := int64(1_000_00 + (k%37)*25_000_00)
		if k%11 == 0 {
			cents += 50 // some cents
		}
		c.Lines = append(c.Lines, budget.LineRef{Line: budget.Line{ID: fmt.Sprintf("l%d", k), Action: a.ID, Funder: f, FunderName: c.Names[f], Year: y,
			Nature: budget.NatureFonctionnement, PlannedCents: cents}, AxisNumber: a.AxisNumber, AxisTitle: axes[a.AxisNumber-1],
			ActionNumber: a.Number, ActionTitle: a.Title, Ref: a.Ref})
		key := [2]string{f, strconv.Itoa(y)}
		i, ok := cellAt[key]
		if !ok {
			i = len(cells)
			cellAt[key] = i
			cells = append(cells, budget.Cell{Funder: f, Name: c.Names[f], Year: y})
		}
		cells[i].PlannedCents += cents
		axisSums[a.AxisNumber-1] += cents
	}
	var axisTotals []budget.AxisTotal
	for i, t := range axes {
		axisTotals = append(axisTotals, budget.AxisTotal{Axis: "ax" + strconv.Itoa(i+1), Number: i + 1, Title: t, PlannedCents: axisSums[i]})
	}
	c.Totals = budget.NewTotals(cells, axisTotals, nil, nil)
	c.Committees = nil
	return c
}
