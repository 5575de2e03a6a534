package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"ctg/internal/account"
	"ctg/internal/sso"
	"ctg/internal/sso/ssotest"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// ssoBase is where the tests' ctg says it is served; the handler is
// called directly, so nothing listens there.
const ssoBase = "http://127.0.0.1:8080"

// ssoSite is a server over a fresh SQLite file with single sign-on on the
// test provider, an administrator of the Caf de la Gironde, the CC
// Latitude Nord Gironde as a partner and an editor of the Caf whose
// e-mail the provider may vouch for.
type ssoSite struct {
	p      *ssotest.Provider
	db     *store.DB
	h      http.Handler
	admin  string
	editor *account.User
	cc     *account.Organisation
	log    *syncBuffer
}

// syncBuffer is the server's log, read by the tests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newSSOSite(t *testing.T, down bool) *ssoSite {
	t.Helper()
	ctx := context.Background()
	st := &ssoSite{p: ssotest.New(t), db: testdb.Open(t, testdb.DSN(t, testdb.SQLite)), log: &syncBuffer{}}
	st.cc = &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := st.db.CreateOrganisation(ctx, st.cc, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.CreateUser(ctx, account.NewUser{Email: "admin@caf33.fr", Name: "Administratrice", OrgID: "caf-33",
		Role: account.RoleAdmin, Password: "motdepasse-de-test"}, nil); err != nil {
		t.Fatal(err)
	}
	var err error
	st.editor, err = st.db.CreateUser(ctx, account.NewUser{Email: "claire.petit@caf33.fr", Name: "Claire Petit", OrgID: "caf-33",
		Role: account.RoleEditor, Password: "motdepasse-de-test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	client, err := sso.New(sso.Config{Issuer: st.p.Issuer(), ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret,
		RedirectURL: ssoBase + ssoCallbackPath, RetryEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	st.p.SetDown(down)
	if err := client.Discover(ctx); (err != nil) != down {
		t.Fatalf("Discover: %v", err)
	}
	s, err := New(Config{DB: st.db, Ref: testdb.Ref(t), Log: slog.New(slog.NewTextHandler(st.log, nil)), SSO: client})
	if err != nil {
		t.Fatal(err)
	}
	st.h = s.Handler()
	st.admin = signInThroughForm(t, st.h, "admin@caf33.fr", "motdepasse-de-test")
	return st
}

// browser is one browser on the site: it keeps its cookies.
type browser struct {
	t       *testing.T
	site    *ssoSite
	cookies map[string]*http.Cookie
}

func (st *ssoSite) browser(t *testing.T) *browser {
	return &browser{t: t, site: st, cookies: map[string]*http.Cookie{}}
}

// do sends a request to the handler with the browser's cookies, keeps
// the cookies of the answer, and returns it with its body read.
func (b *browser) do(method, target string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	rec := httptest.NewRecorder()
	b.site.h.ServeHTTP(rec, req)
	res := rec.Result()
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return res, rec.Body.String()
}

func (b *browser) get(target string) (*http.Response, string) {
	b.t.Helper()
	return b.do(http.MethodGet, target, nil)
}

// atProvider follows to the provider an address ctg sent the browser to,
// and returns where the provider sends it back (on ctg, as a path).
func (b *browser) atProvider(to string) string {
	b.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(to)
	if err != nil {
		b.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 3 {
		b.t.Fatalf("the provider answered %d to %s", res.StatusCode, to)
	}
	back := res.Header.Get("Location")
	rest, ok := strings.CutPrefix(back, ssoBase)
	if !ok {
		b.t.Fatalf("the provider sent back to %s", back)
	}
	return rest
}

// startSignIn clicks the single sign-on's button and returns the callback
// the provider sends back to.
func (b *browser) startSignIn(next string) string {
	b.t.Helper()
	res, _ := b.get("/connexion/oidc?suite=" + url.QueryEscape(next))
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), b.site.p.Issuer()+"/authorize?") {
		b.t.Fatalf("GET /connexion/oidc: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	return b.atProvider(res.Header.Get("Location"))
}

// signIn goes through the whole sign-in and returns the callback's answer.
func (b *browser) signIn(next string) *http.Response {
	b.t.Helper()
	res, _ := b.get(b.startSignIn(next))
	return res
}

func TestSSOSignInLinksByEmail(t *testing.T) {
	st := newSSOSite(t, false)
	b := st.browser(t)
	res, body := b.get("/connexion")
	if res.StatusCode != 200 || !strings.Contains(body, `href="/connexion/oidc?suite=%2f"`) || !strings.Contains(body, "Se connecter avec ProConnect") ||
		!strings.Contains(body, `action="/connexion"`) {
		t.Fatalf("sign-in page without the button or the form:\n%s", excerpt(body))
	}

	st.p.SetUser(ssotest.User{Subject: "sub-claire", Email: "Claire.Petit@caf33.fr", GivenName: "Claire", UsualName: "Petit", SIRET: "53401817600025", IdPID: "fia1v2"})
	res, _ = b.get("/connexion/oidc?suite=/conventions")
	to, _ := url.Parse(res.Header.Get("Location"))
	q := to.Query()
	if len(q.Get("state")) < 32 || len(q.Get("nonce")) < 32 || q.Get("state") == q.Get("nonce") {
		t.Errorf("state %q and nonce %q: want two values of 32 characters or more", q.Get("state"), q.Get("nonce"))
	}
	c := b.cookies[ssoCookie]
	if c == nil || c.Value != q.Get("state") || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("state cookie %+v", c)
	}
	res, _ = b.get(b.atProvider(to.String()))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/conventions" {
		t.Fatalf("callback: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if b.cookies[ssoCookie] != nil {
		t.Error("the state cookie outlived the sign-in")
	}
	res, body = b.get("/conventions")
	if res.StatusCode != 200 || !strings.Contains(body, "Claire Petit") {
		t.Fatalf("signed in as the editor? %d\n%s", res.StatusCode, excerpt(body))
	}
	var lines int
	if err := st.db.SQL().Get(&lines, st.db.SQL().Rebind(`SELECT COUNT(*) FROM history WHERE action = 'user.sso_link' AND subject = ?`), st.editor.ID); err != nil || lines != 1 {
		t.Errorf("link in the history: %d %v", lines, err)
	}
}

func TestSSOAccessRequestThenApproval(t *testing.T) {
	st := newSSOSite(t, false)
	b := st.browser(t)
	res := b.signIn("/")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/connexion/oidc/demande" {
		t.Fatalf("callback of an unknown person: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if b.cookies[sessionCookie] != nil {
		t.Fatal("an unknown person got a session")
	}
	res, body := b.get("/connexion/oidc/demande")
	if res.StatusCode != 200 || !strings.Contains(body, "Votre demande d'accès est transmise à un administrateur") {
		t.Fatalf("request page: %d\n%s", res.StatusCode, excerpt(body))
	}
	// A second try does not make a second request.
	b.signIn("/")
	reqs, err := st.db.SSORequests(context.Background())
	if err != nil || len(reqs) != 1 {
		t.Fatalf("requests: %+v %v", reqs, err)
	}
	id := reqs[0].ID

	admin := serve(st.h, renderCase{path: "/admin", who: st.admin})
	body = admin.Body.String()
	for _, want := range []string{"Demandes d'accès (1)", "Anne Martin", "anne.martin@latitude-nord-gironde.fr", "24330118100016",
		`action="/admin/demandes/` + id + `/approuver"`, `<option value="` + st.cc.ID + `" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}
	checkFullPage(t, body)

	// Only an administrator decides.
	editor := signInThroughForm(t, st.h, "claire.petit@caf33.fr", "motdepasse-de-test")
	if r := serve(st.h, renderCase{method: "POST", path: "/admin/demandes/" + id + "/approuver", who: editor,
		form: url.Values{"org": {st.cc.ID}, "role": {"admin"}}}); r.Code != http.StatusForbidden {
		t.Errorf("approval by an editor: %d", r.Code)
	}
	// From another site: refused before the handler.
	if r := serve(st.h, renderCase{method: "POST", path: "/admin/demandes/" + id + "/approuver", who: st.admin,
		form: url.Values{"org": {st.cc.ID}, "role": {"admin"}}, headers: []string{"Sec-Fetch-Site", "cross-site"}}); r.Code != http.StatusForbidden {
		t.Errorf("cross-site approval: %d", r.Code)
	}
	r := serve(st.h, renderCase{method: "POST", path: "/admin/demandes/" + id + "/approuver", who: st.admin, form: url.Values{"org": {""}, "role": {"editor"}}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), `id="d-`+id+`-org-error"`) {
		t.Fatalf("approval without organisation: %d\n%s", r.Code, excerpt(r.Body.String()))
	}
	r = serve(st.h, renderCase{method: "POST", path: "/admin/demandes/" + id + "/approuver", who: st.admin, form: url.Values{"org": {st.cc.ID}, "role": {"editor"}}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/admin#demandes" {
		t.Fatalf("approval: %d %s", r.Code, r.Header().Get("Location"))
	}
	u, err := st.db.UserByEmail(context.Background(), "anne.martin@latitude-nord-gironde.fr")
	if err != nil || u.OrgID != st.cc.ID || u.Role != account.RoleEditor || u.Name != "Anne Martin" {
		t.Fatalf("account made: %+v %v", u, err)
	}

	// Approved: the same button leads to the page asked for.
	res = b.signIn("/conventions")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/conventions" || b.cookies[sessionCookie] == nil {
		t.Fatalf("sign-in after approval: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := b.get("/"); res.StatusCode != 200 || !strings.Contains(body, "Anne Martin") {
		t.Fatalf("dashboard after approval: %d", res.StatusCode)
	}
}

func TestSSOAccessRequestRefused(t *testing.T) {
	st := newSSOSite(t, false)
	b := st.browser(t)
	b.signIn("/")
	reqs, _ := st.db.SSORequests(context.Background())
	if len(reqs) != 1 {
		t.Fatalf("requests: %+v", reqs)
	}
	r := serve(st.h, renderCase{method: "POST", path: "/admin/demandes/" + reqs[0].ID + "/refuser", who: st.admin, form: url.Values{}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("refusal: %d", r.Code)
	}
	res := b.signIn("/")
	if res.Header.Get("Location") != "/connexion/oidc/demande?statut=refusee" {
		t.Fatalf("sign-in after refusal: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := b.get(res.Header.Get("Location"))
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Votre demande d'accès a été refusée") {
		t.Fatalf("refusal page: %d\n%s", res.StatusCode, excerpt(body))
	}
	checkFullPage(t, body)
}

// TestSSORefusals checks each return that must not sign anyone in: a
// French page, no session, and one line of log without secrets.
func TestSSORefusals(t *testing.T) {
	st := newSSOSite(t, false)
	st.p.SetUser(ssotest.User{Subject: "sub-claire", Email: "claire.petit@caf33.fr", GivenName: "Claire", UsualName: "Petit"})
	for _, tc := range []struct {
		name   string
		fault  ssotest.Fault
		tamper func(b *browser, callback string) string
		status int
		says   string
	}{
		{name: "wrong state", status: 400, says: "a expiré ou a déjà servi", tamper: func(b *browser, cb string) string {
			u, _ := url.Parse(cb)
			q := u.Query()
			q.Set("state", sso.NewSecret())
			u.RawQuery = q.Encode()
			return u.String()
		}},
		{name: "state of another browser", status: 400, says: "a expiré ou a déjà servi", tamper: func(b *browser, cb string) string {
			delete(b.cookies, ssoCookie)
			return cb
		}},
		{name: "replayed state", status: 400, says: "a expiré ou a déjà servi", tamper: func(b *browser, cb string) string {
			saved := *b.cookies[ssoCookie]
			if res, _ := b.get(cb); res.StatusCode != http.StatusSeeOther || b.cookies[sessionCookie] == nil {
				b.t.Fatalf("first use of the return: %d", res.StatusCode)
			}
			delete(b.cookies, sessionCookie)
			b.cookies[ssoCookie] = &saved
			return cb
		}},
		{name: "provider refused", status: 401, says: "annulée ou refusée", tamper: func(b *browser, cb string) string {
			u, _ := url.Parse(cb)
			u.RawQuery = url.Values{"error": {"access_denied"}, "state": {u.Query().Get("state")}}.Encode()
			return u.String()
		}},
		{name: "wrong nonce", fault: ssotest.WrongNonce, status: 400, says: "pas pu être vérifiée"},
		{name: "unsigned userinfo", fault: ssotest.UnsignedUserinfo, status: 400, says: "pas pu être vérifiée"},
		{name: "userinfo with alg none", fault: ssotest.NoneUserinfo, status: 400, says: "pas pu être vérifiée"},
		{name: "badly signed userinfo", fault: ssotest.BadlySignedUserinfo, status: 400, says: "pas pu être vérifiée"},
		{name: "userinfo of another subject", fault: ssotest.OtherSubject, status: 400, says: "pas pu être vérifiée"},
		{name: "ID token for another client", fault: ssotest.OtherAudience, status: 400, says: "pas pu être vérifiée"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st.p.SetFault(tc.fault)
			defer st.p.SetFault(ssotest.NoFault)
			b := st.browser(t)
			before := strings.Count(st.log.String(), "\n")
			cb := b.startSignIn("/")
			if tc.tamper != nil {
				cb = tc.tamper(b, cb)
				before = strings.Count(st.log.String(), "\n")
			}
			res, body := b.get(cb)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.says) {
				t.Fatalf("status %d, want %d saying %q\n%s", res.StatusCode, tc.status, tc.says, excerpt(body))
			}
			checkFullPage(t, body)
			if b.cookies[sessionCookie] != nil {
				t.Error("a session was opened")
			}
			logged := strings.Split(strings.TrimSpace(st.log.String()), "\n")[before:]
			if len(logged) != 1 {
				t.Errorf("%d lines logged, want 1: %q", len(logged), logged)
			}
			u, _ := url.Parse(cb)
			for _, secret := range []string{ssotest.ClientSecret, u.Query().Get("code"), u.Query().Get("state")} {
				if secret != "" && strings.Contains(strings.Join(logged, "\n"), secret) {
					t.Errorf("the log shows a secret %q: %q", secret, logged)
				}
			}
		})
	}
}

// TestSSOLogout checks that a session of the provider ends there too, with
// the ID token as hint, and that the way back shows the usual message.
func TestSSOLogout(t *testing.T) {
	st := newSSOSite(t, false)
	st.p.SetUser(ssotest.User{Subject: "sub-claire", Email: "claire.petit@caf33.fr"})
	b := st.browser(t)
	b.signIn("/")
	secret := b.cookies[sessionCookie].Value
	_, idToken, err := st.db.SSOSession(context.Background(), secret)
	if err != nil || !st.p.Issued(idToken) {
		t.Fatalf("ID token kept with the session: %q %v", idToken, err)
	}
	res, body := b.do(http.MethodPost, "/deconnexion", url.Values{})
	if res.StatusCode != 200 || !strings.Contains(body, "Déconnexion en cours") || strings.Contains(body, `action="/deconnexion"`) {
		t.Fatalf("logout: %d\n%s", res.StatusCode, excerpt(body))
	}
	checkFullPage(t, body)
	to, ok := strings.CutPrefix(res.Header.Get("Refresh"), "0; url=")
	if !ok || !strings.Contains(body, `href="`+strings.ReplaceAll(to, "&", "&amp;")+`"`) {
		t.Fatalf("Refresh %q; the page does not link to it", res.Header.Get("Refresh"))
	}
	u, _ := url.Parse(to)
	q := u.Query()
	if u.Scheme+"://"+u.Host+u.Path != st.p.Issuer()+"/session/end" || q.Get("id_token_hint") != idToken ||
		len(q.Get("state")) < 32 || q.Get("post_logout_redirect_uri") != ssoBase+ssoPostLogoutPath {
		t.Fatalf("end-session address %s", to)
	}
	if b.cookies[sessionCookie] != nil {
		t.Error("the session cookie is still there")
	}
	if u, _ := st.db.SessionUser(context.Background(), secret); u != nil {
		t.Error("the session still works")
	}
	back := b.atProvider(to)
	res, _ = b.get(back)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/connexion" || b.cookies["ctg_flash"] == nil {
		t.Fatalf("return from the logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The state serves once; an unknown one leads to the sign-in page
	// without the message.
	delete(b.cookies, "ctg_flash")
	if res, _ = b.get(back); res.Header.Get("Location") != "/connexion" || b.cookies["ctg_flash"] != nil {
		t.Errorf("replayed return from the logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// A password session signs out as before.
	pw := signInThroughForm(t, st.h, "claire.petit@caf33.fr", "motdepasse-de-test")
	r := serve(st.h, renderCase{method: "POST", path: "/deconnexion", who: pw, form: url.Values{}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/connexion" {
		t.Errorf("password logout: %d %s", r.Code, r.Header().Get("Location"))
	}
}

// TestSSOProviderDown checks that ctg serves with the provider down at
// start, says so in French at the button, and uses it once it is back.
func TestSSOProviderDown(t *testing.T) {
	st := newSSOSite(t, true)
	b := st.browser(t)
	if res, body := b.get("/connexion"); res.StatusCode != 200 || !strings.Contains(body, "Se connecter avec ProConnect") {
		t.Fatalf("sign-in page with the provider down: %d", res.StatusCode)
	}
	res, body := b.get("/connexion/oidc")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "ne répond pas pour le moment") {
		t.Fatalf("button with the provider down: %d\n%s", res.StatusCode, excerpt(body))
	}
	checkFullPage(t, body)
	st.p.SetDown(false)
	if res := b.signIn("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in once the provider is back: %d", res.StatusCode)
	}
}

// TestSSOOff checks that without settings nothing changes but a French
// 404 at the single sign-on's addresses.
func TestSSOOff(t *testing.T) {
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	s, err := New(Config{DB: db, Ref: testdb.Ref(t), Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	if r := serve(h, renderCase{path: "/connexion"}); strings.Contains(r.Body.String(), "/connexion/oidc") {
		t.Error("the sign-in page shows the button without settings")
	}
	for _, p := range []string{"/connexion/oidc", "/connexion/oidc/retour?state=x&code=y"} {
		if r := serve(h, renderCase{path: p}); r.Code != http.StatusNotFound || !strings.Contains(r.Body.String(), "pas activée") {
			t.Errorf("%s: %d", p, r.Code)
		}
	}
}

func TestSSORedirectURLMustBeServed(t *testing.T) {
	p := ssotest.New(t)
	client, err := sso.New(sso.Config{Issuer: p.Issuer(), ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret,
		RedirectURL: ssoBase + "/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{SSO: client}); err == nil || !strings.Contains(err.Error(), ssoCallbackPath) {
		t.Errorf("New with a callback ctg does not serve: %v", err)
	}
}

// ssoRenderCases are the single sign-on's pages for TestEveryTemplateRenders,
// whose server has no provider: the page of a pending request, that of
// the address when it is off, and the administration with a request.
func ssoRenderCases(t *testing.T, db *store.DB, admin string) []renderCase {
	t.Helper()
	out, err := db.SignInSSO(context.Background(), &sso.Identity{Issuer: "https://auth.agentconnect.gouv.fr/api/v2", Subject: "sub-render",
		Email: "jeanne.durand@mairie-saint-savin.fr", GivenName: "Jeanne", UsualName: "Durand", SIRET: "21330473500018", IdPID: "fia1v2"}, 0)
	if err != nil || out.Request == nil {
		t.Fatalf("access request: %+v %v", out, err)
	}
	return []renderCase{
		{name: "sso: request transmitted", path: "/connexion/oidc/demande", status: 200, renders: []string{"sso.html"},
			contains: []string{"Votre demande d'accès est transmise à un administrateur"}},
		{name: "sso: off", path: "/connexion/oidc", status: 404, renders: []string{"sso.html"}, contains: []string{"pas activée"}},
		{name: "admin with an access request", who: admin, path: "/admin", status: 200, renders: []string{"admin.html"},
			contains: []string{"Demandes d'accès (1)", "jeanne.durand@mairie-saint-savin.fr", `action="/admin/demandes/` + out.Request.ID + `/refuser"`}},
	}
}
