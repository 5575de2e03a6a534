package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

// The budget lines of an action belong to its convention: who sees the
// convention sees them, who may change it may change them. A change of an
// action's lines is a change of the action: it takes the action's next
// version, so that someone editing the action or its budget from an older
// version gets 412 rather than overwriting it.

var errStaleBudget = app.Errorf(app.EPreconditionFailed, "L'action a été modifiée entre-temps par quelqu'un d'autre : son budget n'a pas été enregistré. Rechargez-le, puis refaites votre modification.")

type budgetLineRow struct {
	ID         string `db:"id"`
	Action     string `db:"action_id"`
	Funder     string `db:"funder_id"`
	FunderName string `db:"funder_name"`
	Year       int    `db:"year"`
	Nature     string `db:"nature"`
	Planned    int64  `db:"planned_cents"`
	Actual     *int64 `db:"actual_cents"`
}

func (r budgetLineRow) line() budget.Line {
	return budget.Line{ID: r.ID, Action: r.Action, Funder: r.Funder, FunderName: r.FunderName, Year: r.Year, Nature: r.Nature,
		PlannedCents: r.Planned, ActualCents: r.Actual}
}

const budgetLineColumns = `b.id, b.action_id, b.funder_id, o.name AS funder_name, b.year, b.nature, b.planned_cents, b.actual_cents`

// loadBudgetLines returns the lines of one action, in their order.
func loadBudgetLines(ctx context.Context, q sqlx.QueryerContext, actionID string) ([]budget.Line, error) {
	var rows []budgetLineRow
	if err := sel(ctx, q, &rows, `SELECT `+budgetLineColumns+` FROM budget_lines b JOIN organisations o ON o.id = b.funder_id
		WHERE b.action_id = ? ORDER BY b.position`, actionID); err != nil {
		return nil, err
	}
	out := make([]budget.Line, len(rows))
	for i, r := range rows {
		out[i] = r.line()
	}
	return out, nil
}

// budgetAction is what the budget needs of an action.
type budgetAction struct {
	Convention string `db:"convention_id"`
	Version    int    `db:"version"`
}

// seeBudgetAction loads the convention and version of an action whose
// convention u may see (ErrNotFound otherwise) and, when edit is set, may
// change (forbidden for readers).
func seeBudgetAction(ctx context.Context, q sqlx.QueryerContext, u *account.User, actionID string, edit bool) (*convention.Convention, int, error) {
	var a budgetAction
	if err := get(ctx, q, &a, `SELECT convention_id, version FROM actions WHERE id = ?`, actionID); err != nil {
		return nil, 0, mapError(err)
	}
	c, err := seeConvention(ctx, q, u, a.Convention, edit)
	if err != nil {
		return nil, 0, err
	}
	return c, a.Version, nil
}

func actionBudget(c *convention.Convention, actionID string, version int, lines []budget.Line) *budget.ActionBudget {
	if lines == nil {
		lines = []budget.Line{}
	}
	planned, actual := budget.Sum(lines)
	return &budget.ActionBudget{Action: actionID, Convention: c.ID, Version: version, Lines: lines,
		PlannedCents: planned, ActualCents: actual, Warnings: budget.Check(c, lines, nil)}
}

// Budget returns the budget lines of an action whose convention u may see,
// with the action's version and the warnings about them.
func (db *DB) Budget(ctx context.Context, u *account.User, actionID string) (*budget.ActionBudget, error) {
	c, version, err := seeBudgetAction(ctx, db.x, u, actionID, false)
	if err != nil {
		return nil, fmt.Errorf("store.Budget: %w", err)
	}
	lines, err := loadBudgetLines(ctx, db.x, actionID)
	if err != nil {
		return nil, fmt.Errorf("store.Budget: %w", err)
	}
	return actionBudget(c, actionID, version, lines), nil
}

// SetBudget replaces the budget lines of an action whose convention u may
// change, all at once, when the action is still at ifVersion (0: no
// check; a stale version is EPreconditionFailed and changes nothing).
// Lines are checked by budget.Validate against the years of the
// convention, and their funders must be organisations: any wrong line is
// EInvalid with a field per wrong value ("lines[2].funder"), nothing
// saved. A change gives the action its next version and writes a line of
// the convention's history with the totals before and after; lines that
// say what the action already has change nothing.
func (db *DB) SetBudget(ctx context.Context, u *account.User, actionID string, ifVersion int, lines []budget.Line) (*budget.ActionBudget, error) {
	lines = append([]budget.Line(nil), lines...)
	var out *budget.ActionBudget
	err := db.Transact(ctx, func(t *tx) error {
		// Lock the action's row first, so that on PostgreSQL a concurrent
		// change of the same action waits here and then reads what this
		// one wrote, rather than interleaving with it.
		if _, err := exec(ctx, t, `UPDATE actions SET version = version WHERE id = ?`, actionID); err != nil {
			return err
		}
		c, version, err := seeBudgetAction(ctx, t, u, actionID, true)
		if err != nil {
			return err
		}
		if ifVersion > 0 && ifVersion != version {
			return errStaleBudget
		}
		start, end := budget.Years(c)
		if err := budget.Validate(lines, start, end); err != nil {
			return err
		}
		if err := checkBudgetFunders(ctx, t, lines); err != nil {
			return err
		}
		before, err := loadBudgetLines(ctx, t, actionID)
		if err != nil {
			return err
		}
		if budget.SameLines(before, lines) {
			out = actionBudget(c, actionID, version, before)
			return nil
		}
		if err := db.writeBudgetLines(ctx, t, c.ID, actionID, version, lines); err != nil {
			return err
		}
		if lines, err = loadBudgetLines(ctx, t, actionID); err != nil {
			return err
		}
		out = actionBudget(c, actionID, version+1, lines)
		return db.record(ctx, t, c.ID, u, "budget.update", actionID, budgetChanges(before, lines))
	})
	if err != nil {
		return nil, fmt.Errorf("store.SetBudget: %w", err)
	}
	return out, nil
}

// writeBudgetLines replaces the lines of an action, in t, and gives the
// action its next version. The lines are checked already.
func (db *DB) writeBudgetLines(ctx context.Context, t *tx, conventionID, actionID string, version int, lines []budget.Line) error {
	if _, err := exec(ctx, t, `DELETE FROM budget_lines WHERE action_id = ?`, actionID); err != nil {
		return err
	}
	if err := insertBudgetLines(ctx, t, conventionID, actionID, lines); err != nil {
		return err
	}
	res, err := exec(ctx, t, `UPDATE actions SET version = ?, updated_at = ? WHERE id = ? AND version = ?`, version+1, db.Now(), actionID, version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errStaleBudget
	}
	return nil
}

// budgetInsertRows is how many lines one INSERT writes: 8 values each,
// well under the placeholders SQLite and PostgreSQL allow in a statement.
const budgetInsertRows = 500

// insertBudgetLines writes new lines of an action, numbered in order.
func insertBudgetLines(ctx context.Context, t *tx, conventionID, actionID string, lines []budget.Line) error {
	for from := 0; from < len(lines); from += budgetInsertRows {
		chunk := lines[from:min(from+budgetInsertRows, len(lines))]
		var q strings.Builder
		q.WriteString(`INSERT INTO budget_lines (id, action_id, convention_id, funder_id, year, nature, planned_cents, actual_cents, position) VALUES `)
		args := make([]any, 0, 9*len(chunk))
		for i, l := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			args = append(args, account.NewID(), actionID, conventionID, l.Funder, l.Year, l.Nature, l.PlannedCents, l.ActualCents, from+i+1)
		}
		if _, err := exec(ctx, t, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// checkBudgetFunders returns an EInvalid error naming each line whose funder is
// not an organisation.
func checkBudgetFunders(ctx context.Context, q sqlx.QueryerContext, lines []budget.Line) error {
	known, err := budgetOrgNames(ctx, q, budgetFunderIDs(lines))
	if err != nil {
		return err
	}
	bad := app.Fields{}
	for i, l := range lines {
		if _, ok := known[l.Funder]; !ok {
			bad.Add(budget.LineField(i, "funder"), budget.LineMessage(i, "le financeur « "+l.Funder+" » n'est pas une organisation connue : choisissez une organisation enregistrée (son identifiant, par exemple caf-974)."))
		}
	}
	if len(bad) > 0 {
		return app.Invalid("Certaines lignes du budget sont à corriger.", bad)
	}
	return nil
}

func budgetFunderIDs(lines []budget.Line) []string {
	seen := map[string]bool{}
	var ids []string
	for _, l := range lines {
		if !seen[l.Funder] {
			seen[l.Funder] = true
			ids = append(ids, l.Funder)
		}
	}
	return ids
}

// budgetOrgNames returns the names of the organisations among ids.
func budgetOrgNames(ctx context.Context, q sqlx.QueryerContext, ids []string) (map[string]string, error) {
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	return orgNamesWhere(ctx, q, `id IN (?)`, ids)
}

// orgNamesWhere returns the names, by id, of the organisations where
// selects; sqlx.In expands the slices among args.
func orgNamesWhere(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) (map[string]string, error) {
	query, args, err := sqlx.In(`SELECT id, name FROM organisations WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := sel(ctx, q, &rows, query, args...); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// budgetChanges describes a change of lines for the history: the number of
// lines and the totals, before and after.
func budgetChanges(before, after []budget.Line) map[string]convention.Change {
	d := map[string]convention.Change{}
	pb, ab := budget.Sum(before)
	pa, aa := budget.Sum(after)
	convention.Note(d, "lines", len(before), len(after))
	convention.Note(d, "planned_cents", pb, pa)
	convention.Note(d, "actual_cents", ab, aa)
	if len(d) == 0 {
		// The same totals spread differently: say so rather than nothing.
		d["lines"] = convention.Change{Before: len(before), After: len(after)}
	}
	return d
}

// ConventionBudget returns the budget of a convention u may see, summed by
// the database: totals, by funder (with names), by year, by axis (every
// axis, in order, even without money), by field of intervention, by
// nature, and the warnings of budget.Check.
func (db *DB) ConventionBudget(ctx context.Context, u *account.User, conventionID string) (*budget.Totals, error) {
	c, err := seeConvention(ctx, db.x, u, conventionID, false)
	if err != nil {
		return nil, fmt.Errorf("store.ConventionBudget: %w", err)
	}
	t, err := conventionTotals(ctx, db.x, c)
	if err != nil {
		return nil, fmt.Errorf("store.ConventionBudget: %w", err)
	}
	return t, nil
}

// budgetSums are the two amounts every total has. PostgreSQL's SUM of a BIGINT
// is a NUMERIC: the casts bring it back to an integer on both dialects.
const budgetSums = `CAST(COALESCE(SUM(b.planned_cents), 0) AS BIGINT) AS planned, CAST(COALESCE(SUM(b.actual_cents), 0) AS BIGINT) AS actual`

// conventionTotals sums a convention's lines twice, by funder and year and
// by action and nature, and builds everything else from those sums and
// the plan's axes and actions: a scan of the lines costs more than all
// the rest, and joining them to organisations or actions row by row costs
// more again.
func conventionTotals(ctx context.Context, q sqlx.QueryerContext, c *convention.Convention) (*budget.Totals, error) {
	var cells []struct {
		Funder  string `db:"funder_id"`
		Year    int    `db:"year"`
		Planned int64  `db:"planned"`
		Actual  int64  `db:"actual"`
	}
	if err := sel(ctx, q, &cells, `SELECT b.funder_id, b.year, `+budgetSums+` FROM budget_lines b
		WHERE b.convention_id = ? GROUP BY b.funder_id, b.year`, c.ID); err != nil {
		return nil, err
	}
	var byAction []struct {
		Action  string `db:"action_id"`
		Nature  string `db:"nature"`
		Planned int64  `db:"planned"`
		Actual  int64  `db:"actual"`
	}
	if err := sel(ctx, q, &byAction, `SELECT b.action_id, b.nature, `+budgetSums+` FROM budget_lines b
		WHERE b.convention_id = ? GROUP BY b.action_id, b.nature`, c.ID); err != nil {
		return nil, err
	}
	var axes []struct {
		ID     string `db:"id"`
		Number int    `db:"number"`
		Title  string `db:"title"`
	}
	if err := sel(ctx, q, &axes, `SELECT id, number, title FROM axes WHERE convention_id = ? ORDER BY number, id`, c.ID); err != nil {
		return nil, err
	}
	var actions []struct {
		ID     string `db:"id"`
		Axis   string `db:"axis_id"`
		Fields string `db:"fields"`
	}
	if err := sel(ctx, q, &actions, `SELECT id, axis_id, fields FROM actions WHERE convention_id = ?`, c.ID); err != nil {
		return nil, err
	}
	ids := make([]string, 0, 8)
	for _, x := range cells {
		ids = append(ids, x.Funder)
	}
	names, err := budgetOrgNames(ctx, q, ids)
	if err != nil {
		return nil, err
	}

	bc := make([]budget.Cell, len(cells))
	lines := make([]budget.Line, len(cells))
	for i, x := range cells {
		bc[i] = budget.Cell{Funder: x.Funder, Name: names[x.Funder], Year: x.Year, PlannedCents: x.Planned, ActualCents: x.Actual}
		lines[i] = budget.Line{Funder: x.Funder, FunderName: names[x.Funder], Year: x.Year, PlannedCents: x.Planned}
	}
	sums := map[string]*budget.ActionTotal{}
	var bn []budget.NatureTotal
	for _, x := range byAction {
		a, ok := sums[x.Action]
		if !ok {
			a = &budget.ActionTotal{Action: x.Action}
			sums[x.Action] = a
		}
		a.PlannedCents += x.Planned
		a.ActualCents += x.Actual
		bn = append(bn, budget.NatureTotal{Nature: x.Nature, PlannedCents: x.Planned, ActualCents: x.Actual})
	}
	axisSums := map[string]*budget.AxisTotal{}
	ba := make([]budget.AxisTotal, len(axes))
	for i, x := range axes {
		ba[i] = budget.AxisTotal{Axis: x.ID, Number: x.Number, Title: x.Title}
		axisSums[x.ID] = &ba[i]
	}
	bt := make([]budget.ActionTotal, 0, len(sums))
	for _, x := range actions {
		a, ok := sums[x.ID]
		if !ok {
			continue
		}
		a.Fields = split(x.Fields)
		bt = append(bt, *a)
		if ax, ok := axisSums[x.Axis]; ok {
			ax.PlannedCents += a.PlannedCents
			ax.ActualCents += a.ActualCents
		}
	}
	t := budget.NewTotals(bc, ba, bt, bn)
	t.Warnings = budget.Check(c, lines, nil)
	return t, nil
}

// ConventionBudgetLines returns every budget line of a convention u may
// see with its action's reference, axis and title, in the order of the
// plan: by axis, action, then the order of the action's lines.
func (db *DB) ConventionBudgetLines(ctx context.Context, u *account.User, conventionID string) ([]budget.LineRef, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.ConventionBudgetLines: %w", err)
	}
	out, err := budgetLineRefs(ctx, db.x, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.ConventionBudgetLines: %w", err)
	}
	return out, nil
}

func budgetLineRefs(ctx context.Context, q sqlx.QueryerContext, conventionID string) ([]budget.LineRef, error) {
	var rows []struct {
		budgetLineRow
		Axis         string `db:"axis_id"`
		AxisNumber   int    `db:"axis_number"`
		AxisTitle    string `db:"axis_title"`
		ActionNumber int    `db:"action_number"`
		ActionTitle  string `db:"action_title"`
	}
	if err := sel(ctx, q, &rows, `SELECT `+budgetLineColumns+`, x.id AS axis_id, x.number AS axis_number, x.title AS axis_title,
			a.number AS action_number, a.title AS action_title
		FROM budget_lines b JOIN actions a ON a.id = b.action_id JOIN axes x ON x.id = a.axis_id JOIN organisations o ON o.id = b.funder_id
		WHERE b.convention_id = ? ORDER BY x.number, a.number, a.id, b.position`, conventionID); err != nil {
		return nil, err
	}
	out := make([]budget.LineRef, len(rows))
	for i, r := range rows {
		out[i] = budget.LineRef{Line: r.line(), Axis: r.Axis, AxisNumber: r.AxisNumber, AxisTitle: r.AxisTitle,
			ActionNumber: r.ActionNumber, ActionTitle: r.ActionTitle, Ref: plan.Ref(r.AxisNumber, r.ActionNumber)}
	}
	return out, nil
}

// CAFCommitments returns what a CAF has committed, year by year: the money
// planned and spent where it is the funder, over the conventions of its
// département (those whose CAF it is) that u may see. An admin and the
// CAF's own users see them all; a partner sees those it is a party of. A
// CAF that does not exist is ENotFound; another organisation, EInvalid.
func (db *DB) CAFCommitments(ctx context.Context, u *account.User, cafID string) ([]budget.YearTotal, error) {
	var kind string
	if err := get(ctx, db.x, &kind, `SELECT kind FROM organisations WHERE id = ?`, cafID); err != nil {
		return nil, fmt.Errorf("store.CAFCommitments: %w", mapError(err))
	}
	if kind != "caf" {
		return nil, fmt.Errorf("store.CAFCommitments: %w", app.Errorf(app.EInvalid, "Cette organisation n'est pas une Caf : les engagements par année se consultent pour une Caf."))
	}
	q := `SELECT b.year, COUNT(DISTINCT b.convention_id) AS conventions, ` + budgetSums + `
		FROM budget_lines b JOIN conventions c ON c.id = b.convention_id
		WHERE b.funder_id = ? AND c.caf_id = ?`
	args := []any{cafID, cafID}
	if !u.IsAdmin() && u.OrgID != cafID {
		q += ` AND EXISTS (SELECT 1 FROM convention_parties p WHERE p.convention_id = c.id AND p.organisation_id = ?)`
		args = append(args, u.OrgID)
	}
	var rows []struct {
		Year        int   `db:"year"`
		Conventions int   `db:"conventions"`
		Planned     int64 `db:"planned"`
		Actual      int64 `db:"actual"`
	}
	if err := sel(ctx, db.x, &rows, q+` GROUP BY b.year ORDER BY b.year`, args...); err != nil {
		return nil, fmt.Errorf("store.CAFCommitments: %w", err)
	}
	out := make([]budget.YearTotal, len(rows))
	for i, r := range rows {
		out[i] = budget.YearTotal{Year: r.Year, PlannedCents: r.Planned, ActualCents: r.Actual, Conventions: r.Conventions}
	}
	return out, nil
}

// ActionMoney is the budget of one action of a plan: its number of lines
// and its planned and actual totals.
type ActionMoney struct {
	ID           string `db:"id"`
	AxisNumber   int    `db:"axis_number"`
	Number       int    `db:"number"`
	Title        string `db:"title"`
	Lines        int    `db:"lines"`
	PlannedCents int64  `db:"planned_cents"`
	ActualCents  int64  `db:"actual_cents"`
}

// Ref is the action's reference: "Axe 2 / Action 4".
func (m ActionMoney) Ref() string { return plan.Ref(m.AxisNumber, m.Number) }

// ActionsMoney returns the budget of every action of a convention u may
// see, in the order of the plan, summed by the database: the budget page
// lists the actions without reading their lines.
func (db *DB) ActionsMoney(ctx context.Context, u *account.User, conventionID string) ([]ActionMoney, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.ActionsMoney: %w", err)
	}
	var out []ActionMoney
	if err := sel(ctx, db.x, &out, `SELECT a.id, x.number AS axis_number, a.number, a.title,
			COALESCE(b.n, 0) AS lines, COALESCE(b.planned, 0) AS planned_cents, COALESCE(b.actual, 0) AS actual_cents
		FROM actions a JOIN axes x ON x.id = a.axis_id
		LEFT JOIN (SELECT action_id, COUNT(*) AS n, SUM(planned_cents) AS planned, SUM(actual_cents) AS actual
			FROM budget_lines WHERE convention_id = ? GROUP BY action_id) b ON b.action_id = a.id
		WHERE a.convention_id = ? ORDER BY x.number, a.number, a.id`, conventionID, conventionID); err != nil {
		return nil, fmt.Errorf("store.ActionsMoney: %w", err)
	}
	return out, nil
}
