package web

import (
	"net/http"
	"strings"

	"ctg/internal/app"
	"ctg/internal/review"
)

// The life of a convention in figures: the yearly review of each action,
// the review of a year with the partners' comments and the campaign of
// reviews, the final evaluation, and the renewal.

// commentInput is the body of POST /api/v1/conventions/{id}/reviews/{year}/comments.
type commentInput struct {
	Text         string `json:"text"`
	Author       string `json:"author"`
	Organisation string `json:"organisation"`
}

// campaign is the body of GET /api/v1/conventions/{id}/reviews.
type campaign struct {
	Convention string                `json:"convention"`
	FirstYear  int                   `json:"first_year"`
	LastYear   int                   `json:"last_year"`
	Items      []review.CampaignYear `json:"items"`
	Total      int                   `json:"total"`
}

// reviewPDF, when set by the documents' code, answers
// GET /api/v1/conventions/{id}/reviews/{year}.pdf: a pattern's wildcard
// is a whole segment, so "2024.pdf" reaches apiYearReview, which hands it
// over; until then it is a route not found.
var reviewPDF func(s *Server, w http.ResponseWriter, r *http.Request, conventionID string, year int) error

// pathYear reads the {year} of the path; a segment that is no year is
// ENotFound for a reading, EInvalid on "year" for a change.
func pathYear(r *http.Request, change bool) (int, error) {
	seg := r.PathValue("year")
	y, ok := review.YearOf(seg)
	if ok {
		return y, nil
	}
	if change {
		return 0, app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"year": "« " + seg + " » n'est pas une année : écrivez-la sur quatre chiffres dans l'adresse, par exemple …/reviews/2024."})
	}
	return 0, app.Errorf(app.ENotFound, "« %s » n'est pas une année : l'adresse attend une année sur quatre chiffres, par exemple …/reviews/2024.", seg)
}

func (s *Server) apiReviewCampaign(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	years, err := s.db.ReviewCampaign(r.Context(), u, id)
	if err != nil {
		return err
	}
	out := campaign{Convention: id, Items: years, Total: len(years)}
	if len(years) > 0 {
		out.FirstYear, out.LastYear = years[0].Year, years[len(years)-1].Year
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiYearReview(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if seg, ok := strings.CutSuffix(r.PathValue("year"), ".pdf"); ok {
		y, valid := review.YearOf(seg)
		if !valid || reviewPDF == nil {
			return errNoRoute
		}
		return reviewPDF(s, w, r, id, y)
	}
	year, err := pathYear(r, false)
	if err != nil {
		return err
	}
	y, err := s.db.YearReview(r.Context(), currentUser(r), id, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, y)
	return nil
}

func (s *Server) apiAddReviewComment(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r, true)
	if err != nil {
		return err
	}
	var in commentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	k := &review.Comment{Year: year, Text: in.Text, Author: in.Author, Organisation: in.Organisation}
	if err := s.db.AddReviewComment(r.Context(), currentUser(r), r.PathValue("id"), k); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}

func (s *Server) apiActionReview(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r, false)
	if err != nil {
		return err
	}
	rv, err := s.db.ActionReview(r.Context(), currentUser(r), r.PathValue("id"), year)
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, rv.Version, rv)
	return nil
}

func (s *Server) apiSetActionReview(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	year, err := pathYear(r, true)
	if err != nil {
		return err
	}
	var in review.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	rv, created, err := s.db.SetActionReview(r.Context(), currentUser(r), r.PathValue("id"), year, version, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeVersioned(w, status, rv.Version, rv)
	return nil
}

func (s *Server) apiEvaluation(w http.ResponseWriter, r *http.Request) error {
	e, err := s.db.Evaluation(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) apiSetEvaluation(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var in review.EntryInput
	if err := decode(r, &in); err != nil {
		return err
	}
	e, err := s.db.SetEvaluation(r.Context(), currentUser(r), r.PathValue("id"), r.PathValue("subject"), version, in)
	if err != nil {
		return err
	}
	writeVersioned(w, http.StatusOK, e.Version, e)
	return nil
}

func (s *Server) apiStartRenewal(w http.ResponseWriter, r *http.Request) error {
	var in review.Renewal
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.db.StartRenewal(r.Context(), s.ref, currentUser(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/conventions/"+c.ID)
	writeConvention(w, http.StatusCreated, c)
	return nil
}
