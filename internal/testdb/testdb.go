// Package testdb gives tests a fresh database of each dialect: a SQLite file
// in a temporary folder, and a PostgreSQL schema of its own on the server
// named by CTG_TEST_POSTGRES (default: postgres://postgres@127.0.0.1:5432/test).
//
// Where PostgreSQL (or Chromium, see RequireOrSkip) is absent the tests skip
// with a message, unless CTG_REQUIRE_SERVICES=1, as in CI, where they fail.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"ctg/internal/store"
	"ctg/internal/territory"
)

// Dialect names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// PostgresURL is the server the PostgreSQL tests use.
func PostgresURL() string {
	if u := os.Getenv("CTG_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// Required reports whether missing services must fail the tests (CI).
func Required() bool { return os.Getenv("CTG_REQUIRE_SERVICES") == "1" }

// RequireOrSkip skips tb with reason, or fails it when services are required.
func RequireOrSkip(tb testing.TB, reason string) {
	tb.Helper()
	if Required() {
		tb.Fatalf("%s (CTG_REQUIRE_SERVICES=1: this test may not be skipped)", reason)
	}
	tb.Skipf("%s; see docs/operations.md, section Tests", reason)
}

var (
	pgOnce sync.Once
	pgErr  error
)

func postgresUp() error {
	pgOnce.Do(func() {
		db, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		pgErr = db.PingContext(ctx)
	})
	return pgErr
}

// DSN returns the address of a new, empty database of the dialect, dropped
// when the test ends. For PostgreSQL it skips (or fails, see Required) when
// the server does not answer.
func DSN(tb testing.TB, dialect string) string {
	tb.Helper()
	if dialect == SQLite {
		return filepath.Join(tb.TempDir(), "ctg.db")
	}
	if err := postgresUp(); err != nil {
		RequireOrSkip(tb, "PostgreSQL does not answer at "+PostgresURL()+": "+err.Error())
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(PostgresURL())
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs fn as a subtest for SQLite and for PostgreSQL.
func Each(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, d := range []string{SQLite, Postgres} {
		t.Run(d, func(t *testing.T) {
			fn(t, DSN(t, d))
		})
	}
}

var (
	refOnce sync.Once
	ref     *territory.Ref
	refErr  error
)

// Ref returns the reference of territories, loaded once for all tests.
func Ref(tb testing.TB) *territory.Ref {
	tb.Helper()
	refOnce.Do(func() { ref, refErr = territory.Load() })
	if refErr != nil {
		tb.Fatalf("territory.Load: %v", refErr)
	}
	return ref
}

// Store opens a fresh database of the dialect, migrated and with the CAFs
// seeded as at every start, closed when the test ends.
func Store(tb testing.TB, dialect string) *store.DB {
	tb.Helper()
	return Open(tb, DSN(tb, dialect))
}

// Open opens the database at dsn, migrated and with the CAFs seeded, closed
// when the test ends.
func Open(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Prepare(ctx, Ref(tb)); err != nil {
		tb.Fatalf("Prepare: %v", err)
	}
	return db
}
