package web

import (
	"net/http"
	"net/url"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
)

type signInData struct {
	Email string
	Next  string
	Error string
	// The demonstration's login, shown when the data are fictitious.
	DemoEmail, DemoPassword string
	// SSO is the text of the single sign-on's button; no button when empty.
	SSO string
}

// ssoLabel is the text of the single sign-on's button, "" when it is off.
func (s *Server) ssoLabel() string {
	if s.sso == nil {
		return ""
	}
	return s.sso.Label()
}

// nextTarget keeps a post-sign-in redirect on this site.
func nextTarget(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return "/"
	}
	if u, err := url.Parse(s); err != nil || u.Host != "" {
		return "/"
	}
	return s
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	next := nextTarget(r.URL.Query().Get("suite"))
	if account.UserFrom(r.Context()) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, "signin", "Connexion", "login", signInData{Next: next, DemoEmail: s.demoEmail, DemoPassword: s.demoPassword, SSO: s.ssoLabel()})
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	d := signInData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: nextTarget(r.PostFormValue("suite")),
		DemoEmail: s.demoEmail, DemoPassword: s.demoPassword, SSO: s.ssoLabel()}
	if d.Email == "" || r.PostFormValue("password") == "" {
		d.Error = "Saisissez votre adresse électronique et votre mot de passe."
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "signin", "Connexion", "login", d)
	}
	_, secret, err := s.db.SignIn(r.Context(), d.Email, r.PostFormValue("password"), s.ttl)
	if err != nil {
		code := app.ErrorCode(err)
		if code != app.EUnauthenticated && code != app.ETooManyRequests {
			return err
		}
		d.Error = app.ErrorMessage(err)
		return s.renderStatus(w, r, statusFor(code), "signin", "Connexion", "login", d)
	}
	s.setSession(w, secret)
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	// A session opened through the provider ends there too (page_sso.go).
	var provider string
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		provider = s.ssoLogoutURL(r, c.Value)
		if err := s.db.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSession(w)
	if provider != "" {
		return s.ssoLeave(w, r, provider)
	}
	return s.redirectFlash(w, r, "/connexion", "signedout")
}
