// Package store keeps ctg's data in SQLite (the embedded default) or
// PostgreSQL (production). Both dialects share the SQL written here, with "?"
// placeholders rebound for PostgreSQL; migrations differ per dialect and are
// embedded. Exported methods own their transaction; unexported helpers take
// the transaction they run in.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"ctg/internal/app"
)

//go:embed migrations
var migrations embed.FS

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

func init() {
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
}

// DB is a handle on the database, safe for concurrent use.
type DB struct {
	x       *sqlx.DB
	Dialect string
	// Now is the clock; tests may replace it.
	Now func() time.Time
}

// Open connects to dsn: a postgres:// or postgresql:// URL, or else a SQLite
// file path (created when missing). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: func() time.Time { return time.Now().UTC() }}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.Dialect = Postgres
		db.x, err = sqlx.Open("pgx", withConnectTimeout(dsn))
		if err != nil {
			return nil, fmt.Errorf("store.Open: %w", err)
		}
		db.x.SetMaxOpenConns(20)
		db.x.SetMaxIdleConns(20)
		db.x.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		db.Dialect = SQLite
		path := strings.TrimPrefix(dsn, "sqlite://")
		if path == "" {
			path = "ctg.db"
		}
		// WAL lets readers run while one writer writes; IMMEDIATE
		// transactions take the write lock up front so that two writers
		// queue on busy_timeout instead of failing on a lock upgrade.
		q := "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
		db.x, err = sqlx.Open("sqlite", "file:"+path+q)
		if err != nil {
			return nil, fmt.Errorf("store.Open: %w", err)
		}
		db.x.SetMaxOpenConns(8)
		db.x.SetMaxIdleConns(8)
	}
	if err := db.x.PingContext(ctx); err != nil {
		db.x.Close()
		return nil, &app.Error{Code: app.EInternal, Message: "Impossible d'ouvrir la base de données : " + describeOpenError(err)}
	}
	return db, nil
}

// withConnectTimeout bounds each connection attempt (5 s) unless the URL
// sets connect_timeout itself: without it, a database host that drops
// packets rather than refusing holds a request for the system's TCP
// timeout (minutes) before it can be answered 503.
func withConnectTimeout(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // pgx says what is wrong with it
	}
	q := u.Query()
	if q.Get("connect_timeout") != "" {
		return dsn
	}
	q.Set("connect_timeout", "5")
	u.RawQuery = q.Encode()
	return u.String()
}

func describeOpenError(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "connection refused"):
		return "le serveur PostgreSQL ne répond pas."
	case strings.Contains(msg, "does not exist"):
		return "la base indiquée n'existe pas."
	case strings.Contains(msg, "password authentication"):
		return "l'authentification PostgreSQL a échoué."
	case strings.Contains(msg, "unable to open") || strings.Contains(msg, "out of memory (14)"):
		return "le fichier SQLite ne peut pas être créé à cet emplacement."
	}
	return "vérifiez le paramètre --db."
}

// Close releases the connections.
func (db *DB) Close() error { return db.x.Close() }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.x.PingContext(ctx) }

// Stats returns the statistics of the connection pool, for the metrics.
func (db *DB) Stats() sql.DBStats { return db.x.Stats() }

// SQL exposes the underlying handle to tests and benchmarks.
func (db *DB) SQL() *sqlx.DB { return db.x }

// Migrate applies every pending migration of the dialect, each in a
// transaction. On PostgreSQL it holds the schema's migration lock, so that
// servers started together migrate one after the other.
func (db *DB) Migrate(ctx context.Context) error {
	return db.underMigrationLock(ctx, db.migrate)
}

// underMigrationLock runs fn while holding a PostgreSQL advisory lock
// proper to the current schema. Several servers started together on one
// database would otherwise race through the migrations and the seeding of
// the CAFs, and all but one fail their start; with the lock, the others
// wait and find nothing left to do. The lock is a session's, taken and
// released on one connection kept aside while fn uses the pool. SQLite
// needs none: a file is served by one process.
func (db *DB) underMigrationLock(ctx context.Context, fn func(context.Context) error) (err error) {
	if db.Dialect != Postgres {
		return fn(ctx)
	}
	conn, err := db.x.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store.Migrate: %w", mapError(err))
	}
	defer conn.Close()
	const key = `hashtext('ctg migrations ' || current_schema())`
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
		return fmt.Errorf("store.Migrate: waiting for the migration lock: %w", mapError(err))
	}
	defer func() {
		if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+key+`)`); uerr != nil {
			// A connection back in the pool must not keep the lock:
			// drop it, which ends its session and the lock with it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return fn(ctx)
}

func (db *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+db.Dialect)
	if err != nil {
		return fmt.Errorf("store.Migrate: %w", err)
	}
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.x.DB, sub)
	if err != nil {
		return fmt.Errorf("store.Migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store.Migrate: %w", err)
	}
	for _, r := range res {
		slog.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path)
	}
	return nil
}

// tx is what unexported helpers run in: a transaction with the rebinding
// helpers of sqlx.
type tx = sqlx.Tx

// Transact runs fn in a transaction, committed when fn returns nil and
// rolled back otherwise.
func (db *DB) Transact(ctx context.Context, fn func(*tx) error) (err error) {
	t, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = t.Rollback()
			panic(p)
		}
		if err != nil {
			_ = t.Rollback()
			return
		}
		err = mapError(t.Commit())
	}()
	return mapError(fn(t))
}

// get and sel rebind then query through the given queryer.
func get(ctx context.Context, q sqlx.QueryerContext, dest any, query string, args ...any) error {
	return sqlx.GetContext(ctx, q, dest, q.(interface{ Rebind(string) string }).Rebind(query), args...)
}

func sel(ctx context.Context, q sqlx.QueryerContext, dest any, query string, args ...any) error {
	return sqlx.SelectContext(ctx, q, dest, q.(interface{ Rebind(string) string }).Rebind(query), args...)
}

func exec(ctx context.Context, t *tx, query string, args ...any) (sql.Result, error) {
	return t.ExecContext(ctx, t.Rebind(query), args...)
}

// mapError turns driver errors into the app vocabulary; others pass through.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return app.ErrNotFound
	}
	if Unavailable(err) {
		// The driver's error stays in the chain for the log.
		return fmt.Errorf("%w: %w", app.ErrUnavailable, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &app.Error{Code: app.EConflict, Message: "Cet élément existe déjà."}
		case "23503":
			return &app.Error{Code: app.EInvalid, Message: "Un élément référencé n'existe pas."}
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &app.Error{Code: app.EConflict, Message: "Cet élément existe déjà."}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &app.Error{Code: app.EInvalid, Message: "Un élément référencé n'existe pas."}
		}
	}
	return err
}

// Unavailable reports whether err says that the database cannot serve
// now, rather than that it refused a query: the server is stopped or
// restarting, the network to it is cut, a connection broke, it has no
// connection left, or SQLite's write lock stayed taken past busy_timeout.
// Such a request may succeed if sent again a little later; the web layer
// answers it 503 with Retry-After (app.ErrUnavailable). mapError applies
// it to what goes through Transact; the web layer to the other reads.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exceptions; 57P01-03: the server shuts
		// down, crashed, or is starting; 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code() & 0xff // the primary code of an extended one
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// Backup writes a consistent copy of a SQLite database to path while
// others may be writing (VACUUM INTO reads within one transaction).
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return app.Errorf(app.EInvalid, "La sauvegarde intégrée ne concerne que SQLite ; pour PostgreSQL, utilisez pg_dump.")
	}
	if _, err := db.x.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store.Backup: %w", err)
	}
	return nil
}
