package e2e

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ctg/internal/cli"
	"ctg/internal/sso"
	"ctg/internal/sso/ssotest"
	"ctg/internal/testdb"
)

// startDemoSSO starts the real server with the demonstration data set and
// single sign-on on the test provider p. The callback URL names the port,
// so the port is chosen before the server starts.
func startDemoSSO(t *testing.T, p *ssotest.Provider) *cli.Running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	run, err := cli.Start(context.Background(), cli.ServeConfig{Addr: addr, DB: testdb.DSN(t, testdb.SQLite), Demo: true, Log: quietLog(),
		SSO: sso.Config{Issuer: p.Issuer(), ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret,
			RedirectURL: "http://" + addr + "/connexion/oidc/retour"}})
	if err != nil {
		t.Fatalf("cli.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := run.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return run
}

// TestBrowserSSO clicks the single sign-on's button through the provider
// to the dashboard, and signs out through the provider's logout: in a real
// browser, which applies the pages' Content-Security-Policy to the
// redirections. A person without an account sees their request
// transmitted; the pages pass axe-core.
func TestBrowserSSO(t *testing.T) {
	browser := startBrowser(t)
	p := ssotest.New(t)
	run := startDemoSSO(t, p)
	base := "http://" + run.Addr

	t.Run("known e-mail to the dashboard and out", func(t *testing.T) {
		p.SetUser(ssotest.User{Subject: "sub-conseillere", Email: demoAdvisor, GivenName: "Sophie", UsualName: "Conseillère", SIRET: "53401817600025", IdPID: "fia1v2"})
		tb := openTab(t, browser, base)
		tb.mustOpen("/connexion?suite=/conventions")
		checkAxe(t, tb)
		if got := tb.text("a.sso-signin"); got != sso.DefaultLabel {
			t.Fatalf("button %q", got)
		}
		res := tb.submit("a.sso-signin")
		if res.Status != 200 || tb.path() != "/conventions" {
			t.Fatalf("after the button: status %d at %s\n%s", res.Status, tb.path(), tb.pageSummary())
		}
		tb.mustOpen("/")
		if !strings.Contains(tb.text("header"), "Se déconnecter") {
			t.Fatalf("not signed in:\n%s", tb.pageSummary())
		}
		tb.submit(`form[action="/deconnexion"] button`)
		waitAcrossSites(tb, "the return from the provider's logout", `location.pathname === "/connexion" && !!document.querySelector(".flash")`)
		if got := tb.text(".flash"); got != "Vous êtes déconnecté." {
			t.Errorf("flash %q", got)
		}
		logouts := p.Logouts()
		if len(logouts) != 1 || !p.Issued(logouts[0].Get("id_token_hint")) || logouts[0].Get("post_logout_redirect_uri") != base+"/deconnexion/retour" {
			t.Fatalf("the provider's logout received %v", logouts)
		}
		// Signed out here too.
		tb.mustOpen("/")
		if tb.path() != "/connexion?suite=%2F" {
			t.Errorf("after logout, / leads to %s", tb.path())
		}
	})

	t.Run("unknown e-mail: request transmitted", func(t *testing.T) {
		p.SetUser(ssotest.User{Subject: "sub-inconnue", Email: "jeanne.durand@mairie-saint-savin.fr", GivenName: "Jeanne", UsualName: "Durand", SIRET: "21330473500018"})
		tb := openTab(t, browser, base)
		tb.mustOpen("/connexion")
		tb.submit("a.sso-signin")
		if tb.path() != "/connexion/oidc/demande" || !strings.Contains(tb.text("h1"), "Votre demande d'accès est transmise") {
			t.Fatalf("after the button: %s\n%s", tb.path(), tb.pageSummary())
		}
		checkAxe(t, tb)

		admin := openTab(t, browser, base)
		admin.signIn(demoAdmin)
		admin.mustOpen("/admin")
		if !strings.Contains(admin.text("#demandes"), "Demandes d'accès (1)") {
			t.Fatalf("admin page:\n%s", admin.pageSummary())
		}
		checkAxe(t, admin)
		admin.do("choose the organisation", chromedp.SetValue(chromedp.CSS(`form[action$="/approuver"] select[name="org"]`), "caf-33"))
		admin.submit(`form[action$="/approuver"] button[type=submit]`)
		if got := admin.text(".flash"); !strings.Contains(got, "approuvée") {
			t.Fatalf("flash %q\n%s", got, admin.pageSummary())
		}

		tb.mustOpen("/connexion")
		tb.submit("a.sso-signin")
		if tb.path() != "/" || !strings.Contains(tb.text("header"), "Se déconnecter") {
			t.Fatalf("after approval: %s\n%s", tb.path(), tb.pageSummary())
		}
	})
}

// waitAcrossSites polls the JavaScript expression until it is true, while
// the tab goes from site to site (ctg, the provider, ctg again): each
// navigation ends the JavaScript context a poll runs in, in ways that
// tab.waitFor does not all expect.
func waitAcrossSites(tb *tab, what, js string) {
	tb.t.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waiting for %s (%s): %v\n%s", what, js, err, tb.pageSummary())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
