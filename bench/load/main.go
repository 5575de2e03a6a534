// Command load puts a ctg server under the load of many signed-in clients
// and prints the throughput and the latencies they saw.
//
// It starts the server in-process (cli.Start, with the demonstration data)
// over -db, or drives a running one given by -url. It signs in, lists the
// conventions the account sees through the API, then runs -clients
// goroutines that request the pages of the scenario in a loop for
// -duration, after -warmup seconds whose requests are not counted.
//
//	go run ./bench/load -clients 32 -duration 20s
//	go run ./bench/load -db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable' -clients 32 -duration 20s
//	go run ./bench/load -url http://127.0.0.1:8080 -scenario territories
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
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"ctg/bench/dataset"
	"ctg/bench/loadgen"
	"ctg/internal/cli"
)

type config struct {
	db          string
	url         string
	fresh       bool
	clients     int
	duration    time.Duration
	warmup      time.Duration
	think       time.Duration
	scenario    string
	email       string
	password    string
	conventions int
	asJSON      bool
	cpuprofile  string
}

func main() {
	var c config
	flag.StringVar(&c.db, "db", "", "database of the in-process server: a SQLite file or a postgres:// URL (default: a new SQLite file in a temporary folder)")
	flag.StringVar(&c.url, "url", "", "origin of a running server to load instead, e.g. http://127.0.0.1:8080 (then -db, -fresh and -conventions do not apply)")
	flag.BoolVar(&c.fresh, "fresh", true, "with a postgres:// -db, run in a new schema dropped at the end")
	flag.IntVar(&c.clients, "clients", 32, "concurrent clients")
	flag.DurationVar(&c.duration, "duration", 20*time.Second, "measured duration")
	flag.DurationVar(&c.warmup, "warmup", 2*time.Second, "duration of the warm-up, not measured")
	flag.DurationVar(&c.think, "think", 0, "pause of each client between two requests, drawn between half and one and a half times this (0: none, the server is kept busy)")
	flag.StringVar(&c.scenario, "scenario", "conventions", "what the clients request: "+strings.Join(scenarioNames(), ", "))
	flag.StringVar(&c.email, "email", loadgen.DemoEmail, "account to sign in with")
	flag.StringVar(&c.password, "password", loadgen.DemoPassword, "its password")
	flag.IntVar(&c.conventions, "conventions", 0, "synthetic signed conventions (bench/dataset) to add before the run, in-process only")
	flag.BoolVar(&c.asJSON, "json", false, "print the result as JSON")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured phase to this file (server and clients, when in-process)")
	flag.Parse()
	if _, ok := scenarios[c.scenario]; !ok {
		fmt.Fprintf(os.Stderr, "load: unknown scenario %q (%s)\n", c.scenario, strings.Join(scenarioNames(), ", "))
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	base := strings.TrimRight(c.url, "/")
	if base == "" {
		dsn, cleanup, err := dataset.Database(ctx, c.db, c.fresh, "ctg-load-")
		if err != nil {
			return err
		}
		defer cleanup()
		start := time.Now()
		srv, err := cli.Start(ctx, cli.ServeConfig{Addr: "127.0.0.1:0", DB: dsn, Demo: true, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			return fmt.Errorf("starting the server: %w", err)
		}
		defer srv.Close()
		fmt.Fprintf(os.Stderr, "server on %s over %s, ready in %v\n", srv.Addr, dataset.Redact(dsn), time.Since(start).Round(time.Millisecond))
		if c.conventions > 0 {
			start := time.Now()
			if _, err := dataset.Insert(ctx, srv.DB, srv.Ref, c.conventions); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "%d synthetic conventions stored in %v\n", c.conventions, time.Since(start).Round(time.Millisecond))
		}
		base = "http://" + srv.Addr
	}

	s := &loadgen.Session{Base: base, Client: loadgen.NewClient(c.clients)}
	if err := s.SignIn(ctx, c.email, c.password); err != nil {
		return err
	}
	paths, err := scenarios[c.scenario].paths(ctx, s)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("scenario %s: nothing to request (does %s see any convention?)", c.scenario, c.email)
	}
	fmt.Fprintf(os.Stderr, "%d clients × %d paths of scenario %s, pause %v: %v of warm-up, then %v measured\n",
		c.clients, len(paths), c.scenario, c.think, c.warmup, c.duration)

	res, err := load(ctx, s, paths, c)
	if err != nil {
		return err
	}
	res.Scenario, res.Clients, res.Paths, res.Think = c.scenario, c.clients, len(paths), c.think.Seconds()
	if c.asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	res.print(os.Stdout)
	return nil
}

// A scenario says which paths the clients request, each client going
// through them in turn from a different starting point.
type scenario struct {
	about string
	paths func(context.Context, *loadgen.Session) ([]string, error)
}

var scenarios = map[string]scenario{
	"conventions": {"the page of each visible convention, /conventions/{id}", func(ctx context.Context, s *loadgen.Session) ([]string, error) {
		ids, err := loadgen.ConventionIDs(ctx, s)
		paths := make([]string, len(ids))
		for i, id := range ids {
			paths[i] = "/conventions/" + id
		}
		return paths, err
	}},
	"conventions-api": {"the JSON of each visible convention, /api/v1/conventions/{id}", func(ctx context.Context, s *loadgen.Session) ([]string, error) {
		ids, err := loadgen.ConventionIDs(ctx, s)
		paths := make([]string, len(ids))
		for i, id := range ids {
			paths[i] = "/api/v1/conventions/" + id
		}
		return paths, err
	}},
	"territories": {"the search page of territories, /territoires?q=…", func(context.Context, *loadgen.Session) ([]string, error) {
		var paths []string
		for _, q := range []string{"saint", "saint joseph", "bordeaux", "cc latitude", "33", "ile", "la", "mont",
			"ile de re", "val", "l", "saint martin de", "97412", "pays de la", "métropole", "sainte marie"} {
			paths = append(paths, "/territoires?q="+url.QueryEscape(q))
		}
		return paths, nil
	}},
	"coverage": {"the coverage of France and of the Gironde, /api/v1/coverage", func(context.Context, *loadgen.Session) ([]string, error) {
		return []string{"/api/v1/coverage?date=" + dataset.Date, "/api/v1/coverage?departement=33&date=" + dataset.Date}, nil
	}},
}

func scenarioNames() []string {
	var names []string
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// result is what a run measured.
type result struct {
	Scenario   string  `json:"scenario"`
	Clients    int     `json:"clients"`
	Paths      int     `json:"paths"`
	Think      float64 `json:"think_s"`
	Duration   float64 `json:"duration_s"`
	Requests   int     `json:"requests"`
	Throughput float64 `json:"requests_per_s"`
	Mean       float64 `json:"mean_ms"`
	P50        float64 `json:"p50_ms"`
	P90        float64 `json:"p90_ms"`
	P99        float64 `json:"p99_ms"`
	Max        float64 `json:"max_ms"`
	Errors     int     `json:"errors"`
	// CPU is the processor time this process used per counted request,
	// user and system: server and clients when the server runs in-process,
	// without the PostgreSQL server's.
	CPU        float64        `json:"cpu_ms_per_request"`
	ErrorKinds map[string]int `json:"error_kinds,omitempty"`
}

func (r result) print(w io.Writer) {
	fmt.Fprintf(w, "scenario    %s (%d paths), %d clients, pause %gs\n", r.Scenario, r.Paths, r.Clients, r.Think)
	fmt.Fprintf(w, "requests    %d in %.1f s: %.0f requests/s\n", r.Requests, r.Duration, r.Throughput)
	fmt.Fprintf(w, "latency     mean %.2f ms, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", r.Mean, r.P50, r.P90, r.P99, r.Max)
	fmt.Fprintf(w, "cpu         %.2f ms per request (this process, user + system)\n", r.CPU)
	fmt.Fprintf(w, "errors      %d\n", r.Errors)
	for k, n := range r.ErrorKinds {
		fmt.Fprintf(w, "            %d × %s\n", n, k)
	}
}

// load runs the clients and gathers their latencies. A request counts when
// it starts after the warm-up and before the end.
func load(ctx context.Context, s *loadgen.Session, paths []string, c config) (result, error) {
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
				fmt.Fprintln(os.Stderr, "load: cpu profile:", err)
			}
		}
	})
	rec := loadgen.NewRecorder()
	next := make([]int, c.clients)
	for n := range next {
		next[n] = n * len(paths) / c.clients
	}
	until := time.Now().Add(c.warmup + c.duration)
	loadgen.Phase(ctx, c.clients, c.warmup, c.duration, func(ctx context.Context, n int, measured bool) {
		path := paths[next[n]%len(paths)]
		next[n]++
		t0 := time.Now()
		status, _, err := s.Get(ctx, path)
		elapsed := time.Since(t0)
		if c.think > 0 {
			time.Sleep(min(c.think/2+rand.N(c.think), time.Until(until)))
		}
		switch {
		case !measured:
		case err != nil || status != http.StatusOK:
			rec.Fail(loadgen.ErrorKind("GET", status, err))
		default:
			rec.Add("GET", elapsed)
		}
	})
	cpu := loadgen.CPUTime() - <-cpuStart
	if prof != nil {
		pprof.StopCPUProfile()
	}
	times, errs := rec.Take()
	l := loadgen.Summarize(times["GET"])
	r := result{Duration: c.duration.Seconds(), Requests: l.Count, Mean: l.Mean, P50: l.P50, P90: l.P90, P99: l.P99, Max: l.Max, ErrorKinds: errs}
	for _, n := range errs {
		r.Errors += n
	}
	if l.Count > 0 {
		r.Throughput = float64(l.Count) / r.Duration
		r.CPU = loadgen.Ms(cpu / time.Duration(l.Count))
	}
	return r, nil
}
