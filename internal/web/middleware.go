package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
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
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests gives each request an id and logs it when done; a panic is
// logged and answered 500 without showing its text.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		r = r.WithContext(context.WithValue(r.Context(), ridKey{}, id))
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "request_id", id, "path", r.URL.Path, "panic", p)
				if sw.status == 0 {
					http.Error(sw, "Erreur interne.", http.StatusInternalServerError)
				}
			}
			s.log.Debug("request", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start))
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
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if ok {
				u, _ = s.db.TokenUser(r.Context(), strings.TrimSpace(secret))
			}
			if u == nil {
				if strings.HasPrefix(r.URL.Path, "/api/") {
					s.apiError(w, r, app.Errorf(app.EUnauthenticated, "Jeton d'API invalide ou révoqué."))
					return
				}
			}
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			u, _ = s.db.SessionUser(r.Context(), c.Value)
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
