// Package ssotest is a small OpenID Connect provider for tests, served on
// the loopback by httptest and shaped like ProConnect: a discovery document
// under an issuer with a path (/api/v2), a JWKS with a fresh RSA key, an
// authorization endpoint that signs in the person set beforehand and
// redirects back with a code, a token endpoint that issues a signed ID
// token carrying the nonce, a userinfo endpoint that answers a signed JWT
// (application/jwt), and an end-session endpoint. Faults make it misbehave
// in the ways a client must refuse.
package ssotest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Client credentials the provider knows.
const (
	ClientID     = "ctg-test-client"
	ClientSecret = "ctg-test-secret-0123456789"
)

// User is the person who signs in at the provider, with ProConnect's claims.
type User struct {
	Subject   string
	Email     string
	GivenName string
	UsualName string
	SIRET     string
	UID       string
	IdPID     string
}

// Fault is a way for the provider to misbehave.
type Fault int

// Faults.
const (
	// NoFault: the provider behaves.
	NoFault Fault = iota
	// WrongNonce: the ID token carries a nonce other than the one sent.
	WrongNonce
	// UnsignedUserinfo: userinfo answers plain JSON.
	UnsignedUserinfo
	// NoneUserinfo: userinfo answers a JWT with "alg": "none".
	NoneUserinfo
	// BadlySignedUserinfo: userinfo is signed by a key not in the JWKS.
	BadlySignedUserinfo
	// OtherSubject: userinfo names another subject than the ID token.
	OtherSubject
	// OtherAudience: the ID token is meant for another client.
	OtherAudience
	// ExpiredIDToken: the ID token expired an hour ago.
	ExpiredIDToken
	// BadlySignedIDToken: the ID token is signed by a key not in the JWKS.
	BadlySignedIDToken
)

// Provider is the test provider. Its methods are safe for concurrent use.
type Provider struct {
	srv    *httptest.Server
	issuer string
	key    *rsa.PrivateKey
	other  *rsa.PrivateKey
	kid    string

	mu       sync.Mutex
	user     User
	fault    Fault
	down     bool
	grants   map[string]*grant // by code
	tokens   map[string]*grant // by access token
	idTokens map[string]bool
	authReqs []url.Values
	logouts  []url.Values
}

type grant struct {
	user                 User
	nonce, redirect, acr string
	codeUsed             bool
}

// New starts a provider on the loopback, stopped when the test ends. The
// person who signs in is Anne Martin of the CC Latitude Nord Gironde until
// SetUser says otherwise.
func New(tb testing.TB) *Provider {
	tb.Helper()
	p := &Provider{kid: "key-1", grants: map[string]*grant{}, tokens: map[string]*grant{}, idTokens: map[string]bool{},
		user: User{Subject: "sub-anne-martin", Email: "anne.martin@latitude-nord-gironde.fr", GivenName: "Anne", UsualName: "Martin",
			SIRET: "24330118100016", UID: "amartin", IdPID: "fia1v2"}}
	p.key, p.other = testKeys()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /api/v2/jwks", p.jwks)
	mux.HandleFunc("GET /api/v2/authorize", p.authorize)
	mux.HandleFunc("POST /api/v2/token", p.token)
	mux.HandleFunc("GET /api/v2/userinfo", p.userinfo)
	mux.HandleFunc("GET /api/v2/session/end", p.endSession)
	p.srv = httptest.NewServer(mux)
	p.issuer = p.srv.URL + "/api/v2"
	tb.Cleanup(p.srv.Close)
	return p
}

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.issuer }

// SetUser sets who signs in next.
func (p *Provider) SetUser(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = u
}

// SetFault makes the provider misbehave from now on (NoFault to stop).
func (p *Provider) SetFault(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = f
}

// SetDown makes every endpoint answer 503 (or stop doing so).
func (p *Provider) SetDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
}

// Authorizations returns the queries the authorization endpoint received.
func (p *Provider) Authorizations() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.authReqs)
}

// Logouts returns the queries the end-session endpoint received.
func (p *Provider) Logouts() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.logouts)
}

// Issued reports whether the provider issued this ID token.
func (p *Provider) Issued(idToken string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.idTokens[idToken]
}

func (p *Provider) isDown(w http.ResponseWriter) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}
	return p.down
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	if p.isDown(w) {
		return
	}
	writeJSON(w, map[string]any{
		"issuer":                                p.issuer,
		"authorization_endpoint":                p.issuer + "/authorize",
		"token_endpoint":                        p.issuer + "/token",
		"userinfo_endpoint":                     p.issuer + "/userinfo",
		"jwks_uri":                              p.issuer + "/jwks",
		"end_session_endpoint":                  p.issuer + "/session/end",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"scopes_supported":                      []string{"openid", "email", "given_name", "usual_name", "siret", "uid", "idp_id"},
		"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		"userinfo_signing_alg_values_supported": []string{"RS256", "ES256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	if p.isDown(w) {
		return
	}
	pub := p.key.PublicKey
	writeJSON(w, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": p.kid,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// authParams are the parameters ProConnect accepts at its authorization
// endpoint; any other is an error there, and here.
var authParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "acr_values", "claims", "prompt", "idp_hint", "login_hint"}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	if p.isDown(w) {
		return
	}
	q := r.URL.Query()
	p.mu.Lock()
	p.authReqs = append(p.authReqs, q)
	user := p.user
	p.mu.Unlock()
	for k := range q {
		if !slices.Contains(authParams, k) {
			http.Error(w, "Y000400 : Bad Request Exception (paramètre inconnu "+k+")", http.StatusBadRequest)
			return
		}
	}
	redirect := q.Get("redirect_uri")
	switch {
	case q.Get("response_type") != "code", q.Get("client_id") != ClientID, redirect == "",
		!slices.Contains(strings.Fields(q.Get("scope")), "openid"),
		len(q.Get("state")) < 32, len(q.Get("nonce")) < 32:
		http.Error(w, "Y000400 : Bad Request Exception", http.StatusBadRequest)
		return
	}
	code := random()
	p.mu.Lock()
	p.grants[code] = &grant{user: user, nonce: q.Get("nonce"), redirect: redirect, acr: "eidas1"}
	p.mu.Unlock()
	back, _ := url.Parse(redirect)
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if p.isDown(w) {
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != ClientID || secret != ClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	g := p.grants[r.PostForm.Get("code")]
	if r.PostForm.Get("grant_type") != "authorization_code" || g == nil || g.codeUsed || g.redirect != r.PostForm.Get("redirect_uri") {
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	g.codeUsed = true
	now := time.Now()
	claims := map[string]any{"iss": p.issuer, "sub": g.user.Subject, "aud": ClientID, "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
		"nonce": g.nonce, "acr": g.acr, "amr": []string{"pwd"}, "idp_id": g.user.IdPID}
	key := p.key
	switch p.fault {
	case WrongNonce:
		claims["nonce"] = random()
	case OtherAudience:
		claims["aud"] = "another-client"
	case ExpiredIDToken:
		claims["iat"], claims["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
	case BadlySignedIDToken:
		key = p.other
	}
	idToken := sign(key, p.kid, claims)
	p.idTokens[idToken] = true
	access := random()
	p.tokens[access] = g
	writeJSON(w, map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 60, "id_token": idToken})
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	if p.isDown(w) {
		return
	}
	access, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	p.mu.Lock()
	g := p.tokens[access]
	fault := p.fault
	p.mu.Unlock()
	if !ok || g == nil {
		oauthError(w, http.StatusUnauthorized, "invalid_token")
		return
	}
	u := g.user
	claims := map[string]any{"iss": p.issuer, "aud": ClientID, "sub": u.Subject, "email": u.Email, "given_name": u.GivenName,
		"usual_name": u.UsualName, "siret": u.SIRET, "uid": u.UID, "idp_id": u.IdPID}
	if fault == OtherSubject {
		claims["sub"] = "someone-else"
	}
	var body string
	switch fault {
	case UnsignedUserinfo:
		writeJSON(w, claims)
		return
	case NoneUserinfo:
		body = b64(mustJSON(map[string]string{"alg": "none", "typ": "JWT"})) + "." + b64(mustJSON(claims)) + "."
	case BadlySignedUserinfo:
		body = sign(p.other, p.kid, claims)
	default:
		body = sign(p.key, p.kid, claims)
	}
	w.Header().Set("Content-Type", "application/jwt; charset=utf-8")
	_, _ = w.Write([]byte(body))
}

func (p *Provider) endSession(w http.ResponseWriter, r *http.Request) {
	if p.isDown(w) {
		return
	}
	q := r.URL.Query()
	p.mu.Lock()
	p.logouts = append(p.logouts, q)
	known := p.idTokens[q.Get("id_token_hint")]
	p.mu.Unlock()
	back := q.Get("post_logout_redirect_uri")
	if !known || back == "" || q.Get("state") == "" {
		http.Error(w, "Y000400 : Bad Request Exception", http.StatusBadRequest)
		return
	}
	u, _ := url.Parse(back)
	bq := u.Query()
	bq.Set("state", q.Get("state"))
	u.RawQuery = bq.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// testKeys returns the provider's key and another, unknown to its JWKS:
// fresh in each test process, shared by its providers (a 2048-bit key
// takes a third of a second to make).
var testKeys = sync.OnceValues(func() (*rsa.PrivateKey, *rsa.PrivateKey) {
	return mustKey(), mustKey()
})

func mustKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

// sign returns the compact RS256 JWS of claims.
func sign(key *rsa.PrivateKey, kid string, claims any) string {
	input := b64(mustJSON(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})) + "." + b64(mustJSON(claims))
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return input + "." + b64(sig)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return b64(b)
}
