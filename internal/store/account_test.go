package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// clock is a settable clock for db.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock(db *store.DB) *clock {
	c := &clock{time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db.Now = c.now
	return c
}
func failures(tb testing.TB, db *store.DB, email string) int {
	tb.Helper()
	var n int
	err := db.SQL().Get(&n, db.SQL().Rebind(`SELECT failures FROM login_attempts WHERE email = ?`), email)
	if err != nil {
		return 0
	}
	return n
}

func TestSignIn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		newClock(db)
		u := mustUser(t, db, "claire@caf.fr", "caf-33", account.RoleEditor)
		got, secret, err := db.SignIn(ctx, " CLAIRE@caf.fr", testPassword, time.Hour)
		if err != nil || got.ID != u.ID || !strings.HasPrefix(secret, "s_") {
			t.Fatalf("SignIn = %+v, %q, %v", got, secret, err)
		}
		for _, tc := range []struct{ email, password string }{
			{"claire@caf.fr", "mauvais-mot-de-passe"},
			{"personne@caf.fr", testPassword},
			{"claire@caf.fr", ""},
		} {
			_, _, err := db.SignIn(ctx, tc.email, tc.password, time.Hour)
			if !errors.Is(err, store.ErrBadCredentials) {
				t.Errorf("SignIn(%q, %q): %v, want ErrBadCredentials", tc.email, tc.password, err)
			}
		}
	})
}

// TestSignInThrottle checks the counting of failures, the slowing down
// after account.SlowAfter of them and the lock after account.LockAfter,
// which holds even for the right password, without waiting seconds: the
// delay is seen through a context that ends before it, and the failures in
// between are written as the slowed attempts would have.
func TestSignInThrottle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		clk := newClock(db)
		mustUser(t, db, "claire@caf.fr", "caf-33", account.RoleEditor)
		const email = "claire@caf.fr"
		for i := range account.SlowAfter {
			start := time.Now()
			if _, _, err := db.SignIn(ctx, email, "mauvais-mot-de-passe", time.Hour); !errors.Is(err, store.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
			if d := time.Since(start); d >= account.SlowDelay {
				t.Errorf("failure %d took %v: slowed before %d failures", i+1, d, account.SlowAfter)
			}
		}
		if n := failures(t, db, email); n != account.SlowAfter {
			t.Errorf("%d failures recorded, want %d", n, account.SlowAfter)
		}

		// Slowed now: an attempt that may not wait that long gives up.
		short, cancel := context.WithTimeout(ctx, account.SlowDelay/10)
		start := time.Now()
		_, _, err := db.SignIn(short, email, testPassword, time.Hour)
		cancel()
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("after %d failures, SignIn with %v to spare: %v, want the deadline to pass first", account.SlowAfter, account.SlowDelay/10, err)
		}
		if d := time.Since(start); d >= account.SlowDelay {
			t.Errorf("gave up after %v", d)
		}

		// Locked: the right password is refused.
		if _, err := db.SQL().Exec(db.SQL().Rebind(`UPDATE login_attempts SET failures = ?, last_failure = ? WHERE email = ?`),
			account.LockAfter, clk.t.Unix(), email); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.SignIn(ctx, email, testPassword, time.Hour)
		if app.ErrorCode(err) != app.ETooManyRequests {
			t.Fatalf("locked, right password: %v, want %s", err, app.ETooManyRequests)
		}
		if msg := app.ErrorMessage(err); !strings.Contains(msg, "15 minutes") {
			t.Errorf("message %q does not say how long", msg)
		}
		clk.add(account.LockFor - time.Minute)
		_, _, err = db.SignIn(ctx, email, testPassword, time.Hour)
		if app.ErrorCode(err) != app.ETooManyRequests {
			t.Errorf("%v later: %v, want still locked", account.LockFor-time.Minute, err)
		} else if msg := app.ErrorMessage(err); !strings.Contains(msg, "dans 1 minute.") {
			t.Errorf("a minute before the end, message %q", msg)
		}
		// Once LockFor has passed since the last failure, the right
		// password opens and clears the count.
		clk.add(time.Minute + time.Second)
		if _, _, err := db.SignIn(ctx, email, testPassword, time.Hour); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		if n := failures(t, db, email); n != 0 {
			t.Errorf("%d failures left after a success", n)
		}

		// An old failure does not add to a new one.
		if _, _, err := db.SignIn(ctx, email, "faux-mot-de-passe", time.Hour); !errors.Is(err, store.ErrBadCredentials) {
			t.Fatal(err)
		}
		clk.add(account.LockFor + time.Second)
		if _, _, err := db.SignIn(ctx, email, "faux-mot-de-passe", time.Hour); !errors.Is(err, store.ErrBadCredentials) {
			t.Fatal(err)
		}
		if n := failures(t, db, email); n != 1 {
			t.Errorf("%d failures, want 1: the earlier one is older than %v", n, account.LockFor)
		}

		// Unknown addresses are counted (and locked) the same way.
		if _, err := db.SQL().Exec(db.SQL().Rebind(`INSERT INTO login_attempts (email, failures, last_failure) VALUES (?, ?, ?)`),
			"personne@caf.fr", account.LockAfter, clk.t.Unix()); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SignIn(ctx, "personne@caf.fr", "x", time.Hour); app.ErrorCode(err) != app.ETooManyRequests {
			t.Errorf("unknown locked address: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		clk := newClock(db)
		u := mustUser(t, db, "claire@caf.fr", "caf-33", account.RoleReader)
		_, secret, err := db.SignIn(ctx, "claire@caf.fr", testPassword, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.SessionUser(ctx, secret); err != nil || got.ID != u.ID || got.OrgName != "Caf de la Gironde" {
			t.Fatalf("SessionUser = %+v, %v", got, err)
		}
		// Stored hashed.
		var stored []string
		if err := db.SQL().Select(&stored, `SELECT token_hash FROM sessions`); err != nil {
			t.Fatal(err)
		}
		if len(stored) != 1 || stored[0] == secret || strings.Contains(stored[0], secret) || stored[0] != account.HashSecret(secret) {
			t.Errorf("sessions hold %q for the secret %q", stored, secret)
		}
		if _, err := db.SessionUser(ctx, account.HashSecret(secret)); err == nil {
			t.Error("the stored hash opens a session")
		}
		clk.add(59 * time.Minute)
		if _, err := db.SessionUser(ctx, secret); err != nil {
			t.Errorf("after 59 minutes of a 1-hour session: %v", err)
		}
		clk.add(2 * time.Minute)
		if _, err := db.SessionUser(ctx, secret); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("expired session: %v, want not found", err)
		}
		// Sign out ends a session at once.
		_, secret2, err := db.SignIn(ctx, "claire@caf.fr", testPassword, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SignOut(ctx, secret2); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionUser(ctx, secret2); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("after SignOut: %v, want not found", err)
		}
		if _, err := db.SessionUser(ctx, "s_nothing"); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("unknown session: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		u := mustUser(t, db, "claire@caf.fr", "caf-33", account.RoleEditor)
		secret, err := db.CreateToken(ctx, "Claire@CAF.fr", "import nocturne")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "ctg_") || len(secret) < 40 {
			t.Errorf("token %q", secret)
		}
		other, err := db.CreateToken(ctx, "claire@caf.fr", "")
		if err != nil || other == secret {
			t.Errorf("second token %q, %v", other, err)
		}
		for _, s := range []string{secret, other} {
			if got, err := db.TokenUser(ctx, s); err != nil || got.ID != u.ID || got.Role != account.RoleEditor {
				t.Errorf("TokenUser = %+v, %v", got, err)
			}
		}
		// Nothing in the table is the secret, nor opens anything.
		var rows []struct {
			ID    string `db:"id"`
			User  string `db:"user_id"`
			Label string `db:"label"`
			Hash  string `db:"token_hash"`
		}
		if err := db.SQL().Select(&rows, `SELECT id, user_id, label, token_hash FROM api_tokens`); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("%d tokens stored", len(rows))
		}
		for _, r := range rows {
			for _, v := range []string{r.ID, r.User, r.Label, r.Hash} {
				if strings.Contains(v, strings.TrimPrefix(secret, "ctg_")) || strings.Contains(v, strings.TrimPrefix(other, "ctg_")) {
					t.Errorf("api_tokens holds the secret: %+v", r)
				}
			}
			if _, err := db.TokenUser(ctx, r.Hash); err == nil {
				t.Error("the stored hash opens the API")
			}
		}
		if _, err := db.TokenUser(ctx, "ctg_nothing"); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("unknown token: %v", err)
		}
		_, err = db.CreateToken(ctx, "personne@caf.fr", "")
		if app.ErrorCode(err) != app.ENotFound || !strings.Contains(app.ErrorMessage(err), "personne@caf.fr") {
			t.Errorf("token for nobody: %v", err)
		}
	})
}
