package web

import (
	"net/http"
	"strings"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/store"
)

// conventionInput is the body of POST /api/v1/conventions.
type conventionInput struct {
	Kind      string               `json:"kind"`
	Title     string               `json:"title"`
	CAF       string               `json:"caf"`
	Perimeter convention.Perimeter `json:"perimeter"`
	Start     string               `json:"start"`
	End       string               `json:"end"`
	Parties   []string             `json:"parties"`
	Renews    *string              `json:"renews"`
}

func writeConvention(w http.ResponseWriter, status int, c *convention.Convention) {
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, status, c)
}

func (s *Server) apiCreateConvention(w http.ResponseWriter, r *http.Request) error {
	var in conventionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c := &convention.Convention{Kind: in.Kind, Title: in.Title, CAF: in.CAF, Perimeter: in.Perimeter,
		Start: in.Start, End: in.End, Parties: in.Parties, Renews: in.Renews}
	if err := s.db.CreateConvention(r.Context(), s.ref, currentUser(r), c); err != nil {
		return err
	}
	c, err := s.db.Convention(r.Context(), currentUser(r), c.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/conventions/"+c.ID)
	writeConvention(w, http.StatusCreated, c)
	return nil
}

func (s *Server) apiConvention(w http.ResponseWriter, r *http.Request) error {
	c, err := s.db.Convention(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeConvention(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiPatchConvention(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p convention.Patch
	if err := decode(r, &p); err != nil {
		return err
	}
	c, err := s.db.UpdateConvention(r.Context(), s.ref, currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	c, err = s.db.Convention(r.Context(), currentUser(r), c.ID)
	if err != nil {
		return err
	}
	writeConvention(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiConventionStatus(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var in struct {
		Status string `json:"status"`
		Date   string `json:"date"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.db.SetStatus(r.Context(), currentUser(r), r.PathValue("id"), version, in.Status, in.Date)
	if err != nil {
		return err
	}
	c, err = s.db.Convention(r.Context(), currentUser(r), c.ID)
	if err != nil {
		return err
	}
	writeConvention(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiConventionHistory(w http.ResponseWriter, r *http.Request) error {
	h, err := s.db.History(r.Context(), currentUser(r), r.PathValue("id"), limitParam(r, 500, 5000))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(h))
	return nil
}

// filterFrom reads list filters from the query string, checking them.
func (s *Server) filterFrom(r *http.Request) (store.Filter, error) {
	q := r.URL.Query()
	f := store.Filter{
		Departement: strings.ToUpper(strings.TrimSpace(q.Get("departement"))),
		Kind:        q.Get("kind"),
		Status:      q.Get("status"),
		Query:       q.Get("q"),
		Commune:     q.Get("commune"),
		Party:       q.Get("party"),
		Sort:        q.Get("sort"),
	}
	bad := app.Fields{}
	if f.Departement != "" {
		if _, ok := s.ref.Departement(f.Departement); !ok {
			bad.Add("departement", "Département inconnu : "+f.Departement+".")
		}
	}
	if f.Kind != "" && convention.KindLabel(f.Kind) == f.Kind {
		bad.Add("kind", "Type inconnu : choisissez ctg, cej, pedt ou contrat_de_ville.")
	}
	if f.Status != "" && convention.StatusIndex(f.Status) < 0 {
		bad.Add("status", "Statut inconnu : choisissez diagnostic, elaboration, signed ou ended.")
	}
	if f.Commune != "" {
		if c, ok := s.ref.Commune(f.Commune); ok {
			f.Commune = c.Code
		} else {
			bad.Add("commune", "Commune inconnue : "+f.Commune+".")
		}
	}
	return f, bad.Err()
}

func (s *Server) apiConventions(w http.ResponseWriter, r *http.Request) error {
	f, err := s.filterFrom(r)
	if err != nil {
		return err
	}
	f.WithCommunes = true
	cs, err := s.db.Conventions(r.Context(), currentUser(r), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(cs))
	return nil
}

// coverage computes the coverage of a département (all of France when
// dep is empty) on date. Figures count every signed convention; the
// expiring ones are listed only when the user may open them.
func (s *Server) coverage(r *http.Request, dep, date string) (convention.Coverage, error) {
	active, err := s.db.ActiveSigned(r.Context(), date)
	if err != nil {
		return convention.Coverage{}, err
	}
	cv := convention.ComputeCoverage(s.ref, dep, date, active)
	if u := currentUser(r); !u.IsAdmin() {
		visible, err := s.db.Conventions(r.Context(), u, store.Filter{Status: convention.StatusSigned})
		if err != nil {
			return convention.Coverage{}, err
		}
		ids := make(map[string]bool, len(visible))
		for _, c := range visible {
			ids[c.ID] = true
		}
		cv.KeepExpiring(func(id string) bool { return ids[id] })
	}
	return cv, nil
}

func (s *Server) apiCoverage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	dep := strings.ToUpper(strings.TrimSpace(q.Get("departement")))
	date := strings.TrimSpace(q.Get("date"))
	bad := app.Fields{}
	if dep != "" {
		if _, ok := s.ref.Departement(dep); !ok {
			bad.Add("departement", "Département inconnu : "+dep+".")
		}
	}
	if date == "" {
		date = s.today()
	} else if _, ok := convention.ParseDate(date); !ok {
		bad.Add("date", "Indiquez la date au format AAAA-MM-JJ.")
	}
	if err := bad.Err(); err != nil {
		return err
	}
	cv, err := s.coverage(r, dep, date)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cv)
	return nil
}

var storeFilterAll = store.Filter{Sort: "title"}
