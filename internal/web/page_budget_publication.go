package web

import (
	"net/http"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/publication"
)

// The public page of a convention is published, changed and withdrawn
// from /conventions/{id}/publication: the partners choose whether it shows
// the budget totals and the results of the closed questionnaires, and
// write a summary in plain French. The page itself is /p/{slug}.

// publicationForm is the state of the publication form, as typed.
type publicationForm struct {
	ShowBudget  bool
	ShowSurveys bool
	Summary     string
	Errors      map[string]string
}

type publicationData struct {
	C       *convention.Convention
	CanEdit bool
	// P is the page as published; nil when the convention has none.
	P         *publication.Publication
	Form      publicationForm
	MaxLength int
}

// publicationData gathers the publication of a convention u may see.
func (s *Server) publicationData(r *http.Request, id string) (*publicationData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	// Nothing beyond the plan is published unless the partners tick it.
	d := &publicationData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, MaxLength: publication.MaxSummary}
	// The convention is visible: not found here means not published.
	p, err := s.db.Publication(r.Context(), u, id)
	switch {
	case err == nil:
		d.P = p
		d.Form = publicationForm{ShowBudget: p.ShowBudget, ShowSurveys: p.ShowSurveys, Summary: p.Summary}
	case app.ErrorCode(err) != app.ENotFound:
		return nil, err
	}
	return d, nil
}

func (s *Server) publicationPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.publicationData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, r, "budget_publication", "Page publique — "+d.C.Title, "conventions", d)
}

// publicationSave publishes the page with the choices of the form, changes
// them, or withdraws the page.
func (s *Server) publicationSave(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	d, err := s.publicationData(r, id)
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, d.C); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	back := "/conventions/" + id + "/publication"
	if r.PostForm.Get("op") == "unpublish" {
		if err := s.db.Unpublish(r.Context(), u, id); err != nil {
			return err
		}
		return s.redirectFlash(w, r, back, "publication.withdrawn")
	}
	form := publicationForm{ShowBudget: r.PostForm.Get("show_budget") != "", ShowSurveys: r.PostForm.Get("show_surveys") != "",
		Summary: r.PostForm.Get("summary")}
	p, err := s.db.Publish(r.Context(), u, id, publication.Publication{ShowBudget: form.ShowBudget, ShowSurveys: form.ShowSurveys, Summary: form.Summary})
	if app.ErrorCode(err) == app.EInvalid {
		form.Errors = app.ErrorFields(err)
		d.Form = form
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "budget_publication", "Page publique — "+d.C.Title, "conventions", d)
	}
	if err != nil {
		return err
	}
	flash := "publication.published"
	if d.P != nil {
		flash = "publication.updated"
		if len(publication.Diff(d.P, p)) == 0 {
			flash = "nochange"
		}
	}
	return s.redirectFlash(w, r, back, flash)
}
