package web

import (
	"net/http"

	"ctg/internal/app"
	"ctg/internal/sso"
)

// adminApproveRequest opens the account an access request of the single
// sign-on asks for, in the organisation and with the role chosen.
func (s *Server) adminApproveRequest(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).IsAdmin() {
		return errAdminOnly
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	id := r.PathValue("id")
	a := sso.Approval{OrgID: r.PostFormValue("org"), Role: r.PostFormValue("role")}
	if _, err := s.db.ApproveSSORequest(r.Context(), currentUser(r), id, a); err != nil {
		if app.ErrorCode(err) != app.EInvalid {
			return err
		}
		d, derr := s.adminData(r)
		if derr != nil {
			return derr
		}
		d.RequestFor, d.Approval, d.RequestErr = id, a, app.ErrorFields(err)
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin", "Administration", "admin", d)
	}
	return s.redirectFlash(w, r, "/admin#demandes", "sso.approved")
}

// adminRefuseRequest refuses an access request of the single sign-on.
func (s *Server) adminRefuseRequest(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).IsAdmin() {
		return errAdminOnly
	}
	if err := s.db.RefuseSSORequest(r.Context(), currentUser(r), r.PathValue("id")); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/admin#demandes", "sso.refused")
}
