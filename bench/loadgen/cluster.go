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

// Prepare makes dsn ready for a load: the demonstration data through a
// first start of bin (then stopped), conventions synthetic conventions of
// bench/dataset, and an open survey of Questions, which it returns.
func Prepare(ctx context.Context, bin, dsn string, conventions int) (*survey.Survey, error) {
	start := time.Now()
	p, err := Serve(ctx, ServeConfig{Bin: bin, Args: []string{"--db", dsn, "--demo"}})
	if err != nil {
		return nil, fmt.Errorf("loading the demonstration data: %w", err)
	}
	if err := p.Stop(); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ref, err := territory.Load()
	if err != nil {
		return nil, err
	}
	if _, err := dataset.Insert(ctx, db, ref, conventions); err != nil {
		return nil, err
	}
	sv, err := OpenSurvey(ctx, db)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "database %s ready in %v: demonstration data, %d conventions, a survey\n",
		dataset.Redact(dsn), time.Since(start).Round(time.Millisecond), conventions)
	return sv, nil
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
