package web

import (
	"net/http"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/review"
)

// The final evaluation of a convention, /conventions/{id}/evaluation: for
// the convention, each axis and each action, the results against the
// objectives and the assessment in words (a form each, for editors), the
// indicators from their baseline to their last value against their final
// target, and the money planned and spent over the period by funder and
// by year, with charts; then the renewal, which carries the actions
// marked "à reconduire" into a new convention. Every figure comes from
// store.Evaluation, as the JSON API's do.

// entryForm is the state of the form of an entry of the evaluation.
type entryForm struct {
	Subject             string
	Results, Assessment string
	CarryOn             bool
	Version             int
	Errors              map[string]string
	// Conflict is set when the entry changed since the form was filled;
	// Stored is then what it says now.
	Conflict bool
	Stored   *review.Entry
}

// renewalForm is the state of the form that starts the renewal.
type renewalForm struct {
	Title, Start, End string
	Errors            map[string]string
}

// indicatorResultView is an indicator over the period, in French.
type indicatorResultView struct {
	review.IndicatorResult
	BaselineText, LastText, TargetText string
}

// actionEvaluationView is an action in the evaluation, in French.
type actionEvaluationView struct {
	review.ActionEvaluation
	Results, Assessment []string // paragraphs
	Indicators          []indicatorResultView
}

// axisEvaluationView is an axis in the evaluation.
type axisEvaluationView struct {
	review.AxisEvaluation
	Results, Assessment []string
	Actions             []actionEvaluationView
}

type evaluationData struct {
	C       *convention.Convention
	CanEdit bool
	E       *review.Evaluation
	Axes    []axisEvaluationView
	// Results and Assessment are the convention's, in paragraphs.
	Results, Assessment []string
	Funders, Years      budgetChart
	Indicators          budgetChart
	forms               map[string]*entryForm
	// Renewable tells whether the renewal may start now; RenewedBy
	// names the convention that renews this one, if any.
	Renewable bool
	RenewedBy *convention.Convention
	Renewal   renewalForm
	// RenewalError says why a renewal was refused as a whole.
	RenewalError string
	Carried      []review.ActionEvaluation
}

// HasCharts tells the layout to load the chart library.
func (d *evaluationData) HasCharts() bool { return d.E.Actions > 0 }

// Form is the form of the entry of subject, as stored or as typed.
func (d *evaluationData) Form(subject string) *entryForm {
	if f, ok := d.forms[subject]; ok {
		return f
	}
	return &entryForm{Subject: subject}
}

func (d *evaluationData) setForm(e review.Entry) {
	d.forms[e.Subject] = &entryForm{Subject: e.Subject, Results: e.Results, Assessment: e.Assessment, CarryOn: e.CarryOn, Version: e.Version}
}

func viewIndicatorResult(r review.IndicatorResult) indicatorResultView {
	return indicatorResultView{IndicatorResult: r, BaselineText: numberText(r.Baseline), LastText: numberText(r.LastValue), TargetText: numberText(r.Target)}
}

// evaluationData gathers the evaluation of a convention u may see.
func (s *Server) evaluationData(r *http.Request, id string) (*evaluationData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	e, err := s.db.Evaluation(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &evaluationData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, E: e, forms: map[string]*entryForm{},
		Results: paragraphs(e.Entry.Results), Assessment: paragraphs(e.Entry.Assessment), Renewable: review.Renewable(c), Carried: e.CarriedOn()}
	d.setForm(e.Entry)
	for _, x := range e.Axes {
		xv := axisEvaluationView{AxisEvaluation: x, Results: paragraphs(x.Entry.Results), Assessment: paragraphs(x.Entry.Assessment)}
		d.setForm(x.Entry)
		for _, a := range x.Actions {
			av := actionEvaluationView{ActionEvaluation: a, Results: paragraphs(a.Entry.Results), Assessment: paragraphs(a.Entry.Assessment)}
			for _, i := range a.Indicators {
				av.Indicators = append(av.Indicators, viewIndicatorResult(i))
			}
			d.setForm(a.Entry)
			xv.Actions = append(xv.Actions, av)
		}
		d.Axes = append(d.Axes, xv)
	}
	d.Funders, d.Years, d.Indicators = evaluationCharts(e)
	if c.RenewedBy != nil {
		if title, err := s.db.ConventionTitle(r.Context(), u, *c.RenewedBy); err == nil {
			d.RenewedBy = &convention.Convention{ID: *c.RenewedBy, Title: title}
		}
	}
	start, end := review.NextPeriod(c.Start, c.End)
	d.Renewal = renewalForm{Title: review.NextTitle(c.Title, c.Kind, start, end), Start: start, End: end}
	return d, nil
}

// evaluationCharts builds the charts of the evaluation: money by funder
// and by year, planned against actual (in euros), and the indicators of
// each axis by result.
func evaluationCharts(e *review.Evaluation) (funders, years, indicators budgetChart) {
	var names []string
	var planned, actual []float64
	for _, f := range e.ByFunder {
		names, planned, actual = append(names, f.Name), append(planned, budget.Euros(f.PlannedCents)), append(actual, budget.Euros(f.ActualCents))
	}
	funders = budgetChart{ID: "chart-eval-funders", Title: "Prévu et réalisé sur la période, par financeur", Option: tidyBars(plannedActual(names, planned, actual, true))}
	names, planned, actual = nil, nil, nil
	for _, y := range e.ByYear {
		names, planned, actual = append(names, strconv.Itoa(y.Year)), append(planned, budget.Euros(y.PlannedCents)), append(actual, budget.Euros(y.ActualCents))
	}
	years = budgetChart{ID: "chart-eval-years", Title: "Prévu et réalisé, année par année", Option: tidyBars(plannedActual(names, planned, actual, false))}
	var axes []string
	var met, notMet, unknown []int
	for _, x := range e.Axes {
		axes = append(axes, "Axe "+strconv.Itoa(x.Number))
		met, notMet, unknown = append(met, x.Indicators.Met), append(notMet, x.Indicators.NotMet), append(unknown, x.Indicators.Unknown)
	}
	bar := func(name string, data []int, color string) map[string]any {
		return map[string]any{"name": name, "type": "bar", "stack": "total", "data": data, "itemStyle": map[string]any{"color": color}}
	}
	indicators = budgetChart{ID: "chart-eval-indicators", Title: "Indicateurs de chaque axe : cible finale atteinte ou non", Option: map[string]any{
		"valueFormat": "integer",
		"tooltip":     map[string]any{"trigger": "axis"},
		"legend":      map[string]any{"top": 0},
		"grid":        map[string]any{"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": true},
		"xAxis":       map[string]any{"type": "value", "minInterval": 1},
		"yAxis":       map[string]any{"type": "category", "data": axes, "inverse": true},
		"series": []any{bar("Atteinte", met, "#3f8f4f"), bar("Non atteinte", notMet, "#b5475d"),
			bar("Pas encore mesurable", unknown, "#6b7785")},
	}}
	return funders, years, indicators
}

func evaluationTitle(c *convention.Convention) string { return "Évaluation — " + c.Title }

func (s *Server) evaluationPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.evaluationData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, r, "evaluation", evaluationTitle(d.C), "conventions", d)
}

// evaluationSave writes the entry of one subject of the evaluation; a
// refused or stale one comes back as it was typed.
func (s *Server) evaluationSave(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, c); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	p := r.PostForm
	form := &entryForm{Subject: strings.TrimSpace(p.Get("subject")), Results: p.Get("results"), Assessment: p.Get("assessment"),
		CarryOn: p.Get("carry_on") == "1"}
	form.Version, _ = strconv.Atoi(p.Get("version"))
	e, err := s.db.SetEvaluation(r.Context(), u, id, form.Subject, form.Version, review.EntryInput{Results: form.Results,
		Assessment: form.Assessment, CarryOn: form.CarryOn})
	if err == nil {
		flash := "evaluation.saved"
		if e.Version == form.Version {
			flash = "nochange"
		}
		return s.redirectFlash(w, r, "/conventions/"+id+"/evaluation#evaluation-"+form.Subject, flash)
	}
	code := app.ErrorCode(err)
	if code != app.EInvalid && code != app.EPreconditionFailed {
		return err
	}
	d, derr := s.evaluationData(r, id)
	if derr != nil {
		return derr
	}
	if code == app.EPreconditionFailed {
		stored := d.Form(form.Subject)
		form.Conflict, form.Stored = true, &review.Entry{Results: stored.Results, Assessment: stored.Assessment, CarryOn: stored.CarryOn}
		form.Version = stored.Version // saving again, knowingly, replaces it
		form.Errors = map[string]string{"form": "Quelqu'un a enregistré cette partie de l'évaluation pendant votre saisie : rien n'a été enregistré et rien n'a été écrasé. " +
			"Votre texte est conservé ci-dessous, ce qui est enregistré maintenant est affiché à côté. Enregistrez à nouveau pour le remplacer par le vôtre."}
	} else {
		form.Errors = formErrorsOf(err)
	}
	d.forms[form.Subject] = form
	return s.renderStatus(w, r, statusFor(code), "evaluation", evaluationTitle(d.C), "conventions", d)
}

// renewalStart starts the renewal and goes to the new convention; a
// refused one comes back on the evaluation page as it was typed.
func (s *Server) renewalStart(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	form := renewalForm{Title: r.PostForm.Get("title"), Start: strings.TrimSpace(r.PostForm.Get("start")), End: strings.TrimSpace(r.PostForm.Get("end"))}
	n, err := s.db.StartRenewal(r.Context(), s.ref, u, id, review.Renewal{Title: form.Title, Start: form.Start, End: form.End})
	if err == nil {
		return s.redirectFlash(w, r, "/conventions/"+n.ID, "renewal.started")
	}
	code := app.ErrorCode(err)
	if code != app.EInvalid && code != app.EConflict {
		return err
	}
	d, derr := s.evaluationData(r, id)
	if derr != nil {
		return derr
	}
	d.Renewal = form
	if fields := app.ErrorFields(err); len(fields) > 0 {
		d.Renewal.Errors = fields
	} else {
		d.RenewalError = app.ErrorMessage(err)
	}
	return s.renderStatus(w, r, statusFor(code), "evaluation", evaluationTitle(d.C), "conventions", d)
}
