package docgen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

// Sheets of the plan workbook that this package writes; the sheets of the
// budget lines ("Budget") and of the money by funder and year ("Totaux")
// are the budget export's, which the caller starts the workbook with.
const (
	SheetPlan      = "Plan"
	SheetByFunder  = "Par financeur"
	SheetByYear    = "Par année"
	sheetBudget    = "Budget"
	xlsxEurosFmt   = `#,##0.00" €"` // shown as 1 234,56 € in a French spreadsheet
	xlsxDateFmt    = "dd/mm/yyyy"
	xlsxSharesFmt  = 10 // 0.00%
	xlsxHeaderFill = "E9EEF1"
)

// xlsxStyles are the styles of the sheets this package adds.
type xlsxStyles struct {
	header, text, date, euros, share, totalText, totalEuros, totalShare int
}

func newStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	eur := xlsxEurosFmt
	dateFmt := xlsxDateFmt
	top := &excelize.Alignment{Vertical: "top"}
	wrap := &excelize.Alignment{Vertical: "top", WrapText: true}
	rule := []excelize.Border{{Type: "top", Color: "7D8A95", Style: 1}}
	bold := &excelize.Font{Bold: true}
	for _, x := range []struct {
		dst *int
		s   excelize.Style
	}{
		{&st.header, excelize.Style{Font: bold, Border: []excelize.Border{{Type: "bottom", Color: "7D8A95", Style: 2}},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{xlsxHeaderFill}}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "bottom"}}},
		{&st.text, excelize.Style{Alignment: wrap}},
		{&st.date, excelize.Style{CustomNumFmt: &dateFmt, Alignment: top}},
		{&st.euros, excelize.Style{CustomNumFmt: &eur, Alignment: top}},
		{&st.share, excelize.Style{NumFmt: xlsxSharesFmt, Alignment: top}},
		{&st.totalText, excelize.Style{Font: bold, Border: rule, Alignment: top}},
		{&st.totalEuros, excelize.Style{Font: bold, Border: rule, CustomNumFmt: &eur, Alignment: top}},
		{&st.totalShare, excelize.Style{Font: bold, Border: rule, NumFmt: xlsxSharesFmt, Alignment: top}},
	} {
		id, err := f.NewStyle(&x.s)
		if err != nil {
			return st, err
		}
		*x.dst = id
	}
	return st, nil
}

// PlanHeaders are the columns of the sheet "Plan", one row per action.
var PlanHeaders = []string{"Référence", "Axe", "Objectif", "Intitulé", "Porteur", "Partenaires", "Public visé", "Début", "Fin", "Statut",
	"Champs d'intervention", "Enjeux"}

// AddPlanSheets adds to f, a workbook that holds the budget export's sheets
// ("Budget", "Totaux"), the sheet "Plan" in first place and the sheets
// "Par financeur" and "Par année" after "Budget", and makes "Plan" the
// sheet that opens. Amounts are numbers in euros with two decimals, dates
// are dates.
func (c *Convention) AddPlanSheets(f *excelize.File) error {
	fail := func(err error) error { return fmt.Errorf("docgen: plan workbook: %w", err) }
	st, err := newStyles(f)
	if err != nil {
		return fail(err)
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "Plan d'actions et budget — " + c.Convention.Title, Language: "fr-FR", Creator: "ctg"})
	first := f.GetSheetList()[0]
	if err := c.planSheet(f, st); err != nil {
		return fail(err)
	}
	if err := f.MoveSheet(SheetPlan, first); err != nil {
		return fail(err)
	}
	if err := c.funderSheet(f, st); err != nil {
		return fail(err)
	}
	if err := c.yearSheet(f, st); err != nil {
		return fail(err)
	}
	// After the lines: by funder, by year, then the budget export's
	// table by funder and year.
	list := f.GetSheetList()
	for i, name := range list {
		if name == sheetBudget && i+1 < len(list) {
			if err := f.MoveSheet(SheetByFunder, list[i+1]); err != nil {
				return fail(err)
			}
			if err := f.MoveSheet(SheetByYear, list[i+1]); err != nil {
				return fail(err)
			}
			break
		}
	}
	idx, err := f.GetSheetIndex(SheetPlan)
	if err != nil {
		return fail(err)
	}
	f.SetActiveSheet(idx)
	return nil
}

// xlsxDate is a YYYY-MM-DD date as a spreadsheet date, or an empty cell.
func xlsxDate(s string) any {
	t, ok := convention.ParseDate(s)
	if !ok {
		return nil
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (c *Convention) planSheet(f *excelize.File, st xlsxStyles) error {
	if _, err := f.NewSheet(SheetPlan); err != nil {
		return err
	}
	if err := header(f, SheetPlan, PlanHeaders); err != nil {
		return err
	}
	stakes := map[string]string{}
	for _, s := range c.Stakes {
		stakes[s.ID] = s.Title
	}
	row := 2
	if c.Plan != nil {
		for _, a := range c.Plan.Axes {
			objectives := map[string]string{}
			for _, o := range a.Objectives {
				objectives[o.ID] = o.Title
			}
			for _, x := range a.Actions {
				var st []string
				for _, id := range x.Stakes {
					if t, ok := stakes[id]; ok {
						st = append(st, t)
					}
				}
				values := []any{x.Ref, axisTitle(a), objectives[x.Objective], x.Title, c.name(x.Lead), strings.Join(c.names(x.Partners), ", "),
					x.Public, xlsxDate(x.Start), xlsxDate(x.End), plan.StatusLabel(x.Status), fieldLabels(x.Fields), strings.Join(st, " ; ")}
				cell, _ := excelize.CoordinatesToCellName(1, row)
				if err := f.SetSheetRow(SheetPlan, cell, &values); err != nil {
					return err
				}
				row++
			}
		}
	}
	last := row - 1
	if last >= 2 {
		if err := f.SetCellStyle(SheetPlan, "A2", "L"+strconv.Itoa(last), st.text); err != nil {
			return err
		}
		if err := f.SetCellStyle(SheetPlan, "H2", "I"+strconv.Itoa(last), st.date); err != nil {
			return err
		}
	}
	return layout(f, SheetPlan, st, []float64{18, 30, 30, 40, 28, 34, 26, 12, 12, 12, 28, 34}, len(PlanHeaders), last-1)
}

func (c *Convention) funderSheet(f *excelize.File, st xlsxStyles) error {
	if _, err := f.NewSheet(SheetByFunder); err != nil {
		return err
	}
	if err := header(f, SheetByFunder, []string{"Financeur", "Code financeur", "Prévu (€)", "Réalisé (€)", "Part du prévu"}); err != nil {
		return err
	}
	t := c.totals()
	row := 2
	for _, fu := range t.ByFunder {
		values := []any{fu.Name, fu.Funder, budget.Euros(fu.PlannedCents), budget.Euros(fu.ActualCents), fu.Share}
		if err := f.SetSheetRow(SheetByFunder, "A"+strconv.Itoa(row), &values); err != nil {
			return err
		}
		row++
	}
	return totalRow(f, SheetByFunder, st, row, []any{"Total", "", budget.Euros(t.PlannedCents), budget.Euros(t.ActualCents), budget.Share(t.PlannedCents, t.PlannedCents)},
		[]float64{40, 18, 18, 18, 14})
}

func (c *Convention) yearSheet(f *excelize.File, st xlsxStyles) error {
	if _, err := f.NewSheet(SheetByYear); err != nil {
		return err
	}
	if err := header(f, SheetByYear, []string{"Année", "Prévu (€)", "Réalisé (€)", "Part du prévu"}); err != nil {
		return err
	}
	t := c.totals()
	row := 2
	for _, y := range t.ByYear {
		values := []any{y.Year, budget.Euros(y.PlannedCents), budget.Euros(y.ActualCents), budget.Share(y.PlannedCents, t.PlannedCents)}
		if err := f.SetSheetRow(SheetByYear, "A"+strconv.Itoa(row), &values); err != nil {
			return err
		}
		row++
	}
	return totalRow(f, SheetByYear, st, row, []any{"Total", budget.Euros(t.PlannedCents), budget.Euros(t.ActualCents), budget.Share(t.PlannedCents, t.PlannedCents)},
		[]float64{12, 18, 18, 14})
}

// totals are the budget's totals, empty ones when there are none.
func (c *Convention) totals() *budget.Totals {
	if c.Totals == nil {
		return budget.NewTotals(nil, nil, nil, nil)
	}
	return c.Totals
}

// totalRow writes the total row of a sheet of totals at row, styles the
// amounts (every column after the first two texts that is a float: euros,
// the last: a share) and lays the sheet out.
func totalRow(f *excelize.File, sheet string, st xlsxStyles, row int, values []any, widths []float64) error {
	if err := f.SetSheetRow(sheet, "A"+strconv.Itoa(row), &values); err != nil {
		return err
	}
	n := len(values)
	euroFrom := 2 // the first amount column
	if _, text := values[1].(string); text {
		euroFrom = 3
	}
	from, _ := excelize.CoordinatesToCellName(euroFrom, 2)
	to, _ := excelize.CoordinatesToCellName(n-1, row)
	if err := f.SetCellStyle(sheet, from, to, st.euros); err != nil {
		return err
	}
	from, _ = excelize.CoordinatesToCellName(n, 2)
	to, _ = excelize.CoordinatesToCellName(n, row)
	if err := f.SetCellStyle(sheet, from, to, st.share); err != nil {
		return err
	}
	from, _ = excelize.CoordinatesToCellName(1, row)
	to, _ = excelize.CoordinatesToCellName(euroFrom-1, row)
	if err := f.SetCellStyle(sheet, from, to, st.totalText); err != nil {
		return err
	}
	from, _ = excelize.CoordinatesToCellName(euroFrom, row)
	to, _ = excelize.CoordinatesToCellName(n-1, row)
	if err := f.SetCellStyle(sheet, from, to, st.totalEuros); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(n, row)
	if err := f.SetCellStyle(sheet, last, last, st.totalShare); err != nil {
		return err
	}
	return layout(f, sheet, st, widths, n, 0)
}

func header(f *excelize.File, sheet string, names []string) error {
	values := make([]any, len(names))
	for i, n := range names {
		values[i] = n
	}
	return f.SetSheetRow(sheet, "A1", &values)
}

// layout styles the header row of a sheet, sets the widths of its columns
// and freezes the header; with rows > 0 it also filters the rows below.
func layout(f *excelize.File, sheet string, st xlsxStyles, widths []float64, cols, rows int) error {
	last, _ := excelize.CoordinatesToCellName(cols, 1)
	if err := f.SetCellStyle(sheet, "A1", last, st.header); err != nil {
		return err
	}
	for i, w := range widths {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, name, name, w); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if rows > 0 {
		end, _ := excelize.CoordinatesToCellName(cols, rows+1)
		return f.AutoFilter(sheet, "A1:"+end, nil)
	}
	return nil
}
