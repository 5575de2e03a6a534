package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/territory"
)

// ImportBudget replaces the whole budget of a convention u may change with
// the lines of a sheet (see budget.ReadSheet): an action the sheet does not
// name is left without lines, as when its rows were deleted from the
// exported file. Actions are found by their reference in the convention's
// plan; funders by id or, when the sheet gives only a name, by the name of
// the CAF, a party, or a funder already in the budget. Either every line is
// right, or nothing is saved and the EInvalid error names each wrong cell
// ("ligne 5, colonne Année"): those that did not read (the lines'
// Problems) and those that do not fit the convention, all at once. Each action whose lines change takes its next
// version; one line of history records the convention's totals before and
// after.
func (db *DB) ImportBudget(ctx context.Context, u *account.User, conventionID string, rows []budget.SheetLine) (*budget.ImportSummary, error) {
	var out *budget.ImportSummary
	err := db.Transact(ctx, func(t *tx) error {
		c, err := seeConvention(ctx, t, u, conventionID, true)
		if err != nil {
			return err
		}
		// Lock the actions' rows, as SetBudget does one.
		if _, err := exec(ctx, t, `UPDATE actions SET version = version WHERE convention_id = ?`, c.ID); err != nil {
			return err
		}
		var actions []struct {
			ID         string `db:"id"`
			AxisNumber int    `db:"axis_number"`
			Number     int    `db:"number"`
			Version    int    `db:"version"`
		}
		if err := sel(ctx, t, &actions, `SELECT a.id, x.number AS axis_number, a.number, a.version
			FROM actions a JOIN axes x ON x.id = a.axis_id WHERE a.convention_id = ? ORDER BY x.number, a.number, a.id`, c.ID); err != nil {
			return err
		}
		byRef := map[[2]int]string{}
		for _, a := range actions {
			if _, dup := byRef[[2]int{a.AxisNumber, a.Number}]; !dup {
				byRef[[2]int{a.AxisNumber, a.Number}] = a.ID
			}
		}
		funders, err := loadImportFunders(ctx, t, c.ID, append([]string{c.CAF}, c.Parties...), rows)
		if err != nil {
			return err
		}

		start, end := budget.Years(c)
		var bad budget.SheetErrors
		lines := map[string][]budget.Line{}
		for _, r := range rows {
			bad.AddProblems(r)
			id, ok := byRef[[2]int{r.AxisNumber, r.ActionNumber}]
			switch {
			case r.Bad("action"):
				ok = false
			case !ok:
				bad.Add(r, "action", "le plan de cette convention n'a pas d'action « "+plan.Ref(r.AxisNumber, r.ActionNumber)+" ».")
			case len(lines[id]) == budget.MaxLines:
				bad.Add(r, "action", fmt.Sprintf("l'action « %s » a déjà %d lignes de budget : c'est le plus qu'une action puisse compter.", plan.Ref(r.AxisNumber, r.ActionNumber), budget.MaxLines))
			}
			l := r.Line
			if !r.Bad("funder") && !r.Bad("funder_name") {
				if field, msg := funders.resolve(&l, r.FunderName); msg != "" {
					bad.Add(r, field, msg)
				}
			}
			for _, p := range budget.CheckLine(&l, start, end) {
				if p.Field != "funder" {
					bad.Add(r, p.Field, p.Message)
				}
			}
			if ok {
				lines[id] = append(lines[id], l)
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}

		var all []budgetLineRow
		if err := sel(ctx, t, &all, `SELECT `+budgetLineColumns+` FROM budget_lines b JOIN organisations o ON o.id = b.funder_id
			WHERE b.convention_id = ? ORDER BY b.action_id, b.position`, c.ID); err != nil {
			return err
		}
		before := map[string][]budget.Line{}
		var flatBefore, flatAfter []budget.Line
		for _, r := range all {
			before[r.Action] = append(before[r.Action], r.line())
			flatBefore = append(flatBefore, r.line())
		}
		out = &budget.ImportSummary{}
		for _, a := range actions {
			after := lines[a.ID]
			flatAfter = append(flatAfter, after...)
			if len(after) > 0 {
				out.Actions++
			}
			if budget.SameLines(before[a.ID], after) {
				continue
			}
			out.Changed++
			if err := db.writeBudgetLines(ctx, t, c.ID, a.ID, a.Version, after); err != nil {
				return err
			}
		}
		out.Lines = len(flatAfter)
		out.PlannedCents, out.ActualCents = budget.Sum(flatAfter)
		if out.Changed == 0 {
			return nil
		}
		changes := budgetChanges(flatBefore, flatAfter)
		changes["actions"] = convention.Change{After: out.Changed}
		return db.record(ctx, t, c.ID, u, "budget.import", c.ID, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.ImportBudget: %w", err)
	}
	return out, nil
}

// importFunders are the organisations an imported sheet may name: by id
// any organisation, by name the convention's own funders.
type importFunders struct {
	ids    map[string]string   // id → name, for the ids the sheet gives
	byName map[string][]string // folded name → ids, for the CAF, the parties and the funders already in the budget
}

func loadImportFunders(ctx context.Context, q sqlx.QueryerContext, conventionID string, parties []string, rows []budget.SheetLine) (*importFunders, error) {
	var ids []string
	for _, r := range rows {
		if r.Funder != "" {
			ids = append(ids, r.Funder)
		}
	}
	f := &importFunders{byName: map[string][]string{}}
	var err error
	if f.ids, err = budgetOrgNames(ctx, q, ids); err != nil {
		return nil, err
	}
	known, err := orgNamesWhere(ctx, q, `id IN (?) OR id IN (SELECT DISTINCT funder_id FROM budget_lines WHERE convention_id = ?)`, parties, conventionID)
	if err != nil {
		return nil, err
	}
	for id, name := range known {
		k := territory.Normalize(name)
		f.byName[k] = append(f.byName[k], id)
	}
	return f, nil
}

// resolve sets l.Funder to the id of the funder the row names, or returns
// the field and message of what is wrong.
func (f *importFunders) resolve(l *budget.Line, name string) (field, msg string) {
	if l.Funder != "" {
		if _, ok := f.ids[l.Funder]; !ok {
			return "funder", "« " + l.Funder + " » n'est l'identifiant d'aucune organisation enregistrée."
		}
		return "", ""
	}
	switch ids := f.byName[territory.Normalize(name)]; len(ids) {
	case 1:
		l.Funder = ids[0]
		return "", ""
	case 0:
		return "funder_name", "« " + name + " » n'est ni la Caf, ni une partie, ni un financeur du budget de cette convention : indiquez l'identifiant de l'organisation dans la colonne « " + budget.ColFunder + " »."
	default:
		return "funder_name", "plusieurs organisations de cette convention s'appellent « " + name + " » : indiquez l'identifiant de la bonne dans la colonne « " + budget.ColFunder + " »."
	}
}
