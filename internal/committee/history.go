package committee

import (
	"slices"

	"ctg/internal/convention"
)

// What a meeting writes in its convention's history. Values are already
// the words a reader expects (the committee's and the status's French
// names), since the history shows them as they were recorded; a
// decision's status goes under "decision_status", "status" being the
// convention's.

func attendeeLines(as []Attendee) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Line()
	}
	return out
}

func decisionTexts(ds []Decision) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Text
	}
	return out
}

// Diff lists what differs between two versions of a meeting.
func Diff(a, b *Meeting) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "committee", CommitteeLabel(a.Committee), CommitteeLabel(b.Committee))
	convention.Note(d, "title", a.Title, b.Title)
	convention.Note(d, "date", a.Date, b.Date)
	convention.Note(d, "place", a.Place, b.Place)
	convention.Note(d, "agenda", a.Agenda, b.Agenda)
	convention.Note(d, "minutes", a.Minutes, b.Minutes)
	if x, y := attendeeLines(a.Attendees), attendeeLines(b.Attendees); !slices.Equal(x, y) {
		d["attendees"] = convention.Change{Before: x, After: y}
	} else if !slices.EqualFunc(a.Attendees, b.Attendees, sameAttendee) {
		d["attendees"] = convention.Change{After: y} // an organisation without a name changed
	}
	if x, y := decisionTexts(a.Decisions), decisionTexts(b.Decisions); !slices.Equal(x, y) {
		d["decisions"] = convention.Change{Before: x, After: y}
	} else if !slices.EqualFunc(a.Decisions, b.Decisions, func(p, q Decision) bool { return p.ID == q.ID && SameDecision(&p, &q) }) {
		// The same texts, but their actions, status or outcome changed,
		// or they were written anew: say which decisions.
		d["decisions"] = convention.Change{After: y}
	}
	return d
}

func sameAttendee(a, b Attendee) bool {
	return a.Name == b.Name && a.Organisation == b.Organisation && a.Role == b.Role
}

// Created describes a new meeting: what it holds, with nothing before.
func Created(m *Meeting) map[string]convention.Change {
	d := Diff(&Meeting{}, m)
	for k, ch := range d {
		d[k] = convention.Change{After: ch.After}
	}
	d["committee"] = convention.Change{After: CommitteeLabel(m.Committee)}
	return d
}

// Deleted describes a removed meeting by its committee, date and title.
func Deleted(m *Meeting) map[string]convention.Change {
	d := map[string]convention.Change{
		"committee": {Before: CommitteeLabel(m.Committee)},
		"date":      {Before: m.Date},
	}
	if m.Title != "" {
		d["title"] = convention.Change{Before: m.Title}
	}
	if len(m.Decisions) > 0 {
		d["decisions"] = convention.Change{Before: decisionTexts(m.Decisions)}
	}
	return d
}

// DiffDecision lists what became of a decision between two versions,
// with its text (unchanged) to say which decision it is.
func DiffDecision(a, b *Decision) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "decision_status", StatusLabel(a.Status), StatusLabel(b.Status))
	convention.Note(d, "outcome", a.Outcome, b.Outcome)
	if len(d) > 0 {
		d["decision"] = convention.Change{After: b.Text}
	}
	return d
}
