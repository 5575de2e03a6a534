package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/review"
	"ctg/internal/store"
)

// The review form of one action for one year, /actions/{aid}/bilans/{year}:
// its status that year, what was done, the difficulties, the next steps,
// and the amounts actually spent entered beside the planned ones of its
// budget lines of that year. Both are saved at once (store.SetActionYear),
// with the versions the form was filled from: a save over someone else's
// is refused, and the form comes back as it was typed, with what is saved
// now beside it.

// actualRow is a budget line of the year in the form: what was planned,
// and the actual amount as typed.
type actualRow struct {
	ID, FunderName, NatureLabel string
	PlannedCents                int64
	Actual                      string
	// Saved is the actual amount stored, "" while not known.
	Saved string
}

// reviewForm is the state of the review form, as typed.
type reviewForm struct {
	Status, Done, Difficulties, NextSteps string
	// Version is the review's version the form was filled from, 0 when
	// there was none; ActionVersion, the action's.
	Version, ActionVersion int
	Errors                 map[string]string
}

type reviewFormData struct {
	C        *convention.Convention
	A        *plan.Action
	Year     int
	Years    []int
	CanEdit  bool
	F        reviewForm
	Lines    []actualRow
	Saved    *review.ActionReview
	Statuses []struct{ Code, Label string }
	// Indicators are the action's indicators that year, to read beside
	// the review; their values are entered on the fiche action.
	Indicators []indicatorYearView
	// Conflict is set when the review or the budget changed since the
	// form was filled; Message says what to do.
	Conflict bool
	Message  string
}

// Cell is the id of the actual amount of a line.
func (reviewFormData) Cell(lineID string) string { return "fr-actual." + lineID }

// ErrorOf is the message on the actual amount of a line.
func (d *reviewFormData) ErrorOf(lineID string) string { return d.F.Errors["actual."+lineID] }

// reviewFormData gathers the form of action aid for year.
func (s *Server) reviewFormData(r *http.Request, aid string, year int) (*reviewFormData, error) {
	u, ctx := currentUser(r), r.Context()
	a, err := s.db.Action(ctx, u, aid)
	if err != nil {
		return nil, err
	}
	c, err := s.db.ConventionHead(ctx, u, a.Convention)
	if err != nil {
		return nil, err
	}
	first, last := plan.Years(c)
	if year < first || year > last {
		return nil, app.Errorf(app.ENotFound, "%s", review.YearOutside(year, first, last))
	}
	d := &reviewFormData{C: c, A: a, Year: year, CanEdit: convention.CheckEdit(u, c) == nil, Statuses: plan.Statuses}
	for y := first; y <= last; y++ {
		d.Years = append(d.Years, y)
	}
	if d.Saved, err = s.db.ActionReview(ctx, u, aid, year); app.ErrorCode(err) == app.ENotFound {
		d.Saved, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := s.db.Budget(ctx, u, aid)
	if err != nil {
		return nil, err
	}
	d.F = reviewForm{Status: a.Status, ActionVersion: b.Version}
	if d.Saved != nil {
		d.F = reviewForm{Status: d.Saved.Status, Done: d.Saved.Done, Difficulties: d.Saved.Difficulties, NextSteps: d.Saved.NextSteps,
			Version: d.Saved.Version, ActionVersion: b.Version}
	}
	for _, l := range b.Lines {
		if l.Year != year {
			continue
		}
		row := actualRow{ID: l.ID, FunderName: cmp.Or(l.FunderName, l.Funder), NatureLabel: budget.NatureLabel(l.Nature), PlannedCents: l.PlannedCents}
		if l.ActualCents != nil {
			row.Saved = amountText(*l.ActualCents)
			row.Actual = row.Saved
		}
		d.Lines = append(d.Lines, row)
	}
	inds, err := s.db.ActionIndicators(ctx, u, aid)
	if err != nil {
		return nil, err
	}
	for _, ind := range inds {
		d.Indicators = append(d.Indicators, viewIndicatorYear(review.IndicatorAt(ind, year)))
	}
	return d, nil
}

func reviewFormTitle(d *reviewFormData) string {
	return "Bilan " + strconv.Itoa(d.Year) + " — " + d.A.Ref
}

func (s *Server) reviewFormPage(w http.ResponseWriter, r *http.Request) error {
	year, err := yearOfPage(r)
	if err != nil {
		return err
	}
	d, err := s.reviewFormData(r, r.PathValue("aid"), year)
	if err != nil {
		return err
	}
	return s.render(w, r, "review_form", reviewFormTitle(d), "conventions", d)
}

// errStaleReviewForm is what a save over someone else's says.
const errStaleReviewForm = "Quelqu'un a enregistré ce bilan ou le budget de cette action pendant votre saisie : rien n'a été enregistré et rien n'a été écrasé. " +
	"Votre saisie est conservée ci-dessous, et ce qui est enregistré maintenant est affiché à côté. " +
	"Enregistrez à nouveau pour le remplacer par votre saisie, ou rechargez la page pour repartir de ce qui est enregistré."

func (s *Server) reviewFormSave(w http.ResponseWriter, r *http.Request) error {
	aid, u := r.PathValue("aid"), currentUser(r)
	year, err := yearOfPage(r)
	if err != nil {
		return err
	}
	d, err := s.reviewFormData(r, aid, year)
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, d.C); err != nil {
		return err // a reader is told so, whatever the form holds
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	p := r.PostForm
	form := reviewForm{Status: p.Get("status"), Done: p.Get("done"), Difficulties: p.Get("difficulties"), NextSteps: p.Get("next_steps")}
	form.Version, _ = strconv.Atoi(p.Get("version"))
	form.ActionVersion, _ = strconv.Atoi(p.Get("action_version"))
	in := store.ActionYear{Review: review.Input{Status: form.Status, Done: form.Done, Difficulties: form.Difficulties, NextSteps: form.NextSteps},
		ReviewVersion: form.Version, ActionVersion: form.ActionVersion, Actuals: map[string]*int64{}}
	if form.Version == 0 {
		in.ReviewVersion = -1 // filled when there was none: one written since is a conflict
	}
	bad := app.Fields{}
	typed := map[string]string{}
	ids, amounts := p["line"], p["actual"]
	for i, id := range ids {
		raw := ""
		if i < len(amounts) {
			raw = strings.TrimSpace(amounts[i])
		}
		typed[id] = raw
		if raw == "" {
			in.Actuals[id] = nil
			continue
		}
		c, err := budget.ParseCents(raw)
		if err != nil {
			bad.Add("actual."+id, app.ErrorMessage(err))
			continue
		}
		in.Actuals[id] = &c
	}
	if len(bad) > 0 {
		// Say everything at once: the amounts that do not read, and the review.
		probe := &review.ActionReview{Year: year}
		in.Review.Apply(probe)
		for k, v := range app.ErrorFields(probe.Validate(plan.Years(d.C))) {
			bad.Add(k, v)
		}
		err = bad.Err()
	} else {
		_, err = s.db.SetActionYear(r.Context(), u, aid, year, in)
	}
	if err == nil {
		return s.redirectFlash(w, r, "/conventions/"+d.C.ID+"/bilans/"+strconv.Itoa(year)+"#action-"+aid, "review.saved")
	}
	code := app.ErrorCode(err)
	if code != app.EInvalid && code != app.EPreconditionFailed {
		return err
	}
	for i := range d.Lines {
		if v, ok := typed[d.Lines[i].ID]; ok {
			d.Lines[i].Actual = v
		}
	}
	if code == app.EPreconditionFailed {
		// The form now carries the versions just read, so that saving it
		// again, knowingly, replaces what the other person saved.
		form.Version, form.ActionVersion = d.F.Version, d.F.ActionVersion
		d.Conflict, d.Message = true, errStaleReviewForm
	} else {
		form.Errors = formErrorsOf(err)
		d.Message = app.ErrorMessage(err)
	}
	d.F = form
	return s.renderStatus(w, r, statusFor(code), "review_form", reviewFormTitle(d), "conventions", d)
}
