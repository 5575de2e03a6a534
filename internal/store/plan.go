package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

// The plan of actions belongs to a convention as its findings do: who sees
// the convention sees its plan, who may change it may change the plan,
// and every change is a line of its history.
//
// Axes are numbered within their convention, actions within their axis,
// objectives within their axis, always 1, 2, 3… without gaps. Every write
// that moves or removes something renumbers the rest in the same
// transaction, and an action whose reference ("Axe 2 / Action 4") changes
// keeps the old one in former_refs and gets a new version, since what it
// shows changed. On PostgreSQL the writes of one plan queue on its
// convention's row (editPlan), so that two moves never number from the same
// stale list; SQLite runs one writer at a time anyway.

var (
	errStaleAxis      = app.Errorf(app.EPreconditionFailed, "L'axe a été modifié entre-temps par quelqu'un d'autre. Rechargez-le, puis refaites votre modification.")
	errStaleObjective = app.Errorf(app.EPreconditionFailed, "L'objectif a été modifié entre-temps par quelqu'un d'autre. Rechargez-le, puis refaites votre modification.")
	errStaleAction    = app.Errorf(app.EPreconditionFailed, "La fiche action a été modifiée entre-temps par quelqu'un d'autre. Rechargez-la, puis refaites votre modification.")

	versionedAxis = versioned[plan.Axis]{plan: "axis", stale: errStaleAxis, version: func(a *plan.Axis) int { return a.Version },
		load: func(ctx context.Context, q sqlx.QueryerContext, id string) (*plan.Axis, error) {
			return loadAxis(ctx, q, id, false)
		}}
	versionedObjective = versioned[plan.Objective]{plan: "objective", stale: errStaleObjective, version: func(o *plan.Objective) int { return o.Version },
		load: func(ctx context.Context, q sqlx.QueryerContext, id string) (*plan.Objective, error) {
			o, _, err := loadObjective(ctx, q, id)
			return o, err
		}}
	versionedAction = versioned[plan.Action]{plan: "action", load: loadAction, stale: errStaleAction, version: func(a *plan.Action) int { return a.Version }}
)

type axisRow struct {
	ID          string    `db:"id"`
	Convention  string    `db:"convention_id"`
	Number      int       `db:"number"`
	Title       string    `db:"title"`
	Description string    `db:"description"`
	Version     int       `db:"version"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
}

const axisColumns = `x.id, x.convention_id, x.number, x.title, x.description, x.version, x.created_at, x.updated_at`

func (r axisRow) axis() plan.Axis {
	return plan.Axis{ID: r.ID, Convention: r.Convention, Number: r.Number, Title: r.Title, Description: r.Description,
		Objectives: []plan.Objective{}, Actions: []plan.Action{}, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

type objectiveRow struct {
	ID         string    `db:"id"`
	Axis       string    `db:"axis_id"`
	Convention string    `db:"convention_id"`
	Position   int       `db:"position"`
	Title      string    `db:"title"`
	Version    int       `db:"version"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

const objectiveColumns = `o.id, o.axis_id, x.convention_id, o.position, o.title, o.version, o.created_at, o.updated_at`

func (r objectiveRow) objective() plan.Objective {
	return plan.Objective{ID: r.ID, Axis: r.Axis, Position: r.Position, Title: r.Title, Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func loadAxes(ctx context.Context, q sqlx.QueryerContext, where string, arg string) ([]plan.Axis, error) {
	var rows []axisRow
	if err := sel(ctx, q, &rows, `SELECT `+axisColumns+` FROM axes x WHERE `+where+` ORDER BY x.number, x.created_at, x.id`, arg); err != nil {
		return nil, err
	}
	out := make([]plan.Axis, len(rows))
	for i, r := range rows {
		out[i] = r.axis()
	}
	return out, nil
}

// loadAxis returns an axis, with its objectives and actions when children
// is set.
func loadAxis(ctx context.Context, q sqlx.QueryerContext, id string, children bool) (*plan.Axis, error) {
	axes, err := loadAxes(ctx, q, `x.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(axes) == 0 {
		return nil, app.ErrNotFound
	}
	if children {
		if err := fillAxes(ctx, q, axes, `x.id = ?`, `a.axis_id = ?`, id); err != nil {
			return nil, err
		}
	}
	return &axes[0], nil
}

// fillAxes loads the objectives (where objWhere) and actions (where
// actWhere) of axes, with two queries and the one of the actions' links.
func fillAxes(ctx context.Context, q sqlx.QueryerContext, axes []plan.Axis, objWhere, actWhere, arg string) error {
	objectives, err := loadObjectives(ctx, q, objWhere, arg)
	if err != nil {
		return err
	}
	actions, err := loadActions(ctx, q, actWhere, arg)
	if err != nil {
		return err
	}
	at := map[string]*plan.Axis{}
	for i := range axes {
		at[axes[i].ID] = &axes[i]
	}
	for _, o := range objectives {
		if a, ok := at[o.Axis]; ok {
			a.Objectives = append(a.Objectives, o)
		}
	}
	for _, x := range actions {
		if a, ok := at[x.Axis]; ok {
			a.Actions = append(a.Actions, x)
		}
	}
	return nil
}

func loadObjectives(ctx context.Context, q sqlx.QueryerContext, where string, arg string) ([]plan.Objective, error) {
	var rows []objectiveRow
	if err := sel(ctx, q, &rows, `SELECT `+objectiveColumns+` FROM objectives o JOIN axes x ON x.id = o.axis_id
		WHERE `+where+` ORDER BY o.axis_id, o.position, o.created_at, o.id`, arg); err != nil {
		return nil, err
	}
	out := make([]plan.Objective, len(rows))
	for i, r := range rows {
		out[i] = r.objective()
	}
	return out, nil
}

// loadObjective returns an objective and the id of its convention.
func loadObjective(ctx context.Context, q sqlx.QueryerContext, id string) (*plan.Objective, string, error) {
	var r objectiveRow
	if err := get(ctx, q, &r, `SELECT `+objectiveColumns+` FROM objectives o JOIN axes x ON x.id = o.axis_id WHERE o.id = ?`, id); err != nil {
		return nil, "", mapError(err)
	}
	o := r.objective()
	return &o, r.Convention, nil
}

// loadPlan returns the plan of a convention in four queries: axes,
// objectives, actions, and the actions' links.
func loadPlan(ctx context.Context, q sqlx.QueryerContext, conventionID string) (*plan.Plan, error) {
	axes, err := loadAxes(ctx, q, `x.convention_id = ?`, conventionID)
	if err != nil {
		return nil, err
	}
	if err := fillAxes(ctx, q, axes, `x.convention_id = ?`, `a.convention_id = ?`, conventionID); err != nil {
		return nil, err
	}
	return &plan.Plan{Convention: conventionID, Axes: axes}, nil
}

// conventionOf returns the id of the convention a thing of a plan belongs
// to; what is "axis", "objective", "action" or "indicator".
func conventionOf(ctx context.Context, q sqlx.QueryerContext, what, id string) (string, error) {
	query := map[string]string{
		"axis":      `SELECT convention_id FROM axes WHERE id = ?`,
		"objective": `SELECT x.convention_id FROM objectives o JOIN axes x ON x.id = o.axis_id WHERE o.id = ?`,
		"action":    `SELECT convention_id FROM actions WHERE id = ?`,
		"indicator": `SELECT a.convention_id FROM action_indicators i JOIN actions a ON a.id = i.action_id WHERE i.id = ?`,
	}[what]
	var cid string
	if err := get(ctx, q, &cid, query, id); err != nil {
		return "", mapError(err)
	}
	return cid, nil
}

// editPlan checks that u may change the convention and, on PostgreSQL,
// holds its row until t ends, so that the writes of one plan queue.
func (db *DB) editPlan(ctx context.Context, t *tx, u *account.User, conventionID string) (*convention.Convention, error) {
	c, err := seeConvention(ctx, t, u, conventionID, true)
	if err != nil {
		return nil, err
	}
	if db.Dialect == Postgres {
		if _, err := exec(ctx, t, `SELECT id FROM conventions WHERE id = ? FOR NO KEY UPDATE`, conventionID); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// editPlanOf is editPlan for the convention of a thing of a plan (see
// conventionOf).
func (db *DB) editPlanOf(ctx context.Context, t *tx, u *account.User, what, id string) (*convention.Convention, error) {
	cid, err := conventionOf(ctx, t, what, id)
	if err != nil {
		return nil, err
	}
	return db.editPlan(ctx, t, u, cid)
}

// Plan returns the plan of actions of a convention u may see: its axes in
// order, each with its objectives and its actions in order.
func (db *DB) Plan(ctx context.Context, u *account.User, conventionID string) (*plan.Plan, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Plan: %w", err)
	}
	p, err := loadPlan(ctx, db.x, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Plan: %w", err)
	}
	return p, nil
}

// PublicPlan returns the plan of actions of a convention without checking
// who asks: for its public page, whose handler must first check that the
// convention is published. ErrNotFound when there is no such convention.
func (db *DB) PublicPlan(ctx context.Context, conventionID string) (*plan.Plan, error) {
	var n int
	if err := get(ctx, db.x, &n, `SELECT COUNT(*) FROM conventions WHERE id = ?`, conventionID); err != nil {
		return nil, fmt.Errorf("store.PublicPlan: %w", err)
	}
	if n == 0 {
		return nil, fmt.Errorf("store.PublicPlan: %w", app.ErrNotFound)
	}
	p, err := loadPlan(ctx, db.x, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.PublicPlan: %w", err)
	}
	return p, nil
}

// Axis returns an axis of a convention u may see, with its objectives and
// actions.
func (db *DB) Axis(ctx context.Context, u *account.User, id string) (*plan.Axis, error) {
	a, err := loadAxis(ctx, db.x, id, false)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, a.Convention, false)
	}
	if err == nil {
		a, err = loadAxis(ctx, db.x, id, true)
	}
	if err != nil {
		return nil, fmt.Errorf("store.Axis: %w", err)
	}
	return a, nil
}

// CreateAxis validates and stores a new axis of a convention u may change,
// numbered after the last one.
func (db *DB) CreateAxis(ctx context.Context, u *account.User, conventionID string, a *plan.Axis) error {
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := db.editPlan(ctx, t, u, conventionID); err != nil {
			return err
		}
		return db.insertAxis(ctx, t, u, conventionID, a)
	})
	if err != nil {
		return fmt.Errorf("store.CreateAxis: %w", err)
	}
	return nil
}

// insertAxis validates and writes a new axis of a convention, numbered
// after the last one, with its line of history, in t: shared by
// CreateAxis and the renewal, which builds the new plan.
func (db *DB) insertAxis(ctx context.Context, t *tx, u *account.User, conventionID string, a *plan.Axis) error {
	if err := a.Validate(); err != nil {
		return err
	}
	n, err := nextNumber(ctx, t, `SELECT COALESCE(MAX(number), 0) FROM axes WHERE convention_id = ?`, conventionID)
	if err != nil {
		return err
	}
	now := db.Now()
	a.ID, a.Convention, a.Number, a.Version, a.CreatedAt, a.UpdatedAt = account.NewID(), conventionID, n, 1, now, now
	a.Objectives, a.Actions = []plan.Objective{}, []plan.Action{}
	if _, err := exec(ctx, t, `INSERT INTO axes (id, convention_id, number, title, description, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, conventionID, a.Number, a.Title, a.Description, a.Version, now, now); err != nil {
		return err
	}
	return db.record(ctx, t, conventionID, u, "axis.create", a.ID, plan.Created(plan.DiffAxes(&plan.Axis{}, a)))
}

// UpdateAxis applies patch to an axis when u may change its convention
// and, when ifVersion > 0, when it is still at that version. A new number
// moves the axis there and renumbers the others, and with them the
// references of their actions. A patch that changes nothing keeps the
// version. The axis comes back with its objectives and actions.
func (db *DB) UpdateAxis(ctx context.Context, u *account.User, id string, ifVersion int, patch plan.AxisPatch) (*plan.Axis, error) {
	var out *plan.Axis
	err := db.Transact(ctx, func(t *tx) error {
		before, c, err := versionedAxis.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		after := *before
		patch.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		axes, err := numbers(ctx, t, `SELECT id, number AS n FROM axes WHERE convention_id = ? ORDER BY number, created_at, id`, c.ID)
		if err != nil {
			return err
		}
		if err := plan.CheckPlace("number", after.Number, len(axes.ids)); err != nil {
			return err
		}
		changes := plan.DiffAxes(before, &after)
		if len(changes) > 0 {
			now := db.Now()
			after.Version, after.UpdatedAt = before.Version+1, now
			refs, err := actionRefs(ctx, t, c.ID)
			if err != nil {
				return err
			}
			axes.at[id] = after.Number // written below, with the version checked
			if err := renumber(ctx, t, "axes", "number", plan.Move(axes.ids, id, after.Number), axes.at, now); err != nil {
				return err
			}
			if err := writeVersioned(ctx, t, errStaleAxis, `UPDATE axes SET number = ?, title = ?, description = ?, version = ?, updated_at = ?
				WHERE id = ? AND version = ?`, after.Number, after.Title, after.Description, after.Version, now, id, before.Version); err != nil {
				return err
			}
			if err := settleRefs(ctx, t, c.ID, refs, "", now); err != nil {
				return err
			}
			if err := db.record(ctx, t, c.ID, u, "axis.update", id, changes); err != nil {
				return err
			}
		}
		out, err = loadAxis(ctx, t, id, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateAxis: %w", err)
	}
	return out, nil
}

// DeleteAxis removes an axis that holds no action, with its objectives,
// and renumbers the axes after it. An axis that still holds actions
// answers a conflict: its actions carry budget and follow-up, which are
// not to go as a side effect.
func (db *DB) DeleteAxis(ctx context.Context, u *account.User, id string, ifVersion int) error {
	err := db.Transact(ctx, func(t *tx) error {
		a, c, err := versionedAxis.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		// Read again with its actions, which must be none, and its
		// objectives, which the history names.
		if a, err = loadAxis(ctx, t, id, true); err != nil {
			return err
		}
		if n := len(a.Actions); n > 0 {
			return app.Errorf(app.EConflict, "L'axe %d compte encore %d action%s : déplacez-les vers un autre axe ou supprimez-les avant de supprimer l'axe.",
				a.Number, n, plural(n))
		}
		refs, err := actionRefs(ctx, t, c.ID)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM objectives WHERE axis_id = ?`, id); err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM axes WHERE id = ?`, id); err != nil {
			return err
		}
		now := db.Now()
		if err := closeGap(ctx, t, "axes", "number", now,
			`SELECT id, number AS n FROM axes WHERE convention_id = ? ORDER BY number, created_at, id`, c.ID); err != nil {
			return err
		}
		if err := settleRefs(ctx, t, c.ID, refs, "", now); err != nil {
			return err
		}
		changes := plan.Deleted(plan.DiffAxes(a, &plan.Axis{}))
		if len(a.Objectives) > 0 {
			titles := make([]string, len(a.Objectives))
			for i, o := range a.Objectives {
				titles[i] = o.Title
			}
			changes["objectives"] = convention.Change{Before: titles}
		}
		return db.record(ctx, t, c.ID, u, "axis.delete", id, changes)
	})
	if err != nil {
		return fmt.Errorf("store.DeleteAxis: %w", err)
	}
	return nil
}

// CreateObjective validates and stores a new objective of an axis whose
// convention u may change, after the axis's last objective.
func (db *DB) CreateObjective(ctx context.Context, u *account.User, axisID string, o *plan.Objective) error {
	err := db.Transact(ctx, func(t *tx) error {
		c, err := db.editPlanOf(ctx, t, u, "axis", axisID)
		if err != nil {
			return err
		}
		a, err := loadAxis(ctx, t, axisID, false)
		if err != nil {
			return err
		}
		return db.insertObjective(ctx, t, u, c.ID, a, o)
	})
	if err != nil {
		return fmt.Errorf("store.CreateObjective: %w", err)
	}
	return nil
}

// insertObjective validates and writes a new objective of axis a of a
// convention, after its last objective, with its line of history, in t:
// shared by CreateObjective and the renewal.
func (db *DB) insertObjective(ctx context.Context, t *tx, u *account.User, conventionID string, a *plan.Axis, o *plan.Objective) error {
	if err := o.Validate(); err != nil {
		return err
	}
	n, err := nextNumber(ctx, t, `SELECT COALESCE(MAX(position), 0) FROM objectives WHERE axis_id = ?`, a.ID)
	if err != nil {
		return err
	}
	now := db.Now()
	o.ID, o.Axis, o.Position, o.Version, o.CreatedAt, o.UpdatedAt = account.NewID(), a.ID, n, 1, now, now
	if _, err := exec(ctx, t, `INSERT INTO objectives (id, axis_id, position, title, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		o.ID, a.ID, o.Position, o.Title, o.Version, now, now); err != nil {
		return err
	}
	changes := plan.Created(plan.DiffObjectives(&plan.Objective{}, o))
	changes["axis"] = convention.Change{After: a.Number}
	return db.record(ctx, t, conventionID, u, "objective.create", o.ID, changes)
}

// UpdateObjective applies patch to an objective when u may change its
// convention and, when ifVersion > 0, when it is still at that version. A
// new position moves it among the objectives of its axis.
func (db *DB) UpdateObjective(ctx context.Context, u *account.User, id string, ifVersion int, patch plan.ObjectivePatch) (*plan.Objective, error) {
	var out *plan.Objective
	err := db.Transact(ctx, func(t *tx) error {
		before, c, err := versionedObjective.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		after := *before
		patch.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		list, err := numbers(ctx, t, `SELECT id, position AS n FROM objectives WHERE axis_id = ? ORDER BY position, created_at, id`, before.Axis)
		if err != nil {
			return err
		}
		if err := plan.CheckPlace("position", after.Position, len(list.ids)); err != nil {
			return err
		}
		changes := plan.DiffObjectives(before, &after)
		out = before
		if len(changes) == 0 {
			return nil
		}
		now := db.Now()
		after.Version, after.UpdatedAt = before.Version+1, now
		list.at[id] = after.Position
		if err := renumber(ctx, t, "objectives", "position", plan.Move(list.ids, id, after.Position), list.at, now); err != nil {
			return err
		}
		if err := writeVersioned(ctx, t, errStaleObjective, `UPDATE objectives SET position = ?, title = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			after.Position, after.Title, after.Version, now, id, before.Version); err != nil {
			return err
		}
		out = &after
		return db.record(ctx, t, c.ID, u, "objective.update", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateObjective: %w", err)
	}
	return out, nil
}

// DeleteObjective removes an objective; its actions stay in their axis
// without an objective (and get a new version), the objectives after it
// move up.
func (db *DB) DeleteObjective(ctx context.Context, u *account.User, id string, ifVersion int) error {
	err := db.Transact(ctx, func(t *tx) error {
		o, c, err := versionedObjective.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := exec(ctx, t, `UPDATE actions SET objective_id = NULL, version = version + 1, updated_at = ? WHERE objective_id = ?`, now, id); err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM objectives WHERE id = ?`, id); err != nil {
			return err
		}
		if err := closeGap(ctx, t, "objectives", "position", now,
			`SELECT id, position AS n FROM objectives WHERE axis_id = ? ORDER BY position, created_at, id`, o.Axis); err != nil {
			return err
		}
		return db.record(ctx, t, c.ID, u, "objective.delete", id, plan.Deleted(plan.DiffObjectives(o, &plan.Objective{})))
	})
	if err != nil {
		return fmt.Errorf("store.DeleteObjective: %w", err)
	}
	return nil
}

// nextNumber runs query, a MAX over a numbered list, and returns one more.
func nextNumber(ctx context.Context, t *tx, query, arg string) (int, error) {
	var n int
	if err := get(ctx, t, &n, query, arg); err != nil {
		return 0, err
	}
	return n + 1, nil
}

// numbered is a numbered list as stored: the ids in order and the number
// each has.
type numbered struct {
	ids []string
	at  map[string]int
}

// numbers reads a numbered list with query, which selects id and n in
// order.
func numbers(ctx context.Context, q sqlx.QueryerContext, query string, args ...any) (numbered, error) {
	var rows []struct {
		ID string `db:"id"`
		N  int    `db:"n"`
	}
	if err := sel(ctx, q, &rows, query, args...); err != nil {
		return numbered{}, err
	}
	l := numbered{ids: make([]string, len(rows)), at: make(map[string]int, len(rows))}
	for i, r := range rows {
		l.ids[i], l.at[r.ID] = r.ID, r.N
	}
	return l, nil
}

// renumber gives the rows of table the numbers 1, 2, 3… in the order of
// ids, in column, writing only those whose number (in current) changes.
// Axes and objectives get a new version with their new number; actions
// get theirs from settleRefs, which also keeps their former reference.
func renumber(ctx context.Context, t *tx, table, column string, ids []string, current map[string]int, now time.Time) error {
	bump := `, version = version + 1, updated_at = ?`
	if table == "actions" {
		bump = ``
	}
	for i, id := range ids {
		if current[id] == i+1 {
			continue
		}
		args := []any{i + 1}
		if bump != "" {
			args = append(args, now)
		}
		if _, err := exec(ctx, t, `UPDATE `+table+` SET `+column+` = ?`+bump+` WHERE id = ?`, append(args, id)...); err != nil {
			return err
		}
	}
	return nil
}

// closeGap numbers 1, 2, 3… what is left of a list once one of its rows
// is gone or has moved away; query reads the list as numbers does.
func closeGap(ctx context.Context, t *tx, table, column string, now time.Time, query string, args ...any) error {
	rest, err := numbers(ctx, t, query, args...)
	if err != nil {
		return err
	}
	return renumber(ctx, t, table, column, rest.ids, rest.at, now)
}

// actionRef is where an action stands, to tell afterwards whether its
// reference changed.
type actionRef struct {
	ID         string `db:"id"`
	AxisNumber int    `db:"axis_number"`
	Number     int    `db:"number"`
	FormerRefs string `db:"former_refs"`
}

func (r actionRef) ref() string { return plan.Ref(r.AxisNumber, r.Number) }

// actionRefs returns where each action of a convention stands, by id.
func actionRefs(ctx context.Context, q sqlx.QueryerContext, conventionID string) (map[string]actionRef, error) {
	var rows []actionRef
	if err := sel(ctx, q, &rows, `SELECT a.id, x.number AS axis_number, a.number, a.former_refs FROM actions a
		JOIN axes x ON x.id = a.axis_id WHERE a.convention_id = ?`, conventionID); err != nil {
		return nil, err
	}
	out := make(map[string]actionRef, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// settleRefs compares where the actions of a convention stand with where
// they stood (before), and gives each action whose reference changed, but
// except, its former reference and a new version.
func settleRefs(ctx context.Context, t *tx, conventionID string, before map[string]actionRef, except string, now time.Time) error {
	after, err := actionRefs(ctx, t, conventionID)
	if err != nil {
		return err
	}
	for id, a := range after {
		b, ok := before[id]
		if !ok || id == except || a.ref() == b.ref() {
			continue
		}
		former := plan.AddFormerRef(splitLines(a.FormerRefs), b.ref(), a.ref())
		if _, err := exec(ctx, t, `UPDATE actions SET former_refs = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			strings.Join(former, "\n"), now, id); err != nil {
			return err
		}
	}
	return nil
}

func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}
