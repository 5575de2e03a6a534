package store_test

import (
	"context"
	"slices"
	"testing"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

func TestFindingsAndStakes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		mine := func(kind, fieldCode, text, source string) *diagnostic.Finding {
			t.Helper()
			fd := &diagnostic.Finding{Kind: kind, Field: fieldCode, Text: text, Source: source}
			if err := f.db.CreateFinding(ctx, f.editor, c.ID, fd); err != nil {
				t.Fatalf("CreateFinding %q: %v", text, err)
			}
			return fd
		}
		need := mine("need", "petite_enfance", "Les familles attendent des places d'accueil le samedi.", "questionnaire")
		strength := mine("strength", "jeunesse", "Un réseau associatif dense.", "interview")
		weakness := mine("weakness", "petite_enfance", "Peu de places d'accueil collectif au nord.", "data")

		// Access: a reader of a party sees, does not change; another CAF sees nothing.
		if err := f.db.CreateFinding(ctx, f.reader, c.ID, &diagnostic.Finding{Kind: "need", Field: "sante", Text: "x", Source: "data"}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader creates: %v", err)
		}
		if err := f.db.CreateFinding(ctx, f.other, c.ID, &diagnostic.Finding{}); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF creates: %v", err)
		}
		if _, err := f.db.Findings(ctx, f.other, c.ID, store.FindingFilter{}); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF lists: %v", err)
		}
		if _, err := f.db.Finding(ctx, f.other, need.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF reads: %v", err)
		}
		// Validation: every field named.
		err := f.db.CreateFinding(ctx, f.editor, c.ID, &diagnostic.Finding{Kind: "menace", Field: "nulle_part", Source: "rumeur"})
		for _, k := range []string{"kind", "field", "text", "source"} {
			if app.ErrorFields(err)[k] == "" {
				t.Errorf("invalid finding: no message on %s: %v", k, err)
			}
		}

		list, err := f.db.Findings(ctx, f.reader, c.ID, store.FindingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, x := range list {
			order = append(order, x.ID)
		}
		if !slices.Equal(order, []string{strength.ID, weakness.ID, need.ID}) {
			t.Errorf("findings in order %v, want strength, weakness, need", order)
		}
		if list, _ := f.db.Findings(ctx, f.reader, c.ID, store.FindingFilter{Field: "petite_enfance"}); len(list) != 2 {
			t.Errorf("petite enfance: %d findings, want 2", len(list))
		}

		// A stake with findings of this convention and no other.
		other := f.create(t, f.editor, ctgLatitude(f.cc))
		foreign := &diagnostic.Finding{Kind: "need", Field: "jeunesse", Text: "Ailleurs.", Source: "data"}
		if err := f.db.CreateFinding(ctx, f.editor, other.ID, foreign); err != nil {
			t.Fatal(err)
		}
		bad := &diagnostic.Stake{Title: "Mélange", Fields: []string{"jeunesse"}, Priority: 1, Findings: []string{need.ID, foreign.ID}}
		if err := f.db.CreateStake(ctx, f.editor, c.ID, bad); app.ErrorFields(err)["findings"] == "" {
			t.Errorf("stake with a foreign finding: %v", err)
		}
		stake := &diagnostic.Stake{Title: "Développer l'accueil du jeune enfant", Fields: []string{"parentalite", "petite_enfance", "petite_enfance"},
			Priority: 1, Findings: []string{weakness.ID, need.ID}}
		if err := f.db.CreateStake(ctx, f.editor, c.ID, stake); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(stake.Fields, []string{"petite_enfance", "parentalite"}) {
			t.Errorf("fields %v, deduplicated in the order of the fields", stake.Fields)
		}
		later := &diagnostic.Stake{Title: "Animer la vie sociale", Fields: []string{"animation_vie_sociale"}, Priority: 3}
		if err := f.db.CreateStake(ctx, f.editor, c.ID, later); err != nil {
			t.Fatal(err)
		}
		first := &diagnostic.Stake{Title: "Accompagner les jeunes", Fields: []string{"jeunesse"}, Priority: 1, Findings: []string{strength.ID}}
		if err := f.db.CreateStake(ctx, f.editor, c.ID, first); err != nil {
			t.Fatal(err)
		}
		stakes, err := f.db.Stakes(ctx, f.reader, c.ID)
		if err != nil || len(stakes) != 3 || stakes[0].ID != first.ID || stakes[1].ID != stake.ID || stakes[2].ID != later.ID {
			t.Fatalf("Stakes = %+v, %v: want by priority, then title", stakes, err)
		}
		got, _ := f.db.Finding(ctx, f.reader, need.ID)
		if !slices.Equal(got.Stakes, []string{stake.ID}) {
			t.Errorf("finding's stakes = %v", got.Stakes)
		}

		// Update with If-Match.
		p2 := 2
		up, err := f.db.UpdateStake(ctx, f.editor, stake.ID, 1, diagnostic.StakePatch{Priority: &p2, Findings: &[]string{need.ID}})
		if err != nil || up.Version != 2 || up.Priority != 2 || !slices.Equal(up.Findings, []string{need.ID}) {
			t.Fatalf("UpdateStake = %+v, %v", up, err)
		}
		if _, err := f.db.UpdateStake(ctx, f.editor, stake.ID, 1, diagnostic.StakePatch{Priority: &p2}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale: %v", err)
		}
		if _, err := f.db.UpdateStake(ctx, f.editor, stake.ID, 0, diagnostic.StakePatch{Findings: &[]string{foreign.ID}}); app.ErrorFields(err)["findings"] == "" {
			t.Errorf("patch with a foreign finding: %v", err)
		}
		if _, err := f.db.UpdateStake(ctx, f.reader, stake.ID, 0, diagnostic.StakePatch{Priority: &p2}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader: %v", err)
		}
		text := "Les familles attendent des places d'accueil le samedi matin."
		uf, err := f.db.UpdateFinding(ctx, f.editor, need.ID, 1, diagnostic.FindingPatch{Text: &text})
		if err != nil || uf.Version != 2 || uf.Text != text {
			t.Fatalf("UpdateFinding = %+v, %v", uf, err)
		}
		if _, err := f.db.UpdateFinding(ctx, f.editor, need.ID, 1, diagnostic.FindingPatch{Text: &text}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale finding: %v", err)
		}

		// Deleting a finding takes it out of its stakes, with history.
		if err := f.db.DeleteFinding(ctx, f.editor, need.ID, 2); err != nil {
			t.Fatal(err)
		}
		after, _ := f.db.Stake(ctx, f.reader, stake.ID)
		if len(after.Findings) != 0 || after.Version != 3 {
			t.Errorf("stake after its finding went: %+v", after)
		}
		if err := f.db.DeleteStake(ctx, f.editor, later.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Stake(ctx, f.editor, later.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("deleted stake: %v", err)
		}

		h, err := f.db.History(ctx, f.reader, c.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range h {
			actions[e.Action]++
		}
		want := map[string]int{"convention.create": 1, "finding.create": 3, "finding.update": 1, "finding.delete": 1,
			"stake.create": 3, "stake.update": 2, "stake.delete": 1}
		for a, n := range want {
			if actions[a] != n {
				t.Errorf("history: %d lines %s, want %d (%v)", actions[a], a, n, actions)
			}
		}
		if ch := h[1].Changes["text"]; h[1].Action != "finding.delete" || ch.Before != text || ch.After != nil {
			t.Errorf("deletion line %+v", h[1])
		}
	})
}
