package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

type actionRow struct {
	ID          string    `db:"id"`
	Convention  string    `db:"convention_id"`
	Axis        string    `db:"axis_id"`
	AxisNumber  int       `db:"axis_number"`
	Objective   *string   `db:"objective_id"`
	Number      int       `db:"number"`
	Title       string    `db:"title"`
	Description string    `db:"description"`
	Fields      string    `db:"fields"`
	Lead        *string   `db:"lead_id"`
	Public      string    `db:"public"`
	Start       string    `db:"start_on"`
	End         string    `db:"end_on"`
	Status      string    `db:"status"`
	FormerRefs  string    `db:"former_refs"`
	Version     int       `db:"version"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
	Partners    string    `db:"partners"`
	Stakes      string    `db:"stakes"`
	Findings    string    `db:"findings"`
}

// actionColumns selects an action (a) with its axis's number (x) and, in
// the same row, the ids of its partners, stakes and findings,
// comma-separated (ids hold no comma): one row per action rather than one
// per link, which halves the time of reading a whole plan. string_agg is
// the same on PostgreSQL and SQLite (3.44 and later); the ids are sorted
// in Go, as an ORDER BY in the aggregate costs SQLite a sort per action.
const actionColumns = `a.id, a.convention_id, a.axis_id, x.number AS axis_number, a.objective_id, a.number, a.title, a.description,
	a.fields, a.lead_id, a.public, a.start_on, a.end_on, a.status, a.former_refs, a.version, a.created_at, a.updated_at,
	COALESCE((SELECT string_agg(l.organisation_id, ',') FROM action_partners l WHERE l.action_id = a.id), '') AS partners,
	COALESCE((SELECT string_agg(l.stake_id, ',') FROM action_stakes l WHERE l.action_id = a.id), '') AS stakes,
	COALESCE((SELECT string_agg(l.finding_id, ',') FROM action_findings l WHERE l.action_id = a.id), '') AS findings`

func (r actionRow) action() plan.Action {
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	return plan.Action{ID: r.ID, Convention: r.Convention, Axis: r.Axis, AxisNumber: r.AxisNumber, Objective: deref(r.Objective),
		Number: r.Number, Ref: plan.Ref(r.AxisNumber, r.Number), Title: r.Title, Description: r.Description, Fields: split(r.Fields),
		Lead: deref(r.Lead), Partners: sortedIDs(r.Partners), Public: r.Public, Start: r.Start, End: r.End, Status: r.Status,
		Stakes: sortedIDs(r.Stakes), Findings: sortedIDs(r.Findings), FormerRefs: splitLines(r.FormerRefs), Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func sortedIDs(s string) []string {
	ids := split(s)
	slices.Sort(ids)
	return ids
}

// loadActions returns the actions where holds (on a, the actions), in the
// order of the plan, with their partners, stakes and findings, in one
// query whatever their number.
func loadActions(ctx context.Context, q sqlx.QueryerContext, where string, arg string) ([]plan.Action, error) {
	var rows []actionRow
	if err := sel(ctx, q, &rows, `SELECT `+actionColumns+` FROM actions a JOIN axes x ON x.id = a.axis_id
		WHERE `+where+` ORDER BY x.number, a.number, a.created_at, a.id`, arg); err != nil {
		return nil, err
	}
	out := make([]plan.Action, len(rows))
	for i, r := range rows {
		out[i] = r.action()
	}
	return out, nil
}

func loadAction(ctx context.Context, q sqlx.QueryerContext, id string) (*plan.Action, error) {
	as, err := loadActions(ctx, q, `a.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, app.ErrNotFound
	}
	return &as[0], nil
}

// Action returns an action of a convention u may see.
func (db *DB) Action(ctx context.Context, u *account.User, id string) (*plan.Action, error) {
	a, err := loadAction(ctx, db.x, id)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, a.Convention, false)
	}
	if err != nil {
		return nil, fmt.Errorf("store.Action: %w", err)
	}
	return a, nil
}

// ActionFilter selects actions of a convention; empty fields select all.
// Year selects the actions that run during that year (plan.Action.RunsIn).
type ActionFilter struct {
	Status  string
	Field   string
	Lead    string
	Partner string
	Year    int
}

// Actions lists the actions of a convention u may see that f selects, in
// the order of the plan: for a table of the actions.
func (db *DB) Actions(ctx context.Context, u *account.User, conventionID string, f ActionFilter) ([]plan.Action, error) {
	c, err := seeConvention(ctx, db.x, u, conventionID, false)
	if err != nil {
		return nil, fmt.Errorf("store.Actions: %w", err)
	}
	all, err := loadActions(ctx, db.x, `a.convention_id = ?`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Actions: %w", err)
	}
	// Filtered here rather than in SQL: a plan has a few hundred actions
	// at most, and fields are a list in one column.
	return slices.DeleteFunc(all, func(a plan.Action) bool { return !f.Keeps(c, &a) }), nil
}

// Keeps reports whether f selects a, an action of c.
func (f ActionFilter) Keeps(c *convention.Convention, a *plan.Action) bool {
	return (f.Status == "" || a.Status == f.Status) &&
		(f.Field == "" || slices.Contains(a.Fields, f.Field)) &&
		(f.Lead == "" || a.Lead == f.Lead) &&
		(f.Partner == "" || slices.Contains(a.Partners, f.Partner)) &&
		(f.Year == 0 || a.RunsIn(f.Year, c.Start, c.End))
}

// CreateAction validates and stores a new action in an axis whose
// convention u may change, numbered after the axis's last action. An
// empty status is "planned". The lead and partners must be organisations,
// the objective one of the axis, the stakes and findings the convention's
// (422 on the field otherwise).
func (db *DB) CreateAction(ctx context.Context, u *account.User, axisID string, a *plan.Action) error {
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := db.editPlanOf(ctx, t, u, "axis", axisID); err != nil {
			return err
		}
		x, err := loadAxis(ctx, t, axisID, false)
		if err != nil {
			return err
		}
		return db.insertAction(ctx, t, u, x, a)
	})
	if err != nil {
		return fmt.Errorf("store.CreateAction: %w", err)
	}
	return nil
}

// insertAction validates and writes a new action in axis x, numbered
// after the axis's last action, with its links and its line of history,
// in t: shared by CreateAction and the renewal, which carries actions
// into a new plan.
func (db *DB) insertAction(ctx context.Context, t *tx, u *account.User, x *plan.Axis, a *plan.Action) error {
	if a.Status == "" {
		a.Status = plan.StatusPlanned
	}
	a.Convention, a.Axis, a.AxisNumber = x.Convention, x.ID, x.Number
	if err := a.Validate(); err != nil {
		return err
	}
	if err := checkActionLinks(ctx, t, a); err != nil {
		return err
	}
	n, err := nextNumber(ctx, t, `SELECT COALESCE(MAX(number), 0) FROM actions WHERE axis_id = ?`, x.ID)
	if err != nil {
		return err
	}
	now := db.Now()
	a.ID, a.Number, a.Ref, a.FormerRefs, a.Version, a.CreatedAt, a.UpdatedAt = account.NewID(), n, plan.Ref(x.Number, n), []string{}, 1, now, now
	if _, err := exec(ctx, t, `INSERT INTO actions (id, convention_id, axis_id, objective_id, number, title, description, fields, lead_id,
		public, start_on, end_on, status, former_refs, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Convention, a.Axis, orNull(a.Objective), a.Number, a.Title, a.Description, strings.Join(a.Fields, ","), orNull(a.Lead),
		a.Public, a.Start, a.End, a.Status, "", a.Version, now, now); err != nil {
		return err
	}
	if err := writeActionLinks(ctx, t, a, nil); err != nil {
		return err
	}
	return db.record(ctx, t, a.Convention, u, "action.create", a.ID, plan.ActionCreated(a))
}

// UpdateAction applies patch to an action when u may change its
// convention and, when ifVersion > 0, when it is still at that version.
// A patch may move the action to another axis of the same convention
// (422 on "axis" for any other) and to another number in its axis; the
// actions around it are renumbered, and every action whose reference
// changes keeps its former one. A patch that changes nothing keeps the
// version.
func (db *DB) UpdateAction(ctx context.Context, u *account.User, id string, ifVersion int, patch plan.ActionPatch) (*plan.Action, error) {
	var out *plan.Action
	err := db.Transact(ctx, func(t *tx) error {
		before, c, err := versionedAction.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		after := *before
		patch.Apply(&after)
		if patch.Axis != nil && *patch.Axis != before.Axis {
			x, err := loadAxis(ctx, t, *patch.Axis, false)
			if app.ErrorCode(err) == app.ENotFound || err == nil && x.Convention != c.ID {
				return app.Invalid("Certaines informations sont à corriger.", map[string]string{
					"axis": "Choisissez un axe du plan de cette convention : une action ne passe pas d'une convention à une autre."})
			} else if err != nil {
				return err
			}
			after.Axis, after.AxisNumber = x.ID, x.Number
		}
		if err := after.Validate(); err != nil {
			return err
		}
		if err := checkActionLinks(ctx, t, &after); err != nil {
			return err
		}
		target, err := numbers(ctx, t, `SELECT id, number AS n FROM actions WHERE axis_id = ? ORDER BY number, created_at, id`, after.Axis)
		if err != nil {
			return err
		}
		places := len(target.ids)
		if after.Axis != before.Axis {
			places++ // the action joins them
			after.Number = places
		}
		if patch.Number != nil {
			if err := plan.CheckPlace("number", *patch.Number, places); err != nil {
				return err
			}
			after.Number = *patch.Number
		}
		after.Ref = plan.Ref(after.AxisNumber, after.Number)
		after.FormerRefs = plan.AddFormerRef(before.FormerRefs, before.Ref, after.Ref)
		changes := plan.DiffActions(before, &after) // a move is the change of "ref"
		if len(changes) == 0 {
			out = before
			return nil
		}
		now := db.Now()
		after.Version, after.UpdatedAt = before.Version+1, now
		moved := after.Ref != before.Ref
		var refs map[string]actionRef
		if moved {
			if refs, err = actionRefs(ctx, t, c.ID); err != nil {
				return err
			}
			if err := moveAction(ctx, t, before, &after, target, now); err != nil {
				return err
			}
		}
		if err := writeVersioned(ctx, t, errStaleAction, `UPDATE actions SET axis_id = ?, objective_id = ?, number = ?, title = ?, description = ?,
			fields = ?, lead_id = ?, public = ?, start_on = ?, end_on = ?, status = ?, former_refs = ?, version = ?, updated_at = ?
			WHERE id = ? AND version = ?`,
			after.Axis, orNull(after.Objective), after.Number, after.Title, after.Description, strings.Join(after.Fields, ","), orNull(after.Lead),
			after.Public, after.Start, after.End, after.Status, strings.Join(after.FormerRefs, "\n"), after.Version, now, id, before.Version); err != nil {
			return err
		}
		if err := writeActionLinks(ctx, t, &after, before); err != nil {
			return err
		}
		if moved {
			if err := settleRefs(ctx, t, c.ID, refs, id, now); err != nil {
				return err
			}
		}
		out = &after
		return db.record(ctx, t, c.ID, u, "action.update", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateAction: %w", err)
	}
	return out, nil
}

// moveAction renumbers the actions around a moved one: those of the axis
// it leaves, and those of the axis it goes to (target, as stored), where
// it takes after.Number. Its own row is written by the caller.
func moveAction(ctx context.Context, t *tx, before, after *plan.Action, target numbered, now time.Time) error {
	if before.Axis != after.Axis {
		if err := closeGap(ctx, t, "actions", "number", now,
			`SELECT id, number AS n FROM actions WHERE axis_id = ? AND id <> ? ORDER BY number, created_at, id`, before.Axis, before.ID); err != nil {
			return err
		}
	}
	target.at[after.ID] = after.Number
	return renumber(ctx, t, "actions", "number", plan.Move(target.ids, after.ID, after.Number), target.at, now)
}

// DeleteAction removes an action with its links, journal, indicators and
// budget lines, and renumbers the actions after it in its axis.
func (db *DB) DeleteAction(ctx context.Context, u *account.User, id string, ifVersion int) error {
	err := db.Transact(ctx, func(t *tx) error {
		a, c, err := versionedAction.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		refs, err := actionRefs(ctx, t, c.ID)
		if err != nil {
			return err
		}
		// The links, journal, indicators and budget lines go by ON DELETE CASCADE.
		if _, err := exec(ctx, t, `DELETE FROM actions WHERE id = ?`, id); err != nil {
			return err
		}
		now := db.Now()
		if err := closeGap(ctx, t, "actions", "number", now,
			`SELECT id, number AS n FROM actions WHERE axis_id = ? ORDER BY number, created_at, id`, a.Axis); err != nil {
			return err
		}
		if err := settleRefs(ctx, t, c.ID, refs, "", now); err != nil {
			return err
		}
		return db.record(ctx, t, c.ID, u, "action.delete", id, plan.ActionDeleted(a))
	})
	if err != nil {
		return fmt.Errorf("store.DeleteAction: %w", err)
	}
	return nil
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeActionLinks writes the partners, stakes and findings of a, those
// lists only that differ from before's (all of them when before is nil).
func writeActionLinks(ctx context.Context, t *tx, a, before *plan.Action) error {
	lists := []struct {
		table, column string
		ids, was      []string
	}{
		{"action_partners", "organisation_id", a.Partners, nil},
		{"action_stakes", "stake_id", a.Stakes, nil},
		{"action_findings", "finding_id", a.Findings, nil},
	}
	if before != nil {
		lists[0].was, lists[1].was, lists[2].was = before.Partners, before.Stakes, before.Findings
	}
	for _, l := range lists {
		if before != nil {
			if slices.Equal(l.ids, l.was) {
				continue
			}
			if _, err := exec(ctx, t, `DELETE FROM `+l.table+` WHERE action_id = ?`, a.ID); err != nil {
				return err
			}
		}
		for _, id := range l.ids {
			if _, err := exec(ctx, t, `INSERT INTO `+l.table+` (action_id, `+l.column+`) VALUES (?, ?)`, a.ID, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkActionLinks checks what a names outside itself: its objective is
// one of its axis, its lead and partners are organisations, its stakes
// and findings are its convention's. It returns an EInvalid error with a
// message on each field at fault.
func checkActionLinks(ctx context.Context, t *tx, a *plan.Action) error {
	bad := app.Fields{}
	if a.Objective != "" {
		var n int
		if err := get(ctx, t, &n, `SELECT COUNT(*) FROM objectives WHERE id = ? AND axis_id = ?`, a.Objective, a.Axis); err != nil {
			return err
		}
		if n == 0 {
			bad.Add("objective", "Choisissez un objectif de l'axe de l'action, ou aucun.")
		}
	}
	for _, c := range []struct {
		field, query string
		of           []any
		ids          []string
		one, many    string
	}{
		{"lead", `SELECT id FROM organisations WHERE id IN (?)`, nil, nonEmpty(a.Lead),
			"Cette organisation n'existe pas : %s. Choisissez le porteur parmi les organisations enregistrées.", ""},
		{"partners", `SELECT id FROM organisations WHERE id IN (?)`, nil, a.Partners,
			"Cette organisation n'existe pas : %s.", "Ces organisations n'existent pas : %s."},
		{"stakes", `SELECT id FROM stakes WHERE convention_id = ? AND id IN (?)`, []any{a.Convention}, a.Stakes,
			"Cet enjeu n'appartient pas au diagnostic de cette convention : %s.", "Ces enjeux n'appartiennent pas au diagnostic de cette convention : %s."},
		{"findings", `SELECT id FROM findings WHERE convention_id = ? AND id IN (?)`, []any{a.Convention}, a.Findings,
			"Ce constat n'appartient pas au diagnostic de cette convention : %s.", "Ces constats n'appartiennent pas au diagnostic de cette convention : %s."},
	} {
		unknown, err := missing(ctx, t, c.query, c.ids, c.of...)
		if err != nil {
			return err
		}
		if len(unknown) == 1 || len(unknown) > 1 && c.many == "" {
			bad.Add(c.field, fmt.Sprintf(c.one, unknown[0]))
		} else if len(unknown) > 1 {
			bad.Add(c.field, fmt.Sprintf(c.many, strings.Join(unknown, ", ")))
		}
	}
	return bad.Err()
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// missing returns the ids that query does not find; query selects id
// with the parameters of, then an IN (?) of ids.
func missing(ctx context.Context, q sqlx.QueryerContext, query string, ids []string, of ...any) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	query, args, err := sqlx.In(query, append(of, ids)...)
	if err != nil {
		return nil, err
	}
	var found []string
	if err := sel(ctx, q, &found, query, args...); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(found, id) }), nil
}

// AddJournal adds a dated note to the follow-up journal of an action whose
// convention u may change; an empty date is today. The note is signed with
// u's name.
func (db *DB) AddJournal(ctx context.Context, u *account.User, actionID string, e *plan.JournalEntry) error {
	err := db.Transact(ctx, func(t *tx) error {
		c, err := db.editPlanOf(ctx, t, u, "action", actionID)
		if err != nil {
			return err
		}
		a, err := loadAction(ctx, t, actionID)
		if err != nil {
			return err
		}
		now := db.Now()
		if e.Date = strings.TrimSpace(e.Date); e.Date == "" {
			e.Date = now.Format(convention.DateLayout)
		}
		if err := e.Validate(); err != nil {
			return err
		}
		_, name := userOf(u)
		e.ID, e.Action, e.User, e.CreatedAt = account.NewID(), actionID, name, now
		if _, err := exec(ctx, t, `INSERT INTO action_journal (id, action_id, noted_on, text, user_name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			e.ID, actionID, e.Date, e.Text, e.User, now); err != nil {
			return err
		}
		return db.record(ctx, t, c.ID, u, "journal.create", actionID, map[string]convention.Change{
			"action": {After: a.Ref}, "date": {After: e.Date}, "text": {After: e.Text}})
	})
	if err != nil {
		return fmt.Errorf("store.AddJournal: %w", err)
	}
	return nil
}

// Journal returns the follow-up journal of an action of a convention u may
// see, the latest note first.
func (db *DB) Journal(ctx context.Context, u *account.User, actionID string) ([]plan.JournalEntry, error) {
	cid, err := conventionOf(ctx, db.x, "action", actionID)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, cid, false)
	}
	if err != nil {
		return nil, fmt.Errorf("store.Journal: %w", err)
	}
	var rows []struct {
		ID        string    `db:"id"`
		Action    string    `db:"action_id"`
		Date      string    `db:"noted_on"`
		Text      string    `db:"text"`
		User      string    `db:"user_name"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := sel(ctx, db.x, &rows, `SELECT id, action_id, noted_on, text, user_name, created_at FROM action_journal
		WHERE action_id = ? ORDER BY noted_on DESC, created_at DESC, id`, actionID); err != nil {
		return nil, fmt.Errorf("store.Journal: %w", err)
	}
	out := make([]plan.JournalEntry, len(rows))
	for i, r := range rows {
		out[i] = plan.JournalEntry{ID: r.ID, Action: r.Action, Date: r.Date, Text: r.Text, User: r.User, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}
