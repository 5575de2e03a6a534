package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

// The follow-up indicators of an action: a baseline, and a target and a
// value per year of the convention. Their methods say "ActionIndicator"
// because "Indicator" names the statistical indicators of the diagnosis
// (indicator.go), a catalogue shared by all conventions.

var (
	errStaleActionIndicator = app.Errorf(app.EPreconditionFailed, "L'indicateur de suivi a été modifié entre-temps par quelqu'un d'autre. Rechargez-le, puis refaites votre modification.")

	versionedActionIndicator = versioned[plan.Indicator]{plan: "indicator", load: loadActionIndicator, stale: errStaleActionIndicator,
		version: func(i *plan.Indicator) int { return i.Version }}
)

type actionIndicatorRow struct {
	ID         string    `db:"id"`
	Action     string    `db:"action_id"`
	Convention string    `db:"convention_id"`
	Position   int       `db:"position"`
	Label      string    `db:"label"`
	Unit       string    `db:"unit"`
	Baseline   *float64  `db:"baseline"`
	Version    int       `db:"version"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

// loadActionIndicators returns the indicators where holds (on i, the
// indicators, and a, their actions), by action then position, with their
// targets and values.
func loadActionIndicators(ctx context.Context, q sqlx.QueryerContext, where, arg string) ([]plan.Indicator, error) {
	var rows []actionIndicatorRow
	if err := sel(ctx, q, &rows, `SELECT i.id, i.action_id, a.convention_id, i.position, i.label, i.unit, i.baseline, i.version, i.created_at, i.updated_at
		FROM action_indicators i JOIN actions a ON a.id = i.action_id WHERE `+where+` ORDER BY i.action_id, i.position, i.id`, arg); err != nil {
		return nil, err
	}
	out := make([]plan.Indicator, len(rows))
	at := make(map[string]*plan.Indicator, len(rows))
	for i, r := range rows {
		out[i] = plan.Indicator{ID: r.ID, Action: r.Action, Position: r.Position, Label: r.Label, Unit: r.Unit, Baseline: r.Baseline,
			Targets: map[string]float64{}, Values: map[string]float64{}, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
		at[r.ID] = &out[i]
	}
	if len(rows) == 0 {
		return out, nil
	}
	var years []struct {
		Indicator string   `db:"indicator_id"`
		Year      int      `db:"year"`
		Target    *float64 `db:"target"`
		Value     *float64 `db:"value"`
	}
	if err := sel(ctx, q, &years, `SELECT y.indicator_id, y.year, y.target, y.value FROM action_indicator_years y
		JOIN action_indicators i ON i.id = y.indicator_id JOIN actions a ON a.id = i.action_id WHERE `+where, arg); err != nil {
		return nil, err
	}
	for _, y := range years {
		ind := at[y.Indicator]
		if ind == nil {
			continue
		}
		k := strconv.Itoa(y.Year)
		if y.Target != nil {
			ind.Targets[k] = *y.Target
		}
		if y.Value != nil {
			ind.Values[k] = *y.Value
		}
	}
	return out, nil
}

func loadActionIndicator(ctx context.Context, q sqlx.QueryerContext, id string) (*plan.Indicator, error) {
	list, err := loadActionIndicators(ctx, q, `i.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, app.ErrNotFound
	}
	return &list[0], nil
}

// writeIndicatorYears replaces the targets and values of ind.
func writeIndicatorYears(ctx context.Context, t *tx, ind *plan.Indicator) error {
	if _, err := exec(ctx, t, `DELETE FROM action_indicator_years WHERE indicator_id = ?`, ind.ID); err != nil {
		return err
	}
	years := slices.Sorted(maps.Keys(ind.Targets))
	for k := range ind.Values {
		if _, ok := ind.Targets[k]; !ok {
			years = append(years, k)
		}
	}
	for _, k := range years {
		y, _ := strconv.Atoi(k) // checked by Validate
		var target, value any
		if v, ok := ind.Targets[k]; ok {
			target = v
		}
		if v, ok := ind.Values[k]; ok {
			value = v
		}
		if _, err := exec(ctx, t, `INSERT INTO action_indicator_years (indicator_id, year, target, value) VALUES (?, ?, ?, ?)`,
			ind.ID, y, target, value); err != nil {
			return err
		}
	}
	return nil
}

// ActionIndicators returns the follow-up indicators of an action of a convention
// u may see, in their order.
func (db *DB) ActionIndicators(ctx context.Context, u *account.User, actionID string) ([]plan.Indicator, error) {
	cid, err := conventionOf(ctx, db.x, "action", actionID)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, cid, false)
	}
	if err != nil {
		return nil, fmt.Errorf("store.ActionIndicators: %w", err)
	}
	list, err := loadActionIndicators(ctx, db.x, `i.action_id = ?`, actionID)
	if err != nil {
		return nil, fmt.Errorf("store.ActionIndicators: %w", err)
	}
	return list, nil
}

// ActionIndicator returns a follow-up indicator of an action of a convention u
// may see.
func (db *DB) ActionIndicator(ctx context.Context, u *account.User, id string) (*plan.Indicator, error) {
	cid, err := conventionOf(ctx, db.x, "indicator", id)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, cid, false)
	}
	var ind *plan.Indicator
	if err == nil {
		ind, err = loadActionIndicator(ctx, db.x, id)
	}
	if err != nil {
		return nil, fmt.Errorf("store.ActionIndicator: %w", err)
	}
	return ind, nil
}

// CreateActionIndicator validates and stores a new follow-up indicator of an
// action whose convention u may change, after its other indicators. Its
// targets and values must lie within the years of the convention (422).
func (db *DB) CreateActionIndicator(ctx context.Context, u *account.User, actionID string, ind *plan.Indicator) error {
	err := db.Transact(ctx, func(t *tx) error {
		c, err := db.editPlanOf(ctx, t, u, "action", actionID)
		if err != nil {
			return err
		}
		a, err := loadAction(ctx, t, actionID)
		if err != nil {
			return err
		}
		if err := ind.Validate(plan.Years(c)); err != nil {
			return err
		}
		n, err := nextNumber(ctx, t, `SELECT COALESCE(MAX(position), 0) FROM action_indicators WHERE action_id = ?`, actionID)
		if err != nil {
			return err
		}
		now := db.Now()
		ind.ID, ind.Action, ind.Position, ind.Version, ind.CreatedAt, ind.UpdatedAt = account.NewID(), actionID, n, 1, now, now
		if _, err := exec(ctx, t, `INSERT INTO action_indicators (id, action_id, position, label, unit, baseline, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ind.ID, actionID, ind.Position, ind.Label, ind.Unit, ind.Baseline, ind.Version, now, now); err != nil {
			return err
		}
		if err := writeIndicatorYears(ctx, t, ind); err != nil {
			return err
		}
		changes := plan.Created(plan.DiffIndicators(&plan.Indicator{}, ind))
		changes["action"] = convention.Change{After: a.Ref}
		return db.record(ctx, t, c.ID, u, "action_indicator.create", ind.ID, changes)
	})
	if err != nil {
		return fmt.Errorf("store.CreateActionIndicator: %w", err)
	}
	return nil
}

// UpdateActionIndicator applies patch to a follow-up indicator when u may change
// its convention and, when ifVersion > 0, when it is still at that version.
func (db *DB) UpdateActionIndicator(ctx context.Context, u *account.User, id string, ifVersion int, patch plan.IndicatorPatch) (*plan.Indicator, error) {
	ind, err := db.changeIndicator(ctx, u, id, ifVersion, "action_indicator.update", func(ind *plan.Indicator, first, last int) error {
		patch.Apply(ind)
		return ind.Validate(first, last)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateActionIndicator: %w", err)
	}
	return ind, nil
}

// SetActionIndicatorValues replaces the values by year of a follow-up
// indicator of an action whose convention u may change and, when
// ifVersion > 0, when it is still at that version; each year must lie
// within the convention's (422, keyed by the year, otherwise).
func (db *DB) SetActionIndicatorValues(ctx context.Context, u *account.User, indicatorID string, ifVersion int, values map[string]float64) (*plan.Indicator, error) {
	ind, err := db.changeIndicator(ctx, u, indicatorID, ifVersion, "action_indicator.values", func(ind *plan.Indicator, first, last int) error {
		if err := plan.CheckValues(values, first, last); err != nil {
			return err
		}
		ind.Values = maps.Clone(values)
		if ind.Values == nil {
			ind.Values = map[string]float64{}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store.SetActionIndicatorValues: %w", err)
	}
	return ind, nil
}

// changeIndicator loads an indicator, checks u and ifVersion, lets change
// modify a copy given the convention's years, and writes it with a line
// of history named action when something changed.
func (db *DB) changeIndicator(ctx context.Context, u *account.User, id string, ifVersion int, action string,
	change func(ind *plan.Indicator, first, last int) error) (*plan.Indicator, error) {
	var out *plan.Indicator
	err := db.Transact(ctx, func(t *tx) error {
		before, c, err := versionedActionIndicator.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		after := *before
		after.Targets, after.Values = maps.Clone(before.Targets), maps.Clone(before.Values)
		first, last := plan.Years(c)
		if err := change(&after, first, last); err != nil {
			return err
		}
		changes := plan.DiffIndicators(before, &after)
		out = before
		if len(changes) == 0 {
			return nil
		}
		now := db.Now()
		after.Version, after.UpdatedAt = before.Version+1, now
		if err := writeVersioned(ctx, t, errStaleActionIndicator, `UPDATE action_indicators SET label = ?, unit = ?, baseline = ?, version = ?, updated_at = ?
			WHERE id = ? AND version = ?`, after.Label, after.Unit, after.Baseline, after.Version, now, id, before.Version); err != nil {
			return err
		}
		if err := writeIndicatorYears(ctx, t, &after); err != nil {
			return err
		}
		out = &after
		if _, renamed := changes["label"]; !renamed {
			changes["indicator"] = convention.Change{After: after.Label} // which one, in the history
		}
		return db.record(ctx, t, c.ID, u, action, id, changes)
	})
	return out, err
}

// DeleteActionIndicator removes a follow-up indicator and its values, and moves
// up the indicators after it.
func (db *DB) DeleteActionIndicator(ctx context.Context, u *account.User, id string, ifVersion int) error {
	err := db.Transact(ctx, func(t *tx) error {
		ind, c, err := versionedActionIndicator.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM action_indicators WHERE id = ?`, id); err != nil {
			return err
		}
		if err := closeGap(ctx, t, "action_indicators", "position", db.Now(),
			`SELECT id, position AS n FROM action_indicators WHERE action_id = ? ORDER BY position, id`, ind.Action); err != nil {
			return err
		}
		return db.record(ctx, t, c.ID, u, "action_indicator.delete", id, plan.Deleted(plan.DiffIndicators(ind, &plan.Indicator{})))
	})
	if err != nil {
		return fmt.Errorf("store.DeleteActionIndicator: %w", err)
	}
	return nil
}
