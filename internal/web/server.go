// Package web serves ctg over HTTP: the French pages under / and the JSON
// API under /api/v1, over the same domain and store.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"ctg/internal/account"
	"ctg/internal/metrics"
	"ctg/internal/sso"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// Config is what the server needs from the outside.
type Config struct {
	DB  *store.DB
	Ref *territory.Ref
	Log *slog.Logger
	// Demo shows the banner saying the data are fictitious.
	Demo bool
	// DemoLogin is shown on the sign-in page of a demonstration.
	DemoEmail, DemoPassword string
	// SecureCookies sets the Secure flag on cookies (behind HTTPS).
	SecureCookies bool
	// SessionTTL is how long a session lasts; 12 hours when zero.
	SessionTTL time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// PublicRate is how many public-form submissions one source address
	// may send per minute; 0 for no limit.
	PublicRate int
	// TrustedProxies are the load balancers and reverse proxies whose
	// X-Forwarded-For names the client (see clientAddress).
	TrustedProxies []netip.Prefix
	// SSO signs people in through an OpenID Connect provider (page_sso.go);
	// off when nil.
	SSO *sso.Client
	// Metrics counts requests and background jobs; a registry of its own
	// when nil.
	Metrics *metrics.Registry
	// AccessLog logs every request at Info (one line each, for JSON
	// logs); otherwise at Debug.
	AccessLog bool
}

// Server holds what handlers share. It keeps no state that a second server
// would need: sessions, throttling and history are in the database.
type Server struct {
	db                      *store.DB
	ref                     *territory.Ref
	log                     *slog.Logger
	demo                    bool
	demoEmail, demoPassword string
	secure                  bool
	ttl                     time.Duration
	now                     func() time.Time
	tmpl                    *templates
	publicRate              int
	trustedProxies          []netip.Prefix
	// sso is the single sign-on's client; nil when it is off.
	sso *sso.Client
	// qtmpl are the pages of the public form, in a layout of their own.
	qtmpl map[string]*template.Template
	// qwrite queues the public form's writes on SQLite (see
	// addPublicResponse); qcache keeps the blank forms (see blankForm).
	qwrite  sync.Mutex
	qcache  sync.Map
	qcached atomic.Int64
	// bg counts the background work started by requests (imports), so that
	// a shutdown waits for it after the HTTP server has stopped.
	bg sync.WaitGroup
	// metrics counts requests and jobs; accessLog puts request lines at
	// Info (health.go, middleware.go).
	metrics   *metrics.Registry
	accessLog bool
	// started is set once the server accepts requests; draining from the
	// moment it is asked to stop (see readyz).
	started, draining atomic.Bool
}

// New builds a Server and parses every template; a template error stops here.
func New(cfg Config) (*Server, error) {
	s := &Server{db: cfg.DB, ref: cfg.Ref, log: cfg.Log, demo: cfg.Demo, demoEmail: cfg.DemoEmail, demoPassword: cfg.DemoPassword, secure: cfg.SecureCookies, ttl: cfg.SessionTTL, now: cfg.Now, publicRate: cfg.PublicRate, trustedProxies: cfg.TrustedProxies,
		metrics: cfg.Metrics, accessLog: cfg.AccessLog}
	if s.metrics == nil {
		s.metrics = metrics.New(metrics.ReadBuild())
	}
	s.metrics.Jobs.Register(importJob)
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.ttl == 0 {
		s.ttl = 12 * time.Hour
	}
	if s.now == nil {
		s.now = time.Now
	}
	if cfg.SSO != nil {
		if err := checkSSOConfig(cfg.SSO); err != nil {
			return nil, err
		}
		s.sso = cfg.SSO
	}
	t, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s.tmpl = t
	if s.qtmpl, err = parsePublicTemplates(); err != nil {
		return nil, err
	}
	return s, nil
}

// handler is what every route is written as: it returns an error that one
// place turns into a page or a JSON body.
type handler func(w http.ResponseWriter, r *http.Request) error

// page adapts a handler of an HTML page: it needs a signed-in user.
func (s *Server) page(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if account.UserFrom(r.Context()) == nil {
			http.Redirect(w, r, "/connexion?suite="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if err := h(w, r); err != nil {
			s.pageError(w, r, err)
		}
	})
}

// public adapts a handler of a page that needs no sign-in.
func (s *Server) public(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.pageError(w, r, err)
		}
	})
}

// api adapts a handler of the JSON API: it needs a user, from a bearer
// token or the session cookie.
func (s *Server) api(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if account.UserFrom(r.Context()) == nil {
			s.apiError(w, r, errUnauthenticated)
			return
		}
		if err := h(w, r); err != nil {
			s.apiError(w, r, err)
		}
	})
}

func (s *Server) today() string {
	t := s.now()
	if s.db != nil && s.db.Now != nil {
		t = s.db.Now()
	}
	return todayOf(t)
}

// Go runs fn in the background, owned by the server: Wait waits for it.
func (s *Server) Go(fn func()) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		fn()
	}()
}

// Wait waits for the background work to end, or for ctx to be done.
func (s *Server) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.bg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Ready reports whether the database answers.
func (s *Server) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return s.db.Ping(ctx)
}
