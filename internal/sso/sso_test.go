package sso

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ctg/internal/sso/ssotest"
)

const redirect = "http://127.0.0.1:8080/connexion/oidc/retour"

// newClient returns a client of the test provider p.
func newClient(t *testing.T, p *ssotest.Provider, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{Issuer: p.Issuer(), ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret, RedirectURL: redirect,
		RetryEvery: time.Nanosecond}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// authorize goes to the provider's authorization endpoint as a browser
// would and returns the code and state it sends back, with the query it
// received.
func authorize(t *testing.T, c *Client, state, nonce string) (code, backState string, sent url.Values) {
	t.Helper()
	to, err := c.AuthURL(context.Background(), state, nonce)
	if err != nil {
		t.Fatalf("AuthURL: %v", err)
	}
	u, _ := url.Parse(to)
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := browser.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d", res.StatusCode)
	}
	back, _ := url.Parse(res.Header.Get("Location"))
	if !strings.HasPrefix(back.String(), redirect+"?") {
		t.Fatalf("authorize sent back to %s", back)
	}
	return back.Query().Get("code"), back.Query().Get("state"), u.Query()
}

func TestSignIn(t *testing.T) {
	p := ssotest.New(t)
	c := newClient(t, p)
	state, nonce := NewSecret(), NewSecret()
	if len(state) < 32 || len(nonce) < 32 || state == nonce {
		t.Fatalf("state %q, nonce %q: want two different values of 32 characters or more", state, nonce)
	}
	code, back, sent := authorize(t, c, state, nonce)
	if back != state {
		t.Errorf("state came back as %q", back)
	}
	for k, want := range map[string]string{"response_type": "code", "client_id": ssotest.ClientID, "redirect_uri": redirect,
		"scope": "openid email given_name usual_name siret", "state": state, "nonce": nonce} {
		if got := sent.Get(k); got != want {
			t.Errorf("authorization parameter %s = %q, want %q", k, got, want)
		}
	}
	id, err := c.SignIn(context.Background(), code, nonce)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	want := Identity{Issuer: p.Issuer(), Subject: "sub-anne-martin", Email: "anne.martin@latitude-nord-gironde.fr", GivenName: "Anne",
		UsualName: "Martin", SIRET: "24330118100016", UID: "amartin", IdPID: "fia1v2", IDToken: id.IDToken}
	if *id != want {
		t.Errorf("identity\n got %+v\nwant %+v", *id, want)
	}
	if !p.Issued(id.IDToken) {
		t.Error("the identity does not carry the ID token the provider issued")
	}
	if id.Name() != "Anne Martin" {
		t.Errorf("Name() = %q", id.Name())
	}
	// A code serves once.
	if _, err := c.SignIn(context.Background(), code, nonce); !isRefusal(err) {
		t.Errorf("second use of a code: %v, want a refusal", err)
	}
}

func isRefusal(err error) bool {
	var f *Failure
	return errors.As(err, &f) && !f.Unavailable
}

// TestSignInRefusals checks that every answer a client must not trust is
// refused, as a refusal (not as a provider down).
func TestSignInRefusals(t *testing.T) {
	p := ssotest.New(t)
	c := newClient(t, p)
	for _, tc := range []struct {
		name  string
		fault ssotest.Fault
		nonce string // sent back instead of the right one, when set
	}{
		{name: "nonce of another sign-in", nonce: NewSecret()},
		{name: "ID token with another nonce", fault: ssotest.WrongNonce},
		{name: "ID token for another client", fault: ssotest.OtherAudience},
		{name: "expired ID token", fault: ssotest.ExpiredIDToken},
		{name: "ID token signed by an unknown key", fault: ssotest.BadlySignedIDToken},
		{name: "userinfo in plain JSON", fault: ssotest.UnsignedUserinfo},
		{name: "userinfo with alg none", fault: ssotest.NoneUserinfo},
		{name: "userinfo signed by an unknown key", fault: ssotest.BadlySignedUserinfo},
		{name: "userinfo of another subject", fault: ssotest.OtherSubject},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.SetFault(tc.fault)
			defer p.SetFault(ssotest.NoFault)
			nonce := NewSecret()
			code, _, _ := authorize(t, c, NewSecret(), nonce)
			if tc.nonce != "" {
				nonce = tc.nonce
			}
			id, err := c.SignIn(context.Background(), code, nonce)
			if !isRefusal(err) {
				t.Fatalf("SignIn = %+v, %v; want a refusal", id, err)
			}
			if strings.Contains(err.Error(), ssotest.ClientSecret) {
				t.Errorf("the error shows the client secret: %v", err)
			}
		})
	}
}

// TestProviderDownAtStart checks that a provider down at the first try is
// tried again at the next use, and that its being down is told apart.
func TestProviderDownAtStart(t *testing.T) {
	p := ssotest.New(t)
	p.SetDown(true)
	c := newClient(t, p)
	err := c.Discover(context.Background())
	var f *Failure
	if !errors.As(err, &f) || !f.Unavailable {
		t.Fatalf("Discover with the provider down: %v, want unavailable", err)
	}
	if _, err := c.AuthURL(context.Background(), NewSecret(), NewSecret()); err == nil {
		t.Fatal("AuthURL with the provider down: no error")
	}
	p.SetDown(false)
	nonce := NewSecret()
	code, _, _ := authorize(t, c, NewSecret(), nonce)
	if _, err := c.SignIn(context.Background(), code, nonce); err != nil {
		t.Fatalf("SignIn once the provider is up: %v", err)
	}
}

// TestRetryIsSpaced checks that a failed discovery is not tried again at
// every request while the provider is down.
func TestRetryIsSpaced(t *testing.T) {
	p := ssotest.New(t)
	p.SetDown(true)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	c := newClient(t, p, func(c *Config) { c.RetryEvery = 5 * time.Second; c.Now = func() time.Time { return now } })
	if c.Discover(context.Background()) == nil {
		t.Fatal("discovery succeeded with the provider down")
	}
	p.SetDown(false)
	if c.Discover(context.Background()) == nil {
		t.Fatal("a second try within RetryEvery reached the provider")
	}
	now = now.Add(6 * time.Second)
	if err := c.Discover(context.Background()); err != nil {
		t.Fatalf("try after RetryEvery: %v", err)
	}
}

func TestACRValues(t *testing.T) {
	p := ssotest.New(t)
	for _, tc := range []struct {
		acr []string
		ok  bool
	}{{[]string{"eidas1"}, true}, {[]string{"eidas2", "eidas3"}, false}} {
		c := newClient(t, p, func(c *Config) { c.ACRValues = tc.acr })
		nonce := NewSecret()
		code, _, sent := authorize(t, c, NewSecret(), nonce)
		if got := sent.Get("acr_values"); got != strings.Join(tc.acr, " ") {
			t.Errorf("acr_values sent: %q", got)
		}
		_, err := c.SignIn(context.Background(), code, nonce)
		if tc.ok != (err == nil) {
			t.Errorf("acr_values %v, ID token acr eidas1: SignIn error %v", tc.acr, err)
		}
	}
}

func TestLogoutURL(t *testing.T) {
	p := ssotest.New(t)
	c := newClient(t, p)
	state := NewSecret()
	to, err := c.LogoutURL(context.Background(), "the.id.token", state, "http://127.0.0.1:8080/deconnexion/retour")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(to)
	if u.Scheme+"://"+u.Host+u.Path != p.Issuer()+"/session/end" {
		t.Errorf("logout at %s", to)
	}
	q := u.Query()
	if q.Get("id_token_hint") != "the.id.token" || q.Get("state") != state || q.Get("post_logout_redirect_uri") != "http://127.0.0.1:8080/deconnexion/retour" {
		t.Errorf("logout query %v", q)
	}
}

func TestConfigProblem(t *testing.T) {
	good := Config{Issuer: "https://auth.agentconnect.gouv.fr/api/v2", ClientID: "id", ClientSecret: "secret",
		RedirectURL: "https://ctg.example.fr/connexion/oidc/retour"}
	if p := good.Problem(); p != "" {
		t.Errorf("good settings: %s", p)
	}
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.ClientSecret = "" }, "--oidc-client-secret"},
		{func(c *Config) { c.Issuer, c.ClientID = "", "" }, "--oidc-issuer, --oidc-client-id"},
		{func(c *Config) { c.Issuer = "http://auth.example.fr" }, "https://"},
		{func(c *Config) { c.RedirectURL = "/connexion/oidc/retour" }, "--oidc-redirect-url"},
		{func(c *Config) { c.Scopes = []string{"email"} }, "openid"},
	} {
		c := good
		tc.edit(&c)
		if p := c.Problem(); !strings.Contains(p, tc.want) {
			t.Errorf("%+v: problem %q, want it to name %q", c, p, tc.want)
		}
	}
	local := good
	local.Issuer, local.RedirectURL = "http://127.0.0.1:5556/api/v2", "http://localhost:8080/connexion/oidc/retour"
	if p := local.Problem(); p != "" {
		t.Errorf("loopback http: %s", p)
	}
	if (Config{}).Enabled() || !(Config{ClientID: "x"}).Enabled() {
		t.Error("Enabled: wrong")
	}
	if got := ParseList(" openid, email  siret"); strings.Join(got, "|") != "openid|email|siret" {
		t.Errorf("ParseList: %q", got)
	}
}
