package diagnostic

import (
	"slices"
	"strings"
	"testing"
	"time"

	"ctg/internal/app"
)

func TestFindingValidate(t *testing.T) {
	ok := Finding{Kind: "need", Field: "petite_enfance", Text: "  Des places le samedi. ", Source: "questionnaire"}
	if err := ok.Validate(); err != nil || ok.Text != "Des places le samedi." {
		t.Errorf("valid finding: %v (%q)", err, ok.Text)
	}
	long := Finding{Kind: "strength", Field: "jeunesse", Text: strings.Repeat("é", 2001), Source: "data"}
	if msg := app.ErrorFields(long.Validate())["text"]; !strings.Contains(msg, "2\u00a0001") {
		t.Errorf("2001 characters: %q", msg)
	}
	if err := (&Finding{Kind: "strength", Field: "jeunesse", Text: strings.Repeat("é", 2000), Source: "data"}).Validate(); err != nil {
		t.Errorf("2000 characters: %v", err)
	}
	bad := app.ErrorFields((&Finding{Kind: "threat", Field: "x", Source: "rumeur"}).Validate())
	if len(bad) != 4 {
		t.Errorf("fields %v, want kind, field, text and source", bad)
	}
}

func TestStakeValidate(t *testing.T) {
	s := Stake{Title: " Accueil   du jeune enfant ", Fields: []string{"parentalite", "petite_enfance", "parentalite"}, Priority: 2, Findings: []string{"b", "a", "b", ""}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Title != "Accueil du jeune enfant" || !slices.Equal(s.Fields, []string{"petite_enfance", "parentalite"}) || !slices.Equal(s.Findings, []string{"a", "b"}) {
		t.Errorf("normalised %+v", s)
	}
	bad := app.ErrorFields((&Stake{Fields: []string{"nulle_part"}, Priority: 4}).Validate())
	for _, k := range []string{"title", "fields", "priority"} {
		if bad[k] == "" {
			t.Errorf("no message on %s: %v", k, bad)
		}
	}
	if app.ErrorFields((&Stake{Title: "x", Priority: 1}).Validate())["fields"] == "" {
		t.Error("a stake needs a field")
	}
}

func TestSortAndDiff(t *testing.T) {
	t0 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	fs := []Finding{{ID: "n", Kind: "need", CreatedAt: t0}, {ID: "w2", Kind: "weakness", CreatedAt: t0.Add(time.Hour)},
		{ID: "s", Kind: "strength", CreatedAt: t0.Add(2 * time.Hour)}, {ID: "w1", Kind: "weakness", CreatedAt: t0}}
	SortFindings(fs)
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	if !slices.Equal(ids, []string{"s", "w1", "w2", "n"}) {
		t.Errorf("order %v", ids)
	}
	ss := []Stake{{ID: "c", Priority: 2, Title: "Agir"}, {ID: "b", Priority: 1, Title: "Éduquer"}, {ID: "a", Priority: 1, Title: "Développer"}}
	SortStakes(ss)
	if ss[0].ID != "a" || ss[1].ID != "b" || ss[2].ID != "c" {
		t.Errorf("stakes %v", ss)
	}
	d := StakeCreated(&Stake{Title: "T", Fields: []string{"jeunesse"}, Priority: 1, Findings: []string{}})
	if _, ok := d["findings"]; ok || d["title"].After != "T" || d["title"].Before != nil || d["priority"].After != 1 {
		t.Errorf("StakeCreated = %v", d)
	}
	del := FindingDeleted(&Finding{Kind: "need", Field: "sante", Text: "t", Source: "data", Stakes: []string{"s1"}})
	if del["text"].Before != "t" || del["text"].After != nil || del["stakes"].Before == nil {
		t.Errorf("FindingDeleted = %v", del)
	}
}
