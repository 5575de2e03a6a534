package cli

import (
	"context"
	"log/slog"

	"ctg/internal/sso"
)

// ssoFlags are serve's flags of the single sign-on.
type ssoFlags struct {
	issuer, clientID, secret, redirect, label, scopes, acr *string
}

func newSSOFlags(f *flags) *ssoFlags {
	return &ssoFlags{
		issuer:   f.String("oidc-issuer", "", "émetteur OpenID Connect de la connexion unique, par exemple https://auth.agentconnect.gouv.fr/api/v2 (sans : connexion unique désactivée)"),
		clientID: f.String("oidc-client-id", "", "identifiant de ctg auprès du fournisseur d'identité"),
		secret:   f.String("oidc-client-secret", "", "secret de ctg auprès du fournisseur d'identité (de préférence par CTG_OIDC_CLIENT_SECRET)"),
		redirect: f.String("oidc-redirect-url", "", "adresse publique du retour, par exemple https://ctg.example.fr/connexion/oidc/retour"),
		label:    f.String("oidc-label", sso.DefaultLabel, "texte du bouton de connexion unique"),
		scopes:   f.String("oidc-scopes", "openid email given_name usual_name siret", "scopes demandés, séparés par des espaces"),
		acr:      f.String("oidc-acr-values", "", "niveaux d'authentification exigés (acr_values), séparés par des espaces ; sans : aucun"),
	}
}

// config checks the flags and returns the configuration (off when no
// setting was given), or a French usage error.
func (sf *ssoFlags) config() (sso.Config, error) {
	c := sso.Config{Issuer: *sf.issuer, ClientID: *sf.clientID, ClientSecret: *sf.secret, RedirectURL: *sf.redirect,
		Label: *sf.label, Scopes: sso.ParseList(*sf.scopes), ACRValues: sso.ParseList(*sf.acr)}
	if !c.Enabled() {
		return sso.Config{}, nil
	}
	if p := c.Problem(); p != "" {
		return c, usageError{p}
	}
	return c, nil
}

// newSSO makes the single sign-on's client, nil when it is off.
func newSSO(cfg sso.Config) (*sso.Client, error) {
	if !cfg.Enabled() {
		return nil, nil
	}
	c, err := sso.New(cfg)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return c, nil
}

// discoverSSO fetches the provider's discovery document, within the
// client's timeout, once the server has accepted the settings. A provider
// down at start is logged and tried again at the first sign-in: ctg
// serves all the same, with passwords.
func discoverSSO(ctx context.Context, c *sso.Client, log *slog.Logger) {
	if c == nil {
		return
	}
	if err := c.Discover(ctx); err != nil {
		log.Warn("single sign-on: the provider does not answer; tried again at the first sign-in", "issuer", c.Issuer(), "err", err)
		return
	}
	log.Info("single sign-on ready", "issuer", c.Issuer())
}
