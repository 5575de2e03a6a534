package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"text/template/parse"

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/demo"
	"ctg/internal/store"
	"ctg/internal/territory"
	"ctg/internal/testdb"
)

// TestEveryTemplateRenders renders every template through the real
// handlers, over the demonstration data set: each request of the table
// says which template files its answer shows, the test checks that the
// answer really holds text found only in those files, and fails when a
// template file is shown by no request.
//
// Full pages must also be French, titled, with one <h1>, and carry none of
// the marks of a template fed the wrong data ("<no value>", "%!").
func TestEveryTemplateRenders(t *testing.T) {
	ctx := context.Background()
	ref, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	login, err := demo.Load(ctx, db, ref)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref, Demo: true, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()

	advisor := signInThroughForm(t, h, login.Email, login.Password)
	admin := signInThroughForm(t, h, "admin@demo.ctg.fr", login.Password)
	reader := signInThroughForm(t, h, "association@demo.ctg.fr", login.Password)

	// Conventions of the data set: one the reader is a party to, one of
	// another CAF's territory the reader may not see.
	latitude := demoConventionID(t, db, "CTG Latitude Nord Gironde 2022-2026")
	bordeaux := demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	// One in élaboration, with no plan yet.
	medoc := demoConventionID(t, db, "CTG Médoc Estuaire 2027-2031")

	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	newConvention := func(kv ...string) url.Values {
		v := form("version", "0", "id", "", "kind", "ctg", "caf", "caf-33", "title", "CTG Montesquieu 2028-2032",
			"start", "2028-01-01", "end", "2032-12-31", "renews", "", "epci", "243301264", "shown", "243301264",
			"add_q", "", "pick", "243301181")
		for _, code := range mustEPCI(t, ref, "243301264").Communes {
			v.Add("member", code)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	hx := []string{"HX-Request", "true"}

	requests := []renderCase{
		// Signed out.
		{name: "sign-in page", path: "/connexion", status: 200, renders: []string{"signin.html"}},
		{name: "sign-in, wrong password", method: "POST", path: "/connexion", form: form("email", login.Email, "password", "pas-le-bon", "suite", "/"),
			status: 401, renders: []string{"signin.html"}, contains: []string{`value="` + login.Email + `"`, "Connexion impossible"}},
		{name: "sign-in, empty", method: "POST", path: "/connexion", form: form("email", "", "password", ""),
			status: 422, renders: []string{"signin.html"}, contains: []string{"Saisissez votre adresse"}},
		{name: "about, signed out", path: "/a-propos", status: 200, renders: []string{"about.html"}},
		{name: "404 signed out", path: "/cette-page-n-existe-pas", status: 404, renders: []string{"error.html"}, contains: []string{"Page introuvable"}},

		// The CAF advisor.
		{name: "dashboard", who: advisor, path: "/", status: 200, renders: []string{"dashboard.html", "partials/conventions_table.html"},
			contains: []string{"Population couverte", "Nouvelle convention"}},
		{name: "dashboard of the Nord", who: advisor, path: "/?departement=59", status: 200, renders: []string{"dashboard.html"}},
		{name: "conventions", who: advisor, path: "/conventions", status: 200, renders: []string{"conventions.html"},
			contains: []string{"CTG Latitude Nord Gironde 2022-2026"}},
		{name: "conventions, filtered and sorted", who: advisor, path: "/conventions?departement=33&kind=ctg&status=signed&sort=-population", status: 200,
			renders: []string{"conventions.html"}, contains: []string{"CTG Montesquieu 2023-2027"}, lacks: []string{"Contrat de ville Bordeaux"}},
		{name: "conventions, none", who: advisor, path: "/conventions?q=introuvable", status: 200, renders: []string{"conventions.html"},
			contains: []string{"Aucune convention ne correspond"}},
		{name: "conventions, bad filter", who: advisor, path: "/conventions?departement=XX", status: 422,
			renders: []string{"conventions.html", "partials/form.html"}, contains: []string{`aria-invalid="true"`}},
		{name: "conventions CSV", who: advisor, path: "/conventions?departement=33&format=csv", status: 200, kind: "text/csv",
			contains: []string{"CTG Latitude Nord Gironde 2022-2026"}},
		{name: "convention in élaboration: what to check before signing", who: advisor, path: "/conventions/" + medoc, status: 200,
			renders: []string{"convention.html"}, contains: []string{"Points à vérifier avant la signature",
				"Aucune action ne porte sur le champ « Petite enfance », que toute CTG doit couvrir.", `href="/conventions/` + medoc + `/plan"`}},
		{name: "signed convention: no checks", who: advisor, path: "/conventions/" + latitude, status: 200,
			renders: []string{"convention.html"}, lacks: []string{"Points à vérifier"}},
		{name: "new convention", who: advisor, path: "/conventions/nouvelle", status: 200, renders: []string{"convention_form.html"},
			contains: []string{`id="f-pick"`, `id="perimeter-summary"`}},
		{name: "new convention, end before start", who: advisor, method: "POST", path: "/conventions/nouvelle",
			form: newConvention("op", "save", "start", "2028-01-01", "end", "2027-01-01"), status: 422,
			renders: []string{"convention_form.html", "partials/form.html"}, contains: []string{`id="f-end-error"`, `value="CTG Montesquieu 2028-2032"`}},
		{name: "new convention, picker without JavaScript", who: advisor, method: "POST", path: "/conventions/nouvelle",
			form: newConvention("op", "add-pick"), status: 200, renders: []string{"convention_form.html"},
			contains: []string{`value="243301181"`, "Latitude Nord Gironde"}},
		{name: "new convention, search", who: advisor, method: "POST", path: "/conventions/nouvelle",
			form: newConvention("op", "search", "add_q", "saint jo"), status: 200, renders: []string{"convention_form.html"},
			contains: []string{"Ajouter Saint-Joseph"}},
		{name: "new convention, search finds nothing", who: advisor, method: "POST", path: "/conventions/nouvelle",
			form: newConvention("op", "search", "add_q", "zzqqxx"), status: 200, renders: []string{"convention_form.html"},
			contains: []string{"Aucune commune ni intercommunalité"}},
		{name: "new convention, a single commune", who: advisor, method: "POST", path: "/conventions/nouvelle",
			form: newConvention("op", "add-commune:33063"), status: 200, renders: []string{"convention_form.html"},
			contains: []string{"Communes ajoutées une à une"}},
		{name: "perimeter picker (htmx)", who: advisor, method: "POST", path: "/conventions/perimetre", headers: hx,
			form: newConvention("op", "add-pick"), status: 200, fragment: true, renders: []string{"convention_form.html"},
			contains: []string{`id="perimeter"`, "Latitude Nord Gironde"}, lacks: []string{"<html", `id="f-title"`}},
		{name: "convention", who: advisor, path: "/conventions/" + latitude, status: 200,
			renders: []string{"convention.html", "partials/history.html"}, contains: []string{"CTG Latitude Nord Gironde 2022-2026", "Cycle de vie"}},
		{name: "convention under diagnosis", who: advisor, path: "/conventions/" + demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031"), status: 200,
			renders: []string{"convention.html"}, contains: []string{`id="f-date"`, "Passer à l"}},
		{name: "convention, status refused", who: advisor, method: "POST", path: "/conventions/" + latitude + "/statut",
			form: form("status", "elaboration", "version", "0", "date", "2026-01-01"), status: 409,
			renders: []string{"convention.html"}, contains: []string{"Changement de statut impossible"}},
		{name: "convention edit", who: advisor, path: "/conventions/" + latitude + "/modifier", status: 200,
			renders: []string{"convention_form.html"}, contains: []string{"Enregistrer les modifications"}},
		{name: "convention history", who: advisor, path: "/conventions/" + latitude + "/historique", status: 200,
			renders: []string{"history.html", "partials/history.html"}, contains: []string{"Création"}},
		{name: "convention communes", who: advisor, path: "/conventions/" + latitude + "/communes", status: 200,
			renders: []string{"convention_communes.html"}, contains: []string{"Saint-Savin", "21\u00a0821"}},
		{name: "convention communes, CSV", who: advisor, path: "/conventions/" + latitude + "/communes?format=csv", status: 200, kind: "text/csv",
			contains: []string{"33473;Saint-Savin;243301181;CC Latitude Nord Gironde;3582"}},
		{name: "convention unknown", who: advisor, path: "/conventions/inconnue", status: 404, renders: []string{"error.html"}},
		{name: "territories", who: advisor, path: "/territoires", status: 200, renders: []string{"territories.html"}},
		{name: "territories, search", who: advisor, path: "/territoires?q=saint+jo", status: 200, renders: []string{"territories.html"},
			contains: []string{"Saint-Joseph"}},
		{name: "territories, nothing found", who: advisor, path: "/territoires?q=zzqqxx", status: 200, renders: []string{"territories.html"},
			contains: []string{"Aucun territoire ne correspond"}},
		{name: "suggestions (htmx)", who: advisor, path: "/territoires/suggestions?q=saint+jo", headers: hx, status: 200, fragment: true,
			renders: []string{"territory_suggestions.html"}, contains: []string{"Saint-Joseph"}, lacks: []string{"<html"}},
		{name: "suggestions, nothing (htmx)", who: advisor, path: "/territoires/suggestions?q=zzqqxx", headers: hx, status: 200, fragment: true,
			renders: []string{"territory_suggestions.html"}, contains: []string{"Aucun territoire ne correspond"}},
		{name: "suggestions page", who: advisor, path: "/territoires/suggestions?q=saint+jo", status: 200,
			renders: []string{"territory_suggestions.html"}, contains: []string{"Saint-Joseph"}},
		{name: "commune", who: advisor, path: "/communes/97412", status: 200, renders: []string{"commune.html"}, contains: []string{"Saint-Joseph"}},
		{name: "commune covered", who: advisor, path: "/communes/33473", status: 200, renders: []string{"commune.html"}},
		{name: "commune, former code", who: advisor, path: "/communes/33041", status: 0, renders: nil},
		{name: "commune unknown", who: advisor, path: "/communes/00000", status: 404, renders: []string{"error.html"}},
		{name: "EPCI", who: advisor, path: "/epcis/243301181", status: 200, renders: []string{"epci.html"}, contains: []string{"Latitude Nord Gironde"}},
		{name: "département", who: advisor, path: "/departements/33", status: 200, renders: []string{"departement.html"}, contains: []string{"Gironde"}},
		{name: "département of Corsica", who: advisor, path: "/departements/2A", status: 200, renders: []string{"departement.html"}},
		{name: "France", who: advisor, path: "/france", status: 200, renders: []string{"france.html"}},
		{name: "France, bad date", who: advisor, path: "/france?date=demain", status: 422, renders: []string{"france.html"},
			contains: []string{"Date invalide"}},
		{name: "account", who: advisor, path: "/compte", status: 200, renders: []string{"account.html"}, contains: []string{login.Email}},
		{name: "account, passwords differ", who: advisor, method: "POST", path: "/compte/mot-de-passe",
			form: form("current", "x", "password", "un nouveau mot de passe", "confirm", "un autre"), status: 422,
			renders: []string{"account.html", "partials/form.html"}, contains: []string{"diffèrent"}},
		{name: "about, signed in", who: advisor, path: "/a-propos", status: 200, renders: []string{"about.html"}},
		{name: "admin refused to an editor", who: advisor, path: "/admin", status: 403, renders: []string{"error.html"}},

		// The administrator.
		{name: "admin", who: admin, path: "/admin", status: 200, renders: []string{"admin.html"}, contains: []string{"conseillere@demo.ctg.fr"}},
		{name: "admin, invalid user", who: admin, method: "POST", path: "/admin/utilisateurs",
			form: form("name", "", "email", "pas-une-adresse", "org", "", "role", "reader", "password", "court"), status: 422,
			renders: []string{"admin.html", "partials/form.html"}, contains: []string{`value="pas-une-adresse"`}},
		{name: "admin, invalid organisation", who: admin, method: "POST", path: "/admin/organisations",
			form: form("name", "", "kind", "nimporte", "territory", ""), status: 422, renders: []string{"admin.html", "partials/form.html"}},

		// A reader of an association, party to the CTG Latitude Nord Gironde.
		{name: "admin refused to a reader", who: reader, path: "/admin", status: 403, renders: []string{"error.html"},
			contains: []string{"réservée aux administrateurs"}},
		{name: "convention of another", who: reader, path: "/conventions/" + bordeaux, status: 404, renders: []string{"error.html"}},
		{name: "convention of the reader", who: reader, path: "/conventions/" + latitude, status: 200, renders: []string{"convention.html"},
			lacks: []string{`action="/conventions/` + latitude + `/statut"`, "/modifier"}},
		{name: "new convention refused to a reader", who: reader, path: "/conventions/nouvelle", status: 403, renders: []string{"error.html"}},
		{name: "conventions of the reader", who: reader, path: "/conventions", status: 200, renders: []string{"conventions.html"},
			lacks: []string{"Nouvelle convention", "CTG Bordeaux"}},
	}
	requests = append(requests, findingsRenderCases(t, db, advisor, reader)...)
	requests = append(requests, workshopRenderCases(t, db, advisor, reader)...)
	requests = append(requests, importRenderCases(t, db, advisor, reader)...)
	requests = append(requests, diagnosticRenderCases(t, db, advisor, reader)...)
	requests = append(requests, publicFormRenderCases(t, db)...)
	requests = append(requests, surveyRenderCases(t, db, advisor, reader)...)
	requests = append(requests, budgetRenderCases(t, db, advisor, reader)...)
	requests = append(requests, publicPlanRenderCases(t, db)...)
	requests = append(requests, planRenderCases(t, db, advisor, reader)...)
	requests = append(requests, reviewRenderCases(t, db, advisor, reader)...)
	requests = append(requests, meetingRenderCases(t, db, advisor, reader)...)
	requests = append(requests, amendmentRenderCases(t, db, advisor, reader)...)
	requests = append(requests, documentsRenderCases(t, db, advisor, reader)...)
	requests = append(requests, ssoRenderCases(t, db, admin)...)

	markers := templateMarkers(t)
	covered := map[string][]string{}
	for _, rc := range requests {
		t.Run(rc.name, func(t *testing.T) {
			if rc.status == 0 {
				// A redirect: follow it once and check the page it leads to.
				res := serve(h, rc)
				if res.Code/100 != 3 {
					t.Fatalf("%s: status %d, want a redirect", rc.path, res.Code)
				}
				rc.path, rc.status, rc.renders = res.Header().Get("Location"), 200, []string{"commune.html"}
			}
			res := serve(h, rc)
			body := res.Body.String()
			if res.Code != rc.status {
				t.Fatalf("%s %s: status %d, want %d\n%s", rc.methodOr(), rc.path, res.Code, rc.status, excerpt(body))
			}
			kind := rc.kind
			if kind == "" {
				kind = "text/html"
			}
			if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, kind) {
				t.Fatalf("Content-Type %q, want %s", ct, kind)
			}
			for _, bad := range []string{"<no value>", "%!", "map[", "<nil>", "0001-01-01"} {
				if i := strings.Index(body, bad); i >= 0 {
					t.Errorf("the answer holds %q: …%s…", bad, body[max(0, i-120):min(len(body), i+80)])
				}
			}
			for _, c := range rc.contains {
				if !strings.Contains(body, c) {
					t.Errorf("the answer lacks %q\n%s", c, excerpt(body))
				}
			}
			for _, c := range rc.lacks {
				if strings.Contains(body, c) {
					t.Errorf("the answer holds %q", c)
				}
			}
			if kind != "text/html" {
				return
			}
			files := rc.renders
			if !rc.fragment {
				checkFullPage(t, body)
				files = append([]string{"layout.html"}, files...)
			}
			for _, f := range files {
				m, ok := markers[f]
				if !ok {
					t.Fatalf("no template file %s", f)
				}
				if !slices.ContainsFunc(m, func(x string) bool { return strings.Contains(body, x) }) {
					t.Errorf("the answer shows nothing of %s (looked for any of %q)", f, m)
					continue
				}
				covered[f] = append(covered[f], rc.name)
			}
		})
	}

	var missing []string
	for f := range markers {
		if len(covered[f]) == 0 {
			missing = append(missing, f)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("no request rendered these templates: %s", strings.Join(missing, ", "))
	}
}

// renderCase is one request of TestEveryTemplateRenders.
type renderCase struct {
	name     string
	who      string // session secret; signed out when empty
	method   string
	path     string
	form     url.Values
	body     string // sent as it is when there is no form, with the Content-Type of headers
	headers  []string
	status   int    // 0: a redirect to follow
	kind     string // Content-Type prefix; text/html when empty
	fragment bool   // an htmx fragment, not a whole page
	renders  []string
	contains []string
	lacks    []string
}

func (rc renderCase) methodOr() string {
	if rc.method == "" {
		return http.MethodGet
	}
	return rc.method
}

// serve sends the request of rc to h.
func serve(h http.Handler, rc renderCase) *httptest.ResponseRecorder {
	var req *http.Request
	if rc.form != nil {
		req = httptest.NewRequest(rc.methodOr(), rc.path, strings.NewReader(rc.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if rc.body != "" {
		req = httptest.NewRequest(rc.methodOr(), rc.path, strings.NewReader(rc.body))
	} else {
		req = httptest.NewRequest(rc.methodOr(), rc.path, nil)
	}
	if rc.who != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: rc.who})
	}
	for i := 0; i+1 < len(rc.headers); i += 2 {
		req.Header.Set(rc.headers[i], rc.headers[i+1])
	}
	res := httptest.NewRecorder()
	h.ServeHTTP(res, req)
	return res
}

// checkFullPage checks what every page of the layout must be.
func checkFullPage(t *testing.T, body string) {
	t.Helper()
	if !strings.Contains(body, `<html lang="fr"`) {
		t.Errorf(`the page is not <html lang="fr">`)
	}
	if n := strings.Count(body, "<h1"); n != 1 {
		t.Errorf("the page has %d <h1>, want 1", n)
	}
	start, end := strings.Index(body, "<title>"), strings.Index(body, "</title>")
	if start < 0 || end < start || strings.TrimSpace(body[start+len("<title>"):end]) == "" {
		t.Errorf("the page has no <title>")
	}
	if !strings.Contains(body, `<main id="contenu"`) {
		t.Errorf("the page has no <main id=\"contenu\">")
	}
}

// signInThroughForm posts the sign-in form and returns the session secret.
func signInThroughForm(t *testing.T, h http.Handler, email, password string) string {
	t.Helper()
	res := serve(h, renderCase{method: "POST", path: "/connexion", form: url.Values{"email": {email}, "password": {password}}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: status %d\n%s", email, res.Code, excerpt(res.Body.String()))
	}
	for _, c := range res.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("sign-in of %s: no session cookie", email)
	return ""
}

// newEditorSite starts a server over a fresh SQLite database holding one
// convention of the CC Latitude Nord Gironde and its editor, signed in
// through the form: the site of the tests that follow a page's forms.
func newEditorSite(t *testing.T) (db *store.DB, editor *account.User, c *convention.Convention, h http.Handler, who string) {
	t.Helper()
	ctx := context.Background()
	ref := testdb.Ref(t)
	db = testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, cc, nil); err != nil {
		t.Fatal(err)
	}
	const password = "motdepasse-de-test"
	editor, err := db.CreateUser(ctx, account.NewUser{Email: "coordination@cc.fr", Name: "Coordination", OrgID: cc.ID, Role: account.RoleEditor, Password: password}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c = &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2027-2031", CAF: "caf-33", Start: "2027-01-01", End: "2031-12-31",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Parties: []string{cc.ID}}
	if err := db.CreateConvention(ctx, ref, editor, c); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	h = s.Handler()
	return db, editor, c, h, signInThroughForm(t, h, "coordination@cc.fr", password)
}

// demoConventionID finds a convention of the demonstration data set by title.
func demoConventionID(t *testing.T, db *store.DB, title string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	all, err := db.Conventions(ctx, admin, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.Title == title {
			return c.ID
		}
	}
	t.Fatalf("no convention %q in the demonstration data set", title)
	return ""
}

func mustEPCI(t *testing.T, ref *territory.Ref, siren string) territory.EPCI {
	t.Helper()
	e, ok := ref.EPCI(siren)
	if !ok {
		t.Fatalf("no EPCI %s", siren)
	}
	return e
}

// templateMarkers returns, for each template file (its path under
// templates/), the lines of literal text it holds that no other template
// file holds: an answer showing one of them was rendered with that file.
func templateMarkers(t *testing.T) map[string][]string {
	t.Helper()
	sources := map[string]string{}
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".html" {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		sources[strings.TrimPrefix(p, "templates/")] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for name, src := range sources {
		trees := map[string]*parse.Tree{}
		tr := parse.New(name)
		tr.Mode = parse.SkipFuncCheck
		if _, err := tr.Parse(src, "", "", trees); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var lines []string
		for _, tree := range trees {
			if tree.Root == nil {
				continue
			}
			walkText(tree.Root, func(text string) {
				for line := range strings.SplitSeq(text, "\n") {
					line = strings.TrimSpace(line)
					if len(line) < 20 || slices.Contains(lines, line) {
						continue
					}
					unique := true
					for other, osrc := range sources {
						if other != name && strings.Contains(osrc, line) {
							unique = false
							break
						}
					}
					if unique {
						lines = append(lines, line)
					}
				}
			})
		}
		slices.Sort(lines)
		if len(lines) == 0 {
			t.Fatalf("%s holds no text of its own to recognise it by", name)
		}
		out[name] = lines
	}
	return out
}

// walkText calls fn with the literal text of every node under n.
func walkText(n parse.Node, fn func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkText(c, fn)
		}
	case *parse.TextNode:
		fn(string(n.Text))
	case *parse.IfNode:
		walkText(n.List, fn)
		walkText(n.ElseList, fn)
	case *parse.RangeNode:
		walkText(n.List, fn)
		walkText(n.ElseList, fn)
	case *parse.WithNode:
		walkText(n.List, fn)
		walkText(n.ElseList, fn)
	}
}

// discardLog keeps the server's log out of the test output.
func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func excerpt(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}
