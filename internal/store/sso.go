package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/sso"
)

// Purposes of a state kept while the browser is at the provider.
const (
	SSOLogin  = "login"
	SSOLogout = "logout"
)

// ErrSSOState is returned for a state that is unknown, already used,
// expired or of another purpose: the four look alike from outside.
var ErrSSOState = &app.Error{Code: app.EInvalid, Message: "Ce lien de connexion a expiré ou a déjà servi. Recommencez depuis la page de connexion."}

// BeginSSO keeps a sign-in (SSOLogin, with its nonce and the page to show
// after it) or a sign-out (SSOLogout) under way at the provider, for
// sso.StateTTL, under the hash of its state. Expired states are deleted
// on the way.
func (db *DB) BeginSSO(ctx context.Context, purpose, state, nonce, next string) error {
	now := db.Now()
	return db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `DELETE FROM sso_states WHERE expires_at < ?`, now.Unix()); err != nil {
			return fmt.Errorf("store.BeginSSO: %w", err)
		}
		if _, err := exec(ctx, t, `INSERT INTO sso_states (state_hash, purpose, nonce, next, expires_at) VALUES (?, ?, ?, ?, ?)`,
			account.HashSecret(state), purpose, nonce, next, now.Add(sso.StateTTL).Unix()); err != nil {
			return fmt.Errorf("store.BeginSSO: %w", err)
		}
		return nil
	})
}

// TakeSSO takes back a state kept by BeginSSO, once: the row is deleted
// by the first taker, so that a replayed return finds nothing. It returns
// the nonce and the page to show next, or ErrSSOState.
func (db *DB) TakeSSO(ctx context.Context, purpose, state string) (nonce, next string, err error) {
	var row struct {
		Purpose string `db:"purpose"`
		Nonce   string `db:"nonce"`
		Next    string `db:"next"`
		Expires int64  `db:"expires_at"`
	}
	hash := account.HashSecret(state)
	err = db.Transact(ctx, func(t *tx) error {
		if err := get(ctx, t, &row, `SELECT purpose, nonce, next, expires_at FROM sso_states WHERE state_hash = ?`, hash); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrSSOState
			}
			return fmt.Errorf("store.TakeSSO: %w", err)
		}
		res, err := exec(ctx, t, `DELETE FROM sso_states WHERE state_hash = ?`, hash)
		if err != nil {
			return fmt.Errorf("store.TakeSSO: %w", err)
		}
		// Two returns at once: only the one that deleted the row goes on.
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrSSOState
		}
		return nil
	})
	if err != nil {
		return "", "", err
	}
	if row.Purpose != purpose || db.Now().Unix() > row.Expires {
		return "", "", ErrSSOState
	}
	return row.Nonce, row.Next, nil
}

// ErrSSODisabled is returned when the account the identity leads to is
// disabled.
var ErrSSODisabled = &app.Error{Code: app.EForbidden, Message: "Votre compte ctg est désactivé. Adressez-vous à un administrateur de ctg."}

// SignInSSO signs in a person the provider vouched for. Their identity
// (issuer, subject) leads to their account; at a first sign-in, an active
// account with the same e-mail address is linked to the identity (and the
// link recorded in the history); otherwise an access request waits for an
// administrator, or the refusal of the last one is returned. A signed-in
// person gets a new session valid for ttl, which keeps the ID token for
// the logout.
func (db *DB) SignInSSO(ctx context.Context, id *sso.Identity, ttl time.Duration) (*sso.Outcome, error) {
	now := db.Now()
	out := &sso.Outcome{}
	var userID string
	err := db.Transact(ctx, func(t *tx) error {
		var known struct {
			ID       string `db:"id"`
			Disabled bool   `db:"disabled"`
		}
		err := get(ctx, t, &known, `SELECT u.id, u.disabled FROM sso_identities i JOIN users u ON u.id = i.user_id WHERE i.issuer = ? AND i.subject = ?`,
			id.Issuer, id.Subject)
		switch {
		case err == nil:
			if known.Disabled {
				return ErrSSODisabled
			}
			if _, err := exec(ctx, t, `UPDATE sso_identities SET email = ?, siret = ?, last_seen_at = ? WHERE issuer = ? AND subject = ?`,
				id.Email, id.SIRET, now, id.Issuer, id.Subject); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		default:
			err = get(ctx, t, &known, `SELECT id, disabled FROM users WHERE email = ?`, id.Email)
			if errors.Is(err, sql.ErrNoRows) {
				out.Request, err = db.requestAccess(ctx, t, id)
				return err
			}
			if err != nil {
				return err
			}
			if known.Disabled {
				return ErrSSODisabled
			}
			if err := db.linkIdentity(ctx, t, id, known.ID); err != nil {
				return err
			}
			out.Linked = true
		}
		userID = known.ID
		out.Secret, err = db.newSession(ctx, t, userID, ttl)
		if err != nil {
			return err
		}
		_, err = exec(ctx, t, `INSERT INTO sso_sessions (token_hash, issuer, id_token) VALUES (?, ?, ?)`,
			account.HashSecret(out.Secret), id.Issuer, id.IDToken)
		return err
	})
	if err != nil {
		if app.ErrorCode(err) == app.EInternal {
			return nil, fmt.Errorf("store.SignInSSO: %w", err)
		}
		return nil, err
	}
	if out.Request != nil {
		return out, nil
	}
	if out.User, err = db.User(ctx, userID); err != nil {
		return nil, err
	}
	return out, nil
}

// linkIdentity ties an identity to an existing account, closes the
// identity's pending request if any, and records the link as the
// account's own act.
func (db *DB) linkIdentity(ctx context.Context, t *tx, id *sso.Identity, userID string) error {
	now := db.Now()
	if _, err := exec(ctx, t, `INSERT INTO sso_identities (issuer, subject, user_id, email, siret, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id.Issuer, id.Subject, userID, id.Email, id.SIRET, now, now); err != nil {
		return err
	}
	if _, err := exec(ctx, t, `UPDATE sso_requests SET status = ?, user_id = ?, updated_at = ?, decided_by = ? WHERE issuer = ? AND subject = ? AND status = ?`,
		sso.StatusApproved, userID, now, "adresse électronique déjà connue", id.Issuer, id.Subject, sso.StatusPending); err != nil {
		return err
	}
	var u account.User
	if err := get(ctx, t, &u, `SELECT id, name FROM users WHERE id = ?`, userID); err != nil {
		return err
	}
	return db.record(ctx, t, "", &u, "user.sso_link", userID, map[string]any{"issuer": id.Issuer, "email": id.Email, "siret": id.SIRET, "idp": id.IdPID})
}

const ssoRequestColumns = `r.id, r.issuer, r.subject, r.email, r.given_name, r.usual_name, r.siret, r.idp_id, r.status,
	r.created_at, r.updated_at, r.decided_by, COALESCE(r.user_id, '') AS user_id`

// requestAccess records or refreshes the access request of an identity
// that no account matched, unless its last request was refused.
func (db *DB) requestAccess(ctx context.Context, t *tx, id *sso.Identity) (*sso.Request, error) {
	now := db.Now()
	var last sso.Request
	err := get(ctx, t, &last, `SELECT `+ssoRequestColumns+` FROM sso_requests r WHERE r.issuer = ? AND r.subject = ? ORDER BY r.created_at DESC LIMIT 1`,
		id.Issuer, id.Subject)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	switch last.Status {
	case sso.StatusRefused:
		return &last, nil
	case sso.StatusPending:
		// The provider's latest word on the person replaces the older one.
		if _, err := exec(ctx, t, `UPDATE sso_requests SET email = ?, given_name = ?, usual_name = ?, siret = ?, idp_id = ?, updated_at = ? WHERE id = ?`,
			id.Email, id.GivenName, id.UsualName, id.SIRET, id.IdPID, now, last.ID); err != nil {
			return nil, err
		}
		last.Email, last.GivenName, last.UsualName, last.SIRET, last.IdPID, last.UpdatedAt = id.Email, id.GivenName, id.UsualName, id.SIRET, id.IdPID, now
		return &last, nil
	}
	r := &sso.Request{ID: account.NewID(), Issuer: id.Issuer, Subject: id.Subject, Email: id.Email, GivenName: id.GivenName,
		UsualName: id.UsualName, SIRET: id.SIRET, IdPID: id.IdPID, Status: sso.StatusPending, CreatedAt: now, UpdatedAt: now}
	if _, err := exec(ctx, t, `INSERT INTO sso_requests (id, issuer, subject, email, given_name, usual_name, siret, idp_id, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Issuer, r.Subject, r.Email, r.GivenName, r.UsualName, r.SIRET, r.IdPID, r.Status, now, now); err != nil {
		return nil, err
	}
	// The history names the person as the provider does: they have no
	// account yet.
	by := &account.User{Name: r.Name() + " (connexion unique)"}
	return r, db.record(ctx, t, "", by, "sso_request.create", r.ID, map[string]any{"issuer": r.Issuer, "email": r.Email,
		"given_name": r.GivenName, "usual_name": r.UsualName, "siret": r.SIRET, "idp": r.IdPID})
}

// newSession opens a session for the user in t and returns its secret;
// expired sessions are deleted on the way, as at a password sign-in.
func (db *DB) newSession(ctx context.Context, t *tx, userID string, ttl time.Duration) (string, error) {
	now := db.Now()
	secret, hashed := account.NewSecret("s_")
	if _, err := exec(ctx, t, `DELETE FROM sessions WHERE expires_at < ?`, now.Unix()); err != nil {
		return "", err
	}
	_, err := exec(ctx, t, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hashed, userID, now, now.Add(ttl).Unix())
	return secret, err
}

// SSOSession returns the issuer and the ID token of a session opened
// through the provider, or empty strings for any other session.
func (db *DB) SSOSession(ctx context.Context, secret string) (issuer, idToken string, err error) {
	var row struct {
		Issuer  string `db:"issuer"`
		IDToken string `db:"id_token"`
	}
	err = get(ctx, db.x, &row, `SELECT issuer, id_token FROM sso_sessions WHERE token_hash = ?`, account.HashSecret(secret))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("store.SSOSession: %w", err)
	}
	return row.Issuer, row.IDToken, nil
}

// SSORequests lists the pending access requests, oldest first, each with
// the partner organisation its SIRET suggests (an intercommunalité whose
// SIREN it starts with).
func (db *DB) SSORequests(ctx context.Context) ([]sso.Request, error) {
	var out []sso.Request
	err := sel(ctx, db.x, &out, `SELECT `+ssoRequestColumns+`,
		COALESCE((SELECT MIN(o.id) FROM organisations o WHERE o.kind = 'epci' AND o.territory <> '' AND o.territory = SUBSTR(r.siret, 1, 9)), '') AS suggested_org
		FROM sso_requests r WHERE r.status = ? ORDER BY r.created_at, r.id`, sso.StatusPending)
	if err != nil {
		return nil, fmt.Errorf("store.SSORequests: %w", mapError(err))
	}
	return out, nil
}

// errRequestDecided is returned for a request already approved or refused.
var errRequestDecided = &app.Error{Code: app.EConflict, Message: "Cette demande d'accès a déjà été traitée."}

// pendingRequest reads a request in t, which must still be pending.
func (db *DB) pendingRequest(ctx context.Context, t *tx, id string) (*sso.Request, error) {
	var r sso.Request
	if err := get(ctx, t, &r, `SELECT `+ssoRequestColumns+` FROM sso_requests r WHERE r.id = ?`, id); err != nil {
		return nil, mapError(err)
	}
	if r.Status != sso.StatusPending {
		return nil, errRequestDecided
	}
	return &r, nil
}

// ApproveSSORequest opens the account an access request asks for, in the
// organisation and with the role the administrator chose, linked to the
// identity (it has no password: the person signs in through the
// provider), and records both in the history.
func (db *DB) ApproveSSORequest(ctx context.Context, by *account.User, id string, a sso.Approval) (*account.User, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if _, err := db.Organisation(ctx, a.OrgID); err != nil {
		if app.ErrorCode(err) == app.ENotFound {
			return nil, app.Invalid("Certaines informations sont à corriger.", map[string]string{"org": "Organisation inconnue : " + a.OrgID + "."})
		}
		return nil, err
	}
	now := db.Now()
	userID := account.NewID()
	err := db.Transact(ctx, func(t *tx) error {
		r, err := db.pendingRequest(ctx, t, id)
		if err != nil {
			return err
		}
		var n int
		if err := get(ctx, t, &n, `SELECT COUNT(*) FROM users WHERE email = ?`, r.Email); err != nil {
			return err
		}
		if n > 0 {
			return app.Errorf(app.EConflict, "Un compte existe déjà avec l'adresse %s : la personne y sera reliée à sa prochaine connexion. Refusez cette demande.", r.Email)
		}
		if _, err := exec(ctx, t, `INSERT INTO users (id, email, name, org_id, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, '', ?)`,
			userID, r.Email, r.Name(), a.OrgID, a.Role, now); err != nil {
			return err
		}
		if _, err := exec(ctx, t, `INSERT INTO sso_identities (issuer, subject, user_id, email, siret, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.Issuer, r.Subject, userID, r.Email, r.SIRET, now, now); err != nil {
			return err
		}
		if _, err := exec(ctx, t, `UPDATE sso_requests SET status = ?, user_id = ?, decided_by = ?, updated_at = ? WHERE id = ?`,
			sso.StatusApproved, userID, by.Name, now, r.ID); err != nil {
			return err
		}
		if err := db.record(ctx, t, "", by, "user.create", userID, map[string]any{"email": r.Email, "name": r.Name(),
			"organisation": a.OrgID, "role": a.Role, "sso_issuer": r.Issuer}); err != nil {
			return err
		}
		return db.record(ctx, t, "", by, "sso_request.approve", r.ID, map[string]any{"email": r.Email, "user": userID})
	})
	if err != nil {
		if app.ErrorCode(err) == app.EInternal {
			return nil, fmt.Errorf("store.ApproveSSORequest: %w", err)
		}
		return nil, err
	}
	return db.User(ctx, userID)
}

// RefuseSSORequest refuses an access request and records it in the
// history; the person's next sign-in is told so, and makes no new request.
func (db *DB) RefuseSSORequest(ctx context.Context, by *account.User, id string) error {
	err := db.Transact(ctx, func(t *tx) error {
		r, err := db.pendingRequest(ctx, t, id)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, t, `UPDATE sso_requests SET status = ?, decided_by = ?, updated_at = ? WHERE id = ?`,
			sso.StatusRefused, by.Name, db.Now(), r.ID); err != nil {
			return err
		}
		return db.record(ctx, t, "", by, "sso_request.refuse", r.ID, map[string]any{"email": r.Email})
	})
	if err != nil && app.ErrorCode(err) == app.EInternal {
		return fmt.Errorf("store.RefuseSSORequest: %w", err)
	}
	return err
}
