package store_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/store"
	"ctg/internal/territory"
	"ctg/internal/testdb"
)

func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Verbose() {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	os.Exit(m.Run())
}

var loadRef = sync.OnceValues(territory.Load)

// mustRef returns the reference of territories, loaded once.
func mustRef(tb testing.TB) *territory.Ref {
	tb.Helper()
	ref, err := loadRef()
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

// mustOpen opens and migrates dsn, seeds the CAFs, and closes it when the
// test ends.
func mustOpen(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db := testdb.Open(tb, dsn)
	return db
}

// mustUser creates a user of org with role and the test password.
func mustUser(tb testing.TB, db *store.DB, email, org, role string) *account.User {
	tb.Helper()
	u, err := db.CreateUser(context.Background(), account.NewUser{Email: email, Name: "Personne " + email, OrgID: org, Role: role, Password: testPassword}, nil)
	if err != nil {
		tb.Fatalf("CreateUser %s: %v", email, err)
	}
	return u
}

const testPassword = "motdepasse-de-test"

// count returns the number of rows of a table.
func count(tb testing.TB, db *store.DB, table string) int {
	tb.Helper()
	var n int
	if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
		tb.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestMigrate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for i := range 3 {
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("Migrate #%d: %v", i+1, err)
			}
		}
		for _, table := range []string{"organisations", "users", "sessions", "api_tokens", "login_attempts", "conventions",
			"convention_parties", "convention_communes", "convention_status", "history"} {
			if n := count(t, db, table); n != 0 {
				t.Errorf("%s holds %d rows after migrations", table, n)
			}
		}
		// A second handle on the same database finds nothing to do.
		db2, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		if err := db2.Migrate(ctx); err != nil {
			t.Fatalf("Migrate from a second handle: %v", err)
		}
	})
}

func TestSeedCAFs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		// Seeding again renames and adds nothing.
		if _, err := db.SQL().Exec(db.SQL().Rebind(`UPDATE organisations SET name = ? WHERE id = ?`), "Ancien nom", "caf-33"); err != nil {
			t.Fatal(err)
		}
		var cafs []account.Organisation
		for _, c := range mustRef(t).CAFs() {
			cafs = append(cafs, account.Organisation{ID: c.ID, Name: c.Name, Kind: "caf", Territory: c.Departement})
		}
		if err := db.SeedCAFs(ctx, cafs); err != nil {
			t.Fatal(err)
		}
		orgs, err := db.Organisations(ctx, "caf")
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 101 {
			t.Errorf("%d CAFs, want 101", len(orgs))
		}
		o, err := db.Organisation(ctx, "caf-33")
		if err != nil || o.Name != "Caf de la Gironde" || o.Territory != "33" || o.Kind != "caf" {
			t.Errorf("caf-33 = %+v, %v", o, err)
		}
		if _, err := db.Organisation(ctx, "caf-99"); err == nil {
			t.Error("caf-99 found")
		}
	})
}

func TestCreateUser(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		u := mustUser(t, db, " Claire.Martin@CAF.fr ", "caf-33", account.RoleEditor)
		if u.Email != "claire.martin@caf.fr" || u.OrgName != "Caf de la Gironde" || u.Role != account.RoleEditor || u.ID == "" {
			t.Errorf("user %+v", u)
		}
		for _, tc := range []struct {
			name  string
			user  account.NewUser
			field string
		}{
			{"same e-mail", account.NewUser{Email: "claire.martin@caf.fr", Name: "Autre", OrgID: "caf-33", Role: "reader", Password: testPassword}, "email"},
			{"unknown organisation", account.NewUser{Email: "x@caf.fr", Name: "X", OrgID: "org-nobody", Role: "reader", Password: testPassword}, "org"},
			{"short password", account.NewUser{Email: "y@caf.fr", Name: "Y", OrgID: "caf-33", Role: "reader", Password: "court"}, "password"},
			{"unknown role", account.NewUser{Email: "z@caf.fr", Name: "Z", OrgID: "caf-33", Role: "owner", Password: testPassword}, "role"},
		} {
			_, err := db.CreateUser(ctx, tc.user, nil)
			if code := app.ErrorCode(err); code != "invalid" {
				t.Errorf("%s: %v (code %q), want invalid", tc.name, err, code)
			}
			if fields := app.ErrorFields(err); fields[tc.field] == "" {
				t.Errorf("%s: fields %v lack %q", tc.name, fields, tc.field)
			}
		}
		if n := count(t, db, "users"); n != 1 {
			t.Errorf("%d users, want 1", n)
		}
		var hash string
		if err := db.SQL().Get(&hash, db.SQL().Rebind(`SELECT password_hash FROM users WHERE id = ?`), u.ID); err != nil {
			t.Fatal(err)
		}
		if hash == testPassword || !account.CheckPassword(hash, testPassword) {
			t.Errorf("password stored as %q", hash)
		}
	})
}
