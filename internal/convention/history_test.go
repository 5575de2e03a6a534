package convention_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"ctg/internal/convention"
)

func TestDiff(t *testing.T) {
	a := valid()
	a.Status = convention.StatusDiagnostic
	if d := convention.Diff(&a, &a); len(d) != 0 {
		t.Errorf("Diff of a convention with itself: %v", d)
	}
	renews := "c0"
	for _, tc := range []struct {
		name   string
		change func(c *convention.Convention)
		want   map[string]convention.Change
	}{
		{"title", func(c *convention.Convention) { c.Title = "Autre" },
			map[string]convention.Change{"title": {Before: a.Title, After: "Autre"}}},
		{"dates", func(c *convention.Convention) { c.Start, c.End = "2023-01-01", "2027-12-31" },
			map[string]convention.Change{"start": {"2022-11-01", "2023-01-01"}, "end": {"2026-12-31", "2027-12-31"}}},
		{"kind and CAF", func(c *convention.Convention) { c.Kind, c.CAF = "cej", "caf-974" },
			map[string]convention.Change{"kind": {"ctg", "cej"}, "caf": {"caf-33", "caf-974"}}},
		{"parties", func(c *convention.Convention) { c.Parties = []string{"org-asso", "org-cc"} },
			map[string]convention.Change{"parties": {[]string{"org-cc"}, []string{"org-asso", "org-cc"}}}},
		{"perimeter and population", func(c *convention.Convention) {
			c.Perimeter = convention.Perimeter{Communes: []string{"33063"}}
			c.Population = 267991
		}, map[string]convention.Change{"perimeter": {a.Perimeter, convention.Perimeter{Communes: []string{"33063"}}}, "population": {0, 267991}}},
		{"excluded only", func(c *convention.Convention) {
			c.Perimeter = convention.Perimeter{EPCIs: a.Perimeter.EPCIs, Communes: a.Perimeter.Communes, Excluded: []string{"33114"}}
		}, map[string]convention.Change{"perimeter": {a.Perimeter, convention.Perimeter{EPCIs: a.Perimeter.EPCIs, Communes: a.Perimeter.Communes, Excluded: []string{"33114"}}}}},
		{"renews", func(c *convention.Convention) { c.Renews = &renews },
			map[string]convention.Change{"renews": {(*string)(nil), &renews}}},
		{"status", func(c *convention.Convention) { c.Status, c.SignedOn = convention.StatusSigned, "2022-11-21" },
			map[string]convention.Change{"status": {"diagnostic", "signed"}, "signed_on": {"", "2022-11-21"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := a
			b.Parties = slices.Clone(a.Parties)
			tc.change(&b)
			got := convention.Diff(&a, &b)
			// Compare through JSON, as the history stores it.
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tc.want)
			if string(gj) != string(wj) {
				t.Errorf("Diff = %s\nwant   %s", gj, wj)
			}
		})
	}
	// Same renewal through two pointers is no change.
	r1, r2 := "c0", "c0"
	x, y := a, a
	x.Renews, y.Renews = &r1, &r2
	if d := convention.Diff(&x, &y); len(d) != 0 {
		t.Errorf("equal renews: %v", d)
	}
}

func TestCreated(t *testing.T) {
	c := valid()
	c.Status = convention.StatusDiagnostic
	c.Population = 21821
	got := convention.Created(&c)
	keys := slices.Sorted(maps.Keys(got))
	want := []string{"caf", "end", "kind", "parties", "perimeter", "population", "start", "status", "title"}
	if !slices.Equal(keys, want) {
		t.Errorf("Created lists %v, want %v", keys, want)
	}
	for k, ch := range got {
		if ch.Before != nil {
			t.Errorf("%s: before %v, want nothing", k, ch.Before)
		}
	}
	if got["title"].After != c.Title {
		t.Errorf("title %+v", got["title"])
	}
}
