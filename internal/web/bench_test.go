package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"ctg/bench/dataset"
	"ctg/internal/store"
	"ctg/internal/territory"
	"ctg/internal/testdb"
)

// The benchmarks of this file drive the whole handler (middleware, session
// lookup in the database, handler, template or JSON) with httptest, as
// ctg serve wires it. Their figures and budgets are in docs/performance.md.

// benchFixture is a server over a fresh database of one dialect, holding
// the seeded CAFs and, when asked, the synthetic conventions of
// bench/dataset, with a signed-in admin of the Caf de la Gironde.
type benchFixture struct {
	h       http.Handler
	db      *store.DB
	ref     *territory.Ref
	session string // secret of the session cookie
	ids     []string
}

// settle does what autovacuum does on PostgreSQL after a bulk load:
// statistics, and the visibility map that lets covering indexes be read
// alone. SQLite needs nothing.
func (f *benchFixture) settle(b *testing.B) {
	b.Helper()
	if f.db.Dialect == store.Postgres {
		if _, err := f.db.SQL().Exec(`VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
}

// newBenchFixture builds the server the way ctg serve does (open, prepare,
// web.New) and stores n synthetic signed conventions.
func newBenchFixture(b *testing.B, dialect string, n int) *benchFixture {
	b.Helper()
	ctx := context.Background()
	ref, err := territory.Load()
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(ctx, testdb.DSN(b, dialect))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Prepare(ctx, ref); err != nil {
		b.Fatal(err)
	}
	f := &benchFixture{db: db, ref: ref}
	start := time.Now()
	if f.ids, err = dataset.Insert(ctx, db, ref, n); err != nil {
		b.Fatal(err)
	}
	if n > 0 {
		b.Logf("%s: %d signed conventions stored in %v", dialect, n, time.Since(start).Round(time.Millisecond))
	}
	if _, f.session, err = db.SignIn(ctx, dataset.Admin, "jeu-d-essai-2026", time.Hour); err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref})
	if err != nil {
		b.Fatal(err)
	}
	f.h = s.Handler()
	return f
}

// run requests each of paths in turn, b.N times in all, checking the
// status, and reports the 50th and 99th percentiles of the server time.
func (f *benchFixture) run(b *testing.B, paths ...string) {
	b.Helper()
	durations := make([]time.Duration, 0, 4096)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.session})
		w := httptest.NewRecorder()
		start := time.Now()
		f.h.ServeHTTP(w, req)
		durations = append(durations, time.Since(start))
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", req.URL, w.Code, w.Body.String())
		}
	}
	b.StopTimer()
	slices.Sort(durations)
	at := func(p int) float64 {
		return float64(durations[min(len(durations)-1, len(durations)*p/100)].Nanoseconds())
	}
	b.ReportMetric(at(50), "p50-ns/op")
	b.ReportMetric(at(99), "p99-ns/op")
}

// BenchmarkTerritoriesPage renders the search page /territoires?q=… for
// the queries of the territory package's BenchmarkSearch, in turn.
// Budget: 10 ms of server time.
func BenchmarkTerritoriesPage(b *testing.B) {
	f := newBenchFixture(b, testdb.SQLite, 0)
	queries := []string{"saint", "saint joseph", "bordeaux", "cc latitude", "33", "ile", "la", "mont",
		"ile de re", "val", "l", "saint martin de", "97412", "pays de la", "métropole", "sainte marie"}
	paths := make([]string, len(queries))
	for i, q := range queries {
		paths[i] = "/territoires?q=" + url.QueryEscape(q)
	}
	b.Run("page", func(b *testing.B) { f.run(b, paths...) })
	b.Run("suggestions", func(b *testing.B) {
		for i, q := range queries {
			paths[i] = "/territoires/suggestions?q=" + url.QueryEscape(q)
		}
		f.run(b, paths...)
	})
}

// BenchmarkCoverageAPI answers GET /api/v1/coverage with 1,000 signed
// conventions in the database: for all of France and for the Gironde, on
// SQLite and PostgreSQL (skipped when no server answers; see
// internal/testdb). Budget: 100 ms for all of France.
func BenchmarkCoverageAPI(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			f := newBenchFixture(b, dialect, 1000)
			b.Run("France", func(b *testing.B) { f.run(b, "/api/v1/coverage?date="+dataset.Date) })
			b.Run("Gironde", func(b *testing.B) { f.run(b, "/api/v1/coverage?departement=33&date="+dataset.Date) })
		})
	}
}

// BenchmarkConventionPage renders /conventions/{id} for the conventions of
// the data set in turn, with 1,000 of them in the database: the page
// bench/load requests from many clients at once, here one at a time, for
// profiling.
func BenchmarkConventionPage(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			f := newBenchFixture(b, dialect, 1000)
			paths := make([]string, 0, 100)
			for _, id := range f.ids[:100] {
				paths = append(paths, "/conventions/"+id)
			}
			b.Run("page", func(b *testing.B) { f.run(b, paths...) })
		})
	}
}

// BenchmarkPlanPages renders the pages of a convention whose plan has 10
// axes of 20 actions, each with 25 budget lines (5,000 in all) and a
// follow-up indicator, with 300 conventions in the database: the plan as
// a tree and as a table, the budget page, and the budget's JSON totals.
// Budget: 30 ms for the plan page and the budget totals.
func BenchmarkPlanPages(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			f := newBenchFixture(b, dialect, 300)
			id := f.ids[0]
			start := time.Now()
			if err := dataset.InsertPlan(context.Background(), f.db, id, 10, 20, 25); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: plan of 200 actions and 5,000 budget lines stored in %v", dialect, time.Since(start).Round(time.Millisecond))
			f.settle(b)
			b.Run("plan", func(b *testing.B) { f.run(b, "/conventions/"+id+"/plan") })
			b.Run("plan-table", func(b *testing.B) { f.run(b, "/conventions/"+id+"/plan?vue=tableau") })
			b.Run("budget-page", func(b *testing.B) { f.run(b, "/conventions/"+id+"/budget") })
			b.Run("budget-api", func(b *testing.B) { f.run(b, "/api/v1/conventions/"+id+"/budget") })
		})
	}
}

// BenchmarkCAFDashboard renders the home page of an admin of the Caf de la
// Gironde, with its commitments per year, over 300 conventions of the
// Gironde, each with a plan of one axis of 2 actions of 25 budget lines
// (15,000 lines), next to 300 conventions elsewhere. Budget: 100 ms.
func BenchmarkCAFDashboard(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			f := newBenchFixture(b, dialect, 300)
			ctx := context.Background()
			ids, err := dataset.InsertIn(ctx, f.db, f.ref, "33", 300)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			for _, id := range ids {
				if err := dataset.InsertPlan(ctx, f.db, id, 1, 2, 25); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: 300 plans of the Gironde stored in %v", dialect, time.Since(start).Round(time.Millisecond))
			f.settle(b)
			b.Run("dashboard", func(b *testing.B) { f.run(b, "/") })
		})
	}
}
