package web

import (
	"net/http"
	"strings"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
	"ctg/internal/store"
)

// findingInput is the body of POST /api/v1/conventions/{id}/findings.
type findingInput struct {
	Kind   string `json:"kind"`
	Field  string `json:"field"`
	Text   string `json:"text"`
	Source string `json:"source"`
}

// stakeInput is the body of POST /api/v1/conventions/{id}/stakes.
type stakeInput struct {
	Title    string   `json:"title"`
	Fields   []string `json:"fields"`
	Priority int      `json:"priority"`
	Findings []string `json:"findings"`
}

func writeFinding(w http.ResponseWriter, status int, f *diagnostic.Finding) {
	w.Header().Set("ETag", etag(f.Version))
	writeJSON(w, status, f)
}

func writeStake(w http.ResponseWriter, status int, s *diagnostic.Stake) {
	w.Header().Set("ETag", etag(s.Version))
	writeJSON(w, status, s)
}

func (s *Server) apiCreateFinding(w http.ResponseWriter, r *http.Request) error {
	var in findingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f := &diagnostic.Finding{Kind: in.Kind, Field: in.Field, Text: in.Text, Source: in.Source}
	if err := s.db.CreateFinding(r.Context(), currentUser(r), r.PathValue("id"), f); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/findings/"+f.ID)
	writeFinding(w, http.StatusCreated, f)
	return nil
}

// findingFilter reads ?kind=&field=, checking each.
func findingFilter(r *http.Request) (store.FindingFilter, error) {
	q := r.URL.Query()
	f := store.FindingFilter{Kind: strings.TrimSpace(q.Get("kind")), Field: strings.TrimSpace(q.Get("field"))}
	bad := app.Fields{}
	if f.Kind != "" && !diagnostic.ValidFindingKind(f.Kind) {
		bad.Add("kind", "Nature de constat inconnue : choisissez strength, weakness ou need.")
	}
	if f.Field != "" && !field.Valid(f.Field) {
		bad.Add("field", "Champ d'intervention inconnu : "+f.Field+".")
	}
	return f, bad.Err()
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) error {
	f, err := findingFilter(r)
	if err != nil {
		return err
	}
	fs, err := s.db.Findings(r.Context(), currentUser(r), r.PathValue("id"), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(fs))
	return nil
}

func (s *Server) apiFinding(w http.ResponseWriter, r *http.Request) error {
	f, err := s.db.Finding(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeFinding(w, http.StatusOK, f)
	return nil
}

func (s *Server) apiPatchFinding(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p diagnostic.FindingPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	f, err := s.db.UpdateFinding(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeFinding(w, http.StatusOK, f)
	return nil
}

func (s *Server) apiDeleteFinding(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteFinding(r.Context(), currentUser(r), r.PathValue("id"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiCreateStake(w http.ResponseWriter, r *http.Request) error {
	var in stakeInput
	if err := decode(r, &in); err != nil {
		return err
	}
	st := &diagnostic.Stake{Title: in.Title, Fields: in.Fields, Priority: in.Priority, Findings: in.Findings}
	if err := s.db.CreateStake(r.Context(), currentUser(r), r.PathValue("id"), st); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/stakes/"+st.ID)
	writeStake(w, http.StatusCreated, st)
	return nil
}

func (s *Server) apiStakes(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.db.Stakes(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ss))
	return nil
}

func (s *Server) apiStake(w http.ResponseWriter, r *http.Request) error {
	st, err := s.db.Stake(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeStake(w, http.StatusOK, st)
	return nil
}

func (s *Server) apiPatchStake(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p diagnostic.StakePatch
	if err := decode(r, &p); err != nil {
		return err
	}
	st, err := s.db.UpdateStake(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeStake(w, http.StatusOK, st)
	return nil
}

func (s *Server) apiDeleteStake(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteStake(r.Context(), currentUser(r), r.PathValue("id"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
