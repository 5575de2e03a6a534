package web

import (
	"net/http"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
	"ctg/internal/store"
	"ctg/internal/workshop"
)

// blankProposals is the number of empty proposal rows a new workshop's
// form offers; "Ajouter une proposition" adds one more.
const blankProposals = 3

// proposalRow is a row of the workshop form.
type proposalRow struct {
	ID, Text, Field string
}

// workshopForm is the state of the form that adds or changes a workshop,
// as typed: participants stay text until they read as numbers.
type workshopForm struct {
	ID           string
	Version      int
	Title        string
	Date         string
	Place        string
	Minutes      string
	Participants map[string]string
	Proposals    []proposalRow
	Errors       map[string]string
}

// participantCount is a category of participants with its count.
type participantCount struct {
	Label string
	N     int
}

// proposalView is a proposal with what the page writes of it.
type proposalView struct {
	workshop.Proposal
	FieldLabel string
	// Carried is the finding the proposal became, when it still exists.
	Carried *diagnostic.Finding
	// KindLabel names the kind of that finding.
	KindLabel string
}

// workshopView is a workshop ready to show.
type workshopView struct {
	workshop.Workshop
	Counts    []participantCount
	Total     int
	Minutes   []string // paragraphs
	Proposals []proposalView
}

type workshopsData struct {
	C          *convention.Convention
	CanEdit    bool
	Workshops  []workshopView
	Proposals  int
	Carried    int
	Fields     []field.Field
	Kinds      []struct{ Code, Label, Plural string }
	Categories []struct{ Code, Label string }
	Form       workshopForm
	// CarryErrors holds the message of a refused "Retenir comme constat",
	// by proposal id; CarryKinds, the kind that was chosen.
	CarryErrors map[string]string
	CarryKinds  map[string]string
}

func newWorkshopForm() workshopForm {
	f := workshopForm{Participants: map[string]string{}}
	for range blankProposals {
		f.Proposals = append(f.Proposals, proposalRow{})
	}
	return f
}

// formOf fills the form with a stored workshop, with one blank row more.
func formOf(w *workshop.Workshop) workshopForm {
	f := workshopForm{ID: w.ID, Version: w.Version, Title: w.Title, Date: w.Date, Place: w.Place, Minutes: w.Minutes,
		Participants: map[string]string{}}
	for _, c := range workshop.Categories {
		f.Participants[c.Code] = strconv.Itoa(w.Participants.Get(c.Code))
	}
	for _, p := range w.Proposals {
		f.Proposals = append(f.Proposals, proposalRow{ID: p.ID, Text: p.Text, Field: p.Field})
	}
	f.Proposals = append(f.Proposals, proposalRow{})
	return f
}

// workshopsData gathers the workshops of a convention and the findings
// their proposals became.
func (s *Server) workshopsData(r *http.Request, id string) (*workshopsData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	ws, err := s.db.Workshops(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	findings, err := s.db.Findings(r.Context(), u, id, store.FindingFilter{})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*diagnostic.Finding, len(findings))
	for i := range findings {
		byID[findings[i].ID] = &findings[i]
	}
	d := &workshopsData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, Fields: field.All, Kinds: diagnostic.FindingKinds,
		Categories: workshop.Categories, Form: newWorkshopForm(), CarryErrors: map[string]string{}, CarryKinds: map[string]string{}}
	for _, w := range ws {
		v := workshopView{Workshop: w, Total: w.Participants.Total()}
		for _, cat := range workshop.Categories {
			v.Counts = append(v.Counts, participantCount{Label: cat.Label, N: w.Participants.Get(cat.Code)})
		}
		for _, line := range strings.Split(w.Minutes, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				v.Minutes = append(v.Minutes, line)
			}
		}
		for _, p := range w.Proposals {
			pv := proposalView{Proposal: p, FieldLabel: field.Label(p.Field)}
			if p.Finding != nil {
				if f, ok := byID[*p.Finding]; ok {
					pv.Carried, pv.KindLabel = f, diagnostic.FindingKindLabel(f.Kind)
					d.Carried++
				}
			}
			v.Proposals = append(v.Proposals, pv)
		}
		d.Proposals += len(w.Proposals)
		d.Workshops = append(d.Workshops, v)
	}
	return d, nil
}

func (s *Server) workshopsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.workshopsData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if wid := r.URL.Query().Get("modifier"); wid != "" && d.CanEdit {
		ws, err := s.db.Workshop(r.Context(), currentUser(r), wid)
		if err != nil || ws.Convention != d.C.ID {
			return app.ErrNotFound
		}
		d.Form = formOf(ws)
	}
	return s.render(w, r, "workshops", "Ateliers — "+d.C.Title, "conventions", d)
}

// workshopsBack shows the page again with a refused form or carry, with
// the status of the error; other errors go to the error page.
func (s *Server) workshopsBack(w http.ResponseWriter, r *http.Request, id string, err error, set func(d *workshopsData, errs map[string]string)) error {
	errs, status, ok := formRefusal(err, app.EInvalid, app.EPreconditionFailed, app.EConflict)
	if !ok {
		return err
	}
	d, derr := s.workshopsData(r, id)
	if derr != nil {
		return derr
	}
	set(d, errs)
	return s.renderStatus(w, r, status, "workshops", "Ateliers — "+d.C.Title, "conventions", d)
}

// readWorkshopForm reads the posted form: the rows of proposals left
// empty are dropped, participants are read as integers (empty is none).
func readWorkshopForm(r *http.Request) (workshopForm, *workshop.Workshop, app.Fields) {
	p := r.PostForm
	form := workshopForm{ID: p.Get("id"), Title: p.Get("title"), Date: p.Get("date"), Place: p.Get("place"), Minutes: p.Get("minutes"),
		Participants: map[string]string{}}
	form.Version, _ = strconv.Atoi(p.Get("version"))
	ws := &workshop.Workshop{Title: form.Title, Date: form.Date, Place: form.Place, Minutes: form.Minutes, Proposals: []workshop.Proposal{}}
	bad := app.Fields{}
	for _, c := range workshop.Categories {
		raw := strings.TrimSpace(p.Get(c.Code))
		form.Participants[c.Code] = raw
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(strings.ReplaceAll(raw, " ", ""))
		if err != nil {
			bad.Add("participants."+c.Code, "Indiquez un nombre entier de participants, par exemple 4 (0 si personne).")
			continue
		}
		ws.Participants.Set(c.Code, n)
	}
	ids, texts, fields := p["proposal_id"], p["proposal_text"], p["proposal_field"]
	for i := range texts {
		row := proposalRow{Text: texts[i]}
		if i < len(ids) {
			row.ID = ids[i]
		}
		if i < len(fields) {
			row.Field = fields[i]
		}
		if strings.TrimSpace(row.Text) == "" && row.ID == "" {
			continue // a blank row
		}
		form.Proposals = append(form.Proposals, row)
		ws.Proposals = append(ws.Proposals, workshop.Proposal{ID: row.ID, Text: row.Text, Field: row.Field})
	}
	return form, ws, bad
}

func (s *Server) workshopSave(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, c); err != nil {
		return err // a reader is told so, whatever the form holds
	}
	form, ws, bad := readWorkshopForm(r)
	if r.PostForm.Get("op") == "add-proposal" {
		// One more row, nothing saved: the page comes back as it was typed.
		d, err := s.workshopsData(r, id)
		if err != nil {
			return err
		}
		form.Proposals = append(form.Proposals, proposalRow{})
		d.Form = form
		return s.render(w, r, "workshops", "Ateliers — "+d.C.Title, "conventions", d)
	}
	saved, flash := "", "workshop.created"
	if len(bad) > 0 {
		// Say everything at once: the numbers that do not read, and the rest.
		if verr := ws.Validate(); verr != nil {
			for k, v := range app.ErrorFields(verr) {
				if _, ok := bad[k]; !ok {
					bad[k] = v
				}
			}
		}
		err = bad.Err()
	} else if form.ID == "" {
		err = s.db.CreateWorkshop(r.Context(), u, id, ws)
		saved = ws.ID
	} else {
		before, werr := s.db.Workshop(r.Context(), u, form.ID)
		if err = werr; err == nil && before.Convention != id {
			err = app.ErrNotFound // not a workshop of this page's convention
		}
		if err == nil {
			participants := ws.Participants
			var after *workshop.Workshop
			after, err = s.db.UpdateWorkshop(r.Context(), u, form.ID, form.Version, workshop.Patch{Title: &ws.Title, Date: &ws.Date,
				Place: &ws.Place, Minutes: &ws.Minutes, Participants: &participants, Proposals: &ws.Proposals})
			saved, flash = form.ID, "workshop.updated"
			if err == nil && after.Version == before.Version {
				flash = "nochange"
			}
		}
	}
	if err == nil {
		return s.redirectFlash(w, r, "/conventions/"+id+"/ateliers#atelier-"+saved, flash)
	}
	return s.workshopsBack(w, r, id, err, func(d *workshopsData, errs map[string]string) {
		form.Errors = errs
		if len(form.Proposals) == 0 {
			form.Proposals = append(form.Proposals, proposalRow{})
		}
		d.Form = form
	})
}

func (s *Server) workshopDelete(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	ws, err := s.db.Workshop(r.Context(), u, r.PathValue("wid"))
	if err != nil {
		return err
	}
	if ws.Convention != id {
		return app.ErrNotFound
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.db.DeleteWorkshop(r.Context(), u, ws.ID, version); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/ateliers", "workshop.deleted")
}

// proposalCarry makes a proposal a finding of the diagnosis, of the kind
// chosen beside it.
func (s *Server) proposalCarry(w http.ResponseWriter, r *http.Request) error {
	id, pid, u := r.PathValue("id"), r.PathValue("pid"), currentUser(r)
	ws, err := s.db.Workshops(r.Context(), u, id)
	if err != nil {
		return err
	}
	var wid string
	for _, x := range ws {
		if _, ok := x.Proposal(pid); ok {
			wid = x.ID
		}
	}
	if wid == "" {
		return app.ErrNotFound // not a proposal of this page's convention
	}
	kind := r.PostFormValue("kind")
	if _, err := s.db.CarryProposal(r.Context(), u, pid, kind); err != nil {
		return s.workshopsBack(w, r, id, err, func(d *workshopsData, errs map[string]string) {
			msg := errs["kind"]
			if msg == "" {
				msg = app.ErrorMessage(err)
			}
			d.CarryErrors[pid], d.CarryKinds[pid] = msg, kind
		})
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/ateliers#proposition-"+pid, "proposal.carried")
}
