package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"ctg/internal/cli"
	"ctg/internal/testdb"
)

// cutProxy forwards TCP connections to a server until it is cut: then its
// listener closes (new connections are refused) and the connections in
// course are reset, as when PostgreSQL stops or the network to it fails;
// restore listens again on the same address. It stands for stopping the
// PostgreSQL server, which the other tests running on this machine share.
type cutProxy struct {
	addr, upstream string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func startCutProxy(t *testing.T, upstream string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{addr: ln.Addr().String(), upstream: upstream, ln: ln, conns: map[net.Conn]bool{}}
	go p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *cutProxy) forward(c net.Conn) {
	u, err := net.DialTimeout("tcp", p.upstream, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[u] = true, true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(u, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, u); done <- struct{}{} }()
	<-done
	c.Close()
	u.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, u)
	p.mu.Unlock()
}

// cut refuses new connections and resets the open ones.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // a reset, not a polite end
		}
		c.Close()
		delete(p.conns, c)
	}
}

// restore accepts connections again, on the same address.
func (p *cutProxy) restore(t *testing.T) {
	t.Helper()
	var err error
	for range 50 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.mu.Lock()
			p.ln = ln
			p.mu.Unlock()
			go p.serve(ln)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the proxy could not listen again on %s: %v", p.addr, err)
}

// goTextHints are bits of Go's or the driver's error texts that must never
// reach a user.
var goTextHints = []string{"dial tcp", "connect:", "connection refused", "pgx", "pgconn", "failed to", "EOF", "SQLSTATE", "reset by peer"}

// TestDatabaseOutage runs ctg over PostgreSQL through a proxy, cuts the
// proxy for three seconds while requests arrive, and checks that every
// one is answered 503 with Retry-After and the French message (a JSON
// error for the API, a page for a browser, the public form's own page),
// that /healthz and /readyz say so, that the session is kept, and that
// the server answers again by itself once the database is back.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	dsn := testdb.DSN(t, testdb.Postgres) // skips without PostgreSQL, unless CTG_REQUIRE_SERVICES=1
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := startCutProxy(t, u.Host)
	u.Host = p.addr
	s := mustStart(t, u.String())
	c := s.mustCreate(t, editor33, conventionBody())
	sv := s.mustPost(t, editor33, "/api/v1/conventions/"+str(t, c, "id")+"/surveys", surveyBody())
	opened := s.send(t, http.MethodPost, "/api/v1/surveys/"+str(t, sv, "id")+"/open", editor33, nil)
	publicURL, _ := opened.JSON["public_url"].(string)
	if opened.Status != http.StatusOK || publicURL == "" {
		t.Fatalf("opening the survey: %d %s", opened.Status, opened.Raw)
	}
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	res, err := client.PostForm(s.base+"/connexion", url.Values{"email": {"editor33@example.fr"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var session string
	for _, c := range res.Cookies() {
		if c.Name == "ctg_session" {
			session = c.Value
		}
	}
	if session == "" {
		t.Fatalf("sign-in: status %d, no session", res.StatusCode)
	}

	type probe struct {
		name, path string
		api        bool
	}
	probes := []probe{
		{"API", "/api/v1/conventions", true},
		{"page", "/conventions", false},
		{"public form", publicURL, false},
	}
	get := func(pr probe) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, s.base+pr.path, nil)
		if pr.api {
			req.Header.Set("Authorization", "Bearer "+s.tokens[editor33])
		} else {
			req.AddCookie(&http.Cookie{Name: "ctg_session", Value: session})
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", pr.name, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(b)
	}
	status := func(path string) int {
		t.Helper()
		res, err := client.Get(s.base + path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, pr := range probes {
		if code, _, body := get(pr); code != http.StatusOK {
			t.Fatalf("%s before the outage: %d %s", pr.name, code, body)
		}
	}

	p.cut()
	const message = "Le service est momentanément indisponible"
	asked := 0
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		for _, pr := range probes {
			code, h, body := get(pr)
			asked++
			if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
				t.Fatalf("%s during the outage: status %d, Retry-After %q: %s", pr.name, code, h.Get("Retry-After"), body)
			}
			if pr.api {
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "unavailable" ||
					e.Error.Message != "Le service est momentanément indisponible. Réessayez dans quelques instants." {
					t.Errorf("API error during the outage: %s", body)
				}
			} else if !strings.Contains(body, message) || !strings.Contains(h.Get("Content-Type"), "text/html") {
				t.Errorf("%s during the outage: no French page: %s", pr.name, body)
			}
			for _, hint := range goTextHints {
				if strings.Contains(body, hint) {
					t.Errorf("%s during the outage shows %q: %s", pr.name, hint, body)
				}
			}
		}
		if c := status("/readyz"); c != http.StatusServiceUnavailable {
			t.Errorf("/readyz during the outage: %d", c)
		}
		if c := status("/healthz"); c != http.StatusServiceUnavailable {
			t.Errorf("/healthz during the outage: %d", c)
		}
	}
	t.Logf("%d requests answered 503 during the outage", asked)

	p.restore(t)
	back := time.Now()
	for _, pr := range probes {
		for {
			code, _, body := get(pr)
			if code == http.StatusOK {
				break
			}
			if code != http.StatusServiceUnavailable || time.Since(back) > 15*time.Second {
				t.Fatalf("%s after the outage: %d %s", pr.name, code, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	t.Logf("answering again %v after the database came back", time.Since(back).Round(time.Millisecond))
	if c := status("/readyz"); c != http.StatusOK {
		t.Errorf("/readyz after the outage: %d", c)
	}
	// The session outlived the outage: the page above was not a sign-in
	// redirect, and a change goes through.
	org := mustOrg(t, s, "Centre social des Deux Rives", "association", "")
	if org == "" {
		t.Error("no organisation created after the outage")
	}
}

// TestReadyzAndHealthz checks the two probes of a running server.
func TestReadyzAndHealthz(t *testing.T) {
	t.Parallel()
	run, err := cli.Start(context.Background(), cli.ServeConfig{Addr: "127.0.0.1:0", DB: testdb.DSN(t, testdb.SQLite), Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + run.Addr
	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		var b map[string]string
		_ = json.NewDecoder(res.Body).Decode(&b)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || b["status"] != "ok" {
			t.Errorf("%s: %d %v", path, res.StatusCode, b)
		}
	}
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
}
