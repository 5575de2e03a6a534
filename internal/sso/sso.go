// Package sso signs people in through an OpenID Connect provider, written
// for ProConnect (the identity federation of French public agents) and
// usable with any provider that follows the same rules: the authorization
// code flow, an ID token and a userinfo answer both signed (RS256 or
// ES256) with the keys the provider publishes, and a logout by redirection
// to its end-session endpoint.
//
// The package holds the protocol and the rules on the identities it
// returns; it keeps no state between requests (the pending sign-ins are in
// the database, see store/sso.go) and serves no HTTP (see web/page_sso.go).
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// DefaultScopes are ProConnect's: its mandatory claims, the names, the
// e-mail address and the SIRET of the person's establishment.
var DefaultScopes = []string{"openid", "email", "given_name", "usual_name", "siret"}

// DefaultLabel is the text of the sign-in button.
const DefaultLabel = "Se connecter avec ProConnect"

// SigningAlgs are the signatures accepted on ID tokens and userinfo
// answers: ProConnect's asymmetric ones. HS256, which ProConnect also
// offers, would make the client secret a signing key; it is refused.
var SigningAlgs = []string{oidc.RS256, oidc.ES256}

// StateTTL is how long a sign-in may take between the redirection to the
// provider and the return: after it, the state is refused.
const StateTTL = 10 * time.Minute

// Config is what the provider gave when the service was registered.
type Config struct {
	// Issuer is the provider's issuer URL; its discovery document is at
	// Issuer + "/.well-known/openid-configuration".
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is the public URL of the callback, exactly as registered.
	RedirectURL string
	// Scopes are asked for; DefaultScopes when empty. "openid" is required.
	Scopes []string
	// ACRValues, when not empty, is sent as acr_values and the ID token's
	// acr must be one of them.
	ACRValues []string
	// Label is the text of the sign-in button; DefaultLabel when empty.
	Label string
	// Timeout bounds each call to the provider; 10 seconds when zero.
	Timeout time.Duration
	// RetryEvery is how long a failed discovery is remembered before the
	// next use tries again; 5 seconds when zero.
	RetryEvery time.Duration
	// HTTPClient calls the provider; a client with Timeout when nil.
	HTTPClient *http.Client
	// Now is the clock of the token checks; time.Now when nil.
	Now func() time.Time
}

// Enabled reports whether any of the settings was given: single sign-on is
// off only when none is.
func (c Config) Enabled() bool {
	return c.Issuer != "" || c.ClientID != "" || c.ClientSecret != "" || c.RedirectURL != ""
}

// Problem returns a French sentence naming what is wrong with the
// settings, with the flags' names, or "" when they are usable.
func (c Config) Problem() string {
	var missing []string
	for _, f := range []struct{ v, name string }{{c.Issuer, "--oidc-issuer"}, {c.ClientID, "--oidc-client-id"},
		{c.ClientSecret, "--oidc-client-secret"}, {c.RedirectURL, "--oidc-redirect-url"}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return "la connexion unique demande aussi " + strings.Join(missing, ", ") + "."
	}
	if !secureURL(c.Issuer) {
		return "--oidc-issuer doit être une adresse https:// (http:// n'est admis que sur la boucle locale)."
	}
	if !secureURL(c.RedirectURL) {
		return "--oidc-redirect-url doit être une adresse https:// complète, par exemple https://ctg.example.fr/connexion/oidc/retour."
	}
	if len(c.Scopes) > 0 && !slices.Contains(c.Scopes, "openid") {
		return "--oidc-scopes doit comprendre openid."
	}
	return ""
}

// secureURL accepts https URLs, and http ones on the loopback (the tests'
// provider, a provider reached through a local tunnel).
func secureURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		host := u.Hostname()
		if host == "localhost" {
			return true
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.IsLoopback()
	}
	return false
}

// ParseList splits a flag's value on spaces and commas.
func ParseList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
}

// Client talks to the provider. It discovers the provider's endpoints and
// keys on first need and keeps them; a provider down at start is tried
// again at the next use.
type Client struct {
	cfg  Config
	http *http.Client

	mu      sync.Mutex
	disc    *discovered
	lastErr error
	lastTry time.Time
}

// discovered is what the discovery document and the settings make.
type discovered struct {
	oauth      oauth2.Config
	verifier   *oidc.IDTokenVerifier
	keys       *oidc.RemoteKeySet
	userinfo   string
	endSession string
}

// New checks the settings and returns a client that has not yet called
// the provider.
func New(cfg Config) (*Client, error) {
	if p := cfg.Problem(); p != "" {
		return nil, errors.New(p)
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultScopes
	}
	if cfg.Label == "" {
		cfg.Label = DefaultLabel
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.RetryEvery == 0 {
		cfg.RetryEvery = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Issuer = strings.TrimSpace(cfg.Issuer)
	c := &Client{cfg: cfg, http: cfg.HTTPClient}
	if c.http == nil {
		c.http = &http.Client{Timeout: cfg.Timeout}
	}
	return c, nil
}

// Label is the text of the sign-in button.
func (c *Client) Label() string { return c.cfg.Label }

// Issuer is the provider's issuer URL, as configured.
func (c *Client) Issuer() string { return c.cfg.Issuer }

// RedirectURL is the public URL of the callback.
func (c *Client) RedirectURL() string { return c.cfg.RedirectURL }

// Failure is why a step with the provider did not succeed. Reason and Err
// are for the log and never shown: they may name the provider's answer.
type Failure struct {
	// Unavailable tells a provider that does not answer (or answers
	// nonsense) from an answer that was refused.
	Unavailable bool
	Reason      string
	Err         error
}

func (f *Failure) Error() string {
	if f.Err != nil {
		return "sso: " + f.Reason + ": " + f.Err.Error()
	}
	return "sso: " + f.Reason
}

// Unwrap returns the underlying error.
func (f *Failure) Unwrap() error { return f.Err }

func unavailable(reason string, err error) error {
	return &Failure{Unavailable: true, Reason: reason, Err: err}
}

func refused(reason string, err error) error { return &Failure{Reason: reason, Err: err} }

// Discover fetches the provider's discovery document, within the client's
// timeout. A failure is returned and remembered; the next use tries again.
func (c *Client) Discover(ctx context.Context) error {
	_, err := c.provider(ctx)
	return err
}

// provider returns what discovery found, discovering once at a time.
func (c *Client) provider(ctx context.Context) (*discovered, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.disc != nil {
		return c.disc, nil
	}
	if c.lastErr != nil && c.cfg.Now().Sub(c.lastTry) < c.cfg.RetryEvery {
		return nil, c.lastErr
	}
	c.lastTry = c.cfg.Now()
	d, err := c.discover(ctx)
	if err != nil {
		c.lastErr = err
		return nil, err
	}
	c.disc, c.lastErr = d, nil
	return d, nil
}

func (c *Client) discover(ctx context.Context) (*discovered, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, c.http), c.cfg.Issuer)
	if err != nil {
		return nil, unavailable("discovery", err)
	}
	var meta struct {
		JWKS        string   `json:"jwks_uri"`
		EndSession  string   `json:"end_session_endpoint"`
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, unavailable("discovery document", err)
	}
	if meta.JWKS == "" || p.UserInfoEndpoint() == "" || p.Endpoint().AuthURL == "" || p.Endpoint().TokenURL == "" {
		return nil, unavailable("discovery document without jwks_uri, userinfo, authorization or token endpoint", nil)
	}
	endpoint := p.Endpoint()
	// ProConnect documents the secret in the body; the automatic choice
	// would first try Basic and fail once on every sign-in.
	switch {
	case slices.Contains(meta.AuthMethods, "client_secret_post"):
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	case slices.Contains(meta.AuthMethods, "client_secret_basic"):
		endpoint.AuthStyle = oauth2.AuthStyleInHeader
	}
	// One key set serves the ID token and the userinfo answer, so that
	// the keys are fetched once and refreshed on a new key id. Its
	// context only carries the HTTP client: it outlives this call.
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), c.http), meta.JWKS)
	return &discovered{
		oauth: oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: endpoint,
			RedirectURL: c.cfg.RedirectURL, Scopes: c.cfg.Scopes},
		verifier: oidc.NewVerifier(c.cfg.Issuer, keys, &oidc.Config{ClientID: c.cfg.ClientID,
			SupportedSigningAlgs: SigningAlgs, Now: c.cfg.Now}),
		keys:       keys,
		userinfo:   p.UserInfoEndpoint(),
		endSession: meta.EndSession,
	}, nil
}

// NewSecret returns a random value for a state or a nonce: 32 random
// bytes, 43 characters (ProConnect asks for at least 32).
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// MinSecretLength is the shortest state or nonce accepted back.
const MinSecretLength = 32

// AuthURL returns where to send the browser to sign in, with the state
// and the nonce to find again on return.
func (c *Client) AuthURL(ctx context.Context, state, nonce string) (string, error) {
	d, err := c.provider(ctx)
	if err != nil {
		return "", err
	}
	// ProConnect refuses any parameter it does not know: only the
	// protocol's own, and acr_values when asked for.
	opts := []oauth2.AuthCodeOption{oidc.Nonce(nonce)}
	if len(c.cfg.ACRValues) > 0 {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", strings.Join(c.cfg.ACRValues, " ")))
	}
	return d.oauth.AuthCodeURL(state, opts...), nil
}

// Identity is a person as the provider vouches for them, after every check.
type Identity struct {
	// Issuer and Subject identify the person at the provider; ProConnect
	// gives one subject per pair of service and identity provider.
	Issuer  string
	Subject string
	// Email is lower-cased; it links a first sign-in to an existing account.
	Email     string
	GivenName string
	UsualName string
	// SIRET is the person's establishment (14 digits), UID their
	// identifier at their identity provider, IdPID that provider.
	SIRET string
	UID   string
	IdPID string
	// IDToken is the raw ID token, kept with the session to end the
	// provider's session at logout (id_token_hint).
	IDToken string
}

// Name is the person's name as accounts show it: given name then usual
// name, or the e-mail address when the provider gave neither.
func (id Identity) Name() string {
	return displayName(id.GivenName, id.UsualName, id.Email)
}

func displayName(given, usual, email string) string {
	n := strings.Join(strings.Fields(given+" "+usual), " ")
	if n == "" {
		n, _, _ = strings.Cut(email, "@")
	}
	if r := []rune(n); len(r) > 120 {
		n = string(r[:120])
	}
	return n
}

// userClaims are ProConnect's claims, from the userinfo answer.
type userClaims struct {
	Subject   string   `json:"sub"`
	Issuer    string   `json:"iss"`
	Audience  audience `json:"aud"`
	Expiry    int64    `json:"exp"`
	Email     string   `json:"email"`
	GivenName string   `json:"given_name"`
	UsualName string   `json:"usual_name"`
	SIRET     string   `json:"siret"`
	UID       string   `json:"uid"`
	IdPID     string   `json:"idp_id"`
}

// audience reads "aud" as a string or a list of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*a = audience{s}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*a = l
	return nil
}

// SignIn finishes a sign-in: it exchanges the code, verifies the ID token
// (signature, issuer, audience, expiry, and the nonce given at the start),
// fetches the userinfo answer and verifies its signature and subject, and
// returns the identity. Every error is a *Failure.
func (c *Client) SignIn(ctx context.Context, code, nonce string) (*Identity, error) {
	d, err := c.provider(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	ctx = oidc.ClientContext(ctx, c.http)
	tok, err := d.oauth.Exchange(ctx, code)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			return nil, refused("token exchange refused", errors.New(re.ErrorCode+" "+re.ErrorDescription))
		}
		return nil, unavailable("token exchange", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, refused("no id_token in the token answer", nil)
	}
	idt, err := d.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, refused("id token", err)
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, refused("id token nonce differs from the one sent", nil)
	}
	if len(c.cfg.ACRValues) > 0 {
		var acr struct {
			ACR string `json:"acr"`
		}
		if err := idt.Claims(&acr); err != nil || !slices.Contains(c.cfg.ACRValues, acr.ACR) {
			return nil, refused("id token acr not among acr_values: "+acr.ACR, err)
		}
	}
	claims, err := c.userinfo(ctx, d, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	if claims.Subject != idt.Subject {
		return nil, refused("userinfo sub differs from the id token's", nil)
	}
	id := &Identity{Issuer: c.cfg.Issuer, Subject: idt.Subject, Email: strings.ToLower(strings.TrimSpace(claims.Email)),
		GivenName: strings.TrimSpace(claims.GivenName), UsualName: strings.TrimSpace(claims.UsualName),
		SIRET: strings.TrimSpace(claims.SIRET), UID: claims.UID, IdPID: claims.IdPID, IDToken: raw}
	if id.Email == "" {
		return nil, refused("userinfo without email", nil)
	}
	return id, nil
}

// maxUserinfo caps the userinfo answer read: a few kilobytes in practice.
const maxUserinfo = 1 << 20

// userinfo fetches the userinfo answer, which must be a JWT signed with
// the provider's keys: ProConnect's is, and an unsigned answer could have
// been altered on its way.
func (c *Client) userinfo(ctx context.Context, d *discovered, accessToken string) (*userClaims, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.userinfo, nil)
	if err != nil {
		return nil, unavailable("userinfo request", err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/jwt")
	res, err := c.http.Do(req)
	if err != nil {
		return nil, unavailable("userinfo", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxUserinfo))
	if err != nil {
		return nil, unavailable("userinfo", err)
	}
	if res.StatusCode != http.StatusOK {
		if res.StatusCode >= 500 {
			return nil, unavailable(fmt.Sprintf("userinfo status %d", res.StatusCode), nil)
		}
		return nil, refused(fmt.Sprintf("userinfo status %d", res.StatusCode), nil)
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt != "application/jwt" {
		return nil, refused("userinfo is not a signed JWT (Content-Type "+mt+")", nil)
	}
	jwt := strings.TrimSpace(string(body))
	if alg := jwtAlg(jwt); !slices.Contains(SigningAlgs, alg) {
		return nil, refused("userinfo signed with "+alg+", not RS256 or ES256", nil)
	}
	payload, err := d.keys.VerifySignature(ctx, jwt)
	if err != nil {
		return nil, refused("userinfo signature", err)
	}
	var uc userClaims
	if err := json.Unmarshal(payload, &uc); err != nil {
		return nil, refused("userinfo claims", err)
	}
	// A signed answer may carry its issuer, audience and expiry; when it
	// does, they must be ours.
	if uc.Issuer != "" && uc.Issuer != c.cfg.Issuer {
		return nil, refused("userinfo issued by "+uc.Issuer, nil)
	}
	if len(uc.Audience) > 0 && !slices.Contains(uc.Audience, c.cfg.ClientID) {
		return nil, refused("userinfo meant for another client", nil)
	}
	if uc.Expiry != 0 && c.cfg.Now().After(time.Unix(uc.Expiry, 0)) {
		return nil, refused("userinfo expired", nil)
	}
	return &uc, nil
}

// jwtAlg returns the "alg" of a compact JWS's header, or "" when it has none.
func jwtAlg(jwt string) string {
	head, _, ok := strings.Cut(jwt, ".")
	if !ok {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return ""
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(b, &h) != nil {
		return ""
	}
	return h.Alg
}

// LogoutURL returns where to send the browser to end the provider's
// session too: its end-session endpoint with the ID token as hint, a state
// it sends back, and where to come back. It returns "" when the provider
// has no end-session endpoint, or does not answer now (the local session
// ends all the same).
func (c *Client) LogoutURL(ctx context.Context, idToken, state, postLogout string) (string, error) {
	d, err := c.provider(ctx)
	if err != nil {
		return "", err
	}
	if d.endSession == "" || idToken == "" {
		return "", nil
	}
	u, err := url.Parse(d.endSession)
	if err != nil {
		return "", unavailable("end_session_endpoint", err)
	}
	q := u.Query()
	q.Set("id_token_hint", idToken)
	q.Set("state", state)
	q.Set("post_logout_redirect_uri", postLogout)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
