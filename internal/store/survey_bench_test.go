package store_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ctg/bench/loadgen"
	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/survey"
	"ctg/internal/testdb"
)

// benchResponses is the number of responses of the benchmarked survey:
// 100,000, or CTG_BENCH_RESPONSES.
func benchResponses(b *testing.B) int {
	if s := os.Getenv("CTG_BENCH_RESPONSES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("CTG_BENCH_RESPONSES=%q", s)
		}
		return n
	}
	return 100_000
}

// benchQuestions are those of a usual survey of families: ten questions,
// every kind, and a few more multiple choices, as bench/respondents asks.
var benchQuestions = loadgen.Questions

// benchAnswers draws answers as a public form sends them.
func benchAnswers(r *rand.Rand) map[string][]string {
	v := map[string][]string{}
	pick := func(opts []string) []string { return []string{opts[r.IntN(len(opts))]} }
	some := func(key string, opts []string) {
		for _, o := range opts {
			if r.IntN(3) == 0 {
				v[key] = append(v[key], o)
			}
		}
	}
	q := benchQuestions
	v["age"] = pick(q[0].Options)
	v["commune"] = pick(latitude)
	v["situation"] = pick(q[2].Options)
	v["enfants"] = []string{strconv.Itoa(r.IntN(5))}
	some("ages_enfants", q[4].Options)
	some("modes", q[5].Options)
	v["satisfaction"] = []string{strconv.Itoa(1 + r.IntN(5))}
	some("difficultes", q[7].Options)
	if r.IntN(2) == 0 {
		v["information"] = pick(q[8].Options)
	}
	if r.IntN(3) == 0 {
		v["remarques"] = []string{"Il manque des places d'accueil le mercredi et pendant les vacances scolaires ; les horaires de la crèche ne conviennent pas à ceux qui travaillent tôt."}
	}
	return v
}

// surveyDB returns a database of the dialect with an open survey of the
// CTG Latitude Nord Gironde holding benchResponses responses, and a user
// who may read it. The responses are checked by survey.Check and spread into
// values by survey.Values, as AddResponse does, but written in one
// transaction of multi-row INSERTs (AddResponse, a transaction each, would
// take minutes).
func surveyDB(b *testing.B, dialect string) (*store.DB, *account.User, *survey.Survey) {
	b.Helper()
	ctx := context.Background()
	db := testdb.Store(b, dialect)
	ref := mustRef(b)
	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, cc, nil); err != nil {
		b.Fatal(err)
	}
	editor := mustUser(b, db, "editor@caf.fr", "caf-33", account.RoleEditor)
	c := convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2022-2026", CAF: "caf-33",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Start: "2022-11-01", End: "2026-12-31", Parties: []string{cc.ID}}
	if err := db.CreateConvention(ctx, ref, editor, &c); err != nil {
		b.Fatal(err)
	}
	sv := &survey.Survey{Title: "Vos besoins de familles", Closes: "2099-12-31", Questions: slices.Clone(benchQuestions)}
	if err := db.CreateSurvey(ctx, editor, c.ID, sv); err != nil {
		b.Fatal(err)
	}
	sv, err := db.OpenSurvey(ctx, editor, sv.ID)
	if err != nil {
		b.Fatal(err)
	}

	n := benchResponses(b)
	start := time.Now()
	inPerimeter := func(code string) (string, bool) { return code, slices.Contains(latitude, code) }
	r := rand.New(rand.NewPCG(1, 2))
	x := db.SQL()
	tx, err := x.BeginTxx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	const perInsert = 100
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var rq, vq strings.Builder
	var rargs, vargs []any
	flush := func() {
		if len(rargs) == 0 {
			return
		}
		if _, err := tx.ExecContext(ctx, x.Rebind(`INSERT INTO survey_responses (id, survey_id, channel, nonce, answers, created_at) VALUES `+rq.String()), rargs...); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, x.Rebind(`INSERT INTO response_values (survey_id, response_id, question_key, option, number, commune) VALUES `+vq.String()), vargs...); err != nil {
			b.Fatal(err)
		}
		rq.Reset()
		vq.Reset()
		rargs, vargs = rargs[:0], vargs[:0]
	}
	for id := 1; id <= n; id++ {
		a, err := sv.Check(benchAnswers(r), inPerimeter)
		if err != nil {
			b.Fatal(err)
		}
		js, err := json.Marshal(a)
		if err != nil {
			b.Fatal(err)
		}
		channel := survey.ChannelWeb
		if id%5 == 0 {
			channel = survey.ChannelPaper
		}
		if len(rargs) > 0 {
			rq.WriteString(", ")
		}
		rq.WriteString("(?, ?, ?, ?, ?, ?)")
		rargs = append(rargs, id, sv.ID, channel, nil, string(js), created.Add(time.Duration(id)*time.Second))
		for _, v := range sv.Values(a) {
			if len(vargs) > 0 {
				vq.WriteString(", ")
			}
			vq.WriteString("(?, ?, ?, ?, ?, ?)")
			vargs = append(vargs, sv.ID, id, v.Key, v.Option, v.Number, v.Commune)
		}
		if id%perInsert == 0 {
			flush()
		}
	}
	flush()
	if dialect == testdb.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('survey_responses', 'id'), $1)`, n); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if dialect == testdb.Postgres {
		// As autovacuum would after so many rows: statistics, and the
		// visibility map that lets a count read the index alone.
		for _, t := range []string{"survey_responses", "response_values"} {
			if _, err := x.ExecContext(ctx, `VACUUM ANALYZE `+t); err != nil {
				b.Fatal(err)
			}
		}
	}
	var values int
	if err := x.Get(&values, `SELECT COUNT(*) FROM response_values`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d responses, %d values stored in %v", dialect, n, values, time.Since(start).Round(time.Millisecond))
	return db, editor, sv
}

// benchLatencies runs op b.N times and reports the p50 and p99 of its
// durations. prep, when not nil, runs before each op, outside the timer
// and the durations.
func benchLatencies(b *testing.B, prep func(), op func() error) {
	durations := make([]time.Duration, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		if prep != nil {
			b.StopTimer()
			prep()
			b.StartTimer()
		}
		start := time.Now()
		err := op()
		durations = append(durations, time.Since(start))
		if err != nil {
			b.Fatal(err)
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

// BenchmarkSurveyResults is the results of every question of a survey of
// 100,000 responses, unfiltered (budget 200 ms). "cold" counts every
// response, as the first reading does; "live" is a coordinator watching
// answers arrive: ten new answers before each reading, added to the
// running tally.
func BenchmarkSurveyResults(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			db, u, sv := surveyDB(b, dialect)
			n := benchResponses(b)
			ctx := context.Background()
			read := func() error {
				res, err := db.Results(ctx, u, sv.ID, survey.Filter{})
				if err == nil && (res.Responses < n || len(res.Questions) != 10) {
					b.Fatalf("%d responses, %d questions", res.Responses, len(res.Questions))
				}
				return err
			}
			b.Run("cold", func(b *testing.B) {
				benchLatencies(b, func() { forgetTallies(b, db) }, read)
			})
			b.Run("live", func(b *testing.B) {
				arrive := newArrivals(b, db, sv)
				benchLatencies(b, func() { arrive(10) }, read)
			})
		})
	}
}

// BenchmarkSurveyPage is what the results page reads over a survey of
// 100,000 responses: the results, the responses per day and the first 200
// free-text answers with their count (budget 200 ms). "cold" and "live"
// are those of BenchmarkSurveyResults, unfiltered; "commune" is "live"
// filtered by a commune; "search" is "live" with a search in the free
// text, which reads every response with a text answer.
func BenchmarkSurveyPage(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			db, u, sv := surveyDB(b, dialect)
			n := benchResponses(b)
			ctx := context.Background()
			read := func(f survey.Filter, search string) func() error {
				return func() error {
					res, err := db.Results(ctx, u, sv.ID, f)
					if err != nil {
						return err
					}
					days, err := db.ResponseDays(ctx, u, sv.ID, f)
					if err != nil {
						return err
					}
					texts, err := db.TextAnswers(ctx, u, sv.ID, f, search, 200, res)
					if err != nil {
						return err
					}
					total := 0
					for _, d := range days {
						total += d.Web + d.Paper
					}
					if total != res.Responses || (f == survey.Filter{} && total < n) || len(texts["remarques"].First) != min(200, texts["remarques"].Count) {
						b.Fatalf("%d responses, %d by day, %d texts of %d", res.Responses, total, len(texts["remarques"].First), texts["remarques"].Count)
					}
					return nil
				}
			}
			b.Run("cold", func(b *testing.B) {
				benchLatencies(b, func() { forgetTallies(b, db) }, read(survey.Filter{}, ""))
			})
			arrive := newArrivals(b, db, sv)
			b.Run("live", func(b *testing.B) {
				benchLatencies(b, func() { arrive(10) }, read(survey.Filter{}, ""))
			})
			b.Run("commune", func(b *testing.B) {
				commune := read(survey.Filter{Commune: latitude[0]}, "")
				if err := commune(); err != nil { // the filter's first reading, cold
					b.Fatal(err)
				}
				benchLatencies(b, func() { arrive(10) }, commune)
			})
			b.Run("search", func(b *testing.B) {
				benchLatencies(b, func() { arrive(10) }, read(survey.Filter{}, "mercredi"))
			})
		})
	}
}

// BenchmarkSurveyCrosstab crosses the age band with the modes of care (a
// multiple choice) over 100,000 responses (budget 100 ms), "cold" and
// "live" as BenchmarkSurveyResults.
func BenchmarkSurveyCrosstab(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			db, u, sv := surveyDB(b, dialect)
			ctx := context.Background()
			read := func() error {
				ct, err := db.Crosstab(ctx, u, sv.ID, "age", "modes", survey.Filter{})
				if err == nil && (len(ct.Rows) != 5 || len(ct.Cols) != 5) {
					b.Fatalf("%d × %d", len(ct.Rows), len(ct.Cols))
				}
				return err
			}
			b.Run("cold", func(b *testing.B) {
				benchLatencies(b, func() { forgetTallies(b, db) }, read)
			})
			b.Run("live", func(b *testing.B) {
				arrive := newArrivals(b, db, sv)
				benchLatencies(b, func() { arrive(10) }, read)
			})
		})
	}
}

// forgetTallies drops the running results, so that the next reading
// counts every response.
func forgetTallies(b *testing.B, db *store.DB) {
	if _, err := db.SQL().Exec(`DELETE FROM survey_tallies`); err != nil {
		b.Fatal(err)
	}
}

// newArrivals returns a function that stores n new web answers to sv,
// outside the timer.
func newArrivals(b *testing.B, db *store.DB, sv *survey.Survey) func(n int) {
	r := rand.New(rand.NewPCG(5, 6))
	inPerimeter := func(code string) (string, bool) { return code, slices.Contains(latitude, code) }
	return func(n int) {
		for range n {
			a, err := sv.Check(benchAnswers(r), inPerimeter)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.AddResponse(context.Background(), sv, a, survey.ChannelWeb, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkSurveyExportCSV writes the CSV export of 100,000 responses as
// the handler does (store.DB.EachResponse, Survey.ExportRow, a csv.Writer
// with semicolons) to io.Discard (budget 3 s, memory flat). It reports
// the heap in use after the export less before it, after a collection
// each time, and the most the heap held during the export, sampled.
func BenchmarkSurveyExportCSV(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			db, u, sv := surveyDB(b, dialect)
			n := benchResponses(b)
			ctx := context.Background()
			b.Run("csv", func(b *testing.B) {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				var peak uint64
				done := make(chan struct{})
				sampled := make(chan struct{})
				go func() {
					defer close(sampled)
					var m runtime.MemStats
					t := time.NewTicker(20 * time.Millisecond)
					defer t.Stop()
					for {
						select {
						case <-done:
							return
						case <-t.C:
							runtime.ReadMemStats(&m)
							peak = max(peak, m.HeapInuse)
						}
					}
				}()
				benchLatencies(b, nil, func() error {
					cw := csv.NewWriter(io.Discard)
					cw.Comma = ';'
					if err := cw.Write(sv.ExportHeader()); err != nil {
						return err
					}
					rows := 0
					err := db.EachResponse(ctx, u, sv.ID, func(resp *survey.Response) error {
						rows++
						return cw.Write(sv.ExportRow(resp))
					})
					cw.Flush()
					if err == nil && rows != n {
						b.Fatalf("%d rows", rows)
					}
					if err == nil {
						err = cw.Error()
					}
					return err
				})
				close(done)
				<-sampled
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse)), "heap-growth-B")
				b.ReportMetric(float64(before.HeapInuse), "heap-before-B")
				b.ReportMetric(float64(peak), "heap-peak-B")
			})
		})
	}
}
