// Command startup measures how fast ctg serve is ready to answer and the
// memory it holds once the reference of territories is loaded.
//
// It builds the binary (or takes -bin), then, -runs times: starts
// `ctg serve` on a new database and polls /healthz until it answers 200
// (the first start: migrations and seeding included), stops it, starts it
// again on the same database (the restart), signs in and sends -requests
// requests over the pages that use the reference, and reads the resident
// memory (VmRSS) of the process from /proc after ready and after the
// requests. It prints the median and the range of each figure.
//
//	go run ./bench/startup
//	go run ./bench/startup -runs 9 -requests 500
//	go run ./bench/startup -db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//
// Linux only (/proc). See bench/README.md and docs/performance.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"ctg/bench/dataset"
	"ctg/bench/loadgen"
)

type config struct {
	bin      string
	db       string
	runs     int
	requests int
	demo     bool
	timeout  time.Duration
}

// A user created with ctg user add before the restarts, to sign in.
const (
	email    = "mesure@bench.ctg.invalid"
	password = "mesure-demarrage-2026"
)

// pages are what the requests go through: the pages and API calls that
// read the reference of territories and the coverage.
var pages = []string{
	"/", "/territoires?q=saint", "/territoires?q=bordeaux", "/communes/33063", "/epcis/243301181",
	"/departements/33", "/departements/974", "/france", "/conventions",
	"/api/v1/territories?q=saint+joseph", "/api/v1/epcis/200054781", "/api/v1/coverage",
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "", "ctg binary to measure (default: built from ./cmd/ctg into a temporary folder)")
	flag.StringVar(&c.db, "db", "", "a postgres:// URL to run on, each run in a new schema (default: a new SQLite file per run)")
	flag.IntVar(&c.runs, "runs", 5, "number of runs; medians are reported")
	flag.IntVar(&c.requests, "requests", 200, "requests sent after the restart, before the second memory reading")
	flag.BoolVar(&c.demo, "demo", false, "start with --demo (the first start then loads the demonstration data)")
	flag.DurationVar(&c.timeout, "timeout", 30*time.Second, "longest wait for /healthz")
	flag.Parse()
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

// measure is one run.
type measure struct {
	first, restart         time.Duration // from exec to the first 200 of /healthz
	firstSelf, restartSelf time.Duration // what the server prints: "prêt en N ms"
	rssReady, hwmReady     int64         // kB
	rssAfter, hwmAfter     int64
}

func run(ctx context.Context, c config) error {
	tmp, err := os.MkdirTemp("", "ctg-startup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if c.bin == "" {
		if c.bin, err = loadgen.Build(ctx, tmp); err != nil {
			return err
		}
	}
	var ms []measure
	for i := range c.runs {
		dsn := filepath.Join(tmp, fmt.Sprintf("run%d.db", i))
		cleanup := func() {}
		if c.db != "" {
			if !dataset.IsPostgres(c.db) {
				return errors.New("-db takes a postgres:// URL; SQLite files are created per run")
			}
			if dsn, cleanup, err = dataset.FreshSchema(ctx, c.db); err != nil {
				return err
			}
		}
		m, err := c.once(ctx, dsn)
		cleanup()
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		fmt.Fprintf(os.Stderr, "run %d: first start %v, restart %v, RSS %d MB ready, %d MB after %d requests\n",
			i+1, m.first.Round(time.Millisecond), m.restart.Round(time.Millisecond), m.rssReady>>10, m.rssAfter>>10, c.requests)
		ms = append(ms, m)
	}
	db := "SQLite, a new file per run"
	if c.db != "" {
		db = "PostgreSQL, a new schema per run"
	}
	fmt.Printf("ctg serve, %d runs, %s%s\n", c.runs, db, map[bool]string{true: ", --demo", false: ""}[c.demo])
	dur := func(label string, f func(measure) time.Duration) {
		var v []time.Duration
		for _, m := range ms {
			v = append(v, f(m))
		}
		slices.Sort(v)
		fmt.Printf("%-40s median %4d ms   (min %d, max %d)\n", label, v[len(v)/2].Milliseconds(), v[0].Milliseconds(), v[len(v)-1].Milliseconds())
	}
	mem := func(label string, f func(measure) int64) {
		var v []int64
		for _, m := range ms {
			v = append(v, f(m))
		}
		slices.Sort(v)
		fmt.Printf("%-40s median %5.1f MB (min %.1f, max %.1f)\n", label, mb(v[len(v)/2]), mb(v[0]), mb(v[len(v)-1]))
	}
	dur("ready, first start (exec → /healthz)", func(m measure) time.Duration { return m.first })
	dur("ready, first start (as printed)", func(m measure) time.Duration { return m.firstSelf })
	dur("ready, restart (exec → /healthz)", func(m measure) time.Duration { return m.restart })
	dur("ready, restart (as printed)", func(m measure) time.Duration { return m.restartSelf })
	mem("VmRSS when ready (restart)", func(m measure) int64 { return m.rssReady })
	mem("VmHWM (peak RSS) when ready", func(m measure) int64 { return m.hwmReady })
	mem(fmt.Sprintf("VmRSS after %d requests", c.requests), func(m measure) int64 { return m.rssAfter })
	mem("VmHWM (peak RSS) after the requests", func(m measure) int64 { return m.hwmAfter })
	return nil
}

func mb(kb int64) float64 { return float64(kb) / 1024 }

// once starts the server twice on dsn and measures it.
func (c config) once(ctx context.Context, dsn string) (measure, error) {
	var m measure
	p, err := c.start(ctx, dsn)
	if err != nil {
		return m, err
	}
	m.first, m.firstSelf = p.Ready, p.Self
	if err := p.Stop(); err != nil {
		return m, err
	}

	// The account to sign in with, unless the demonstration has one.
	if !c.demo {
		add := exec.CommandContext(ctx, c.bin, "user", "add", "--db", dsn, "--email", email, "--name", "Mesure", "--org", "caf-33", "--role", "admin")
		add.Stdin = strings.NewReader(password + "\n")
		if out, err := add.CombinedOutput(); err != nil {
			return m, fmt.Errorf("ctg user add: %v: %s", err, out)
		}
	}

	p, err = c.start(ctx, dsn)
	if err != nil {
		return m, err
	}
	defer p.Stop()
	m.restart, m.restartSelf = p.Ready, p.Self
	if m.rssReady, m.hwmReady, err = p.Memory(); err != nil {
		return m, err
	}
	if err := c.browse(ctx, p.Base); err != nil {
		return m, err
	}
	if m.rssAfter, m.hwmAfter, err = p.Memory(); err != nil {
		return m, err
	}
	return m, nil
}

// start runs ctg serve on a free port and waits for /healthz to answer 200.
func (c config) start(ctx context.Context, dsn string) (*loadgen.Process, error) {
	args := []string{"--db", dsn}
	if c.demo {
		args = append(args, "--demo")
	}
	return loadgen.Serve(ctx, loadgen.ServeConfig{Bin: c.bin, Args: args, Timeout: c.timeout})
}

// browse signs in and sends c.requests requests over pages, in turn.
func (c config) browse(ctx context.Context, base string) error {
	user, pass := email, password
	if c.demo {
		user, pass = loadgen.DemoEmail, loadgen.DemoPassword
	}
	s := &loadgen.Session{Base: base, Client: loadgen.NewClient(1)}
	if err := s.SignIn(ctx, user, pass); err != nil {
		return err
	}
	for i := range c.requests {
		status, _, err := s.Get(ctx, pages[i%len(pages)])
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", pages[i%len(pages)], status)
		}
	}
	return nil
}
