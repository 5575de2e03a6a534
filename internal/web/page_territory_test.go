package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/territory"
	"ctg/internal/testdb"
)

// territoryFixture is a server over a fresh SQLite database holding the
// seeded CAFs, an admin of the Caf de la Gironde, a reader of the Caf de La
// Réunion, and one CTG signed with the CC Latitude Nord Gironde.
type territoryFixture struct {
	h      http.Handler
	admin  string // session secrets
	reader string
	ctg    *convention.Convention
}

// fixedNow is the clock of the fixture: the CTG of 2022-2026 is in force.
var fixedNow = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

func newTerritoryFixture(t *testing.T) *territoryFixture {
	t.Helper()
	ctx := context.Background()
	ref, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	db.Now = func() time.Time { return fixedNow }
	f := &territoryFixture{}
	admin := mustUser(t, db, "admin@caf33.fr", "caf-33", account.RoleAdmin)
	mustUser(t, db, "lecteur@caf974.fr", "caf-974", account.RoleReader)
	f.admin = mustSignIn(t, db, "admin@caf33.fr")
	f.reader = mustSignIn(t, db, "lecteur@caf974.fr")

	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, cc, admin); err != nil {
		t.Fatal(err)
	}
	c := &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2022-2026", CAF: "caf-33",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Start: "2022-11-01", End: "2026-12-31",
		Parties: []string{cc.ID}}
	if err := db.CreateConvention(ctx, ref, admin, c); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{convention.StatusElaboration, convention.StatusSigned} {
		if _, err := db.SetStatus(ctx, admin, c.ID, 0, st, "2022-11-21"); err != nil {
			t.Fatalf("status %s: %v", st, err)
		}
	}
	f.ctg = c

	s, err := New(Config{DB: db, Ref: ref, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	f.h = s.Handler()
	return f
}

func mustUser(tb testing.TB, db *store.DB, email, org, role string) *account.User {
	tb.Helper()
	u, err := db.CreateUser(context.Background(), account.NewUser{Email: email, Name: "Test " + role, OrgID: org, Role: role, Password: "motdepasse-12"}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func mustSignIn(tb testing.TB, db *store.DB, email string) string {
	tb.Helper()
	_, secret, err := db.SignIn(context.Background(), email, "motdepasse-12", time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	return secret
}

type response struct {
	status int
	header http.Header
	body   string
}

// get requests path with the session secret (none when empty) and extra
// headers given as name, value pairs.
func (f *territoryFixture) get(t *testing.T, session, path string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return response{rec.Code, rec.Result().Header, string(b)}
}

// nb writes a French number as the pages do, with no-break spaces.
func nb(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }

func TestTerritoryPages(t *testing.T) {
	f := newTerritoryFixture(t)
	tests := []struct {
		name    string
		session string
		path    string
		status  int
		want    []string
		notWant []string
	}{
		{"search examples", f.admin, "/territoires", 200,
			[]string{"<h1>Territoires</h1>", `hx-get="/territoires/suggestions"`, `href="/territoires?q=saint+joseph"`, "Latitude Nord Gironde", `href="/territoires?q=33"`}, nil},
		{"search results", f.admin, "/territoires?q=saint+jo", 200,
			[]string{`<a href="/communes/97412">Saint-Joseph</a>`, "La Réunion (974)", nb("39 207"), `value="saint jo"`, `scope="col"`}, nil},
		{"search by SIREN", f.admin, "/territoires?q=243301181", 200,
			[]string{`<a href="/epcis/243301181">CC Latitude Nord Gironde</a>`, "Intercommunalité"}, nil},
		{"search with no answer", f.admin, "/territoires?q=zzzzqx", 200,
			[]string{"Aucun territoire ne correspond à « zzzzqx »"}, nil},
		{"commune", f.admin, "/communes/97412", 200,
			[]string{"<h1>Saint-Joseph</h1>", "La Réunion", "code INSEE 97412", "Population municipale", "Code officiel géographique 2026",
				`href="/departements/974"`, `href="/epcis/`, `href="/conventions/nouvelle?commune=97412"`, `aria-label="Fil d'Ariane"`}, nil},
		{"commune covered", f.admin, "/communes/33473", 200,
			[]string{"CTG Latitude Nord Gironde 2022-2026", `class="badge status-signed"`, "du\u00a001/11/2022 au\u00a031/12/2026", nb("21 821"), "une convention signée en cours"}, nil},
		{"commune for a reader", f.reader, "/communes/33473", 200,
			[]string{"Aucune convention que vous pouvez consulter"}, []string{"CTG Latitude Nord Gironde", "Nouvelle convention"}},
		{"commune in no EPCI", f.admin, "/communes/85113", 200,
			[]string{"<h1>L&#39;Île-d&#39;Yeu</h1>", "n'appartient à aucun EPCI"}, []string{`href="/epcis/`}},
		{"commune of the Grand Paris, with its EPT", f.admin, "/communes/92012", 200,
			[]string{"<h1>Boulogne-Billancourt</h1>", "Métropole du Grand Paris", "établissement public territorial"}, nil},
		{"unknown commune", f.admin, "/communes/99999", 404,
			[]string{"Page introuvable", "Aucune commune n&#39;a le code 99999"}, nil},
		{"epci", f.admin, "/epcis/243301181", 200,
			[]string{"<h1>CC Latitude Nord Gironde</h1>", "Communauté de communes", "12 communes membres", nb("21 821"),
				`href="/conventions/nouvelle?epci=243301181"`, "CTG Latitude Nord Gironde 2022-2026", `data-chart="chart-members"`,
				`<script type="application/json" id="chart-members">{`, "/static/vendor/echarts.min.js", "100,0\u00a0%"}, nil},
		{"unknown epci", f.admin, "/epcis/123456789", 404, []string{"Aucune intercommunalité"}, nil},
		{"departement", f.admin, "/departements/33", 200,
			[]string{"Gironde", "Nouvelle-Aquitaine", "Caf de la Gironde", nb("1 690 493"), "Convention territoriale globale (CTG)",
				nb("21 821"), `data-chart="chart-cover"`, `href="/epcis/243301181"`, "CTG Latitude Nord Gironde 2022-2026"}, nil},
		{"departement without coverage", f.admin, "/departements/974", 200,
			[]string{"La Réunion", "Caf de La Réunion", "Aucune commune du département n'est couverte"}, []string{`data-chart=`}},
		{"unknown departement", f.admin, "/departements/99", 404, []string{"Aucun département n&#39;a le code 99"}, nil},
		{"france", f.admin, "/france", 200,
			[]string{"<h1>Couverture de la France</h1>", "au 01/06/2025", `href="/departements/33">Gironde</a>`, `href="/departements/2A">Corse-du-Sud</a>`,
				`aria-sort="ascending"`, `data-chart="chart-france"`, nb("34 875"), `href="/france?format=csv"`}, nil},
		{"france at a date", f.admin, "/france?date=21/11/2022", 200, []string{"au 21/11/2022", `value="2022-11-21"`}, nil},
		{"france before the CTG", f.admin, "/france?date=2021-01-01", 200, []string{"au 01/01/2021"}, []string{`data-chart=`}},
		{"france bad date", f.admin, "/france?date=bad", 422,
			[]string{"Date invalide", `aria-invalid="true"`, "« bad »"}, []string{`<tbody>`}},
		{"about, signed out", "", "/a-propos", 200,
			[]string{"À propos de ctg", "Code officiel géographique 2026", "@etalab/decoupage-administratif", "6.0.0",
				"Licence Ouverte 2.0", "Insee", "DGCL", "Etalab", nb("34 875"), "Pico CSS", "htmx", "Apache ECharts", "axe-core", "Apache-2.0", "MPL-2.0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, tt.session, tt.path)
			if r.status != tt.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tt.path, r.status, tt.status, r.body)
			}
			if !strings.Contains(r.body, `<html lang="fr"`) || !strings.Contains(r.body, "<h1") {
				t.Errorf("GET %s: not a French page with a heading", tt.path)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("GET %s: body lacks %q", tt.path, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(r.body, w) {
					t.Errorf("GET %s: body has %q", tt.path, w)
				}
			}
			if strings.Contains(r.body, "style=") {
				t.Errorf("GET %s: inline style attribute (forbidden by the CSP)", tt.path)
			}
		})
	}
}

func TestTerritoryRedirects(t *testing.T) {
	f := newTerritoryFixture(t)
	tests := []struct {
		name, session, path string
		status              int
		location            string
	}{
		{"former commune code", f.admin, "/communes/01003", 301, "/communes/01165"},
		{"lower-case Corsican code", f.admin, "/communes/2a004", 301, "/communes/2A004"},
		{"lower-case département", f.admin, "/departements/2a", 301, "/departements/2A"},
		{"signed out, commune", "", "/communes/97412", 303, "/connexion?suite="},
		{"signed out, search", "", "/territoires?q=saint", 303, "/connexion?suite="},
		{"signed out, suggestions", "", "/territoires/suggestions?q=saint", 303, "/connexion?suite="},
		{"signed out, epci", "", "/epcis/243301181", 303, "/connexion?suite="},
		{"signed out, departement", "", "/departements/33", 303, "/connexion?suite="},
		{"signed out, france", "", "/france", 303, "/connexion?suite="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, tt.session, tt.path)
			if r.status != tt.status {
				t.Fatalf("GET %s: status %d, want %d", tt.path, r.status, tt.status)
			}
			if loc := r.header.Get("Location"); !strings.HasPrefix(loc, tt.location) {
				t.Errorf("GET %s: Location %q, want %q…", tt.path, loc, tt.location)
			}
		})
	}
}

func TestTerritorySuggestions(t *testing.T) {
	f := newTerritoryFixture(t)
	r := f.get(t, f.admin, "/territoires/suggestions?q="+url.QueryEscape("saint jo"), "HX-Request", "true")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	for _, w := range []string{`<li><a href="/communes/97412">Saint-Joseph`, "commune, La Réunion (974)", `id="suggestions-count" hx-swap-oob="innerHTML"`, "8 suggestions ou plus"} {
		if !strings.Contains(r.body, w) {
			t.Errorf("fragment lacks %q:\n%s", w, r.body)
		}
	}
	if strings.Contains(r.body, "<html") {
		t.Error("the fragment is a whole page")
	}

	r = f.get(t, f.admin, "/territoires/suggestions?q=zzzzqx", "HX-Request", "true")
	if !strings.Contains(r.body, `class="empty"`) || !strings.Contains(r.body, "Aucune suggestion") {
		t.Errorf("no answer:\n%s", r.body)
	}
	r = f.get(t, f.admin, "/territoires/suggestions?q=", "HX-Request", "true")
	if strings.Contains(r.body, "<li") {
		t.Errorf("empty query gives suggestions:\n%s", r.body)
	}

	// Without htmx, the address is a page of its own.
	r = f.get(t, f.admin, "/territoires/suggestions?q=latitude")
	if r.status != 200 || !strings.Contains(r.body, "<h1>") || !strings.Contains(r.body, "/epcis/243301181") {
		t.Errorf("plain suggestions page: %d\n%s", r.status, r.body)
	}
}

func TestFranceSortAndCSV(t *testing.T) {
	f := newTerritoryFixture(t)
	r := f.get(t, f.admin, "/france?sort=-covered")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	body := r.body[strings.Index(r.body, `id="deps-caption"`):]
	first := body[strings.Index(body, "<tbody>"):]
	if i := strings.Index(first, "/departements/"); i < 0 || !strings.HasPrefix(first[i:], "/departements/33") {
		t.Errorf("sorted by coverage, the Gironde should come first")
	}
	if !strings.Contains(body, `aria-sort="descending"`) || !strings.Contains(body, `href="/france?sort=covered#departements"`) {
		t.Errorf("the sorted column should say so and link to the other order")
	}
	r = f.get(t, f.admin, "/france?sort=name")
	body = r.body[strings.Index(r.body, `id="deps-caption"`):]
	if i, j := strings.Index(body, ">Ain<"), strings.Index(body, ">Aisne<"); i < 0 || j < i {
		t.Errorf("sorted by name, Ain should come before Aisne")
	}
	if i, j := strings.Index(body, ">Essonne<"), strings.Index(body, ">Eure<"); i < 0 || j < i {
		t.Errorf("sorted by name, Essonne should come before Eure")
	}

	r = f.get(t, f.admin, "/france?format=csv&date=2025-06-01")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.status, r.header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(r.body), "\n")
	if len(lines) != 102 {
		t.Errorf("csv: %d lines, want a header and 101 départements", len(lines))
	}
	if !strings.HasPrefix(lines[0], "\uFEFFcode;département;") {
		t.Errorf("csv header: %q", lines[0])
	}
	var gironde string
	for _, l := range lines {
		if strings.HasPrefix(l, "33;") {
			gironde = l
		}
	}
	if want := "33;Gironde;2025-06-01;1690493;534;12;21821;1,29;21821;0;0;0"; strings.TrimSpace(gironde) != want {
		t.Errorf("csv Gironde:\n got %q\nwant %q", gironde, want)
	}
}
