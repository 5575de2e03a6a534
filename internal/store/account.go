package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/territory"
)

// SeedCAFs makes sure every CAF of the reference exists as an organisation,
// with its current name. It is idempotent and runs at every start.
func (db *DB) SeedCAFs(ctx context.Context, cafs []account.Organisation) error {
	return db.Transact(ctx, func(t *tx) error {
		for _, o := range cafs {
			res, err := exec(ctx, t, `UPDATE organisations SET name = ?, kind = 'caf', territory = ? WHERE id = ?`, o.Name, o.Territory, o.ID)
			if err != nil {
				return fmt.Errorf("store.SeedCAFs: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				if _, err := exec(ctx, t, `INSERT INTO organisations (id, name, kind, territory, created_at) VALUES (?, ?, 'caf', ?, ?)`,
					o.ID, o.Name, o.Territory, db.Now()); err != nil {
					return fmt.Errorf("store.SeedCAFs: %w", err)
				}
			}
		}
		return nil
	})
}

// Organisations lists organisations, of one kind when kind is not empty,
// by kind then name.
func (db *DB) Organisations(ctx context.Context, kind string) ([]account.Organisation, error) {
	var out []account.Organisation
	q := `SELECT id, name, kind, territory, created_at FROM organisations`
	var args []any
	if kind != "" {
		q += ` WHERE kind = ?`
		args = append(args, kind)
	}
	q += ` ORDER BY CASE WHEN kind = 'caf' THEN 0 ELSE 1 END, id`
	if kind != "caf" {
		q = strings.Replace(q, ", id", ", name, id", 1)
	}
	if err := sel(ctx, db.x, &out, q, args...); err != nil {
		return nil, fmt.Errorf("store.Organisations: %w", mapError(err))
	}
	return out, nil
}

// Organisation returns one organisation.
func (db *DB) Organisation(ctx context.Context, id string) (account.Organisation, error) {
	var o account.Organisation
	err := get(ctx, db.x, &o, `SELECT id, name, kind, territory, created_at FROM organisations WHERE id = ?`, id)
	if err != nil {
		return o, fmt.Errorf("store.Organisation: %w", mapError(err))
	}
	return o, nil
}

// CreateOrganisation stores a new organisation; its ID is set here.
func (db *DB) CreateOrganisation(ctx context.Context, o *account.Organisation, by *account.User) error {
	o.ID = "org-" + account.NewID()
	o.CreatedAt = db.Now()
	return db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `INSERT INTO organisations (id, name, kind, territory, created_at) VALUES (?, ?, ?, ?, ?)`,
			o.ID, o.Name, o.Kind, o.Territory, o.CreatedAt); err != nil {
			return fmt.Errorf("store.CreateOrganisation: %w", err)
		}
		return db.record(ctx, t, "", by, "organisation.create", o.ID, map[string]any{"name": o.Name, "kind": o.Kind, "territory": o.Territory})
	})
}

const userColumns = `u.id, u.email, u.name, u.org_id, o.name AS org_name, u.role, u.disabled, u.created_at`

// CreateUser stores a new user with a hashed password.
func (db *DB) CreateUser(ctx context.Context, n account.NewUser, by *account.User) (*account.User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if _, err := db.Organisation(ctx, n.OrgID); err != nil {
		return nil, app.Invalid("Certaines informations sont à corriger.", map[string]string{"org": "Organisation inconnue : " + n.OrgID + "."})
	}
	u := &account.User{ID: account.NewID(), Email: n.Email, Name: n.Name, OrgID: n.OrgID, Role: n.Role, CreatedAt: db.Now()}
	hash := account.HashPassword(n.Password)
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `INSERT INTO users (id, email, name, org_id, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Email, u.Name, u.OrgID, u.Role, hash, u.CreatedAt); err != nil {
			if app.ErrorCode(mapError(err)) == app.EConflict {
				return app.Invalid("Certaines informations sont à corriger.", map[string]string{"email": "Un compte existe déjà avec cette adresse."})
			}
			return fmt.Errorf("store.CreateUser: %w", err)
		}
		return db.record(ctx, t, "", by, "user.create", u.ID, map[string]any{"email": u.Email, "name": u.Name, "organisation": u.OrgID, "role": u.Role})
	})
	if err != nil {
		return nil, err
	}
	return db.User(ctx, u.ID)
}

// User returns a user by id.
func (db *DB) User(ctx context.Context, id string) (*account.User, error) {
	var u account.User
	if err := get(ctx, db.x, &u, `SELECT `+userColumns+` FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = ?`, id); err != nil {
		return nil, fmt.Errorf("store.User: %w", mapError(err))
	}
	return &u, nil
}

// UserByEmail returns a user by e-mail address.
func (db *DB) UserByEmail(ctx context.Context, email string) (*account.User, error) {
	var u account.User
	if err := get(ctx, db.x, &u, `SELECT `+userColumns+` FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.email = ?`,
		strings.ToLower(strings.TrimSpace(email))); err != nil {
		return nil, fmt.Errorf("store.UserByEmail: %w", mapError(err))
	}
	return &u, nil
}

// Users lists every user, by organisation then name.
func (db *DB) Users(ctx context.Context) ([]account.User, error) {
	var out []account.User
	if err := sel(ctx, db.x, &out, `SELECT `+userColumns+` FROM users u JOIN organisations o ON o.id = u.org_id ORDER BY o.name, u.name`); err != nil {
		return nil, fmt.Errorf("store.Users: %w", mapError(err))
	}
	return out, nil
}

// SetPassword replaces a user's password after checking the current one.
func (db *DB) SetPassword(ctx context.Context, u *account.User, current, next string) error {
	var hash string
	if err := get(ctx, db.x, &hash, `SELECT password_hash FROM users WHERE id = ?`, u.ID); err != nil {
		return fmt.Errorf("store.SetPassword: %w", mapError(err))
	}
	f := app.Fields{}
	if !account.CheckPassword(hash, current) {
		f.Add("current", "Le mot de passe actuel n'est pas le bon.")
	}
	if msg := account.PasswordProblem(next); msg != "" {
		f.Add("password", msg)
	}
	if err := f.Err(); err != nil {
		return err
	}
	return db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `UPDATE users SET password_hash = ? WHERE id = ?`, account.HashPassword(next), u.ID); err != nil {
			return fmt.Errorf("store.SetPassword: %w", err)
		}
		return db.record(ctx, t, "", u, "user.password", u.ID, map[string]any{})
	})
}

// ErrBadCredentials is returned by SignIn for a wrong e-mail or password.
var ErrBadCredentials = &app.Error{Code: app.EUnauthenticated, Message: "Adresse électronique ou mot de passe incorrect."}

// SignIn checks credentials with throttling per e-mail address, and returns
// the user and a new session secret valid for ttl. A locked address answers
// ETooManyRequests without checking the password.
//
// Each attempt is counted as a failure before its password is checked, in
// a transaction that holds the address's row, and forgotten when the
// password is right: attempts sent at once each see those before them, so
// that no more than account.LockAfter passwords are checked however many
// arrive together, and the slow hashing holds no lock.
func (db *DB) SignIn(ctx context.Context, email, password string, ttl time.Duration) (*account.User, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := db.Now()
	var th account.Throttle
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `INSERT INTO login_attempts (email, failures, last_failure) VALUES (?, 0, 0) ON CONFLICT (email) DO NOTHING`, email); err != nil {
			return err
		}
		var att struct {
			Failures int   `db:"failures"`
			Last     int64 `db:"last_failure"`
		}
		q := `SELECT failures, last_failure FROM login_attempts WHERE email = ?`
		if db.Dialect == Postgres {
			q += ` FOR UPDATE` // SQLite's transactions take the write lock up front
		}
		if err := get(ctx, t, &att, q, email); err != nil {
			return err
		}
		th = account.Decide(att.Failures, time.Unix(att.Last, 0), now)
		if th.Locked {
			return nil
		}
		_, err := exec(ctx, t, `UPDATE login_attempts SET failures = CASE WHEN last_failure < ? THEN 1 ELSE failures + 1 END, last_failure = ? WHERE email = ?`,
			now.Add(-account.LockFor).Unix(), now.Unix(), email)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("store.SignIn: %w", err)
	}
	if th.Locked {
		mins := int((th.Until.Sub(now) + time.Minute - 1) / time.Minute) // rounded up
		return nil, "", app.Errorf(app.ETooManyRequests, "Trop de tentatives de connexion échouées pour ce compte. Réessayez dans %d minute%s.", mins, plural(mins))
	}
	if th.Delay > 0 {
		select {
		case <-time.After(th.Delay):
		case <-ctx.Done():
			return nil, "", ctx.Err()
		}
	}
	var row struct {
		ID       string `db:"id"`
		Hash     string `db:"password_hash"`
		Disabled bool   `db:"disabled"`
	}
	err = get(ctx, db.x, &row, `SELECT id, password_hash, disabled FROM users WHERE email = ?`, email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("store.SignIn: %w", err)
	}
	hash := row.Hash
	if row.ID == "" {
		hash = account.DummyHash
	}
	if !account.CheckPassword(hash, password) || row.ID == "" || row.Disabled {
		return nil, "", ErrBadCredentials // counted above
	}
	secret, hashed := account.NewSecret("s_")
	err = db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `DELETE FROM login_attempts WHERE email = ?`, email); err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM sessions WHERE expires_at < ?`, now.Unix()); err != nil {
			return err
		}
		_, err := exec(ctx, t, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hashed, row.ID, now, now.Add(ttl).Unix())
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("store.SignIn: %w", err)
	}
	u, err := db.User(ctx, row.ID)
	return u, secret, err
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// SessionUser returns the user of a live session, or ErrNotFound.
func (db *DB) SessionUser(ctx context.Context, secret string) (*account.User, error) {
	var u account.User
	err := get(ctx, db.x, &u, `SELECT `+userColumns+` FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.org_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled`, account.HashSecret(secret), db.Now().Unix())
	if err != nil {
		return nil, mapError(err)
	}
	return &u, nil
}

// SignOut ends a session.
func (db *DB) SignOut(ctx context.Context, secret string) error {
	return db.Transact(ctx, func(t *tx) error {
		_, err := exec(ctx, t, `DELETE FROM sessions WHERE token_hash = ?`, account.HashSecret(secret))
		return err
	})
}

// CreateToken makes a new API token for the user with that e-mail and
// returns its secret, which is shown once and never stored.
func (db *DB) CreateToken(ctx context.Context, email, label string) (string, error) {
	u, err := db.UserByEmail(ctx, email)
	if err != nil {
		if app.ErrorCode(err) == app.ENotFound {
			return "", app.Errorf(app.ENotFound, "Aucun compte n'a l'adresse %s.", email)
		}
		return "", err
	}
	secret, hash := account.NewSecret("ctg_")
	err = db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `INSERT INTO api_tokens (id, user_id, label, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			account.NewID(), u.ID, label, hash, db.Now()); err != nil {
			return fmt.Errorf("store.CreateToken: %w", err)
		}
		return db.record(ctx, t, "", u, "token.create", u.ID, map[string]any{"label": label})
	})
	return secret, err
}

// TokenUser returns the user of an API token, or ErrNotFound.
func (db *DB) TokenUser(ctx context.Context, secret string) (*account.User, error) {
	var u account.User
	err := get(ctx, db.x, &u, `SELECT `+userColumns+` FROM api_tokens k JOIN users u ON u.id = k.user_id JOIN organisations o ON o.id = u.org_id
		WHERE k.token_hash = ? AND NOT u.disabled`, account.HashSecret(secret))
	if err != nil {
		return nil, mapError(err)
	}
	return &u, nil
}

// Prepare migrates the database and seeds the CAFs of the reference: what
// every start does before serving.
func (db *DB) Prepare(ctx context.Context, ref *territory.Ref) error {
	cafs := make([]account.Organisation, 0, 101)
	for _, c := range ref.CAFs() {
		cafs = append(cafs, account.Organisation{ID: c.ID, Name: c.Name, Kind: "caf", Territory: c.Departement})
	}
	// Under one lock: two servers seeding together would both find a CAF
	// missing and both insert it.
	return db.underMigrationLock(ctx, func(ctx context.Context) error {
		if err := db.migrate(ctx); err != nil {
			return err
		}
		return db.SeedCAFs(ctx, cafs)
	})
}

// OrganisationsByID returns the organisations with these ids, in no order;
// unknown ids are left out.
func (db *DB) OrganisationsByID(ctx context.Context, ids []string) ([]account.Organisation, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT id, name, kind, territory, created_at FROM organisations WHERE id IN (?)`, ids)
	if err != nil {
		return nil, fmt.Errorf("store.OrganisationsByID: %w", err)
	}
	var out []account.Organisation
	if err := sel(ctx, db.x, &out, q, args...); err != nil {
		return nil, fmt.Errorf("store.OrganisationsByID: %w", mapError(err))
	}
	return out, nil
}
