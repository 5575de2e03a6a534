package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"ctg/internal/amendment"
	"ctg/internal/app"
	"ctg/internal/committee"
	"ctg/internal/plan"
	"ctg/internal/review"
	"ctg/internal/store"
)

// The life of the CTG Grand Cubzaguais 2024-2028, in its third year: its
// plan written before the signature, the committees that steer it, an
// amendment that makes the MSA a party, the review of 2024 complete and
// that of 2025 half done, and a steering committee convened for next
// month. People, decisions and amounts are invented.

// lifeOf is the convention these belong to.
const lifeOf = "ctg-cubzaguais"

var cubzaguaisPlan = []axisSpec{
	{
		Title:      "Accueillir les jeunes enfants au plus près des familles",
		Objectives: []string{"Augmenter l'offre d'accueil"},
		Actions: []actionSpec{
			{Title: "Ouvrir un relais petite enfance à Saint-André-de-Cubzac", Objective: 0, Fields: []string{"petite_enfance"},
				Description: "Un relais pour informer les parents et accompagner les assistantes maternelles du territoire.",
				Lead:        "cc-cubzaguais", Partners: []string{"caf-33"}, Public: "Parents et assistantes maternelles", Start: "2024-03-01", End: "2028-12-31",
				Budget:    []budgetSpec{{"caf-33", fonct, 28_000, 2024, 2028}, {"cc-cubzaguais", fonct, 14_000, 2024, 2028}},
				Indicator: &indicatorSpec{"Assistantes maternelles accompagnées", "personnes", 40, []float64{60, 90, 110, 120, 120}}},
			{Title: "Créer 20 places en multi-accueil", Objective: 0, Fields: []string{"petite_enfance"},
				Description: "Extension du multi-accueil intercommunal, travaux en 2025 et ouverture en 2026.",
				Lead:        "cc-cubzaguais", Partners: []string{"caf-33", "dep-33"}, Public: "Enfants de moins de 3 ans", Start: "2025-01-01", End: "2028-12-31",
				Budget: []budgetSpec{{"caf-33", invest, 160_000, 2025, 2025}, {"cc-cubzaguais", invest, 140_000, 2025, 2025},
					{"caf-33", fonct, 110_000, 2026, 2028}, {"cc-cubzaguais", fonct, 70_000, 2026, 2028}},
				Indicator: &indicatorSpec{"Places en multi-accueil", "places", 45, []float64{45, 45, 65, 65, 65}}},
		},
	},
	{
		Title:      "Accompagner les jeunes vers l'autonomie",
		Objectives: []string{"Proposer des activités toute l'année"},
		Actions: []actionSpec{
			{Title: "Un accueil jeunes ouvert le samedi et pendant les vacances", Objective: 0, Fields: []string{"jeunesse"},
				Description: "L'accueil jeunes de Saint-André-de-Cubzac élargit ses horaires et ouvre une antenne à Bourg.",
				Lead:        "cc-cubzaguais", Partners: []string{"caf-33", "asso-quatre-vents"}, Public: "Jeunes de 11 à 17 ans", Start: "2024-01-01", End: "2028-12-31",
				Budget:    []budgetSpec{{"caf-33", fonct, 32_000, 2024, 2028}, {"cc-cubzaguais", fonct, 38_000, 2024, 2028}},
				Indicator: &indicatorSpec{"Jeunes inscrits dans l'année", "jeunes", 85, []float64{100, 120, 140, 150, 160}}},
			{Title: "Des chantiers jeunes l'été", Objective: 0, Fields: []string{"jeunesse", "insertion"},
				Description: "Deux chantiers de deux semaines chaque été, rémunérés, avec les communes.",
				Lead:        "asso-quatre-vents", Partners: []string{"cc-cubzaguais", "dep-33"}, Public: "Jeunes de 16 à 18 ans", Start: "2024-06-01", End: "2028-09-30",
				Budget: []budgetSpec{{"dep-33", fonct, 9_000, 2024, 2028}, {"cc-cubzaguais", fonct, 6_000, 2024, 2028}}},
		},
	},
	{
		Title:      "Soutenir les parents et animer la vie sociale",
		Objectives: []string{"Soutenir la parentalité", "Faire vivre le centre social"},
		Actions: []actionSpec{
			{Title: "Des ateliers parents-enfants au centre social", Objective: 0, Fields: []string{"parentalite"},
				Description: "Un atelier par semaine hors vacances et une sortie familiale par trimestre.",
				Lead:        "asso-quatre-vents", Partners: []string{"caf-33"}, Public: "Familles", Start: "2024-01-01", End: "2028-12-31",
				Budget:    []budgetSpec{{"caf-33", fonct, 12_000, 2024, 2028}, {"cc-cubzaguais", fonct, 4_000, 2024, 2028}},
				Indicator: &indicatorSpec{"Familles participantes", "familles", 30, []float64{40, 50, 55, 60, 60}}},
			{Title: "Renouveler le projet social du centre social", Objective: 1, Fields: []string{"animation_vie_sociale"},
				Description: "Diagnostic avec les habitants et nouveau projet social pour l'agrément 2026-2029.",
				Lead:        "asso-quatre-vents", Partners: []string{"caf-33", "cc-cubzaguais"}, Public: "Habitants", Start: "2025-01-01", End: "2025-12-31",
				Budget: []budgetSpec{{"caf-33", fonct, 15_000, 2025, 2025}}},
		},
	},
}

// lifeEvents are the events of the convention's life, after its plan.
func (l *loader) lifeEvents() []event {
	events := []event{{"2024-02-20", func(ctx context.Context) error { return l.storePlanOf(ctx, lifeOf, "claire", cubzaguaisPlan) }}}
	for i, m := range cubzaguaisMeetings {
		events = append(events, event{cmp.Or(m.On, m.Date), func(ctx context.Context) error { return l.storeMeeting(ctx, i) }})
	}
	events = append(events,
		event{"2025-02-04", func(ctx context.Context) error { return l.storeReviews(ctx, 2024) }},
		event{"2025-02-11", func(ctx context.Context) error { return l.storeReviewComments(ctx, 2024) }},
		event{"2025-09-16", l.storeAmendment},
		event{"2026-02-10", func(ctx context.Context) error { return l.storeReviews(ctx, 2025) }},
	)
	return events
}

// meetingSpec is a meeting; its decisions name actions by their title.
// On is the day it is recorded, when not the day it is held (a meeting
// convened ahead).
type meetingSpec struct {
	Committee, Title, Date, Place, Agenda, Minutes string
	On                                             string
	Attendees                                      []committee.Attendee
	Decisions                                      []decisionSpec
}

type decisionSpec struct {
	Text, Status, Outcome string
	Actions               []string
}

var cubzaguaisMeetings = []meetingSpec{
	{Committee: committee.Copil, Title: "Comité de pilotage de lancement", Date: "2024-06-18", Place: "Saint-André-de-Cubzac, salle du conseil",
		Agenda:  "1. Installation du comité\n2. Calendrier des actions 2024\n3. Suivi et évaluation",
		Minutes: "Le comité installe la gouvernance de la CTG. Les partenaires valident le calendrier 2024 et le principe d'un bilan annuel présenté chaque mois de juin.",
		Attendees: []committee.Attendee{{Name: "Claire Fontaine (fictive)", Role: "Conseillère territoriale, Caf de la Gironde"},
			{Name: "Marc Duval (fictif)", Role: "Vice-président enfance-jeunesse, CC du Grand Cubzaguais"},
			{Name: "Inès Morel (fictive)", Role: "Directrice, centre social Les Quatre Vents"}},
		Decisions: []decisionSpec{
			{Text: "Ouvrir le relais petite enfance en septembre 2024", Status: committee.StatusDone, Outcome: "Ouvert le 2 septembre 2024.",
				Actions: []string{"Ouvrir un relais petite enfance à Saint-André-de-Cubzac"}},
			{Text: "Étudier une antenne de l'accueil jeunes à Bourg", Status: committee.StatusDone, Outcome: "Antenne ouverte les samedis depuis mars 2025.",
				Actions: []string{"Un accueil jeunes ouvert le samedi et pendant les vacances"}},
		}},
	{Committee: committee.Cotech, Title: "Comité technique d'automne", Date: "2024-11-12", Place: "Centre social Les Quatre Vents",
		Agenda:  "1. Point d'étape des actions\n2. Préparation du bilan 2024",
		Minutes: "Les porteurs présentent l'avancement. Le chantier jeunes d'été a réuni 14 jeunes. Le multi-accueil attend l'accord de financement de l'investissement.",
		Attendees: []committee.Attendee{{Name: "Claire Fontaine (fictive)", Role: "Caf de la Gironde"},
			{Name: "Karim Benali (fictif)", Role: "Coordinateur CTG, CC du Grand Cubzaguais"}},
		Decisions: []decisionSpec{
			{Text: "Présenter le dossier d'investissement du multi-accueil à la commission de la Caf", Status: committee.StatusDone,
				Outcome: "Accordé en mars 2025.", Actions: []string{"Créer 20 places en multi-accueil"}}}},
	{Committee: committee.Copil, Title: "Comité de pilotage annuel", Date: "2025-06-24", Place: "Bourg, mairie",
		Agenda:  "1. Bilan 2024\n2. L'entrée de la MSA dans la convention\n3. Projet social du centre social",
		Minutes: "Le bilan 2024 est présenté et approuvé. Le comité propose que la MSA Gironde devienne signataire par avenant et cofinance les ateliers parents-enfants.",
		Attendees: []committee.Attendee{{Name: "Claire Fontaine (fictive)", Role: "Caf de la Gironde"},
			{Name: "Marc Duval (fictif)", Role: "CC du Grand Cubzaguais"}, {Name: "Sophie Lacombe (fictive)", Role: "Département de la Gironde"}},
		Decisions: []decisionSpec{
			{Text: "Proposer à la MSA Gironde de devenir signataire par un avenant", Status: committee.StatusDone, Outcome: "Avenant n° 1 signé le 16/09/2025."},
			{Text: "Renforcer la communication sur les chantiers jeunes", Status: committee.StatusOpen,
				Actions: []string{"Des chantiers jeunes l'été"}}}},
	{Committee: committee.Cotech, Title: "Comité technique d'automne", Date: "2025-11-18", Place: "Saint-André-de-Cubzac",
		Agenda:  "1. Travaux du multi-accueil\n2. Bilan 2025 : calendrier",
		Minutes: "Les travaux du multi-accueil ont pris deux mois de retard ; l'ouverture est reportée à septembre 2026.",
		Decisions: []decisionSpec{{Text: "Reporter l'ouverture du multi-accueil à septembre 2026", Status: committee.StatusOpen,
			Actions: []string{"Créer 20 places en multi-accueil"}}}},
	{Committee: committee.Copil, Title: "Comité de pilotage annuel", Date: "2026-11-20", On: "2026-10-27", Place: "Saint-André-de-Cubzac, salle du conseil",
		Agenda: "1. Bilan 2025\n2. Ouverture du multi-accueil\n3. Préparation de l'évaluation finale"},
	{Committee: committee.Cotech, Title: "Comité technique : préparation de l'évaluation", Date: "2026-12-03", On: "2026-11-17", Place: "Centre social Les Quatre Vents",
		Agenda: "1. Indicateurs à réunir pour l'évaluation finale\n2. Questionnaire aux familles"},
}

// storeMeeting records meeting i, unless a stopped load did.
func (l *loader) storeMeeting(ctx context.Context, i int) error {
	by, err := l.actor("claire")
	if err != nil {
		return err
	}
	c := l.convs[lifeOf]
	s := cubzaguaisMeetings[i]
	stored, err := l.db.Meetings(ctx, by, c.ID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(stored, func(m committee.Meeting) bool { return m.Date == s.Date && m.Title == s.Title }) {
		return nil
	}
	actions, err := l.actionsByTitle(ctx, c.ID)
	if err != nil {
		return err
	}
	m := &committee.Meeting{Committee: s.Committee, Title: s.Title, Date: s.Date, Place: s.Place, Agenda: s.Agenda, Minutes: s.Minutes,
		Attendees: s.Attendees}
	for _, d := range s.Decisions {
		dec := committee.Decision{Text: d.Text, Status: d.Status, Outcome: d.Outcome}
		for _, t := range d.Actions {
			id, ok := actions[t]
			if !ok {
				return fmt.Errorf("meeting %s: no action %q", s.Date, t)
			}
			dec.Actions = append(dec.Actions, id)
		}
		m.Decisions = append(m.Decisions, dec)
	}
	if err := l.db.CreateMeeting(ctx, by, c.ID, m); err != nil {
		return fmt.Errorf("meeting %s: %w", s.Date, err)
	}
	return nil
}

// actionsByTitle returns the ids of the actions of a convention's plan.
func (l *loader) actionsByTitle(ctx context.Context, conventionID string) (map[string]string, error) {
	by, _ := l.actor("claire")
	p, err := l.db.Plan(ctx, by, conventionID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, a := range p.Actions() {
		out[a.Title] = a.ID
	}
	return out, nil
}

// storeAmendment makes the MSA a party, as the steering committee
// proposed, and extends the parents' workshops to its families.
func (l *loader) storeAmendment(ctx context.Context) error {
	by, err := l.actor("claire")
	if err != nil {
		return err
	}
	c := l.convs[lifeOf]
	have, err := l.db.Amendments(ctx, by, c.ID)
	if err != nil || len(have) > 0 {
		return err
	}
	msa, err := l.org(ctx, "msa-33", by)
	if err != nil {
		return err
	}
	a := &amendment.Amendment{Date: "2025-09-16",
		Summary: "La MSA Gironde devient signataire de la convention, comme l'a proposé le comité de pilotage du 24/06/2025, et cofinance les ateliers parents-enfants à partir de 2026.",
		Changes: amendment.Changes{Parties: &amendment.PartyChanges{Added: []string{msa}},
			Budget: "La MSA Gironde apporte 3 000 € par an aux ateliers parents-enfants de 2026 à 2028."}}
	if err := l.db.CreateAmendment(ctx, l.ref, by, c.ID, 0, a); err != nil {
		return fmt.Errorf("amendment: %w", err)
	}
	return nil
}

// reviewTexts gives the review of an action for a year: its status and
// what the coordinator wrote, by action title.
var reviewTexts = map[int]map[string]review.Input{
	2024: {
		"Ouvrir un relais petite enfance à Saint-André-de-Cubzac":    {Status: plan.StatusInProgress, Done: "Relais ouvert le 2 septembre 2024 ; 52 assistantes maternelles rencontrées.", NextSteps: "Permanences dans les communes du nord en 2025."},
		"Un accueil jeunes ouvert le samedi et pendant les vacances": {Status: plan.StatusInProgress, Done: "Ouverture le samedi depuis avril ; 104 jeunes inscrits.", Difficulties: "Recrutement d'un animateur difficile pendant l'été."},
		"Des chantiers jeunes l'été":                                 {Status: plan.StatusInProgress, Done: "Deux chantiers, 14 jeunes."},
		"Des ateliers parents-enfants au centre social":              {Status: plan.StatusInProgress, Done: "31 ateliers, 38 familles différentes."},
	},
	2025: {
		"Ouvrir un relais petite enfance à Saint-André-de-Cubzac": {Status: plan.StatusInProgress, Done: "Permanences mensuelles dans trois communes ; 88 assistantes maternelles accompagnées."},
		"Créer 20 places en multi-accueil":                        {Status: plan.StatusLate, Done: "Travaux engagés en juin.", Difficulties: "Deux mois de retard sur le chantier ; ouverture reportée à septembre 2026.", NextSteps: "Recrutement de l'équipe au printemps 2026."},
		"Renouveler le projet social du centre social":            {Status: plan.StatusDone, Done: "Projet social déposé en octobre, agrément obtenu pour 2026-2029."},
	},
}

// actualShare is the part of the planned money spent, per year, for the
// actions reviewed.
var actualShare = map[int]int64{2024: 93, 2025: 88}

// storeReviews writes the reviews of a year that a stopped load did not,
// with the money spent, as the coordinator types them in.
func (l *loader) storeReviews(ctx context.Context, year int) error {
	by, err := l.actor("claire")
	if err != nil {
		return err
	}
	c := l.convs[lifeOf]
	actions, err := l.actionsByTitle(ctx, c.ID)
	if err != nil {
		return err
	}
	titles := make([]string, 0, len(reviewTexts[year]))
	for t := range reviewTexts[year] {
		titles = append(titles, t)
	}
	slices.Sort(titles)
	for _, title := range titles {
		id, ok := actions[title]
		if !ok {
			return fmt.Errorf("review %d: no action %q", year, title)
		}
		if _, err := l.db.ActionReview(ctx, by, id, year); err == nil {
			continue
		} else if app.ErrorCode(err) != app.ENotFound {
			return err
		}
		b, err := l.db.Budget(ctx, by, id)
		if err != nil {
			return err
		}
		actuals := map[string]*int64{}
		for _, line := range b.Lines {
			if line.Year == year {
				spent := line.PlannedCents * actualShare[year] / 100
				actuals[line.ID] = &spent
			}
		}
		if _, err := l.db.SetActionYear(ctx, by, id, year, store.ActionYear{Review: reviewTexts[year][title], Actuals: actuals}); err != nil {
			return fmt.Errorf("review %d of %q: %w", year, title, err)
		}
	}
	return nil
}

// storeReviewComments records the partners' comments on a year's review.
func (l *loader) storeReviewComments(ctx context.Context, year int) error {
	by, err := l.actor("claire")
	if err != nil {
		return err
	}
	c := l.convs[lifeOf]
	yr, err := l.db.YearReview(ctx, by, c.ID, year)
	if err != nil {
		return err
	}
	if len(yr.Comments) > 0 {
		return nil
	}
	dep, err := l.org(ctx, "dep-33", by)
	if err != nil {
		return err
	}
	for _, k := range []review.Comment{
		{Organisation: "caf-33", Author: "Claire Fontaine (fictive)", Text: "Une première année riche : le relais a trouvé son public. La Caf suivra de près le calendrier du multi-accueil."},
		{Organisation: dep, Author: "Sophie Lacombe (fictive)", Text: "Le Département souhaite que les chantiers jeunes s'ouvrent aux jeunes suivis par la protection de l'enfance."},
	} {
		k.Year = year
		if err := l.db.AddReviewComment(ctx, by, c.ID, &k); err != nil {
			return fmt.Errorf("comment %d: %w", year, err)
		}
	}
	return nil
}
