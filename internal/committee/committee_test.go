package committee

import (
	"encoding/json"
	"slices"
	"testing"

	"ctg/internal/app"
)

func TestAttendeeJSON(t *testing.T) {
	var m struct {
		Attendees []Attendee `json:"attendees"`
	}
	body := `{"attendees": ["Paul Durand", {"name": "Anne Martin", "organisation": "caf-33", "organisation_name": "ignoré", "role": "conseillère"}]}`
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	want := []Attendee{{Name: "Paul Durand"}, {Name: "Anne Martin", Organisation: "caf-33", Role: "conseillère"}}
	if !slices.Equal(m.Attendees, want) {
		t.Errorf("attendees %+v, want %+v", m.Attendees, want)
	}
	// A number is neither: the error names the list, for the API's message.
	var te *json.UnmarshalTypeError
	err := json.Unmarshal([]byte(`{"attendees": [12]}`), &m)
	if !errorAs(err, &te) || te.Field != "attendees" {
		t.Errorf("a number: %#v", err)
	}
	if got := (Attendee{Name: "Anne Martin", OrganisationName: "Caf de la Gironde", Role: "conseillère"}).Line(); got != "Anne Martin (Caf de la Gironde, conseillère)" {
		t.Errorf("Line %q", got)
	}
}

func errorAs(err error, te **json.UnmarshalTypeError) bool {
	x, ok := err.(*json.UnmarshalTypeError)
	*te = x
	return ok
}

func TestMeetingValidate(t *testing.T) {
	m := Meeting{Committee: " copil ", Date: "2026-11-21", Title: "  Comité   de pilotage ", Agenda: "a\r\nb ",
		Attendees: []Attendee{{Name: " Anne  Martin "}},
		Decisions: []Decision{{Text: " Ouvrir. ", Actions: []string{"b", " a", "b", ""}}}}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	d := m.Decisions[0]
	if m.Committee != "copil" || m.Title != "Comité de pilotage" || m.Agenda != "a\nb" || m.Attendees[0].Name != "Anne Martin" ||
		d.Text != "Ouvrir." || d.Status != StatusOpen || !slices.Equal(d.Actions, []string{"a", "b"}) {
		t.Errorf("tidied %+v", m)
	}
	bad := Meeting{Committee: "bureau", Attendees: []Attendee{{Role: "x"}}, Decisions: []Decision{{Status: "fini"}}}
	fields := app.ErrorFields(bad.Validate())
	for _, k := range []string{"committee", "date", "attendees[0].name", "decisions[0].text", "decisions[0].status"} {
		if fields[k] == "" {
			t.Errorf("no message on %s: %v", k, fields)
		}
	}
}

func TestMergeDecisions(t *testing.T) {
	before := []Decision{
		{ID: "d1", Text: "Un", Status: StatusDone, Outcome: "Fait.", Version: 3},
		{ID: "d2", Text: "Deux", Status: StatusDropped, Version: 1},
	}
	open := StatusOpen
	got := MergeDecisions(before, []DecisionInput{
		{ID: "d2", Text: "Deux, revue", Status: &open},
		{Text: "Trois"},
		{ID: "d1", Text: "Un"},
		{ID: "d1", Text: "Un encore"}, // an id taken once already is a new decision
		{ID: "inconnue", Text: "Quatre"},
	})
	if len(got) != 5 || got[0].ID != "d2" || got[0].Status != StatusOpen || got[0].Version != 1 ||
		got[1].ID != "" || got[1].Status != StatusOpen || got[2].ID != "d1" || got[2].Status != StatusDone || got[2].Outcome != "Fait." ||
		got[3].ID != "" || got[4].ID != "" {
		t.Errorf("merged %+v", got)
	}
}

func TestDiff(t *testing.T) {
	a := Meeting{Committee: Copil, Date: "2026-11-21", Decisions: []Decision{{ID: "d1", Text: "Un", Status: StatusOpen}}}
	b := a
	b.Decisions = []Decision{{ID: "d1", Text: "Un", Status: StatusOpen, Actions: []string{"x"}}}
	if d := Diff(&a, &b); d["decisions"].After == nil || d["decisions"].Before != nil {
		t.Errorf("a decision tied to an action: %+v", d)
	}
	b.Committee = Cotech
	if d := Diff(&a, &b); d["committee"].After != "Comité technique" {
		t.Errorf("committee %+v", d)
	}
	if d := DiffDecision(&Decision{Text: "Un", Status: StatusOpen}, &Decision{Text: "Un", Status: StatusDone}); d["decision_status"].After != "Réalisée" || d["decision"].After != "Un" {
		t.Errorf("decision %+v", d)
	}
	if (&Meeting{Committee: Other, Date: "2026-11-21"}).Name() != "Autre réunion du 21/11/2026" {
		t.Error("Name")
	}
}
