// Package metrics counts what an operator of ctg watches — requests by
// route, their durations, server errors, the database's connection pool,
// background jobs, the build — and writes it in the Prometheus text
// exposition format (version 0.0.4).
//
// It is written by hand rather than with prometheus/client_golang: ctg
// needs counters, gauges and one histogram, whose text format is a few
// stable lines, and the reference library would bring seven modules
// (protobuf, procfs, compression…) into the binary for them. See
// docs/architecture.md, Dependencies.
package metrics

import (
	"database/sql"
	"fmt"
	"io"
	"maps"
	"net/http"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// durationBuckets are the upper bounds, in seconds, of the request
// duration histogram: pages answer in milliseconds, imports and documents
// in seconds (docs/performance.md).
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Registry holds the counters of one server. Its zero value is not
// usable: call New. It is safe for concurrent use.
type Registry struct {
	// Jobs is where background work reports its runs.
	Jobs *Jobs

	mu       sync.Mutex
	requests map[requestKey]uint64
	errors   map[string]uint64
	hist     map[string]*histogram
	db       func() sql.DBStats
	build    Build
	start    time.Time
}

type requestKey struct{ route, method, class string }

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

// Build describes the running binary, for ctg_build_info.
type Build struct {
	Version, Revision, GoVersion string
}

// ReadBuild reads the version the Go toolchain stamped into the binary:
// the module version (a tag, or a pseudo-version from the commit), the
// commit with "-modified" when the tree was not clean, and Go's version.
func ReadBuild() Build {
	b := Build{Version: "unknown", Revision: "unknown", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := info.Main.Version; v != "" {
		b.Version = v
	}
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && b.Revision != "unknown" {
		b.Revision += "-modified"
	}
	return b
}

// New returns an empty registry for a server of that build.
func New(b Build) *Registry {
	return &Registry{
		Jobs:     newJobs(),
		requests: map[requestKey]uint64{},
		errors:   map[string]uint64{},
		hist:     map[string]*histogram{},
		build:    b,
		start:    time.Now(),
	}
}

// SetDB names where the pool statistics come from (sql.DB.Stats), read at
// each scrape.
func (r *Registry) SetDB(stats func() sql.DBStats) {
	r.mu.Lock()
	r.db = stats
	r.mu.Unlock()
}

// knownMethods bounds the method label: anything else is "OTHER", so that
// a client inventing methods cannot grow the registry.
var knownMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true}

// ObserveRequest counts one answered request. route is the net/http
// pattern that served it ("GET /conventions/{id}"), never the raw path, so
// that the number of series stays that of the routes; "" when no route
// matched (a request refused by a middleware), counted as "none".
func (r *Registry) ObserveRequest(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "none"
	}
	if !knownMethods[method] {
		method = "OTHER"
	}
	if status == 0 {
		status = http.StatusOK
	}
	class := strconv.Itoa(status/100) + "xx"
	secs := d.Seconds()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests[requestKey{route, method, class}]++
	if status >= 500 {
		r.errors[route]++
	}
	h := r.hist[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets)+1)}
		r.hist[route] = h
	}
	i, _ := slices.BinarySearch(durationBuckets, secs)
	h.counts[i]++
	h.sum += secs
	h.n++
}

// Handler serves the exposition. It is meant for a listener of its own
// (serve --metrics-addr), never the public one.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := r.Write(w); err != nil {
			return // the scraper went away; nothing to tell it
		}
	})
}

// Write writes every metric in the text exposition format, families and
// series in a stable order.
func (r *Registry) Write(out io.Writer) error {
	e := &encoder{}

	e.family("ctg_build_info", "gauge", "The running build: its version, its commit and Go's version (always 1).")
	e.sample("ctg_build_info", labels{"version", r.build.Version, "revision", r.build.Revision, "goversion", r.build.GoVersion}, 1)
	e.family("ctg_start_time_seconds", "gauge", "When this server started, in seconds since the Unix epoch.")
	e.sample("ctg_start_time_seconds", nil, float64(r.start.UnixMilli())/1000)
	e.runtime()

	r.mu.Lock()
	e.family("ctg_http_requests_total", "counter", "HTTP requests answered, by route pattern, method and status class.")
	for _, k := range slices.SortedFunc(maps.Keys(r.requests), func(a, b requestKey) int {
		return strings.Compare(a.route+"\x00"+a.method+"\x00"+a.class, b.route+"\x00"+b.method+"\x00"+b.class)
	}) {
		e.sample("ctg_http_requests_total", labels{"route", k.route, "method", k.method, "status", k.class}, float64(r.requests[k]))
	}
	e.family("ctg_http_errors_total", "counter", "HTTP requests answered with a 5xx status, by route pattern.")
	for _, route := range slices.Sorted(maps.Keys(r.errors)) {
		e.sample("ctg_http_errors_total", labels{"route", route}, float64(r.errors[route]))
	}
	e.family("ctg_http_request_duration_seconds", "histogram", "Time from the request's arrival to the end of its answer, by route pattern.")
	for _, route := range slices.Sorted(maps.Keys(r.hist)) {
		h := r.hist[route]
		var cum uint64
		for i, c := range h.counts {
			cum += c
			le := "+Inf"
			if i < len(durationBuckets) {
				le = formatFloat(durationBuckets[i])
			}
			e.sample("ctg_http_request_duration_seconds_bucket", labels{"route", route, "le", le}, float64(cum))
		}
		e.sample("ctg_http_request_duration_seconds_sum", labels{"route", route}, h.sum)
		e.sample("ctg_http_request_duration_seconds_count", labels{"route", route}, float64(h.n))
	}
	dbStats := r.db
	r.mu.Unlock()

	if dbStats != nil {
		s := dbStats()
		e.gauge("ctg_db_connections_max_open", "The most connections the pool may open (0: no limit).", float64(s.MaxOpenConnections))
		e.gauge("ctg_db_connections_open", "Connections to the database, in use or idle.", float64(s.OpenConnections))
		e.gauge("ctg_db_connections_in_use", "Connections running a query or a transaction.", float64(s.InUse))
		e.gauge("ctg_db_connections_idle", "Connections open and waiting in the pool.", float64(s.Idle))
		e.counter("ctg_db_wait_count_total", "Times a request waited for a free connection.", float64(s.WaitCount))
		e.counter("ctg_db_wait_duration_seconds_total", "Time spent waiting for a free connection.", s.WaitDuration.Seconds())
	}

	r.Jobs.write(e)
	_, err := out.Write(e.b)
	return err
}

// runtimeSamples are read from runtime/metrics, which does not stop the
// world as runtime.ReadMemStats does.
var runtimeSamples = []rtmetrics.Sample{
	{Name: "/sched/goroutines:goroutines"},
	{Name: "/memory/classes/heap/objects:bytes"},
}

func (e *encoder) runtime() {
	s := slices.Clone(runtimeSamples)
	rtmetrics.Read(s)
	value := func(v rtmetrics.Value) float64 {
		if v.Kind() == rtmetrics.KindUint64 {
			return float64(v.Uint64())
		}
		return 0
	}
	e.gauge("go_goroutines", "Goroutines that currently exist.", value(s[0].Value))
	e.gauge("go_memstats_heap_alloc_bytes", "Bytes of heap objects, reachable or not yet swept.", value(s[1].Value))
}

// labels are name, value pairs, in the order they are written.
type labels []string

// encoder writes the text format: a family's HELP and TYPE lines, then its
// samples.
type encoder struct{ b []byte }

func (e *encoder) family(name, typ, help string) {
	e.b = fmt.Appendf(e.b, "# HELP %s %s\n# TYPE %s %s\n", name, escapeHelp(help), name, typ)
}

func (e *encoder) sample(name string, l labels, v float64) {
	e.b = append(e.b, name...)
	if len(l) > 0 {
		e.b = append(e.b, '{')
		for i := 0; i+1 < len(l); i += 2 {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.b = append(e.b, l[i]...)
			e.b = append(e.b, `="`...)
			e.b = append(e.b, escapeLabel(l[i+1])...)
			e.b = append(e.b, '"')
		}
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, ' ')
	e.b = append(e.b, formatFloat(v)...)
	e.b = append(e.b, '\n')
}

func (e *encoder) gauge(name, help string, v float64) {
	e.family(name, "gauge", help)
	e.sample(name, nil, v)
}

func (e *encoder) counter(name, help string, v float64) {
	e.family(name, "counter", help)
	e.sample(name, nil, v)
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
