// Command respondents puts the public form of a survey under the load of
// many residents answering it, and checks that every answer the server
// acknowledged is in the database.
//
// It starts the server in-process (cli.Start, with the demonstration data
// and, unless -public-rate says otherwise, no flood limit) over -db, creates and opens a
// ten-question survey of the CTG Latitude Nord Gironde through the store,
// then runs -clients goroutines that each, in a loop, GET the form, read
// its nonce and POST valid answers drawn at random, counting the 303s.
// Requests of the -warmup are not measured. At the end it counts the
// responses stored: they must equal the acknowledged ones.
//
//	go run ./bench/respondents -clients 64 -duration 20s
//	go run ./bench/respondents -db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable' -clients 64 -duration 20s
//
// See bench/README.md and docs/performance.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"ctg/bench/dataset"
	"ctg/bench/loadgen"
	"ctg/internal/cli"
	"ctg/internal/survey"
)

type config struct {
	db         string
	fresh      bool
	clients    int
	duration   time.Duration
	warmup     time.Duration
	asJSON     bool
	cpuprofile string
	rate       int
}

func main() {
	var c config
	flag.StringVar(&c.db, "db", "", "database of the in-process server: a SQLite file or a postgres:// URL (default: a new SQLite file in a temporary folder)")
	flag.BoolVar(&c.fresh, "fresh", true, "with a postgres:// -db, run in a new schema dropped at the end")
	flag.IntVar(&c.clients, "clients", 64, "concurrent respondents")
	flag.DurationVar(&c.duration, "duration", 20*time.Second, "measured duration")
	flag.DurationVar(&c.warmup, "warmup", 2*time.Second, "duration of the warm-up, not measured")
	flag.IntVar(&c.rate, "public-rate", 0, "the server's --public-rate: 0 for no limit; a limit the run never reaches measures the cost of counting")
	flag.BoolVar(&c.asJSON, "json", false, "print the result as JSON")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured phase to this file (server and clients)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "respondents:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	dsn, cleanup, err := dataset.Database(ctx, c.db, c.fresh, "ctg-respondents-")
	if err != nil {
		return err
	}
	defer cleanup()
	start := time.Now()
	srv, err := cli.Start(ctx, cli.ServeConfig{Addr: "127.0.0.1:0", DB: dsn, Demo: true, PublicRate: c.rate, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	defer srv.Close()
	fmt.Fprintf(os.Stderr, "server on %s over %s, ready in %v\n", srv.Addr, dataset.Redact(dsn), time.Since(start).Round(time.Millisecond))
	sv, err := loadgen.OpenSurvey(ctx, srv.DB)
	if err != nil {
		return err
	}
	base := "http://" + srv.Addr
	fmt.Fprintf(os.Stderr, "%d respondents on %s%s: %v of warm-up, then %v measured\n", c.clients, base, sv.PublicURL, c.warmup, c.duration)

	res, err := load(ctx, base, sv, c)
	if err != nil {
		return err
	}
	// Every acknowledged answer must be stored, and nothing else.
	var stored int
	if err := srv.DB.SQL().GetContext(ctx, &stored, srv.DB.SQL().Rebind(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`), sv.ID); err != nil {
		return err
	}
	res.Stored = stored
	res.Clients = c.clients
	if c.asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		res.print(os.Stdout)
	}
	if stored != res.Acknowledged {
		return fmt.Errorf("%d answers acknowledged, %d stored", res.Acknowledged, stored)
	}
	return nil
}

// result is what a run measured.
type result struct {
	Clients      int                        `json:"clients"`
	Duration     float64                    `json:"duration_s"`
	Respondents  int                        `json:"respondents"`
	PerSecond    float64                    `json:"respondents_per_s"`
	Requests     map[string]loadgen.Latency `json:"requests"`
	Errors       int                        `json:"errors"`
	ErrorKinds   map[string]int             `json:"error_kinds,omitempty"`
	Acknowledged int                        `json:"acknowledged"`
	Stored       int                        `json:"stored"`
	// CPU is the processor time this process used per measured
	// respondent, user and system: server and clients, without the
	// PostgreSQL server's.
	CPU float64 `json:"cpu_ms_per_respondent"`
}

func (r result) print(w io.Writer) {
	fmt.Fprintf(w, "respondents %d in %.1f s: %.0f respondents/s, %d clients\n", r.Respondents, r.Duration, r.PerSecond, r.Clients)
	for _, k := range []string{"GET form", "POST answers"} {
		fmt.Fprintf(w, "%-12s %s\n", k, r.Requests[k])
	}
	fmt.Fprintf(w, "cpu          %.2f ms per respondent (this process, user + system)\n", r.CPU)
	fmt.Fprintf(w, "errors       %d\n", r.Errors)
	for k, n := range r.ErrorKinds {
		fmt.Fprintf(w, "             %d × %s\n", n, k)
	}
	fmt.Fprintf(w, "stored       %d of %d acknowledged (warm-up included)\n", r.Stored, r.Acknowledged)
}

// load runs the respondents. A respondent is measured when it began after
// the warm-up and before the end and its answer was acknowledged.
func load(ctx context.Context, base string, sv *survey.Survey, c config) (result, error) {
	var prof *os.File
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return result{}, err
		}
		defer f.Close()
		prof = f
	}
	cpuStart := make(chan time.Duration, 1)
	time.AfterFunc(c.warmup, func() {
		cpuStart <- loadgen.CPUTime()
		if prof != nil {
			if err := pprof.StartCPUProfile(prof); err != nil {
				fmt.Fprintln(os.Stderr, "respondents: cpu profile:", err)
			}
		}
	})
	s := &loadgen.Session{Base: base, Client: loadgen.NewClient(c.clients)}
	rec := loadgen.NewRecorder()
	var respondents, acked atomic.Int64
	rands := make([]*rand.Rand, c.clients)
	for n := range rands {
		rands[n] = rand.New(rand.NewPCG(uint64(n), 42))
	}
	loadgen.Phase(ctx, c.clients, c.warmup, c.duration, func(ctx context.Context, n int, measured bool) {
		get, post, ok, fail := loadgen.Respond(ctx, s, sv.PublicURL, rands[n])
		switch {
		case fail != "":
			rec.Fail(fail)
		case ok:
			acked.Add(1)
			if measured {
				respondents.Add(1)
				rec.Add("GET form", get)
				rec.Add("POST answers", post)
			}
		}
	})
	cpu := loadgen.CPUTime() - <-cpuStart
	if prof != nil {
		pprof.StopCPUProfile()
	}
	times, errs := rec.Take()
	res := result{Duration: c.duration.Seconds(), Respondents: int(respondents.Load()), Acknowledged: int(acked.Load()), ErrorKinds: errs,
		Requests: map[string]loadgen.Latency{"GET form": loadgen.Summarize(times["GET form"]), "POST answers": loadgen.Summarize(times["POST answers"])}}
	for _, n := range errs {
		res.Errors += n
	}
	if res.Respondents > 0 {
		res.PerSecond = float64(res.Respondents) / res.Duration
		res.CPU = loadgen.Ms(cpu / time.Duration(res.Respondents))
	}
	return res, nil
}
