package workshop

import (
	"strings"
	"testing"

	"ctg/internal/app"
	"ctg/internal/survey"
)

func TestValidate(t *testing.T) {
	w := Workshop{Title: "  Atelier   jeunesse ", Date: "2026-11-05", Minutes: "Ligne 1\r\nLigne 2 ",
		Participants: Participants{Elected: 2, Residents: 9},
		Proposals:    []Proposal{{Text: " Un conseil des jeunes. ", Field: "jeunesse"}}}
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	if w.Title != "Atelier jeunesse" || w.Minutes != "Ligne 1\nLigne 2" || w.Proposals[0].Text != "Un conseil des jeunes." || w.Participants.Total() != 11 {
		t.Errorf("tidied %+v", w)
	}
	bad := Workshop{Date: "2026-02-30", Place: strings.Repeat("x", 201), Minutes: strings.Repeat("é", MaxMinutes+1),
		Participants: Participants{Staff: -1},
		Proposals:    []Proposal{{Text: "", Field: "nulle_part"}, {Text: strings.Repeat("a", MaxProposal+1), Field: "jeunesse"}}}
	fields := app.ErrorFields(bad.Validate())
	for _, k := range []string{"title", "date", "place", "minutes", "participants.staff", "proposals[0].text", "proposals[0].field", "proposals[1].text"} {
		if fields[k] == "" {
			t.Errorf("no message on %s: %v", k, fields)
		}
	}
	if len(fields) != 8 {
		t.Errorf("messages %v", fields)
	}
}

func TestDiff(t *testing.T) {
	a := Workshop{Title: "A", Date: "2026-11-05", Participants: Participants{Residents: 4}, Proposals: []Proposal{{ID: "1", Text: "x", Field: "jeunesse"}}}
	b := a
	b.Participants.Residents = 6
	b.Proposals = []Proposal{{ID: "2", Text: "x", Field: "jeunesse"}}
	d := Diff(&a, &b)
	if len(d) != 1 || d["residents"].Before != 4 || d["residents"].After != 6 {
		t.Errorf("diff %v: a new id for the same text is no change to read", d)
	}
	c := Created(&a)
	if c["title"].After != "A" || c["title"].Before != nil || c["proposals"].After == nil {
		t.Errorf("created %v", c)
	}
}

func TestResultSentence(t *testing.T) {
	lo, hi := 1.0, 5.0
	mean := 3.666
	besoins := &survey.Question{Key: "besoins", Kind: survey.KindMultiple, Label: "Quels sont vos besoins ?", Options: []string{"Horaires d'accueil", "Places"}}
	r := &survey.QuestionResult{Answered: 412, Options: []string{"Horaires d'accueil", "Places"},
		Counts: map[string]int{"Horaires d'accueil": 281, "Places": 100}}
	commune := &survey.Question{Key: "commune", Kind: survey.KindCommune, Label: "Votre commune"}
	rc := &survey.QuestionResult{Answered: 3, Options: []string{"33123", "33473"}, Counts: map[string]int{"33123": 1, "33473": 2},
		Names: map[string]string{"33473": "Saint-Savin"}}
	note := &survey.Question{Key: "note", Kind: survey.KindScale, Label: "Satisfaction", Min: &lo, Max: &hi}
	rn := &survey.QuestionResult{Answered: 3, Options: []string{"1", "2", "3", "4", "5"}, Counts: map[string]int{"2": 1, "4": 1, "5": 1}, Mean: &mean}
	for _, c := range []struct {
		q      *survey.Question
		r      *survey.QuestionResult
		option string
		want   string
	}{
		{besoins, r, "", "68,2\u00a0% des répondants (n = 412) citent « Horaires d'accueil » à la question « Quels sont vos besoins »."},
		{besoins, r, "Places", "24,3\u00a0% des répondants (n = 412) citent « Places » à la question « Quels sont vos besoins »."},
		{commune, rc, "", "66,7\u00a0% des répondants (n = 3) répondent « Saint-Savin » à la question « Votre commune »."},
		{note, rn, "", "En moyenne, les répondants (n = 3) indiquent 3,7 sur 5 à la question « Satisfaction »."},
		{note, rn, "4", "33,3\u00a0% des répondants (n = 3) donnent la note 4 sur 5 à la question « Satisfaction »."},
	} {
		got, err := ResultSentence(c.q, c.r, c.option)
		if err != nil || got != c.want {
			t.Errorf("%s %q: %q, %v\nwant %q", c.q.Key, c.option, got, err, c.want)
		}
	}
	if _, err := ResultSentence(besoins, r, "Voisin"); app.ErrorFields(err)["option"] == "" {
		t.Errorf("unknown option: %v", err)
	}
	text := &survey.Question{Key: "remarques", Kind: survey.KindText, Label: "Remarques"}
	if _, err := ResultSentence(text, &survey.QuestionResult{Answered: 5}, ""); app.ErrorFields(err)["question"] == "" {
		t.Errorf("free text: %v", err)
	}
	if _, err := ResultSentence(besoins, &survey.QuestionResult{Counts: map[string]int{}}, ""); app.ErrorFields(err)["question"] == "" {
		t.Errorf("no answer yet: %v", err)
	}
}

func TestKeepIDs(t *testing.T) {
	f := "finding"
	before := []Proposal{{ID: "a", Text: "Un", Field: "jeunesse", Finding: &f}, {ID: "b", Text: "Deux", Field: "enfance"}}
	after := []Proposal{
		{Text: "Un", Field: "jeunesse"},                      // no id, same text: a's
		{ID: "b", Text: "Deux, autrement", Field: "enfance"}, // its id: b's
		{ID: "b", Text: "Deux", Field: "enfance"},            // b taken already: new
		{ID: "zz", Text: "Trois", Field: "sante"},            // an unknown id: new
	}
	KeepIDs(before, after)
	got := []string{after[0].ID, after[1].ID, after[2].ID, after[3].ID}
	if got[0] != "a" || after[0].Finding == nil || got[1] != "b" || got[2] != "" || got[3] != "" || after[3].Finding != nil {
		t.Errorf("ids %v, findings %v", got, after)
	}
}
