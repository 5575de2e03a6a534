package sso

import (
	"strings"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
)

// Statuses of an access request.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRefused  = "refused"
)

// Request is the access request of a person the provider vouched for and
// whom no account matched: an administrator approves it (choosing the
// organisation and the role of the account it creates) or refuses it.
type Request struct {
	ID        string `db:"id"`
	Issuer    string `db:"issuer"`
	Subject   string `db:"subject"`
	Email     string `db:"email"`
	GivenName string `db:"given_name"`
	UsualName string `db:"usual_name"`
	SIRET     string `db:"siret"`
	IdPID     string `db:"idp_id"`
	Status    string `db:"status"`
	// SuggestedOrg is the partner organisation whose territory is the
	// SIREN of the SIRET (an intercommunalité), when there is one.
	SuggestedOrg string    `db:"suggested_org"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
	DecidedBy    string    `db:"decided_by"`
	UserID       string    `db:"user_id"`
}

// Name is the name the account will bear.
func (r *Request) Name() string { return displayName(r.GivenName, r.UsualName, r.Email) }

// SIREN is the first nine digits of the SIRET, the organisation's number.
func (r *Request) SIREN() string {
	if len(r.SIRET) == 14 {
		return r.SIRET[:9]
	}
	return ""
}

// Approval is an administrator's decision to open an account.
type Approval struct {
	OrgID string
	Role  string
}

// Validate checks the fields that do not need the database.
func (a *Approval) Validate() error {
	f := app.Fields{}
	a.OrgID = strings.TrimSpace(a.OrgID)
	if a.OrgID == "" {
		f.Add("org", "Choisissez l'organisation de la personne.")
	}
	switch a.Role {
	case account.RoleAdmin, account.RoleEditor, account.RoleReader:
	default:
		f.Add("role", "Choisissez un rôle : lecture, édition ou administration.")
	}
	return f.Err()
}

// Outcome is what a sign-in with the provider comes to.
type Outcome struct {
	// User is set when the person is signed in, with the secret of the
	// new session.
	User   *account.User
	Secret string
	// Linked is true when this sign-in linked the identity to an account
	// found by its e-mail address.
	Linked bool
	// Request is set when no account matched: the request waits for an
	// administrator (Status pending) or was refused.
	Request *Request
}
