package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
	"ctg/internal/plan"
	"ctg/internal/survey"
)

// The fiche action: everything about one action on one page, the one a
// coordinator prints for a committee — what it is, what in the diagnosis
// and the consultation it answers, its follow-up indicators against their
// targets, its journal and its budget — with the forms of its follow-up.

// followupForm is the state of the form that adds a follow-up indicator
// of an action (indicatorForm adds one to the catalogue of the diagnosis):
// the numbers stay text until they read.
type followupForm struct {
	Label    string
	Unit     string
	Baseline string
	Targets  map[string]string // by year
	Errors   map[string]string
}

// valuesForm is the state of the form that records an indicator's values,
// by year.
type valuesForm struct {
	Values map[string]string
	Errors map[string]string
}

// journalForm is the state of the form that adds a note to the journal.
type journalForm struct {
	Date   string
	Text   string
	Errors map[string]string
}

// indicatorYear is a line of an indicator's table.
type indicatorYear struct {
	Year          int
	Target, Value string // written in French, "" when missing
	// Met is "atteinte", "non atteinte" or "" while the value or the
	// target is missing.
	Met string
}

// indicatorView is a follow-up indicator with its table by year, its
// chart and its form of values.
type indicatorView struct {
	plan.Indicator
	BaselineText string
	Years        []indicatorYear
	ChartID      string
	Chart        map[string]any // nil when there is nothing to draw
	Form         valuesForm
}

// findingTrace is a finding an action rests on, in French.
type findingTrace struct {
	plan.FindingRef
	KindLabel  string
	FieldLabel string
	Via        []string // titles of the stakes that bring it
}

// stakeLine is a stake the action answers.
type stakeLine struct {
	plan.StakeRef
	PriorityLabel string
	FieldLabels   []string
}

// journalView is a note of the journal, its text in paragraphs.
type journalView struct {
	plan.JournalEntry
	Paragraphs []string
}

// budgetLineView is a budget line of the action, in French.
type budgetLineView struct {
	budget.Line
	NatureLabel string
	Planned     string
	Actual      string // "" when not known yet
}

type actionPageData struct {
	C           *convention.Convention
	CanEdit     bool
	A           actionView
	AxisTitle   string
	Description []string // paragraphs
	Stakes      []stakeLine
	Findings    []findingTrace
	Proposals   []plan.Proposal
	Indicators  []indicatorView
	Journal     []journalView
	Budget      []budgetLineView
	Planned     string
	Actual      string
	HasActual   bool // some line has its actual amount
	Years       []int
	Today       string

	NewIndicator followupForm
	Note         journalForm
}

// HasCharts tells the layout to load ECharts.
func (d *actionPageData) HasCharts() bool {
	return slices.ContainsFunc(d.Indicators, func(i indicatorView) bool { return i.Chart != nil })
}

// paragraphs splits a text into its non-empty lines.
func paragraphs(text string) []string {
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// viewIndicator writes an indicator's years in French and the option of
// its chart: the values as bars, the targets as a dashed line.
func viewIndicator(ind plan.Indicator, years []int) indicatorView {
	v := indicatorView{Indicator: ind, ChartID: "chart-ind-" + ind.ID, Form: valuesForm{Values: map[string]string{}}}
	if ind.Baseline != nil {
		v.BaselineText = frNumber(*ind.Baseline)
	}
	labels := make([]string, len(years))
	targets, values := make([]any, len(years)), make([]any, len(years))
	drawn := false
	progress := map[int]plan.YearResult{}
	for _, p := range ind.Progress() {
		progress[p.Year] = p
	}
	for i, y := range years {
		k := strconv.Itoa(y)
		row := indicatorYear{Year: y}
		labels[i] = k
		if t, ok := ind.Targets[k]; ok {
			row.Target, targets[i], drawn = frNumber(t), t, true
		}
		if x, ok := ind.Values[k]; ok {
			row.Value, values[i], drawn = frNumber(x), x, true
			v.Form.Values[k] = frNumber(x)
		}
		if p, ok := progress[y]; ok && p.Met != nil {
			row.Met = "non atteinte"
			if *p.Met {
				row.Met = "atteinte"
			}
		}
		v.Years = append(v.Years, row)
	}
	if drawn {
		v.Chart = map[string]any{
			"valueFormat": "number",
			"tooltip":     map[string]any{"trigger": "axis"},
			"legend":      map[string]any{"top": 0},
			"grid":        map[string]any{"left": 8, "right": 8, "top": 36, "bottom": 8},
			"xAxis":       map[string]any{"type": "category", "data": labels},
			"yAxis":       map[string]any{"type": "value"},
			"series": []map[string]any{
				{"name": "Réalisé", "type": "bar", "data": values, "barMaxWidth": 32},
				{"name": "Cible", "type": "line", "data": targets, "connectNulls": true, "symbol": "diamond", "symbolSize": 9,
					"lineStyle": map[string]any{"type": "dashed", "width": 2}},
			},
		}
	}
	return v
}

// actionData gathers the fiche of an action.
func (s *Server) actionData(r *http.Request, aid string) (*actionPageData, error) {
	u, ctx := currentUser(r), r.Context()
	a, err := s.db.Action(ctx, u, aid)
	if err != nil {
		return nil, err
	}
	c, err := s.db.ConventionHead(ctx, u, a.Convention)
	if err != nil {
		return nil, err
	}
	p, err := s.db.Plan(ctx, u, c.ID)
	if err != nil {
		return nil, err
	}
	names, err := s.planNames(r, []plan.Action{*a})
	if err != nil {
		return nil, err
	}
	d := &actionPageData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, A: viewActions([]plan.Action{*a}, p.Axes, names)[0],
		Description: paragraphs(a.Description), Today: s.today(), NewIndicator: followupForm{Targets: map[string]string{}}}
	d.Note.Date = d.Today
	for _, x := range p.Axes {
		if x.ID == a.Axis {
			d.AxisTitle = x.Title
		}
	}
	first, last := plan.Years(c)
	for y := first; y <= last && first > 0; y++ {
		d.Years = append(d.Years, y)
	}

	trace, err := s.db.Trace(ctx, u, c.ID)
	if err != nil {
		return nil, err
	}
	stakeTitles := map[string]string{}
	for _, st := range trace.Stakes {
		stakeTitles[st.ID] = st.Title
	}
	for _, at := range trace.Actions {
		if at.ID != a.ID {
			continue
		}
		for _, st := range at.Stakes {
			line := stakeLine{StakeRef: st, PriorityLabel: diagnostic.PriorityLabel(st.Priority)}
			for _, f := range st.Fields {
				line.FieldLabels = append(line.FieldLabels, field.Label(f))
			}
			d.Stakes = append(d.Stakes, line)
		}
		for _, f := range at.Findings {
			ft := findingTrace{FindingRef: f, KindLabel: diagnostic.FindingKindLabel(f.Kind), FieldLabel: field.Label(f.Field)}
			for _, sid := range f.Via {
				ft.Via = append(ft.Via, stakeTitles[sid])
			}
			d.Findings = append(d.Findings, ft)
		}
		d.Proposals = at.Proposals
	}

	inds, err := s.db.ActionIndicators(ctx, u, a.ID)
	if err != nil {
		return nil, err
	}
	for _, ind := range inds {
		d.Indicators = append(d.Indicators, viewIndicator(ind, d.Years))
	}
	notes, err := s.db.Journal(ctx, u, a.ID)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		d.Journal = append(d.Journal, journalView{JournalEntry: n, Paragraphs: paragraphs(n.Text)})
	}
	b, err := s.db.Budget(ctx, u, a.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range b.Lines {
		v := budgetLineView{Line: l, NatureLabel: budget.NatureLabel(l.Nature), Planned: moneyText(l.PlannedCents)}
		if l.ActualCents != nil {
			v.Actual, d.HasActual = moneyText(*l.ActualCents), true
		}
		d.Budget = append(d.Budget, v)
	}
	slices.SortStableFunc(d.Budget, func(x, y budgetLineView) int {
		return cmp.Or(cmp.Compare(x.Year, y.Year), strings.Compare(x.FunderName, y.FunderName))
	})
	// Written as the budget pages write amounts, so that the fiche and
	// the budget of the convention show the same figures.
	d.Planned, d.Actual = moneyText(b.PlannedCents), moneyText(b.ActualCents)
	return d, nil
}

func (s *Server) actionPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.actionData(r, r.PathValue("aid"))
	if err != nil {
		return err
	}
	return s.render(w, r, "action", d.A.Ref+" — "+d.A.Title, "conventions", d)
}

// actionBack shows the fiche again with a refused follow-up form, with
// the status of the error; other errors go to the error page.
func (s *Server) actionBack(w http.ResponseWriter, r *http.Request, aid string, err error, set func(d *actionPageData, errs map[string]string)) error {
	errs, status, ok := formRefusal(err, app.EInvalid, app.EPreconditionFailed)
	if !ok {
		return err
	}
	d, derr := s.actionData(r, aid)
	if derr != nil {
		return derr
	}
	set(d, errs)
	return s.renderStatus(w, r, status, "action", d.A.Ref+" — "+d.A.Title, "conventions", d)
}

func (s *Server) journalAdd(w http.ResponseWriter, r *http.Request) error {
	aid := r.PathValue("aid")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	form := journalForm{Date: strings.TrimSpace(r.PostForm.Get("date")), Text: r.PostForm.Get("text")}
	e := &plan.JournalEntry{Date: form.Date, Text: form.Text}
	if err := s.db.AddJournal(r.Context(), currentUser(r), aid, e); err != nil {
		return s.actionBack(w, r, aid, err, func(d *actionPageData, errs map[string]string) {
			form.Errors = errs
			d.Note = form
		})
	}
	return s.redirectFlash(w, r, "/actions/"+aid+"#journal", "journal.created")
}

// readNumber reads a number typed in a form, the French way or not ("12",
// "12,5", "1 200"); "" is none. A text that does not read adds a message
// on key to bad.
func readNumber(bad app.Fields, key, raw string) (float64, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, false
	}
	n, ok := survey.ParseNumber(raw)
	if !ok {
		bad.Add(key, "« "+raw+" » n'est pas un nombre : écrivez par exemple 12 ou 12,5.")
	}
	return n, ok
}

func (s *Server) actionIndicatorCreate(w http.ResponseWriter, r *http.Request) error {
	aid := r.PathValue("aid")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	p := r.PostForm
	form := followupForm{Label: p.Get("label"), Unit: p.Get("unit"), Baseline: p.Get("baseline"), Targets: map[string]string{}}
	ind := &plan.Indicator{Label: form.Label, Unit: form.Unit, Targets: map[string]float64{}}
	bad := app.Fields{}
	if n, ok := readNumber(bad, "baseline", form.Baseline); ok {
		ind.Baseline = &n
	}
	for k, v := range p {
		if y, ok := strings.CutPrefix(k, "target_"); ok && len(v) > 0 {
			form.Targets[y] = v[0]
			if n, ok := readNumber(bad, "targets."+y, v[0]); ok {
				ind.Targets[y] = n
			}
		}
	}
	var err error
	if len(bad) > 0 {
		// Say everything at once: the numbers that do not read, and the rest.
		for k, v := range app.ErrorFields(ind.Validate(0, 9999)) {
			bad.Add(k, v)
		}
		err = bad.Err()
	} else {
		err = s.db.CreateActionIndicator(r.Context(), currentUser(r), aid, ind)
	}
	if err != nil {
		return s.actionBack(w, r, aid, err, func(d *actionPageData, errs map[string]string) {
			form.Errors = errs
			d.NewIndicator = form
		})
	}
	return s.redirectFlash(w, r, "/actions/"+aid+"#indicateur-"+ind.ID, "action_indicator.created")
}

// indicatorOf returns a follow-up indicator of the action of the page,
// ErrNotFound for any other.
func (s *Server) indicatorOf(r *http.Request, aid string) (*plan.Indicator, error) {
	ind, err := s.db.ActionIndicator(r.Context(), currentUser(r), r.PathValue("iid"))
	if err != nil {
		return nil, err
	}
	if ind.Action != aid {
		return nil, app.ErrNotFound
	}
	return ind, nil
}

func (s *Server) actionIndicatorValues(w http.ResponseWriter, r *http.Request) error {
	aid := r.PathValue("aid")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	ind, err := s.indicatorOf(r, aid)
	if err != nil {
		return err
	}
	form := valuesForm{Values: map[string]string{}}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	values := map[string]float64{}
	bad := app.Fields{}
	for k, v := range r.PostForm {
		if y, ok := strings.CutPrefix(k, "value_"); ok && len(v) > 0 {
			form.Values[y] = v[0]
			if n, ok := readNumber(bad, y, v[0]); ok {
				values[y] = n
			}
		}
	}
	if err = bad.Err(); err == nil {
		var after *plan.Indicator
		after, err = s.db.SetActionIndicatorValues(r.Context(), currentUser(r), ind.ID, version, values)
		if err == nil {
			flash := "action_indicator.values"
			if after.Version == ind.Version {
				flash = "nochange"
			}
			return s.redirectFlash(w, r, "/actions/"+aid+"#indicateur-"+ind.ID, flash)
		}
	}
	return s.actionBack(w, r, aid, err, func(d *actionPageData, errs map[string]string) {
		if app.ErrorCode(err) == app.EPreconditionFailed {
			// The form comes back with the saved version's number: saving
			// again keeps what was typed, knowingly.
			errs = map[string]string{"form": "Quelqu'un a modifié cet indicateur pendant votre saisie : rien n'a été enregistré. " +
				"Le tableau montre les valeurs enregistrées, le formulaire les vôtres ; enregistrez de nouveau pour garder les vôtres."}
		}
		for i := range d.Indicators {
			if d.Indicators[i].ID == ind.ID {
				d.Indicators[i].Form = valuesForm{Values: form.Values, Errors: errs}
			}
		}
	})
}

func (s *Server) actionIndicatorDelete(w http.ResponseWriter, r *http.Request) error {
	aid := r.PathValue("aid")
	ind, err := s.indicatorOf(r, aid)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.db.DeleteActionIndicator(r.Context(), currentUser(r), ind.ID, version); err != nil {
		return s.actionBack(w, r, aid, err, func(d *actionPageData, errs map[string]string) {
			for i := range d.Indicators {
				if d.Indicators[i].ID == ind.ID {
					d.Indicators[i].Form.Errors = errs
				}
			}
		})
	}
	return s.redirectFlash(w, r, "/actions/"+aid+"#indicateurs", "action_indicator.deleted")
}
