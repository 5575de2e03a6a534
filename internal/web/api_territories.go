package web

import (
	"net/http"
	"strings"

	"ctg/internal/app"
	"ctg/internal/territory"
)

type communeJSON struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Departement string `json:"departement"`
	Region      string `json:"region"`
	EPCI        string `json:"epci"`
	Population  int    `json:"population"`
}

func (s *Server) apiCommune(w http.ResponseWriter, r *http.Request) error {
	c, ok := s.ref.Commune(r.PathValue("code"))
	if !ok {
		return app.Errorf(app.ENotFound, "Aucune commune n'a le code %s dans le référentiel 2026.", r.PathValue("code"))
	}
	writeJSON(w, http.StatusOK, communeJSON(c))
	return nil
}

type memberJSON struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Population int    `json:"population"`
}

func (s *Server) members(codes []string) []memberJSON {
	out := make([]memberJSON, 0, len(codes))
	for _, code := range codes {
		if c, ok := s.ref.Commune(code); ok {
			out = append(out, memberJSON{c.Code, c.Name, c.Population})
		}
	}
	return out
}

func (s *Server) apiEPCI(w http.ResponseWriter, r *http.Request) error {
	e, ok := s.ref.EPCI(r.PathValue("siren"))
	if !ok {
		return app.Errorf(app.ENotFound, "Aucune intercommunalité n'a le SIREN %s dans le référentiel 2026.", r.PathValue("siren"))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"siren": e.SIREN, "name": e.Name, "kind": e.Kind, "population": e.Population, "communes": s.members(e.Communes),
	})
	return nil
}

func (s *Server) apiDepartement(w http.ResponseWriter, r *http.Request) error {
	d, ok := s.ref.Departement(strings.ToUpper(r.PathValue("code")))
	if !ok {
		return app.Errorf(app.ENotFound, "Aucun département n'a le code %s.", r.PathValue("code"))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"code": d.Code, "name": d.Name, "region": d.Region, "population": d.Population,
		"communes": len(d.Communes), "caf": "caf-" + d.Code,
	})
	return nil
}

type matchJSON struct {
	Kind       string `json:"kind"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Population int    `json:"population"`
	Context    string `json:"context,omitempty"`
}

func (s *Server) apiTerritories(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return app.Invalid("Indiquez le texte à chercher.", map[string]string{"q": "Saisissez un nom ou un code de territoire."})
	}
	var items []matchJSON
	for _, m := range s.ref.Search(q, limitParam(r, 20, 100)) {
		items = append(items, matchJSON(m))
	}
	writeJSON(w, http.StatusOK, newList(items))
	return nil
}

var _ = territory.Match{}
