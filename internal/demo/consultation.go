package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctg/internal/survey"
	"ctg/internal/workshop"
)

// The consultation of the CTG Latitude Nord Gironde 2027-2031: a resident
// questionnaire, left open so that its public form can be tried, with
// fictitious responses drawn at random (a fixed seed: every load draws the
// same), and two mixed working groups whose proposals feed the diagnosis.

// consultationOf is the convention these belong to.
const consultationOf = diagnosisOf

// respondents is the number of responses of the questionnaire.
const respondents = 412

const residentSurveyTitle = "Questionnaire aux habitants : vos besoins de familles"

func scale(min, max float64) (*float64, *float64) { return &min, &max }

// residentSurvey is the questionnaire: a question of every kind.
func residentSurvey() *survey.Survey {
	lo, hi := scale(1, 5)
	nmin, nmax := scale(0, 12)
	// The notice's blanks filled in, as a coordinator would before opening.
	intro := strings.NewReplacer(
		"[nom de la collectivité ou de la Caf], [adresse]", "Communauté de communes Latitude Nord Gironde (fictive), 2 rue de la Mairie, 33620 Saint-Savin",
		"[adresse de contact du délégué à la protection des données]", "dpo@latitude-nord-gironde.example",
	).Replace(survey.DefaultIntro)
	return &survey.Survey{Title: residentSurveyTitle, Intro: intro, Questions: []survey.Question{
		{Key: "commune", Kind: survey.KindCommune, Label: "Dans quelle commune habitez-vous ?", Required: true},
		{Key: "age", Kind: survey.KindAge, Label: "Quel âge avez-vous ?", Required: true,
			Options: []string{"Moins de 26 ans", "26-45 ans", "46-60 ans", "Plus de 60 ans"}},
		{Key: "foyer", Kind: survey.KindSingle, Label: "Qui compose votre foyer ?",
			Options: []string{"Couple avec enfants", "Parent seul avec enfants", "Couple sans enfant", "Personne seule"}},
		{Key: "enfants", Kind: survey.KindNumber, Label: "Combien d'enfants de moins de 18 ans vivent dans votre foyer ?", Min: nmin, Max: nmax},
		{Key: "accueil", Kind: survey.KindScale, Label: "Êtes-vous satisfait de l'offre d'accueil des jeunes enfants (crèches, assistants maternels) ?", Min: lo, Max: hi},
		{Key: "loisirs", Kind: survey.KindScale, Label: "Êtes-vous satisfait des activités proposées aux enfants et aux jeunes ?", Min: lo, Max: hi},
		{Key: "besoins", Kind: survey.KindMultiple, Label: "Quels sont vos besoins ?", Options: needOptions()},
		{Key: "france_services", Kind: survey.KindSingle, Label: "Connaissez-vous l'espace France services de Saint-Savin ?",
			Options: []string{"Oui, je m'y suis déjà rendu", "Oui, de nom", "Non"}},
		{Key: "internet", Kind: survey.KindSingle, Label: "Avez-vous un accès fiable à internet chez vous ?",
			Options: []string{"Oui", "En partie", "Non"}},
		{Key: "remarques", Kind: survey.KindText, Label: "Avez-vous d'autres remarques ou idées ?"},
	}}
}

// needs are the options of the question on needs, each with the share of
// respondents with children and without who tick it.
var needs = []struct {
	Option             string
	Parents, Childless float64
}{
	{"Horaires d'accueil", 0.76, 0.30},
	{"Places en crèche", 0.45, 0.08},
	{"Activités pour les 11-17 ans", 0.52, 0.15},
	{"Inscription en ligne aux accueils de loisirs", 0.58, 0.05},
	{"Soutien à la parentalité", 0.31, 0.04},
	{"Aide aux démarches administratives", 0.22, 0.35},
	{"Accès au numérique", 0.14, 0.28},
	{"Transports vers les activités", 0.40, 0.22},
}

func needOptions() []string {
	out := make([]string, len(needs))
	for i, n := range needs {
		out[i] = n.Option
	}
	return out
}

var remarks = []string{
	"Il faudrait que la crèche ouvre plus tôt le matin, je pars travailler à Bordeaux à 6 h 45.",
	"Rien pour les ados le samedi, ils restent devant les écrans.",
	"Merci pour ce questionnaire.",
	"Les inscriptions au centre de loisirs sur papier, c'est compliqué quand on travaille.",
	"Un bus vers Saint-Savin le mercredi serait bien utile.",
	"Plus de places chez les assistantes maternelles dans le nord.",
	"Un lieu pour rencontrer d'autres parents nous manque.",
	"La France services est très utile, mais les horaires sont courts.",
	"Internet ne passe pas bien dans notre hameau.",
	"Des activités sportives pour les plus jeunes le soir.",
}

// pick draws an index with the given weights.
func pick(r *rand.Rand, weights ...float64) int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	x := r.Float64() * sum
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// answers draws the answers of respondent i, as a form would send them.
func answers(i int, communes []string, weights []float64) (map[string][]string, string) {
	r := rand.New(rand.NewPCG(uint64(i), 2027))
	q := residentSurvey().Questions
	a := map[string][]string{}
	a["commune"] = []string{communes[pick(r, weights...)]}
	age := pick(r, 8, 66, 19, 7)
	a["age"] = []string{q[1].Options[age]}
	var foyer int
	if age == 3 {
		foyer = pick(r, 10, 3, 55, 32)
	} else {
		foyer = pick(r, 64, 14, 12, 10)
	}
	a["foyer"] = []string{q[2].Options[foyer]}
	children := 0
	if foyer <= 1 {
		children = 1 + pick(r, 36, 42, 16, 6)
	}
	if r.Float64() < 0.95 {
		a["enfants"] = []string{strconv.Itoa(children)}
	}
	a["accueil"] = []string{strconv.Itoa(1 + pick(r, 12, 24, 32, 24, 8))}
	a["loisirs"] = []string{strconv.Itoa(1 + pick(r, 16, 30, 30, 18, 6))}
	for _, n := range needs {
		p := n.Childless
		if children > 0 {
			p = n.Parents
		}
		if r.Float64() < p {
			a["besoins"] = append(a["besoins"], n.Option)
		}
	}
	a["france_services"] = []string{q[7].Options[pick(r, 38, 34, 28)]}
	a["internet"] = []string{q[8].Options[pick(r, 78, 14, 8)]}
	if r.Float64() < 0.16 {
		a["remarques"] = []string{remarks[r.IntN(len(remarks))]}
	}
	channel := survey.ChannelWeb
	if r.Float64() < 0.1 {
		channel = survey.ChannelPaper
	}
	return a, channel
}

// answeredAt are the times of the responses, in order: over four weeks
// from the opening, most of them in the first days, by day in France.
func answeredAt(opened time.Time) []time.Time {
	r := rand.New(rand.NewPCG(2026, 9))
	out := make([]time.Time, respondents)
	for i := range out {
		day := int(math.Pow(r.Float64(), 1.6) * 28)
		minute := 6*60 + r.IntN(15*60) // 08:00 to 22:59 in Paris, 06:00 to 20:59 UTC
		out[i] = opened.Truncate(24*time.Hour).AddDate(0, 0, day).Add(time.Duration(minute) * time.Minute)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// consultation is the events of the consultation.
func (l *loader) consultation() []event {
	return []event{
		{"2026-09-24", l.storeSurvey},
		{"2026-09-28", l.storeResponses},
		{"2026-11-03", func(ctx context.Context) error { return l.storeWorkshop(ctx, 0) }},
		{"2026-11-05", func(ctx context.Context) error { return l.storeWorkshop(ctx, 1) }},
	}
}

// storedSurvey returns the resident questionnaire, or nil.
func (l *loader) storedSurvey(ctx context.Context) (*survey.Survey, error) {
	by, err := l.actor("julien")
	if err != nil {
		return nil, err
	}
	list, err := l.db.Surveys(ctx, by, l.convs[consultationOf].ID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Title == residentSurveyTitle {
			return &list[i], nil
		}
	}
	return nil, nil
}

func (l *loader) storeSurvey(ctx context.Context) error {
	s, err := l.storedSurvey(ctx)
	if err != nil || s != nil {
		return err
	}
	by, _ := l.actor("julien")
	if err := l.db.CreateSurvey(ctx, by, l.convs[consultationOf].ID, residentSurvey()); err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	return nil
}

// storeResponses opens the questionnaire and types in the responses a
// stopped load did not, each at its time.
func (l *loader) storeResponses(ctx context.Context) error {
	s, err := l.storedSurvey(ctx)
	if err != nil {
		return err
	}
	if s == nil {
		return fmt.Errorf("the questionnaire is answered before it exists")
	}
	by, _ := l.actor("julien")
	if s.Status == survey.StatusDraft {
		if s, err = l.db.OpenSurvey(ctx, by, s.ID); err != nil {
			return fmt.Errorf("survey: %w", err)
		}
	}
	res, err := l.db.Results(ctx, by, s.ID, survey.Filter{})
	if err != nil {
		return err
	}
	c := l.convs[consultationOf]
	communes, err := l.db.PerimeterCommunes(ctx, l.ref, c.ID)
	if err != nil {
		return err
	}
	codes, err := l.db.PerimeterCodes(ctx, c.ID)
	if err != nil {
		return err
	}
	weights := make([]float64, len(codes))
	for i, code := range codes {
		if cm, ok := l.ref.Commune(code); ok {
			weights[i] = float64(cm.Population)
		}
	}
	opened := l.clock.now
	times := answeredAt(opened)
	for i := res.Responses; i < respondents; i++ {
		form, channel := answers(i, codes, weights)
		a, err := s.Check(form, communes)
		if err != nil {
			return fmt.Errorf("response %d: %w", i, err)
		}
		l.clock.now = times[i]
		if _, err := l.db.AddResponse(ctx, s, a, channel, ""); err != nil {
			return fmt.Errorf("response %d: %w", i, err)
		}
	}
	l.clock.now = opened
	return nil
}

// workshopSpec is a working group; Carry is the index of the proposal
// retained as a need of the diagnosis, or -1.
type workshopSpec struct {
	workshop.Workshop
	Carry int
}

var lngWorkshops = []workshopSpec{
	{Workshop: workshop.Workshop{Title: "Atelier petite enfance et parentalité", Date: "2026-11-03", Place: "Salle du conseil communautaire, Saint-Savin",
		Participants: workshop.Participants{Elected: 4, Staff: 7, Associations: 3, Residents: 8},
		Minutes: "Présentation des premiers résultats du questionnaire aux habitants (412 réponses) et de l'inventaire des modes d'accueil.\n" +
			"Les parents présents confirment la difficulté des horaires pour ceux qui travaillent dans la métropole bordelaise ; les professionnels rappellent les contraintes d'encadrement.\n" +
			"Le nord du territoire reste sans accueil collectif : la piste d'une micro-crèche est discutée, avec la question du foncier.\n" +
			"Les échanges entre parents au LAEP sont appréciés ; plusieurs participants souhaitent des temps semblables dans les autres secteurs.",
		Proposals: []workshop.Proposal{
			{Text: "Élargir à titre d'essai les horaires du multi-accueil de Saint-Savin, de 7 h à 19 h.", Field: "petite_enfance"},
			{Text: "Étudier la création d'une micro-crèche dans le nord du territoire, à Donnezac ou à Saint-Vivien-de-Blaye.", Field: "petite_enfance"},
			{Text: "Des cafés des parents itinérants, une fois par mois dans chaque secteur.", Field: "parentalite"},
			{Text: "Un guide des services aux familles, sur papier et en ligne, distribué par les mairies.", Field: "acces_aux_droits"},
			{Text: "Former les assistants maternels à l'accueil d'enfants en situation de handicap.", Field: "handicap"},
		}}, Carry: -1},
	{Workshop: workshop.Workshop{Title: "Atelier jeunesse et vie sociale", Date: "2026-11-05", Place: "Espace de vie sociale La Passerelle, Cubnezais",
		Participants: workshop.Participants{Elected: 3, Staff: 5, Associations: 6, Residents: 11},
		Minutes: "Quatre jeunes de 14 à 17 ans ont participé, avec leurs parents.\n" +
			"Ils décrivent un territoire où, hors vacances scolaires, il n'y a « rien à faire » sans voiture ; le transport revient dans tous les échanges.\n" +
			"Les associations proposent de mutualiser leurs locaux ; l'espace de vie sociale pourrait devenir un centre social si les communes s'y associent.",
		Proposals: []workshop.Proposal{
			{Text: "Ouvrir un lieu d'accueil pour les adolescents à Saint-Savin, avec un animateur, les mercredis et les samedis.", Field: "jeunesse"},
			{Text: "Un transport à la demande vers les activités de loisirs pour les 11-17 ans, le mercredi et le samedi.", Field: "jeunesse"},
			{Text: "Une inscription en ligne unique pour tous les accueils de loisirs du territoire.", Field: "enfance"},
			{Text: "Des ateliers d'initiation au numérique pour les parents, à l'espace France services.", Field: "inclusion_numerique"},
			{Text: "Accompagner l'espace de vie sociale La Passerelle vers un agrément de centre social.", Field: "animation_vie_sociale"},
			{Text: "Un conseil des jeunes de la communauté de communes, pour qu'ils proposent eux-mêmes des projets.", Field: "jeunesse"},
		}}, Carry: 1},
}

// storeWorkshop records a working group the day it met, unless it is
// there already, and retains its proposal as a need.
func (l *loader) storeWorkshop(ctx context.Context, n int) error {
	spec := lngWorkshops[n]
	by, err := l.actor("julien")
	if err != nil {
		return err
	}
	c := l.convs[consultationOf]
	list, err := l.db.Workshops(ctx, by, c.ID)
	if err != nil {
		return err
	}
	var w *workshop.Workshop
	for i := range list {
		if list[i].Title == spec.Title {
			w = &list[i]
		}
	}
	if w == nil {
		w = &workshop.Workshop{Title: spec.Title, Date: spec.Date, Place: spec.Place, Participants: spec.Participants,
			Minutes: spec.Minutes, Proposals: slices.Clone(spec.Proposals)}
		if err := l.db.CreateWorkshop(ctx, by, c.ID, w); err != nil {
			return fmt.Errorf("workshop %q: %w", spec.Title, err)
		}
	}
	if spec.Carry < 0 || spec.Carry >= len(w.Proposals) || w.Proposals[spec.Carry].Finding != nil {
		return nil
	}
	if _, err := l.db.CarryProposal(ctx, by, w.Proposals[spec.Carry].ID, "need"); err != nil {
		return fmt.Errorf("workshop %q: %w", spec.Title, err)
	}
	return nil
}
