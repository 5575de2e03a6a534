package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/territory"
)

// The budget grid of an action, /actions/{aid}/budget: one row per budget
// line, entered like a spreadsheet. Without JavaScript it is a plain form
// with a few empty rows and a button that adds more; ctg.js adds moving
// between cells with the arrow keys and Enter, and pasting a column copied
// from a spreadsheet. The form carries the action's version: a save from
// an older version is refused, and the grid comes back as it was typed.

// Columns of the grid, in order: the names of the form's fields.
const (
	colFunder  = "funder"
	colYear    = "year"
	colNature  = "nature"
	colPlanned = "planned"
	colActual  = "actual"
)

// gridColumns maps the fields of a budget line, as errors name them
// ("lines[2].planned_cents"), to the columns of the grid, in order.
var gridColumns = []struct{ Field, Col string }{
	{"funder", colFunder}, {"year", colYear}, {"nature", colNature}, {"planned_cents", colPlanned}, {"actual_cents", colActual},
}

// Empty rows the grid offers: under a budget, under an empty one, and
// what "Ajouter des lignes" adds.
const (
	gridSpareRows = 3
	gridEmptyRows = 5
	gridMoreRows  = 5
)

// gridRow is a row of the grid as it was typed: text until it reads.
type gridRow struct {
	Funder, Year, Nature, Planned, Actual string
	// Errors holds the messages of the row's cells by column, without
	// the line number that the error summary gives.
	Errors map[string]string
}

// blank reports whether nothing was typed in the row: the year and the
// nature have values of their own from the start, so they do not count.
func (g gridRow) blank() bool {
	return strings.TrimSpace(g.Funder) == "" && strings.TrimSpace(g.Planned) == "" && strings.TrimSpace(g.Actual) == ""
}

// gridError is a line of the error summary, linking to its cell.
type gridError struct{ Cell, Message string }

// orgOption is an organisation a line may name as its funder.
type orgOption struct{ ID, Name string }

type budgetGridData struct {
	C       *convention.Convention
	A       *plan.Action
	CanEdit bool
	// Version is the action's version the grid was filled from.
	Version int
	Rows    []gridRow
	// Summary lists the errors of a refused grid, in the order of its
	// cells; Message says why it was refused.
	Summary []gridError
	Message string
	// Conflict is set when the action changed since the grid was filled.
	Conflict bool
	// Parties are the CAF and the parties of the convention, offered
	// first; Others, the other organisations (CAFs of other
	// départements only when a line names one).
	Parties, Others []orgOption
	Years           []int
	Natures         []struct{ Code, Label string }
	// Saved is the action's budget as stored: its lines, totals and
	// warnings.
	Saved *budget.ActionBudget
	// names are the names of all organisations by id; offered, those
	// the funder select holds.
	names   map[string]string
	offered map[string]bool
}

// Cell is the id of a cell of the grid: "g-3-planned".
func (budgetGridData) Cell(row int, col string) string { return "g-" + strconv.Itoa(row) + "-" + col }

// KnownFunder reports whether the funder select offers id, so that a
// funder it does not hold (pasted, or no longer an organisation) is shown
// as typed.
func (d *budgetGridData) KnownFunder(id string) bool { return d.offered[id] }

// FunderLabel names the funder of a cell: the organisation's name, or the
// text as it was typed.
func (d *budgetGridData) FunderLabel(id string) string { return cmp.Or(d.names[id], id) }

// KnownYear reports whether the year select offers y.
func (d *budgetGridData) KnownYear(y string) bool {
	n, err := strconv.Atoi(y)
	return err == nil && slices.Contains(d.Years, n)
}

// FunderName names a funder of a stored line.
func (d *budgetGridData) FunderName(l budget.Line) string {
	return cmp.Or(l.FunderName, d.names[l.Funder], l.Funder)
}

// gridTotals are the sums of the amounts of a grid.
type gridTotals struct{ PlannedCents, ActualCents int64 }

// Typed sums the amounts typed in the grid that read, as the script of
// the page does while one types: the foot of the grid.
func (d *budgetGridData) Typed() gridTotals {
	var t gridTotals
	for _, g := range d.Rows {
		if c, err := budget.ParseCents(g.Planned); err == nil {
			t.PlannedCents += c
		}
		if c, err := budget.ParseCents(g.Actual); err == nil {
			t.ActualCents += c
		}
	}
	return t
}

// NatureLabel names a nature of budget line in French.
func (budgetGridData) NatureLabel(code string) string { return budget.NatureLabel(code) }

// amountText writes cents for a cell of the grid, as people type them:
// "12 000", "1 234,56", with plain spaces, which ParseCents reads back.
func amountText(cents int64) string {
	s := strings.TrimSuffix(budget.FormatCents(cents), "\u00a0€")
	return strings.ReplaceAll(strings.TrimSuffix(s, ",00"), "\u00a0", " ")
}

// rowsOf fills the grid with stored lines.
func rowsOf(lines []budget.Line) []gridRow {
	rows := make([]gridRow, 0, len(lines))
	for _, l := range lines {
		g := gridRow{Funder: l.Funder, Year: strconv.Itoa(l.Year), Nature: l.Nature, Planned: amountText(l.PlannedCents)}
		if l.ActualCents != nil {
			g.Actual = amountText(*l.ActualCents)
		}
		rows = append(rows, g)
	}
	return rows
}

// withBlanks adds n empty rows to rows.
func withBlanks(rows []gridRow, n int) []gridRow {
	for range n {
		rows = append(rows, gridRow{Nature: budget.NatureFonctionnement})
	}
	return rows
}

// budgetGridData gathers what the grid of an action shows: the action, its
// convention, its stored budget and the organisations that may fund it.
func (s *Server) budgetGridData(r *http.Request, actionID string) (*budgetGridData, error) {
	u := currentUser(r)
	a, err := s.db.Action(r.Context(), u, actionID)
	if err != nil {
		return nil, err
	}
	c, err := s.db.ConventionHead(r.Context(), u, a.Convention)
	if err != nil {
		return nil, err
	}
	saved, err := s.db.Budget(r.Context(), u, actionID)
	if err != nil {
		return nil, err
	}
	orgs, err := s.db.Organisations(r.Context(), "")
	if err != nil {
		return nil, err
	}
	d := &budgetGridData{C: c, A: a, CanEdit: convention.CheckEdit(u, c) == nil, Version: saved.Version, Saved: saved,
		Natures: budget.Natures, names: map[string]string{}, offered: map[string]bool{}}
	d.offerFunders(orgs, saved.Lines)
	start, end := budget.Years(c)
	for y := start; y > 0 && y <= end; y++ {
		d.Years = append(d.Years, y)
	}
	d.Rows = rowsOf(saved.Lines)
	if len(d.Rows) == 0 {
		d.Rows = withBlanks(d.Rows, gridEmptyRows)
	} else {
		d.Rows = withBlanks(d.Rows, gridSpareRows)
	}
	return d, nil
}

// offerFunders sorts the organisations into those the funder select
// offers first (the CAF, then the parties) and the others: every
// organisation but the CAFs of other départements, unless a line names one.
func (d *budgetGridData) offerFunders(orgs []account.Organisation, lines []budget.Line) {
	byID := make(map[string]account.Organisation, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
		d.names[o.ID] = o.Name
	}
	for _, id := range append([]string{d.C.CAF}, d.C.Parties...) {
		if o, ok := byID[id]; ok && !d.offered[id] {
			d.Parties = append(d.Parties, orgOption{o.ID, o.Name})
			d.offered[o.ID] = true
		}
	}
	used := map[string]bool{}
	for _, l := range lines {
		used[l.Funder] = true
	}
	for _, o := range orgs {
		if d.offered[o.ID] || (o.Kind == "caf" && !used[o.ID]) {
			continue
		}
		d.Others = append(d.Others, orgOption{o.ID, o.Name})
		d.offered[o.ID] = true
	}
	slices.SortFunc(d.Others, func(a, b orgOption) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
}

// funderID resolves the funder of a cell: the id of any organisation, or
// the name of one the select offers (a column of names pasted without
// the script that matches them), ignoring case and accents.
func (d *budgetGridData) funderID(text string) (string, bool) {
	if _, ok := d.names[text]; ok {
		return text, true
	}
	want, found := territory.Normalize(text), ""
	for id := range d.offered {
		if territory.Normalize(d.names[id]) == want {
			if found != "" {
				return "", false // two organisations of that name: the id must say which
			}
			found = id
		}
	}
	return found, found != ""
}

func (s *Server) budgetGridPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.budgetGridData(r, r.PathValue("aid"))
	if err != nil {
		return err
	}
	return s.render(w, r, "budget_grid", "Budget — "+d.A.Ref, "conventions", d)
}

// readGrid reads the rows of the posted grid, each column a repeated
// field, and the rows ticked for removal (by index).
func readGrid(form url.Values) ([]gridRow, map[int]bool) {
	cols := [][]string{form[colFunder], form[colYear], form[colNature], form[colPlanned], form[colActual]}
	n := 0
	for _, c := range cols {
		n = max(n, len(c))
	}
	at := func(c []string, i int) string {
		if i < len(c) {
			return strings.TrimSpace(c[i])
		}
		return ""
	}
	rows := make([]gridRow, n)
	for i := range rows {
		rows[i] = gridRow{Funder: at(cols[0], i), Year: at(cols[1], i), Nature: at(cols[2], i), Planned: at(cols[3], i), Actual: at(cols[4], i)}
	}
	removed := map[int]bool{}
	for _, v := range form["remove"] {
		if i, err := strconv.Atoi(v); err == nil {
			removed[i] = true
		}
	}
	return rows, removed
}

// parseRows reads the rows that hold something into budget lines: rows
// left empty or ticked for removal are dropped, so that line i of the
// errors is row i of the grid shown again. Cells that do not read are
// reported as the store reports lines ("lines[2].planned_cents", "ligne
// 3 : …"), with the other mistakes of the lines, all at once.
func (d *budgetGridData) parseRows(rows []gridRow, removed map[int]bool) ([]gridRow, []budget.Line, app.Fields) {
	var kept []gridRow
	var lines []budget.Line
	bad := app.Fields{}
	for i, g := range rows {
		if removed[i] || g.blank() {
			continue
		}
		n := len(lines)
		add := func(field, msg string) { bad.Add(budget.LineField(n, field), budget.LineMessage(n, msg)) }
		l := budget.Line{Funder: g.Funder}
		if g.Funder != "" {
			if id, ok := d.funderID(g.Funder); ok {
				l.Funder, g.Funder = id, id
			} else {
				add("funder", "le financeur « "+g.Funder+" » n'est pas une organisation connue : choisissez-le dans la liste.")
			}
		}
		if g.Year != "" {
			if y, err := strconv.Atoi(g.Year); err == nil {
				l.Year = y
			} else {
				add("year", "« "+g.Year+" » n'est pas une année.")
			}
		}
		if nature, ok := budget.ParseNature(g.Nature); ok {
			l.Nature = nature
		} else {
			l.Nature = g.Nature // Validate names it
		}
		if g.Planned == "" {
			add("planned_cents", "indiquez le montant prévu, 0 s'il n'y en a pas.")
		} else if c, err := budget.ParseCents(g.Planned); err == nil {
			l.PlannedCents = c
		} else {
			add("planned_cents", app.ErrorMessage(err))
		}
		if g.Actual != "" {
			if c, err := budget.ParseCents(g.Actual); err == nil {
				l.ActualCents = &c
			} else {
				add("actual_cents", app.ErrorMessage(err))
			}
		}
		kept, lines = append(kept, g), append(lines, l)
	}
	if len(bad) > 0 {
		// Say everything at once: the lines' other mistakes too, where a
		// cell that did not read has not said something already.
		start, end := budget.Years(d.C)
		for k, v := range app.ErrorFields(budget.Validate(slices.Clone(lines), start, end)) {
			bad.Add(k, v)
		}
	}
	return kept, lines, bad
}

// showErrors puts the messages of a refused grid on its cells and in the
// summary, in the order of the cells; a message tied to no cell goes
// first.
func (d *budgetGridData) showErrors(fields map[string]string) {
	var rest []string
	for k, v := range fields {
		if !strings.HasPrefix(k, "lines[") {
			rest = append(rest, v)
		}
	}
	slices.Sort(rest)
	for _, v := range rest {
		d.Summary = append(d.Summary, gridError{Message: v})
	}
	for i := range d.Rows {
		for _, c := range gridColumns {
			msg, ok := fields[budget.LineField(i, c.Field)]
			if !ok {
				continue
			}
			if d.Rows[i].Errors == nil {
				d.Rows[i].Errors = map[string]string{}
			}
			d.Rows[i].Errors[c.Col] = upperFirst(strings.TrimPrefix(msg, budget.LineMessage(i, "")))
			d.Summary = append(d.Summary, gridError{Cell: d.Cell(i, c.Col), Message: upperFirst(msg)})
		}
	}
}

// upperFirst capitalises a message that no longer follows "ligne N : ".
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// errStaleGrid is what a save from an older version of the action says.
const errStaleGrid = "Quelqu'un a modifié cette action pendant votre saisie : votre budget n'a pas été enregistré et rien n'a été écrasé. " +
	"Votre saisie est conservée ci-dessous, et le budget enregistré entre-temps est affiché sous la grille. " +
	"Enregistrez à nouveau pour le remplacer par votre saisie, ou rechargez la page pour repartir de lui."

func (s *Server) budgetGridSave(w http.ResponseWriter, r *http.Request) error {
	aid, u := r.PathValue("aid"), currentUser(r)
	d, err := s.budgetGridData(r, aid)
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, d.C); err != nil {
		return err // a reader is told so, whatever the grid holds
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	rows, removed := readGrid(r.PostForm)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	title := "Budget — " + d.A.Ref
	if r.PostForm.Get("op") == "add-rows" {
		// More rows, nothing saved: the grid comes back as it was typed.
		d.Rows = d.Rows[:0]
		for i, g := range rows {
			if !removed[i] {
				d.Rows = append(d.Rows, g)
			}
		}
		d.Rows, d.Version = withBlanks(d.Rows, gridMoreRows), version
		return s.render(w, r, "budget_grid", title, "conventions", d)
	}
	kept, lines, bad := d.parseRows(rows, removed)
	switch {
	case len(bad) > 0:
		err = bad.Err()
	case version < 1:
		// A grid always carries the version it was filled from; without
		// one, the store would check nothing.
		err = app.Errorf(app.EPreconditionFailed, "%s", errStaleGrid)
	default:
		var saved *budget.ActionBudget
		if saved, err = s.db.SetBudget(r.Context(), u, aid, version, lines); err == nil {
			flash := "budget.saved"
			if saved.Version == version {
				flash = "nochange"
			}
			return s.redirectFlash(w, r, "/actions/"+aid+"/budget", flash)
		}
	}
	code := app.ErrorCode(err)
	if code != app.EInvalid && code != app.EPreconditionFailed {
		return err
	}
	d.Rows = withBlanks(kept, gridSpareRows)
	if code == app.EPreconditionFailed {
		// The grid now carries the version just read, so that saving it
		// again, knowingly, replaces what the other person saved.
		if d.Saved, err = s.db.Budget(r.Context(), u, aid); err != nil {
			return err
		}
		d.Version, d.Conflict, d.Message = d.Saved.Version, true, errStaleGrid
	} else {
		d.Version, d.Message = version, app.ErrorMessage(err)
		d.showErrors(app.ErrorFields(err))
	}
	return s.renderStatus(w, r, statusFor(code), "budget_grid", title, "conventions", d)
}
