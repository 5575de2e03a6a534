package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"ctg/internal/account"
	"ctg/internal/demo"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// The defences every answer carries: the security headers, the session
// cookie's flags, the cap on bodies, the throttling of sign-ins and the
// redirections after one.

type headersSite struct {
	db            *store.DB
	h, secureH    http.Handler
	editor        string
	login         demo.Login
	lng, slug, tk string
}

func newHeadersSite(t *testing.T) *headersSite {
	t.Helper()
	ctx := context.Background()
	ref := testdb.Ref(t)
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	login, err := demo.Load(ctx, db, ref)
	if err != nil {
		t.Fatal(err)
	}
	site := &headersSite{db: db, login: login}
	for _, secure := range []bool{false, true} {
		s, err := New(Config{DB: db, Ref: ref, Log: discardLog(), SecureCookies: secure})
		if err != nil {
			t.Fatal(err)
		}
		if secure {
			site.secureH = s.Handler()
		} else {
			site.h = s.Handler()
		}
	}
	site.editor = signInThroughForm(t, site.h, login.Email, login.Password)
	ids := demoIDs(t, db)
	site.lng, site.slug, site.tk = ids["lng"], ids["lng.slug"], ids["lng.token"]
	return site
}

// cspDirectives reads a Content-Security-Policy into its directives.
func cspDirectives(csp string) map[string][]string {
	out := map[string][]string{}
	for d := range strings.SplitSeq(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[strings.ToLower(f[0])] = f[1:]
		}
	}
	return out
}

// TestHeadersSecurity reads the headers of pages, of the API, of the
// public pages, of errors, files and documents.
func TestHeadersSecurity(t *testing.T) {
	site := newHeadersSite(t)
	cases := []struct {
		path, session string
		status        int
	}{
		{"/", site.editor, 200},
		{"/conventions/" + site.lng, site.editor, 200},
		{"/conventions/" + site.lng + "/plan", site.editor, 200},
		{"/conventions/" + site.lng + "/diagnostic", site.editor, 200},
		{"/connexion", "", 200},
		{"/conventions", "", 303},
		{"/cette-page-n-existe-pas", "", 404},
		{"/p/" + site.slug, "", 200},
		{"/q/" + site.tk, "", 200},
		{"/q/inconnu", "", 404},
		{"/api/v1/conventions/" + site.lng, site.editor, 200},
		{"/api/v1/conventions/" + site.lng, "", 401},
		{"/api/v1/conventions/inconnue", site.editor, 404},
		{"/api/v1/openapi.json", "", 200},
		{"/api/v1/conventions/" + site.lng + "/document.pdf", site.editor, 200},
		{"/conventions/" + site.lng + "/plan.csv", site.editor, 200},
		{"/static/css/ctg.css", "", 200},
		{"/healthz", "", 200},
	}
	for _, c := range cases {
		res := send(site.h, accessRequest{method: "GET", path: c.path, session: c.session})
		if res.Code != c.status {
			t.Errorf("GET %s: status %d, want %d", c.path, res.Code, c.status)
		}
		h := res.Header()
		csp := cspDirectives(h.Get("Content-Security-Policy"))
		for _, want := range []struct{ directive, value string }{
			{"default-src", "'self'"}, {"script-src", "'self'"}, {"style-src", "'self'"}, {"object-src", "'none'"},
			{"base-uri", "'none'"}, {"frame-ancestors", "'none'"}, {"form-action", "'self'"},
		} {
			if got := strings.Join(csp[want.directive], " "); got != want.value {
				t.Errorf("GET %s: Content-Security-Policy %s is %q, want %q (%s)", c.path, want.directive, got, want.value, h.Get("Content-Security-Policy"))
			}
		}
		for _, unsafe := range []string{"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} {
			for _, d := range []string{"script-src", "default-src", "object-src"} {
				for _, v := range csp[d] {
					if v == unsafe {
						t.Errorf("GET %s: %s allows %s", c.path, d, unsafe)
					}
				}
			}
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
			if got := h.Get(name); got != want {
				t.Errorf("GET %s: %s is %q, want %q", c.path, name, got, want)
			}
		}
		// Addresses hold ids: they stay on the site (the public pages
		// send none at all).
		if rp := h.Get("Referrer-Policy"); rp != "same-origin" && rp != "no-referrer" {
			t.Errorf("GET %s: Referrer-Policy %q", c.path, rp)
		}
		// Without inline script or style, the policy breaks no page.
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			body := res.Body.String()
			for _, inline := range []string{` style="`, `<style`, ` onclick=`, ` onload=`, ` onsubmit=`, ` onchange=`} {
				if strings.Contains(body, inline) {
					t.Errorf("GET %s: the page holds %q, which the policy blocks", c.path, strings.TrimSpace(inline))
				}
			}
			if p := markupProblems(body); len(p) > 0 {
				t.Errorf("GET %s: %q", c.path, p)
			}
		}
	}
}

// TestHeadersSessionCookie signs in and out with and without
// --secure-cookies: the session cookie is HttpOnly, SameSite=Lax, for the
// whole site, and Secure when asked.
func TestHeadersSessionCookie(t *testing.T) {
	site := newHeadersSite(t)
	for _, secure := range []bool{false, true} {
		h := site.h
		if secure {
			h = site.secureH
		}
		res := send(h, accessRequest{method: "POST", path: "/connexion", form: url.Values{"email": {site.login.Email}, "password": {site.login.Password}}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", res.Code)
		}
		var session *http.Cookie
		for _, c := range res.Result().Cookies() {
			if c.Name == sessionCookie {
				session = c
			}
		}
		if session == nil {
			t.Fatal("no session cookie")
		}
		checkCookie := func(what string, c *http.Cookie) {
			t.Helper()
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure {
				t.Errorf("%s (secure cookies %v): HttpOnly %v, SameSite %v, Path %q, Secure %v", what, secure, c.HttpOnly, c.SameSite, c.Path, c.Secure)
			}
		}
		checkCookie("sign-in", session)
		if raw := res.Header().Get("Set-Cookie"); !strings.Contains(raw, "HttpOnly") || !strings.Contains(raw, "SameSite=Lax") {
			t.Errorf("Set-Cookie: %s", raw)
		}
		res = send(h, accessRequest{method: "POST", path: "/deconnexion", session: session.Value})
		cleared := false
		for _, c := range res.Result().Cookies() {
			if c.Name == sessionCookie {
				checkCookie("sign-out", c)
				cleared = c.MaxAge < 0 && c.Value == ""
			}
		}
		if !cleared {
			t.Errorf("sign-out (secure cookies %v): the cookie is not cleared", secure)
		}
		// The secret is no longer a session.
		if res := send(h, accessRequest{method: "GET", path: "/api/v1/me", session: session.Value}); res.Code != http.StatusUnauthorized {
			t.Errorf("after sign-out, /api/v1/me: %d", res.Code)
		}
	}
}

// TestHeadersBodyLimit sends 2 MB where 1 MiB is the cap: with its length
// announced or not, to the API (413 and the French JSON error) and to a
// page (413), and nothing is written.
func TestHeadersBodyLimit(t *testing.T) {
	site := newHeadersSite(t)
	big := `{"kind":"need","field":"petite_enfance","source":"data","text":"` + strings.Repeat("a", 2<<20) + `"}`
	count := func() int {
		var n int
		if err := site.db.SQL().Get(&n, `SELECT COUNT(*) FROM findings`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	for _, chunked := range []bool{false, true} {
		req := httptest.NewRequest("POST", "/api/v1/conventions/"+site.lng+"/findings", strings.NewReader(big))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: site.editor})
		if chunked {
			req.ContentLength = -1 // as a chunked body arrives
			req.Body = io.NopCloser(bytes.NewReader([]byte(big)))
		}
		res := httptest.NewRecorder()
		site.h.ServeHTTP(res, req)
		var body errorBody
		if err := json.Unmarshal(res.Body.Bytes(), &body); err != nil || res.Code != http.StatusRequestEntityTooLarge ||
			body.Error.Code != "too_large" || !strings.Contains(body.Error.Message, "volumineu") && !strings.Contains(body.Error.Message, "dépasse") {
			t.Errorf("2 MB of JSON (chunked %v): %d %s", chunked, res.Code, excerpt(res.Body.String()))
		}
		if !strings.HasPrefix(res.Header().Get("Content-Type"), "application/json") {
			t.Errorf("2 MB of JSON (chunked %v): Content-Type %q", chunked, res.Header().Get("Content-Type"))
		}
	}
	form := url.Values{"kind": {"need"}, "field": {"petite_enfance"}, "source": {"data"}, "text": {strings.Repeat("a", 2<<20)}}
	res := send(site.h, accessRequest{method: "POST", path: "/conventions/" + site.lng + "/constats", session: site.editor, form: form})
	if res.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB of form: %d", res.Code)
	}
	if n := count(); n != before {
		t.Errorf("%d findings, had %d", n, before)
	}
}

// TestHeadersSignInThrottle guesses one account's password from many
// connections at once: once the failures reach the lock, every attempt is
// refused without its password being checked, the right one included,
// however many were sent together.
func TestHeadersSignInThrottle(t *testing.T) {
	site := newHeadersSite(t)
	const n = 3 * account.LockAfter
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res := send(site.h, accessRequest{method: "POST", path: "/connexion",
				form: url.Values{"email": {site.login.Email}, "password": {"pas-le-bon-" + string(rune('a'+i))}}})
			codes[i] = res.Code
		})
	}
	wg.Wait()
	checked := 0
	for _, c := range codes {
		switch c {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("an attempt answered %d", c)
		}
	}
	if checked > account.LockAfter {
		t.Errorf("%d passwords of %d sent at once were checked, the lock comes after %d", checked, n, account.LockAfter)
	}
	res := send(site.h, accessRequest{method: "POST", path: "/connexion", form: url.Values{"email": {site.login.Email}, "password": {site.login.Password}}})
	if res.Code != http.StatusTooManyRequests || !strings.Contains(res.Body.String(), "Trop de tentatives") {
		t.Errorf("the right password once locked: %d\n%s", res.Code, excerpt(res.Body.String()))
	}
	// Another account is not locked.
	signInThroughForm(t, site.h, "admin@demo.ctg.fr", site.login.Password)
}

// TestHeadersSignInRedirect signs in with the page to go back to set to
// another site in the ways browsers read one: the answer stays on the site.
func TestHeadersSignInRedirect(t *testing.T) {
	site := newHeadersSite(t)
	for _, next := range []string{"//ailleurs.example/", "/\\ailleurs.example", "https://ailleurs.example/", "/\t/ailleurs.example",
		"javascript:alert(1)", "/%2F%2Failleurs.example", " //ailleurs.example", "\\\\ailleurs.example"} {
		res := send(site.h, accessRequest{method: "POST", path: "/connexion",
			form: url.Values{"email": {site.login.Email}, "password": {site.login.Password}, "suite": {next}}})
		loc := res.Header().Get("Location")
		u, err := url.Parse(loc)
		if res.Code != http.StatusSeeOther || err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") ||
			strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || strings.ContainsAny(loc, "\t\r\n") {
			t.Errorf("suite=%q: %d to %q", next, res.Code, loc)
		}
		// Signed in, the sign-in page sends on at once.
		res = send(site.h, accessRequest{method: "GET", path: "/connexion?suite=" + url.QueryEscape(next), session: site.editor})
		if loc := res.Header().Get("Location"); !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
			t.Errorf("GET /connexion?suite=%q signed in: to %q", next, loc)
		}
	}
}
