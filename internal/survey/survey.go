// Package survey holds the resident questionnaires of a convention's
// consultation: their definition and its validation, the checking of one
// set of answers (a public form or a paper questionnaire typed in by staff),
// the ready-made question sets, and the shapes of results. It imports no
// SQL or HTTP package.
package survey

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/convention"
)

// Statuses of a survey. A draft may be changed; an open survey takes
// answers; a closed one is final and cannot reopen, so that its results
// stay those that were published.
const (
	StatusDraft  = "draft"
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Kinds of question.
const (
	KindSingle   = "single"
	KindMultiple = "multiple"
	KindScale    = "scale"
	KindNumber   = "number"
	KindText     = "text"
	KindCommune  = "commune"
	KindAge      = "age"
)

// Kinds lists the kinds of question with their French names.
var Kinds = []struct{ Code, Label string }{
	{KindSingle, "Choix unique"},
	{KindMultiple, "Choix multiple"},
	{KindScale, "Échelle"},
	{KindNumber, "Nombre"},
	{KindText, "Texte libre"},
	{KindCommune, "Commune"},
	{KindAge, "Tranche d'âge"},
}

// KindLabel returns the French name of a kind of question.
func KindLabel(code string) string {
	for _, k := range Kinds {
		if k.Code == code {
			return k.Label
		}
	}
	return code
}

func validKind(code string) bool { return KindLabel(code) != code }

// Categorical reports whether answers to a question of this kind fall in a
// few categories that results count and crosstabs cross.
func Categorical(kind string) bool {
	switch kind {
	case KindSingle, KindMultiple, KindAge, KindScale, KindCommune:
		return true
	}
	return false
}

// Limits of a definition and of answers.
const (
	MaxQuestions  = 100
	MaxOptions    = 50
	MaxTitle      = 200
	MaxLabel      = 500
	MaxIntro      = 5000
	MaxTextAnswer = 2000
	// MaxScaleSteps bounds a scale so that its results stay a short table.
	MaxScaleSteps = 11
)

// DefaultIntro is the data-protection notice a new survey starts with. The
// bracketed parts are for the coordinator to fill in.
const DefaultIntro = `Ce questionnaire est proposé par les partenaires de la convention territoriale globale (la Caf et les collectivités signataires) pour mieux connaître les besoins des habitants du territoire : petite enfance, enfance, jeunesse, parentalité, vie sociale, accès aux droits.

Il est anonyme : aucune question ne porte sur votre nom, votre adresse, votre téléphone ou votre adresse électronique ; n'en indiquez pas dans les zones de texte libre. Vos réponses ne servent qu'à établir le diagnostic partagé et le plan d'actions de la convention ; seuls des résultats d'ensemble sont publiés.

Responsable du traitement : [nom de la collectivité ou de la Caf], [adresse]. Les réponses sont conservées jusqu'à la fin de la convention, puis un an, avant d'être supprimées. Pour toute question sur ce questionnaire ou sur vos droits (règlement général sur la protection des données), écrivez à [adresse de contact du délégué à la protection des données].`

// ErrClosed is the error of an answer to a survey that no longer takes any:
// closed, or past its closing date. Its code is conflict; the web layer
// answers it with 410 Gone (errors.Is(err, survey.ErrClosed)).
var ErrClosed = &app.Error{Code: app.EConflict, Message: "Ce questionnaire est clos : il ne reçoit plus de réponses."}

// ErrDuplicate is the error of a public submission sent twice.
var ErrDuplicate = &app.Error{Code: app.EConflict, Message: "Cette réponse a déjà été enregistrée."}

// Question is one question of a survey. Key names it in answers, form
// fields and exports.
type Question struct {
	Key      string   `json:"key"`
	Kind     string   `json:"kind"`
	Label    string   `json:"label"`
	Options  []string `json:"options,omitempty"`
	Required bool     `json:"required"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
}

// HasOptions reports whether the question's answers are chosen among its
// options.
func (q *Question) HasOptions() bool {
	return q.Kind == KindSingle || q.Kind == KindMultiple || q.Kind == KindAge
}

// ScaleSteps returns the integers of a scale question, from min to max.
func (q *Question) ScaleSteps() []int {
	if q.Kind != KindScale || q.Min == nil || q.Max == nil {
		return nil
	}
	var out []int
	for v := int(*q.Min); v <= int(*q.Max); v++ {
		out = append(out, v)
	}
	return out
}

// Survey is a questionnaire of a convention.
type Survey struct {
	ID         string     `json:"id"`
	Convention string     `json:"convention"`
	Title      string     `json:"title"`
	Intro      string     `json:"intro"`
	Closes     string     `json:"closes"`
	Status     string     `json:"status"`
	Token      string     `json:"-"`
	PublicURL  string     `json:"public_url,omitempty"`
	Questions  []Question `json:"questions"`
	Version    int        `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// PublicPath is the address of the public form of a token.
func PublicPath(token string) string { return "/q/" + token }

// Question returns the question of a key.
func (s *Survey) Question(key string) (*Question, bool) {
	for i := range s.Questions {
		if s.Questions[i].Key == key {
			return &s.Questions[i], true
		}
	}
	return nil, false
}

// ErrNotOpen is the error of an answer to a draft.
var ErrNotOpen = &app.Error{Code: app.EConflict, Message: "Ce questionnaire n'est pas encore ouvert aux réponses : ouvrez-le d'abord."}

// TakesAnswers returns ErrNotOpen for a draft, and ErrClosed for a closed
// survey or when today (YYYY-MM-DD, in France) is after its closing date.
func (s *Survey) TakesAnswers(today string) error {
	switch {
	case s.Status == StatusDraft:
		return ErrNotOpen
	case s.Status != StatusOpen || (s.Closes != "" && today > s.Closes):
		return ErrClosed
	}
	return nil
}

var keyPattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// Validate tidies s (spaces, empty options) and checks it, returning an
// EInvalid error with one French message per field, named as in the JSON
// body: "title", "questions", "questions[2].options".
func (s *Survey) Validate() error {
	s.Title = strings.Join(strings.Fields(s.Title), " ")
	s.Intro = strings.TrimSpace(s.Intro)
	s.Closes = strings.TrimSpace(s.Closes)
	bad := app.Fields{}
	if s.Title == "" {
		bad.Add("title", "Donnez un titre au questionnaire, par exemple « Vos besoins de familles ».")
	} else if utf8.RuneCountInString(s.Title) > MaxTitle {
		bad.Add("title", "Le titre ne doit pas dépasser 200 caractères.")
	}
	if n := utf8.RuneCountInString(s.Intro); n > MaxIntro {
		bad.Add("intro", "L'introduction ne doit pas dépasser 5\u00a0000 caractères (elle en compte "+strconv.Itoa(n)+").")
	}
	if s.Closes != "" {
		if _, ok := convention.ParseDate(s.Closes); !ok {
			bad.Add("closes", "La date de clôture doit être au format AAAA-MM-JJ, par exemple 2026-06-30.")
		}
	}
	if len(s.Questions) == 0 {
		bad.Add("questions", "Le questionnaire doit compter au moins une question.")
	} else if len(s.Questions) > MaxQuestions {
		bad.Add("questions", "Le questionnaire ne doit pas compter plus de 100 questions.")
	}
	seen := map[string]bool{}
	for i := range s.Questions {
		q := &s.Questions[i]
		at := "questions[" + strconv.Itoa(i) + "]."
		q.Key = strings.TrimSpace(q.Key)
		q.Label = strings.Join(strings.Fields(q.Label), " ")
		switch {
		case q.Key == "":
			bad.Add(at+"key", "Donnez une clé à la question, en minuscules, chiffres et _ (par exemple « age »).")
		case !keyPattern.MatchString(q.Key) || len(q.Key) > 50:
			bad.Add(at+"key", "La clé « "+q.Key+" » ne doit contenir que des minuscules sans accent, des chiffres et _, 50 au plus.")
		case seen[q.Key]:
			bad.Add(at+"key", "La clé « "+q.Key+" » est déjà celle d'une autre question.")
		}
		seen[q.Key] = true
		if !validKind(q.Kind) {
			bad.Add(at+"kind", "Choisissez le type de question : single, multiple, scale, number, text, commune ou age.")
		}
		if q.Label == "" {
			bad.Add(at+"label", "Écrivez l'intitulé de la question.")
		} else if utf8.RuneCountInString(q.Label) > MaxLabel {
			bad.Add(at+"label", "L'intitulé ne doit pas dépasser 500 caractères.")
		}
		if q.HasOptions() {
			opts := make([]string, 0, len(q.Options))
			for _, o := range q.Options {
				if o = strings.Join(strings.Fields(o), " "); o != "" {
					opts = append(opts, o)
				}
			}
			q.Options = opts
			switch {
			case len(opts) < 2:
				bad.Add(at+"options", "Proposez au moins deux réponses possibles.")
			case len(opts) > MaxOptions:
				bad.Add(at+"options", "Ne proposez pas plus de 50 réponses possibles.")
			}
			for j, o := range opts {
				if slices.Contains(opts[:j], o) {
					bad.Add(at+"options", "La réponse « "+o+" » est proposée deux fois.")
				} else if utf8.RuneCountInString(o) > MaxLabel {
					bad.Add(at+"options", "Une réponse possible ne doit pas dépasser 500 caractères.")
				}
			}
		} else if len(q.Options) > 0 {
			bad.Add(at+"options", "Seules les questions à choix (single, multiple, age) proposent des réponses.")
		}
		switch q.Kind {
		case KindScale:
			switch {
			case q.Min == nil || q.Max == nil:
				bad.Add(at+"min", "Indiquez les bornes de l'échelle, par exemple de 1 à 5.")
			case *q.Min != float64(int(*q.Min)) || *q.Max != float64(int(*q.Max)):
				bad.Add(at+"min", "Les bornes de l'échelle doivent être des nombres entiers.")
			case *q.Min >= *q.Max:
				bad.Add(at+"max", "La borne haute de l'échelle doit dépasser la borne basse.")
			case *q.Max-*q.Min+1 > MaxScaleSteps:
				bad.Add(at+"max", "Une échelle ne doit pas compter plus de 11 niveaux.")
			}
		case KindNumber:
			if q.Min != nil && q.Max != nil && *q.Min >= *q.Max {
				bad.Add(at+"max", "Le maximum doit dépasser le minimum.")
			}
		default:
			if q.Min != nil || q.Max != nil {
				bad.Add(at+"min", "Seules les questions de type scale ou number ont des bornes.")
			}
		}
	}
	return bad.Err()
}

// Patch is a partial change of a draft survey; a list of questions that is
// sent replaces the whole list.
type Patch struct {
	Title     *string     `json:"title"`
	Intro     *string     `json:"intro"`
	Closes    *string     `json:"closes"`
	Questions *[]Question `json:"questions"`
}

// Apply copies the set fields of p onto s.
func (p Patch) Apply(s *Survey) {
	if p.Title != nil {
		s.Title = *p.Title
	}
	if p.Intro != nil {
		s.Intro = *p.Intro
	}
	if p.Closes != nil {
		s.Closes = *p.Closes
	}
	if p.Questions != nil {
		s.Questions = *p.Questions
	}
}

// Diff lists what differs between two versions of a survey, for the
// history of its convention.
func Diff(a, b *Survey) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "title", a.Title, b.Title)
	convention.Note(d, "intro", a.Intro, b.Intro)
	convention.Note(d, "closes", a.Closes, b.Closes)
	convention.Note(d, "status", a.Status, b.Status)
	if !slices.EqualFunc(a.Questions, b.Questions, equalQuestion) {
		d["questions"] = convention.Change{Before: keys(a.Questions), After: keys(b.Questions)}
	}
	return d
}

func equalQuestion(a, b Question) bool {
	eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Key == b.Key && a.Kind == b.Kind && a.Label == b.Label && a.Required == b.Required &&
		slices.Equal(a.Options, b.Options) && eq(a.Min, b.Min) && eq(a.Max, b.Max)
}

func keys(qs []Question) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Key
	}
	return out
}

// Created describes a new survey for the history.
func Created(s *Survey) map[string]convention.Change {
	d := Diff(&Survey{}, s)
	for k, c := range d {
		d[k] = convention.Change{After: c.After}
	}
	return d
}

// NewToken returns the secret of a public form: 26 characters of base32
// (128 bits), unguessable.
func NewToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// IsClosed reports whether err says that a survey takes no more answers.
func IsClosed(err error) bool { return errors.Is(err, ErrClosed) }
