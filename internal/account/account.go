// Package account holds users, organisations, roles, passwords, sessions and
// API tokens: who is signed in and what they may do in general. Access to a
// given convention is decided in package convention.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
)

// Roles.
const (
	RoleAdmin  = "admin"
	RoleEditor = "editor"
	RoleReader = "reader"
)

// RoleLabels names the roles in French, in the order forms list them.
var RoleLabels = []struct{ Code, Label string }{
	{RoleReader, "Lecture"},
	{RoleEditor, "Édition"},
	{RoleAdmin, "Administration"},
}

// RoleLabel returns the French name of a role.
func RoleLabel(role string) string {
	for _, r := range RoleLabels {
		if r.Code == role {
			return r.Label
		}
	}
	return role
}

// User is a person who signs in. A user belongs to one organisation.
type User struct {
	ID        string    `db:"id" json:"id"`
	Email     string    `db:"email" json:"email"`
	Name      string    `db:"name" json:"name"`
	OrgID     string    `db:"org_id" json:"organisation"`
	OrgName   string    `db:"org_name" json:"organisation_name"`
	Role      string    `db:"role" json:"role"`
	Disabled  bool      `db:"disabled" json:"disabled"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// IsAdmin reports whether u may do everything.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// CanEdit reports whether u's role allows changes (on what u may see).
func (u *User) CanEdit() bool { return u != nil && (u.Role == RoleAdmin || u.Role == RoleEditor) }

// NewUser is what creating a user takes.
type NewUser struct {
	Email    string
	Name     string
	OrgID    string
	Role     string
	Password string
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Validate checks the fields that do not need the database, normalising
// the e-mail address to lower case.
func (n *NewUser) Validate() error {
	f := app.Fields{}
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	n.Name = strings.TrimSpace(n.Name)
	if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email {
		f.Add("email", "Saisissez une adresse électronique valide, par exemple prenom.nom@caf.fr.")
	}
	if n.Name == "" {
		f.Add("name", "Saisissez le nom de la personne.")
	} else if utf8.RuneCountInString(n.Name) > 120 {
		f.Add("name", "Le nom ne doit pas dépasser 120 caractères.")
	}
	if n.OrgID == "" {
		f.Add("org", "Choisissez l'organisation de la personne.")
	}
	switch n.Role {
	case RoleAdmin, RoleEditor, RoleReader:
	default:
		f.Add("role", "Choisissez un rôle : admin, editor ou reader.")
	}
	if msg := PasswordProblem(n.Password); msg != "" {
		f.Add("password", msg)
	}
	return f.Err()
}

// PasswordProblem returns a French message when p is not acceptable.
func PasswordProblem(p string) string {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return "Le mot de passe doit compter au moins 10 caractères."
	}
	if len(p) > 200 {
		return "Le mot de passe ne doit pas dépasser 200 caractères."
	}
	return ""
}

// Organisation kinds.
var OrgKinds = []struct{ Code, Label string }{
	{"caf", "Caf"},
	{"commune", "Commune"},
	{"epci", "Intercommunalité (EPCI)"},
	{"departement", "Département"},
	{"etat", "État"},
	{"msa", "MSA"},
	{"association", "Association"},
	{"other", "Autre"},
}

// OrgKindLabel returns the French name of an organisation kind.
func OrgKindLabel(kind string) string {
	for _, k := range OrgKinds {
		if k.Code == kind {
			return k.Label
		}
	}
	return kind
}

// Organisation is a CAF, a local authority or a partner.
type Organisation struct {
	ID        string    `db:"id" json:"id"`
	Name      string    `db:"name" json:"name"`
	Kind      string    `db:"kind" json:"kind"`
	Territory string    `db:"territory" json:"territory"`
	CreatedAt time.Time `db:"created_at" json:"-"`
}

// TerritoryChecker tells whether a territory code exists for an organisation
// kind (a commune code for "commune", a SIREN for "epci", a département
// code for "departement" or "caf").
type TerritoryChecker func(kind, code string) bool

// Validate checks an organisation about to be created.
func (o *Organisation) Validate(known TerritoryChecker) error {
	f := app.Fields{}
	o.Name = strings.TrimSpace(o.Name)
	o.Territory = strings.TrimSpace(o.Territory)
	if o.Name == "" {
		f.Add("name", "Saisissez le nom de l'organisation.")
	} else if utf8.RuneCountInString(o.Name) > 200 {
		f.Add("name", "Le nom ne doit pas dépasser 200 caractères.")
	}
	valid := false
	for _, k := range OrgKinds {
		valid = valid || k.Code == o.Kind
	}
	if !valid {
		f.Add("kind", "Choisissez un type parmi : caf, commune, epci, departement, etat, msa, association, other.")
	}
	if o.Kind == "caf" {
		f.Add("kind", "Les 101 Caf sont déjà enregistrées ; il n'est pas possible d'en créer une autre.")
	}
	if valid && o.Territory != "" && known != nil && !known(o.Kind, o.Territory) {
		f.Add("territory", "Ce code de territoire est inconnu du référentiel 2026.")
	}
	if valid && o.Territory == "" && (o.Kind == "commune" || o.Kind == "epci" || o.Kind == "departement") {
		f.Add("territory", "Indiquez le code du territoire que cette organisation représente.")
	}
	return f.Err()
}

// NewID returns a random identifier of 16 lower-case letters and digits.
func NewID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// NewSecret returns a random secret for a session cookie or an API token,
// and the hash under which it is stored: the database never holds a usable
// secret.
func NewSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret = prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a session or token secret.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

type ctxKey struct{}

// WithUser returns a context carrying the signed-in user.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// UserFrom returns the signed-in user, or nil.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(ctxKey{}).(*User)
	return u
}
