package web

import (
	"net/http"

	"ctg/internal/store"
	"ctg/internal/workshop"
)

// workshopInput is the body of POST /api/v1/conventions/{id}/workshops.
type workshopInput struct {
	Title        string                `json:"title"`
	Date         string                `json:"date"`
	Place        string                `json:"place"`
	Participants workshop.Participants `json:"participants"`
	Minutes      string                `json:"minutes"`
	Proposals    []workshop.Proposal   `json:"proposals"`
}

// carryInput is the body of POST /api/v1/proposals/{id}/finding.
type carryInput struct {
	Kind string `json:"kind"`
}

func writeWorkshop(w http.ResponseWriter, status int, ws *workshop.Workshop) {
	w.Header().Set("ETag", etag(ws.Version))
	writeJSON(w, status, ws)
}

func (s *Server) apiCreateWorkshop(w http.ResponseWriter, r *http.Request) error {
	var in workshopInput
	if err := decode(r, &in); err != nil {
		return err
	}
	// New proposals: ids sent with them mean nothing yet.
	for i := range in.Proposals {
		in.Proposals[i].ID, in.Proposals[i].Finding = "", nil
	}
	ws := &workshop.Workshop{Title: in.Title, Date: in.Date, Place: in.Place, Participants: in.Participants, Minutes: in.Minutes, Proposals: in.Proposals}
	if err := s.db.CreateWorkshop(r.Context(), currentUser(r), r.PathValue("id"), ws); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/workshops/"+ws.ID)
	writeWorkshop(w, http.StatusCreated, ws)
	return nil
}

func (s *Server) apiWorkshops(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.db.Workshops(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ws))
	return nil
}

func (s *Server) apiWorkshop(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.db.Workshop(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeWorkshop(w, http.StatusOK, ws)
	return nil
}

func (s *Server) apiPatchWorkshop(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p workshop.Patch
	if err := decode(r, &p); err != nil {
		return err
	}
	ws, err := s.db.UpdateWorkshop(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeWorkshop(w, http.StatusOK, ws)
	return nil
}

func (s *Server) apiDeleteWorkshop(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteWorkshop(r.Context(), currentUser(r), r.PathValue("id"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiCarryProposal(w http.ResponseWriter, r *http.Request) error {
	var in carryInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.db.CarryProposal(r.Context(), currentUser(r), r.PathValue("id"), in.Kind)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/findings/"+f.ID)
	writeFinding(w, http.StatusCreated, f)
	return nil
}

func (s *Server) apiCarrySurveyResult(w http.ResponseWriter, r *http.Request) error {
	var in store.SurveyFinding
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.db.CarrySurveyResult(r.Context(), s.ref, currentUser(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/findings/"+f.ID)
	writeFinding(w, http.StatusCreated, f)
	return nil
}
