// Command soak holds ctg under a mixed load for a long time (ten minutes
// by default) and reports, minute by minute, the throughput, the
// latencies, the errors and the memory of the servers: what must stay
// flat for a server to run for months.
//
// It builds ./cmd/ctg, prepares a new schema on -db as bench/scaleout
// does (demonstration data, synthetic conventions, an open survey), starts
// -servers servers behind the round-robin proxy of bench/loadgen, each
// with /metrics on a port of its own, and runs three kinds of clients
// together, each pausing between two actions as people do:
//
//   - agents, signed in, reading the dashboard, the list of conventions,
//     and a convention's page, plan, budget, diagnostic, reviews and the
//     survey's results;
//   - editors, signed in, each revising the description of an action of
//     the demonstration plan through the API (GET for the ETag, PATCH with
//     If-Match), and every fourth time recording a finding;
//   - residents answering the public form, each from an address of its own.
//
// Every 15 s it reads each server's resident memory (/proc), heap and
// goroutines (/metrics). At the end it prints a line per minute and the
// verdicts: no error, p99 under 100 ms, no growth of memory or goroutines
// between the second minute and the last.
//
//	go run ./bench/soak -duration 10m
//
// See bench/README.md and docs/performance.md.
package main

import (
	"bufio"
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
	"sync"
	"sync/atomic"
	"time"

	"ctg/bench/loadgen"
	"ctg/internal/survey"
)

type config struct {
	bin         string
	db          string
	servers     int
	duration    time.Duration
	warmup      time.Duration
	agents      int
	editors     int
	residents   int
	think       time.Duration
	conventions int
	asJSON      bool
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "", "ctg binary (default: built from ./cmd/ctg into a temporary folder)")
	flag.StringVar(&c.db, "db", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server to run on, in a new schema dropped at the end")
	flag.IntVar(&c.servers, "servers", 2, "servers behind the proxy")
	flag.DurationVar(&c.duration, "duration", 10*time.Minute, "measured duration")
	flag.DurationVar(&c.warmup, "warmup", 30*time.Second, "warm-up, not measured")
	flag.IntVar(&c.agents, "agents", 24, "agents reading pages")
	flag.IntVar(&c.editors, "editors", 4, "editors revising actions and recording findings")
	flag.IntVar(&c.residents, "residents", 16, "residents answering the public form")
	flag.DurationVar(&c.think, "think", 400*time.Millisecond, "mean pause of a client between two actions, drawn between half and one and a half times this")
	flag.IntVar(&c.conventions, "conventions", 100, "synthetic signed conventions (bench/dataset) added to the demonstration data")
	flag.BoolVar(&c.asJSON, "json", false, "print the result as JSON")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

// minute is what one minute of the run measured.
type minute struct {
	Minute     int             `json:"minute"`
	Requests   int             `json:"requests"`
	PerSecond  float64         `json:"per_s"`
	Latency    loadgen.Latency `json:"latency"`
	Errors     int             `json:"errors"`
	RSS        float64         `json:"rss_mb"`  // summed over the servers, at the minute's end
	Heap       float64         `json:"heap_mb"` // likewise
	Goroutines int             `json:"goroutines"`
}

type report struct {
	Servers    int                        `json:"servers"`
	Duration   float64                    `json:"duration_s"`
	Minutes    []minute                   `json:"minutes"`
	Overall    loadgen.Latency            `json:"overall"`
	ByKind     map[string]loadgen.Latency `json:"by_kind"`
	Errors     int                        `json:"errors"`
	ErrorKinds map[string]int             `json:"error_kinds,omitempty"`
	Acked      int                        `json:"answers_acknowledged"`
	Stored     int                        `json:"answers_stored"`
	Edits      int                        `json:"edits"`
}

func run(ctx context.Context, c config) error {
	b, err := loadgen.NewBench(ctx, c.bin, c.db, c.conventions)
	if err != nil {
		return err
	}
	defer b.Close()
	// Each server with its metrics on a port of its own.
	metricsAddrs := make([]string, c.servers)
	for i := range metricsAddrs {
		if metricsAddrs[i], err = loadgen.FreeAddr(); err != nil {
			return err
		}
	}
	cl, err := loadgen.StartCluster(ctx, c.servers, func(i int) loadgen.ServeConfig {
		return loadgen.ServeConfig{Bin: b.Bin, Args: []string{"--db", b.DSN, "--trusted-proxies", "127.0.0.1/32", "--metrics-addr", metricsAddrs[i]}}
	})
	if err != nil {
		return err
	}
	defer cl.Close()
	w, err := newWorkload(ctx, c, cl.Proxy.Base, b.Survey)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d servers; %d agents, %d editors, %d residents, pause %v: %v of warm-up, then %v measured\n",
		c.servers, c.agents, c.editors, c.residents, c.think, c.warmup, c.duration)

	rep := report{Servers: c.servers, Duration: c.duration.Seconds(), ByKind: map[string]loadgen.Latency{}, ErrorKinds: map[string]int{}}
	all := map[string][]time.Duration{}
	done := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		// A minute's line: what was recorded since the last, and the
		// memory at its end.
		time.Sleep(c.warmup)
		w.rec.Take()
		tick := time.NewTicker(time.Minute)
		defer tick.Stop()
		for m := 1; ; m++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			times, errs := w.rec.Take()
			var ds []time.Duration
			for k, t := range times {
				all[k] = append(all[k], t...)
				ds = append(ds, t...)
			}
			line := minute{Minute: m, Requests: len(ds), PerSecond: float64(len(ds)) / 60, Latency: loadgen.Summarize(ds)}
			for k, n := range errs {
				line.Errors += n
				rep.ErrorKinds[k] += n
			}
			for i, p := range cl.Procs {
				rss, _, _ := p.Memory()
				line.RSS += float64(rss) / 1024
				heap, goroutines := readMetrics(metricsAddrs[i])
				line.Heap += heap / (1 << 20)
				line.Goroutines += goroutines
			}
			rep.Minutes = append(rep.Minutes, line)
			fmt.Fprintf(os.Stderr, "minute %2d: %5.0f req/s, p99 %6.2f ms, %d errors, RSS %.0f MB, heap %.0f MB, %d goroutines\n",
				m, line.PerSecond, line.Latency.P99, line.Errors, line.RSS, line.Heap, line.Goroutines)
		}
	})
	w.run(ctx, c)
	close(done)
	sampler.Wait()
	// What came after the last full minute counts in the totals.
	times, errs := w.rec.Take()
	for k, t := range times {
		all[k] = append(all[k], t...)
	}
	for k, n := range errs {
		rep.ErrorKinds[k] += n
	}

	var ds []time.Duration
	for k, t := range all {
		rep.ByKind[k] = loadgen.Summarize(t)
		ds = append(ds, t...)
	}
	rep.Overall = loadgen.Summarize(ds)
	for _, n := range rep.ErrorKinds {
		rep.Errors += n
	}
	rep.Edits = int(w.edits.Load())
	rep.Acked = int(w.acked.Load())
	if rep.Stored, err = b.Responses(ctx); err != nil {
		return err
	}
	if c.asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.print(os.Stdout)
	}
	return rep.verdict()
}

func (r report) print(w io.Writer) {
	fmt.Fprintf(w, "%d servers on one PostgreSQL behind a round-robin proxy, %.0f s measured\n\n", r.Servers, r.Duration)
	fmt.Fprintf(w, "%6s %8s %8s %8s %8s %6s %8s %8s %10s\n", "minute", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "RSS MB", "heap MB", "goroutines")
	for _, m := range r.Minutes {
		fmt.Fprintf(w, "%6d %8.0f %8.2f %8.2f %8.2f %6d %8.0f %8.0f %10d\n", m.Minute, m.PerSecond, m.Latency.P50, m.Latency.P99, m.Latency.Max, m.Errors, m.RSS, m.Heap, m.Goroutines)
	}
	fmt.Fprintf(w, "\nall    %s\n", r.Overall)
	kinds := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-22s %s\n", k, r.ByKind[k])
	}
	fmt.Fprintf(w, "edits %d; answers %d stored of %d acknowledged\n", r.Edits, r.Stored, r.Acked)
	for k, n := range r.ErrorKinds {
		fmt.Fprintf(w, "error: %d × %s\n", n, k)
	}
}

// verdict says what the run must show: no error, a p99 under 100 ms,
// every acknowledged answer stored, and memory and goroutines as in the
// second minute (the first holds the caches filling), within 20 %.
func (r report) verdict() error {
	var bad []string
	if r.Errors > 0 {
		bad = append(bad, fmt.Sprintf("%d errors", r.Errors))
	}
	if r.Overall.P99 >= 100 {
		bad = append(bad, fmt.Sprintf("p99 %.1f ms, not under 100 ms", r.Overall.P99))
	}
	if r.Stored != r.Acked {
		bad = append(bad, fmt.Sprintf("%d answers acknowledged, %d stored", r.Acked, r.Stored))
	}
	if n := len(r.Minutes); n >= 3 {
		first, last := r.Minutes[1], r.Minutes[n-1]
		if last.RSS > 1.2*first.RSS {
			bad = append(bad, fmt.Sprintf("resident memory grew from %.0f MB to %.0f MB", first.RSS, last.RSS))
		}
		if last.Goroutines > first.Goroutines+first.Goroutines/5+10 {
			bad = append(bad, fmt.Sprintf("goroutines grew from %d to %d", first.Goroutines, last.Goroutines))
		}
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, "; "))
	}
	fmt.Println("verdict: no error, p99 under 100 ms, every answer stored, memory and goroutines flat")
	return nil
}

// readMetrics reads the heap in bytes and the goroutines from a server's
// /metrics.
func readMetrics(addr string) (heap float64, goroutines int) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, _ := strconv.ParseFloat(value, 64)
		switch name {
		case "go_memstats_heap_alloc_bytes":
			heap = v
		case "go_goroutines":
			goroutines = int(v)
		}
	}
	return heap, goroutines
}

// workload is the clients of the three kinds and what they need.
type workload struct {
	rec       *loadgen.Recorder
	agent     *loadgen.Session
	pages     []string
	actions   []string // ids of the actions the editors revise
	findingOn string   // the convention the editors record findings on
	residents []*loadgen.Session
	form      string
	edits     atomic.Int64
	acked     atomic.Int64
}

func newWorkload(ctx context.Context, c config, base string, sv *survey.Survey) (*workload, error) {
	client := loadgen.NewClient(c.agents + c.editors + c.residents)
	w := &workload{rec: loadgen.NewRecorder(), agent: &loadgen.Session{Base: base, Client: client}, form: sv.PublicURL}
	if err := w.agent.SignIn(ctx, loadgen.DemoEmail, loadgen.DemoPassword); err != nil {
		return nil, err
	}
	ids, err := loadgen.ConventionIDs(ctx, w.agent)
	if err != nil {
		return nil, err
	}
	w.pages = []string{"/", "/conventions", "/conventions?statut=signed", "/questionnaires/" + sv.ID + "/resultats", "/territoires?q=saint"}
	for i, id := range ids {
		w.pages = append(w.pages, "/conventions/"+id)
		if i < 12 { // the demonstration's, and a few synthetic ones
			w.pages = append(w.pages, "/conventions/"+id+"/plan", "/conventions/"+id+"/budget", "/conventions/"+id+"/diagnostic", "/conventions/"+id+"/bilans")
		}
	}
	// The actions of the demonstration's plan.
	var plan struct {
		Axes []struct {
			Actions []struct {
				ID string `json:"id"`
			} `json:"actions"`
		} `json:"axes"`
	}
	for _, id := range ids {
		status, body, err := w.agent.Get(ctx, "/api/v1/conventions/"+id+"/plan")
		if err != nil || status != http.StatusOK || json.Unmarshal(body, &plan) != nil {
			continue
		}
		for _, a := range plan.Axes {
			for _, ac := range a.Actions {
				w.actions = append(w.actions, ac.ID)
			}
		}
		if len(w.actions) > 0 {
			w.findingOn = id
			break
		}
	}
	if len(w.actions) < c.editors {
		return nil, fmt.Errorf("%d actions in the demonstration's plans for %d editors", len(w.actions), c.editors)
	}
	w.residents = make([]*loadgen.Session, c.residents)
	for i := range w.residents {
		w.residents[i] = &loadgen.Session{Base: base, Client: client, Header: http.Header{"X-Forwarded-For": {fmt.Sprintf("10.20.%d.%d", i/250, 1+i%250)}}}
	}
	return w, nil
}

// run starts every client and returns when the run ends.
func (w *workload) run(ctx context.Context, c config) {
	until := time.Now().Add(c.warmup + c.duration)
	pause := func() {
		if c.think > 0 {
			time.Sleep(min(c.think/2+rand.N(c.think), time.Until(until)))
		}
	}
	total := c.agents + c.editors + c.residents
	rands := make([]*rand.Rand, total)
	turn := make([]int, total)
	for i := range rands {
		rands[i] = rand.New(rand.NewPCG(uint64(i), 7))
	}
	loadgen.Phase(ctx, total, c.warmup, c.duration, func(ctx context.Context, i int, _ bool) {
		defer pause()
		turn[i]++
		switch {
		case i < c.agents:
			w.read(ctx, w.pages[rands[i].IntN(len(w.pages))])
		case i < c.agents+c.editors:
			w.edit(ctx, i-c.agents, turn[i])
		default:
			r := i - c.agents - c.editors
			get, post, ok, fail := loadgen.Respond(ctx, w.residents[r], w.form, rands[i])
			if fail != "" {
				w.rec.Fail(fail)
				return
			}
			if ok {
				w.acked.Add(1)
			}
			w.rec.Add("resident GET form", get)
			w.rec.Add("resident POST answers", post)
		}
	})
}

func (w *workload) read(ctx context.Context, path string) {
	t0 := time.Now()
	status, _, err := w.agent.Get(ctx, path)
	d := time.Since(t0)
	if err != nil || status != http.StatusOK {
		w.rec.Fail(loadgen.ErrorKind("GET "+pattern(path), status, err))
		return
	}
	w.rec.Add("agent "+pattern(path), d)
}

// pattern names a path without its ids, for the error counts.
func pattern(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if len(p) > 12 {
			parts[i] = "…"
		}
	}
	return strings.Join(parts, "/")
}

// edit revises the editor's own action (an action per editor: no one else
// changes its version between the GET and the PATCH), or every fourth
// turn records a finding.
func (w *workload) edit(ctx context.Context, editor, turn int) {
	if turn%4 == 0 {
		body := fmt.Sprintf(`{"kind":"need","field":"petite_enfance","text":"Besoin relevé en réunion (mesure %d-%d)","source":"workshop"}`, editor, turn)
		t0 := time.Now()
		status, _, _, err := w.agent.Do(ctx, http.MethodPost, "/api/v1/conventions/"+w.findingOn+"/findings", "application/json", []byte(body), nil)
		d := time.Since(t0)
		if err != nil || status != http.StatusCreated {
			w.rec.Fail(loadgen.ErrorKind("POST finding", status, err))
			return
		}
		w.rec.Add("editor POST finding", d)
		w.edits.Add(1)
		return
	}
	id := w.actions[editor]
	t0 := time.Now()
	status, header, _, err := w.agent.Do(ctx, http.MethodGet, "/api/v1/actions/"+id, "", nil, nil)
	d := time.Since(t0)
	if err != nil || status != http.StatusOK {
		w.rec.Fail(loadgen.ErrorKind("GET action", status, err))
		return
	}
	w.rec.Add("editor GET action", d)
	body := fmt.Sprintf(`{"description":"Révision %d de l'action, après le comité technique."}`, turn)
	t0 = time.Now()
	status, _, _, err = w.agent.Do(ctx, http.MethodPatch, "/api/v1/actions/"+id, "application/json", []byte(body),
		http.Header{"If-Match": {header.Get("ETag")}})
	d = time.Since(t0)
	if err != nil || status != http.StatusOK {
		w.rec.Fail(loadgen.ErrorKind("PATCH action", status, err))
		return
	}
	w.rec.Add("editor PATCH action", d)
	w.edits.Add(1)
}
