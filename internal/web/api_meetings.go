package web

import (
	"net/http"

	"ctg/internal/committee"
)

// meetingInput is the body of POST /api/v1/conventions/{id}/meetings.
type meetingInput struct {
	Committee string                    `json:"committee"`
	Title     string                    `json:"title"`
	Date      string                    `json:"date"`
	Place     string                    `json:"place"`
	Attendees []committee.Attendee      `json:"attendees"`
	Agenda    string                    `json:"agenda"`
	Minutes   string                    `json:"minutes"`
	Decisions []committee.DecisionInput `json:"decisions"`
}

func writeMeeting(w http.ResponseWriter, status int, m *committee.Meeting) {
	w.Header().Set("ETag", etag(m.Version))
	writeJSON(w, status, m)
}

func writeDecision(w http.ResponseWriter, d *committee.Decision) {
	w.Header().Set("ETag", etag(d.Version))
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiCreateMeeting(w http.ResponseWriter, r *http.Request) error {
	var in meetingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m := &committee.Meeting{Committee: in.Committee, Title: in.Title, Date: in.Date, Place: in.Place, Attendees: in.Attendees,
		Agenda: in.Agenda, Minutes: in.Minutes, Decisions: committee.MergeDecisions(nil, in.Decisions)}
	if err := s.db.CreateMeeting(r.Context(), currentUser(r), r.PathValue("id"), m); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/meetings/"+m.ID)
	writeMeeting(w, http.StatusCreated, m)
	return nil
}

func (s *Server) apiMeetings(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.db.Meetings(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ms))
	return nil
}

func (s *Server) apiMeeting(w http.ResponseWriter, r *http.Request) error {
	m, err := s.db.Meeting(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeMeeting(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiPatchMeeting(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p committee.Patch
	if err := decode(r, &p); err != nil {
		return err
	}
	m, err := s.db.UpdateMeeting(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeMeeting(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiDeleteMeeting(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteMeeting(r.Context(), currentUser(r), r.PathValue("id"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiDecisions(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.db.Decisions(r.Context(), currentUser(r), r.PathValue("id"), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ds))
	return nil
}

func (s *Server) apiDecision(w http.ResponseWriter, r *http.Request) error {
	d, err := s.db.Decision(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeDecision(w, d)
	return nil
}

func (s *Server) apiPatchDecision(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p committee.DecisionPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	d, err := s.db.UpdateDecision(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeDecision(w, d)
	return nil
}
