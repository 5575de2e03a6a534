// Package review holds the evaluation of a convention while it runs and
// when it ends: the yearly review (bilan annuel) of each action — its
// status that year, what was done, the difficulties, the next steps — with
// its indicators against their targets and its money spent against what
// was planned, the partners' comments on a year's review, the final
// evaluation of the convention, its axes and actions (qualitative,
// quantitative, financial), and the renewal that carries chosen actions
// into a new convention. It imports no SQL or HTTP package.
//
// The store reads the facts (plan, indicators, budget lines, reviews,
// comments, evaluation entries) and this package puts them together
// (Facts.Year, Facts.Campaign, Facts.Evaluation), so that the pages, the
// JSON API and the documents generated later show the same figures.
package review

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

// Limits of the texts of a review, in characters.
const (
	MaxText    = 10000 // done, difficulties, next steps
	MaxComment = 5000
	MaxAuthor  = 200
	MaxResults = 20000 // results and assessment of the evaluation
)

// ActionReview is the yearly review of one action: its status that year
// (a status of plan), what was done, the difficulties met and the next
// steps. User names who wrote it last.
type ActionReview struct {
	Action       string    `json:"action"`
	Year         int       `json:"year"`
	Status       string    `json:"status"`
	Done         string    `json:"done"`
	Difficulties string    `json:"difficulties"`
	NextSteps    string    `json:"next_steps"`
	User         string    `json:"user"`
	Version      int       `json:"version"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// StatusLabel names the review's status in French.
func (r *ActionReview) StatusLabel() string { return plan.StatusLabel(r.Status) }

// Input is the body of a review: PUT /api/v1/actions/{id}/reviews/{year}.
type Input struct {
	Status       string `json:"status"`
	Done         string `json:"done"`
	Difficulties string `json:"difficulties"`
	NextSteps    string `json:"next_steps"`
}

// Apply copies the input onto r, tidied.
func (in Input) Apply(r *ActionReview) {
	r.Status = strings.TrimSpace(in.Status)
	r.Done, r.Difficulties, r.NextSteps = text(in.Done), text(in.Difficulties), text(in.NextSteps)
}

// Validate checks r given the first and last years of its convention,
// returning an EInvalid error with one French message per field.
func (r *ActionReview) Validate(first, last int) error {
	bad := app.Fields{}
	CheckYear(bad, r.Year, first, last)
	if r.Status == "" {
		bad.Add("status", "Choisissez le statut de l'action cette année : prévue, en cours, réalisée, abandonnée ou en retard.")
	} else if !plan.ValidStatus(r.Status) {
		bad.Add("status", "Statut inconnu : « "+r.Status+" ». Choisissez planned (prévue), in_progress (en cours), done (réalisée), abandoned (abandonnée) ou late (en retard).")
	}
	checkLength(bad, "done", r.Done, MaxText, "Le texte « Réalisé »")
	checkLength(bad, "difficulties", r.Difficulties, MaxText, "Le texte « Difficultés »")
	checkLength(bad, "next_steps", r.NextSteps, MaxText, "Le texte « Suites à donner »")
	return bad.Err()
}

// CheckYear adds a message on "year" when y is not a year of the
// convention (first to last).
func CheckYear(bad app.Fields, y, first, last int) {
	if y < first || y > last || first == 0 {
		bad.Add("year", YearOutside(y, first, last))
	}
}

// YearOutside says in French that y is not a year of the convention.
func YearOutside(y, first, last int) string {
	return "L'année " + strconv.Itoa(y) + " n'est pas dans la période de la convention (" + strconv.Itoa(first) + " à " + strconv.Itoa(last) + ")."
}

// Diff lists the fields that differ between two versions of a review, for
// the history of the convention.
func Diff(a, b *ActionReview) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "status", a.Status, b.Status)
	convention.Note(d, "done", a.Done, b.Done)
	convention.Note(d, "difficulties", a.Difficulties, b.Difficulties)
	convention.Note(d, "next_steps", a.NextSteps, b.NextSteps)
	return d
}

// Comment is a partner's comment on the review of a year: who wrote it
// (Author), for which organisation, and what.
type Comment struct {
	ID         string `json:"id"`
	Convention string `json:"convention"`
	Year       int    `json:"year"`
	// Organisation is the id of the organisation the comment speaks
	// for, "" when none; OrganisationName is its name.
	Organisation     string    `json:"organisation"`
	OrganisationName string    `json:"organisation_name"`
	Author           string    `json:"author"`
	Text             string    `json:"text"`
	CreatedAt        time.Time `json:"created_at"`
}

// Validate tidies c and checks it given the years of its convention. That
// the organisation is a party of the convention is the store's check.
func (c *Comment) Validate(first, last int) error {
	c.Author = strings.Join(strings.Fields(c.Author), " ")
	c.Organisation = strings.TrimSpace(c.Organisation)
	c.Text = text(c.Text)
	bad := app.Fields{}
	CheckYear(bad, c.Year, first, last)
	if c.Author == "" {
		bad.Add("author", "Indiquez qui fait ce commentaire, par exemple « Marie Dupont, Département de la Gironde ».")
	}
	checkLength(bad, "author", c.Author, MaxAuthor, "Le nom de l'auteur")
	if c.Text == "" {
		bad.Add("text", "Écrivez le commentaire.")
	}
	checkLength(bad, "text", c.Text, MaxComment, "Le commentaire")
	return bad.Err()
}

// checkLength adds a message on field when s is longer than max
// characters; what names the field in French.
func checkLength(bad app.Fields, field, s string, max int, what string) {
	if n := utf8.RuneCountInString(s); n > max {
		bad.Add(field, what+" ne doit pas dépasser "+thousands(max)+" caractères ; le texte saisi en compte "+thousands(n)+".")
	}
}

// text trims a multi-line text and makes its line breaks "\n".
func text(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// thousands writes n with a no-break space between thousands: 10 000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "\u00a0" + s[i:]
	}
	return s
}
