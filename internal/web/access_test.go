package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ctg/internal/demo"
	"ctg/internal/plan"
	"ctg/internal/sso"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// The authorization matrix: one entry per route of routes.go, saying how
// the route is reached, and a test that runs each as the people of the
// demonstration data set. TestAccessMatrixComplete fails when a route is
// added without its entry, or an entry outlives its route.

// reach says who may use a route.
type reach int

const (
	// public: no sign-in (the sign-in page, the public form and page,
	// static files, health).
	public reach = iota
	// signedIn: any signed-in user (reference data, their account, lists
	// of what they see).
	signedIn
	// editors: signed-in editors and administrators, data of no single
	// convention (the inventory of facilities, indicators, new
	// conventions); readers 403.
	editors
	// admins: administrators only; editors and readers 403.
	admins
	// scoped: the path names a demo convention or an object of one; the
	// request is run as an anonymous visitor, an outsider (another CAF),
	// a reader of the convention, an editor and an administrator.
	scoped
)

// accessEntry is one route of the matrix.
type accessEntry struct {
	route string // "METHOD pattern", exactly as routes.go registers it
	reach reach
	// fill names, in order, the demo objects that fill the wildcards of the
	// pattern (keys of accessWorld.ids); the first key's prefix ("lng",
	// "cub") says which convention, hence which reader.
	fill string
	// path replaces the pattern filled in, when it is not a request path
	// (the static files); query is added to the path.
	path, query string
	// form or json is the body of a state change sent by those who are
	// refused: valid enough that only access can refuse it.
	form url.Values
	json string
	// editsOnly marks a GET that shows a form to change things: a reader
	// is refused it (403).
	editsOnly bool
	// why explains an exception to the defaults, in want.
	want map[string]int
}

func (e accessEntry) method() string  { return e.route[:strings.Index(e.route, " ")] }
func (e accessEntry) pattern() string { return e.route[strings.Index(e.route, " ")+1:] }
func (e accessEntry) api() bool       { return strings.HasPrefix(e.pattern(), "/api/") }
func (e accessEntry) changes() bool {
	return e.method() != http.MethodGet && e.method() != http.MethodHead
}

// The people of the matrix.
const (
	anonymous = "anonymous"
	outsider  = "outsider"
	reader    = "reader"
	editor    = "editor"
	admin     = "admin"
)

var roles = []string{anonymous, outsider, reader, editor, admin}

// accessWorld is the demonstration data set in three copies of one SQLite
// file: the first, whose every write is counted by triggers, serves the
// anonymous visitor, the outsider and the readers, whom nothing they send
// may change; the editor and the administrator each change a copy of
// their own, so that what one does cannot hide what the other may.
type accessWorld struct {
	watch, editorH, adminH http.Handler
	watchDB                *store.DB
	ids                    map[string]string
	// sessions by role; readers by convention key.
	sessions map[string]string
	readers  map[string]string
}

// newAccessWorld loads the demonstration data set, signs its people in,
// adds what the data set lacks (an upload, an access request) and makes
// the copies.
func newAccessWorld(t *testing.T) *accessWorld {
	t.Helper()
	ctx := context.Background()
	ref := testdb.Ref(t)
	dir := t.TempDir()
	db := testdb.Open(t, filepath.Join(dir, "demo.db"))
	login, err := demo.Load(ctx, db, ref)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	w := &accessWorld{ids: demoIDs(t, db), sessions: map[string]string{}, readers: map[string]string{}}
	for role, email := range map[string]string{outsider: "reunion@demo.ctg.fr", editor: login.Email, admin: "admin@demo.ctg.fr"} {
		w.sessions[role] = signInThroughForm(t, h, email, login.Password)
	}
	// The association is a party to the CTG under diagnosis; the
	// département, a reader too, to the Cubzaguais's, which the
	// association is not.
	w.readers["lng"] = signInThroughForm(t, h, "association@demo.ctg.fr", login.Password)
	w.readers["cub"] = signInThroughForm(t, h, "departement@demo.ctg.fr", login.Password)

	demoExtras(t, db, h, w.sessions[editor], w.ids)

	// The outsider's own convention, with a plan: the CTG Saint-Joseph of
	// the CAF of La Réunion.
	sj := demoConventionID(t, db, "CTG Saint-Joseph 2023-2027")
	mickael, err := db.UserByEmail(ctx, "reunion@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	axis := &plan.Axis{Title: "Accueillir les jeunes enfants"}
	if err := db.CreateAxis(ctx, mickael, sj, axis); err != nil {
		t.Fatal(err)
	}
	obj := &plan.Objective{Title: "Ouvrir des places"}
	if err := db.CreateObjective(ctx, mickael, axis.ID, obj); err != nil {
		t.Fatal(err)
	}
	act := &plan.Action{Title: "Une micro-crèche à Saint-Joseph", Lead: "caf-974"}
	if err := db.CreateAction(ctx, mickael, axis.ID, act); err != nil {
		t.Fatal(err)
	}
	w.ids["sj"], w.ids["sj.axis"], w.ids["sj.objective"], w.ids["sj.action"] = sj, axis.ID, obj.ID, act.ID

	copyOf := func(name string) (*store.DB, http.Handler) {
		path := filepath.Join(dir, name)
		if err := db.Backup(ctx, path); err != nil {
			t.Fatal(err)
		}
		c := testdb.Open(t, path)
		s, err := New(Config{DB: c, Ref: ref, Log: discardLog()})
		if err != nil {
			t.Fatal(err)
		}
		return c, s.Handler()
	}
	w.watchDB, w.watch = copyOf("watch.db")
	_, w.editorH = copyOf("editor.db")
	_, w.adminH = copyOf("admin.db")
	countWrites(t, w.watchDB)
	return w
}

// demoExtras adds to ids what the data set lacks: a file uploaded through
// the import wizard by the user of session, an access request left by a
// first sign-in through the provider.
func demoExtras(t *testing.T, db *store.DB, h http.Handler, session string, ids map[string]string) {
	t.Helper()
	up := uploadForm(t, "", "population.csv", []byte("CODGEO;P21_POP0002\n33473;120\n"))
	res := send(h, accessRequest{method: "POST", path: "/imports/nouveau", session: session, body: up.body, contentType: up.contentType})
	loc := res.Header().Get("Location")
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/imports/fichiers/") {
		t.Fatalf("upload: %d to %q\n%s", res.Code, loc, excerpt(res.Body.String()))
	}
	ids["upload"] = strings.TrimPrefix(loc, "/imports/fichiers/")
	out, err := db.SignInSSO(context.Background(), &sso.Identity{Issuer: "https://auth.example.gouv.fr", Subject: "sub-access",
		Email: "agent@mairie-saint-savin.fr", GivenName: "Agent", UsualName: "Communal"}, 0)
	if err != nil || out.Request == nil {
		t.Fatalf("access request: %+v %v", out, err)
	}
	ids["request"] = out.Request.ID
}

// demoIDs finds the objects of the demonstration data set that fill the
// routes' wildcards: of the CTG Latitude Nord Gironde 2027-2031 ("lng",
// under diagnosis, with its consultation and plan) and of the CTG Grand
// Cubzaguais ("cub", in its third year, with committees and reviews).
func demoIDs(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	a, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	must := func(ok bool, what string, err error) {
		t.Helper()
		if err != nil || !ok {
			t.Fatalf("the demonstration data set has no %s: %v", what, err)
		}
	}
	ids := map[string]string{
		"lng": demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031"),
		"cub": demoConventionID(t, db, "CTG Grand Cubzaguais 2024-2028"),
		// Not objects: values of the path.
		"cub.year": "2025", "cub.subject": "convention", "lng.file": "plan.xlsx",
		"commune": "33473", "epci": "243301181", "departement": "33", "org": "caf-33",
	}
	lng, cub := ids["lng"], ids["cub"]

	p, err := db.Plan(ctx, a, lng)
	must(err == nil && len(p.Axes) > 0 && len(p.Axes[0].Objectives) > 0 && len(p.Axes[0].Actions) > 0, "plan", err)
	ids["lng.axis"], ids["lng.objective"], ids["lng.action"] = p.Axes[0].ID, p.Axes[0].Objectives[0].ID, p.Axes[0].Actions[0].ID
	inds, err := db.ConventionActionIndicators(ctx, a, lng)
	must(len(inds) > 0, "action indicator", err)
	ids["lng.indicator"] = inds[0].ID
	ids["lng.indicator.action"] = inds[0].Action
	svs, err := db.Surveys(ctx, a, lng)
	must(len(svs) > 0, "survey", err)
	sv, err := db.Survey(ctx, a, svs[0].ID)
	must(true, "survey", err)
	must(len(sv.Questions) > 1, "survey questions", nil)
	ids["lng.survey"], ids["lng.token"] = sv.ID, sv.Token
	ids["lng.survey.q1"], ids["lng.survey.q2"] = sv.Questions[0].Key, sv.Questions[1].Key
	wss, err := db.Workshops(ctx, a, lng)
	must(len(wss) > 0 && len(wss[0].Proposals) > 0, "workshop", err)
	ids["lng.workshop"], ids["lng.proposal"] = wss[0].ID, wss[0].Proposals[0].ID
	fs, err := db.Findings(ctx, a, lng, store.FindingFilter{})
	must(len(fs) > 0, "finding", err)
	ids["lng.finding"] = fs[0].ID
	sts, err := db.Stakes(ctx, a, lng)
	must(len(sts) > 0, "stake", err)
	ids["lng.stake"] = sts[0].ID
	c, err := db.Convention(ctx, a, lng)
	must(true, "convention", err)
	facs, err := db.Facilities(ctx, store.FacilityFilter{Communes: c.Communes})
	must(len(facs) > 0, "facility", err)
	ids["lng.facility"], ids["facility"] = facs[0].ID, facs[0].ID
	pub, err := db.Publication(ctx, a, lng)
	must(pub != nil, "publication", err)
	ids["lng.slug"] = pub.Slug

	ms, err := db.Meetings(ctx, a, cub)
	must(len(ms) > 0, "meeting", err)
	ids["cub.meeting"] = ms[0].ID
	for _, m := range ms {
		if len(m.Decisions) > 0 {
			ids["cub.decision"] = m.Decisions[0].ID
		}
	}
	must(ids["cub.decision"] != "", "decision", nil)
	cp, err := db.Plan(ctx, a, cub)
	must(len(cp.Actions()) > 0, "plan of the Cubzaguais", err)
	ids["cub.action"] = cp.Actions()[0].ID

	imps, err := db.Imports(ctx, 1)
	must(len(imps) > 0, "import", err)
	ids["import"] = imps[0].ID
	return ids
}

// countWrites adds triggers to every table of db that count the rows
// written into test_writes, so that a test can tell that a request changed
// nothing. Tables that reading or signing in write by design are left out.
func countWrites(t *testing.T, db *store.DB) {
	t.Helper()
	x := db.SQL()
	var tables []string
	if err := x.Select(&tables, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Exec(`CREATE TABLE test_writes (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	volatile := map[string]bool{"goose_db_version": true, "sessions": true, "login_attempts": true, "rate_limits": true,
		"survey_tallies": true, "sso_states": true, "job_leases": true}
	for _, tb := range tables {
		if volatile[tb] {
			continue
		}
		for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
			q := fmt.Sprintf(`CREATE TRIGGER test_w_%s_%s AFTER %s ON %q BEGIN
				INSERT INTO test_writes (tbl, n) VALUES ('%s', 1) ON CONFLICT (tbl) DO UPDATE SET n = n + 1; END`, tb, op, op, tb, tb)
			if _, err := x.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	// The triggers count: a write in a transaction rolled back.
	tx, err := x.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if _, err := tx.Exec(`UPDATE conventions SET title = title`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Get(&n, `SELECT n FROM test_writes WHERE tbl = 'conventions'`); err != nil || n == 0 {
		t.Fatalf("the triggers count no write: %d %v", n, err)
	}
}

// writes returns the count of rows written so far, by table.
func writes(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	var rows []struct {
		Tbl string `db:"tbl"`
		N   int    `db:"n"`
	}
	if err := db.SQL().Select(&rows, `SELECT tbl, n FROM test_writes`); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Tbl] = r.N
	}
	return out
}

// changed names the tables written between two counts.
func changed(before, after map[string]int) []string {
	var out []string
	for tb, n := range after {
		if before[tb] != n {
			out = append(out, tb)
		}
	}
	slices.Sort(out)
	return out
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// target fills the wildcards of e's pattern with the demo objects it names.
func (w *accessWorld) target(t *testing.T, e accessEntry) string {
	t.Helper()
	if e.path != "" {
		return e.path
	}
	keys := strings.Fields(e.fill)
	i := 0
	p := wildcard.ReplaceAllStringFunc(e.pattern(), func(m string) string {
		if m == "{$}" {
			return ""
		}
		if i >= len(keys) {
			t.Fatalf("%s: nothing fills %s (fill %q)", e.route, m, e.fill)
		}
		id, ok := w.ids[keys[i]]
		if !ok {
			t.Fatalf("%s: no demo object %q", e.route, keys[i])
		}
		i++
		return url.PathEscape(id)
	})
	if i != len(keys) {
		t.Fatalf("%s: fill %q names more objects than the pattern has wildcards", e.route, e.fill)
	}
	if e.query != "" {
		q := e.query
		for k, v := range w.ids {
			q = strings.ReplaceAll(q, "{"+k+"}", url.QueryEscape(v))
		}
		p += "?" + q
	}
	return p
}

// conventionKey is the convention an entry's path belongs to.
func (e accessEntry) conventionKey() string {
	k, _, _ := strings.Cut(e.fill, ".")
	k, _, _ = strings.Cut(k, " ")
	return k
}

// accessRequest is one request of the matrix.
type accessRequest struct {
	method, path, session string
	form                  url.Values
	json                  string
	body                  []byte // sent as it is, with contentType
	contentType           string
	headers               []string
}

// send runs r against h with same-origin headers, as a browser on the site
// sends them, unless r's headers say otherwise.
func send(h http.Handler, r accessRequest) *httptest.ResponseRecorder {
	var req *http.Request
	switch {
	case r.form != nil:
		req = httptest.NewRequest(r.method, r.path, strings.NewReader(r.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case r.json != "":
		req = httptest.NewRequest(r.method, r.path, strings.NewReader(r.json))
		req.Header.Set("Content-Type", "application/json")
	case r.body != nil:
		req = httptest.NewRequest(r.method, r.path, bytes.NewReader(r.body))
		req.Header.Set("Content-Type", r.contentType)
	default:
		req = httptest.NewRequest(r.method, r.path, nil)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", "http://"+req.Host)
	if r.session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: r.session})
	}
	for i := 0; i+1 < len(r.headers); i += 2 {
		if r.headers[i+1] == "" {
			req.Header.Del(r.headers[i])
		} else {
			req.Header.Set(r.headers[i], r.headers[i+1])
		}
	}
	res := httptest.NewRecorder()
	h.ServeHTTP(res, req)
	return res
}

// staleVersion is sent by the editor and the administrator to the routes
// that delete or replace: the store checks access before the version, so
// that they are answered 412 (or 422) and the data set stays whole.
const staleVersion = "999999"

// expect is what a role is answered on entry e: a status, or 0 for "any
// status but 401, 403, 404 and a redirection to the sign-in page".
func (e accessEntry) expect(role string) int {
	if s, ok := e.want[role]; ok {
		return s
	}
	switch e.reach {
	case public:
		return 0
	case signedIn:
		if role == anonymous {
			return e.anonymousStatus()
		}
		if e.changes() {
			return 0
		}
		return http.StatusOK
	case editors, admins:
		switch {
		case role == anonymous:
			return e.anonymousStatus()
		case role == reader, e.reach == admins && role != admin:
			return http.StatusForbidden
		case e.changes():
			return 0
		}
		return http.StatusOK
	}
	switch role {
	case anonymous:
		return e.anonymousStatus()
	case outsider:
		return http.StatusNotFound
	case reader:
		if e.changes() || e.editsOnly {
			return http.StatusForbidden
		}
		return http.StatusOK
	}
	if e.changes() {
		return 0
	}
	return http.StatusOK
}

// anonymousStatus: the API answers 401; a page sends to the sign-in page.
func (e accessEntry) anonymousStatus() int {
	if e.api() {
		return http.StatusUnauthorized
	}
	return http.StatusSeeOther
}

// request builds the request of role on e.
func (w *accessWorld) request(t *testing.T, e accessEntry, role string) accessRequest {
	r := accessRequest{method: e.method(), path: w.target(t, e)}
	switch role {
	case reader:
		r.session = w.readers[e.conventionKey()]
		if r.session == "" {
			r.session = w.readers["lng"]
		}
	case anonymous:
	default:
		r.session = w.sessions[role]
	}
	if !e.changes() {
		return r
	}
	r.form, r.json = e.form, e.json
	if role == editor || role == admin {
		// The same body with a stale version where one is read.
		if e.api() {
			r.headers = []string{"If-Match", `"` + staleVersion + `"`}
		} else {
			r.form = maps.Clone(e.form)
			if r.form == nil {
				r.form = url.Values{}
			}
			r.form.Set("version", staleVersion)
		}
		if r.json == "" && e.api() {
			r.json = "{}"
		}
		return r
	}
	if e.api() {
		if r.json == "" && e.form == nil {
			r.json = "{}"
		}
		if e.method() != http.MethodPost {
			r.headers = []string{"If-Match", w.currentETag(t, r.path)}
		}
	} else if r.form == nil {
		r.form = url.Values{}
	}
	return r
}

// currentETag reads the version of the resource at path, as the
// administrator, so that a refused change is refused for its access and not
// its version.
func (w *accessWorld) currentETag(t *testing.T, path string) string {
	res := send(w.watch, accessRequest{method: http.MethodGet, path: path, session: w.sessions[admin]})
	if tag := res.Header().Get("ETag"); tag != "" {
		return tag
	}
	return `"1"`
}

// TestAccessMatrixComplete fails when routes.go registers a route the
// matrix lacks, or the matrix holds a route that is gone.
func TestAccessMatrixComplete(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, m := range routePattern.FindAllStringSubmatch(string(src), -1) {
		routes[m[1]+" "+m[2]] = true
	}
	if len(routes) < 100 {
		t.Fatalf("found %d routes in routes.go (pattern %s): has its form changed?", len(routes), routePattern)
	}
	entries := map[string]bool{}
	for _, e := range accessMatrix() {
		if entries[e.route] {
			t.Errorf("the matrix has %s twice", e.route)
		}
		entries[e.route] = true
	}
	for _, r := range slices.Sorted(maps.Keys(routes)) {
		if !entries[r] {
			t.Errorf("route %s has no entry in accessMatrix (access_test.go): say who may use it", r)
		}
	}
	for _, r := range slices.Sorted(maps.Keys(entries)) {
		if !routes[r] {
			t.Errorf("accessMatrix has %s, which routes.go does not register", r)
		}
	}
}

// TestAccessMatrix runs every entry of the matrix as each role and checks
// the status, and that nothing the anonymous visitor, the outsider or the
// reader sends changes anything.
func TestAccessMatrix(t *testing.T) {
	w := newAccessWorld(t)
	entries := accessMatrix()
	// Reads first, then changes: the editor's and administrator's changes
	// stay in their own copies, but a change may close what a read shows.
	slices.SortStableFunc(entries, func(a, b accessEntry) int {
		switch {
		case a.changes() == b.changes():
			return 0
		case b.changes():
			return -1
		}
		return 1
	})
	for _, role := range roles {
		t.Run(role, func(t *testing.T) {
			h, watched := w.watch, true
			switch role {
			case editor:
				h, watched = w.editorH, false
			case admin:
				h, watched = w.adminH, false
			}
			for _, e := range entries {
				if role != anonymous && e.reach == public {
					continue
				}
				if (role == outsider) && e.reach != scoped {
					continue // another CAF's editor is an editor like any other off conventions
				}
				r := w.request(t, e, role)
				var before map[string]int
				if watched {
					before = writes(t, w.watchDB)
				}
				res := send(h, r)
				if os.Getenv("ACCESS_LOG") != "" {
					t.Logf("%-6s %3d %s %s", role, res.Code, r.method, e.route)
				}
				want := e.expect(role)
				got := res.Code
				switch {
				case want == 0:
					loc := res.Header().Get("Location")
					if got == http.StatusUnauthorized || got == http.StatusForbidden || got == http.StatusNotFound ||
						(got == http.StatusSeeOther && strings.HasPrefix(loc, "/connexion?")) {
						t.Errorf("%s %s as %s: status %d, want access (not 401, 403, 404)\n%s", r.method, r.path, role, got, excerpt(res.Body.String()))
					}
				case got != want:
					t.Errorf("%s %s as %s: status %d, want %d\n%s", r.method, r.path, role, got, want, excerpt(res.Body.String()))
				case want == http.StatusSeeOther && role == anonymous:
					if loc := res.Header().Get("Location"); !strings.HasPrefix(loc, "/connexion?suite=") {
						t.Errorf("%s %s as %s: sent to %q, want the sign-in page", r.method, r.path, role, loc)
					}
				case want == http.StatusUnauthorized, want == http.StatusForbidden, want == http.StatusNotFound:
					if e.api() && !strings.Contains(res.Body.String(), `"error"`) {
						t.Errorf("%s %s as %s: %d without the JSON error body: %s", r.method, r.path, role, got, excerpt(res.Body.String()))
					}
				}
				if before != nil && e.reach != public {
					if tables := changed(before, writes(t, w.watchDB)); len(tables) > 0 {
						t.Errorf("%s %s as %s (status %d) wrote into %s", r.method, r.path, role, got, strings.Join(tables, ", "))
					}
				}
			}
		})
	}
}

// TestAccessCrossSite sends state changes as the editor from another site:
// refused (403) whatever the session, and nothing written.
func TestAccessCrossSite(t *testing.T) {
	w := newAccessWorld(t)
	lng := w.ids["lng"]
	cases := []accessRequest{
		{method: "POST", path: "/conventions/" + lng + "/constats", form: url.Values{"kind": {"need"}, "field": {"petite_enfance"}, "text": {"Venu d'ailleurs."}}},
		{method: "POST", path: "/conventions/" + lng + "/axes", form: url.Values{"title": {"Axe venu d'ailleurs"}}},
		{method: "POST", path: "/api/v1/conventions/" + lng + "/findings", json: `{"kind":"need","field":"petite_enfance","text":"Venu d'ailleurs."}`},
		{method: "PATCH", path: "/api/v1/conventions/" + lng, json: `{"title":"Titre venu d'ailleurs"}`},
		{method: "DELETE", path: "/api/v1/findings/" + w.ids["lng.finding"]},
		{method: "POST", path: "/compte/mot-de-passe", form: url.Values{"current": {"demo-ctg-2026"}, "password": {"venu-d-ailleurs-123"}, "confirm": {"venu-d-ailleurs-123"}}},
		{method: "POST", path: "/deconnexion"},
	}
	for _, c := range cases {
		for _, headers := range [][]string{
			{"Sec-Fetch-Site", "cross-site"},
			{"Sec-Fetch-Site", "same-site"},
			{"Sec-Fetch-Site", "", "Origin", "https://ailleurs.example"},
		} {
			c.session = w.sessions[editor]
			c.headers = headers
			before := writes(t, w.watchDB)
			res := send(w.watch, c)
			if res.Code != http.StatusForbidden {
				t.Errorf("%s %s with %q: status %d, want 403", c.method, c.path, headers, res.Code)
			}
			if tables := changed(before, writes(t, w.watchDB)); len(tables) > 0 {
				t.Errorf("%s %s with %q wrote into %s", c.method, c.path, headers, strings.Join(tables, ", "))
			}
			if strings.HasPrefix(c.path, "/api/") && !strings.Contains(res.Body.String(), `"forbidden"`) {
				t.Errorf("%s %s: %s, want the JSON error", c.method, c.path, res.Body.String())
			}
		}
	}
	// The session still works: the sign-out was refused too.
	if res := send(w.watch, accessRequest{method: "GET", path: "/compte", session: w.sessions[editor]}); res.Code != http.StatusOK {
		t.Errorf("after the refused requests, /compte: %d", res.Code)
	}
}

// TestAccessAcrossConventions sends the outsider's requests through their
// own convention (the CTG Saint-Joseph, where they are an editor) to the
// objects of a convention they do not see: in the path (a finding of
// another convention under their convention's address) or in the body (a
// finding, an objective, an action of another convention tied to theirs).
// Each is answered as not found or invalid, and nothing is written.
func TestAccessAcrossConventions(t *testing.T) {
	w := newAccessWorld(t)
	values := map[string]bool{"cub.year": true, "cub.subject": true, "lng.file": true}
	var cases []accessRequest
	for _, e := range accessMatrix() {
		keys := strings.Fields(e.fill)
		if e.reach != scoped || len(keys) < 2 || values[keys[1]] {
			continue
		}
		if strings.Contains(keys[0], ".") {
			keys[0] = "sj.action" // an action of theirs, an indicator of another's
		} else {
			keys[0] = "sj"
		}
		e.fill = strings.Join(keys, " ")
		r := w.request(t, e, outsider)
		cases = append(cases, r)
	}
	sj, lng, cub := w.ids["sj"], w.ids["lng"], w.ids["cub"]
	api := []accessRequest{
		{method: "POST", path: "/api/v1/conventions/" + sj + "/stakes", json: `{"title":"Un enjeu","fields":["petite_enfance"],"priority":1,"findings":["` + w.ids["lng.finding"] + `"]}`},
		{method: "POST", path: "/api/v1/axes/" + w.ids["sj.axis"] + "/actions", json: `{"title":"Une action","status":"planned","objective":"` + w.ids["lng.objective"] + `"}`},
		{method: "POST", path: "/api/v1/axes/" + w.ids["sj.axis"] + "/actions", json: `{"title":"Une action","status":"planned","stakes":["` + w.ids["lng.stake"] + `"]}`},
		{method: "PATCH", path: "/api/v1/actions/" + w.ids["sj.action"], json: `{"objective":"` + w.ids["lng.objective"] + `"}`},
		{method: "PATCH", path: "/api/v1/actions/" + w.ids["sj.action"], json: `{"stakes":["` + w.ids["lng.stake"] + `"]}`},
		{method: "POST", path: "/api/v1/conventions/" + sj + "/meetings", json: `{"committee":"copil","date":"2026-10-01","decisions":[{"text":"Lancer l'action.","actions":["` + w.ids["cub.action"] + `"]}]}`},
		{method: "PATCH", path: "/api/v1/conventions/" + sj, json: `{"renews":"` + lng + `"}`},
		{method: "POST", path: "/api/v1/conventions", json: `{"kind":"ctg","title":"CTG Saint-Joseph 2028-2032","caf":"caf-974","perimeter":{"communes":["97412"]},"start":"2028-01-01","end":"2032-12-31","parties":[],"renews":"` + cub + `"}`},
		{method: "POST", path: "/conventions/" + sj + "/actions/nouvelle", form: url.Values{"title": {"Une action"}, "axis": {w.ids["lng.axis"]}, "status": {"planned"}}},
		{method: "POST", path: "/conventions/" + sj + "/enjeux", form: url.Values{"title": {"Un enjeu"}, "fields": {"petite_enfance"}, "priority": {"1"}, "findings": {w.ids["lng.finding"]}}},
		{method: "POST", path: "/conventions/" + sj + "/comites", form: url.Values{"op": {"save"}, "committee": {"copil"}, "date": {"2026-10-01"},
			"decision_id": {""}, "decision_text": {"Lancer l'action."}, "decision_actions_0": {w.ids["cub.action"]}}},
	}
	for _, r := range api {
		r.session = w.sessions[outsider]
		if r.method == "PATCH" {
			r.headers = []string{"If-Match", w.currentETag(t, r.path)}
		}
		cases = append(cases, r)
	}
	if len(cases) < 20 {
		t.Fatalf("only %d requests", len(cases))
	}
	for _, r := range cases {
		before := writes(t, w.watchDB)
		res := send(w.watch, r)
		if res.Code < 400 || res.Code >= 500 {
			t.Errorf("%s %s as the outsider: status %d, want 404 or 422\n%s", r.method, r.path, res.Code, excerpt(res.Body.String()))
		}
		if tables := changed(before, writes(t, w.watchDB)); len(tables) > 0 {
			t.Errorf("%s %s as the outsider (status %d) wrote into %s", r.method, r.path, res.Code, strings.Join(tables, ", "))
		}
		for _, id := range []string{lng, cub} {
			if strings.Contains(res.Body.String(), id) {
				t.Errorf("%s %s as the outsider: the answer names the convention %s", r.method, r.path, id)
			}
		}
	}
}

// TestAccessListsShowOnlyWhatOneSees reads, as the outsider, the pages and
// lists that every signed-in user reaches: none names a convention of
// Gironde, which they do not see.
func TestAccessListsShowOnlyWhatOneSees(t *testing.T) {
	w := newAccessWorld(t)
	var secrets []string
	for _, title := range []string{"CTG Latitude Nord Gironde 2022-2026", "CTG Latitude Nord Gironde 2027-2031", "CTG Grand Cubzaguais 2024-2028",
		"CTG Bordeaux 2023-2027", "CTG Montesquieu 2023-2027", "Contrat de ville Bordeaux Métropole 2024-2030"} {
		secrets = append(secrets, title, demoConventionID(t, w.watchDB, title))
	}
	paths := []string{
		"/", "/?departement=33", "/conventions", "/conventions?departement=33", "/conventions?departement=33&format=csv",
		"/conventions?q=latitude", "/departements/33", "/communes/33473", "/epcis/243301181", "/france",
		"/territoires?q=saint+savin", "/imports/" + w.ids["import"],
		"/api/v1/conventions", "/api/v1/conventions?departement=33", "/api/v1/coverage?departement=33&date=2026-06-01",
		"/api/v1/coverage?date=2026-06-01", "/api/v1/reminders", "/api/v1/reminders?date=2026-11-01",
		"/api/v1/organisations/caf-33/commitments", "/api/v1/imports", "/api/v1/imports/" + w.ids["import"],
		"/api/v1/facilities?epci=243301181",
	}
	for _, p := range paths {
		res := send(w.watch, accessRequest{method: "GET", path: p, session: w.sessions[outsider]})
		if res.Code != http.StatusOK {
			t.Errorf("GET %s as the outsider: status %d", p, res.Code)
			continue
		}
		body := res.Body.String()
		for _, s := range secrets {
			if strings.Contains(body, s) || strings.Contains(body, html.EscapeString(s)) {
				t.Errorf("GET %s as the outsider names %q", p, s)
			}
		}
	}
}

// accessMatrix lists every route of routes.go with how it is reached.
func accessMatrix() []accessEntry {
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	return []accessEntry{
		// Without sign-in.
		{route: "GET /static/", reach: public, path: "/static/css/ctg.css"},
		{route: "GET /favicon.ico", reach: public},
		{route: "GET /healthz", reach: public},
		{route: "GET /readyz", reach: public},
		{route: "GET /connexion", reach: public},
		{route: "POST /connexion", reach: public},
		{route: "POST /deconnexion", reach: public},
		{route: "GET /connexion/oidc", reach: public, want: map[string]int{anonymous: http.StatusNotFound}}, // single sign-on is off
		{route: "GET /connexion/oidc/retour", reach: public, want: map[string]int{anonymous: http.StatusNotFound}},
		{route: "GET /connexion/oidc/demande", reach: public},
		{route: "GET /deconnexion/retour", reach: public},
		{route: "GET /a-propos", reach: public},
		{route: "GET /q/{token}", reach: public, fill: "lng.token"},
		{route: "POST /q/{token}", reach: public, fill: "lng.token"},
		{route: "GET /q/{token}/merci", reach: public, fill: "lng.token"},
		{route: "GET /p/{slug}", reach: public, fill: "lng.slug"},
		{route: "GET /api/v1/openapi.json", reach: public},

		// Administration.
		{route: "POST /admin/demandes/{id}/approuver", reach: admins, fill: "request", form: form("org", "caf-33", "role", "reader")},
		{route: "POST /admin/demandes/{id}/refuser", reach: admins, fill: "request"},
		{route: "GET /admin", reach: admins},
		{route: "POST /admin/organisations", reach: admins, form: form("name", "Association de test", "kind", "association")},
		{route: "POST /admin/utilisateurs", reach: admins, form: form("name", "Personne", "email", "personne@example.fr", "org", "caf-33", "role", "reader", "password", "un mot de passe long")},

		// Pages of every signed-in user.
		// The home page of someone of no CAF is France's.
		{route: "GET /{$}", reach: signedIn, want: map[string]int{reader: http.StatusSeeOther}},
		{route: "GET /territoires", reach: signedIn},
		{route: "GET /territoires/suggestions", reach: signedIn},
		{route: "GET /communes/{code}", reach: signedIn, fill: "commune"},
		{route: "GET /epcis/{siren}", reach: signedIn, fill: "epci"},
		{route: "GET /departements/{code}", reach: signedIn, fill: "departement"},
		{route: "GET /france", reach: signedIn},
		{route: "GET /conventions", reach: signedIn},
		{route: "GET /compte", reach: signedIn},
		{route: "POST /compte/mot-de-passe", reach: signedIn},
		{route: "GET /indicateurs", reach: signedIn},
		{route: "GET /imports/{id}", reach: signedIn, fill: "import"},

		// Pages of editors, of no single convention.
		{route: "GET /conventions/nouvelle", reach: editors},
		{route: "POST /conventions/nouvelle", reach: editors},
		// The perimeter of the form, computed and shown: it changes nothing.
		{route: "POST /conventions/perimetre", reach: signedIn},
		{route: "POST /indicateurs", reach: editors, form: form("code", "test_places", "label", "Places de test", "unit", "places", "aggregate", "sum")},
		{route: "GET /imports/nouveau", reach: editors},
		{route: "POST /imports/nouveau", reach: editors},
		// An upload is its uploader's: another editor, the administrator
		// included, is answered as if it did not exist.
		{route: "GET /imports/fichiers/{id}", reach: editors, fill: "upload", want: map[string]int{admin: http.StatusNotFound}},
		{route: "POST /imports/fichiers/{id}", reach: editors, fill: "upload", want: map[string]int{admin: http.StatusNotFound}},

		// Pages of a convention.
		{route: "GET /conventions/{id}", reach: scoped, fill: "lng"},
		{route: "GET /conventions/{id}/modifier", reach: scoped, fill: "lng", editsOnly: true},
		{route: "POST /conventions/{id}/modifier", reach: scoped, fill: "lng", form: form("title", "Titre changé")},
		{route: "POST /conventions/{id}/statut", reach: scoped, fill: "lng", form: form("status", "elaboration")},
		{route: "GET /conventions/{id}/historique", reach: scoped, fill: "lng"},
		{route: "GET /conventions/{id}/communes", reach: scoped, fill: "lng"},
		{route: "GET /conventions/{id}/diagnostic", reach: scoped, fill: "lng"},
		{route: "GET /conventions/{id}/diagnostic/communes", reach: scoped, fill: "lng"},
		{route: "GET /conventions/{id}/diagnostic.csv", reach: scoped, fill: "lng"},
		{route: "GET /conventions/{id}/diagnostic.xlsx", reach: scoped, fill: "lng"},
		{route: "GET /conventions/{id}/consultation", reach: scoped, fill: "lng"},
		{route: "POST /conventions/{id}/consultation", reach: scoped, fill: "lng", form: form("title", "Questionnaire de test")},
		{route: "GET /questionnaires/{id}", reach: scoped, fill: "lng.survey"},
		{route: "POST /questionnaires/{id}", reach: scoped, fill: "lng.survey", form: form("op", "settings", "title", "Titre changé", "closes", "2027-12-31")},
		{route: "POST /questionnaires/{id}/ouvrir", reach: scoped, fill: "lng.survey"},
		{route: "POST /questionnaires/{id}/clore", reach: scoped, fill: "lng.survey"},
		{route: "GET /questionnaires/{id}/saisie", reach: scoped, fill: "lng.survey", editsOnly: true},
		{route: "POST /questionnaires/{id}/saisie", reach: scoped, fill: "lng.survey"},
		{route: "GET /questionnaires/{id}/resultats", reach: scoped, fill: "lng.survey"},
		{route: "GET /questionnaires/{id}/resultats.csv", reach: scoped, fill: "lng.survey"},
		{route: "POST /questionnaires/{id}/constat", reach: scoped, fill: "lng.survey", form: form("kind", "need", "field", "petite_enfance", "text", "Un constat.")},
		{route: "GET /conventions/{id}/ateliers", reach: scoped, fill: "lng"},
		{route: "POST /conventions/{id}/ateliers", reach: scoped, fill: "lng", form: form("title", "Atelier de test", "date", "2026-10-01")},
		{route: "POST /conventions/{id}/ateliers/{wid}/supprimer", reach: scoped, fill: "lng lng.workshop"},
		{route: "POST /conventions/{id}/propositions/{pid}/constat", reach: scoped, fill: "lng lng.proposal", form: form("kind", "need")},
		{route: "GET /conventions/{id}/plan", reach: scoped, fill: "lng"},
		{route: "GET /conventions/{id}/plan.csv", reach: scoped, fill: "lng"},
		{route: "POST /conventions/{id}/axes", reach: scoped, fill: "lng", form: form("title", "Axe de test")},
		{route: "POST /conventions/{id}/axes/{xid}", reach: scoped, fill: "lng lng.axis", form: form("title", "Axe changé")},
		{route: "POST /conventions/{id}/axes/{xid}/supprimer", reach: scoped, fill: "lng lng.axis"},
		{route: "POST /conventions/{id}/axes/{xid}/objectifs", reach: scoped, fill: "lng lng.axis", form: form("title", "Objectif de test")},
		{route: "POST /conventions/{id}/objectifs/{oid}", reach: scoped, fill: "lng lng.objective", form: form("title", "Objectif changé")},
		{route: "POST /conventions/{id}/objectifs/{oid}/supprimer", reach: scoped, fill: "lng lng.objective"},
		{route: "GET /conventions/{id}/actions/nouvelle", reach: scoped, fill: "lng", editsOnly: true},
		{route: "POST /conventions/{id}/actions/nouvelle", reach: scoped, fill: "lng", form: form("title", "Action de test", "axis", "")},
		{route: "GET /actions/{aid}", reach: scoped, fill: "lng.action"},
		{route: "GET /actions/{aid}/modifier", reach: scoped, fill: "lng.action", editsOnly: true},
		{route: "POST /actions/{aid}/modifier", reach: scoped, fill: "lng.action", form: form("title", "Action changée")},
		{route: "GET /actions/{aid}/supprimer", reach: scoped, fill: "lng.action", editsOnly: true},
		{route: "POST /actions/{aid}/supprimer", reach: scoped, fill: "lng.action"},
		{route: "POST /actions/{aid}/journal", reach: scoped, fill: "lng.action", form: form("text", "Une note.")},
		{route: "POST /actions/{aid}/indicateurs", reach: scoped, fill: "lng.action", form: form("label", "Places", "unit", "places")},
		{route: "POST /actions/{aid}/indicateurs/{iid}/valeurs", reach: scoped, fill: "lng.indicator.action lng.indicator", form: form("value_2027", "3")},
		{route: "POST /actions/{aid}/indicateurs/{iid}/supprimer", reach: scoped, fill: "lng.indicator.action lng.indicator"},
		{route: "GET /conventions/{id}/budget", reach: scoped, fill: "lng"},
		{route: "POST /conventions/{id}/budget/import", reach: scoped, fill: "lng"},
		{route: "GET /actions/{aid}/budget", reach: scoped, fill: "lng.action"},
		{route: "POST /actions/{aid}/budget", reach: scoped, fill: "lng.action"},
		{route: "GET /conventions/{id}/publication", reach: scoped, fill: "lng"},
		{route: "POST /conventions/{id}/publication", reach: scoped, fill: "lng", form: form("summary", "Résumé.")},
		{route: "GET /conventions/{id}/equipements", reach: scoped, fill: "lng"},
		{route: "POST /conventions/{id}/equipements", reach: scoped, fill: "lng", form: form("kind", "eaje", "name", "Crèche de test", "commune", "33473", "places", "12")},
		{route: "POST /conventions/{id}/equipements/import", reach: scoped, fill: "lng"},
		{route: "POST /conventions/{id}/equipements/{fid}/supprimer", reach: scoped, fill: "lng lng.facility"},
		{route: "GET /conventions/{id}/constats", reach: scoped, fill: "lng"},
		{route: "POST /conventions/{id}/constats", reach: scoped, fill: "lng", form: form("kind", "need", "field", "petite_enfance", "text", "Un constat.")},
		{route: "POST /conventions/{id}/constats/{fid}/supprimer", reach: scoped, fill: "lng lng.finding"},
		{route: "POST /conventions/{id}/enjeux", reach: scoped, fill: "lng", form: form("title", "Un enjeu", "fields", "petite_enfance", "priority", "1")},
		{route: "POST /conventions/{id}/enjeux/{sid}/supprimer", reach: scoped, fill: "lng lng.stake"},
		{route: "GET /conventions/{id}/comites", reach: scoped, fill: "cub"},
		{route: "POST /conventions/{id}/comites", reach: scoped, fill: "cub", form: form("op", "save", "committee", "copil", "date", "2026-10-01")},
		{route: "GET /conventions/{id}/comites/{mid}", reach: scoped, fill: "cub cub.meeting"},
		{route: "POST /conventions/{id}/comites/{mid}/supprimer", reach: scoped, fill: "cub cub.meeting"},
		{route: "GET /conventions/{id}/decisions", reach: scoped, fill: "cub"},
		{route: "POST /conventions/{id}/decisions/{did}", reach: scoped, fill: "cub cub.decision", form: form("status", "done")},
		{route: "GET /conventions/{id}/avenants", reach: scoped, fill: "cub"},
		{route: "POST /conventions/{id}/avenants", reach: scoped, fill: "cub", form: form("date", "2026-10-01", "summary", "Un avenant.")},
		{route: "GET /conventions/{id}/bilans", reach: scoped, fill: "cub"},
		{route: "GET /conventions/{id}/bilans/{year}", reach: scoped, fill: "cub cub.year"},
		{route: "POST /conventions/{id}/bilans/{year}/commentaires", reach: scoped, fill: "cub cub.year", form: form("text", "Un commentaire.")},
		{route: "GET /actions/{aid}/bilans/{year}", reach: scoped, fill: "cub.action cub.year"},
		{route: "POST /actions/{aid}/bilans/{year}", reach: scoped, fill: "cub.action cub.year", form: form("status", "in_progress", "done", "Fait.")},
		{route: "GET /conventions/{id}/evaluation", reach: scoped, fill: "cub"},
		{route: "POST /conventions/{id}/evaluation", reach: scoped, fill: "cub", form: form("subject", "convention", "results", "Des résultats.")},
		{route: "POST /conventions/{id}/renouvellement", reach: scoped, fill: "cub", form: form("title", "CTG Grand Cubzaguais 2029-2033", "start", "2029-01-01", "end", "2033-12-31")},
		{route: "GET /conventions/{id}/documents", reach: scoped, fill: "lng"},
		{route: "GET /conventions/{id}/documents/{file}", reach: scoped, fill: "lng lng.file"},

		// The JSON API: reference data and lists of what one sees.
		{route: "GET /api/v1/me", reach: signedIn},
		{route: "GET /api/v1/communes/{code}", reach: signedIn, fill: "commune"},
		{route: "GET /api/v1/epcis/{siren}", reach: signedIn, fill: "epci"},
		{route: "GET /api/v1/departements/{code}", reach: signedIn, fill: "departement"},
		{route: "GET /api/v1/territories", reach: signedIn, path: "/api/v1/territories?q=saint"},
		{route: "GET /api/v1/organisations", reach: signedIn},
		{route: "POST /api/v1/organisations", reach: editors, json: `{"name":"Association de test","kind":"association"}`},
		{route: "GET /api/v1/organisations/{id}", reach: signedIn, fill: "org"},
		{route: "GET /api/v1/conventions", reach: signedIn},
		{route: "POST /api/v1/conventions", reach: editors},
		{route: "GET /api/v1/coverage", reach: signedIn},
		{route: "GET /api/v1/indicators", reach: signedIn},
		{route: "POST /api/v1/indicators", reach: editors, json: `{"code":"test_places","label":"Places de test","unit":"places","aggregate":"sum"}`},
		{route: "GET /api/v1/imports", reach: signedIn},
		{route: "POST /api/v1/imports", reach: editors},
		{route: "GET /api/v1/imports/{id}", reach: signedIn, fill: "import"},
		{route: "GET /api/v1/facilities", reach: signedIn, path: "/api/v1/facilities?departement=33"},
		{route: "POST /api/v1/facilities", reach: editors, json: `{"kind":"eaje","name":"Crèche de test","commune":"33473","places":12}`},
		{route: "POST /api/v1/facilities/import", reach: editors},
		{route: "GET /api/v1/facilities/{id}", reach: signedIn, fill: "facility"},
		{route: "PATCH /api/v1/facilities/{id}", reach: editors, fill: "facility", json: `{"name":"Crèche renommée"}`},
		{route: "DELETE /api/v1/facilities/{id}", reach: editors, fill: "facility"},
		{route: "GET /api/v1/survey-templates", reach: signedIn},
		{route: "GET /api/v1/organisations/{id}/commitments", reach: signedIn, fill: "org"},
		{route: "GET /api/v1/reminders", reach: signedIn},

		// The JSON API of a convention.
		{route: "GET /api/v1/conventions/{id}", reach: scoped, fill: "lng"},
		{route: "PATCH /api/v1/conventions/{id}", reach: scoped, fill: "lng", json: `{"title":"Titre changé"}`},
		{route: "POST /api/v1/conventions/{id}/status", reach: scoped, fill: "lng", json: `{"status":"elaboration"}`},
		{route: "GET /api/v1/conventions/{id}/history", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/diagnostic", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/diagnostic/communes", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/facilities", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/findings", reach: scoped, fill: "lng"},
		{route: "POST /api/v1/conventions/{id}/findings", reach: scoped, fill: "lng", json: `{"kind":"need","field":"petite_enfance","text":"Un constat.","source":"Test"}`},
		{route: "GET /api/v1/findings/{id}", reach: scoped, fill: "lng.finding"},
		{route: "PATCH /api/v1/findings/{id}", reach: scoped, fill: "lng.finding", json: `{"text":"Constat changé."}`},
		{route: "DELETE /api/v1/findings/{id}", reach: scoped, fill: "lng.finding"},
		{route: "GET /api/v1/conventions/{id}/stakes", reach: scoped, fill: "lng"},
		{route: "POST /api/v1/conventions/{id}/stakes", reach: scoped, fill: "lng", json: `{"title":"Un enjeu","fields":["petite_enfance"],"priority":1,"findings":[]}`},
		{route: "GET /api/v1/stakes/{id}", reach: scoped, fill: "lng.stake"},
		{route: "PATCH /api/v1/stakes/{id}", reach: scoped, fill: "lng.stake", json: `{"title":"Enjeu changé"}`},
		{route: "DELETE /api/v1/stakes/{id}", reach: scoped, fill: "lng.stake"},
		{route: "GET /api/v1/conventions/{id}/surveys", reach: scoped, fill: "lng"},
		{route: "POST /api/v1/conventions/{id}/surveys", reach: scoped, fill: "lng", json: `{"title":"Questionnaire de test","closes":"2027-12-31","questions":[{"key":"avis","kind":"text","label":"Votre avis"}]}`},
		{route: "GET /api/v1/surveys/{id}", reach: scoped, fill: "lng.survey"},
		{route: "PATCH /api/v1/surveys/{id}", reach: scoped, fill: "lng.survey", json: `{"title":"Titre changé"}`},
		{route: "POST /api/v1/surveys/{id}/open", reach: scoped, fill: "lng.survey"},
		{route: "POST /api/v1/surveys/{id}/close", reach: scoped, fill: "lng.survey"},
		{route: "POST /api/v1/surveys/{id}/responses", reach: scoped, fill: "lng.survey", json: `{"answers":{},"channel":"paper"}`},
		{route: "GET /api/v1/surveys/{id}/results", reach: scoped, fill: "lng.survey"},
		{route: "GET /api/v1/surveys/{id}/crosstab", reach: scoped, fill: "lng.survey", query: "rows={lng.survey.q1}&cols={lng.survey.q2}"},
		{route: "GET /api/v1/surveys/{id}/responses.csv", reach: scoped, fill: "lng.survey"},
		{route: "GET /api/v1/surveys/{id}/responses.xlsx", reach: scoped, fill: "lng.survey"},
		{route: "GET /api/v1/conventions/{id}/workshops", reach: scoped, fill: "lng"},
		{route: "POST /api/v1/conventions/{id}/workshops", reach: scoped, fill: "lng", json: `{"title":"Atelier de test","date":"2026-10-01","participants":{"residents":3},"proposals":[{"text":"Une idée","field":"petite_enfance"}]}`},
		{route: "GET /api/v1/workshops/{id}", reach: scoped, fill: "lng.workshop"},
		{route: "PATCH /api/v1/workshops/{id}", reach: scoped, fill: "lng.workshop", json: `{"title":"Atelier changé"}`},
		{route: "DELETE /api/v1/workshops/{id}", reach: scoped, fill: "lng.workshop"},
		{route: "POST /api/v1/proposals/{id}/finding", reach: scoped, fill: "lng.proposal", json: `{"kind":"need"}`},
		{route: "POST /api/v1/surveys/{id}/finding", reach: scoped, fill: "lng.survey", json: `{"kind":"need","field":"petite_enfance","text":"Un constat."}`},
		{route: "GET /api/v1/conventions/{id}/plan", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/plan/warnings", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/trace", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/actions", reach: scoped, fill: "lng"},
		{route: "POST /api/v1/conventions/{id}/axes", reach: scoped, fill: "lng", json: `{"title":"Axe de test"}`},
		{route: "GET /api/v1/axes/{id}", reach: scoped, fill: "lng.axis"},
		{route: "PATCH /api/v1/axes/{id}", reach: scoped, fill: "lng.axis", json: `{"title":"Axe changé"}`},
		{route: "DELETE /api/v1/axes/{id}", reach: scoped, fill: "lng.axis"},
		{route: "POST /api/v1/axes/{id}/objectives", reach: scoped, fill: "lng.axis", json: `{"title":"Objectif de test"}`},
		{route: "PATCH /api/v1/objectives/{id}", reach: scoped, fill: "lng.objective", json: `{"title":"Objectif changé"}`},
		{route: "DELETE /api/v1/objectives/{id}", reach: scoped, fill: "lng.objective"},
		{route: "POST /api/v1/axes/{id}/actions", reach: scoped, fill: "lng.axis", json: `{"title":"Action de test","status":"planned"}`},
		{route: "GET /api/v1/actions/{id}", reach: scoped, fill: "lng.action"},
		{route: "PATCH /api/v1/actions/{id}", reach: scoped, fill: "lng.action", json: `{"title":"Action changée"}`},
		{route: "DELETE /api/v1/actions/{id}", reach: scoped, fill: "lng.action"},
		{route: "GET /api/v1/actions/{id}/journal", reach: scoped, fill: "lng.action"},
		{route: "POST /api/v1/actions/{id}/journal", reach: scoped, fill: "lng.action", json: `{"text":"Une note."}`},
		{route: "GET /api/v1/actions/{id}/indicators", reach: scoped, fill: "lng.action"},
		{route: "POST /api/v1/actions/{id}/indicators", reach: scoped, fill: "lng.action", json: `{"label":"Places","unit":"places","baseline":1,"targets":{"2028":2}}`},
		{route: "GET /api/v1/action-indicators/{id}", reach: scoped, fill: "lng.indicator"},
		{route: "PATCH /api/v1/action-indicators/{id}", reach: scoped, fill: "lng.indicator", json: `{"label":"Places changées"}`},
		{route: "DELETE /api/v1/action-indicators/{id}", reach: scoped, fill: "lng.indicator"},
		{route: "PUT /api/v1/action-indicators/{id}/values", reach: scoped, fill: "lng.indicator", json: `{"2028":3}`},
		{route: "GET /api/v1/actions/{id}/budget", reach: scoped, fill: "lng.action"},
		{route: "PUT /api/v1/actions/{id}/budget", reach: scoped, fill: "lng.action", json: `{"lines":[]}`},
		{route: "GET /api/v1/conventions/{id}/budget", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/budget/lines", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/budget.xlsx", reach: scoped, fill: "lng"},
		{route: "POST /api/v1/conventions/{id}/budget.xlsx", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/publish", reach: scoped, fill: "lng"},
		{route: "POST /api/v1/conventions/{id}/publish", reach: scoped, fill: "lng", json: `{"summary":"Résumé."}`},
		{route: "DELETE /api/v1/conventions/{id}/publish", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/meetings", reach: scoped, fill: "cub"},
		{route: "POST /api/v1/conventions/{id}/meetings", reach: scoped, fill: "cub", json: `{"committee":"copil","date":"2026-10-01","attendees":[],"agenda":"Ordre du jour","decisions":[]}`},
		{route: "GET /api/v1/meetings/{id}", reach: scoped, fill: "cub.meeting"},
		{route: "PATCH /api/v1/meetings/{id}", reach: scoped, fill: "cub.meeting", json: `{"agenda":"Ordre du jour changé"}`},
		{route: "DELETE /api/v1/meetings/{id}", reach: scoped, fill: "cub.meeting"},
		{route: "GET /api/v1/conventions/{id}/decisions", reach: scoped, fill: "cub"},
		{route: "GET /api/v1/decisions/{id}", reach: scoped, fill: "cub.decision"},
		{route: "PATCH /api/v1/decisions/{id}", reach: scoped, fill: "cub.decision", json: `{"status":"done"}`},
		{route: "GET /api/v1/conventions/{id}/amendments", reach: scoped, fill: "cub"},
		{route: "POST /api/v1/conventions/{id}/amendments", reach: scoped, fill: "cub", json: `{"date":"2026-10-01","summary":"Un avenant.","changes":{}}`},
		{route: "GET /api/v1/conventions/{id}/versions", reach: scoped, fill: "cub"},
		{route: "GET /api/v1/conventions/{id}/versions/compare", reach: scoped, fill: "cub"},
		{route: "GET /api/v1/conventions/{id}/reviews", reach: scoped, fill: "cub"},
		{route: "GET /api/v1/conventions/{id}/reviews/{year}", reach: scoped, fill: "cub cub.year"},
		{route: "POST /api/v1/conventions/{id}/reviews/{year}/comments", reach: scoped, fill: "cub cub.year", json: `{"text":"Un commentaire."}`},
		{route: "GET /api/v1/actions/{id}/reviews/{year}", reach: scoped, fill: "cub.action cub.year"},
		{route: "PUT /api/v1/actions/{id}/reviews/{year}", reach: scoped, fill: "cub.action cub.year", json: `{"status":"in_progress","done":"Fait."}`},
		{route: "GET /api/v1/conventions/{id}/evaluation", reach: scoped, fill: "cub"},
		{route: "PUT /api/v1/conventions/{id}/evaluation/{subject}", reach: scoped, fill: "cub cub.subject", json: `{"results":"Des résultats."}`},
		{route: "POST /api/v1/conventions/{id}/renewal", reach: scoped, fill: "cub", json: `{"title":"CTG Grand Cubzaguais 2029-2033","start":"2029-01-01","end":"2033-12-31"}`},
		{route: "GET /api/v1/conventions/{id}/document.docx", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/document.pdf", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/plan.xlsx", reach: scoped, fill: "lng"},
		{route: "GET /api/v1/conventions/{id}/evaluation.pdf", reach: scoped, fill: "cub"},
	}
}
