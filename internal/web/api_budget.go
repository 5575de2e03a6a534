package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/publication"
)

// budgetInput is the body of PUT /api/v1/actions/{id}/budget.
type budgetInput struct {
	Lines *[]budget.Line `json:"lines"`
}

func writeActionBudget(w http.ResponseWriter, b *budget.ActionBudget) {
	w.Header().Set("ETag", etag(b.Version))
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) apiBudget(w http.ResponseWriter, r *http.Request) error {
	b, err := s.db.Budget(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeActionBudget(w, b)
	return nil
}

func (s *Server) apiSetBudget(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var in budgetInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Lines == nil {
		return app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"lines": "Envoyez les lignes du budget de l'action : {\"lines\": [...]}, une liste vide pour n'en garder aucune."})
	}
	b, err := s.db.SetBudget(r.Context(), currentUser(r), r.PathValue("id"), version, *in.Lines)
	if err != nil {
		return err
	}
	writeActionBudget(w, b)
	return nil
}

func (s *Server) apiConventionBudget(w http.ResponseWriter, r *http.Request) error {
	t, err := s.db.ConventionBudget(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// apiConventionBudgetLines lists the lines of a convention, with
// ?year=, ?funder= and ?action= to keep those of a year, a funder or an
// action (the links of the budget's warnings use the first two).
func (s *Server) apiConventionBudgetLines(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	year := 0
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		var err error
		if year, err = strconv.Atoi(y); err != nil {
			return app.Invalid("Certaines informations sont à corriger.", map[string]string{"year": "L'année s'écrit en chiffres, par exemple 2024."})
		}
	}
	funder, action := strings.TrimSpace(q.Get("funder")), strings.TrimSpace(q.Get("action"))
	lines, err := s.db.ConventionBudgetLines(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	kept := lines[:0]
	for _, l := range lines {
		if (year == 0 || l.Year == year) && (funder == "" || l.Funder == funder) && (action == "" || l.Action == action) {
			kept = append(kept, l)
		}
	}
	writeJSON(w, http.StatusOK, newList(kept))
	return nil
}

// commitments is the body of GET /api/v1/organisations/{id}/commitments.
type commitments struct {
	Organisation string             `json:"organisation"`
	Name         string             `json:"name"`
	PlannedCents int64              `json:"planned_cents"`
	ActualCents  int64              `json:"actual_cents"`
	ByYear       []budget.YearTotal `json:"by_year"`
}

func (s *Server) apiCommitments(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	years, err := s.db.CAFCommitments(r.Context(), currentUser(r), id)
	if err != nil {
		return err
	}
	o, err := s.db.Organisation(r.Context(), id)
	if err != nil {
		return err
	}
	out := commitments{Organisation: o.ID, Name: o.Name, ByYear: years}
	if out.ByYear == nil {
		out.ByYear = []budget.YearTotal{}
	}
	for _, y := range years {
		out.PlannedCents += y.PlannedCents
		out.ActualCents += y.ActualCents
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// publishInput is the body of POST /api/v1/conventions/{id}/publish; an
// empty body publishes the plan alone.
type publishInput struct {
	ShowBudget  bool   `json:"show_budget"`
	ShowSurveys bool   `json:"show_surveys"`
	Summary     string `json:"summary"`
}

func (s *Server) apiPublish(w http.ResponseWriter, r *http.Request) error {
	var in publishInput
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	p, err := s.db.Publish(r.Context(), currentUser(r), r.PathValue("id"),
		publication.Publication{ShowBudget: in.ShowBudget, ShowSurveys: in.ShowSurveys, Summary: in.Summary})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiPublication(w http.ResponseWriter, r *http.Request) error {
	p, err := s.db.Publication(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiUnpublish(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.Unpublish(r.Context(), currentUser(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiBudgetXLSX writes the budget of a convention as a workbook: the sheet
// "Budget", one row per line, which the import reads back, and the sheet
// "Totaux", by funder and year.
func (s *Server) apiBudgetXLSX(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	lines, err := s.db.ConventionBudgetLines(r.Context(), u, c.ID)
	if err != nil {
		return err
	}
	t, err := s.db.ConventionBudget(r.Context(), u, c.ID)
	if err != nil {
		return err
	}
	f, err := budgetWorkbook(c, lines, t)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="budget-`+publication.BaseSlug(c.Title)+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	return f.Write(w)
}

// xlsxEuros displays amounts in euros with cents: 1 234,56 €.
const xlsxEuros = `#,##0.00" €"`

// budgetWorkbook builds the budget export.
func budgetWorkbook(c *convention.Convention, lines []budget.LineRef, t *budget.Totals) (*excelize.File, error) {
	f := excelize.NewFile()
	fail := func(err error) (*excelize.File, error) {
		f.Close()
		return nil, fmt.Errorf("web: budget workbook: %w", err)
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return fail(err)
	}
	euros, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptrTo(xlsxEuros), Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return fail(err)
	}
	share, err := f.NewStyle(&excelize.Style{NumFmt: 10, Alignment: &excelize.Alignment{Vertical: "top"}}) // 0.00%
	if err != nil {
		return fail(err)
	}
	const main, totals = "Budget", "Totaux"
	if err := f.SetSheetName("Sheet1", main); err != nil {
		return fail(err)
	}
	if _, err := f.NewSheet(totals); err != nil {
		return fail(err)
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "Budget — " + c.Title, Language: "fr-FR", Creator: "ctg"})

	header := make([]any, len(budget.SheetHeaders))
	for i, h := range budget.SheetHeaders {
		header[i] = h
	}
	if err := f.SetSheetRow(main, "A1", &header); err != nil {
		return fail(err)
	}
	for i, l := range lines {
		row := l.SheetRow()
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(main, cell, &row); err != nil {
			return fail(err)
		}
	}
	if len(lines) > 0 {
		from, _ := excelize.CoordinatesToCellName(len(header)-1, 2)
		to, _ := excelize.CoordinatesToCellName(len(header), len(lines)+1)
		if err := f.SetCellStyle(main, from, to, euros); err != nil {
			return fail(err)
		}
	}
	if err := layoutSheet(f, main, st, []float64{6, 32, 18, 40, 30, 18, 8, 16, 16, 16}, len(header), len(lines), "E2"); err != nil {
		return fail(err)
	}

	// Totaux: a row per funder, a column per year, then the totals.
	years := make([]int, len(t.ByYear))
	head := []any{"Financeur", "Code financeur"}
	for i, y := range t.ByYear {
		years[i] = y.Year
		head = append(head, strconv.Itoa(y.Year)+" (€)")
	}
	head = append(head, "Total prévu (€)", "Total réalisé (€)", "Part du prévu")
	if err := f.SetSheetRow(totals, "A1", &head); err != nil {
		return fail(err)
	}
	byCell := map[string]map[int]int64{}
	for _, x := range t.ByFunderYear {
		if byCell[x.Funder] == nil {
			byCell[x.Funder] = map[int]int64{}
		}
		byCell[x.Funder][x.Year] = x.PlannedCents
	}
	rows := make([][]any, 0, len(t.ByFunder)+1)
	for _, fu := range t.ByFunder {
		row := []any{fu.Name, fu.Funder}
		for _, y := range years {
			row = append(row, budget.Euros(byCell[fu.Funder][y]))
		}
		rows = append(rows, append(row, budget.Euros(fu.PlannedCents), budget.Euros(fu.ActualCents), fu.Share))
	}
	total := []any{"Total", ""}
	for _, y := range t.ByYear {
		total = append(total, budget.Euros(y.PlannedCents))
	}
	rows = append(rows, append(total, budget.Euros(t.PlannedCents), budget.Euros(t.ActualCents), budget.Share(t.PlannedCents, t.PlannedCents)))
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(totals, cell, &row); err != nil {
			return fail(err)
		}
	}
	from, _ := excelize.CoordinatesToCellName(3, 2)
	to, _ := excelize.CoordinatesToCellName(len(head)-1, len(rows)+1)
	if err := f.SetCellStyle(totals, from, to, euros); err != nil {
		return fail(err)
	}
	from, _ = excelize.CoordinatesToCellName(len(head), 2)
	to, _ = excelize.CoordinatesToCellName(len(head), len(rows)+1)
	if err := f.SetCellStyle(totals, from, to, share); err != nil {
		return fail(err)
	}
	widths := []float64{32, 18}
	for range len(head) - 2 {
		widths = append(widths, 16)
	}
	if err := layoutSheet(f, totals, st, widths, len(head), len(rows), "C2"); err != nil {
		return fail(err)
	}
	return f, nil
}

func ptrTo[T any](v T) *T { return &v }

// budgetChange writes in French the values of the budget's and the public
// page's history: amounts in euros rather than cents, choices as oui/non.
func budgetChange(field string, v any) (string, bool) {
	switch x := v.(type) {
	case float64:
		if strings.HasSuffix(field, "_cents") {
			return budget.FormatCents(int64(math.Round(x))), true
		}
	case bool:
		if x {
			return "oui", true
		}
		return "non", true
	}
	return "", false
}

// apiBudgetImport replaces the budget of a convention with the lines of an
// uploaded sheet laid out as the export's (XLSX or CSV): all or nothing,
// with a message per wrong cell ("ligne 5, colonne Année").
func (s *Server) apiBudgetImport(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	// Who may not change the convention learns it before sending a file.
	c, err := s.db.ConventionHead(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, c); err != nil {
		return err
	}
	// The body is capped like any request's (limitBodies): an exported
	// workbook of a thousand lines, more than a convention has, weighs
	// about 60 ko.
	sum, err := s.importBudgetSheet(r, c.ID, maxBudgetFile)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}
