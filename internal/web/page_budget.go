package web

import (
	"bytes"
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
)

// The budget of a convention, /conventions/{id}/budget: the totals of the
// plan's budget lines by funder, year, axis, field of intervention and
// nature, planned against actual, with charts over the same figures, the
// warnings a partner wants before signing, the budget of each action with
// a link to its grid, and the spreadsheet to download and import. Every
// figure comes from store.ConventionBudget, the call the JSON API makes.

// moneyText writes cents as French pages show amounts: whole euros when
// there are no cents ("22 246 000 €"), with them otherwise ("1 234,56 €"),
// so that no figure is rounded away from the API's.
func moneyText(cents any) string {
	if p, ok := cents.(*int64); ok && p != nil {
		cents = *p
	}
	return strings.Replace(budget.FormatCents(toInt64(cents)), ",00\u00a0€", "\u00a0€", 1)
}

// budgetChart is a chart of the budget page: an ECharts option and its
// caption; the table beside it holds the same figures.
type budgetChart struct {
	ID, Title string
	Option    map[string]any
}

// actionMoney is the budget of one action of the plan.
type actionMoney struct {
	ID, Ref, Title string
	Lines          int
	PlannedCents   int64
	ActualCents    int64
}

type budgetData struct {
	C       *convention.Convention
	CanEdit bool
	T       *budget.Totals
	// Executed is the actual total's part of the planned total.
	Executed float64
	Actions  []actionMoney
	// Unbudgeted counts the actions without any line.
	Unbudgeted int
	Funders    budgetChart
	Years      budgetChart
	Axes       budgetChart
	Fields     budgetChart
	// SheetURL downloads the budget as a spreadsheet.
	SheetURL string
	// Import is the summary of a sheet just imported; ImportError and
	// ImportErrors, why one was refused ("ligne N, colonne X : …", in
	// the order of the file).
	Import       *budget.ImportSummary
	ImportError  string
	ImportErrors []string
}

// HasCharts tells the layout to load the chart library.
func (budgetData) HasCharts() bool { return true }

// budgetData gathers the budget of a convention u may see.
func (s *Server) budgetData(r *http.Request, id string) (*budgetData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	t, err := s.db.ConventionBudget(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	money, err := s.db.ActionsMoney(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &budgetData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, T: t, Executed: budget.Share(t.ActualCents, t.PlannedCents),
		SheetURL: "/api/v1/conventions/" + c.ID + "/budget.xlsx"}
	for _, m := range money {
		d.Actions = append(d.Actions, actionMoney{ID: m.ID, Ref: m.Ref(), Title: m.Title, Lines: m.Lines, PlannedCents: m.PlannedCents, ActualCents: m.ActualCents})
		if m.Lines == 0 {
			d.Unbudgeted++
		}
	}
	d.Funders, d.Years, d.Axes, d.Fields = budgetCharts(t)
	return d, nil
}

// plannedActual is a bar chart of planned and actual money by category:
// vertical bars for years, horizontal ones for long names.
func plannedActual(names []string, planned, actual []float64, horizontal bool) map[string]any {
	cat := map[string]any{"type": "category", "data": names}
	val := map[string]any{"type": "value"}
	opt := map[string]any{
		"valueFormat": "eur",
		"tooltip":     map[string]any{"trigger": "axis"},
		"legend":      map[string]any{"top": 0},
		"grid":        map[string]any{"left": 8, "right": 16, "top": 36, "bottom": 8},
		"series": []any{
			map[string]any{"name": "Prévu", "type": "bar", "data": planned},
			map[string]any{"name": "Réalisé", "type": "bar", "data": actual},
		},
	}
	if horizontal {
		cat["inverse"] = true
		opt["xAxis"], opt["yAxis"] = val, cat
	} else {
		opt["xAxis"], opt["yAxis"] = cat, val
	}
	return opt
}

// budgetCharts builds the charts of the budget page from its totals, in
// euros (a chart shows no cents).
func budgetCharts(t *budget.Totals) (funders, years, axes, fields budgetChart) {
	var pie []any
	for _, f := range t.ByFunder {
		pie = append(pie, map[string]any{"name": f.Name, "value": budget.Euros(f.PlannedCents)})
	}
	funders = budgetChart{ID: "chart-funders", Title: "Part de chaque financeur dans le budget prévu", Option: map[string]any{
		"valueFormat": "eur",
		"tooltip":     map[string]any{"trigger": "item"},
		"legend":      map[string]any{"bottom": 0},
		"series": []any{map[string]any{"name": "Budget prévu", "type": "pie", "radius": []string{"38%", "62%"}, "center": []string{"50%", "40%"},
			"data": pie, "label": map[string]any{"show": false}}},
	}}

	var names []string
	var planned, actual []float64
	reset := func() { names, planned, actual = nil, nil, nil }
	add := func(name string, p, a int64) {
		names, planned, actual = append(names, name), append(planned, budget.Euros(p)), append(actual, budget.Euros(a))
	}
	for _, y := range t.ByYear {
		add(strconv.Itoa(y.Year), y.PlannedCents, y.ActualCents)
	}
	years = budgetChart{ID: "chart-years", Title: "Budget prévu et réalisé par année", Option: plannedActual(names, planned, actual, false)}
	reset()
	for _, a := range t.ByAxis {
		add("Axe "+strconv.Itoa(a.Number), a.PlannedCents, a.ActualCents)
	}
	axes = budgetChart{ID: "chart-axes", Title: "Budget prévu et réalisé par axe", Option: plannedActual(names, planned, actual, true)}
	reset()
	for _, f := range t.ByField {
		add(f.Label, f.PlannedCents, f.ActualCents)
	}
	fields = budgetChart{ID: "chart-fields", Title: "Budget prévu et réalisé par champ d'intervention", Option: plannedActual(names, planned, actual, true)}
	return funders, years, axes, fields
}

func (s *Server) budgetPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.budgetData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, r, "budget", "Budget — "+d.C.Title, "conventions", d)
}

// sheetErrors lists the messages of a refused sheet in the order of the
// file: by line, then by column as the messages name them.
func sheetErrors(fields map[string]string) []string {
	type entry struct {
		line int
		key  string
	}
	var keys []entry
	for k := range fields {
		n := 0
		if rest, ok := strings.CutPrefix(k, "ligne "); ok {
			digits, _, _ := strings.Cut(rest, ",")
			n, _ = strconv.Atoi(digits)
		}
		keys = append(keys, entry{n, k})
	}
	slices.SortFunc(keys, func(a, b entry) int { return cmp.Or(cmp.Compare(a.line, b.line), cmp.Compare(a.key, b.key)) })
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fields[k.key]
	}
	return out
}

// maxBudgetFile is the largest budget spreadsheet accepted. The body limit
// of every request (limitBodies) is the same: an exported workbook of a
// thousand lines, more than a convention has, weighs about 60 ko.
const maxBudgetFile = 1 << 20

// budgetImport replaces the budget of a convention with the lines of an
// uploaded spreadsheet, all or nothing, and shows the page again with a
// summary or with the reasons, cell by cell, the file was refused.
func (s *Server) budgetImport(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, c); err != nil {
		return err
	}
	sum, err := s.importBudgetSheet(r, id, maxBudgetFile)
	code := app.ErrorCode(err)
	if err != nil && code != app.EInvalid && code != app.ETooLarge {
		return err
	}
	d, derr := s.budgetData(r, id)
	if derr != nil {
		return derr
	}
	status := http.StatusOK
	if err != nil {
		status = statusFor(code)
		d.ImportError, d.ImportErrors = app.ErrorMessage(err), sheetErrors(app.ErrorFields(err))
	} else {
		d.Import = sum
	}
	return s.renderStatus(w, r, status, "budget", "Budget — "+d.C.Title, "conventions", d)
}

// importBudgetSheet reads the spreadsheet sent in the "file" field of r
// (XLSX or CSV, at most max bytes) and replaces the budget of the
// convention with its lines: every cell reads and fits, or nothing is
// stored and the EInvalid error names each wrong cell.
func (s *Server) importBudgetSheet(r *http.Request, id string, max int64) (*budget.ImportSummary, error) {
	data, name, err := uploadedFile(r, max)
	if err != nil {
		return nil, err
	}
	t, err := diagnostic.ReadTable(bytes.NewReader(data), name)
	if err != nil {
		return nil, err
	}
	rows, err := budget.ReadSheet(t)
	if err != nil {
		return nil, err
	}
	return s.db.ImportBudget(r.Context(), currentUser(r), id, rows)
}
