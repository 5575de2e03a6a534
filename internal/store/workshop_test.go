package store_test

import (
	"context"
	"testing"

	"ctg/internal/app"
	"ctg/internal/testdb"
	"ctg/internal/workshop"
)

func TestWorkshops(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		w := &workshop.Workshop{Title: " Atelier  parentalité ", Date: "2026-11-05", Participants: workshop.Participants{Elected: 2, Staff: 4, Residents: 7},
			Minutes: "Compte rendu.", Proposals: []workshop.Proposal{
				{Text: "Des cafés des parents dans chaque secteur.", Field: "parentalite"},
				{Text: "Un guide des services aux familles.", Field: "acces_aux_droits"},
			}}
		if err := f.db.CreateWorkshop(ctx, f.editor, c.ID, w); err != nil {
			t.Fatal(err)
		}
		if w.Title != "Atelier parentalité" || w.Version != 1 || w.Proposals[0].ID == "" || w.Participants.Total() != 13 {
			t.Errorf("created %+v", w)
		}

		// Access: a reader of a party sees, does not change; another CAF sees nothing.
		if err := f.db.CreateWorkshop(ctx, f.reader, c.ID, &workshop.Workshop{Title: "x", Date: "2026-11-05"}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader creates: %v", err)
		}
		if _, err := f.db.Workshop(ctx, f.other, w.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF reads: %v", err)
		}
		if _, err := f.db.Workshops(ctx, f.other, c.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF lists: %v", err)
		}
		err := f.db.CreateWorkshop(ctx, f.editor, c.ID, &workshop.Workshop{Date: "hier", Participants: workshop.Participants{Staff: -1},
			Proposals: []workshop.Proposal{{Field: "x"}}})
		for _, k := range []string{"title", "date", "participants.staff", "proposals[0].text", "proposals[0].field"} {
			if app.ErrorFields(err)[k] == "" {
				t.Errorf("invalid workshop: no message on %s: %v", k, err)
			}
		}

		// Carry the first proposal; a second time is a conflict.
		fd, err := f.db.CarryProposal(ctx, f.editor, w.Proposals[0].ID, "need")
		if err != nil {
			t.Fatal(err)
		}
		if fd.Source != "workshop" || fd.Field != "parentalite" || fd.Text != w.Proposals[0].Text || fd.Convention != c.ID {
			t.Errorf("finding %+v", fd)
		}
		if _, err := f.db.CarryProposal(ctx, f.editor, w.Proposals[0].ID, "need"); app.ErrorCode(err) != app.EConflict {
			t.Errorf("carried twice: %v", err)
		}
		if _, err := f.db.CarryProposal(ctx, f.reader, w.Proposals[1].ID, "need"); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader carries: %v", err)
		}
		got, err := f.db.Workshop(ctx, f.reader, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.Proposals[0].Finding == nil || *got.Proposals[0].Finding != fd.ID {
			t.Fatalf("after carrying: %+v", got)
		}

		// A new list of proposals: the kept one keeps its finding.
		ps := []workshop.Proposal{{Text: "Un relais d'information jeunesse.", Field: "jeunesse"}, got.Proposals[0]}
		if _, err := f.db.UpdateWorkshop(ctx, f.editor, w.ID, 1, workshop.Patch{Proposals: &ps}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale update: %v", err)
		}
		upd, err := f.db.UpdateWorkshop(ctx, f.editor, w.ID, 2, workshop.Patch{Proposals: &ps})
		if err != nil {
			t.Fatal(err)
		}
		if upd.Version != 3 || len(upd.Proposals) != 2 || upd.Proposals[1].ID != got.Proposals[0].ID || upd.Proposals[1].Finding == nil || upd.Proposals[0].Finding != nil {
			t.Errorf("updated %+v", upd)
		}
		// The same list sent without ids (a script that kept only texts) keeps ids and findings.
		bare := []workshop.Proposal{{Text: upd.Proposals[0].Text, Field: upd.Proposals[0].Field}, {Text: upd.Proposals[1].Text, Field: upd.Proposals[1].Field}}
		if kept, err := f.db.UpdateWorkshop(ctx, f.editor, w.ID, 3, workshop.Patch{Proposals: &bare}); err != nil || kept.Version != 3 ||
			kept.Proposals[1].ID != upd.Proposals[1].ID || kept.Proposals[1].Finding == nil {
			t.Errorf("the same proposals without ids: %v, %+v", err, kept)
		}
		same, err := f.db.UpdateWorkshop(ctx, f.editor, w.ID, 0, workshop.Patch{Minutes: &upd.Minutes})
		if err != nil || same.Version != 3 {
			t.Errorf("a patch that changes nothing: %v, %+v", err, same)
		}

		// Deleting the finding frees the proposal; deleting the workshop keeps the finding.
		if err := f.db.DeleteFinding(ctx, f.editor, fd.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.db.Workshop(ctx, f.editor, w.ID); got.Proposals[1].Finding != nil {
			t.Errorf("a proposal still carried into a deleted finding: %+v", got.Proposals[1])
		}
		again, err := f.db.CarryProposal(ctx, f.editor, upd.Proposals[1].ID, "strength")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteWorkshop(ctx, f.editor, w.ID, 3); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale delete: %v", err)
		}
		if err := f.db.DeleteWorkshop(ctx, f.editor, w.ID, 4); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Finding(ctx, f.editor, again.ID); err != nil {
			t.Errorf("the finding went with the workshop: %v", err)
		}
		if list, err := f.db.Workshops(ctx, f.reader, c.ID); err != nil || len(list) != 0 {
			t.Errorf("after delete: %v %v", list, err)
		}

		h, err := f.db.History(ctx, f.reader, c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range h {
			actions[e.Action]++
		}
		for a, n := range map[string]int{"workshop.create": 1, "workshop.update": 1, "workshop.delete": 1, "proposal.carry": 2, "finding.create": 2} {
			if actions[a] != n {
				t.Errorf("%d lines %s, want %d: %v", actions[a], a, n, actions)
			}
		}
	})
}
