package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ctg/internal/demo"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// SQL injection: what the app reads from a query string, a path, a form or
// a header goes to the database as a bound parameter, never as SQL. Every
// attempt below is answered 4xx or as a normal (empty) result, never 500,
// and every table is there afterwards with the rows it had.

var sqlPayloads = []string{`' OR 1=1 --`, `"; DROP TABLE conventions; --`, `%27`, `') OR ('1'='1`, `1 UNION SELECT password_hash FROM users --`}

// routeHandler finds the routes of routes.go with the name of the method
// of Server that handles each: mux.Handle("GET /x", s.page(s.xPage)).
var routeHandler = regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+ /[^"]*)",\s*(.*)\)\n`)

// queryParams returns, for each route of routes.go, the query parameters
// its handler's file reads (r.URL.Query().Get("x"), q.Get("x"), …), and
// those that helpers shared by many handlers read.
func queryParams(t *testing.T) map[string][]string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	reads := regexp.MustCompile(`(?:Query\(\)|\bq|query)\.Get\("([a-z_]+)"\)|(?:Query\(\)|\bq)\["([a-z_]+)"\]`)
	defines := regexp.MustCompile(`func \(s \*Server\) (\w+)\(`)
	paramsOf := map[string][]string{} // by file
	fileOf := map[string]string{}     // by handler
	shared := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range reads.FindAllStringSubmatch(string(b), -1) {
			p := m[1] + m[2]
			if !slices.Contains(paramsOf[f], p) {
				paramsOf[f] = append(paramsOf[f], p)
			}
			// The filters of lists (api_conventions.go) and the limits
			// (params.go) are read by pages of other files.
			if f == "api_conventions.go" || f == "params.go" {
				shared[p] = true
			}
		}
		for _, m := range defines.FindAllStringSubmatch(string(b), -1) {
			fileOf[m[1]] = f
		}
	}
	last := regexp.MustCompile(`(\w+)\)*$`)
	out := map[string][]string{}
	for _, m := range routeHandler.FindAllStringSubmatch(string(src), -1) {
		h := last.FindStringSubmatch(strings.TrimSpace(m[2]))
		ps := slices.Collect(func(yield func(string) bool) {
			for p := range shared {
				if !yield(p) {
					return
				}
			}
		})
		if h != nil {
			for _, p := range paramsOf[fileOf[h[1]]] {
				if !slices.Contains(ps, p) {
					ps = append(ps, p)
				}
			}
		}
		slices.Sort(ps)
		out[m[1]] = ps
	}
	if len(out["GET /conventions/{id}/plan"]) < 5 {
		t.Fatalf("the plan reads %q: has the form of routes.go or of the handlers changed?", out["GET /conventions/{id}/plan"])
	}
	return out
}

// tableCounts returns the number of rows of every table.
func tableCounts(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.SQL().DriverName() != "sqlite" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	var tables []string
	if err := db.SQL().Select(&tables, q); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM `+tb); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

// TestInjection sends the payloads in every query parameter the handlers
// read, in every path segment, in the sign-in form and the credentials, as
// the administrator (who sees everything), on both databases.
func TestInjection(t *testing.T) {
	params := queryParams(t)
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		ref := testdb.Ref(t)
		db := testdb.Open(t, dsn)
		login, err := demo.Load(ctx, db, ref)
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
		if err != nil {
			t.Fatal(err)
		}
		h := s.Handler()
		w := &accessWorld{ids: demoIDs(t, db), sessions: map[string]string{}}
		admin := signInThroughForm(t, h, "admin@demo.ctg.fr", login.Password)
		demoExtras(t, db, h, admin, w.ids)
		before := tableCounts(t, db)

		check := func(r accessRequest, what string) {
			t.Helper()
			res := send(h, r)
			if res.Code >= 500 {
				t.Errorf("%s %s (%s): status %d\n%s", r.method, r.path, what, res.Code, excerpt(res.Body.String()))
			}
			if r.method != http.MethodGet && res.Code < 400 {
				t.Errorf("%s %s (%s): status %d, want it refused", r.method, r.path, what, res.Code)
			}
		}
		requests := 0
		for _, e := range accessMatrix() {
			if (e.reach == public && e.changes()) || e.route == "GET /readyz" {
				continue // below, with their own forms; not ready (503) until the server has started
			}
			session := admin
			if e.reach == public {
				session = ""
			}
			// Path segments, one at a time.
			keys := strings.Fields(e.fill)
			for i := range keys {
				for _, p := range sqlPayloads {
					w.ids["payload"] = p
					e := e
					k := slices.Clone(keys)
					k[i] = "payload"
					e.fill = strings.Join(k, " ")
					r := w.request(t, e, editor)
					r.session = session
					check(r, "segment "+keys[i])
					requests++
				}
			}
			if e.changes() {
				continue
			}
			// Query parameters: all at once, then each alone.
			base := w.target(t, e)
			sep := "?"
			if strings.Contains(base, "?") {
				sep = "&"
			}
			for _, p := range sqlPayloads {
				all := url.Values{}
				for _, name := range params[e.route] {
					all.Set(name, p)
				}
				check(accessRequest{method: "GET", path: base + sep + all.Encode(), session: session}, "every parameter")
				requests++
				// Each alone, with the first two payloads: those that
				// quote and those that end a statement.
				if strings.HasSuffix(base, ".pdf") || strings.HasSuffix(base, ".docx") || slices.Index(sqlPayloads, p) > 1 {
					continue
				}
				for _, name := range params[e.route] {
					check(accessRequest{method: "GET", path: base + sep + url.Values{name: {p}}.Encode(), session: session}, name)
					requests++
				}
			}
		}
		// Forms and credentials.
		for _, p := range sqlPayloads {
			for _, r := range []accessRequest{
				{method: "POST", path: "/connexion", form: url.Values{"email": {p}, "password": {p}}},
				{method: "POST", path: "/connexion", form: url.Values{"email": {"admin@demo.ctg.fr"}, "password": {p}}},
				{method: "GET", path: "/api/v1/me", headers: []string{"Authorization", "Bearer " + p}},
				{method: "GET", path: "/conventions", headers: []string{"Cookie", sessionCookie + "=" + url.QueryEscape(p)}},
				{method: "POST", path: "/q/" + url.PathEscape(p), form: url.Values{"nonce": {p}}},
				{method: "POST", path: "/q/" + w.ids["lng.token"], form: url.Values{"nonce": {p}, "commune": {p}, p: {p}}},
				{method: "GET", path: "/connexion/oidc/retour?state=" + url.QueryEscape(p) + "&code=" + url.QueryEscape(p)},
				{method: "POST", path: "/api/v1/conventions/" + w.ids["lng"] + "/stakes", session: admin,
					json: `{"title":"Un enjeu","fields":["petite_enfance"],"priority":1,"findings":[` + jsonString(p) + `]}`},
				{method: "PATCH", path: "/api/v1/conventions/" + w.ids["lng"], session: admin, headers: []string{"If-Match", `"999999"`},
					json: `{"parties":[` + jsonString(p) + `],"renews":` + jsonString(p) + `}`},
				{method: "POST", path: "/api/v1/conventions", session: admin,
					json: `{"kind":` + jsonString(p) + `,"title":"x","caf":` + jsonString(p) + `,"perimeter":{"epcis":[` + jsonString(p) + `]},"start":"2028-01-01","end":"2032-12-31"}`},
			} {
				check(r, "form")
				requests++
			}
		}
		t.Logf("%d requests", requests)

		after := tableCounts(t, db)
		for tb, n := range before {
			m, ok := after[tb]
			switch {
			case !ok:
				t.Errorf("table %s is gone", tb)
			case m != n && !injectionMayWrite[tb]:
				t.Errorf("table %s had %d rows, now %d", tb, n, m)
			}
		}
	})
}

// injectionMayWrite are the tables that refused requests write by design:
// the failed sign-ins counted for throttling, the sessions of the
// sign-ins, the flood counter of the public form, the tallies of results
// read, the states of single sign-on.
var injectionMayWrite = map[string]bool{"login_attempts": true, "sessions": true, "rate_limits": true, "survey_tallies": true, "sso_states": true}
