package cli_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/cli"
	"ctg/internal/committee"
	"ctg/internal/convention"
	"ctg/internal/mail"
	"ctg/internal/mail/mailtest"
	"ctg/internal/reminder"
	"ctg/internal/testdb"
)

func TestServeReminderFlags(t *testing.T) {
	db := testdb.DSN(t, testdb.SQLite)
	for _, tc := range []struct {
		env  map[string]string
		args []string
		says string
	}{
		{nil, []string{"--reminders-every", "10s"}, "--reminders-every"},
		{nil, []string{"--reminders-every", "une heure"}, "--reminders-every"},
		{map[string]string{"CTG_REMINDERS_EVERY": "1s"}, nil, "--reminders-every"},
		{nil, []string{"--smtp-addr", "smtp.caf33.fr"}, "--smtp-addr"},
		{map[string]string{"CTG_SMTP_ADDR": "smtp.caf33.fr:587"}, nil, "--smtp-from"},
		{map[string]string{"CTG_SMTP_ADDR": "smtp.caf33.fr:587", "CTG_SMTP_FROM": "ctg"}, nil, "--smtp-from"},
		{nil, []string{"--base-url", "ctg.caf33.fr"}, "--base-url"},
	} {
		checkFailure(t, run(t, tc.env, "", append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, tc.args...)...), tc.says)
	}
}

// seedReminders prepares, at dsn, a signed convention ending in six months
// with a COPIL in three days, and two editors to mail: the CAF's
// (marie@caf33.fr, whose password is returned) and the community's.
func seedReminders(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	db := testdb.Open(t, dsn)
	const password = "motdepasse-de-test"
	org := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, org, nil); err != nil {
		t.Fatal(err)
	}
	editor, err := db.CreateUser(ctx, account.NewUser{Email: "marie@caf33.fr", Name: "Marie Dupont", OrgID: "caf-33", Role: account.RoleEditor, Password: password}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, account.NewUser{Email: "paul@latitude.fr", Name: "Paul Martin", OrgID: org.ID, Role: account.RoleEditor, Password: password}, nil); err != nil {
		t.Fatal(err)
	}
	today := time.Now()
	c := &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde", CAF: "caf-33", Parties: []string{org.ID},
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}},
		Start:     today.AddDate(-3, 0, 0).Format(convention.DateLayout), End: today.AddDate(0, 6, 0).Format(convention.DateLayout)}
	if err := db.CreateConvention(ctx, testdb.Ref(t), editor, c); err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct{ status, date string }{{convention.StatusElaboration, ""}, {convention.StatusSigned, c.Start}} {
		if _, err := db.SetStatus(ctx, editor, c.ID, 0, st.status, st.date); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateMeeting(ctx, editor, c.ID, &committee.Meeting{Committee: "copil", Date: today.AddDate(0, 0, 3).Format(convention.DateLayout)}); err != nil {
		t.Fatal(err)
	}
	return password
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestPagesWhileSMTPHangs starts ctg with an SMTP server that accepts the
// connection and never answers: the reminders job is stuck in it, and
// pages are served all the same, the dashboard with its reminders; the
// shutdown stops the job at once, before the database closes, and gives
// back its claims.
func TestPagesWhileSMTPHangs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		password := seedReminders(t, dsn)
		smtp := mailtest.Start(t, mailtest.Options{Hang: true})
		r, err := cli.Start(context.Background(), cli.ServeConfig{Addr: "127.0.0.1:0", DB: dsn, Log: quietLogger(),
			Reminders: cli.RemindersConfig{Every: time.Hour, Mail: mail.Config{Addr: smtp.Addr, From: "ctg@caf33.fr", Timeout: time.Hour}}})
		if err != nil {
			t.Fatal(err)
		}
		closed := false
		defer func() {
			if !closed {
				r.Close()
			}
		}()
		for deadline := time.Now().Add(10 * time.Second); smtp.Sessions() == 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the reminders job did not call the SMTP server")
			}
		}
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, Timeout: 5 * time.Second}
		base := "http://" + r.Addr
		start := time.Now()
		res, err := client.PostForm(base+"/connexion", url.Values{"email": {"marie@caf33.fr"}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		res, err = client.Get(base + "/?departement=33")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body := string(b)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Rappels") ||
			!strings.Contains(body, "La convention « CTG Latitude Nord Gironde » prend fin le") {
			t.Errorf("dashboard: %d\n%s", res.StatusCode, body)
		}
		if d := time.Since(start); d > 10*time.Second { // the SMTP timeout is 30 s
			t.Errorf("sign-in and dashboard took %v while the SMTP server hangs", d)
		}

		start = time.Now()
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		closed = true
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the shutdown took %v, waiting on the SMTP server", d)
		}
		db := testdb.Open(t, dsn)
		var claims int
		if err := db.SQL().Get(&claims, `SELECT COUNT(*) FROM reminders_sent`); err != nil || claims != 0 {
			t.Errorf("%d claims left by the interrupted job, %v", claims, err)
		}
	})
}

// TestTwoServersMailEachReminderOnce starts two ctg on one database and
// one SMTP server, with a short period: every person is mailed once.
func TestTwoServersMailEachReminderOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		seedReminders(t, dsn)
		smtp := mailtest.Start(t, mailtest.Options{TLS: true, User: "ctg", Password: "secret"})
		cfg := cli.RemindersConfig{Every: 30 * time.Millisecond, BaseURL: "https://ctg.caf33.fr",
			Mail: mail.Config{Addr: smtp.Addr, User: "ctg", Password: "secret", From: "ctg <ctg@caf33.fr>", TLS: smtp.ClientTLS()}}
		var servers []*cli.Running
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				r, err := cli.Start(context.Background(), cli.ServeConfig{Addr: "127.0.0.1:0", DB: dsn, Log: quietLogger(), Reminders: cfg})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				servers = append(servers, r)
				mu.Unlock()
			})
		}
		wg.Wait()
		smtp.WaitFor(t, 2)
		time.Sleep(300 * time.Millisecond) // ten periods more
		for _, r := range servers {
			r.Close()
		}
		msgs := smtp.Messages()
		to := map[string]int{}
		for _, m := range msgs {
			to[strings.Join(m.To, ",")]++
			if !m.TLS || m.User != "ctg" {
				t.Errorf("mail to %v sent without STARTTLS or AUTH", m.To)
			}
			p := m.Parse(t)
			if p.Subject != "ctg : 2 rappels sur vos conventions" || !strings.Contains(p.Body, "https://ctg.caf33.fr/conventions/") {
				t.Errorf("mail to %v: %q\n%s", m.To, p.Subject, p.Body)
			}
		}
		if len(msgs) != 2 || to["marie@caf33.fr"] != 1 || to["paul@latitude.fr"] != 1 {
			t.Errorf("mails by recipient: %v", to)
		}
		var sent int
		db := testdb.Open(t, dsn)
		if err := db.SQL().Get(&sent, db.SQL().Rebind(`SELECT COUNT(*) FROM reminders_sent WHERE kind = ? AND sent_at IS NOT NULL`), reminder.KindMeetingSoon); err != nil || sent != 2 {
			t.Errorf("%d meeting reminders recorded as sent, %v", sent, err)
		}
	})
}
