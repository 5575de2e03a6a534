// Package dataset builds the synthetic conventions that the benchmarks and
// the load commands run on: many conventions over real EPCIs of the
// reference, with a mix of kinds and periods that makes coverage count
// conventions in force, ended and about to end.
//
// Everything is deterministic: the same n gives the same conventions, so
// that figures taken on different days compare.
package dataset

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for FreshSchema

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// Date is the day coverage is asked for in the benchmarks. Five sixths of
// the conventions of Drafts hold it, and a quarter of all end within the
// 12 months after it.
const Date = "2025-06-01"

// kinds gives the kind of convention i by i % 10: mostly CTGs, as in the
// field.
var kinds = [10]string{
	convention.KindCTG, convention.KindCTG, convention.KindCTG, convention.KindCTG, convention.KindCTG, convention.KindCTG,
	convention.KindCEJ, convention.KindCEJ, convention.KindPEDT, convention.KindContratDeVille,
}

// Drafts returns n conventions as a user would submit them, without
// parties: kind, title, CAF, perimeter and period. Convention i covers the
// EPCI (i × 7) mod the number of EPCIs, so that the conventions spread
// over all of France and an EPCI holds several when n exceeds their number;
// one in 25 lists half of the EPCI's communes one by one instead. Periods
// last four years and start between January 2021 and December 2024.
func Drafts(ref *territory.Ref, n int) []*convention.Convention {
	return drafts(ref, ref.EPCIs(), n, "")
}

// DraftsIn returns n conventions as Drafts does, over the EPCIs of the
// département dep (an EPCI is in the département of its first commune).
func DraftsIn(ref *territory.Ref, dep string, n int) []*convention.Convention {
	var epcis []territory.EPCI
	for _, e := range ref.EPCIs() {
		if first, _ := ref.Commune(e.Communes[0]); first.Departement == dep {
			epcis = append(epcis, e)
		}
	}
	return drafts(ref, epcis, n, " "+dep)
}

func drafts(ref *territory.Ref, epcis []territory.EPCI, n int, label string) []*convention.Convention {
	out := make([]*convention.Convention, n)
	for i := range n {
		e := epcis[(i*7)%len(epcis)]
		first, _ := ref.Commune(e.Communes[0])
		caf, _ := ref.CAF(first.Departement)
		start := time.Date(2021+i%4, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC)
		c := &convention.Convention{
			Kind:  kinds[i%10],
			Title: fmt.Sprintf("%s %s %d-%d (n° %d%s)", convention.KindShort(kinds[i%10]), e.Name, start.Year(), start.Year()+4, i+1, label),
			CAF:   caf.ID,
			Start: start.Format(convention.DateLayout),
			End:   start.AddDate(4, 0, -1).Format(convention.DateLayout),
		}
		if i%25 == 24 {
			half := e.Communes[:max(1, len(e.Communes)/2)]
			c.Perimeter = convention.Perimeter{EPCIs: []string{}, Communes: append([]string(nil), half...)}
		} else {
			c.Perimeter = convention.Perimeter{EPCIs: []string{e.SIREN}, Communes: []string{}}
		}
		out[i] = c
	}
	return out
}

// Active returns the n conventions of Drafts as signed conventions, with
// their perimeter resolved the way the store resolves it: what
// convention.ComputeCoverage takes.
func Active(ref *territory.Ref, n int) []convention.Active {
	out := make([]convention.Active, n)
	for i, c := range Drafts(ref, n) {
		out[i] = convention.Active{ID: fmt.Sprintf("bench-%04d", i+1), Title: c.Title, Kind: c.Kind, CAF: c.CAF,
			Start: c.Start, End: c.End, Communes: convention.Resolve(ref, c.Perimeter)}
	}
	return out
}

// Admin is the account Insert creates and acts as.
const Admin = "admin@bench.ctg.invalid"

// Insert stores the n conventions of Drafts and signs them, through the
// store's exported methods as the application would: each EPCI gets an
// organisation that is the convention's party, each convention is created,
// moved to élaboration, then signed on its start date. It acts as an admin
// of the Caf de la Gironde, created when missing, and returns the ids in
// the order of Drafts. The CAFs must be seeded.
func Insert(ctx context.Context, db *store.DB, ref *territory.Ref, n int) ([]string, error) {
	return insert(ctx, db, ref, Drafts(ref, n))
}

// InsertIn stores and signs the n conventions of DraftsIn, as Insert does.
func InsertIn(ctx context.Context, db *store.DB, ref *territory.Ref, dep string, n int) ([]string, error) {
	return insert(ctx, db, ref, DraftsIn(ref, dep, n))
}

func insert(ctx context.Context, db *store.DB, ref *territory.Ref, drafts []*convention.Convention) ([]string, error) {
	admin, err := db.UserByEmail(ctx, Admin)
	if err != nil {
		admin, err = db.CreateUser(ctx, account.NewUser{Email: Admin, Name: "Administration (jeu d'essai)", OrgID: "caf-33",
			Role: account.RoleAdmin, Password: "jeu-d-essai-2026"}, nil)
		if err != nil {
			return nil, fmt.Errorf("dataset.Insert: %w", err)
		}
	}
	party := map[string]string{} // organisation id by EPCI or first commune
	stored, err := db.Organisations(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("dataset.Insert: %w", err)
	}
	for _, o := range stored {
		if key, ok := strings.CutPrefix(o.Name, "Partenaire "); ok {
			party[strings.TrimSuffix(key, " (jeu d'essai)")] = o.ID
		}
	}
	ids := make([]string, 0, len(drafts))
	for _, c := range drafts {
		key := firstOf(c.Perimeter)
		if party[key] == "" {
			o := &account.Organisation{Name: "Partenaire " + key + " (jeu d'essai)", Kind: "epci", Territory: key}
			if len(c.Perimeter.EPCIs) == 0 {
				o.Kind = "commune"
			}
			if err := db.CreateOrganisation(ctx, o, admin); err != nil {
				return nil, fmt.Errorf("dataset.Insert: %w", err)
			}
			party[key] = o.ID
		}
		c.Parties = []string{party[key]}
		if err := db.CreateConvention(ctx, ref, admin, c); err != nil {
			return nil, fmt.Errorf("dataset.Insert %q: %w", c.Title, err)
		}
		for _, st := range []string{convention.StatusElaboration, convention.StatusSigned} {
			if _, err := db.SetStatus(ctx, admin, c.ID, 0, st, c.Start); err != nil {
				return nil, fmt.Errorf("dataset.Insert %q: %w", c.Title, err)
			}
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}

func firstOf(p convention.Perimeter) string {
	if len(p.EPCIs) > 0 {
		return p.EPCIs[0]
	}
	return p.Communes[0]
}

// FreshSchema creates a schema of its own on the PostgreSQL server of dsn
// and returns a DSN whose search_path points to it: a clean database for a
// run, without the right to create databases. cleanup drops the schema.
func FreshSchema(ctx context.Context, dsn string) (fresh string, cleanup func(), err error) {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, err
	}
	schema := "bench_" + account.NewID() // lower-case letters and digits
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("dataset.FreshSchema: %w", err)
	}
	cleanup = func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	}
	u, err := url.Parse(dsn)
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("dataset.FreshSchema: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), cleanup, nil
}

// IsPostgres reports whether dsn names a PostgreSQL server, as store.Open
// decides it.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Database returns where a benchmark's in-process server keeps its data and
// what removes it afterwards: a SQLite file in a new temporary folder named
// after prefix when dsn is empty; for PostgreSQL, a schema of its own when
// fresh; dsn itself otherwise.
func Database(ctx context.Context, dsn string, fresh bool, prefix string) (string, func(), error) {
	if dsn == "" {
		dir, err := os.MkdirTemp("", prefix)
		if err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "ctg.db"), func() { os.RemoveAll(dir) }, nil
	}
	if !fresh || !IsPostgres(dsn) {
		return dsn, func() {}, nil
	}
	return FreshSchema(ctx, dsn)
}

// Redact hides a password in a database URL, for printing it.
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}
