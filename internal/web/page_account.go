package web

import (
	"net/http"

	"ctg/internal/app"
)

type accountData struct {
	Errors map[string]string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "account", "Mon compte", "account", accountData{})
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	next := r.PostFormValue("password")
	if next != r.PostFormValue("confirm") {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "account", "Mon compte", "account",
			accountData{Errors: map[string]string{"confirm": "Les deux saisies du nouveau mot de passe diffèrent."}})
	}
	if err := s.db.SetPassword(r.Context(), currentUser(r), r.PostFormValue("current"), next); err != nil {
		if app.ErrorCode(err) == app.EInvalid {
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "account", "Mon compte", "account", accountData{Errors: app.ErrorFields(err)})
		}
		return err
	}
	return s.redirectFlash(w, r, "/compte", "password")
}
