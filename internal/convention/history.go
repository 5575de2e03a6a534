package convention

import (
	"encoding/json"
	"slices"
	"time"
)

// Change is the before and after of one field.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// Entry is one line of the history: who changed what, when.
type Entry struct {
	At        time.Time         `json:"at"`
	User      string            `json:"user"`
	UserID    string            `json:"user_id"`
	Action    string            `json:"action"`
	Subject   string            `json:"subject,omitempty"`
	Changes   map[string]Change `json:"changes"`
	ChangesJS json.RawMessage   `json:"-"`
}

// Diff lists the fields that differ between two versions of a convention.
func Diff(a, b *Convention) map[string]Change {
	d := map[string]Change{}
	add := func(name string, x, y any) {
		d[name] = Change{Before: x, After: y}
	}
	if a.Kind != b.Kind {
		add("kind", a.Kind, b.Kind)
	}
	if a.Title != b.Title {
		add("title", a.Title, b.Title)
	}
	if a.CAF != b.CAF {
		add("caf", a.CAF, b.CAF)
	}
	if a.Start != b.Start {
		add("start", a.Start, b.Start)
	}
	if a.End != b.End {
		add("end", a.End, b.End)
	}
	if !slices.Equal(a.Parties, b.Parties) {
		add("parties", a.Parties, b.Parties)
	}
	if !slices.Equal(a.Perimeter.EPCIs, b.Perimeter.EPCIs) || !slices.Equal(a.Perimeter.Communes, b.Perimeter.Communes) ||
		!slices.Equal(a.Perimeter.Excluded, b.Perimeter.Excluded) {
		add("perimeter", a.Perimeter, b.Perimeter)
	}
	if a.Population != b.Population {
		add("population", a.Population, b.Population)
	}
	if ptr(a.Renews) != ptr(b.Renews) {
		add("renews", a.Renews, b.Renews)
	}
	if a.Status != b.Status {
		add("status", a.Status, b.Status)
	}
	if a.SignedOn != b.SignedOn {
		add("signed_on", a.SignedOn, b.SignedOn)
	}
	return d
}

func ptr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Created describes a new convention as a change from nothing: every
// field set, with no value before.
func Created(c *Convention) map[string]Change {
	d := Diff(&Convention{}, c)
	for k, ch := range d {
		d[k] = Change{After: ch.After}
	}
	return d
}

// Note records in d the change of a field when its two values differ.
func Note[T comparable](d map[string]Change, name string, before, after T) {
	if before != after {
		d[name] = Change{Before: before, After: after}
	}
}
