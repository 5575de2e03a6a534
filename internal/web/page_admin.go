package web

import (
	"net/http"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/sso"
)

type adminData struct {
	Orgs      []account.Organisation
	CAFs      []account.Organisation
	Users     []account.User
	Org       account.Organisation
	OrgErrors map[string]string
	NewUser   account.NewUser
	UserErrs  map[string]string
	// Access requests of the single sign-on (page_sso_admin.go), and the
	// errors of the approval of one of them.
	Requests   []sso.Request
	RequestFor string
	Approval   sso.Approval
	RequestErr map[string]string
}

var errAdminOnly = app.Errorf(app.EForbidden, "Cette page est réservée aux administrateurs.")

func (s *Server) adminData(r *http.Request) (*adminData, error) {
	all, err := s.db.Organisations(r.Context(), "")
	if err != nil {
		return nil, err
	}
	users, err := s.db.Users(r.Context())
	if err != nil {
		return nil, err
	}
	requests, err := s.db.SSORequests(r.Context())
	if err != nil {
		return nil, err
	}
	d := &adminData{Users: users, NewUser: account.NewUser{Role: account.RoleReader}, Requests: requests}
	for _, o := range all {
		if o.Kind == "caf" {
			d.CAFs = append(d.CAFs, o)
		} else {
			d.Orgs = append(d.Orgs, o)
		}
	}
	return d, nil
}

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).IsAdmin() {
		return errAdminOnly
	}
	d, err := s.adminData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "admin", "Administration", "admin", d)
}

func (s *Server) adminCreateOrganisation(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).IsAdmin() {
		return errAdminOnly
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	o := account.Organisation{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Territory: strings.TrimSpace(r.PostFormValue("territory"))}
	if err := s.createOrganisation(r, &o); err != nil {
		if app.ErrorCode(err) != app.EInvalid {
			return err
		}
		d, derr := s.adminData(r)
		if derr != nil {
			return derr
		}
		d.Org, d.OrgErrors = o, app.ErrorFields(err)
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin", "Administration", "admin", d)
	}
	return s.redirectFlash(w, r, "/admin#organisations", "org")
}

func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).IsAdmin() {
		return errAdminOnly
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	n := account.NewUser{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), OrgID: r.PostFormValue("org"),
		Role: r.PostFormValue("role"), Password: r.PostFormValue("password")}
	if _, err := s.db.CreateUser(r.Context(), n, currentUser(r)); err != nil {
		if app.ErrorCode(err) != app.EInvalid {
			return err
		}
		d, derr := s.adminData(r)
		if derr != nil {
			return derr
		}
		n.Password = ""
		d.NewUser, d.UserErrs = n, app.ErrorFields(err)
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin", "Administration", "admin", d)
	}
	return s.redirectFlash(w, r, "/admin#utilisateurs", "user")
}
