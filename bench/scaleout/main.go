// Command scaleout measures what a second and a third ctg server add on
// one PostgreSQL database: the throughput of the convention pages and of
// a public form's submissions with one, two and three servers behind a
// round-robin reverse proxy.
//
// It builds ./cmd/ctg, creates a new schema on -db, loads the
// demonstration data and -conventions synthetic conventions, opens a
// survey, then for each count of -servers: starts that many `ctg serve`
// processes on loopback together (they migrate under one lock), each
// capped at -cpu processors by a control group, puts the proxy of
// bench/loadgen in front, and runs two phases of -clients clients: agents
// signed in once reading the pages of the conventions they see, whichever
// server answers (the session lives in the database), then residents
// answering the public form, each from an address of its own given in
// X-Forwarded-For, which the servers trust from the proxy and count in the
// database against --public-rate. Every acknowledged answer must be
// stored.
//
//	go run ./bench/scaleout -servers 1,2,3 -cpu 0.4 -clients 32 -duration 20s
//
// The CPU cap stands for machines of their own: on a machine of two cores,
// uncapped servers share the same cores and a second one cannot add what
// the first already uses. See bench/README.md and docs/performance.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"ctg/bench/loadgen"
)

type config struct {
	bin         string
	db          string
	servers     []int
	cpu         float64
	clients     int
	duration    time.Duration
	warmup      time.Duration
	conventions int
	rate        int
	asJSON      bool
}

func main() {
	var c config
	var servers string
	flag.StringVar(&c.bin, "bin", "", "ctg binary (default: built from ./cmd/ctg into a temporary folder)")
	flag.StringVar(&c.db, "db", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server to run on, in a new schema dropped at the end")
	flag.StringVar(&servers, "servers", "1,2,3", "counts of servers to measure, in turn")
	flag.Float64Var(&c.cpu, "cpu", 0.4, "processors each server may use (a control group's cap; 0: no cap)")
	flag.IntVar(&c.clients, "clients", 32, "concurrent clients of each phase")
	flag.DurationVar(&c.duration, "duration", 20*time.Second, "measured duration of each phase")
	flag.DurationVar(&c.warmup, "warmup", 3*time.Second, "warm-up of each phase, not measured")
	flag.IntVar(&c.conventions, "conventions", 100, "synthetic signed conventions (bench/dataset) added to the demonstration data")
	flag.IntVar(&c.rate, "public-rate", 600, "the servers' --public-rate, per resident's address")
	flag.BoolVar(&c.asJSON, "json", false, "print the results as JSON")
	flag.Parse()
	for f := range strings.SplitSeq(servers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "scaleout: -servers takes counts such as 1,2,3, not %q\n", servers)
			os.Exit(2)
		}
		c.servers = append(c.servers, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "scaleout:", err)
		os.Exit(1)
	}
}

// result is what one count of servers measured.
type result struct {
	Servers int         `json:"servers"`
	CPU     float64     `json:"cpu_per_server"`
	Pages   phaseResult `json:"convention_pages"`
	Form    phaseResult `json:"public_form"`
}

type phaseResult struct {
	Clients    int             `json:"clients"`
	Duration   float64         `json:"duration_s"`
	Count      int             `json:"count"`
	PerSecond  float64         `json:"per_s"`
	Ratio      float64         `json:"ratio_to_first"`
	Latency    loadgen.Latency `json:"latency"` // of the page, or of the POST of the answers
	Errors     int             `json:"errors"`
	ErrorKinds map[string]int  `json:"error_kinds,omitempty"`
	// ServerCPU is the processor time of the servers per counted
	// operation; CapUsed, the share of their caps the servers used during
	// the phase (near 1: the servers were the bottleneck; well below,
	// something else was: the database, the clients, the machine).
	ServerCPU float64 `json:"server_cpu_ms"`
	CapUsed   float64 `json:"cap_used,omitempty"`
	// DBCPU is PostgreSQL's processor time per operation (every postgres
	// process of the machine); ClientCPU, this process's: the clients and
	// the proxy.
	DBCPU     float64 `json:"db_cpu_ms"`
	ClientCPU float64 `json:"client_cpu_ms"`
	Stored    int     `json:"stored,omitempty"`
	Acked     int     `json:"acknowledged,omitempty"`
}

func run(ctx context.Context, c config) error {
	b, err := loadgen.NewBench(ctx, c.bin, c.db, c.conventions)
	if err != nil {
		return err
	}
	defer b.Close()
	var results []result
	for _, n := range c.servers {
		r, err := measure(ctx, c, b, n)
		if err != nil {
			return fmt.Errorf("%d servers: %w", n, err)
		}
		if len(results) > 0 {
			r.Pages.Ratio = r.Pages.PerSecond / results[0].Pages.PerSecond
			r.Form.Ratio = r.Form.PerSecond / results[0].Form.PerSecond
		} else {
			r.Pages.Ratio, r.Form.Ratio = 1, 1
		}
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "%d servers: %.0f pages/s, %.0f respondents/s\n", n, r.Pages.PerSecond, r.Form.PerSecond)
	}
	if c.asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	print(os.Stdout, c, results)
	for _, r := range results {
		if r.Pages.Errors+r.Form.Errors > 0 {
			return fmt.Errorf("%d servers: %d errors", r.Servers, r.Pages.Errors+r.Form.Errors)
		}
	}
	return nil
}

func measure(ctx context.Context, c config, b *loadgen.Bench, n int) (result, error) {
	cl, err := loadgen.StartCluster(ctx, n, func(int) loadgen.ServeConfig {
		return loadgen.ServeConfig{Bin: b.Bin, CPU: c.cpu,
			Args: []string{"--db", b.DSN, "--public-rate", strconv.Itoa(c.rate), "--trusted-proxies", "127.0.0.1/32"}}
	})
	if err != nil {
		return result{}, err
	}
	defer cl.Close()
	r := result{Servers: n, CPU: c.cpu}
	client := loadgen.NewClient(c.clients)

	// Agents: one sign-in, through the proxy, whose cookie every server
	// honours.
	agent := &loadgen.Session{Base: cl.Proxy.Base, Client: client}
	if err := agent.SignIn(ctx, loadgen.DemoEmail, loadgen.DemoPassword); err != nil {
		return r, err
	}
	ids, err := loadgen.ConventionIDs(ctx, agent)
	if err != nil {
		return r, err
	}
	if len(ids) == 0 {
		return r, errors.New("the demonstration account sees no convention")
	}
	next := make([]int, c.clients)
	r.Pages = phase(ctx, c, cl, func(ctx context.Context, rec *loadgen.Recorder, i int, measured bool) bool {
		path := "/conventions/" + ids[(i*len(ids)/c.clients+next[i])%len(ids)]
		next[i]++
		t0 := time.Now()
		status, _, err := agent.Get(ctx, path)
		d := time.Since(t0)
		if !measured {
			return false
		}
		if err != nil || status != http.StatusOK {
			rec.Fail(loadgen.ErrorKind("GET convention", status, err))
			return false
		}
		rec.Add("op", d)
		return true
	})

	// Residents, each with an address of its own.
	before, err := b.Responses(ctx)
	if err != nil {
		return r, err
	}
	residents := make([]*loadgen.Session, c.clients)
	rands := make([]*rand.Rand, c.clients)
	for i := range residents {
		residents[i] = &loadgen.Session{Base: cl.Proxy.Base, Client: client,
			Header: http.Header{"X-Forwarded-For": {fmt.Sprintf("10.%d.%d.%d", n, i/250, 1+i%250)}}}
		rands[i] = rand.New(rand.NewPCG(uint64(n), uint64(i)))
	}
	var acked atomic.Int64
	r.Form = phase(ctx, c, cl, func(ctx context.Context, rec *loadgen.Recorder, i int, measured bool) bool {
		_, post, ok, fail := loadgen.Respond(ctx, residents[i], b.Survey.PublicURL, rands[i])
		if ok {
			acked.Add(1)
		}
		switch {
		case !measured:
			return false
		case fail != "":
			rec.Fail(fail)
			return false
		}
		rec.Add("op", post)
		return true
	})
	after, err := b.Responses(ctx)
	if err != nil {
		return r, err
	}
	r.Form.Acked, r.Form.Stored = int(acked.Load()), after-before
	if r.Form.Acked != r.Form.Stored {
		return r, fmt.Errorf("%d answers acknowledged, %d stored", r.Form.Acked, r.Form.Stored)
	}
	return r, nil
}

// phase runs c.clients clients doing op in a loop; op records and says
// whether it counts.
func phase(ctx context.Context, c config, cl *loadgen.Cluster, op func(context.Context, *loadgen.Recorder, int, bool) bool) phaseResult {
	rec := loadgen.NewRecorder()
	var count atomic.Int64
	type usage struct{ servers, db, clients time.Duration }
	now := func() usage { return usage{cl.CPU(), loadgen.CommandCPU("postgres"), loadgen.CPUTime()} }
	start := make(chan usage, 1)
	time.AfterFunc(c.warmup, func() { start <- now() })
	loadgen.Phase(ctx, c.clients, c.warmup, c.duration, func(ctx context.Context, i int, measured bool) {
		if op(ctx, rec, i, measured) {
			count.Add(1)
		}
	})
	u1, u0 := now(), <-start
	times, errs := rec.Take()
	res := phaseResult{Clients: c.clients, Duration: c.duration.Seconds(), Count: int(count.Load()), Latency: loadgen.Summarize(times["op"]), ErrorKinds: errs}
	for _, n := range errs {
		res.Errors += n
	}
	if res.Count > 0 {
		res.PerSecond = float64(res.Count) / res.Duration
		per := func(d time.Duration) float64 { return loadgen.Ms(d / time.Duration(res.Count)) }
		res.ServerCPU, res.DBCPU, res.ClientCPU = per(u1.servers-u0.servers), per(u1.db-u0.db), per(u1.clients-u0.clients)
	}
	if c.cpu > 0 {
		res.CapUsed = (u1.servers - u0.servers).Seconds() / c.duration.Seconds() / (c.cpu * float64(len(cl.Procs)))
	}
	return res
}

func print(w io.Writer, c config, rs []result) {
	capped := "no cap"
	if c.cpu > 0 {
		capped = fmt.Sprintf("each capped at %.2f CPU", c.cpu)
	}
	fmt.Fprintf(w, "servers on one PostgreSQL behind a round-robin proxy, %s; %d clients, %v measured per phase\n", capped, c.clients, c.duration)
	for _, ph := range []struct {
		title string
		get   func(result) phaseResult
	}{
		{"convention pages, signed in (per page)", func(r result) phaseResult { return r.Pages }},
		{"public form, GET and POST (per respondent; latency of the POST)", func(r result) phaseResult { return r.Form }},
	} {
		fmt.Fprintf(w, "\n%s\n%8s %8s %7s %8s %8s %8s %8s %8s %6s\n", ph.title, "servers", "/s", "ratio", "p50 ms", "p99 ms", "srv ms", "db ms", "gen ms", "cap")
		for _, r := range rs {
			p := ph.get(r)
			fmt.Fprintf(w, "%8d %8.0f %6.2f× %8.2f %8.2f %8.2f %8.2f %8.2f %5.0f%%\n", r.Servers, p.PerSecond, p.Ratio, p.Latency.P50, p.Latency.P99, p.ServerCPU, p.DBCPU, p.ClientCPU, 100*p.CapUsed)
		}
	}
	fmt.Fprintln(w, "\nsrv, db, gen: processor time per operation of the servers, of PostgreSQL, of the clients and the proxy; cap: share of their CPU caps the servers used (near 100 %: they were the bottleneck)")
	var errs []string
	for _, r := range rs {
		for _, p := range []phaseResult{r.Pages, r.Form} {
			for k, n := range p.ErrorKinds {
				errs = append(errs, fmt.Sprintf("%d servers: %d × %s", r.Servers, n, k))
			}
		}
	}
	slices.Sort(errs)
	for _, e := range errs {
		fmt.Fprintln(w, "error:", e)
	}
	fmt.Fprintf(w, "answers: ")
	for _, r := range rs {
		fmt.Fprintf(w, "%d servers %d of %d stored; ", r.Servers, r.Form.Stored, r.Form.Acked)
	}
	fmt.Fprintln(w)
}
