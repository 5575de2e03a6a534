package loadgen

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"ctg/bench/dataset"
	"ctg/internal/store"
	"ctg/internal/survey"
	"ctg/internal/territory"
)

// Bench is what a load of several servers runs on: a ctg binary and a new
// PostgreSQL schema holding the demonstration data, synthetic conventions
// and an open survey.
type Bench struct {
	Bin    string
	DSN    string
	Survey *survey.Survey
	undo   []func()
}

// NewBench builds ./cmd/ctg unless bin names a binary, creates a new
// schema on the PostgreSQL server at db, loads the demonstration data
// through a first start (then stopped), adds conventions synthetic
// conventions of bench/dataset and opens a survey of Questions.
func NewBench(ctx context.Context, bin, db string, conventions int) (b *Bench, err error) {
	if !dataset.IsPostgres(db) {
		return nil, errors.New("-db takes a postgres:// URL: several servers share one PostgreSQL database")
	}
	b = &Bench{Bin: bin}
	defer func() {
		if err != nil {
			b.Close()
		}
	}()
	if b.Bin == "" {
		tmp, err := os.MkdirTemp("", "ctg-bench-")
		if err != nil {
			return nil, err
		}
		b.undo = append(b.undo, func() { os.RemoveAll(tmp) })
		if b.Bin, err = Build(ctx, tmp); err != nil {
			return nil, err
		}
	}
	dsn, cleanup, err := dataset.FreshSchema(ctx, db)
	if err != nil {
		return nil, err
	}
	b.DSN = dsn
	b.undo = append(b.undo, cleanup)
	start := time.Now()
	p, err := Serve(ctx, ServeConfig{Bin: b.Bin, Args: []string{"--db", dsn, "--demo"}})
	if err != nil {
		return nil, fmt.Errorf("loading the demonstration data: %w", err)
	}
	if err := p.Stop(); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ref, err := territory.Load()
	if err != nil {
		return nil, err
	}
	if _, err := dataset.Insert(ctx, st, ref, conventions); err != nil {
		return nil, err
	}
	if b.Survey, err = OpenSurvey(ctx, st); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "database %s ready in %v: demonstration data, %d conventions, a survey\n",
		dataset.Redact(dsn), time.Since(start).Round(time.Millisecond), conventions)
	return b, nil
}

// Close drops the schema and removes the binary it built.
func (b *Bench) Close() {
	for i := len(b.undo) - 1; i >= 0; i-- {
		b.undo[i]()
	}
	b.undo = nil
}

// Responses counts the stored answers of the bench's survey.
func (b *Bench) Responses(ctx context.Context) (int, error) {
	st, err := store.Open(ctx, b.DSN)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	var n int
	err = st.SQL().GetContext(ctx, &n, st.SQL().Rebind(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`), b.Survey.ID)
	return n, err
}

// Cluster is servers on one database behind a Proxy.
type Cluster struct {
	Procs []*Process
	Proxy *Proxy
}

// StartCluster starts n servers at the same moment (they migrate under
// one lock), the i-th as config(i) says, and the proxy in front of them.
func StartCluster(ctx context.Context, n int, config func(i int) ServeConfig) (*Cluster, error) {
	cl := &Cluster{Procs: make([]*Process, n)}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { cl.Procs[i], errs[i] = Serve(ctx, config(i)) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		cl.Close()
		return nil, err
	}
	bases := make([]string, n)
	for i, p := range cl.Procs {
		bases[i] = p.Base
	}
	var err error
	if cl.Proxy, err = StartProxy(bases); err != nil {
		cl.Close()
		return nil, err
	}
	return cl, nil
}

// Close stops the proxy, then the servers.
func (cl *Cluster) Close() {
	if cl.Proxy != nil {
		cl.Proxy.Close()
	}
	for _, p := range cl.Procs {
		if p != nil {
			_ = p.Stop()
		}
	}
}

// CPU sums the processor time the servers have used.
func (cl *Cluster) CPU() time.Duration {
	var cpu time.Duration
	for _, p := range cl.Procs {
		t, _ := p.CPUTime()
		cpu += t
	}
	return cpu
}
