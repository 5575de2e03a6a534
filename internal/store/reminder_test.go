package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/committee"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/reminder"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// reminderFixture is a signed CTG (2022-11-01 to 2026-12-31) with a plan
// of three actions, one reviewed for 2025, a COPIL in eight days, a
// convention being prepared with a COTECH tomorrow, and the partners'
// users; the clock says 2 March 2026.
type reminderFixture struct {
	*planFixture
	ccEditor      *account.User
	preparing     string
	actions       []string
	copil, cotech string
	today         string
}

func newReminderFixture(t *testing.T, dsn string) *reminderFixture {
	t.Helper()
	f := &reminderFixture{planFixture: newPlanFixture(t, dsn), today: "2026-03-02"}
	ctx := context.Background()
	f.ccEditor = mustUser(t, f.db, "editor@cc.fr", f.cc, account.RoleEditor)
	mustUser(t, f.db, "disabled@cc.fr", f.cc, account.RoleEditor)
	if _, err := f.db.SQL().ExecContext(ctx, f.db.SQL().Rebind(`UPDATE users SET disabled = ? WHERE email = ?`), true, "disabled@cc.fr"); err != nil {
		t.Fatal(err)
	}
	axis := f.axis(t, f.cid, "Petite enfance")
	for _, title := range []string{"Un relais petite enfance itinérant", "Des places en crèche", "Un guide des modes d'accueil"} {
		f.actions = append(f.actions, f.action(t, axis.ID, title).ID)
	}
	// Two actions that do not run in 2025: one ended in 2024, one starts in 2026.
	for _, a := range []*plan.Action{{Title: "Un forum des familles", End: "2024-06-30"}, {Title: "Un accueil de loisirs", Start: "2026-01-05"}} {
		a.Lead, a.Fields = f.cc, []string{"jeunesse"}
		if err := f.db.CreateAction(ctx, f.editor, axis.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.SQL().ExecContext(ctx, f.db.SQL().Rebind(`INSERT INTO action_reviews (action_id, year, status, version, updated_at) VALUES (?, 2025, 'done', 1, ?)`),
		f.actions[0], f.db.Now()); err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct{ status, date string }{{convention.StatusElaboration, ""}, {convention.StatusSigned, "2022-11-15"}} {
		if _, err := f.db.SetStatus(ctx, f.editor, f.cid, 0, st.status, st.date); err != nil {
			t.Fatal(err)
		}
	}
	m := &committee.Meeting{Committee: "copil", Date: "2026-03-10", Place: "Mairie de Saint-Savin"}
	if err := f.db.CreateMeeting(ctx, f.editor, f.cid, m); err != nil {
		t.Fatal(err)
	}
	f.copil = m.ID
	// Last month's and next month's meetings are not reminded.
	for _, d := range []string{"2026-02-20", "2026-04-20"} {
		if err := f.db.CreateMeeting(ctx, f.editor, f.cid, &committee.Meeting{Committee: "cotech", Date: d}); err != nil {
			t.Fatal(err)
		}
	}
	prep := f.create(t, f.editor, convention.Convention{Kind: "ctg", Title: "CTG Montesquieu 2027-2031", CAF: "caf-33",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301264"}}, Start: "2027-01-01", End: "2031-12-31"})
	f.preparing = prep.ID
	m = &committee.Meeting{Committee: "cotech", Title: "Diagnostic", Date: "2026-03-03"}
	if err := f.db.CreateMeeting(ctx, f.editor, f.preparing, m); err != nil {
		t.Fatal(err)
	}
	f.cotech = m.ID
	return f
}

func kinds(rs []reminder.Reminder) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Kind+" "+r.Subject+" "+r.Due)
	}
	return strings.Join(out, ", ")
}

func TestReminders(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newReminderFixture(t, dsn)
		ctx := context.Background()
		all := fmt.Sprintf("review_due %[1]s 2026-01-31, meeting_soon %[2]s 2026-03-03, meeting_soon %[3]s 2026-03-10, convention_ending %[1]s 2026-12-31",
			f.cid, f.cotech, f.copil)
		for _, tc := range []struct {
			who  *account.User
			want string
		}{
			{f.editor, all},
			// An administrator of another CAF sees the conventions, but
			// does not follow them.
			{f.admin, ""},
			// The community sees its convention, not the CAF's other one.
			{f.reader, fmt.Sprintf("review_due %[1]s 2026-01-31, meeting_soon %[2]s 2026-03-10, convention_ending %[1]s 2026-12-31", f.cid, f.copil)},
			{f.other, ""},
		} {
			got, err := f.db.Reminders(ctx, tc.who, f.today)
			if err != nil {
				t.Fatal(err)
			}
			if kinds(got) != tc.want {
				t.Errorf("%s sees %s\nwant %s", tc.who.Email, kinds(got), tc.want)
			}
		}
		got, _ := f.db.Reminders(ctx, f.reader, f.today)
		if got[0].Message != "Le bilan 2025 de la convention « CTG Latitude Nord Gironde 2022-2026 » est incomplet : 2 actions sur 3 sans bilan, attendu depuis le 31/01/2026." ||
			got[0].Link != "/conventions/"+f.cid+"/bilans/2025" {
			t.Errorf("review reminder %+v", got[0])
		}
		// The reminder counts the actions the review of the year lists.
		yr, err := f.db.YearReview(ctx, f.reader, f.cid, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if len(yr.ToReview()) != 2 || yr.Actions != 3 {
			t.Errorf("the review of 2025 lists %d actions to review out of %d; the reminder says 2 out of 3", len(yr.ToReview()), yr.Actions)
		}

		// Reviewed in full, the review is no longer reminded.
		for _, a := range f.actions[1:] {
			if _, err := f.db.SQL().ExecContext(ctx, f.db.SQL().Rebind(`INSERT INTO action_reviews (action_id, year, status, version, updated_at) VALUES (?, 2025, 'done', 1, ?)`),
				a, f.db.Now()); err != nil {
				t.Fatal(err)
			}
		}
		got, _ = f.db.Reminders(ctx, f.reader, f.today)
		if kinds(got) != fmt.Sprintf("meeting_soon %[2]s 2026-03-10, convention_ending %[1]s 2026-12-31", f.cid, f.copil) {
			t.Errorf("after the reviews: %s", kinds(got))
		}
		// A year later the convention has ended: its 2026 review is due
		// (of the action that started in 2026 too), nothing else.
		got, _ = f.db.Reminders(ctx, f.reader, "2027-03-02")
		if kinds(got) != fmt.Sprintf("review_due %s 2027-01-31", f.cid) || !strings.Contains(got[0].Message, "4 actions sur 4") {
			t.Errorf("in 2027: %s", kinds(got))
		}
	})
}

func TestDueReminders(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newReminderFixture(t, dsn)
		ds, err := f.db.DueReminders(context.Background(), f.today)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range ds {
			var to []string
			for _, r := range d.To {
				to = append(to, r.Email)
			}
			got = append(got, d.Kind+" → "+strings.Join(to, " "))
		}
		// Editors of the CAF and of the parties; not readers, not a
		// disabled account, not an administrator of another CAF.
		want := []string{"review_due → editor@caf.fr editor@cc.fr", "meeting_soon → editor@caf.fr", "meeting_soon → editor@caf.fr editor@cc.fr",
			"convention_ending → editor@caf.fr editor@cc.fr"}
		if !slices.Equal(got, want) {
			t.Errorf("deliveries\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if ds[0].To[0].Name != "Personne editor@caf.fr" {
			t.Errorf("recipient %+v", ds[0].To[0])
		}
	})
}

func TestClaimReminder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		clock := newClock(db)
		ctx := context.Background()
		claim := func(recipient string) bool {
			t.Helper()
			ok, err := db.ClaimReminder(ctx, reminder.KindConventionEnding, "c1", recipient, "2026-12-31")
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !claim("a@caf.fr") || claim("a@caf.fr") {
			t.Fatal("a reminder was claimed twice, or not at all")
		}
		if !claim("b@caf.fr") {
			t.Error("another recipient's claim was refused")
		}
		// A mail that failed gives its claim back: the next run tries again.
		if err := db.ReleaseReminder(ctx, reminder.KindConventionEnding, "c1", "a@caf.fr", "2026-12-31"); err != nil {
			t.Fatal(err)
		}
		if !claim("a@caf.fr") {
			t.Error("a released reminder could not be claimed")
		}
		if err := db.MarkSent(ctx, reminder.KindConventionEnding, "c1", "a@caf.fr", "2026-12-31"); err != nil {
			t.Fatal(err)
		}
		// A sent reminder is never claimed again, even released.
		if err := db.ReleaseReminder(ctx, reminder.KindConventionEnding, "c1", "a@caf.fr", "2026-12-31"); err != nil {
			t.Fatal(err)
		}
		clock.add(365 * 24 * time.Hour)
		if claim("a@caf.fr") {
			t.Error("a sent reminder was claimed again")
		}
		// b's claim, left unsent by a server that died, is taken again once old.
		clock.t = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		if !claim("c@caf.fr") {
			t.Fatal("c refused")
		}
		clock.add(store.ClaimTimeout - time.Second)
		if claim("c@caf.fr") {
			t.Error("a recent claim was taken again")
		}
		clock.add(2 * time.Second)
		if !claim("c@caf.fr") {
			t.Error("an abandoned claim could not be taken again")
		}
		var sent int
		if err := db.SQL().GetContext(ctx, &sent, `SELECT COUNT(*) FROM reminders_sent WHERE sent_at IS NOT NULL`); err != nil || sent != 1 {
			t.Errorf("%d sent, %v", sent, err)
		}

		// Many claimers on two handles: one wins each reminder.
		dbs := []*store.DB{db, mustOpen(t, dsn)}
		dbs[1].Now = clock.now
		var wins atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 16 {
			wg.Go(func() {
				<-start
				for r := range 5 {
					ok, err := dbs[i%2].ClaimReminder(ctx, reminder.KindMeetingSoon, fmt.Sprintf("m%d", r), "a@caf.fr", "2026-03-10")
					if err != nil {
						t.Errorf("ClaimReminder: %v", err)
					}
					if ok {
						wins.Add(1)
					}
				}
			})
		}
		close(start)
		wg.Wait()
		if wins.Load() != 5 {
			t.Errorf("%d claims won for 5 reminders", wins.Load())
		}
	})
}
