// Package e2e drives the real ctg server from outside, over HTTP, on a fresh
// SQLite file and a fresh PostgreSQL schema (see package testdb).
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/cli"
	"ctg/internal/testdb"
)

// The users every server starts with, by the key scenarios name them.
const (
	admin       = "admin"     // admin, organisation État
	editor33    = "editor33"  // editor at the Caf de la Gironde
	reader33    = "reader33"  // reader at the Caf de la Gironde
	editorCC    = "editorCC"  // editor at the CC Latitude Nord Gironde (a party)
	readerCC    = "readerCC"  // reader at the CC Latitude Nord Gironde
	editor974   = "editor974" // editor at the Caf de La Réunion
	reader974   = "reader974" // reader at the Caf de La Réunion
	anonymous   = ""          // no Authorization header
	badToken    = "bad-token" // a token that does not exist
	latitudeNG  = "243301181" // SIREN of the CC Latitude Nord Gironde
	latitudePop = 21821       // its population municipale
	password    = "motdepasse-de-test"
)

// latitudeCommunes are the 12 member communes of the CC Latitude Nord Gironde.
var latitudeCommunes = []string{"33114", "33123", "33126", "33142", "33151", "33233",
	"33266", "33272", "33439", "33473", "33489", "33492"}

// server is a running ctg with its users, their tokens and a few
// organisations.
type server struct {
	run    *cli.Running
	base   string
	tokens map[string]string
	users  map[string]*account.User
	// Organisation ids: the CC Latitude Nord Gironde, the commune of
	// Saint-Joseph (La Réunion), the État.
	orgCC, orgStJoseph, orgEtat string
}

// TestMain keeps the log of migrations out of the test output unless -v
// asks for it.
func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Verbose() {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	code := m.Run()
	removeBuiltCtg()
	os.Exit(code)
}

// quietLog keeps the server's log out of the test output unless -v asks
// for it.
func quietLog() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// mustStart starts the real server on a free port over dsn, creates the
// organisations and the users of the scenarios with a token each, and stops
// the server when the test ends.
func mustStart(t *testing.T, dsn string) *server {
	t.Helper()
	ctx := context.Background()
	run, err := cli.Start(ctx, cli.ServeConfig{Addr: "127.0.0.1:0", DB: dsn, Log: quietLog()})
	if err != nil {
		t.Fatalf("cli.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := run.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	s := &server{run: run, base: "http://" + run.Addr, tokens: map[string]string{}, users: map[string]*account.User{}}
	s.orgCC = mustOrg(t, s, "CC Latitude Nord Gironde", "epci", latitudeNG)
	s.orgStJoseph = mustOrg(t, s, "Commune de Saint-Joseph", "commune", "97412")
	s.orgEtat = mustOrg(t, s, "Préfecture de la Gironde", "etat", "")
	for _, u := range []struct{ key, org, role string }{
		{admin, s.orgEtat, account.RoleAdmin},
		{editor33, "caf-33", account.RoleEditor},
		{reader33, "caf-33", account.RoleReader},
		{editorCC, s.orgCC, account.RoleEditor},
		{readerCC, s.orgCC, account.RoleReader},
		{editor974, "caf-974", account.RoleEditor},
		{reader974, "caf-974", account.RoleReader},
	} {
		email := strings.ToLower(u.key) + "@example.fr"
		created, err := run.DB.CreateUser(ctx, account.NewUser{Email: email, Name: "Personne " + u.key, OrgID: u.org, Role: u.role, Password: password}, nil)
		if err != nil {
			t.Fatalf("CreateUser %s: %v", u.key, err)
		}
		token, err := run.DB.CreateToken(ctx, email, "tests")
		if err != nil {
			t.Fatalf("CreateToken %s: %v", u.key, err)
		}
		s.users[u.key] = created
		s.tokens[u.key] = token
	}
	s.tokens[badToken] = "ctg_thisisnotatokenanyonewasgiven"
	return s
}

func mustOrg(t *testing.T, s *server, name, kind, territory string) string {
	t.Helper()
	o := &account.Organisation{Name: name, Kind: kind, Territory: territory}
	if err := s.run.DB.CreateOrganisation(context.Background(), o, nil); err != nil {
		t.Fatalf("CreateOrganisation %s: %v", name, err)
	}
	return o.ID
}

// response is what do returns.
type response struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// do sends one request as the user named by who (a key of s.tokens, or
// anonymous). body is sent as it is when it is a string or []byte, as JSON
// otherwise; headers are name, value pairs. A body that is not a JSON
// object leaves JSON nil.
func (s *server) do(t *testing.T, method, path, who string, body any, headers ...string) (int, http.Header, map[string]any) {
	t.Helper()
	r := s.send(t, method, path, who, body, headers...)
	return r.Status, r.Header, r.JSON
}

func (s *server) send(t *testing.T, method, path, who string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal body: %v", err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != anonymous {
		token, ok := s.tokens[who]
		if !ok {
			t.Fatalf("no user %q", who)
		}
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	out := response{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err == nil {
			out.JSON = m
		} else if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
			t.Errorf("%s %s: body is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	if res.StatusCode >= 400 && strings.HasPrefix(path, "/api/") {
		checkErrorBody(t, method+" "+path, res.StatusCode, out)
	}
	return out
}

// codeOf is the error code API.md gives each status.
var codeOf = map[int]string{
	422: "invalid", 404: "not_found", 409: "conflict", 403: "forbidden", 401: "unauthenticated",
	412: "precondition_failed", 413: "too_large", 500: "internal", 429: "too_many_requests", 503: "unavailable",
}

// leaks are pieces of Go, driver or SQL text that must never reach a user.
var leaks = []string{"sql", "pq:", "pgx", "pgconn", "runtime", "panic", "goroutine", "SQLSTATE", "json:", "invalid character",
	"unexpected EOF", "http:", "strconv", "<nil>", "%!"}

// frenchWords are small words one of which any French sentence of the
// product holds; an English or Go message holds none.
var frenchWords = []string{"é", "è", "à", "ê", "ç", " le ", " la ", " les ", " de ", " des ", " du ", " un ", " une ", " est ", " pas ", " ou ", "Le ", "La ", "Ce", "Aucun", " : ", "inconnu", "invalide"}

// checkErrorBody checks the error body API.md promises: JSON with
// error.code matching the status, and a French message with no Go text.
func checkErrorBody(t *testing.T, what string, status int, r response) {
	t.Helper()
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s: %d with Content-Type %q, want JSON\n%s", what, status, r.Header.Get("Content-Type"), r.Raw)
		return
	}
	e, ok := r.JSON["error"].(map[string]any)
	if !ok {
		t.Errorf("%s: %d without an \"error\" object: %s", what, status, r.Raw)
		return
	}
	code, _ := e["code"].(string)
	if want, ok := codeOf[status]; !ok || code != want {
		t.Errorf("%s: status %d with error.code %q, want %q", what, status, code, want)
	}
	msg, _ := e["message"].(string)
	checkFrench(t, what+": error.message", msg)
	if f, ok := e["fields"]; ok {
		fields, ok := f.(map[string]any)
		if !ok {
			t.Errorf("%s: error.fields is %T, want an object", what, f)
		}
		for k, v := range fields {
			s, _ := v.(string)
			checkFrench(t, what+": error.fields."+k, s)
		}
	}
}

// checkFrench fails when msg is empty, shows Go or SQL text, or looks like
// no French sentence.
func checkFrench(t *testing.T, what, msg string) {
	t.Helper()
	if strings.TrimSpace(msg) == "" {
		t.Errorf("%s is empty", what)
		return
	}
	for _, l := range leaks {
		if strings.Contains(msg, l) {
			t.Errorf("%s %q shows %q", what, msg, l)
		}
	}
	if !slices.ContainsFunc(frenchWords, func(w string) bool { return strings.Contains(msg, w) }) {
		t.Errorf("%s %q does not read as French", what, msg)
	}
}

// scenario is one request and what its answer must hold, in the manner of
// PocketBase's tests/api.go.
type scenario struct {
	name    string
	method  string
	path    string
	who     string
	body    any
	headers []string
	status  int
	// contains are fragments the raw body must hold, such as
	// `"code":"not_found"` (the server writes compact JSON).
	contains    []string
	notContains []string
	// fields are keys error.fields must hold.
	fields []string
	check  func(t *testing.T, r response)
}

// runScenarios runs each scenario as a subtest.
func (s *server) runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			method := sc.method
			if method == "" {
				method = http.MethodGet
			}
			r := s.send(t, method, sc.path, sc.who, sc.body, sc.headers...)
			if r.Status != sc.status {
				t.Fatalf("%s %s as %q: status %d, want %d\n%s", method, sc.path, sc.who, r.Status, sc.status, r.Raw)
			}
			for _, c := range sc.contains {
				if !bytes.Contains(r.Raw, []byte(c)) {
					t.Errorf("body does not hold %s\n%s", c, r.Raw)
				}
			}
			for _, c := range sc.notContains {
				if bytes.Contains(r.Raw, []byte(c)) {
					t.Errorf("body holds %s\n%s", c, r.Raw)
				}
			}
			if len(sc.fields) > 0 {
				fields := errorFields(r.JSON)
				for _, f := range sc.fields {
					if _, ok := fields[f]; !ok {
						t.Errorf("error.fields has no %q: %s", f, r.Raw)
					}
				}
			}
			if sc.check != nil {
				sc.check(t, r)
			}
		})
	}
}

// each starts a server on each dialect and runs fn with it.
func each(t *testing.T, fn func(t *testing.T, s *server)) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		fn(t, mustStart(t, dsn))
	})
}

func errorOf(m map[string]any) map[string]any {
	e, _ := m["error"].(map[string]any)
	return e
}

func errorFields(m map[string]any) map[string]any {
	f, _ := errorOf(m)["fields"].(map[string]any)
	return f
}

func errorCode(m map[string]any) string {
	c, _ := errorOf(m)["code"].(string)
	return c
}

// str, num, obj and arr read JSON values, failing the test on a wrong type.
func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	v, ok := m[key].(string)
	if !ok {
		t.Fatalf("%q is %T (%v), want a string", key, m[key], m[key])
	}
	return v
}

func num(t *testing.T, m map[string]any, key string) int {
	t.Helper()
	v, ok := m[key].(float64)
	if !ok {
		t.Fatalf("%q is %T (%v), want a number", key, m[key], m[key])
	}
	return int(v)
}

func obj(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	if !ok {
		t.Fatalf("%q is %T (%v), want an object", key, m[key], m[key])
	}
	return v
}

func arr(t *testing.T, m map[string]any, key string) []any {
	t.Helper()
	v, ok := m[key].([]any)
	if !ok {
		t.Fatalf("%q is %T (%v), want an array", key, m[key], m[key])
	}
	return v
}

// strs reads an array of strings.
func strs(t *testing.T, m map[string]any, key string) []string {
	t.Helper()
	var out []string
	for _, v := range arr(t, m, key) {
		s, ok := v.(string)
		if !ok {
			t.Fatalf("%q holds %T, want strings", key, v)
		}
		out = append(out, s)
	}
	return out
}

// items returns the items of a list, checking total against their number.
func items(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, v := range arr(t, m, "items") {
		o, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("item %T, want an object", v)
		}
		out = append(out, o)
	}
	if total := num(t, m, "total"); total != len(out) {
		t.Errorf("total %d for %d items", total, len(out))
	}
	return out
}

// ids returns the "id" of each item.
func ids(t *testing.T, list []map[string]any) []string {
	t.Helper()
	out := make([]string, len(list))
	for i, it := range list {
		out[i] = str(t, it, "id")
	}
	slices.Sort(out)
	return out
}

func sorted(in ...string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

// conventionBody is the example of API.md with the given parties.
func conventionBody(parties ...string) map[string]any {
	if parties == nil {
		parties = []string{}
	}
	return map[string]any{
		"kind": "ctg", "title": "CTG Latitude Nord Gironde 2022-2026", "caf": "caf-33",
		"perimeter": map[string]any{"epcis": []string{latitudeNG}, "communes": []string{}},
		"start":     "2022-11-01", "end": "2026-12-31",
		"parties": parties, "renews": nil,
	}
}

// with returns a copy of the body with the given keys replaced.
func with(body map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(body))
	for k, v := range body {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// mustCreate posts a convention as who and returns it.
func (s *server) mustCreate(t *testing.T, who string, body map[string]any) map[string]any {
	t.Helper()
	r := s.send(t, http.MethodPost, "/api/v1/conventions", who, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("POST /api/v1/conventions as %s: %d\n%s", who, r.Status, r.Raw)
	}
	return r.JSON
}

// mustStatus moves a convention to status as who.
func (s *server) mustStatus(t *testing.T, who, id, status, date string) map[string]any {
	t.Helper()
	body := map[string]any{"status": status}
	if date != "" {
		body["date"] = date
	}
	r := s.send(t, http.MethodPost, "/api/v1/conventions/"+id+"/status", who, body)
	if r.Status != http.StatusOK {
		t.Fatalf("status %s of %s: %d\n%s", status, id, r.Status, r.Raw)
	}
	return r.JSON
}

// mustSign takes a convention from diagnostic to signed on date.
func (s *server) mustSign(t *testing.T, who, id, date string) map[string]any {
	t.Helper()
	s.mustStatus(t, who, id, "elaboration", "")
	return s.mustStatus(t, who, id, "signed", date)
}

// mustGet answers the JSON of a GET that must succeed.
func (s *server) mustGet(t *testing.T, who, path string) map[string]any {
	t.Helper()
	r := s.send(t, http.MethodGet, path, who, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s as %s: %d\n%s", path, who, r.Status, r.Raw)
	}
	return r.JSON
}
