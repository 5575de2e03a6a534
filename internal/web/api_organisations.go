package web

import (
	"net/http"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
)

// knownTerritory tells whether code is a territory of the kind an
// organisation stands for.
func (s *Server) knownTerritory(kind, code string) bool {
	switch kind {
	case "commune":
		_, ok := s.ref.Commune(code)
		return ok
	case "epci":
		_, ok := s.ref.EPCI(code)
		return ok
	case "departement", "caf":
		_, ok := s.ref.Departement(strings.ToUpper(code))
		return ok
	}
	_, okC := s.ref.Commune(code)
	_, okE := s.ref.EPCI(code)
	_, okD := s.ref.Departement(strings.ToUpper(code))
	return okC || okE || okD
}

func (s *Server) apiOrganisations(w http.ResponseWriter, r *http.Request) error {
	kind := r.URL.Query().Get("kind")
	if kind != "" && account.OrgKindLabel(kind) == kind {
		return app.Invalid("Type d'organisation inconnu.", map[string]string{
			"kind": "Choisissez un type parmi : caf, commune, epci, departement, etat, msa, association, other."})
	}
	orgs, err := s.db.Organisations(r.Context(), kind)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(orgs))
	return nil
}

func (s *Server) apiOrganisation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.db.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

// createOrganisation is shared by the API and the admin page.
func (s *Server) createOrganisation(r *http.Request, o *account.Organisation) error {
	u := currentUser(r)
	if !u.CanEdit() {
		return app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas de créer une organisation.")
	}
	if err := o.Validate(s.knownTerritory); err != nil {
		return err
	}
	return s.db.CreateOrganisation(r.Context(), o, u)
}

func (s *Server) apiCreateOrganisation(w http.ResponseWriter, r *http.Request) error {
	var o account.Organisation
	if err := decode(r, &o); err != nil {
		return err
	}
	o.ID = ""
	if err := s.createOrganisation(r, &o); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/organisations/"+o.ID)
	writeJSON(w, http.StatusCreated, o)
	return nil
}
