package amendment

import (
	"encoding/json"
	"slices"
	"testing"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/territory"
)

func TestValidate(t *testing.T) {
	var a Amendment
	body := `{"date": "2024-01-10", "summary": " ", "changes": {"end": "fin", "start": "2023-01-01", "parties": {"added": ["x"], "removed": ["x"]}}}`
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	fields := app.ErrorFields(a.Validate("2022-11-15", "2024-06-01"))
	for _, k := range []string{"date", "summary", "changes.end", "changes.start", "changes.parties"} {
		if fields[k] == "" {
			t.Errorf("no message on %s: %v", k, fields)
		}
	}
	ok := Amendment{Date: "2024-06-01", Summary: "Prolongation.", Changes: Changes{Parties: &PartyChanges{Added: []string{" "}}}}
	if err := ok.Validate("2022-11-15", "2024-06-01"); err != nil || ok.Changes.Parties != nil || ok.Changes.Structural() {
		t.Errorf("an empty list of parties is no change: %v %+v", err, ok.Changes)
	}
}

func TestApply(t *testing.T) {
	c := &convention.Convention{CAF: "caf-33", Parties: []string{"cc", "msa"}, End: "2026-12-31"}
	end := "2027-06-30"
	ch := Changes{End: &end, Parties: &PartyChanges{Added: []string{"dep"}, Removed: []string{"msa"}}}
	if err := ch.Apply(c); err != nil {
		t.Fatal(err)
	}
	if c.End != end || !slices.Equal(c.Parties, []string{"cc", "dep"}) {
		t.Errorf("applied %+v", c)
	}
	bad := Changes{Parties: &PartyChanges{Added: []string{"caf-33"}, Removed: []string{"inconnue"}}}
	fields := app.ErrorFields(bad.Apply(c))
	for _, k := range []string{"changes.parties.added", "changes.parties.removed"} {
		if fields[k] == "" {
			t.Errorf("no message on %s: %v", k, fields)
		}
	}
	none := Changes{Parties: &PartyChanges{Removed: []string{"cc", "dep"}}}
	if app.ErrorFields(none.Apply(c))["changes.parties"] == "" {
		t.Error("no party left besides the CAF")
	}
	if got := app.ErrorFields(PrefixFields(app.Invalid("x", map[string]string{"end": "m"}))); got["changes.end"] != "m" {
		t.Errorf("prefixed %v", got)
	}
}

func TestCompare(t *testing.T) {
	ref, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := &Version{Number: 0, Label: VersionLabel(0), Snapshot: Snapshot{Start: "2022-11-01", End: "2026-12-31",
		Parties: []Party{{ID: "cc", Name: "CC"}, {ID: "msa", Name: "MSA Gironde"}}, Communes: []string{"33473"}, Population: 3582,
		Axes:   []Axis{{Number: 1, Actions: []Action{{ID: "a1", Ref: "Axe 1 / Action 1", Title: "Relais"}, {ID: "a2", Ref: "Axe 1 / Action 2", Title: "Ludothèque"}}}},
		Budget: []FunderYear{{Funder: "caf-33", Name: "Caf de la Gironde", Year: 2023, PlannedCents: 100_000_00}}, PlannedCents: 100_000_00}}
	bordeaux, _ := ref.Commune("33063")
	b := &Version{Number: 1, Label: VersionLabel(1), Snapshot: Snapshot{Start: "2022-11-01", End: "2026-06-30",
		Parties: []Party{{ID: "cc", Name: "CC"}, {ID: "dep", Name: "Département de la Gironde"}}, Communes: []string{"33063", "33473"}, Population: 3582 + bordeaux.Population,
		Axes: []Axis{{Number: 1, Actions: []Action{{ID: "a2", Ref: "Axe 1 / Action 1", Title: "Ludothèque et jeux"}, {ID: "a3", Ref: "Axe 1 / Action 2", Title: "Chantiers"}}}},
		Budget: []FunderYear{{Funder: "caf-33", Name: "Caf de la Gironde", Year: 2023, PlannedCents: 100_000_00},
			{Funder: "dep", Name: "Département de la Gironde", Year: 2024, PlannedCents: 50_000_00}}, PlannedCents: 150_000_00}}
	c := Compare(ref, a, b)
	want := []string{
		"Fin de la convention écourtée : le 31/12/2026 devient le 30/06/2026.",
		"Nouvelle partie signataire : Département de la Gironde.",
		"Partie qui n'est plus signataire : MSA Gironde.",
		"Commune entrée dans le périmètre : Bordeaux (33063, 267\u00a0991\u00a0habitants).",
		"Population du périmètre : 3\u00a0582\u00a0habitants → 271\u00a0573\u00a0habitants (+267\u00a0991).",
		"Action ajoutée au plan : Axe 1 / Action 2 — Chantiers.",
		"Action retirée du plan : Axe 1 / Action 1 — Relais.",
		"Action renommée (Axe 1 / Action 1) : « Ludothèque » devient « Ludothèque et jeux ».",
		"Action déplacée : « Ludothèque et jeux », Axe 1 / Action 2 devient Axe 1 / Action 1.",
		"Budget prévu de Département de la Gironde : 0\u00a0€ → 50\u00a0000\u00a0€.",
		"Budget prévu total : 100\u00a0000\u00a0€ → 150\u00a0000\u00a0€.",
	}
	if !slices.Equal(c.Lines, want) {
		t.Errorf("lines\n%q\nwant\n%q", c.Lines, want)
	}
	if same := Compare(ref, b, b); len(same.Lines) != 0 {
		t.Errorf("a version against itself: %q", same.Lines)
	}
}
