// Package loadgen holds what the load commands of bench/ share: clients
// that sign in and browse as people do, residents answering a public
// form, the recording of latencies and errors, and ctg serve processes
// started from a built binary.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Demonstration account that the load commands sign in with by default.
const (
	DemoEmail    = "conseillere@demo.ctg.fr"
	DemoPassword = "demo-ctg-2026"
)

// NewClient returns an HTTP client for conns concurrent clients that does
// not follow redirections: a sign-in or a form answers 303, and that answer
// is what is measured.
func NewClient(conns int) *http.Client {
	return &http.Client{
		Transport:     &http.Transport{MaxIdleConns: 2 * conns, MaxIdleConnsPerHost: 2 * conns, IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// Session is a client of a server, signed in when Cookie is set.
type Session struct {
	Base   string // origin, http://host:port
	Client *http.Client
	Cookie *http.Cookie
	// Header is added to every request (X-Forwarded-For, say).
	Header http.Header
}

// SignIn posts the sign-in form as a browser of the same origin would and
// keeps the session cookie.
func (s *Session) SignIn(ctx context.Context, email, password string) error {
	resp, _, err := s.send(ctx, http.MethodPost, "/connexion", formBody(url.Values{"email": {email}, "password": {password}}), s.formHeader())
	if err != nil {
		return fmt.Errorf("signing in: %w", err)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "ctg_session" && ck.Value != "" {
			s.Cookie = &http.Cookie{Name: ck.Name, Value: ck.Value}
		}
	}
	if resp.StatusCode != http.StatusSeeOther || s.Cookie == nil {
		return fmt.Errorf("signing in as %s: status %d, no session cookie", email, resp.StatusCode)
	}
	return nil
}

// Get requests path and returns the status and the body.
func (s *Session) Get(ctx context.Context, path string) (int, []byte, error) {
	resp, body, err := s.send(ctx, http.MethodGet, path, nil, nil)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}

// PostForm posts a form from the same origin, as the browser does.
func (s *Session) PostForm(ctx context.Context, path string, form url.Values) (int, []byte, error) {
	resp, body, err := s.send(ctx, http.MethodPost, path, formBody(form), s.formHeader())
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}

// Do sends a request with a body of its own (JSON for the API) and
// returns the status, the answer's headers and body.
func (s *Session) Do(ctx context.Context, method, path, contentType string, body []byte, header http.Header) (int, http.Header, []byte, error) {
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	resp, b, err := s.send(ctx, method, path, r, h)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, b, nil
}

func formBody(form url.Values) io.Reader { return strings.NewReader(form.Encode()) }

// formHeader is what a browser sends with a form: Go's cross-origin
// protection wants a same-origin request.
func (s *Session) formHeader() http.Header {
	return http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {s.Base}}
}

// send sends a request with the session's headers and cookie, then
// header, and reads the whole answer.
func (s *Session) send(ctx context.Context, method, path string, body io.Reader, header http.Header) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.Base+path, body)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range s.Header {
		req.Header[k] = v
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if s.Cookie != nil {
		req.AddCookie(s.Cookie)
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// Latency sums up the durations of one kind of request, in milliseconds.
type Latency struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// Summarize sorts ds and sums them up.
func Summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	at := func(p int) float64 { return Ms(ds[min(len(ds)-1, len(ds)*p/100)]) }
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return Latency{Count: len(ds), Mean: Ms(sum / time.Duration(len(ds))), P50: at(50), P90: at(90), P99: at(99), Max: Ms(ds[len(ds)-1])}
}

// String prints the latency on one line.
func (l Latency) String() string {
	return fmt.Sprintf("%d: mean %.2f ms, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", l.Count, l.Mean, l.P50, l.P90, l.P99, l.Max)
}

// Ms is d in milliseconds, to the microsecond.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Recorder gathers the durations of requests by kind and the errors by
// kind, from many goroutines.
type Recorder struct {
	mu     sync.Mutex
	times  map[string][]time.Duration
	errors map[string]int
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	return &Recorder{times: map[string][]time.Duration{}, errors: map[string]int{}}
}

// Add records the duration of a request of that kind.
func (r *Recorder) Add(kind string, d time.Duration) {
	r.mu.Lock()
	r.times[kind] = append(r.times[kind], d)
	r.mu.Unlock()
}

// Fail records an error of that kind.
func (r *Recorder) Fail(kind string) {
	r.mu.Lock()
	r.errors[kind]++
	r.mu.Unlock()
}

// Take returns what was recorded since the last Take, by kind, and the
// errors, and starts again from nothing.
func (r *Recorder) Take() (map[string][]time.Duration, map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, e := r.times, r.errors
	r.times, r.errors = map[string][]time.Duration{}, map[string]int{}
	return t, e
}

// ErrorKind names a failed request for the error counts: its status when
// it was answered, else the kind of transport error.
func ErrorKind(method string, status int, err error) string {
	switch {
	case err == nil:
		return fmt.Sprintf("%s: status %d", method, status)
	case errors.Is(err, context.DeadlineExceeded):
		return method + ": timeout"
	case strings.Contains(err.Error(), "connection reset"):
		return method + ": connection reset"
	case strings.Contains(err.Error(), "connection refused"):
		return method + ": connection refused"
	}
	return method + ": transport error"
}

// CPUTime is the processor time this process has used, user and system.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ConventionIDs lists the conventions the session sees, through the API.
func ConventionIDs(ctx context.Context, s *Session) ([]string, error) {
	status, body, err := s.Get(ctx, "/api/v1/conventions")
	if err != nil || status != http.StatusOK {
		return nil, fmt.Errorf("listing conventions: status %d, %v", status, err)
	}
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("listing conventions: %w", err)
	}
	ids := make([]string, len(list.Items))
	for i, it := range list.Items {
		ids[i] = it.ID
	}
	return ids, nil
}
