package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
)

const sessionCookie = "ctg_session"

var errUnauthenticated = app.Errorf(app.EUnauthenticated, "Authentification requise : connectez-vous ou fournissez un jeton d'API (Authorization: Bearer …).")

type ridKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(ridKey{}).(string)
	return id
}

// statusWriter remembers the status and counts the bytes of the answer
// for the access log and the metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// routeKey holds, in a request's context, where the routing leaves the
// pattern that served it (recordPattern), for logRequests to read once the
// answer is written: the layers in between pass copies of the request.
type routeKey struct{}

// recordPattern wraps the routes: it keeps the pattern the mux chose
// ("GET /conventions/{id}"), never the raw path, so that logs and metrics
// group requests by route.
func recordPattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { // a panicking handler keeps its route too
			if p, ok := r.Context().Value(routeKey{}).(*string); ok {
				*p = r.Pattern
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

// wellFormedRequestID accepts an incoming X-Request-Id of 1 to 64
// letters, digits, '-', '_' or '.', such as a UUID or a proxy's id: enough
// to follow a request from the proxy's log to ours, and nothing that
// could forge a line of a text log.
func wellFormedRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// quietRoutes are polled by load balancers and monitors every few
// seconds: their lines stay at Debug even with the access log on.
var quietRoutes = map[string]bool{"GET /healthz": true, "GET /readyz": true}

// logRequests gives each request an id (the incoming X-Request-Id when
// well formed), returns it in the answer, counts the request in the
// metrics and logs one line when it is done: at Info with the access log
// (JSON logs), at Debug otherwise. A panic is logged and answered 500
// without showing its text.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !wellFormedRequestID(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		var route string
		ctx := context.WithValue(context.WithValue(r.Context(), ridKey{}, id), routeKey{}, &route)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "request_id", id, "route", route, "path", r.URL.Path, "panic", p)
				if sw.status == 0 {
					http.Error(sw, "Erreur interne.", http.StatusInternalServerError)
				}
			}
			d := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK // what net/http sends for an empty answer
			}
			s.metrics.ObserveRequest(route, r.Method, status, d)
			level := slog.LevelDebug
			if s.accessLog && !quietRoutes[route] {
				level = slog.LevelInfo
			}
			s.log.LogAttrs(ctx, level, "request", slog.String("request_id", id), slog.String("method", r.Method),
				slog.String("route", route), slog.Int("status", status),
				slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.Int64("bytes", sw.bytes))
		}()
		next.ServeHTTP(sw, r)
	})
}

// securityHeaders sets a strict Content-Security-Policy (no inline script
// or style) and the usual hardening headers.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// ownBodyLimit lists the routes that cap their body themselves, with a
// message of their own: an import file may weigh up to 200 Mo, a
// spreadsheet of facilities 20 Mo. A "*" stands for one segment of the
// path, as in path.Match.
var ownBodyLimit = []string{"POST /api/v1/imports", "POST /api/v1/facilities/import", "POST /conventions/*/equipements/import", "POST /imports/nouveau"}

func capsOwnBody(r *http.Request) bool {
	for _, p := range ownBodyLimit {
		if ok, _ := path.Match(p, r.Method+" "+r.URL.Path); ok {
			return true
		}
	}
	return false
}

// limitBodies caps request bodies; handlers that read more get an error.
func limitBodies(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if capsOwnBody(r) {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > max {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": map[string]string{
					"code": app.ETooLarge, "message": "La requête est trop volumineuse."}})
				return
			}
			http.Error(w, "La requête est trop volumineuse.", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// authenticate puts the user of the bearer token or the session cookie, if
// any, in the request context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u *account.User
		var err error
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if ok {
				u, err = s.db.TokenUser(r.Context(), strings.TrimSpace(secret))
			}
			if err != nil && app.ErrorCode(err) != app.ENotFound {
				s.authFailed(w, r, err)
				return
			}
			if u == nil {
				if strings.HasPrefix(r.URL.Path, "/api/") {
					s.apiError(w, r, app.Errorf(app.EUnauthenticated, "Jeton d'API invalide ou révoqué."))
					return
				}
			}
		} else if c, cerr := r.Cookie(sessionCookie); cerr == nil && c.Value != "" {
			u, err = s.db.SessionUser(r.Context(), c.Value)
			if err != nil && app.ErrorCode(err) != app.ENotFound {
				// The database did not answer: the session may be
				// good, so the cookie stays and the user is told to
				// try again rather than signed out.
				s.authFailed(w, r, err)
				return
			}
			if u == nil {
				s.clearSession(w)
			}
		}
		if u != nil {
			r = r.WithContext(account.WithUser(r.Context(), u))
		}
		next.ServeHTTP(w, r)
	})
}

// authFailed answers a request whose credentials could not be checked
// because the database failed, as a page or as JSON.
func (s *Server) authFailed(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiError(w, r, err)
		return
	}
	s.pageError(w, r, err)
}

func (s *Server) setSession(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.ttl.Seconds())})
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return url.QueryEscape(next)
}

func crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeJSON(w, http.StatusForbidden, map[string]any{"error": map[string]string{
				"code": app.EForbidden, "message": "Requête refusée : elle provient d'un autre site."}})
			return
		}
		http.Error(w, "Requête refusée : elle provient d'un autre site.", http.StatusForbidden)
	}))
	return cop.Handler(next)
}
