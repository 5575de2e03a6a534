package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/publication"
)

// The plan of actions of the renewal of the CC Latitude Nord Gironde's CTG
// (2027-2031), written by the coordinator in November 2026 from the stakes
// of the diagnosis: one axis per stake, twenty actions, their budget per
// year and funder, and follow-up indicators. The actions are invented; the
// amounts are of the order such actions cost, not those of any real
// contract.

// planOf is the convention the plan belongs to.
const planOf = diagnosisOf

// budgetSpec is a budget line repeated over years: the funder (a key of
// orgs or a CAF id), the nature, euros per year, and the years.
type budgetSpec struct {
	Funder   string
	Nature   string
	Euros    int64
	From, To int
}

// indicatorSpec is a follow-up indicator: a baseline and a target per year
// from the first year of the convention.
type indicatorSpec struct {
	Label, Unit string
	Baseline    float64
	Targets     []float64
}

type actionSpec struct {
	Title, Description string
	Objective          int // index in the axis's objectives, -1 for none
	Fields             []string
	Lead               string
	Partners           []string
	Public             string
	Start, End         string
	Budget             []budgetSpec
	Indicator          *indicatorSpec
	// Status is planned when empty.
	Status string
}

type axisSpec struct {
	Title      string
	Stake      string // the title of the stake the axis answers
	Objectives []string
	Actions    []actionSpec
}

const (
	fonct  = budget.NatureFonctionnement
	invest = budget.NatureInvestissement
)

var lngPlan = []axisSpec{
	{
		Title: "Développer et rééquilibrer l'accueil du jeune enfant", Stake: lngStakes[0].Title,
		Objectives: []string{"Créer des places d'accueil dans le nord du territoire", "Adapter l'accueil aux horaires des familles"},
		Actions: []actionSpec{
			{Title: "Créer une micro-crèche de 12 places dans le secteur nord", Objective: 0, Fields: []string{"petite_enfance"},
				Description: "Construction et ouverture d'une micro-crèche intercommunale, en gestion déléguée, pour les familles du nord du territoire qui n'ont aucune place à moins de 15 minutes.",
				Lead:        "cc-lng", Partners: []string{"caf-33", "dep-33"}, Public: "Enfants de moins de 3 ans et leurs parents", Start: "2027-03-01", End: "2031-12-31",
				Budget: []budgetSpec{{"caf-33", invest, 180_000, 2027, 2027}, {"cc-lng", invest, 120_000, 2027, 2027}, {"dep-33", invest, 40_000, 2027, 2027},
					{"caf-33", fonct, 96_000, 2028, 2031}, {"cc-lng", fonct, 64_000, 2028, 2031}},
				Indicator: &indicatorSpec{"Places d'accueil collectif dans le secteur nord", "places", 0, []float64{0, 12, 12, 12, 12}}},
			{Title: "Élargir les horaires du multi-accueil de Saint-Savin (7 h – 19 h)", Objective: 1, Fields: []string{"petite_enfance"},
				Description: "Ouverture dès 7 h et jusqu'à 19 h, pour les parents qui travaillent en horaires décalés ou loin du territoire.",
				Lead:        "cc-lng", Partners: []string{"caf-33"}, Public: "Familles dont les parents travaillent tôt ou tard", Start: "2027-01-01", End: "2031-12-31",
				Budget:    []budgetSpec{{"caf-33", fonct, 18_000, 2027, 2031}, {"cc-lng", fonct, 12_000, 2027, 2031}},
				Indicator: &indicatorSpec{"Familles accueillies avant 7 h 30 ou après 18 h 30", "familles", 0, []float64{10, 15, 18, 20, 20}}},
			{Title: "Une permanence du relais petite enfance dans chaque secteur", Objective: 1, Fields: []string{"petite_enfance", "parentalite"},
				Description: "Le RPE tient une permanence par mois dans chacun des trois secteurs et accompagne les parents employeurs.",
				Lead:        "cc-lng", Partners: []string{"caf-33"}, Public: "Parents, assistantes maternelles", Start: "2027-01-01", End: "2031-12-31",
				Budget:    []budgetSpec{{"caf-33", fonct, 24_500, 2027, 2031}, {"cc-lng", fonct, 10_500, 2027, 2031}},
				Indicator: &indicatorSpec{"Permanences tenues dans l'année", "permanences", 12, []float64{30, 36, 36, 36, 36}}},
			{Title: "Accompagner l'installation de nouvelles assistantes maternelles", Objective: 0, Fields: []string{"petite_enfance"},
				Description: "Réunions d'information, aide au premier équipement et parrainage par une assistante maternelle expérimentée.",
				Lead:        "cc-lng", Partners: []string{"dep-33", "caf-33"}, Public: "Futures assistantes maternelles", Start: "2027-01-01", End: "2029-12-31",
				Budget:    []budgetSpec{{"caf-33", fonct, 6_000, 2027, 2029}, {"dep-33", fonct, 3_000, 2027, 2029}, {"cc-lng", fonct, 3_000, 2027, 2029}},
				Indicator: &indicatorSpec{"Assistantes maternelles en activité", "personnes", 142, []float64{146, 150, 154}}},
		},
	},
	{
		Title: "Offrir aux adolescents des lieux et des activités toute l'année", Stake: lngStakes[1].Title,
		Objectives: []string{"Ouvrir des lieux pour les 11-17 ans", "Encourager l'initiative des jeunes"},
		Actions: []actionSpec{
			{Title: "Ouvrir un espace jeunes intercommunal les mercredis et pendant les vacances", Objective: 0, Fields: []string{"jeunesse"},
				Description: "Un local aménagé avec et pour les 11-17 ans, ouvert les mercredis après-midi, les samedis et pendant les vacances scolaires.",
				Lead:        "cc-lng", Partners: []string{"asso-cabanes", "caf-33"}, Public: "Jeunes de 11 à 17 ans", Start: "2027-09-01", End: "2031-12-31",
				Budget: []budgetSpec{{"cc-lng", invest, 60_000, 2027, 2027}, {"caf-33", invest, 30_000, 2027, 2027},
					{"caf-33", fonct, 35_000, 2028, 2031}, {"cc-lng", fonct, 45_000, 2028, 2031}},
				Indicator: &indicatorSpec{"Jeunes inscrits à l'espace jeunes", "jeunes", 0, []float64{40, 80, 100, 110, 120}}},
			{Title: "Recruter un animateur jeunesse itinérant", Objective: 0, Fields: []string{"jeunesse"},
				Description: "Un animateur qui va à la rencontre des jeunes dans les communes sans équipement, avec un minibus.",
				Lead:        "cc-lng", Partners: []string{"caf-33", "msa-33"}, Public: "Jeunes de 11 à 17 ans des petites communes", Start: "2027-01-01", End: "2031-12-31",
				Budget: []budgetSpec{{"cc-lng", fonct, 22_000, 2027, 2031}, {"caf-33", fonct, 15_000, 2027, 2031}, {"msa-33", fonct, 5_000, 2027, 2031}}},
			{Title: "Une bourse aux projets de jeunes", Objective: 1, Fields: []string{"jeunesse"},
				Description: "Un jury de jeunes et d'élus soutient chaque année des projets portés par des jeunes (séjour, festival, chantier).",
				Lead:        "cc-lng", Partners: []string{"msa-33"}, Public: "Jeunes de 14 à 25 ans", Start: "2027-01-01", End: "2031-12-31",
				Budget:    []budgetSpec{{"cc-lng", fonct, 8_000, 2027, 2031}, {"msa-33", fonct, 2_000, 2027, 2031}},
				Indicator: &indicatorSpec{"Projets de jeunes soutenus", "projets", 0, []float64{4, 5, 6, 6, 6}}},
			{Title: "Créer un point information jeunesse (PIJ)", Objective: 1, Fields: []string{"jeunesse", "acces_aux_droits"},
				Description: "Information sur l'orientation, l'emploi saisonnier, le logement et la santé, dans l'espace jeunes.",
				Lead:        "cc-lng", Partners: []string{"dep-33"}, Public: "Jeunes de 15 à 25 ans", Start: "2028-01-01", End: "2031-12-31",
				Budget: []budgetSpec{{"cc-lng", fonct, 9_000, 2028, 2031}, {"dep-33", fonct, 4_000, 2028, 2031}}},
		},
	},
	{
		Title: "Soutenir les parents dans chaque secteur du territoire", Stake: lngStakes[2].Title,
		Objectives: []string{"Rapprocher les lieux de soutien des familles"},
		Actions: []actionSpec{
			{Title: "Ouvrir un lieu d'accueil enfants-parents (LAEP) itinérant", Objective: 0, Fields: []string{"parentalite", "petite_enfance"},
				Description: "Deux demi-journées par semaine, dans trois communes à tour de rôle, avec deux accueillants formés.",
				Lead:        "asso-cabanes", Partners: []string{"caf-33", "msa-33", "cc-lng"}, Public: "Enfants de moins de 6 ans et leurs parents", Start: "2027-01-01", End: "2031-12-31",
				Budget:    []budgetSpec{{"caf-33", fonct, 21_000, 2027, 2031}, {"msa-33", fonct, 3_000, 2027, 2031}, {"cc-lng", fonct, 6_000, 2027, 2031}},
				Indicator: &indicatorSpec{"Familles différentes accueillies au LAEP", "familles", 0, []float64{40, 60, 70, 80, 80}}},
			{Title: "Des cafés des parents dans les écoles", Objective: 0, Fields: []string{"parentalite"},
				Description: "Une rencontre par trimestre dans chaque groupe scolaire, animée par l'association avec les équipes enseignantes.",
				Lead:        "asso-cabanes", Partners: []string{"cc-lng"}, Public: "Parents d'élèves", Start: "2027-01-01", End: "2031-12-31",
				Budget: []budgetSpec{{"caf-33", fonct, 4_000, 2027, 2031}, {"cc-lng", fonct, 2_000, 2027, 2031}}},
			{Title: "Un guide des services aux familles, papier et en ligne", Objective: 0, Fields: []string{"parentalite", "acces_aux_droits"},
				Description: "Tous les services de la naissance à 18 ans, commune par commune, mis à jour chaque année.",
				Lead:        "cc-lng", Partners: []string{"caf-33", "dep-33"}, Public: "Toutes les familles", Start: "2027-01-01", End: "2027-12-31",
				Budget: []budgetSpec{{"cc-lng", fonct, 7_500, 2027, 2027}, {"caf-33", fonct, 2_500, 2027, 2027}}},
			{Title: "Former les professionnels au soutien à la parentalité", Objective: 0, Fields: []string{"parentalite"},
				Description: "Une formation commune aux animateurs, agents des crèches et enseignants volontaires.",
				Lead:        "caf-33", Partners: []string{"dep-33", "cc-lng"}, Public: "Professionnels de l'enfance et de la jeunesse", Start: "2028-01-01", End: "2029-12-31",
				Budget: []budgetSpec{{"caf-33", fonct, 5_000, 2028, 2029}}},
		},
	},
	{
		Title: "Faciliter l'accès aux droits et les démarches en ligne", Stake: lngStakes[3].Title,
		Objectives: []string{"Simplifier les inscriptions", "Aller vers les familles éloignées des droits"},
		Actions: []actionSpec{
			{Title: "Un portail famille pour réserver l'ALSH en ligne", Objective: 0, Fields: []string{"enfance", "inclusion_numerique"},
				Description: "Inscriptions, réservations et paiement en ligne de l'accueil de loisirs et de la restauration scolaire, avec une aide en mairie pour qui le souhaite.",
				Lead:        "cc-lng", Partners: []string{"caf-33"}, Public: "Familles des enfants de 3 à 11 ans", Start: "2027-01-01", End: "2028-06-30",
				Budget:    []budgetSpec{{"cc-lng", invest, 28_000, 2027, 2027}, {"caf-33", invest, 12_000, 2027, 2027}, {"cc-lng", fonct, 4_800, 2028, 2031}},
				Indicator: &indicatorSpec{"Part des réservations de l'ALSH faites en ligne", "%", 0, []float64{20, 50, 65, 75, 80}}},
			{Title: "Une permanence d'accès aux droits dans les mairies", Objective: 1, Fields: []string{"acces_aux_droits"},
				Description: "Un agent de la Caf et un de la MSA reçoivent sur rendez-vous, un jour par mois, dans trois mairies.",
				Lead:        "caf-33", Partners: []string{"msa-33", "dep-33", "cc-lng"}, Public: "Allocataires et futurs allocataires", Start: "2027-01-01", End: "2031-12-31",
				Budget:    []budgetSpec{{"caf-33", fonct, 6_000, 2027, 2031}, {"msa-33", fonct, 2_000, 2027, 2031}},
				Indicator: &indicatorSpec{"Rendez-vous tenus dans l'année", "rendez-vous", 0, []float64{120, 180, 200, 200, 200}}},
			{Title: "Un conseiller numérique pour les démarches des familles", Objective: 1, Fields: []string{"inclusion_numerique", "acces_aux_droits"},
				Description: "Ateliers et accompagnement individuel à France services et dans les communes.",
				Lead:        "cc-lng", Partners: []string{"dep-33"}, Public: "Adultes peu à l'aise avec le numérique", Start: "2027-01-01", End: "2031-12-31",
				Budget: []budgetSpec{{"cc-lng", fonct, 20_000, 2027, 2031}, {"dep-33", fonct, 10_000, 2027, 2031}}},
			{Title: "Informer les familles de leurs droits aux prestations", Objective: 1, Fields: []string{"acces_aux_droits"},
				Description: "Rendez-vous des droits proposés aux familles à chaque naissance et à chaque séparation.",
				Lead:        "caf-33", Partners: []string{"msa-33"}, Public: "Familles à un moment de changement", Start: "2027-01-01", End: "2031-12-31"},
		},
	},
	{
		Title: "Renforcer l'animation de la vie sociale", Stake: lngStakes[4].Title,
		Objectives: []string{"Structurer l'animation de la vie sociale", "Coordonner et évaluer la convention"},
		Actions: []actionSpec{
			{Title: "Préfigurer un centre social intercommunal", Objective: 0, Fields: []string{"animation_vie_sociale"},
				Description: "Étude, concertation avec les habitants et dépôt du projet social pour un agrément en 2029.",
				Lead:        "cc-lng", Partners: []string{"caf-33", "asso-cabanes"}, Public: "Habitants du territoire", Start: "2027-01-01", End: "2029-06-30",
				Budget: []budgetSpec{{"caf-33", fonct, 20_000, 2027, 2028}, {"cc-lng", fonct, 15_000, 2027, 2028}}},
			{Title: "Soutenir l'espace de vie sociale des Cabanes", Objective: 0, Fields: []string{"animation_vie_sociale", "parentalite"},
				Description: "Pérenniser l'animatrice de l'espace de vie sociale et ses activités entre générations.",
				Lead:        "asso-cabanes", Partners: []string{"caf-33", "cc-lng"}, Public: "Habitants, familles, aînés", Start: "2027-01-01", End: "2031-12-31",
				Budget:    []budgetSpec{{"caf-33", fonct, 25_000, 2027, 2031}, {"cc-lng", fonct, 10_000, 2027, 2031}},
				Indicator: &indicatorSpec{"Habitants bénévoles dans les activités", "personnes", 18, []float64{20, 24, 28, 30, 32}}},
			{Title: "Un fonds d'initiatives habitants", Objective: 0, Fields: []string{"animation_vie_sociale"},
				Description: "Des aides de 300 à 1 500 € aux projets collectifs d'habitants, décidées par un comité d'habitants.",
				Lead:        "cc-lng", Partners: []string{"asso-cabanes"}, Public: "Collectifs d'habitants", Start: "2028-01-01", End: "2031-12-31",
				Budget: []budgetSpec{{"cc-lng", fonct, 6_000, 2028, 2031}}},
			{Title: "Coordonner la convention : un poste de chargé de coopération", Objective: 1, Fields: []string{"autre"},
				Description: "Un poste à temps plein pour animer les comités, suivre les actions et préparer les bilans annuels.",
				Lead:        "cc-lng", Partners: []string{"caf-33"}, Public: "Partenaires de la convention", Start: "2027-01-01", End: "2031-12-31",
				Budget: []budgetSpec{{"caf-33", fonct, 30_000, 2027, 2031}, {"cc-lng", fonct, 20_000, 2027, 2031}}},
		},
	},
}

// planEvents are the events of the plan: written on one day, published
// the next.
func (l *loader) planEvents() []event {
	return []event{{"2026-11-19", l.storePlan}, {"2026-11-20", l.publishPlan}}
}

// storePlan writes the plan of the renewal of the CC Latitude Nord
// Gironde's CTG.
func (l *loader) storePlan(ctx context.Context) error {
	return l.storePlanOf(ctx, planOf, "julien", lngPlan)
}

// storePlanOf writes the axes, objectives, actions, budgets and indicators
// of a plan that a stopped load did not, found by title, as the user
// actor. An axis tied to a stake (by title) ties its actions to it.
func (l *loader) storePlanOf(ctx context.Context, key, actor string, spec []axisSpec) error {
	by, err := l.actor(actor)
	if err != nil {
		return err
	}
	c := l.convs[key]
	p, err := l.db.Plan(ctx, by, c.ID)
	if err != nil {
		return err
	}
	stakes, err := l.db.Stakes(ctx, by, c.ID)
	if err != nil {
		return err
	}
	stakeID := map[string]string{}
	for _, s := range stakes {
		stakeID[s.Title] = s.ID
	}
	axes := map[string]*plan.Axis{}
	actions := map[string]bool{}
	for i := range p.Axes {
		axes[p.Axes[i].Title] = &p.Axes[i]
		for _, a := range p.Axes[i].Actions {
			actions[a.Title] = true
		}
	}
	for _, as := range spec {
		ax, ok := axes[as.Title]
		if !ok {
			ax = &plan.Axis{Title: as.Title}
			if err := l.db.CreateAxis(ctx, by, c.ID, ax); err != nil {
				return fmt.Errorf("axis %q: %w", as.Title, err)
			}
		}
		objectives := map[string]string{}
		for _, o := range ax.Objectives {
			objectives[o.Title] = o.ID
		}
		for _, title := range as.Objectives {
			if _, ok := objectives[title]; ok {
				continue
			}
			o := &plan.Objective{Title: title}
			if err := l.db.CreateObjective(ctx, by, ax.ID, o); err != nil {
				return fmt.Errorf("objective %q: %w", title, err)
			}
			objectives[title] = o.ID
		}
		var stakes []string
		if as.Stake != "" {
			id, ok := stakeID[as.Stake]
			if !ok {
				return fmt.Errorf("axis %q: stake %q is not stored", as.Title, as.Stake)
			}
			stakes = []string{id}
		}
		for _, s := range as.Actions {
			if actions[s.Title] {
				continue
			}
			var objective string
			if s.Objective >= 0 {
				objective = objectives[as.Objectives[s.Objective]]
			}
			if err := l.storeAction(ctx, by, c, ax.ID, objective, stakes, s); err != nil {
				return fmt.Errorf("action %q: %w", s.Title, err)
			}
		}
	}
	return nil
}

func (l *loader) storeAction(ctx context.Context, by *account.User, c *convention.Convention, axisID, objectiveID string, stakes []string, s actionSpec) error {
	status := s.Status
	if status == "" {
		status = plan.StatusPlanned
	}
	a := &plan.Action{Title: s.Title, Description: s.Description, Objective: objectiveID, Fields: s.Fields, Public: s.Public,
		Start: s.Start, End: s.End, Status: status, Stakes: stakes}
	var err error
	if a.Lead, err = l.org(ctx, s.Lead, by); err != nil {
		return err
	}
	for _, k := range s.Partners {
		id, err := l.org(ctx, k, by)
		if err != nil {
			return err
		}
		a.Partners = append(a.Partners, id)
	}
	if err := l.db.CreateAction(ctx, by, axisID, a); err != nil {
		return err
	}
	var lines []budget.Line
	for _, b := range s.Budget {
		funder, err := l.org(ctx, b.Funder, by)
		if err != nil {
			return err
		}
		for y := b.From; y <= b.To; y++ {
			lines = append(lines, budget.Line{Funder: funder, Year: y, Nature: b.Nature, PlannedCents: b.Euros * 100})
		}
	}
	if len(lines) > 0 {
		if _, err := l.db.SetBudget(ctx, by, a.ID, 0, lines); err != nil {
			return fmt.Errorf("budget: %w", err)
		}
	}
	if s.Indicator != nil {
		first, _ := plan.Years(c)
		baseline := s.Indicator.Baseline
		ind := &plan.Indicator{Label: s.Indicator.Label, Unit: s.Indicator.Unit, Baseline: &baseline, Targets: map[string]float64{}}
		for i, t := range s.Indicator.Targets {
			ind.Targets[strconv.Itoa(first+i)] = t
		}
		if err := l.db.CreateActionIndicator(ctx, by, a.ID, ind); err != nil {
			return fmt.Errorf("indicator: %w", err)
		}
	}
	return nil
}

// lngSummary is what the public page says of the project.
var lngSummary = strings.Join([]string{
	"La communauté de communes, la Caf de la Gironde, le Département, la MSA et l'association Les Cabanes préparent ensemble la convention territoriale globale 2027-2031.",
	"Ce projet s'appuie sur le diagnostic partagé de 2026 et sur les réponses de plus de 400 habitants au questionnaire.",
}, " ")

// publishPlan publishes the project for residents, with its budget
// totals and the questionnaire's results.
func (l *loader) publishPlan(ctx context.Context) error {
	by, err := l.actor("julien")
	if err != nil {
		return err
	}
	c := l.convs[planOf]
	if _, err := l.db.Publication(ctx, by, c.ID); app.ErrorCode(err) != app.ENotFound {
		return err // published already, or a failure
	}
	_, err = l.db.Publish(ctx, by, c.ID, publication.Publication{ShowBudget: true, ShowSurveys: true, Summary: lngSummary})
	return err
}
