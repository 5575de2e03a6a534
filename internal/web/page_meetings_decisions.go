package web

import (
	"net/http"
	"net/url"
	"strconv"

	"ctg/internal/app"
	"ctg/internal/committee"
	"ctg/internal/convention"
)

// followUpView is a decision in the follow-up, with the state of its
// form when a change of it was refused.
type followUpView struct {
	committee.FollowUp
	MeetingLabel string // its meeting's name
	StatusLabel  string
	Links        []actionChoice
	// Errors, Status and Outcome hold a refused change, as typed.
	Errors  map[string]string
	Status  string
	Outcome string
}

type decisionsData struct {
	C        *convention.Convention
	CanEdit  bool
	Filter   string
	Statuses []struct{ Code, Label string }
	Counts   map[string]int
	All      int
	Items    []followUpView
	// FilterError is the message of an unknown ?statut=.
	FilterError string
}

// decisionsData gathers the decisions of a convention, those of status
// when not empty.
func (s *Server) decisionsData(r *http.Request, id, status string) (*decisionsData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	all, err := s.db.Decisions(r.Context(), u, id, "")
	if err != nil {
		return nil, err
	}
	p, err := s.db.Plan(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &decisionsData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, Filter: status, Statuses: committee.Statuses,
		Counts: map[string]int{}, All: len(all)}
	if status != "" && !committee.ValidStatus(status) {
		d.Filter, d.FilterError = "", "Choisissez une suite parmi celles proposées."
	}
	ds := make([]committee.Decision, len(all))
	for i, f := range all {
		ds[i] = f.Decision
	}
	views := decisionViews(ds, p)
	for i, f := range all {
		d.Counts[f.Status]++
		if d.Filter != "" && f.Status != d.Filter {
			continue
		}
		d.Items = append(d.Items, followUpView{FollowUp: f, MeetingLabel: f.MeetingName(), StatusLabel: committee.StatusLabel(f.Status),
			Links: views[i].Links, Status: f.Status, Outcome: f.Outcome})
	}
	return d, nil
}

func decisionsTitle(c *convention.Convention) string { return "Suivi des décisions — " + c.Title }

func (s *Server) decisionsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.decisionsData(r, r.PathValue("id"), r.URL.Query().Get("statut"))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if d.FilterError != "" {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, "decisions", decisionsTitle(d.C), "conventions", d)
}

// decisionSave records what became of a decision from its form in the
// follow-up, then goes back to it under the same filter.
func (s *Server) decisionSave(w http.ResponseWriter, r *http.Request) error {
	id, did, u := r.PathValue("id"), r.PathValue("did"), currentUser(r)
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	filter := r.PostForm.Get("statut")
	all, err := s.db.Decisions(r.Context(), u, id, "")
	if err != nil {
		return err
	}
	found := false
	for _, f := range all {
		found = found || f.ID == did
	}
	if !found {
		return app.ErrNotFound // not a decision of this page's convention
	}
	status, outcome := r.PostForm.Get("status"), r.PostForm.Get("outcome")
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	before, err := s.db.Decision(r.Context(), u, did)
	if err != nil {
		return err
	}
	after, err := s.db.UpdateDecision(r.Context(), u, did, version, committee.DecisionPatch{Status: &status, Outcome: &outcome})
	if err != nil {
		errs, code, ok := formRefusal(err, app.EInvalid, app.EPreconditionFailed)
		if !ok {
			return err
		}
		d, derr := s.decisionsData(r, id, filter)
		if derr != nil {
			return derr
		}
		for i := range d.Items {
			if it := &d.Items[i]; it.ID == did {
				it.Errors, it.Status, it.Outcome = errs, status, outcome
			}
		}
		return s.renderStatus(w, r, code, "decisions", decisionsTitle(d.C), "conventions", d)
	}
	flash := "decision.updated"
	if after.Version == before.Version {
		flash = "nochange"
	}
	to := "/conventions/" + id + "/decisions"
	if filter != "" {
		to += "?" + url.Values{"statut": {filter}}.Encode()
	}
	return s.redirectFlash(w, r, to+"#decision-"+did, flash)
}
