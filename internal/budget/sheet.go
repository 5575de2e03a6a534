package budget

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/plan"
	"ctg/internal/territory"
)

// LineRef is a budget line with the action it belongs to, as the grid of a
// convention's budget and its spreadsheet show it.
type LineRef struct {
	Line
	Axis         string `json:"axis"`
	AxisNumber   int    `json:"axis_number"`
	AxisTitle    string `json:"axis_title"`
	ActionNumber int    `json:"action_number"`
	ActionTitle  string `json:"action_title"`
	// Ref is the action's reference: "Axe 2 / Action 4".
	Ref string `json:"ref"`
}

// The budget sheet of a convention has one row per line, under these
// headers. The export writes them; the import finds its columns by them
// (ignoring case, accents and punctuation), so that a person may reorder
// columns or drop the ones only there to be read.
const (
	ColAxis        = "Axe"
	ColAxisTitle   = "Titre de l'axe"
	ColAction      = "Action"
	ColActionTitle = "Intitulé de l'action"
	ColFunderName  = "Financeur"
	ColFunder      = "Code financeur"
	ColYear        = "Année"
	ColNature      = "Nature"
	ColPlanned     = "Prévu (€)"
	ColActual      = "Réalisé (€)"
)

// SheetHeaders are the headers of the budget sheet in order.
var SheetHeaders = []string{ColAxis, ColAxisTitle, ColAction, ColActionTitle, ColFunderName, ColFunder, ColYear, ColNature, ColPlanned, ColActual}

// SheetRow is the row of l in the budget sheet, in the order of
// SheetHeaders: amounts in euros as numbers, an unknown actual amount as an
// empty cell, the nature by its French name.
func (l LineRef) SheetRow() []any {
	var actual any
	if l.ActualCents != nil {
		actual = Euros(*l.ActualCents)
	}
	return []any{l.AxisNumber, l.AxisTitle, l.Ref, l.ActionTitle, l.FunderName, l.Funder, l.Year, NatureLabel(l.Nature), Euros(l.PlannedCents), actual}
}

// Euros is an amount in euros as a spreadsheet number. Below 2^53 cents
// (90 000 milliards d'euros) the float is the nearest to the decimal
// amount, and spreadsheets write it back with its two decimals.
func Euros(cents int64) float64 { return float64(cents) / 100 }

// SheetLine is a line read from the budget sheet: the action by its
// numbers, the funder by its id or, when the id column is empty, its name.
// Problems are the cells of the row that did not read, by the field of
// Line they were for ("year", "planned_cents"…, and "action" for the
// action's reference).
type SheetLine struct {
	Row          int
	AxisNumber   int
	ActionNumber int
	FunderName   string
	Line
	Problems []Problem
	columns  map[string]string
}

// Bad reports whether a cell of the row for field did not read.
func (s SheetLine) Bad(field string) bool {
	for _, p := range s.Problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

// Cell names a cell of the line's row by the field of Line it holds
// ("year", "funder", …): "ligne 5, colonne Année", the key of import errors.
func (s SheetLine) Cell(field string) string {
	h, ok := s.columns[field]
	if !ok {
		h = map[string]string{"funder": ColFunder, "funder_name": ColFunderName, "year": ColYear, "nature": ColNature,
			"planned_cents": ColPlanned, "actual_cents": ColActual, "action": ColAction}[field]
	}
	return fmt.Sprintf("ligne %d, colonne %s", s.Row, h)
}

// MaxSheetLines is the most lines an imported sheet may hold.
const MaxSheetLines = 20000

// maxSheetErrors bounds the messages of a rejected file: past them, the
// person has enough to fix before trying again.
const maxSheetErrors = 50

// SheetErrors collects the errors of an imported sheet, by cell, and makes
// the EInvalid error that rejects the whole file.
type SheetErrors struct {
	fields map[string]string
	seen   map[string]bool
}

// Add records msg about the cell of field in the line's row, unless that
// cell has a message already.
func (e *SheetErrors) Add(s SheetLine, field, msg string) {
	cell := s.Cell(field)
	if e.seen == nil {
		e.seen, e.fields = map[string]bool{}, map[string]string{}
	}
	if e.seen[cell] {
		return
	}
	e.seen[cell] = true
	if len(e.fields) < maxSheetErrors {
		e.fields[cell] = cell + " : " + msg
	}
}

// AddProblems records the problems of a line's cells that did not read.
func (e *SheetErrors) AddProblems(s SheetLine) {
	for _, p := range s.Problems {
		e.Add(s, p.Field, p.Message)
	}
}

// Err returns nil when nothing was added, and otherwise the error that
// rejects the file, each message naming its line and column.
func (e *SheetErrors) Err() error {
	if len(e.seen) == 0 {
		return nil
	}
	msg := "Le fichier n'a pas été importé : une cellule est à corriger. Rien n'a été enregistré."
	if n := len(e.seen); n > 1 {
		msg = fmt.Sprintf("Le fichier n'a pas été importé : %s cellules sont à corriger. Rien n'a été enregistré.", thousands(n))
	}
	return app.Invalid(msg, e.fields)
}

// refPattern reads an action's reference: "Axe 2 / Action 4", "A2 / A4",
// "2.4", "2-4"…: two numbers, the axis's then the action's.
var refPattern = regexp.MustCompile(`^\D*(\d+)\D+(\d+)\D*$`)

// ParseRef reads the numbers of an action's reference.
func ParseRef(s string) (axis, action int, ok bool) {
	m := refPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, 0, false
	}
	axis, _ = strconv.Atoi(m[1])
	action, _ = strconv.Atoi(m[2])
	return axis, action, axis > 0 && action > 0
}

// ReadSheet reads the lines of a budget sheet (see ReadTable in package
// diagnostic, which reads the first sheet of an XLSX file, or a CSV file):
// the columns Action, Année, Nature, Prévu (€) and Code financeur or
// Financeur are needed, Réalisé (€) is read when present (an empty cell: not
// known), the others are there to be read by people. A missing column or
// too many lines is an EInvalid error; a cell that does not read is a
// problem of its line (see SheetLine.Problems), so that the import reports
// it with those it finds against the convention (actions and funders that
// exist, years and amounts that fit), all at once, each named by
// SheetErrors as "ligne N, colonne X".
func ReadSheet(t *diagnostic.Table) ([]SheetLine, error) {
	col := map[string]int{}
	names := map[string]string{}
	for i, h := range t.Headers {
		f := fold(h)
		for _, c := range []struct{ field, header string }{{"action", ColAction}, {"funder", ColFunder}, {"funder_name", ColFunderName},
			{"year", ColYear}, {"nature", ColNature}, {"planned_cents", ColPlanned}, {"actual_cents", ColActual}} {
			if _, taken := col[c.field]; !taken && f == fold(c.header) {
				col[c.field], names[c.field] = i, h
			}
		}
	}
	var missing []string
	for _, c := range []struct{ field, header string }{{"action", ColAction}, {"year", ColYear}, {"nature", ColNature}, {"planned_cents", ColPlanned}} {
		if _, ok := col[c.field]; !ok {
			missing = append(missing, "« "+c.header+" »")
		}
	}
	_, byID := col["funder"]
	_, byName := col["funder_name"]
	if !byID && !byName {
		missing = append(missing, "« "+ColFunder+" » ou « "+ColFunderName+" »")
	}
	if len(missing) > 0 {
		return nil, app.Invalid("Le fichier n'a pas les colonnes attendues.", map[string]string{
			"fichier": fmt.Sprintf("Colonne introuvable : %s. La ligne des titres (ligne %d) doit reprendre ceux de l'export du budget : %s.",
				strings.Join(missing, ", "), t.HeaderLine, strings.Join(SheetHeaders, " ; "))})
	}
	if len(t.Rows) > MaxSheetLines {
		return nil, app.Invalid("Le fichier compte trop de lignes.", map[string]string{
			"fichier": fmt.Sprintf("Un budget importé compte au plus %s lignes (le fichier en a %s).", thousands(MaxSheetLines), thousands(len(t.Rows)))})
	}
	cell := func(r diagnostic.Row, field string) string {
		if i, ok := col[field]; ok {
			return strings.TrimSpace(r.Cells[i])
		}
		return ""
	}
	funderField := "funder" // the cell to point at when no funder is given
	if !byID {
		funderField = "funder_name"
	}
	out := make([]SheetLine, 0, len(t.Rows))
	for _, r := range t.Rows {
		s := SheetLine{Row: r.Line, columns: names}
		s.Funder, s.FunderName = cell(r, "funder"), cell(r, "funder_name")
		if s.Funder == "" && s.FunderName == "" {
			s.problem(funderField, "indiquez le financeur.")
		}
		if raw := cell(r, "action"); raw == "" {
			s.problem("action", "indiquez l'action, par exemple « "+plan.Ref(2, 4)+" ».")
		} else if a, n, ok := ParseRef(raw); ok {
			s.AxisNumber, s.ActionNumber = a, n
		} else {
			s.problem("action", "« "+raw+" » ne désigne pas une action : écrivez sa référence, par exemple « "+plan.Ref(2, 4)+" ».")
		}
		if raw := cell(r, "year"); raw == "" {
			s.problem("year", "indiquez l'année.")
		} else if y, err := strconv.Atoi(strings.TrimSuffix(raw, ".0")); err == nil && y >= 1900 && y <= 2200 {
			s.Year = y
		} else {
			s.problem("year", "« "+raw+" » n'est pas une année.")
		}
		if raw := cell(r, "nature"); raw == "" {
			s.problem("nature", "indiquez la nature : fonctionnement ou investissement.")
		} else if n, ok := ParseNature(raw); ok {
			s.Nature = n
		} else {
			s.problem("nature", "la nature « "+raw+" » est inconnue : choisissez fonctionnement ou investissement.")
		}
		if raw := cell(r, "planned_cents"); raw == "" {
			s.problem("planned_cents", "indiquez le montant prévu, 0 s'il n'y en a pas.")
		} else if c, err := parseStoredCents(raw); err == nil {
			s.PlannedCents = c
		} else {
			s.problem("planned_cents", lowerFirst(app.ErrorMessage(err)))
		}
		if raw := cell(r, "actual_cents"); raw != "" {
			if c, err := parseStoredCents(raw); err == nil {
				s.ActualCents = &c
			} else {
				s.problem("actual_cents", lowerFirst(app.ErrorMessage(err)))
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func (s *SheetLine) problem(field, msg string) {
	s.Problems = append(s.Problems, Problem{Field: field, Message: msg})
}

// fold compares headers: lower case, without accents, spaces or
// punctuation ("Prévu (€)" and "prevu" are the same).
func fold(h string) string { return strings.ReplaceAll(territory.Normalize(h), " ", "") }

// lowerFirst lowers the first letter of a message that goes after
// "ligne N, colonne X : ". The messages it takes begin with a letter or
// with "« ".
func lowerFirst(s string) string {
	if s == "" || !strings.ContainsAny(s[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// ImportSummary is what an imported sheet did to a convention's budget:
// the lines and actions it holds now, the actions whose lines changed, and
// the new totals.
type ImportSummary struct {
	Lines        int   `json:"lines"`
	Actions      int   `json:"actions"`
	Changed      int   `json:"changed"`
	PlannedCents int64 `json:"planned_cents"`
	ActualCents  int64 `json:"actual_cents"`
}
