// Package publication holds what a convention shows residents on its public
// page, /p/<slug>, without sign-in: always the territory and the plan with
// the status and progress of its actions, and, when the partners choose,
// the budget totals and the results of the questionnaires, under a summary
// in their words.
package publication

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/territory"
)

// Publication is the public page of a convention.
type Publication struct {
	Convention  string    `json:"convention"`
	Slug        string    `json:"slug"`
	PublicURL   string    `json:"public_url"`
	ShowBudget  bool      `json:"show_budget"`
	ShowSurveys bool      `json:"show_surveys"`
	Summary     string    `json:"summary"`
	PublishedAt time.Time `json:"published_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// MaxSummary is the longest summary, in characters.
const MaxSummary = 5000

// maxSlug bounds the length of a slug taken from a title, so that the
// address stays short enough to print on a leaflet.
const maxSlug = 60

// URL is the address of the public page of a slug.
func URL(slug string) string { return "/p/" + slug }

// Validate tidies p's summary (spaces at both ends, Windows line ends) and
// checks its length, returning an EInvalid error on "summary".
func (p *Publication) Validate() error {
	p.Summary = strings.TrimSpace(strings.ReplaceAll(p.Summary, "\r\n", "\n"))
	if n := utf8.RuneCountInString(p.Summary); n > MaxSummary {
		return app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"summary": "Le résumé ne doit pas dépasser 5\u00a0000 caractères (il en compte " + strconv.Itoa(n) + ")."})
	}
	return nil
}

// BaseSlug is the slug a title gives before any suffix: its words in lower
// case, without accents, joined by hyphens, cut at a word under 60
// characters ("CTG Latitude Nord Gironde 2022-2026" →
// "ctg-latitude-nord-gironde-2022-2026"). A title without letters or
// digits gives "convention".
func BaseSlug(title string) string {
	var b strings.Builder
	for _, w := range strings.Fields(territory.Normalize(title)) {
		if b.Len() > 0 && b.Len()+1+len(w) > maxSlug {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	s := b.String()
	if len(s) > maxSlug { // a single word longer than the limit
		s = s[:maxSlug]
	}
	if s == "" {
		return "convention"
	}
	return s
}

// Slug is the n-th candidate slug from base: base itself, then base-2,
// base-3… for conventions whose titles fold to the same words.
func Slug(base string, n int) string {
	if n <= 1 {
		return base
	}
	return base + "-" + strconv.Itoa(n)
}

// FirstFree returns the first candidate slug from base (see Slug) that is
// not in taken.
func FirstFree(base string, taken []string) string {
	used := make(map[string]bool, len(taken))
	for _, t := range taken {
		used[t] = true
	}
	for n := 1; ; n++ {
		if s := Slug(base, n); !used[s] {
			return s
		}
	}
}

// Diff lists what changed between two states of a publication, for the
// convention's history; a is nil for a first publication.
func Diff(a, b *Publication) map[string]convention.Change {
	d := map[string]convention.Change{}
	if a == nil {
		a = &Publication{}
	}
	convention.Note(d, "slug", a.Slug, b.Slug)
	convention.Note(d, "show_budget", a.ShowBudget, b.ShowBudget)
	convention.Note(d, "show_surveys", a.ShowSurveys, b.ShowSurveys)
	convention.Note(d, "summary", a.Summary, b.Summary)
	return d
}
