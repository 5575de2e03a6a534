package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
	"ctg/internal/plan"
	"ctg/internal/store"
)

// The pages of one action: its form (new or changed, moved to another axis
// or number), the fiche action a coordinator prints, and its confirmation
// of deletion. The follow-up forms of the fiche (journal, indicators) are
// in page_plan_followup.go.

// actionForm is the state of the form of an action, as typed.
type actionForm struct {
	ID          string
	Convention  string
	Version     int
	Ref         string // the reference the action has, when editing
	Title       string
	Description string
	Axis        string
	Objective   string
	// Number is the place typed for the action in its axis; NumberWas is
	// the one it had when the form was shown.
	Number    string
	NumberWas int
	Fields    []string
	Lead      string
	Partners  []string
	Public    string
	Start     string
	End       string
	Status    string
	Stakes    []string
	Findings  []string
	Errors    map[string]string
	// Stored is, after a save refused because someone else saved first,
	// what the saved version holds where it differs from what was typed.
	Stored []storedValue
}

// storedValue is a field of the saved version of an action, in French.
type storedValue struct{ Label, Value string }

// Action is where the form posts.
func (f *actionForm) Action() string {
	if f.ID == "" {
		return "/conventions/" + f.Convention + "/actions/nouvelle"
	}
	return "/actions/" + f.ID + "/modifier"
}

// formOfAction fills the form with a stored action.
func formOfAction(a *plan.Action) actionForm {
	return actionForm{ID: a.ID, Convention: a.Convention, Version: a.Version, Ref: a.Ref, Title: a.Title, Description: a.Description,
		Axis: a.Axis, Objective: a.Objective, Number: strconv.Itoa(a.Number), NumberWas: a.Number, Fields: a.Fields, Lead: a.Lead,
		Partners: a.Partners, Public: a.Public, Start: a.Start, End: a.End, Status: a.Status, Stakes: a.Stakes, Findings: a.Findings}
}

// readActionForm reads the posted form of an action.
func readActionForm(r *http.Request) actionForm {
	p := r.PostForm
	f := actionForm{Title: p.Get("title"), Description: p.Get("description"), Axis: p.Get("axis"), Objective: p.Get("objective"),
		Number: strings.TrimSpace(p.Get("number")), Fields: p["fields"], Lead: p.Get("lead"), Partners: p["partners"],
		Public: p.Get("public"), Start: strings.TrimSpace(p.Get("start")), End: strings.TrimSpace(p.Get("end")), Status: p.Get("status"),
		Stakes: p["stakes"], Findings: p["findings"]}
	f.Version, _ = strconv.Atoi(p.Get("version"))
	f.NumberWas, _ = strconv.Atoi(p.Get("number_was"))
	return f
}

// listPatch returns l, or an empty list for none: a patch then clears the
// list instead of leaving it as it was.
func listPatch(l []string) *[]string {
	out := slices.Clone(l)
	if out == nil {
		out = []string{}
	}
	return &out
}

// stakeOption is a stake of the convention, to check in the form.
type stakeOption struct {
	diagnostic.Stake
	PriorityLabel string
}

// findingOption is a finding of the convention, to check in the form.
type findingOption struct {
	ID, KindLabel, FieldLabel, Short string
}

type actionFormData struct {
	C        *convention.Convention
	F        actionForm
	Axes     []plan.Axis
	Orgs     []account.Organisation
	Stakes   []stakeOption
	Findings []findingOption
	Statuses []struct{ Code, Label string }
	Fields   []field.Field
	// Places is how many actions the action's axis holds: the numbers it
	// may take there.
	Places int
}

// actionFormData gathers what the form of an action of convention c
// offers: the axes and their objectives, the organisations, the stakes
// and findings of the diagnosis.
func (s *Server) actionFormData(r *http.Request, c *convention.Convention, f actionForm) (*actionFormData, error) {
	u, ctx := currentUser(r), r.Context()
	p, err := s.db.Plan(ctx, u, c.ID)
	if err != nil {
		return nil, err
	}
	d := &actionFormData{C: c, F: f, Axes: p.Axes, Statuses: plan.Statuses, Fields: field.All}
	for _, x := range p.Axes {
		if x.ID == f.Axis || f.ID != "" && slices.ContainsFunc(x.Actions, func(a plan.Action) bool { return a.ID == f.ID }) {
			d.Places = max(d.Places, len(x.Actions))
		}
	}
	if d.Orgs, err = s.actionOrgs(r, c, append([]string{f.Lead}, f.Partners...)); err != nil {
		return nil, err
	}
	stakes, err := s.db.Stakes(ctx, u, c.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range stakes {
		d.Stakes = append(d.Stakes, stakeOption{Stake: st, PriorityLabel: diagnostic.PriorityLabel(st.Priority)})
	}
	findings, err := s.db.Findings(ctx, u, c.ID, store.FindingFilter{})
	if err != nil {
		return nil, err
	}
	for _, fd := range findings {
		v := s.viewFinding(fd, nil)
		d.Findings = append(d.Findings, findingOption{ID: fd.ID, KindLabel: v.KindLabel, FieldLabel: v.FieldLabel, Short: v.Short})
	}
	return d, nil
}

// actionOrgs lists the organisations that may lead an action of c or be
// its partners: the convention's CAF and every organisation that is not a
// CAF, as the convention form offers its parties, and those already
// chosen.
func (s *Server) actionOrgs(r *http.Request, c *convention.Convention, chosen []string) ([]account.Organisation, error) {
	orgs, err := s.db.Organisations(r.Context(), "")
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(orgs, func(o account.Organisation) bool {
		return o.Kind == "caf" && o.ID != c.CAF && !slices.Contains(chosen, o.ID)
	}), nil
}

func actionFormTitle(f *actionForm) string {
	if f.ID == "" {
		return "Nouvelle action"
	}
	return "Modifier l'action " + f.Ref
}

// renderActionForm shows the form with the status given.
func (s *Server) renderActionForm(w http.ResponseWriter, r *http.Request, status int, c *convention.Convention, f actionForm) error {
	d, err := s.actionFormData(r, c, f)
	if err != nil {
		return err
	}
	return s.renderStatus(w, r, status, "action_form", actionFormTitle(&d.F)+" — "+c.Title, "conventions", d)
}

// editableConvention returns the convention id names when u may change it:
// ErrNotFound when u may not see it, EForbidden for a reader.
func (s *Server) editableConvention(r *http.Request, id string) (*convention.Convention, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	if err := convention.CheckEdit(u, c); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Server) actionNewPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.editableConvention(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := actionForm{Convention: c.ID, Axis: r.URL.Query().Get("axe"), Status: plan.StatusPlanned}
	return s.renderActionForm(w, r, http.StatusOK, c, f)
}

func (s *Server) actionCreate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.editableConvention(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	f := readActionForm(r)
	f.Convention = c.ID
	x, err := s.db.Axis(r.Context(), currentUser(r), f.Axis)
	if err == nil && x.Convention != c.ID || app.ErrorCode(err) == app.ENotFound {
		// Say everything at once: the axis, and what the action lacks.
		bad := app.Fields{"axis": "Choisissez l'axe de l'action parmi ceux du plan."}
		a := &plan.Action{Title: f.Title, Description: f.Description, Public: f.Public, Fields: f.Fields, Start: f.Start, End: f.End, Status: f.Status}
		for k, v := range app.ErrorFields(a.Validate()) {
			bad.Add(k, v)
		}
		err = bad.Err()
	} else if err == nil {
		a := &plan.Action{Title: f.Title, Description: f.Description, Objective: f.Objective, Fields: f.Fields, Lead: f.Lead,
			Partners: f.Partners, Public: f.Public, Start: f.Start, End: f.End, Status: f.Status, Stakes: f.Stakes, Findings: f.Findings}
		if err = s.db.CreateAction(r.Context(), currentUser(r), x.ID, a); err == nil {
			return s.redirectFlash(w, r, "/actions/"+a.ID, "action.created")
		}
	}
	errs, status, ok := formRefusal(err, app.EInvalid)
	if !ok {
		return err
	}
	f.Errors = errs
	return s.renderActionForm(w, r, status, c, f)
}

// editableAction returns an action and its convention when u may change
// them.
func (s *Server) editableAction(r *http.Request) (*plan.Action, *convention.Convention, error) {
	a, err := s.db.Action(r.Context(), currentUser(r), r.PathValue("aid"))
	if err != nil {
		return nil, nil, err
	}
	c, err := s.editableConvention(r, a.Convention)
	if err != nil {
		return nil, nil, err
	}
	return a, c, nil
}

func (s *Server) actionEditPage(w http.ResponseWriter, r *http.Request) error {
	a, c, err := s.editableAction(r)
	if err != nil {
		return err
	}
	return s.renderActionForm(w, r, http.StatusOK, c, formOfAction(a))
}

func (s *Server) actionUpdate(w http.ResponseWriter, r *http.Request) error {
	before, c, err := s.editableAction(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	f := readActionForm(r)
	f.ID, f.Convention, f.Ref = before.ID, c.ID, before.Ref
	patch := plan.ActionPatch{Objective: &f.Objective, Title: &f.Title, Description: &f.Description, Fields: listPatch(f.Fields),
		Lead: &f.Lead, Partners: listPatch(f.Partners), Public: &f.Public, Start: &f.Start, End: &f.End, Status: &f.Status,
		Stakes: listPatch(f.Stakes), Findings: listPatch(f.Findings)}
	if f.Axis != before.Axis {
		patch.Axis = &f.Axis
	}
	// The number moves the action within its axis. Moving to another axis
	// with the number left as it was puts the action last there.
	n, nerr := strconv.Atoi(f.Number)
	switch {
	case nerr != nil:
		err = app.Invalid("Certaines informations sont à corriger.", map[string]string{"number": "Indiquez le numéro de l'action dans son axe, un nombre entier, par exemple 2."})
	case patch.Axis == nil && n != before.Number, patch.Axis != nil && n != f.NumberWas:
		patch.Number = &n
	}
	var after *plan.Action
	if err == nil {
		after, err = s.db.UpdateAction(r.Context(), currentUser(r), before.ID, f.Version, patch)
	}
	if err == nil {
		flash := "action.updated"
		if after.Version == before.Version {
			flash = "nochange"
		}
		return s.redirectFlash(w, r, "/actions/"+before.ID, flash)
	}
	code := app.ErrorCode(err)
	switch code {
	case app.EInvalid:
		f.Errors = formErrorsOf(err)
	case app.EPreconditionFailed:
		// Nothing was saved. The form keeps what was typed and shows what
		// the saved version holds; it takes that version, so that saving
		// again is a choice made knowing both.
		current, cerr := s.db.Action(r.Context(), currentUser(r), before.ID)
		if cerr != nil {
			return cerr
		}
		f.Errors = map[string]string{"form": "Quelqu'un a modifié cette fiche action pendant que vous la modifiiez : rien n'a été enregistré."}
		if f.Stored, err = s.storedDiff(r, c, &f, current); err != nil {
			return err
		}
		f.Version, f.Ref, f.NumberWas = current.Version, current.Ref, current.Number
	default:
		return err
	}
	return s.renderActionForm(w, r, statusFor(code), c, f)
}

// storedDiff lists, in French, the fields of the saved action a that differ
// from what form f holds.
func (s *Server) storedDiff(r *http.Request, c *convention.Convention, f *actionForm, a *plan.Action) ([]storedValue, error) {
	p, err := s.db.Plan(r.Context(), currentUser(r), c.ID)
	if err != nil {
		return nil, err
	}
	names, err := s.planNames(r, []plan.Action{*a})
	if err != nil {
		return nil, err
	}
	stakes, err := s.db.Stakes(r.Context(), currentUser(r), c.ID)
	if err != nil {
		return nil, err
	}
	v := viewActions([]plan.Action{*a}, p.Axes, names)[0]
	typed := plan.Action{Title: f.Title, Description: f.Description, Public: f.Public, Objective: f.Objective, Lead: f.Lead,
		Partners: f.Partners, Fields: f.Fields, Start: f.Start, End: f.End, Status: f.Status, Stakes: f.Stakes, Findings: f.Findings}
	_ = typed.Validate() // tidied and sorted as the stored one is; the messages come on saving
	none := func(s string) string {
		if s == "" {
			return "aucun"
		}
		return s
	}
	var out []storedValue
	add := func(differs bool, label, value string) {
		if differs {
			out = append(out, storedValue{label, value})
		}
	}
	add(f.Axis != a.Axis || f.Number != strconv.Itoa(a.Number), "Référence", a.Ref)
	add(typed.Title != a.Title, "Intitulé", a.Title)
	add(typed.Description != a.Description, "Description", none(a.Description))
	add(typed.Objective != a.Objective, "Objectif", none(strings.TrimPrefix(v.ObjectiveLabel+" — "+v.ObjectiveTitle, " — ")))
	add(!slices.Equal(typed.Fields, a.Fields), "Champs d'intervention", none(strings.Join(v.FieldLabels, ", ")))
	add(typed.Lead != a.Lead, "Porteur", none(v.LeadName))
	add(!slices.Equal(typed.Partners, a.Partners), "Partenaires", none(strings.Join(v.PartnerNames, ", ")))
	add(typed.Public != a.Public, "Public visé", none(a.Public))
	add(typed.Start != a.Start || typed.End != a.End, "Dates", none(v.Period()))
	add(typed.Status != a.Status, "Statut", v.StatusLabel)
	if !slices.Equal(typed.Stakes, a.Stakes) {
		var titles []string
		for _, st := range stakes {
			if slices.Contains(a.Stakes, st.ID) {
				titles = append(titles, st.Title)
			}
		}
		add(true, "Enjeux", none(strings.Join(titles, " ; ")))
	}
	add(!slices.Equal(typed.Findings, a.Findings), "Constats", countOf(len(a.Findings), "constat", "constats"))
	return out, nil
}

// actionDeleteData is the confirmation of the deletion of an action: what
// goes with it.
type actionDeleteData struct {
	C           *convention.Convention
	A           *plan.Action
	Indicators  int
	Notes       int
	BudgetLines int
	Error       string
}

func (s *Server) actionDeleteData(r *http.Request, a *plan.Action, c *convention.Convention) (*actionDeleteData, error) {
	u, ctx := currentUser(r), r.Context()
	d := &actionDeleteData{C: c, A: a}
	inds, err := s.db.ActionIndicators(ctx, u, a.ID)
	if err != nil {
		return nil, err
	}
	notes, err := s.db.Journal(ctx, u, a.ID)
	if err != nil {
		return nil, err
	}
	b, err := s.db.Budget(ctx, u, a.ID)
	if err != nil {
		return nil, err
	}
	d.Indicators, d.Notes, d.BudgetLines = len(inds), len(notes), len(b.Lines)
	return d, nil
}

func (s *Server) actionDeletePage(w http.ResponseWriter, r *http.Request) error {
	a, c, err := s.editableAction(r)
	if err != nil {
		return err
	}
	d, err := s.actionDeleteData(r, a, c)
	if err != nil {
		return err
	}
	return s.render(w, r, "action_delete", "Supprimer l'action "+a.Ref+" — "+c.Title, "conventions", d)
}

func (s *Server) actionDelete(w http.ResponseWriter, r *http.Request) error {
	a, c, err := s.editableAction(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	err = s.db.DeleteAction(r.Context(), currentUser(r), a.ID, version)
	if err == nil {
		return s.redirectFlash(w, r, "/conventions/"+c.ID+"/plan#axe-"+a.Axis, "action.deleted")
	}
	if app.ErrorCode(err) != app.EPreconditionFailed {
		return err
	}
	// Changed since the confirmation was shown: show it again, as it is now.
	d, derr := s.actionDeleteData(r, a, c)
	if derr != nil {
		return derr
	}
	d.Error = "L'action a été modifiée depuis l'affichage de cette page : elle n'a pas été supprimée. Vérifiez-la, puis confirmez de nouveau."
	return s.renderStatus(w, r, http.StatusPreconditionFailed, "action_delete", "Supprimer l'action "+a.Ref+" — "+c.Title, "conventions", d)
}
