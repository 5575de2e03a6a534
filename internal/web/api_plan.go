package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/field"
	"ctg/internal/plan"
	"ctg/internal/store"
)

// The plan of actions: axes, objectives, actions, their journal and
// follow-up indicators, the trace to the diagnosis and the warnings.

// axisInput is the body of POST /api/v1/conventions/{id}/axes.
type axisInput struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

// objectiveInput is the body of POST /api/v1/axes/{id}/objectives.
type objectiveInput struct {
	Title string `json:"title"`
}

// actionInput is the body of POST /api/v1/axes/{id}/actions.
type actionInput struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Objective   string   `json:"objective"`
	Fields      []string `json:"fields"`
	Lead        string   `json:"lead"`
	Partners    []string `json:"partners"`
	Public      string   `json:"public"`
	Start       string   `json:"start"`
	End         string   `json:"end"`
	Status      string   `json:"status"`
	Stakes      []string `json:"stakes"`
	Findings    []string `json:"findings"`
}

// journalInput is the body of POST /api/v1/actions/{id}/journal.
type journalInput struct {
	Date string `json:"date"`
	Text string `json:"text"`
}

// actionIndicatorInput is the body of POST /api/v1/actions/{id}/indicators.
type actionIndicatorInput struct {
	Label    string             `json:"label"`
	Unit     string             `json:"unit"`
	Baseline *float64           `json:"baseline"`
	Targets  map[string]float64 `json:"targets"`
	Values   map[string]float64 `json:"values"`
}

// actionIndicatorJSON is a follow-up indicator as the API shows it: with,
// for each year, its target, its value and whether it was met.
type actionIndicatorJSON struct {
	*plan.Indicator
	Progress []plan.YearResult `json:"progress"`
}

func withProgress(ind *plan.Indicator) actionIndicatorJSON {
	return actionIndicatorJSON{Indicator: ind, Progress: ind.Progress()}
}

// writeVersioned writes v with the ETag of its version.
func writeVersioned(w http.ResponseWriter, status, version int, v any) {
	w.Header().Set("ETag", etag(version))
	writeJSON(w, status, v)
}

// created answers 201 with v, its ETag and its address.
func created(w http.ResponseWriter, location string, version int, v any) {
	w.Header().Set("Location", location)
	writeVersioned(w, http.StatusCreated, version, v)
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) error {
	p, err := s.db.Plan(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiCreateAxis(w http.ResponseWriter, r *http.Request) error {
	var in axisInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a := &plan.Axis{Title: in.Title, Description: in.Description}
	if err := s.db.CreateAxis(r.Context(), currentUser(r), r.PathValue("id"), a); err != nil {
		return err
	}
	created(w, "/api/v1/axes/"+a.ID, a.Version, a)
	return nil
}

func (s *Server) apiAxis(w http.ResponseWriter, r *http.Request) error {
	a, err := s.db.Axis(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, a.Version, a)
	return nil
}

func (s *Server) apiPatchAxis(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p plan.AxisPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	a, err := s.db.UpdateAxis(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, a.Version, a)
	return nil
}

func (s *Server) apiDeleteAxis(w http.ResponseWriter, r *http.Request) error {
	return s.deleteVersioned(w, r, s.db.DeleteAxis)
}

// deleteVersioned runs del on the resource of the path with the version of
// If-Match, and answers 204.
func (s *Server) deleteVersioned(w http.ResponseWriter, r *http.Request, del func(ctx context.Context, u *account.User, id string, ifVersion int) error) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := del(r.Context(), currentUser(r), r.PathValue("id"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiCreateObjective(w http.ResponseWriter, r *http.Request) error {
	var in objectiveInput
	if err := decode(r, &in); err != nil {
		return err
	}
	o := &plan.Objective{Title: in.Title}
	if err := s.db.CreateObjective(r.Context(), currentUser(r), r.PathValue("id"), o); err != nil {
		return err
	}
	created(w, "/api/v1/objectives/"+o.ID, o.Version, o)
	return nil
}

func (s *Server) apiPatchObjective(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p plan.ObjectivePatch
	if err := decode(r, &p); err != nil {
		return err
	}
	o, err := s.db.UpdateObjective(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, o.Version, o)
	return nil
}

func (s *Server) apiDeleteObjective(w http.ResponseWriter, r *http.Request) error {
	return s.deleteVersioned(w, r, s.db.DeleteObjective)
}

func (s *Server) apiCreateAction(w http.ResponseWriter, r *http.Request) error {
	var in actionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a := &plan.Action{Title: in.Title, Description: in.Description, Objective: in.Objective, Fields: in.Fields, Lead: in.Lead,
		Partners: in.Partners, Public: in.Public, Start: in.Start, End: in.End, Status: in.Status, Stakes: in.Stakes, Findings: in.Findings}
	if err := s.db.CreateAction(r.Context(), currentUser(r), r.PathValue("id"), a); err != nil {
		return err
	}
	created(w, "/api/v1/actions/"+a.ID, a.Version, a)
	return nil
}

func (s *Server) apiAction(w http.ResponseWriter, r *http.Request) error {
	a, err := s.db.Action(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, a.Version, a)
	return nil
}

func (s *Server) apiPatchAction(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p plan.ActionPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	a, err := s.db.UpdateAction(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, a.Version, a)
	return nil
}

func (s *Server) apiDeleteAction(w http.ResponseWriter, r *http.Request) error {
	return s.deleteVersioned(w, r, s.db.DeleteAction)
}

// actionFilter reads ?status=&field=&lead=&partner=&year=, checking each.
func actionFilter(r *http.Request) (store.ActionFilter, error) {
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	f := store.ActionFilter{Status: get("status"), Field: get("field"), Lead: get("lead"), Partner: get("partner")}
	bad := app.Fields{}
	if f.Status != "" && !plan.ValidStatus(f.Status) {
		bad.Add("status", "Statut inconnu : choisissez planned, in_progress, done, abandoned ou late.")
	}
	if f.Field != "" && !field.Valid(f.Field) {
		bad.Add("field", "Champ d'intervention inconnu : "+f.Field+".")
	}
	if y := get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2200 {
			bad.Add("year", "L'année doit s'écrire sur quatre chiffres, par exemple 2024.")
		}
		f.Year = n
	}
	return f, bad.Err()
}

func (s *Server) apiConventionActions(w http.ResponseWriter, r *http.Request) error {
	f, err := actionFilter(r)
	if err != nil {
		return err
	}
	as, err := s.db.Actions(r.Context(), currentUser(r), r.PathValue("id"), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(as))
	return nil
}

func (s *Server) apiJournal(w http.ResponseWriter, r *http.Request) error {
	j, err := s.db.Journal(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(j))
	return nil
}

func (s *Server) apiAddJournal(w http.ResponseWriter, r *http.Request) error {
	var in journalInput
	if err := decode(r, &in); err != nil {
		return err
	}
	e := &plan.JournalEntry{Date: in.Date, Text: in.Text}
	if err := s.db.AddJournal(r.Context(), currentUser(r), r.PathValue("id"), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) apiActionIndicators(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.ActionIndicators(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]actionIndicatorJSON, len(list))
	for i := range list {
		out[i] = withProgress(&list[i])
	}
	writeJSON(w, http.StatusOK, newList(out))
	return nil
}

func (s *Server) apiCreateActionIndicator(w http.ResponseWriter, r *http.Request) error {
	var in actionIndicatorInput
	if err := decode(r, &in); err != nil {
		return err
	}
	ind := &plan.Indicator{Label: in.Label, Unit: in.Unit, Baseline: in.Baseline, Targets: in.Targets, Values: in.Values}
	if err := s.db.CreateActionIndicator(r.Context(), currentUser(r), r.PathValue("id"), ind); err != nil {
		return err
	}
	created(w, "/api/v1/action-indicators/"+ind.ID, ind.Version, withProgress(ind))
	return nil
}

func (s *Server) apiActionIndicator(w http.ResponseWriter, r *http.Request) error {
	ind, err := s.db.ActionIndicator(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, ind.Version, withProgress(ind))
	return nil
}

func (s *Server) apiPatchActionIndicator(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p plan.IndicatorPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	ind, err := s.db.UpdateActionIndicator(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, ind.Version, withProgress(ind))
	return nil
}

func (s *Server) apiSetActionIndicatorValues(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var values map[string]float64
	if err := decode(r, &values); err != nil {
		return err
	}
	ind, err := s.db.SetActionIndicatorValues(r.Context(), currentUser(r), r.PathValue("id"), version, values)
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, ind.Version, withProgress(ind))
	return nil
}

func (s *Server) apiDeleteActionIndicator(w http.ResponseWriter, r *http.Request) error {
	return s.deleteVersioned(w, r, s.db.DeleteActionIndicator)
}

func (s *Server) apiTrace(w http.ResponseWriter, r *http.Request) error {
	t, err := s.db.Trace(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiPlanWarnings(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.db.PlanWarnings(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(ws))
	return nil
}
