package web

import (
	"cmp"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
	"ctg/internal/plan"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// The plan of actions of a convention: its axes, objectives and numbered
// actions shown as a tree, as a table (filtered, sorted, exported as CSV)
// or as a timeline over the convention's years; what the plan still lacks;
// and the trace from each stake of the diagnosis to the actions that answer
// it. Editors manage axes and objectives on the same page; each action has
// pages of its own (page_plan_action.go).

// The three views of the plan, as ?vue= names them.
const (
	viewTree     = "arbre"
	viewTable    = "tableau"
	viewTimeline = "calendrier"
)

func init() {
	funcs["actionStatus"] = plan.StatusLabel
	funcs["fieldName"] = field.Label
	funcs["frNumber"] = frNumber
}

// actionView is an action with what the pages write of it in French.
type actionView struct {
	plan.Action
	StatusLabel  string
	LeadName     string
	PartnerNames []string
	FieldLabels  []string
	// ObjectiveLabel is "Objectif 1.2", ObjectiveTitle its title; both
	// empty for an action without objective.
	ObjectiveLabel string
	ObjectiveTitle string
}

// Period writes the dates of the action: "du 01/09/2027 au 30/06/2028",
// or with one end only, or "" when it has none.
func (a actionView) Period() string { return periodText(a.Start, a.End) }

func periodText(start, end string) string {
	d := func(s string) string {
		if t, ok := convention.ParseDate(s); ok {
			return t.Format("02/01/2006")
		}
		return s
	}
	switch {
	case start != "" && end != "":
		return "du " + d(start) + " au " + d(end)
	case start != "":
		return "à partir du " + d(start)
	case end != "":
		return "jusqu'au " + d(end)
	}
	return ""
}

// objectiveLabel names an objective as plans write it: "Objectif 1.2".
func objectiveLabel(axis, position int) string {
	return "Objectif " + strconv.Itoa(axis) + "." + strconv.Itoa(position)
}

// planNames returns the names of the organisations the actions name, by
// id, in one query.
func (s *Server) planNames(r *http.Request, actions []plan.Action) (map[string]string, error) {
	var ids []string
	for _, a := range actions {
		if a.Lead != "" {
			ids = append(ids, a.Lead)
		}
		ids = append(ids, a.Partners...)
	}
	slices.Sort(ids)
	orgs, err := s.db.OrganisationsByID(r.Context(), slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names, nil
}

// viewActions spells out actions of the plan with axes, for names.
func viewActions(actions []plan.Action, axes []plan.Axis, names map[string]string) []actionView {
	type objective struct {
		label, title string
	}
	objectives := map[string]objective{}
	for _, x := range axes {
		for _, o := range x.Objectives {
			objectives[o.ID] = objective{objectiveLabel(x.Number, o.Position), o.Title}
		}
	}
	out := make([]actionView, len(actions))
	for i, a := range actions {
		v := actionView{Action: a, StatusLabel: plan.StatusLabel(a.Status), LeadName: names[a.Lead]}
		if a.Lead != "" && v.LeadName == "" {
			v.LeadName = a.Lead
		}
		for _, p := range a.Partners {
			v.PartnerNames = append(v.PartnerNames, cmp.Or(names[p], p))
		}
		for _, f := range a.Fields {
			v.FieldLabels = append(v.FieldLabels, field.Label(f))
		}
		if o, ok := objectives[a.Objective]; ok {
			v.ObjectiveLabel, v.ObjectiveTitle = o.label, o.title
		}
		out[i] = v
	}
	return out
}

// axisForm is the state of the form that adds, renames or moves an axis.
type axisForm struct {
	ID          string
	Version     int
	Title       string
	Description string
	Number      int
	Errors      map[string]string
}

// objectiveForm is the state of the form that adds or renames an
// objective of an axis.
type objectiveForm struct {
	ID      string
	Axis    string
	Version int
	Title   string
	Errors  map[string]string
}

// objectiveView is an objective with its actions, in the tree.
type objectiveView struct {
	plan.Objective
	Label   string
	Actions []actionView
	Form    objectiveForm
}

// axisView is an axis of the tree: its objectives with their actions, then
// the actions tied to no objective.
type axisView struct {
	plan.Axis
	Objectives []objectiveView
	Loose      []actionView
	Count      int
	Form       axisForm
	// NewObjective is the form that adds an objective to the axis.
	NewObjective objectiveForm
}

// traceActionView is an action tied to a stake, in the trace.
type traceActionView struct {
	plan.ActionRef
	StatusLabel string
	// Counts is false for an abandoned action, which answers nothing.
	Counts bool
}

// stakeTraceView is a stake with the actions that answer it.
type stakeTraceView struct {
	plan.StakeRef
	PriorityLabel string
	FieldLabels   []string
	Actions       []traceActionView
	Answered      bool
}

// planFilter is what the table and the timeline show, as the query names
// it; empty fields select everything.
type planFilter struct {
	View    string // vue
	Status  string // statut
	Field   string // champ
	Lead    string // porteur
	Partner string // partenaire
	Year    string // annee
	Sort    string // tri: ref, title, status, lead, start, end, or "-" and one of them
}

// planSorts are the columns the table sorts by.
var planSorts = []string{"ref", "title", "status", "lead", "start", "end"}

// query is f as a query string, without its view.
func (f planFilter) query() string {
	q := map[string][]string{}
	set := func(k, v string) {
		if v != "" {
			q[k] = []string{v}
		}
	}
	set("statut", f.Status)
	set("champ", f.Field)
	set("porteur", f.Lead)
	set("partenaire", f.Partner)
	set("annee", f.Year)
	set("tri", f.Sort)
	return encodeQuery(q)
}

// Active reports whether f selects fewer than all actions.
func (f planFilter) Active() bool {
	return f.Status != "" || f.Field != "" || f.Lead != "" || f.Partner != "" || f.Year != ""
}

// timelineYear is a year in the head of the timeline; Months is how many
// of its months the convention covers (the width of its cell).
type timelineYear struct {
	Year   int
	Months int
	// X is where the year starts, in days from the convention's start.
	X int
}

// timelineRow is an action in the timeline: its bar from X to X+W, in days
// from the convention's start.
type timelineRow struct {
	actionView
	X, W int
	// Assumed tells that a date is missing and the bar takes the
	// convention's; Outside that the action runs outside the convention.
	Assumed bool
	Outside bool
}

// timelineView is the timeline of the actions over the convention's years.
type timelineView struct {
	Days  int
	Years []timelineYear
	Rows  []timelineRow
}

type planData struct {
	C       *convention.Convention
	CanEdit bool
	View    string
	Filter  planFilter
	// FilterErrors holds the message of a filter that does not read.
	FilterErrors map[string]string

	Axes    []axisView
	Count   int // the actions of the plan
	Done    int
	Rows    []actionView // the table, filtered and sorted
	Time    timelineView // the timeline, of the same rows
	Places  []int        // the numbers an axis may take
	NewAxis axisForm

	Statuses []struct{ Code, Label string }
	Fields   []field.Field
	Leads    []account.Organisation // that lead an action, for the filter
	Partners []account.Organisation // that are partners of one
	Years    []int

	Warnings   []plan.Warning
	Stakes     []stakeTraceView
	Unanswered int
}

// ViewLink is the address of the plan in view v, keeping the filters of
// the table and the timeline.
func (d *planData) ViewLink(v string) string {
	u := "/conventions/" + d.C.ID + "/plan"
	if v == viewTree {
		return u
	}
	q := d.Filter.query()
	if q != "" {
		q += "&"
	}
	return u + "?" + q + "vue=" + v
}

// CSVLink is the address of the CSV export of the table as filtered.
func (d *planData) CSVLink() string {
	u := "/conventions/" + d.C.ID + "/plan.csv"
	if q := d.Filter.query(); q != "" {
		return u + "?" + q
	}
	return u
}

// SortLink is the address of the table sorted by col, the other way round
// when it is sorted by col already.
func (d *planData) SortLink(col string) string {
	f := d.Filter
	if f.Sort == col || f.Sort == "" && col == "ref" {
		f.Sort = "-" + col
	} else {
		f.Sort = col
	}
	return "/conventions/" + d.C.ID + "/plan?" + f.query() + "&vue=" + viewTable
}

// SortState is the aria-sort value of a column of the table.
func (d *planData) SortState(col string) string {
	switch {
	case d.Filter.Sort == col, d.Filter.Sort == "" && col == "ref":
		return "ascending"
	case d.Filter.Sort == "-"+col:
		return "descending"
	}
	return "none"
}

// readPlanFilter reads the query of the plan page: the view, then the
// filters and the order of the table, each checked against the convention.
// A filter that does not read is reported in errs and left out.
func readPlanFilter(r *http.Request, c *convention.Convention) (planFilter, store.ActionFilter, map[string]string) {
	q := r.URL.Query()
	f := planFilter{View: q.Get("vue"), Status: strings.TrimSpace(q.Get("statut")), Field: strings.TrimSpace(q.Get("champ")),
		Lead: strings.TrimSpace(q.Get("porteur")), Partner: strings.TrimSpace(q.Get("partenaire")),
		Year: strings.TrimSpace(q.Get("annee")), Sort: strings.TrimSpace(q.Get("tri"))}
	if f.View != viewTable && f.View != viewTimeline {
		f.View = viewTree
	}
	errs := map[string]string{}
	if f.Status != "" && !plan.ValidStatus(f.Status) {
		errs["statut"] = "Statut inconnu : « " + f.Status + " ». Choisissez-en un dans la liste."
		f.Status = ""
	}
	if f.Field != "" && !field.Valid(f.Field) {
		errs["champ"] = "Champ d'intervention inconnu : « " + f.Field + " ». Choisissez-en un dans la liste."
		f.Field = ""
	}
	first, last := plan.Years(c)
	year := 0
	if f.Year != "" {
		y, err := strconv.Atoi(f.Year)
		if err != nil || y < first || y > last {
			errs["annee"] = "Choisissez une année de la convention, de " + strconv.Itoa(first) + " à " + strconv.Itoa(last) + "."
			f.Year = ""
		} else {
			year = y
		}
	}
	if !slices.Contains(planSorts, strings.TrimPrefix(f.Sort, "-")) {
		f.Sort = ""
	}
	return f, store.ActionFilter{Status: f.Status, Field: f.Field, Lead: f.Lead, Partner: f.Partner, Year: year}, errs
}

// sortActions orders the rows of the table by key (a column of planSorts,
// "-" first for the other way round); the plan's order breaks ties, and
// missing values go last either way.
func sortActions(rows []actionView, key string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	byRef := func(a, b actionView) int {
		return cmp.Or(cmp.Compare(a.AxisNumber, b.AxisNumber), cmp.Compare(a.Number, b.Number))
	}
	statusRank := func(code string) int {
		return slices.IndexFunc(plan.Statuses, func(s struct{ Code, Label string }) bool { return s.Code == code })
	}
	text := func(a actionView) string {
		switch key {
		case "title":
			return territory.Normalize(a.Title)
		case "lead":
			return territory.Normalize(a.LeadName)
		case "start":
			return a.Start
		case "end":
			return a.End
		}
		return ""
	}
	slices.SortStableFunc(rows, func(a, b actionView) int {
		var c int
		switch key {
		case "", "ref":
			c = byRef(a, b)
		case "status":
			c = cmp.Compare(statusRank(a.Status), statusRank(b.Status))
		default:
			ta, tb := text(a), text(b)
			if (ta == "") != (tb == "") { // missing values last, whatever the direction
				if ta == "" {
					return 1
				}
				return -1
			}
			c = strings.Compare(ta, tb)
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, byRef(a, b))
	})
}

// newTimeline places the rows on the convention's period, day by day.
func newTimeline(c *convention.Convention, rows []actionView) timelineView {
	start, ok1 := convention.ParseDate(c.Start)
	end, ok2 := convention.ParseDate(c.End)
	if !ok1 || !ok2 || end.Before(start) {
		return timelineView{}
	}
	stop := end.AddDate(0, 0, 1) // the period includes its last day
	days := func(t time.Time) int { return int(t.Sub(start).Hours()/24 + 0.5) }
	tl := timelineView{Days: days(stop)}
	for y := start.Year(); y <= end.Year(); y++ {
		from := later(start, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))
		to := earlier(stop, time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC))
		months := (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month())
		if to.Day() > 1 {
			months++
		}
		tl.Years = append(tl.Years, timelineYear{Year: y, Months: max(months, 1), X: days(from)})
	}
	minWidth := max(tl.Days/120, 1) // a bar of a day or two still shows
	for _, a := range rows {
		row := timelineRow{actionView: a}
		from, to := start, stop
		if t, ok := convention.ParseDate(a.Start); ok {
			from = t
		} else {
			row.Assumed = true
		}
		if t, ok := convention.ParseDate(a.End); ok {
			to = t.AddDate(0, 0, 1)
		} else {
			row.Assumed = true
		}
		from, to = later(from, start), earlier(to, stop)
		if !to.After(from) {
			row.Outside = true
		} else {
			row.X, row.W = days(from), max(days(to)-days(from), minWidth)
			row.X = min(row.X, tl.Days-row.W)
		}
		tl.Rows = append(tl.Rows, row)
	}
	return tl
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// planData gathers the plan of a convention, its warnings and trace, and
// the table of the actions f selects.
func (s *Server) planData(r *http.Request, id string, f planFilter, af store.ActionFilter) (*planData, error) {
	u, ctx := currentUser(r), r.Context()
	ov, err := s.db.PlanOverview(ctx, u, id)
	if err != nil {
		return nil, err
	}
	c, p := ov.Convention, ov.Plan
	all := p.Actions()
	names, err := s.planNames(r, all)
	if err != nil {
		return nil, err
	}
	d := &planData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, View: f.View, Filter: f, FilterErrors: map[string]string{},
		Statuses: plan.Statuses, Fields: field.All, Count: len(all)}
	first, last := plan.Years(c)
	for y := first; y <= last && first > 0; y++ {
		d.Years = append(d.Years, y)
	}
	for i := range p.Axes {
		d.Places = append(d.Places, i+1)
	}
	for _, x := range p.Axes {
		views := viewActions(x.Actions, p.Axes, names)
		av := axisView{Axis: x, Count: len(views),
			Form:         axisForm{ID: x.ID, Version: x.Version, Title: x.Title, Description: x.Description, Number: x.Number},
			NewObjective: objectiveForm{Axis: x.ID}}
		for _, o := range x.Objectives {
			ov := objectiveView{Objective: o, Label: objectiveLabel(x.Number, o.Position),
				Form: objectiveForm{ID: o.ID, Axis: x.ID, Version: o.Version, Title: o.Title}}
			for _, a := range views {
				if a.Objective == o.ID {
					ov.Actions = append(ov.Actions, a)
				}
			}
			av.Objectives = append(av.Objectives, ov)
		}
		for _, a := range views {
			if a.Objective == "" {
				av.Loose = append(av.Loose, a)
			}
			if a.Status == plan.StatusDone {
				d.Done++
			}
		}
		d.Axes = append(d.Axes, av)
	}
	// The filters offer the organisations the plan names, by name.
	leads, partners := map[string]bool{}, map[string]bool{}
	for _, a := range all {
		if a.Lead != "" {
			leads[a.Lead] = true
		}
		for _, p := range a.Partners {
			partners[p] = true
		}
	}
	orgList := func(set map[string]bool) []account.Organisation {
		out := []account.Organisation{}
		for id := range set {
			out = append(out, account.Organisation{ID: id, Name: cmp.Or(names[id], id)})
		}
		slices.SortFunc(out, func(a, b account.Organisation) int {
			return strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name))
		})
		return out
	}
	d.Leads, d.Partners = orgList(leads), orgList(partners)

	if f.View != viewTree {
		selected := slices.DeleteFunc(slices.Clone(all), func(a plan.Action) bool { return !af.Keeps(c, &a) })
		d.Rows = viewActions(selected, p.Axes, names)
		sortActions(d.Rows, f.Sort)
		if f.View == viewTimeline {
			d.Time = newTimeline(c, d.Rows)
		}
	}

	d.Warnings = ov.Warnings
	for _, st := range ov.Trace.Stakes {
		v := stakeTraceView{StakeRef: st.StakeRef, PriorityLabel: diagnostic.PriorityLabel(st.Priority)}
		for _, f := range st.Fields {
			v.FieldLabels = append(v.FieldLabels, field.Label(f))
		}
		for _, a := range st.Actions {
			counts := a.Status != plan.StatusAbandoned
			v.Actions = append(v.Actions, traceActionView{ActionRef: a, StatusLabel: plan.StatusLabel(a.Status), Counts: counts})
			v.Answered = v.Answered || counts
		}
		d.Stakes = append(d.Stakes, v)
	}
	d.Unanswered = len(ov.Trace.Unanswered)
	return d, nil
}

func planTitle(c *convention.Convention) string { return "Plan d'actions — " + c.Title }

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	c, err := s.db.ConventionHead(r.Context(), currentUser(r), id)
	if err != nil {
		return err
	}
	f, af, errs := readPlanFilter(r, c)
	d, err := s.planData(r, id, f, af)
	if err != nil {
		return err
	}
	d.FilterErrors = errs
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, "plan", planTitle(c), "conventions", d)
}

// planCSVHeader is the header line of the CSV export of the plan.
var planCSVHeader = []string{"référence", "axe", "objectif", "intitulé", "statut", "porteur", "partenaires",
	"champs d'intervention", "public visé", "début", "fin", "enjeux", "description"}

// planCSV writes the table of the actions, filtered and sorted as on the
// page, the way French spreadsheets open it: semicolons, UTF-8 with a byte
// order mark, dates as 21/11/2026.
func (s *Server) planCSV(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return err
	}
	f, af, errs := readPlanFilter(r, c)
	if len(errs) > 0 {
		return app.Invalid("Filtre inconnu.", errs)
	}
	f.View = viewTable
	d, err := s.planData(r, id, f, af)
	if err != nil {
		return err
	}
	stakes, err := s.db.Stakes(r.Context(), u, id)
	if err != nil {
		return err
	}
	stakeTitles := map[string]string{}
	for _, st := range stakes {
		stakeTitles[st.ID] = st.Title
	}
	axisTitles := map[string]string{}
	for _, x := range d.Axes {
		axisTitles[x.ID] = "Axe " + strconv.Itoa(x.Number) + " — " + x.Title
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="plan-`+strings.TrimPrefix(exportName(c, "csv"), "diagnostic-")+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write(planCSVHeader)
	frDate := func(s string) string {
		if t, ok := convention.ParseDate(s); ok {
			return t.Format("02/01/2006")
		}
		return s
	}
	for _, a := range d.Rows {
		var st []string
		for _, sid := range a.Stakes {
			st = append(st, stakeTitles[sid])
		}
		objective := ""
		if a.ObjectiveLabel != "" {
			objective = a.ObjectiveLabel + " — " + a.ObjectiveTitle
		}
		row := []string{a.Ref, axisTitles[a.Axis], objective, a.Title, a.StatusLabel, a.LeadName, strings.Join(a.PartnerNames, " ; "),
			strings.Join(a.FieldLabels, " ; "), a.Public, frDate(a.Start), frDate(a.End), strings.Join(st, " ; "), a.Description}
		for i := range row {
			row[i] = spreadsheetText(row[i])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// spreadsheetText keeps a typed text from being run as a formula when the
// file is opened in a spreadsheet: a cell that starts with =, +, - or @ is
// a formula there, so it gets a leading apostrophe, which spreadsheets
// read as "this is text".
func spreadsheetText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// planBack shows the plan again with a refused form of an axis or an
// objective, with the status of the error; other errors go to the error
// page.
func (s *Server) planBack(w http.ResponseWriter, r *http.Request, id string, err error, set func(d *planData, errs map[string]string)) error {
	errs, status, ok := formRefusal(err, app.EInvalid, app.EPreconditionFailed, app.EConflict)
	if !ok {
		return err
	}
	d, derr := s.planData(r, id, planFilter{View: viewTree}, store.ActionFilter{})
	if derr != nil {
		return derr
	}
	set(d, errs)
	return s.renderStatus(w, r, status, "plan", planTitle(d.C), "conventions", d)
}
