package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/sso"
	"ctg/internal/store"
)

// The single sign-on's own paths: the callback registered at the provider
// (--oidc-redirect-url must end with it) and the return after its logout.
const (
	ssoCallbackPath   = "/connexion/oidc/retour"
	ssoPostLogoutPath = "/deconnexion/retour"
	// ssoCookie holds the state of the sign-in under way, so that the
	// return is taken only in the browser that left: without it, someone
	// could send a victim the return link of their own sign-in and have
	// them work under the wrong account.
	ssoCookie = "ctg_oidc"
)

// checkSSOConfig refuses a callback URL that ctg does not serve, with a
// French message for the command line.
func checkSSOConfig(c *sso.Client) error {
	u, err := url.Parse(c.RedirectURL())
	if err != nil || u.Path != ssoCallbackPath {
		return app.Errorf(app.EInvalid, "--oidc-redirect-url doit se terminer par %s, l'adresse où ctg reçoit le retour du fournisseur d'identité.", ssoCallbackPath)
	}
	return nil
}

// ssoData is what the page of the single sign-on shows, one of its kinds.
type ssoData struct {
	// Kind: "pending" (the request is with an administrator), "refused"
	// (it was refused), "error", "off" (not configured), "logout" (on the
	// way to the provider's logout).
	Kind    string
	Message string
	// LogoutURL is the provider's end-session address, for "logout".
	LogoutURL string
}

func (s *Server) renderSSO(w http.ResponseWriter, r *http.Request, status int, title string, d ssoData) error {
	return s.renderStatus(w, r, status, "sso", title, "login", d)
}

// ssoOff answers the routes of the single sign-on when it is not set up.
func (s *Server) ssoOff(w http.ResponseWriter, r *http.Request) error {
	return s.renderSSO(w, r, http.StatusNotFound, "Connexion unique indisponible", ssoData{Kind: "off"})
}

// ssoStart sends the browser to the provider, with a state and a nonce
// kept in the database (any server may take the return) and the state in
// a cookie of this browser.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if s.sso == nil {
		return s.ssoOff(w, r)
	}
	next := nextTarget(r.URL.Query().Get("suite"))
	if account.UserFrom(r.Context()) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	state, nonce := sso.NewSecret(), sso.NewSecret()
	to, err := s.sso.AuthURL(r.Context(), state, nonce)
	if err != nil {
		return s.ssoFailed(w, r, err)
	}
	if err := s.db.BeginSSO(r.Context(), store.SSOLogin, state, nonce, next); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: state, Path: "/connexion/oidc", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sso.StateTTL.Seconds())})
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ssoCallback takes the browser back from the provider: the state must be
// this browser's and unused, then the sso package checks the tokens and
// the store finds (or links, or asks for) the account.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if s.sso == nil {
		return s.ssoOff(w, r)
	}
	q := r.URL.Query()
	state := q.Get("state")
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: "/connexion/oidc", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	if code := q.Get("error"); code != "" {
		// The person cancelled, or the provider refused: the state is
		// spent all the same.
		if len(state) >= sso.MinSecretLength {
			_, _, _ = s.db.TakeSSO(r.Context(), store.SSOLogin, state)
		}
		s.log.Info("sso sign-in refused by the provider", "request_id", requestID(r.Context()), "error", code)
		return s.renderSSO(w, r, http.StatusUnauthorized, "Connexion impossible", ssoData{Kind: "error",
			Message: "Le fournisseur d'identité n'a pas confirmé votre identité : la connexion a été annulée ou refusée."})
	}
	c, err := r.Cookie(ssoCookie)
	if len(state) < sso.MinSecretLength || err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		s.log.Warn("sso return refused: state missing or not this browser's", "request_id", requestID(r.Context()))
		return s.renderSSO(w, r, http.StatusBadRequest, "Connexion impossible", ssoData{Kind: "error", Message: store.ErrSSOState.Message})
	}
	nonce, next, err := s.db.TakeSSO(r.Context(), store.SSOLogin, state)
	if err != nil {
		if err == store.ErrSSOState {
			s.log.Warn("sso return refused: state unknown, used or expired", "request_id", requestID(r.Context()))
			return s.renderSSO(w, r, http.StatusBadRequest, "Connexion impossible", ssoData{Kind: "error", Message: store.ErrSSOState.Message})
		}
		return err
	}
	id, err := s.sso.SignIn(r.Context(), q.Get("code"), nonce)
	if err != nil {
		return s.ssoFailed(w, r, err)
	}
	out, err := s.db.SignInSSO(r.Context(), id, s.ttl)
	if err != nil {
		if app.ErrorCode(err) == app.EForbidden {
			return s.renderSSO(w, r, http.StatusForbidden, "Connexion impossible", ssoData{Kind: "error", Message: app.ErrorMessage(err)})
		}
		return err
	}
	if out.Request != nil {
		to := "/connexion/oidc/demande"
		if out.Request.Status == sso.StatusRefused {
			to += "?statut=refusee"
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	s.setSession(w, out.Secret)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// ssoFailed logs a failure of the provider's steps once, without tokens,
// and shows a French page: the provider is down, or its answer was refused.
func (s *Server) ssoFailed(w http.ResponseWriter, r *http.Request, err error) error {
	var f *sso.Failure
	if !errors.As(err, &f) {
		return err
	}
	s.log.Warn("sso sign-in failed", "request_id", requestID(r.Context()), "unavailable", f.Unavailable, "reason", f.Reason, "err", f.Err)
	if f.Unavailable {
		return s.renderSSO(w, r, http.StatusServiceUnavailable, "Fournisseur d'identité indisponible", ssoData{Kind: "error",
			Message: "Le fournisseur d'identité ne répond pas pour le moment. Réessayez dans quelques minutes, ou connectez-vous avec votre adresse électronique et votre mot de passe si vous en avez un."})
	}
	return s.renderSSO(w, r, http.StatusBadRequest, "Connexion impossible", ssoData{Kind: "error",
		Message: "La réponse du fournisseur d'identité n'a pas pu être vérifiée : la connexion est refusée par précaution. Recommencez depuis la page de connexion."})
}

// ssoRequestPage tells a person whose access request waits for an
// administrator, or was refused, what happens next.
func (s *Server) ssoRequestPage(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Get("statut") == "refusee" {
		return s.renderSSO(w, r, http.StatusForbidden, "Accès refusé", ssoData{Kind: "refused"})
	}
	return s.renderSSO(w, r, http.StatusOK, "Demande d'accès transmise", ssoData{Kind: "pending"})
}

// ssoLogoutURL returns, for a session opened through the provider, where
// to end the provider's session too (with a state kept for the return),
// or "" for any other session or when the provider cannot be reached: the
// local session ends all the same.
func (s *Server) ssoLogoutURL(r *http.Request, secret string) string {
	if s.sso == nil {
		return ""
	}
	issuer, idToken, err := s.db.SSOSession(r.Context(), secret)
	if err != nil || idToken == "" || issuer != s.sso.Issuer() {
		if err != nil {
			s.log.Warn("sso logout: session not read", "request_id", requestID(r.Context()), "err", err)
		}
		return ""
	}
	back, err := url.Parse(s.sso.RedirectURL())
	if err != nil {
		return ""
	}
	back.Path, back.RawQuery = ssoPostLogoutPath, ""
	state := sso.NewSecret()
	to, err := s.sso.LogoutURL(r.Context(), idToken, state, back.String())
	if err != nil || to == "" {
		if err != nil {
			s.log.Warn("sso logout: provider not reached, local sign-out only", "request_id", requestID(r.Context()), "err", err)
		}
		return ""
	}
	if err := s.db.BeginSSO(r.Context(), store.SSOLogout, state, "", ""); err != nil {
		s.log.Warn("sso logout: state not kept, local sign-out only", "request_id", requestID(r.Context()), "err", err)
		return ""
	}
	return to
}

// ssoLeave sends the browser on to the provider's logout. Not with a
// redirect: the sign-out is a form, and the Content-Security-Policy's
// form-action 'self' makes browsers refuse a form's redirect to another
// site (and to the identity providers the federation sends on to). A page
// that refreshes to the address is a navigation of its own, and its link
// serves where refresh is off.
func (s *Server) ssoLeave(w http.ResponseWriter, r *http.Request, to string) error {
	w.Header().Set("Refresh", "0; url="+to)
	// The session is gone: the page is shown signed out.
	r = r.WithContext(account.WithUser(r.Context(), nil))
	return s.renderSSO(w, r, http.StatusOK, "Déconnexion", ssoData{Kind: "logout", LogoutURL: to})
}

// ssoLoggedOut takes the browser back from the provider's logout; the
// state must be one this server sent. Either way the person is signed out.
func (s *Server) ssoLoggedOut(w http.ResponseWriter, r *http.Request) error {
	state := r.URL.Query().Get("state")
	if len(state) < sso.MinSecretLength {
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return nil
	}
	if _, _, err := s.db.TakeSSO(r.Context(), store.SSOLogout, state); err != nil {
		if err != store.ErrSSOState {
			return err
		}
		s.log.Info("sso logout return with an unknown state", "request_id", requestID(r.Context()))
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return nil
	}
	return s.redirectFlash(w, r, "/connexion", "signedout")
}
