// Package workshop holds the working groups (ateliers) of a convention's
// consultation: sessions with their date, their participants by category,
// their minutes and the proposals they made, each tied to a field of
// intervention. A proposal, like a result of a questionnaire, can become a
// finding of the diagnosis in one step (see finding.go). It imports no SQL
// or HTTP package.
package workshop

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/field"
)

// Limits of a workshop.
const (
	MaxTitle     = 200
	MaxPlace     = 200
	MaxMinutes   = 20000
	MaxProposal  = 1000
	MaxProposals = 100
	// MaxParticipants bounds each category: a typing slip, not a crowd.
	MaxParticipants = 100000
)

// Participants counts the people of a workshop by category.
type Participants struct {
	Elected      int `json:"elected"`
	Staff        int `json:"staff"`
	Associations int `json:"associations"`
	Residents    int `json:"residents"`
}

// Total is the number of participants.
func (p Participants) Total() int { return p.Elected + p.Staff + p.Associations + p.Residents }

// Categories lists the categories of participants with their JSON names
// and French labels, in display order.
var Categories = []struct{ Code, Label string }{
	{"elected", "Élus"},
	{"staff", "Professionnels"},
	{"associations", "Associations"},
	{"residents", "Habitants"},
}

// Get returns the count of a category named as in Categories.
func (p Participants) Get(code string) int {
	switch code {
	case "elected":
		return p.Elected
	case "staff":
		return p.Staff
	case "associations":
		return p.Associations
	case "residents":
		return p.Residents
	}
	return 0
}

// Set changes the count of a category named as in Categories.
func (p *Participants) Set(code string, n int) {
	switch code {
	case "elected":
		p.Elected = n
	case "staff":
		p.Staff = n
	case "associations":
		p.Associations = n
	case "residents":
		p.Residents = n
	}
}

// Proposal is a proposal of a workshop. Finding is the id of the finding
// it was carried into, if any: a proposal is carried once.
type Proposal struct {
	ID      string  `json:"id"`
	Text    string  `json:"text"`
	Field   string  `json:"field"`
	Finding *string `json:"finding"`
}

// Workshop is a working group's session.
type Workshop struct {
	ID           string       `json:"id"`
	Convention   string       `json:"convention"`
	Title        string       `json:"title"`
	Date         string       `json:"date"`
	Place        string       `json:"place"`
	Participants Participants `json:"participants"`
	Minutes      string       `json:"minutes"`
	Proposals    []Proposal   `json:"proposals"`
	Version      int          `json:"version"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
}

// Proposal returns the proposal of an id.
func (w *Workshop) Proposal(id string) (*Proposal, bool) {
	for i := range w.Proposals {
		if w.Proposals[i].ID == id {
			return &w.Proposals[i], true
		}
	}
	return nil, false
}

// Validate tidies w and checks it, returning an EInvalid error with one
// French message per field, named as in the JSON body: "title",
// "participants.residents", "proposals[2].text".
func (w *Workshop) Validate() error {
	w.Title = strings.Join(strings.Fields(w.Title), " ")
	w.Date = strings.TrimSpace(w.Date)
	w.Place = strings.Join(strings.Fields(w.Place), " ")
	w.Minutes = strings.TrimSpace(strings.ReplaceAll(w.Minutes, "\r\n", "\n"))
	bad := app.Fields{}
	if w.Title == "" {
		bad.Add("title", "Donnez un intitulé à l'atelier, par exemple « Atelier petite enfance et parentalité ».")
	} else if utf8.RuneCountInString(w.Title) > MaxTitle {
		bad.Add("title", "L'intitulé ne doit pas dépasser 200 caractères.")
	}
	if w.Date == "" {
		bad.Add("date", "Indiquez la date de l'atelier.")
	} else if _, ok := convention.ParseDate(w.Date); !ok {
		bad.Add("date", "La date doit être au format AAAA-MM-JJ, par exemple 2026-11-05.")
	}
	if utf8.RuneCountInString(w.Place) > MaxPlace {
		bad.Add("place", "Le lieu ne doit pas dépasser 200 caractères.")
	}
	for _, c := range Categories {
		if n := w.Participants.Get(c.Code); n < 0 || n > MaxParticipants {
			bad.Add("participants."+c.Code, "Le nombre de participants ("+strings.ToLower(c.Label)+") doit être un entier positif ou nul.")
		}
	}
	if n := utf8.RuneCountInString(w.Minutes); n > MaxMinutes {
		bad.Add("minutes", "Le compte rendu ne doit pas dépasser 20\u00a0000 caractères (il en compte "+strconv.Itoa(n)+").")
	}
	if len(w.Proposals) > MaxProposals {
		bad.Add("proposals", "Un atelier ne doit pas compter plus de 100 propositions.")
	}
	for i := range w.Proposals {
		p := &w.Proposals[i]
		at := "proposals[" + strconv.Itoa(i) + "]."
		p.ID = strings.TrimSpace(p.ID)
		p.Text = strings.TrimSpace(p.Text)
		p.Field = strings.TrimSpace(p.Field)
		if p.Text == "" {
			bad.Add(at+"text", "Écrivez la proposition, par exemple « Ouvrir un lieu d'accueil pour les adolescents le samedi ».")
		} else if n := utf8.RuneCountInString(p.Text); n > MaxProposal {
			bad.Add(at+"text", "Une proposition ne doit pas dépasser 1\u00a0000 caractères (elle en compte "+strconv.Itoa(n)+").")
		}
		if !field.Valid(p.Field) {
			bad.Add(at+"field", "Choisissez le champ d'intervention de la proposition, par exemple jeunesse ou parentalite.")
		}
	}
	return bad.Err()
}

// Patch is a partial change of a workshop; absent fields stay. A list of
// proposals that is sent replaces the whole list: a proposal that keeps its
// id keeps its link to a finding, one without an id is new.
type Patch struct {
	Title        *string       `json:"title"`
	Date         *string       `json:"date"`
	Place        *string       `json:"place"`
	Participants *Participants `json:"participants"`
	Minutes      *string       `json:"minutes"`
	Proposals    *[]Proposal   `json:"proposals"`
}

// Apply copies the set fields of p onto w.
func (p Patch) Apply(w *Workshop) {
	if p.Title != nil {
		w.Title = *p.Title
	}
	if p.Date != nil {
		w.Date = *p.Date
	}
	if p.Place != nil {
		w.Place = *p.Place
	}
	if p.Participants != nil {
		w.Participants = *p.Participants
	}
	if p.Minutes != nil {
		w.Minutes = *p.Minutes
	}
	if p.Proposals != nil {
		w.Proposals = slices.Clone(*p.Proposals)
	}
}

// KeepIDs gives the proposals of after the ids and findings of those of
// before they stand for: the one of the id sent, or else one of the same
// text and field that no other proposal kept. Any other gets no id (a new
// proposal). Run it after Validate, which tidies the texts.
func KeepIDs(before, after []Proposal) {
	kept := map[string]bool{}
	take := func(i int, j int) {
		after[i].ID, after[i].Finding = before[j].ID, before[j].Finding
		kept[before[j].ID] = true
	}
	for i := range after {
		j := slices.IndexFunc(before, func(b Proposal) bool { return b.ID == after[i].ID })
		if after[i].ID == "" || j < 0 || kept[after[i].ID] {
			after[i].ID, after[i].Finding = "", nil
			continue
		}
		take(i, j)
	}
	for i := range after {
		if after[i].ID != "" {
			continue
		}
		j := slices.IndexFunc(before, func(b Proposal) bool {
			return !kept[b.ID] && b.Text == after[i].Text && b.Field == after[i].Field
		})
		if j >= 0 {
			take(i, j)
		}
	}
}

// Diff lists what differs between two versions of a workshop, for the
// history of its convention. Participants are one entry per category;
// proposals are their texts.
func Diff(a, b *Workshop) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "title", a.Title, b.Title)
	convention.Note(d, "date", a.Date, b.Date)
	convention.Note(d, "place", a.Place, b.Place)
	convention.Note(d, "minutes", a.Minutes, b.Minutes)
	for _, c := range Categories {
		if x, y := a.Participants.Get(c.Code), b.Participants.Get(c.Code); x != y {
			d[c.Code] = convention.Change{Before: x, After: y}
		}
	}
	if !slices.EqualFunc(a.Proposals, b.Proposals, func(x, y Proposal) bool { return x.Text == y.Text && x.Field == y.Field }) {
		d["proposals"] = convention.Change{Before: texts(a.Proposals), After: texts(b.Proposals)}
	}
	return d
}

func texts(ps []Proposal) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Text
	}
	return out
}

// Created describes a new workshop for the history.
func Created(w *Workshop) map[string]convention.Change {
	d := Diff(&Workshop{Proposals: []Proposal{}}, w)
	for k, c := range d {
		d[k] = convention.Change{After: c.After}
	}
	return d
}

// Deleted describes a deleted workshop for the history.
func Deleted(w *Workshop) map[string]convention.Change {
	d := Diff(w, &Workshop{Proposals: []Proposal{}})
	for k, c := range d {
		d[k] = convention.Change{Before: c.Before}
	}
	return d
}

// Sort orders workshops by date, then from the oldest recorded.
func Sort(ws []Workshop) {
	slices.SortStableFunc(ws, func(a, b Workshop) int {
		if c := strings.Compare(a.Date, b.Date); c != 0 {
			return c
		}
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
