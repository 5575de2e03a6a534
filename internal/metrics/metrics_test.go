package metrics

import (
	"bufio"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sampleLine is a sample of the text format: a name, optional labels
// (values quoted, with \\, \" and \n escaped), a value.
var sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (\S+)$`)

// parse checks out against the text exposition format — every sample
// after its family's TYPE, values that parse, histogram buckets that only
// grow and end at +Inf with the count — and returns the samples by their
// line without the value.
func parse(t *testing.T, out string) map[string]float64 {
	t.Helper()
	got := map[string]float64{}
	types := map[string]string{}
	var lastBucket float64
	var lastSeries string
	le := regexp.MustCompile(`,?le="[^"]*"`)
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(f, " ")
			if types[name] != "" {
				t.Errorf("TYPE of %s twice", name)
			}
			types[name] = typ
			lastBucket = 0
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not a sample line: %q", line)
			continue
		}
		name, value := m[1], m[len(m)-1]
		family := name
		if types[family] == "" {
			family = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		}
		if types[family] == "" {
			t.Errorf("sample before its TYPE: %q", line)
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Errorf("value of %q: %v", line, err)
		}
		if strings.HasSuffix(name, "_bucket") {
			if series := le.ReplaceAllString(strings.TrimSuffix(line, " "+value), ""); series != lastSeries {
				lastSeries, lastBucket = series, 0
			}
			if v < lastBucket {
				t.Errorf("bucket goes down: %q", line)
			}
			lastBucket = v
		}
		key := strings.TrimSuffix(line, " "+value)
		if _, dup := got[key]; dup {
			t.Errorf("series twice: %q", key)
		}
		got[key] = v
	}
	return got
}

func TestExposition(t *testing.T) {
	r := New(Build{Version: "v1.2.3", Revision: "abc", GoVersion: "go1.26"})
	r.SetDB(func() sql.DBStats {
		return sql.DBStats{MaxOpenConnections: 20, OpenConnections: 3, InUse: 1, Idle: 2, WaitCount: 4, WaitDuration: 1500 * time.Millisecond}
	})
	r.ObserveRequest("GET /conventions/{id}", "GET", 200, 3*time.Millisecond)
	r.ObserveRequest("GET /conventions/{id}", "GET", 404, 30*time.Millisecond)
	r.ObserveRequest("GET /conventions/{id}", "GET", 0, 2*time.Second)
	r.ObserveRequest("POST /q/{token}", "POST", 503, time.Minute)
	r.ObserveRequest("", "BREW", 400, time.Millisecond)
	r.ObserveRequest(`GET /a"b\c`+"\n", "GET", 200, time.Millisecond)
	r.Jobs.Register("reminders")
	done := r.Jobs.Start("import")
	done(nil)
	done(errors.New("counted once"))
	r.Jobs.Start("import")(errors.New("failed"))
	r.Jobs.Start("import") // still running

	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	var b strings.Builder
	if _, err := bufio.NewReader(res.Body).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	got := parse(t, b.String())

	want := map[string]float64{
		`ctg_build_info{version="v1.2.3",revision="abc",goversion="go1.26"}`:                 1,
		`ctg_http_requests_total{route="GET /conventions/{id}",method="GET",status="2xx"}`:   2,
		`ctg_http_requests_total{route="GET /conventions/{id}",method="GET",status="4xx"}`:   1,
		`ctg_http_requests_total{route="POST /q/{token}",method="POST",status="5xx"}`:        1,
		`ctg_http_requests_total{route="none",method="OTHER",status="4xx"}`:                  1,
		`ctg_http_requests_total{route="GET /a\"b\\c\n",method="GET",status="2xx"}`:          1,
		`ctg_http_errors_total{route="POST /q/{token}"}`:                                     1,
		`ctg_http_request_duration_seconds_bucket{route="GET /conventions/{id}",le="0.005"}`: 1,
		`ctg_http_request_duration_seconds_bucket{route="GET /conventions/{id}",le="0.025"}`: 1,
		`ctg_http_request_duration_seconds_bucket{route="GET /conventions/{id}",le="0.05"}`:  2,
		`ctg_http_request_duration_seconds_bucket{route="GET /conventions/{id}",le="2.5"}`:   3,
		`ctg_http_request_duration_seconds_bucket{route="GET /conventions/{id}",le="+Inf"}`:  3,
		`ctg_http_request_duration_seconds_sum{route="GET /conventions/{id}"}`:               2.033,
		`ctg_http_request_duration_seconds_count{route="GET /conventions/{id}"}`:             3,
		`ctg_http_request_duration_seconds_bucket{route="POST /q/{token}",le="30"}`:          0,
		`ctg_http_request_duration_seconds_bucket{route="POST /q/{token}",le="+Inf"}`:        1,
		`ctg_db_connections_max_open`:               20,
		`ctg_db_connections_open`:                   3,
		`ctg_db_connections_in_use`:                 1,
		`ctg_db_connections_idle`:                   2,
		`ctg_db_wait_count_total`:                   4,
		`ctg_db_wait_duration_seconds_total`:        1.5,
		`ctg_jobs_running{job="import"}`:            1,
		`ctg_jobs_completed_total{job="import"}`:    1,
		`ctg_jobs_failed_total{job="import"}`:       1,
		`ctg_jobs_running{job="reminders"}`:         0,
		`ctg_jobs_completed_total{job="reminders"}`: 0,
		`ctg_jobs_failed_total{job="reminders"}`:    0,
	}
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("missing %s", k)
		} else if diff := g - v; diff > 1e-9 || diff < -1e-9 {
			t.Errorf("%s = %g, want %g", k, g, v)
		}
	}
	for _, k := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "ctg_start_time_seconds"} {
		if got[k] <= 0 {
			t.Errorf("%s = %g, want > 0", k, got[k])
		}
	}
}

func TestNilJobs(t *testing.T) {
	var j *Jobs
	j.Register("x")
	j.Start("x")(nil) // counts nothing, does not panic
}

func TestReadBuild(t *testing.T) {
	b := ReadBuild()
	if b.GoVersion == "" || b.Version == "" || b.Revision == "" {
		t.Errorf("ReadBuild() = %+v: every field has a value, if only \"unknown\"", b)
	}
}
