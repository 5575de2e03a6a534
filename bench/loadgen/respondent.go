package loadgen

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/survey"
)

func fl(v float64) *float64 { return &v }

// Questions are those of a usual survey of families: ten questions, one
// of each kind and a few more multiple choices.
var Questions = []survey.Question{
	{Key: "age", Kind: survey.KindAge, Label: "Votre âge", Options: []string{"Moins de 25 ans", "25 à 34 ans", "35 à 44 ans", "45 à 59 ans", "60 ans et plus"}, Required: true},
	{Key: "commune", Kind: survey.KindCommune, Label: "Votre commune de résidence", Required: true},
	{Key: "situation", Kind: survey.KindSingle, Label: "Votre situation familiale", Options: []string{"En couple avec enfants", "Seul(e) avec enfants", "En couple sans enfant", "Seul(e) sans enfant"}, Required: true},
	{Key: "enfants", Kind: survey.KindNumber, Label: "Nombre d'enfants à charge", Min: fl(0), Max: fl(15)},
	{Key: "ages_enfants", Kind: survey.KindMultiple, Label: "Âges de vos enfants", Options: []string{"Moins de 3 ans", "3 à 5 ans", "6 à 11 ans", "12 à 17 ans", "18 ans et plus"}},
	{Key: "modes", Kind: survey.KindMultiple, Label: "Modes de garde utilisés", Options: []string{"Crèche", "Assistante maternelle", "Accueil de loisirs", "Famille", "Aucun"}},
	{Key: "satisfaction", Kind: survey.KindScale, Label: "Êtes-vous satisfait de l'offre d'accueil de votre commune ?", Min: fl(1), Max: fl(5), Required: true},
	{Key: "difficultes", Kind: survey.KindMultiple, Label: "Difficultés rencontrées", Options: []string{"Horaires", "Coût", "Transport", "Manque de places", "Information"}},
	{Key: "information", Kind: survey.KindSingle, Label: "Comment vous informez-vous ?", Options: []string{"Site de la mairie", "Réseaux sociaux", "Bouche à oreille", "Caf", "Autre"}},
	{Key: "remarques", Kind: survey.KindText, Label: "Vos remarques et suggestions"},
}

// OpenSurvey creates a survey of Questions on the CTG Latitude Nord
// Gironde 2022-2026 of the demonstration data and opens it, as its advisor.
func OpenSurvey(ctx context.Context, db *store.DB) (*survey.Survey, error) {
	u, err := db.UserByEmail(ctx, DemoEmail)
	if err != nil {
		return nil, err
	}
	all, err := db.Conventions(ctx, u, store.Filter{})
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(c *convention.Convention) bool { return c.Title == "CTG Latitude Nord Gironde 2022-2026" })
	if i < 0 {
		return nil, errors.New("no CTG Latitude Nord Gironde 2022-2026 in the demonstration data")
	}
	sv := &survey.Survey{Title: "Vos besoins de familles", Closes: "2099-12-31", Questions: Questions}
	if err := db.CreateSurvey(ctx, u, all[i].ID, sv); err != nil {
		return nil, err
	}
	return db.OpenSurvey(ctx, u, sv.ID)
}

// communes of the perimeter of the CTG Latitude Nord Gironde.
var communes = []string{"33114", "33123", "33126", "33142", "33151", "33233", "33266", "33272", "33439", "33473", "33489", "33492"}

// Answers draws valid answers to Questions.
func Answers(r *rand.Rand, nonce string) url.Values {
	v := url.Values{"nonce": {nonce}}
	pick := func(opts []string) string { return opts[r.IntN(len(opts))] }
	some := func(key string, opts []string) {
		for _, o := range opts {
			if r.IntN(3) == 0 {
				v.Add(key, o)
			}
		}
	}
	v.Set("age", pick(Questions[0].Options))
	v.Set("commune", pick(communes))
	v.Set("situation", pick(Questions[2].Options))
	v.Set("enfants", strconv.Itoa(r.IntN(5)))
	some("ages_enfants", Questions[4].Options)
	some("modes", Questions[5].Options)
	v.Set("satisfaction", strconv.Itoa(1+r.IntN(5)))
	some("difficultes", Questions[7].Options)
	if r.IntN(2) == 0 {
		v.Set("information", pick(Questions[8].Options))
	}
	if r.IntN(3) == 0 {
		v.Set("remarques", "Il manque des places d'accueil le mercredi et pendant les vacances scolaires ; les horaires de la crèche ne conviennent pas à ceux qui travaillent tôt.")
	}
	return v
}

var nonceField = regexp.MustCompile(`name="nonce" value="([a-z2-7]{26})"`)

// Respond answers the public form at path once, as a resident: GET the
// form, read its nonce, POST answers drawn from r. It returns the time of
// each request; err names the failed step (see ErrorKind), and acked says
// the answer was acknowledged (303).
func Respond(ctx context.Context, s *Session, path string, r *rand.Rand) (get, post time.Duration, acked bool, fail string) {
	t0 := time.Now()
	status, body, err := s.Get(ctx, path)
	get = time.Since(t0)
	if err != nil || status != http.StatusOK {
		return get, 0, false, ErrorKind("GET form", status, err)
	}
	m := nonceField.FindSubmatch(body)
	if m == nil {
		return get, 0, false, "GET form: no nonce in the form"
	}
	t1 := time.Now()
	status, _, err = s.PostForm(ctx, path, Answers(r, string(m[1])))
	post = time.Since(t1)
	if err != nil || status != http.StatusSeeOther {
		return get, post, false, ErrorKind("POST answers", status, err)
	}
	return get, post, true, ""
}
