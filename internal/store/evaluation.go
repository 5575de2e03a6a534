package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/review"
)

// The final evaluation of a convention is a set of entries, one for the
// convention as a whole (stored with the subject ""), one per axis and per
// action (their ids), each with its own version. The figures beside them
// (indicators, money) are read from the plan, never stored twice.

var errStaleEntry = app.Errorf(app.EPreconditionFailed, "Cette partie de l'évaluation a été modifiée entre-temps par quelqu'un d'autre. Rechargez la page, puis refaites votre modification.")

type entryRow struct {
	Subject    string    `db:"subject"`
	Results    string    `db:"results"`
	Assessment string    `db:"assessment"`
	CarryOn    bool      `db:"carry_on"`
	Version    int       `db:"version"`
	UpdatedAt  time.Time `db:"updated_at"`
}

func (r entryRow) entry() review.Entry {
	at := r.UpdatedAt.UTC()
	subject := r.Subject
	if subject == "" {
		subject = review.SubjectConvention
	}
	return review.Entry{Subject: subject, Results: r.Results, Assessment: r.Assessment, CarryOn: r.CarryOn, Version: r.Version, UpdatedAt: &at}
}

const entryColumns = `subject, results, assessment, carry_on, version, updated_at`

// loadEntries returns the entries of the evaluation of a convention, the
// convention's named SubjectConvention.
func loadEntries(ctx context.Context, q sqlx.QueryerContext, conventionID string) ([]review.Entry, error) {
	var rows []entryRow
	if err := sel(ctx, q, &rows, `SELECT `+entryColumns+` FROM evaluations WHERE convention_id = ? ORDER BY subject`, conventionID); err != nil {
		return nil, err
	}
	out := make([]review.Entry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return out, nil
}

// Evaluation returns the final evaluation of a convention u may see: for
// the convention, each axis and each action, what was written of it, its
// indicators over the period against their final targets and its money
// planned and spent by funder and by year. It is the whole of what a
// printed evaluation shows.
func (db *DB) Evaluation(ctx context.Context, u *account.User, conventionID string) (*review.Evaluation, error) {
	c, err := seeConvention(ctx, db.x, u, conventionID, false)
	if err != nil {
		return nil, fmt.Errorf("store.Evaluation: %w", err)
	}
	f, err := reviewFacts(ctx, db.x, c, 0)
	if err != nil {
		return nil, fmt.Errorf("store.Evaluation: %w", err)
	}
	return f.Evaluation(), nil
}

// evaluationSubject says what subject names in convention c: the
// convention (stored as ""), one of its axes or one of its actions, with
// the label the history gives it and whether it is an action. Anything
// else is ENotFound.
func evaluationSubject(ctx context.Context, q sqlx.QueryerContext, c *convention.Convention, subject string) (key, label string, action bool, err error) {
	if subject == review.SubjectConvention {
		return "", "Convention", false, nil
	}
	var axes []int
	if err := sel(ctx, q, &axes, `SELECT number FROM axes WHERE id = ? AND convention_id = ?`, subject, c.ID); err != nil {
		return "", "", false, err
	}
	if len(axes) == 1 {
		return subject, "Axe " + strconv.Itoa(axes[0]), false, nil
	}
	a, err := loadAction(ctx, q, subject)
	if app.ErrorCode(err) == app.ENotFound || err == nil && a.Convention != c.ID {
		return "", "", false, app.Errorf(app.ENotFound, "L'évaluation porte sur la convention (« convention »), l'un de ses axes ou l'une de ses actions, par leur identifiant : « %s » n'est rien de cela.", subject)
	}
	if err != nil {
		return "", "", false, err
	}
	return subject, a.Ref, true, nil
}

// SetEvaluation writes what the final evaluation of a convention u may
// change says of subject: "convention", an axis id or an action id of
// the convention (ENotFound otherwise). With ifVersion > 0 the entry must
// still be at that version (EPreconditionFailed otherwise, nothing
// changed). Only an action may be carried on (EInvalid on "carry_on"). An
// entry that says what it said keeps its version.
func (db *DB) SetEvaluation(ctx context.Context, u *account.User, conventionID, subject string, ifVersion int, in review.EntryInput) (*review.Entry, error) {
	var out *review.Entry
	err := db.Transact(ctx, func(t *tx) error {
		c, err := db.editPlan(ctx, t, u, conventionID)
		if err != nil {
			return err
		}
		key, label, isAction, err := evaluationSubject(ctx, t, c, subject)
		if err != nil {
			return err
		}
		var rows []entryRow
		if err := sel(ctx, t, &rows, `SELECT `+entryColumns+` FROM evaluations WHERE convention_id = ? AND subject = ?`, c.ID, key); err != nil {
			return err
		}
		before := &review.Entry{Subject: subject}
		if len(rows) == 1 {
			e := rows[0].entry()
			before = &e
		}
		if ifVersion > 0 && ifVersion != before.Version {
			return errStaleEntry
		}
		after := *before
		in.Apply(&after)
		if err := after.Validate(isAction); err != nil {
			return err
		}
		changes := review.DiffEntries(before, &after)
		if len(changes) == 0 {
			out = before
			return nil
		}
		now := db.Now()
		after.Version, after.UpdatedAt = before.Version+1, &now
		if before.Version == 0 {
			if _, err := exec(ctx, t, `INSERT INTO evaluations (convention_id, subject, results, assessment, carry_on, version, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, key, after.Results, after.Assessment, after.CarryOn, after.Version, now); err != nil {
				return err
			}
		} else {
			res, err := exec(ctx, t, `UPDATE evaluations SET results = ?, assessment = ?, carry_on = ?, version = ?, updated_at = ?
				WHERE convention_id = ? AND subject = ? AND version = ?`, after.Results, after.Assessment, after.CarryOn, after.Version, now,
				c.ID, key, before.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errStaleEntry
			}
		}
		out = &after
		changes["subject"] = convention.Change{After: label}
		return db.record(ctx, t, c.ID, u, "evaluation.update", subject, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.SetEvaluation: %w", err)
	}
	return out, nil
}
