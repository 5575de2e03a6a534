package survey

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/field"
)

// Results are the counts of a survey's responses, question by question.
type Results struct {
	Responses int              `json:"responses"`
	ByChannel map[string]int   `json:"by_channel"`
	Questions []QuestionResult `json:"questions"`
}

// QuestionResult counts the answers to one question. Counts and Percent
// are by option (single, multiple, age), by step (scale) or by commune code
// (commune); Options lists those keys in display order. Percent is of
// those who answered the question, with one decimal; a multiple-choice
// question counts each option separately, so its percents may add up to
// more than 100. Mean is that of scale and number answers.
type QuestionResult struct {
	Key      string             `json:"key"`
	Kind     string             `json:"kind"`
	Label    string             `json:"label"`
	Answered int                `json:"answered"`
	Options  []string           `json:"options"`
	Counts   map[string]int     `json:"counts"`
	Percent  map[string]float64 `json:"percent"`
	Mean     *float64           `json:"mean"`
	// Names are the names of the communes of a commune question, by code.
	Names map[string]string `json:"names,omitempty"`
}

// Filter restricts results to the responses that name a commune (in any
// commune question) and to those that gave an answer to a question.
type Filter struct {
	Commune string
	Key     string
	Option  string
}

// ParseFilter reads ?commune=CODE and ?filter=KEY:OPTION against s.
func (s *Survey) ParseFilter(commune, filter string) (Filter, error) {
	f := Filter{Commune: strings.TrimSpace(commune)}
	bad := app.Fields{}
	if filter = strings.TrimSpace(filter); filter != "" {
		key, option, ok := strings.Cut(filter, ":")
		q, found := s.Question(key)
		switch {
		case !ok || option == "":
			bad.Add("filter", "Le filtre s'écrit clé:réponse, par exemple filter=age:26-45 ans.")
		case !found:
			bad.Add("filter", "Ce questionnaire n'a pas de question « "+key+" ».")
		case !Categorical(q.Kind):
			bad.Add("filter", "On ne filtre que sur une question à choix, une échelle ou une commune.")
		}
		f.Key, f.Option = key, option
	}
	return f, bad.Err()
}

// Categories returns the keys results count for q, in display order:
// its options, the steps of its scale, or the commune codes met (sorted).
func Categories(q *Question, met []string) []string {
	switch {
	case q.HasOptions():
		return slices.Clone(q.Options)
	case q.Kind == KindScale:
		var out []string
		for _, v := range q.ScaleSteps() {
			out = append(out, strconv.Itoa(v))
		}
		return out
	case q.Kind == KindCommune:
		out := slices.Clone(met)
		slices.Sort(out)
		return slices.Compact(out)
	}
	return []string{}
}

// Percent returns n out of total in percent, with one decimal.
func Percent(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(total)) / 10
}

// Crosstab crosses the answers to two questions: Counts[i][j] is the number
// of responses that answered Rows[i] to RowKey and Cols[j] to ColKey.
type Crosstab struct {
	RowKey string   `json:"row_key"`
	ColKey string   `json:"col_key"`
	Rows   []string `json:"rows"`
	Cols   []string `json:"cols"`
	Counts [][]int  `json:"counts"`
}

// CheckCrosstab checks the two keys of a crosstab.
func (s *Survey) CheckCrosstab(rows, cols string) (*Question, *Question, error) {
	bad := app.Fields{}
	get := func(name, key string) *Question {
		q, ok := s.Question(key)
		switch {
		case key == "":
			bad.Add(name, "Indiquez la clé d'une question.")
		case !ok:
			bad.Add(name, "Ce questionnaire n'a pas de question « "+key+" ».")
		case !Categorical(q.Kind):
			bad.Add(name, "On ne croise que des questions à choix, des échelles ou des communes.")
		}
		return q
	}
	r, c := get("rows", rows), get("cols", cols)
	if rows != "" && rows == cols {
		bad.Add("cols", "Choisissez deux questions différentes.")
	}
	return r, c, bad.Err()
}

// Template is a ready-made set of questions a coordinator may add to a
// survey.
type Template struct {
	Code      string     `json:"code"`
	Label     string     `json:"label"`
	Questions []Question `json:"questions"`
}

// AgeBands are the brackets of the age template.
var AgeBands = []string{"Moins de 18 ans", "18-25 ans", "26-45 ans", "46-60 ans", "61-75 ans", "Plus de 75 ans"}

// Templates returns the ready-made question sets: age band, commune of
// residence, household composition, satisfaction with services, needs by
// field of intervention.
func Templates() []Template {
	one, five := 1.0, 5.0
	var fields []string
	for _, f := range field.All {
		if f.Code != "autre" {
			fields = append(fields, f.Label)
		}
	}
	return []Template{
		{Code: "age", Label: "Tranche d'âge", Questions: []Question{
			{Key: "age", Kind: KindAge, Label: "Quel âge avez-vous ?", Options: slices.Clone(AgeBands), Required: true},
		}},
		{Code: "commune", Label: "Commune de résidence", Questions: []Question{
			{Key: "commune", Kind: KindCommune, Label: "Dans quelle commune habitez-vous ?", Required: true},
		}},
		{Code: "household", Label: "Composition du foyer", Questions: []Question{
			{Key: "foyer", Kind: KindSingle, Label: "Quelle est la composition de votre foyer ?", Options: []string{
				"Personne seule", "Couple sans enfant", "Couple avec enfant(s)", "Parent seul avec enfant(s)", "Autre"}},
			{Key: "enfants", Kind: KindMultiple, Label: "Quel âge ont les enfants de votre foyer ?", Options: []string{
				"Moins de 3 ans", "3-5 ans", "6-11 ans", "12-17 ans", "18-25 ans", "Pas d'enfant au foyer"}},
		}},
		{Code: "satisfaction", Label: "Satisfaction à l'égard des services", Questions: []Question{
			{Key: "satisfaction_petite_enfance", Kind: KindScale, Label: "Êtes-vous satisfait de l'offre d'accueil des jeunes enfants (1 : pas du tout, 5 : tout à fait) ?", Min: &one, Max: &five},
			{Key: "satisfaction_loisirs", Kind: KindScale, Label: "Êtes-vous satisfait de l'offre de loisirs pour les enfants et les jeunes (1 : pas du tout, 5 : tout à fait) ?", Min: &one, Max: &five},
			{Key: "satisfaction_information", Kind: KindScale, Label: "Êtes-vous satisfait de l'information sur les services aux familles (1 : pas du tout, 5 : tout à fait) ?", Min: &one, Max: &five},
		}},
		{Code: "needs", Label: "Besoins par champ d'intervention", Questions: []Question{
			{Key: "besoins", Kind: KindMultiple, Label: "Dans quels domaines aimeriez-vous voir les services se développer ?", Options: fields},
			{Key: "besoins_precisions", Kind: KindText, Label: "Précisez, si vous le souhaitez, ce qui vous manque (sans donnée personnelle)."},
		}},
	}
}

// Scope names the responses f keeps, for keeping their results apart:
// empty when f keeps them all.
func (f Filter) Scope() string {
	var s string
	if f.Commune != "" {
		s += "\x1fcommune=" + f.Commune
	}
	if f.Key != "" {
		s += "\x1f" + f.Key + "=" + f.Option
	}
	return s
}
