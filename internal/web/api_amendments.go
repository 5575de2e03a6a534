package web

import (
	"net/http"
	"strconv"
	"strings"

	"ctg/internal/amendment"
	"ctg/internal/app"
)

// amendmentInput is the body of POST /api/v1/conventions/{id}/amendments.
type amendmentInput struct {
	Date    string            `json:"date"`
	Summary string            `json:"summary"`
	Changes amendment.Changes `json:"changes"`
}

// apiCreateAmendment records an amendment; If-Match, when sent, names
// the version of the convention it amends.
func (s *Server) apiCreateAmendment(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var in amendmentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a := &amendment.Amendment{Date: in.Date, Summary: in.Summary, Changes: in.Changes}
	if err := s.db.CreateAmendment(r.Context(), s.ref, currentUser(r), r.PathValue("id"), version, a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) apiAmendments(w http.ResponseWriter, r *http.Request) error {
	as, err := s.db.Amendments(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(as))
	return nil
}

func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.db.Versions(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(vs))
	return nil
}

// versionParams reads ?from= and ?to=: version numbers, to the latest
// version and from the one before it when absent (latest is the number
// of the latest version, -1 when there is none).
func versionParams(get func(string) string, latest int) (from, to int, err error) {
	bad := app.Fields{}
	read := func(name string, def int) int {
		s := strings.TrimSpace(get(name))
		if s == "" {
			return def
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			bad.Add(name, "Indiquez un numéro de version : 0 pour la convention signée, 1 pour l'avenant n° 1, et ainsi de suite.")
		}
		return n
	}
	to = read("to", max(latest, 0))
	from = read("from", max(to-1, 0))
	return from, to, bad.Err()
}

func (s *Server) apiCompareVersions(w http.ResponseWriter, r *http.Request) error {
	u, id := currentUser(r), r.PathValue("id")
	vs, err := s.db.Versions(r.Context(), u, id)
	if err != nil {
		return err
	}
	from, to, err := versionParams(r.URL.Query().Get, len(vs)-1)
	if err != nil {
		return err
	}
	c, err := s.db.CompareVersions(r.Context(), s.ref, u, id, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
