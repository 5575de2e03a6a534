package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/committee"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

// The committees of a convention: the list of its meetings with a form
// to add or change one (/conventions/{id}/comites), a meeting's printable
// minutes (/conventions/{id}/comites/{mid}), and the follow-up of every
// decision (/conventions/{id}/decisions, page_meetings_decisions.go).

// Blank rows a new meeting's form offers; "Ajouter un participant" and
// "Ajouter une décision" add one more without JavaScript.
const (
	blankAttendees = 3
	blankDecisions = 2
)

// attendeeRow is a row of attendees of the meeting form, as typed.
type attendeeRow struct {
	Name, Organisation, Role string
}

// decisionFormRow is a row of decisions of the meeting form, as typed.
type decisionFormRow struct {
	ID, Text string
	Actions  []string
}

// meetingForm is the state of the form that adds or changes a meeting.
type meetingForm struct {
	ID        string
	Version   int
	Committee string
	Title     string
	Date      string
	Place     string
	Agenda    string
	Minutes   string
	Attendees []attendeeRow
	Decisions []decisionFormRow
	Errors    map[string]string
}

// actionChoice is an action of the plan offered to a decision.
type actionChoice struct {
	ID, Ref, Title string
}

// axisChoice is an axis of the plan with its actions, for the decisions'
// checkboxes.
type axisChoice struct {
	Number  int
	Title   string
	Actions []actionChoice
}

// meetingView is a meeting ready to show.
type meetingView struct {
	committee.Meeting
	Name           string
	CommitteeLabel string
	CommitteeShort string
	// Open, Done and Dropped count its decisions by status.
	Open, Done, Dropped int
}

type meetingsData struct {
	C          *convention.Convention
	CanEdit    bool
	Upcoming   []meetingView // soonest first
	Past       []meetingView // newest first
	Decisions  int
	Open       int
	Orgs       []account.Organisation
	Committees []struct{ Code, Label, Short string }
	Axes       []axisChoice
	Refs       map[string]string // action id → "Axe 2 / Action 4"
	Form       meetingForm
}

func newMeetingForm() meetingForm {
	f := meetingForm{Committee: committee.Copil}
	for range blankAttendees {
		f.Attendees = append(f.Attendees, attendeeRow{})
	}
	for range blankDecisions {
		f.Decisions = append(f.Decisions, decisionFormRow{})
	}
	return f
}

// meetingFormOf fills the form with a stored meeting, with one blank row
// more of each list.
func meetingFormOf(m *committee.Meeting) meetingForm {
	f := meetingForm{ID: m.ID, Version: m.Version, Committee: m.Committee, Title: m.Title, Date: m.Date, Place: m.Place,
		Agenda: m.Agenda, Minutes: m.Minutes}
	for _, a := range m.Attendees {
		f.Attendees = append(f.Attendees, attendeeRow{Name: a.Name, Organisation: a.Organisation, Role: a.Role})
	}
	for _, d := range m.Decisions {
		f.Decisions = append(f.Decisions, decisionFormRow{ID: d.ID, Text: d.Text, Actions: d.Actions})
	}
	f.Attendees = append(f.Attendees, attendeeRow{})
	f.Decisions = append(f.Decisions, decisionFormRow{})
	return f
}

func viewMeeting(m committee.Meeting) meetingView {
	v := meetingView{Meeting: m, Name: m.Name(), CommitteeLabel: committee.CommitteeLabel(m.Committee), CommitteeShort: committee.CommitteeShort(m.Committee)}
	for _, d := range m.Decisions {
		switch d.Status {
		case committee.StatusDone:
			v.Done++
		case committee.StatusDropped:
			v.Dropped++
		default:
			v.Open++
		}
	}
	return v
}

// planChoices returns the axes of p with their actions, and the reference
// of each action by id.
func planChoices(p *plan.Plan) ([]axisChoice, map[string]string) {
	var axes []axisChoice
	refs := map[string]string{}
	for _, x := range p.Axes {
		ax := axisChoice{Number: x.Number, Title: x.Title}
		for _, a := range x.Actions {
			ax.Actions = append(ax.Actions, actionChoice{ID: a.ID, Ref: a.Ref, Title: a.Title})
			refs[a.ID] = a.Ref
		}
		axes = append(axes, ax)
	}
	return axes, refs
}

// meetingsData gathers the meetings of a convention and what the form
// offers: organisations and the actions of the plan.
func (s *Server) meetingsData(r *http.Request, id string) (*meetingsData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	ms, err := s.db.Meetings(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	p, err := s.db.Plan(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &meetingsData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, Form: newMeetingForm(), Committees: committee.Committees}
	d.Axes, d.Refs = planChoices(p)
	today := s.today()
	for _, m := range ms {
		v := viewMeeting(m)
		d.Decisions += len(m.Decisions)
		d.Open += v.Open
		if m.Date > today {
			d.Upcoming = append(d.Upcoming, v)
		} else {
			d.Past = append(d.Past, v)
		}
	}
	slices.Reverse(d.Upcoming) // the next one first
	if d.CanEdit {
		// The organisations of the attendees already recorded stay in the
		// list, another CAF's included, so that changing a meeting keeps them.
		var chosen []string
		for _, m := range ms {
			for _, a := range m.Attendees {
				chosen = append(chosen, a.Organisation)
			}
		}
		if d.Orgs, err = s.actionOrgs(r, c, chosen); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func meetingsTitle(c *convention.Convention) string { return "Comités et réunions — " + c.Title }

func (s *Server) meetingsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.meetingsData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if mid := r.URL.Query().Get("modifier"); mid != "" && d.CanEdit {
		m, err := s.db.Meeting(r.Context(), currentUser(r), mid)
		if err != nil || m.Convention != d.C.ID {
			return app.ErrNotFound
		}
		d.Form = meetingFormOf(m)
	}
	return s.render(w, r, "meetings", meetingsTitle(d.C), "conventions", d)
}

// readMeetingForm reads the posted form. Rows left blank are dropped; a
// decision's actions come from the checkboxes named after its row.
func readMeetingForm(r *http.Request) (meetingForm, *committee.Meeting, []committee.DecisionInput) {
	p := r.PostForm
	f := meetingForm{ID: p.Get("id"), Committee: p.Get("committee"), Title: p.Get("title"), Date: p.Get("date"), Place: p.Get("place"),
		Agenda: p.Get("agenda"), Minutes: p.Get("minutes")}
	f.Version, _ = strconv.Atoi(p.Get("version"))
	m := &committee.Meeting{Committee: f.Committee, Title: f.Title, Date: f.Date, Place: f.Place, Agenda: f.Agenda, Minutes: f.Minutes,
		Attendees: []committee.Attendee{}}
	at := func(list []string, i int) string {
		if i < len(list) {
			return list[i]
		}
		return ""
	}
	names, orgs, roles := p["attendee_name"], p["attendee_org"], p["attendee_role"]
	for i := range names {
		row := attendeeRow{Name: names[i], Organisation: at(orgs, i), Role: at(roles, i)}
		if strings.TrimSpace(row.Name+row.Organisation+row.Role) == "" {
			continue
		}
		f.Attendees = append(f.Attendees, row)
		m.Attendees = append(m.Attendees, committee.Attendee{Name: row.Name, Organisation: row.Organisation, Role: row.Role})
	}
	var decisions []committee.DecisionInput
	ids, texts := p["decision_id"], p["decision_text"]
	for i := range texts {
		row := decisionFormRow{ID: at(ids, i), Text: texts[i], Actions: p["decision_actions_"+strconv.Itoa(i)]}
		if strings.TrimSpace(row.Text) == "" && row.ID == "" && len(row.Actions) == 0 {
			continue
		}
		f.Decisions = append(f.Decisions, row)
		decisions = append(decisions, committee.DecisionInput{ID: row.ID, Text: row.Text, Actions: row.Actions})
	}
	return f, m, decisions
}

// meetingsBack shows the page again with the refused form and the status
// of the error; other errors go to the error page.
func (s *Server) meetingsBack(w http.ResponseWriter, r *http.Request, id string, err error, form meetingForm) error {
	errs, status, ok := formRefusal(err, app.EInvalid, app.EPreconditionFailed, app.EConflict)
	if !ok {
		return err
	}
	d, derr := s.meetingsData(r, id)
	if derr != nil {
		return derr
	}
	form.Errors = errs
	if len(form.Attendees) == 0 {
		form.Attendees = append(form.Attendees, attendeeRow{})
	}
	if len(form.Decisions) == 0 {
		form.Decisions = append(form.Decisions, decisionFormRow{})
	}
	d.Form = form
	return s.renderStatus(w, r, status, "meetings", meetingsTitle(d.C), "conventions", d)
}

func (s *Server) meetingSave(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	u := currentUser(r)
	if _, err := s.editableConvention(r, id); err != nil {
		return err // a reader is told so, whatever the form holds
	}
	form, m, decisions := readMeetingForm(r)
	if op := r.PostForm.Get("op"); op == "add-attendee" || op == "add-decision" {
		// One more row, nothing saved: the page comes back as it was typed.
		d, err := s.meetingsData(r, id)
		if err != nil {
			return err
		}
		if op == "add-attendee" {
			form.Attendees = append(form.Attendees, attendeeRow{})
		} else {
			form.Decisions = append(form.Decisions, decisionFormRow{})
		}
		d.Form = form
		return s.render(w, r, "meetings", meetingsTitle(d.C), "conventions", d)
	}
	var err error
	saved, flash := "", "meeting.created"
	if form.ID == "" {
		m.Decisions = committee.MergeDecisions(nil, decisions)
		err = s.db.CreateMeeting(r.Context(), u, id, m)
		saved = m.ID
	} else {
		var before *committee.Meeting
		if before, err = s.db.Meeting(r.Context(), u, form.ID); err == nil && before.Convention != id {
			err = app.ErrNotFound // not a meeting of this page's convention
		}
		if err == nil {
			var after *committee.Meeting
			after, err = s.db.UpdateMeeting(r.Context(), u, form.ID, form.Version, committee.Patch{Committee: &m.Committee, Title: &m.Title,
				Date: &m.Date, Place: &m.Place, Agenda: &m.Agenda, Minutes: &m.Minutes, Attendees: &m.Attendees, Decisions: &decisions})
			saved, flash = form.ID, "meeting.updated"
			if err == nil && after.Version == before.Version {
				flash = "nochange"
			}
		}
	}
	if err != nil {
		return s.meetingsBack(w, r, id, err, form)
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/comites/"+saved, flash)
}

func (s *Server) meetingDelete(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	m, err := s.db.Meeting(r.Context(), u, r.PathValue("mid"))
	if err != nil {
		return err
	}
	if m.Convention != id {
		return app.ErrNotFound
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.db.DeleteMeeting(r.Context(), u, m.ID, version); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/comites", "meeting.deleted")
}

// decisionView is a decision of a meeting's minutes, with the actions it
// concerns.
type decisionView struct {
	committee.Decision
	StatusLabel string
	Links       []actionChoice
}

type meetingData struct {
	C         *convention.Convention
	CanEdit   bool
	M         meetingView
	Decisions []decisionView
}

// meetingPage shows a meeting as minutes to print: who attended, the
// agenda, the minutes and the decisions with the actions they concern.
func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return err
	}
	m, err := s.db.Meeting(r.Context(), u, r.PathValue("mid"))
	if err != nil {
		return err
	}
	if m.Convention != id {
		return app.ErrNotFound
	}
	p, err := s.db.Plan(r.Context(), u, id)
	if err != nil {
		return err
	}
	d := meetingData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, M: viewMeeting(*m)}
	d.Decisions = decisionViews(m.Decisions, p)
	return s.render(w, r, "meeting", d.M.Name+" — "+c.Title, "conventions", d)
}

// decisionViews gives each decision the actions it concerns, in the
// order of the plan p.
func decisionViews(ds []committee.Decision, p *plan.Plan) []decisionView {
	order := map[string]int{}
	actions := p.Actions()
	for i, a := range actions {
		order[a.ID] = i
	}
	out := make([]decisionView, len(ds))
	for i, dec := range ds {
		v := decisionView{Decision: dec, StatusLabel: committee.StatusLabel(dec.Status)}
		for _, aid := range dec.Actions {
			if j, ok := order[aid]; ok {
				v.Links = append(v.Links, actionChoice{ID: aid, Ref: actions[j].Ref, Title: actions[j].Title})
			}
		}
		slices.SortFunc(v.Links, func(a, b actionChoice) int { return order[a.ID] - order[b.ID] })
		out[i] = v
	}
	return out
}
