package reminder_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/committee"
	"ctg/internal/convention"
	"ctg/internal/mail"
	"ctg/internal/mail/mailtest"
	"ctg/internal/reminder"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// march2 is 9:00 in Paris on 2 March 2026.
var march2 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// lifeOf is a signed CTG ending on 31 December 2026, with a COPIL on 10
// March, whose CAF and community each have an editor (mailed) and a
// reader (not).
type lifeOf struct {
	db         *store.DB
	conv       string
	editor, cc *account.User
}

func newLife(t *testing.T, dsn string) *lifeOf {
	t.Helper()
	ctx := context.Background()
	db := testdb.Open(t, dsn)
	db.Now = func() time.Time { return march2 }
	org := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, org, nil); err != nil {
		t.Fatal(err)
	}
	user := func(email, org, role string) *account.User {
		u, err := db.CreateUser(ctx, account.NewUser{Email: email, Name: "Personne " + strings.Split(email, "@")[0], OrgID: org, Role: role, Password: "motdepasse-de-test"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	l := &lifeOf{db: db, editor: user("marie@caf33.fr", "caf-33", account.RoleEditor), cc: user("paul@latitude.fr", org.ID, account.RoleEditor)}
	user("lecteur@latitude.fr", org.ID, account.RoleReader)
	c := &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2022-2026", CAF: "caf-33",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Start: "2022-11-01", End: "2026-12-31", Parties: []string{org.ID}}
	if err := db.CreateConvention(ctx, testdb.Ref(t), l.editor, c); err != nil {
		t.Fatal(err)
	}
	l.conv = c.ID
	for _, st := range []struct{ status, date string }{{convention.StatusElaboration, ""}, {convention.StatusSigned, "2022-11-15"}} {
		if _, err := db.SetStatus(ctx, l.editor, c.ID, 0, st.status, st.date); err != nil {
			t.Fatal(err)
		}
	}
	l.meeting(t, "2026-03-10")
	return l
}

func (l *lifeOf) meeting(t *testing.T, date string) {
	t.Helper()
	if err := l.db.CreateMeeting(context.Background(), l.editor, l.conv, &committee.Meeting{Committee: "copil", Date: date, Place: "Mairie de Saint-Savin"}); err != nil {
		t.Fatal(err)
	}
}

// job is one server's reminders job: its own handle on the database, its
// own holder name, the test's SMTP server.
func job(t *testing.T, dsn, holder string, srv *mailtest.Server, timeout time.Duration) *reminder.Job {
	t.Helper()
	db := testdb.Open(t, dsn)
	db.Now = func() time.Time { return march2 }
	sender, err := mail.New(mail.Config{Addr: srv.Addr, From: "ctg <ctg@caf33.fr>", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return &reminder.Job{Store: db, Mailer: sender, Holder: holder, Every: time.Hour, BaseURL: "https://ctg.caf33.fr",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return march2 }}
}

func recipients(msgs []mailtest.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.To...)
	}
	slices.Sort(out)
	return out
}

// TestTwoServersMailOnce runs the job of two servers on one database, at
// once and again and again: each person gets each reminder once.
func TestTwoServersMailOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		l := newLife(t, dsn)
		srv := mailtest.Start(t, mailtest.Options{})
		a, b := job(t, dsn, "server-a", srv, 5*time.Second), job(t, dsn, "server-b", srv, 5*time.Second)
		ctx := context.Background()
		var wg sync.WaitGroup
		for range 3 {
			for _, j := range []*reminder.Job{a, b} {
				wg.Go(func() {
					if _, err := j.RunOnce(ctx); err != nil {
						t.Errorf("%s: %v", j.Holder, err)
					}
				})
			}
			wg.Wait()
		}
		// The lease moves to the other server: it has nothing new to send.
		if err := l.db.ReleaseLease(ctx, reminder.LeaseName, "server-a"); err != nil {
			t.Fatal(err)
		}
		if n, err := b.RunOnce(ctx); err != nil || n != 0 {
			t.Errorf("the other server sent %d mails again, %v", n, err)
		}
		msgs := srv.WaitFor(t, 2)
		time.Sleep(50 * time.Millisecond)
		if msgs = srv.Messages(); len(msgs) != 2 || !slices.Equal(recipients(msgs), []string{"marie@caf33.fr", "paul@latitude.fr"}) {
			t.Fatalf("%d mails to %v, want one to each editor", len(msgs), recipients(msgs))
		}
		for _, m := range msgs {
			p := m.Parse(t)
			if p.Subject != "ctg : 2 rappels sur vos conventions" {
				t.Errorf("subject %q", p.Subject)
			}
			for _, s := range []string{
				"Bonjour Personne " + strings.Split(m.To[0], "@")[0] + ",",
				"- COPIL de la convention « CTG Latitude Nord Gironde 2022-2026 » le 10/03/2026 (Mairie de Saint-Savin) : préparez l'ordre du jour et les documents.\n  https://ctg.caf33.fr/conventions/" + l.conv + "/comites/",
				"- La convention « CTG Latitude Nord Gironde 2022-2026 » prend fin le 31/12/2026 : préparez l'évaluation et le renouvellement.\n  https://ctg.caf33.fr/conventions/" + l.conv + "\n",
			} {
				if !strings.Contains(p.Body, s) {
					t.Errorf("the mail to %s lacks %q:\n%s", m.To[0], s, p.Body)
				}
			}
		}

		// A meeting added later is mailed alone, once.
		l.meeting(t, "2026-03-12")
		for _, j := range []*reminder.Job{b, a, b} {
			if _, err := j.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		msgs = srv.WaitFor(t, 4)
		time.Sleep(50 * time.Millisecond)
		if msgs = srv.Messages(); len(msgs) != 4 {
			t.Fatalf("%d mails after the new meeting, want 4", len(msgs))
		}
		if p := msgs[3].Parse(t); p.Subject != "Rappel : COPIL de la convention « CTG Latitude Nord Gironde 2022-2026 » le 12/03/2026 (Mairie de Saint-Savin) : préparez l'ordre du jour et les documents" {
			t.Errorf("subject %q", p.Subject)
		}
	})
}

// TestJobLoopsOnTwoServers runs the job's loop on two servers for a while,
// with a period shorter than the test: one server holds the lease, each
// reminder goes once.
func TestJobLoopsOnTwoServers(t *testing.T) {
	dsn := testdb.DSN(t, testdb.SQLite)
	newLife(t, dsn)
	srv := mailtest.Start(t, mailtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	for _, holder := range []string{"server-a", "server-b", "server-c"} {
		j := job(t, dsn, holder, srv, 5*time.Second)
		j.Every = 50 * time.Millisecond
		wg.Go(func() { j.Run(ctx) })
	}
	wg.Wait()
	if msgs := srv.Messages(); len(msgs) != 2 {
		t.Errorf("%d mails to %v, want 2", len(msgs), recipients(msgs))
	}
}

// TestFailedMailIsTriedAgain: a server that stops answering fails the run
// within the timeout; the claims are given back, and the next run, the
// server answering again, sends the mails.
func TestFailedMailIsTriedAgain(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		l := newLife(t, dsn)
		srv := mailtest.Start(t, mailtest.Options{Hang: true})
		a := job(t, dsn, "server-a", srv, 300*time.Millisecond)
		ctx := context.Background()
		start := time.Now()
		if n, err := a.RunOnce(ctx); err == nil || n != 0 {
			t.Errorf("a run against a hanging server: %d mails, %v", n, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the run took %v", d)
		}
		var claims int
		if err := l.db.SQL().GetContext(ctx, &claims, `SELECT COUNT(*) FROM reminders_sent`); err != nil || claims != 0 {
			t.Errorf("%d claims kept after the failure, %v", claims, err)
		}
		// The lease is given back: the other server tries at once.
		srv.SetHang(false)
		b := job(t, dsn, "server-b", srv, 5*time.Second)
		if n, err := b.RunOnce(ctx); err != nil || n != 2 {
			t.Errorf("the next run: %d mails, %v", n, err)
		}
		if err := l.db.SQL().GetContext(ctx, &claims, `SELECT COUNT(*) FROM reminders_sent WHERE sent_at IS NOT NULL`); err != nil || claims != 4 {
			t.Errorf("%d reminders recorded as sent, %v; want 2 to each of 2 editors", claims, err)
		}
	})
}
