// Package plan holds the plan of actions of a convention: axes, their
// objectives, the numbered actions (fiches actions) with their lead,
// partners, schedule and the stakes they answer, the follow-up journal and
// indicators of an action, the traceability from the diagnosis to the
// actions, and the warnings a plan deserves before it is signed. It imports
// no SQL or HTTP package.
//
// Axes are numbered from 1 within their convention and actions from 1
// within their axis, densely: "Axe 2 / Action 4" is what partners write in
// minutes and committees, so the numbers are part of the data and the store
// keeps them without gaps when things move.
package plan

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/convention"
)

// Limits of the texts of a plan, in characters.
const (
	MaxTitle       = 200
	MaxDescription = 10000
	MaxPublic      = 500
)

// Plan is the plan of actions of a convention: its axes in order, each
// with its objectives and actions.
type Plan struct {
	Convention string `json:"convention"`
	Axes       []Axis `json:"axes"`
}

// Actions returns every action of the plan, axis by axis, in order.
func (p *Plan) Actions() []Action {
	var out []Action
	for _, a := range p.Axes {
		out = append(out, a.Actions...)
	}
	return out
}

// Axis is an axis (axe) of a plan. Its version covers its own fields
// (number, title, description), not the objectives and actions it holds,
// which carry their own.
type Axis struct {
	ID          string      `json:"id"`
	Convention  string      `json:"convention"`
	Number      int         `json:"number"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Objectives  []Objective `json:"objectives"`
	Actions     []Action    `json:"actions"`
	Version     int         `json:"version"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// Validate tidies a and checks it, returning an EInvalid error with one
// French message per field.
func (a *Axis) Validate() error {
	a.Title = oneLine(a.Title)
	a.Description = text(a.Description)
	bad := app.Fields{}
	checkTitle(bad, a.Title, "Donnez un intitulé à l'axe, par exemple « Faciliter la vie des familles ».")
	checkLength(bad, "description", a.Description, MaxDescription, "La description")
	return bad.Err()
}

// AxisPatch is a partial change of an axis; absent fields stay. Number
// moves the axis to that place and renumbers the others.
type AxisPatch struct {
	Number      *int    `json:"number"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
}

// Apply copies the set fields of p onto a.
func (p AxisPatch) Apply(a *Axis) {
	if p.Number != nil {
		a.Number = *p.Number
	}
	if p.Title != nil {
		a.Title = *p.Title
	}
	if p.Description != nil {
		a.Description = *p.Description
	}
}

// DiffAxes lists the fields that differ between two versions of an axis,
// for the history of its convention.
func DiffAxes(a, b *Axis) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "number", a.Number, b.Number)
	convention.Note(d, "title", a.Title, b.Title)
	convention.Note(d, "description", a.Description, b.Description)
	return d
}

// Objective is an objective of an axis, at a place among the axis's
// objectives (from 1).
type Objective struct {
	ID        string    `json:"id"`
	Axis      string    `json:"axis"`
	Position  int       `json:"position"`
	Title     string    `json:"title"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate tidies o and checks it.
func (o *Objective) Validate() error {
	o.Title = oneLine(o.Title)
	bad := app.Fields{}
	checkTitle(bad, o.Title, "Donnez un intitulé à l'objectif, par exemple « Développer l'offre d'accueil du jeune enfant ».")
	return bad.Err()
}

// ObjectivePatch is a partial change of an objective; Position moves it
// among the objectives of its axis.
type ObjectivePatch struct {
	Position *int    `json:"position"`
	Title    *string `json:"title"`
}

// Apply copies the set fields of p onto o.
func (p ObjectivePatch) Apply(o *Objective) {
	if p.Position != nil {
		o.Position = *p.Position
	}
	if p.Title != nil {
		o.Title = *p.Title
	}
}

// DiffObjectives lists the fields that differ between two versions of an
// objective.
func DiffObjectives(a, b *Objective) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "position", a.Position, b.Position)
	convention.Note(d, "title", a.Title, b.Title)
	return d
}

// Created describes something new for the history: every field of the
// diff from nothing, with no value before.
func Created(d map[string]convention.Change) map[string]convention.Change {
	for k, c := range d {
		d[k] = convention.Change{After: c.After}
	}
	return d
}

// Deleted describes something removed for the history: every field of
// the diff to nothing, with no value after.
func Deleted(d map[string]convention.Change) map[string]convention.Change {
	for k, c := range d {
		d[k] = convention.Change{Before: c.Before}
	}
	return d
}

// CheckPlace returns an EInvalid error on field when n is not a place
// among count things (1 to count).
func CheckPlace(field string, n, count int) error {
	if n >= 1 && n <= count {
		return nil
	}
	msg := "Le numéro doit être 1 : c'est le seul de la liste."
	if count > 1 {
		msg = "Choisissez un numéro entre 1 et " + strconv.Itoa(count) + "."
	}
	return app.Invalid("Certaines informations sont à corriger.", map[string]string{field: msg})
}

// Move returns ids with id taken out and put back at place n (from 1,
// clamped to the ends): the new order after a move.
func Move(ids []string, id string, n int) []string {
	out := slices.DeleteFunc(slices.Clone(ids), func(x string) bool { return x == id })
	i := min(max(n-1, 0), len(out))
	return slices.Insert(out, i, id)
}

func checkTitle(bad app.Fields, title, example string) {
	if title == "" {
		bad.Add("title", example)
	} else if utf8.RuneCountInString(title) > MaxTitle {
		bad.Add("title", "L'intitulé ne doit pas dépasser 200 caractères.")
	}
}

// checkLength adds a message on field when s is longer than max
// characters; what names the field in French ("La description").
func checkLength(bad app.Fields, field, s string, max int, what string) {
	if n := utf8.RuneCountInString(s); n > max {
		bad.Add(field, what+" ne doit pas dépasser "+thousands(max)+" caractères ; le texte saisi en compte "+thousands(n)+".")
	}
}

// oneLine collapses runs of spaces and line breaks: titles are one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// text trims a multi-line text and makes its line breaks "\n".
func text(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// uniq trims, drops empty strings, sorts and deduplicates.
func uniq(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// thousands writes n with a no-break space between thousands: 10 000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "\u00a0" + s[i:]
	}
	return s
}
