package store_test

import (
	"context"
	"slices"
	"testing"

	"ctg/internal/app"
	"ctg/internal/committee"
	"ctg/internal/testdb"
)

func ptr[T any](v T) *T { return &v }

func TestMeetings(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		axis := f.axis(t, f.cid, "Faciliter la vie des familles")
		a1, a2 := f.action(t, axis.ID, "Un relais petite enfance itinérant"), f.action(t, axis.ID, "Des accueils de loisirs le mercredi")
		elsewhere := f.create(t, f.editor, ctgLatitude(f.cc))
		foreign := f.action(t, f.axis(t, elsewhere.ID, "Ailleurs").ID, "Une action d'une autre convention")

		m := &committee.Meeting{Committee: "copil", Date: "2026-11-21", Place: " Mairie  de Saint-Savin ",
			Attendees: []committee.Attendee{{Name: "Anne Martin", Organisation: f.cc, Role: "vice-présidente"}, {Name: "Paul Durand"}},
			Agenda:    "Bilan de la première année.",
			Decisions: []committee.Decision{{Text: "Ouvrir le relais dès janvier.", Actions: []string{a1.ID, a1.ID}}, {Text: "Revoir les horaires."}}}
		if err := f.db.CreateMeeting(ctx, f.editor, f.cid, m); err != nil {
			t.Fatal(err)
		}
		if m.ID == "" || m.Version != 1 || m.Place != "Mairie de Saint-Savin" || len(m.Decisions) != 2 || m.Decisions[0].ID == "" ||
			m.Decisions[0].Status != "open" || m.Decisions[0].Version != 1 || !slices.Equal(m.Decisions[0].Actions, []string{a1.ID}) ||
			m.Attendees[0].OrganisationName != "CC Latitude Nord Gironde" {
			t.Errorf("created %+v", m)
		}

		// Access: a reader of a party sees, does not change; another CAF sees nothing.
		if err := f.db.CreateMeeting(ctx, f.reader, f.cid, &committee.Meeting{Committee: "copil", Date: "2026-11-21"}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader creates: %v", err)
		}
		if _, err := f.db.Meeting(ctx, f.other, m.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF reads: %v", err)
		}
		if _, err := f.db.Meetings(ctx, f.other, f.cid); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF lists: %v", err)
		}
		if _, err := f.db.Decisions(ctx, f.other, f.cid, ""); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF follows decisions: %v", err)
		}
		if _, err := f.db.UpdateDecision(ctx, f.reader, m.Decisions[0].ID, 0, committee.DecisionPatch{Status: ptr("done")}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader follows up: %v", err)
		}

		// Everything wrong at once, nothing saved.
		err := f.db.CreateMeeting(ctx, f.editor, f.cid, &committee.Meeting{Committee: "copol", Date: "21/11/2026",
			Attendees: []committee.Attendee{{Name: " "}, {Name: "X", Organisation: "inconnue"}},
			Decisions: []committee.Decision{{Text: "", Status: "fini"}, {Text: "Ailleurs", Actions: []string{foreign.ID}}}})
		for _, k := range []string{"committee", "date", "attendees[0].name", "decisions[0].text", "decisions[0].status"} {
			if app.ErrorFields(err)[k] == "" {
				t.Errorf("invalid meeting: no message on %s: %v", k, err)
			}
		}
		err = f.db.CreateMeeting(ctx, f.editor, f.cid, &committee.Meeting{Committee: "cotech", Date: "2026-12-01",
			Attendees: []committee.Attendee{{Name: "X", Organisation: "inconnue"}},
			Decisions: []committee.Decision{{Text: "Ailleurs", Actions: []string{foreign.ID}}}})
		for _, k := range []string{"attendees[0].organisation", "decisions[0].actions"} {
			if app.ErrorFields(err)[k] == "" {
				t.Errorf("links: no message on %s: %v", k, err)
			}
		}
		if ms, _ := f.db.Meetings(ctx, f.reader, f.cid); len(ms) != 1 {
			t.Errorf("%d meetings after refusals", len(ms))
		}

		// The follow-up of a decision keeps its meeting's version.
		d0 := m.Decisions[0]
		if _, err := f.db.UpdateDecision(ctx, f.editor, d0.ID, 0, committee.DecisionPatch{Status: ptr("fini")}); app.ErrorFields(err)["status"] == "" {
			t.Errorf("unknown status: %v", err)
		}
		if _, err := f.db.UpdateDecision(ctx, f.editor, d0.ID, 4, committee.DecisionPatch{Status: ptr("done")}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale decision: %v", err)
		}
		d, err := f.db.UpdateDecision(ctx, f.editor, d0.ID, 1, committee.DecisionPatch{Status: ptr("done"), Outcome: ptr("Ouvert le 6 janvier.")})
		if err != nil {
			t.Fatal(err)
		}
		if d.Version != 2 || d.Status != "done" || d.Outcome != "Ouvert le 6 janvier." || d.Text != d0.Text {
			t.Errorf("followed up %+v", d)
		}
		if same, _ := f.db.UpdateDecision(ctx, f.editor, d0.ID, 2, committee.DecisionPatch{Status: ptr("done")}); same.Version != 2 {
			t.Errorf("a follow-up that changes nothing: version %d", same.Version)
		}
		got, _ := f.db.Meeting(ctx, f.reader, m.ID)
		if got.Version != 1 || got.Decisions[0].Status != "done" {
			t.Errorf("meeting after the follow-up %+v", got)
		}

		// A new list of decisions: the kept one keeps its id, status and
		// outcome; its text changed, so its version moves on.
		ins := []committee.DecisionInput{
			{Text: "Étendre les accueils de loisirs au samedi.", Actions: []string{a2.ID}},
			{ID: d0.ID, Text: "Ouvrir le relais dès janvier 2027.", Actions: []string{a1.ID, a2.ID}},
		}
		if _, err := f.db.UpdateMeeting(ctx, f.editor, m.ID, 3, committee.Patch{Decisions: &ins}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale meeting: %v", err)
		}
		upd, err := f.db.UpdateMeeting(ctx, f.editor, m.ID, 1, committee.Patch{Minutes: ptr("Compte rendu."), Decisions: &ins})
		if err != nil {
			t.Fatal(err)
		}
		kept := upd.Decisions[1]
		if upd.Version != 2 || len(upd.Decisions) != 2 || kept.ID != d0.ID || kept.Status != "done" || kept.Outcome != "Ouvert le 6 janvier." ||
			kept.Version != 3 || upd.Decisions[0].Status != "open" || upd.Decisions[0].ID == "" {
			t.Errorf("updated %+v", upd)
		}
		if same, err := f.db.UpdateMeeting(ctx, f.editor, m.ID, 2, committee.Patch{Minutes: ptr(" Compte rendu. ")}); err != nil || same.Version != 2 {
			t.Errorf("a change that changes nothing: %v %+v", err, same)
		}

		// The decisions follow-up: newest meeting first, with the actions' references.
		later := &committee.Meeting{Committee: "cotech", Date: "2027-02-03", Decisions: []committee.Decision{{Text: "Recruter un animateur.", Actions: []string{a2.ID}}}}
		if err := f.db.CreateMeeting(ctx, f.editor, f.cid, later); err != nil {
			t.Fatal(err)
		}
		all, err := f.db.Decisions(ctx, f.reader, f.cid, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[0].Text != "Recruter un animateur." || all[0].Committee != "cotech" || all[0].MeetingDate != "2027-02-03" ||
			all[2].ID != d0.ID || len(all[2].ActionRefs) != 2 || all[2].ActionRefs[0].Ref != "Axe 1 / Action 1" || all[2].ActionRefs[1].Ref != "Axe 1 / Action 2" {
			t.Errorf("follow-up %+v", all)
		}
		done, err := f.db.Decisions(ctx, f.reader, f.cid, "done")
		if err != nil || len(done) != 1 || done[0].ID != d0.ID {
			t.Errorf("done decisions %+v %v", done, err)
		}
		if _, err := f.db.Decisions(ctx, f.reader, f.cid, "fini"); app.ErrorFields(err)["status"] == "" {
			t.Errorf("unknown status filter: %v", err)
		}

		// Removing an action unlinks it; removing a meeting removes its decisions.
		if err := f.db.DeleteAction(ctx, f.editor, a2.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.db.Meeting(ctx, f.reader, later.ID); len(got.Decisions[0].Actions) != 0 {
			t.Errorf("a decision still linked to a removed action: %+v", got.Decisions[0])
		}
		if err := f.db.DeleteMeeting(ctx, f.reader, m.ID, 0); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader deletes: %v", err)
		}
		if err := f.db.DeleteMeeting(ctx, f.editor, m.ID, 1); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale delete: %v", err)
		}
		if err := f.db.DeleteMeeting(ctx, f.editor, m.ID, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Decision(ctx, f.reader, d0.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("decision of a removed meeting: %v", err)
		}

		// Every change is a line of the convention's history.
		h, err := f.db.History(ctx, f.reader, f.cid, 0)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, e := range h {
			counts[e.Action]++
		}
		for a, n := range map[string]int{"meeting.create": 2, "meeting.update": 1, "meeting.delete": 1, "decision.update": 1} {
			if counts[a] != n {
				t.Errorf("%d lines %s, want %d: %v", counts[a], a, n, counts)
			}
		}
		for _, e := range h {
			if e.Action == "decision.update" && (e.Changes["decision_status"].After != "Réalisée" || e.Changes["decision"].After != d0.Text) {
				t.Errorf("decision line %+v", e.Changes)
			}
		}
	})
}
