package web

import (
	"net/http"
	"strconv"

	"ctg/internal/app"
	"ctg/internal/plan"
)

// The forms of the plan page that add, rename, move and delete axes and
// objectives. A refused form comes back on the plan page, in place, with
// what was typed (planBack).

// axisOf returns an axis of the convention of the page, ErrNotFound for
// any other.
func (s *Server) axisOf(r *http.Request, conventionID, axisID string) (*plan.Axis, error) {
	x, err := s.db.Axis(r.Context(), currentUser(r), axisID)
	if err != nil {
		return nil, err
	}
	if x.Convention != conventionID {
		return nil, app.ErrNotFound
	}
	return x, nil
}

func (s *Server) axisCreate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	form := axisForm{Title: r.PostForm.Get("title"), Description: r.PostForm.Get("description")}
	x := &plan.Axis{Title: form.Title, Description: form.Description}
	if err := s.db.CreateAxis(r.Context(), currentUser(r), id, x); err != nil {
		return s.planBack(w, r, id, err, func(d *planData, errs map[string]string) {
			form.Errors = errs
			d.NewAxis = form
		})
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/plan#axe-"+x.ID, "axis.created")
}

func (s *Server) axisUpdate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	before, err := s.axisOf(r, id, r.PathValue("xid"))
	if err != nil {
		return err
	}
	p := r.PostForm
	form := axisForm{ID: before.ID, Title: p.Get("title"), Description: p.Get("description")}
	form.Version, _ = strconv.Atoi(p.Get("version"))
	form.Number, _ = strconv.Atoi(p.Get("number"))
	after, err := s.db.UpdateAxis(r.Context(), currentUser(r), before.ID, form.Version,
		plan.AxisPatch{Number: &form.Number, Title: &form.Title, Description: &form.Description})
	if err != nil {
		return s.planBack(w, r, id, err, func(d *planData, errs map[string]string) { d.setAxisForm(form, errs) })
	}
	flash := "axis.updated"
	if after.Version == before.Version {
		flash = "nochange"
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/plan#axe-"+before.ID, flash)
}

// setAxisForm shows form, refused with errs, in place of its axis's.
func (d *planData) setAxisForm(form axisForm, errs map[string]string) {
	for i := range d.Axes {
		if d.Axes[i].ID == form.ID {
			form.Errors = errs
			d.Axes[i].Form = form
		}
	}
}

func (s *Server) axisDelete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	x, err := s.axisOf(r, id, r.PathValue("xid"))
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.db.DeleteAxis(r.Context(), currentUser(r), x.ID, version); err != nil {
		form := axisForm{ID: x.ID, Version: x.Version, Title: x.Title, Description: x.Description, Number: x.Number}
		return s.planBack(w, r, id, err, func(d *planData, errs map[string]string) { d.setAxisForm(form, errs) })
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/plan", "axis.deleted")
}

func (s *Server) objectiveCreate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	x, err := s.axisOf(r, id, r.PathValue("xid"))
	if err != nil {
		return err
	}
	form := objectiveForm{Axis: x.ID, Title: r.PostFormValue("title")}
	o := &plan.Objective{Title: form.Title}
	if err := s.db.CreateObjective(r.Context(), currentUser(r), x.ID, o); err != nil {
		return s.planBack(w, r, id, err, func(d *planData, errs map[string]string) {
			form.Errors = errs
			for i := range d.Axes {
				if d.Axes[i].ID == x.ID {
					d.Axes[i].NewObjective = form
				}
			}
		})
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/plan#objectif-"+o.ID, "objective.created")
}

// objectiveOf returns an objective of the convention of the page and its
// axis, ErrNotFound for any other.
func (s *Server) objectiveOf(r *http.Request, conventionID, objectiveID string) (*plan.Objective, error) {
	p, err := s.db.Plan(r.Context(), currentUser(r), conventionID)
	if err != nil {
		return nil, err
	}
	for _, x := range p.Axes {
		for _, o := range x.Objectives {
			if o.ID == objectiveID {
				return &o, nil
			}
		}
	}
	return nil, app.ErrNotFound
}

// setObjectiveForm shows form, refused with errs, in place of its
// objective's.
func (d *planData) setObjectiveForm(form objectiveForm, errs map[string]string) {
	for i := range d.Axes {
		for j := range d.Axes[i].Objectives {
			if d.Axes[i].Objectives[j].ID == form.ID {
				form.Errors = errs
				d.Axes[i].Objectives[j].Form = form
			}
		}
	}
}

func (s *Server) objectiveUpdate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	before, err := s.objectiveOf(r, id, r.PathValue("oid"))
	if err != nil {
		return err
	}
	form := objectiveForm{ID: before.ID, Axis: before.Axis, Title: r.PostForm.Get("title")}
	form.Version, _ = strconv.Atoi(r.PostForm.Get("version"))
	after, err := s.db.UpdateObjective(r.Context(), currentUser(r), before.ID, form.Version, plan.ObjectivePatch{Title: &form.Title})
	if err != nil {
		return s.planBack(w, r, id, err, func(d *planData, errs map[string]string) { d.setObjectiveForm(form, errs) })
	}
	flash := "objective.updated"
	if after.Version == before.Version {
		flash = "nochange"
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/plan#objectif-"+before.ID, flash)
}

func (s *Server) objectiveDelete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	o, err := s.objectiveOf(r, id, r.PathValue("oid"))
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.db.DeleteObjective(r.Context(), currentUser(r), o.ID, version); err != nil {
		form := objectiveForm{ID: o.ID, Axis: o.Axis, Version: o.Version, Title: o.Title}
		return s.planBack(w, r, id, err, func(d *planData, errs map[string]string) { d.setObjectiveForm(form, errs) })
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/plan#axe-"+o.Axis, "objective.deleted")
}
