package store

import (
	"context"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/convention"
)

// The things of a convention that carry a version (findings, stakes,
// workshops, meetings, and the plan's axes, objectives, actions and
// indicators) are changed and deleted the same way: read the thing, check
// that u may change its convention (404 when u may not see it, 403 when u
// may only read it), answer 412 when the client's If-Match names another
// version, then update with "AND version = ?" (writeVersioned), so that
// a writer who came in between is refused rather than overwritten. What
// each change writes, and the line of history it leaves, stays with its
// method.

// versioned says how to open one sort of versioned thing for a change.
type versioned[T any] struct {
	load    func(ctx context.Context, q sqlx.QueryerContext, id string) (*T, error)
	version func(*T) int
	// stale is the 412 that names the thing, in French.
	stale error
	// Exactly one of plan and convention is set. plan is the thing's name
	// for conventionOf: the writes of a plan take their convention's lock
	// (editPlan) before they read, so that two of them never number from
	// the same stale list. convention reads the convention's id from a
	// thing that is read first.
	plan       string
	convention func(*T) string
}

// open loads the thing id, in t, for a change by u and returns it with
// its convention, once u may change the convention and, when ifVersion >
// 0, the thing is still at that version.
func (v versioned[T]) open(ctx context.Context, db *DB, t *tx, u *account.User, id string, ifVersion int) (*T, *convention.Convention, error) {
	var c *convention.Convention
	var err error
	if v.plan != "" {
		if c, err = db.editPlanOf(ctx, t, u, v.plan, id); err != nil {
			return nil, nil, err
		}
	}
	x, err := v.load(ctx, t, id)
	if err != nil {
		return nil, nil, err
	}
	if v.plan == "" {
		if c, err = seeConvention(ctx, t, u, v.convention(x), true); err != nil {
			return nil, nil, err
		}
	}
	if ifVersion > 0 && ifVersion != v.version(x) {
		return nil, nil, v.stale
	}
	return x, c, nil
}

// writeVersioned runs query, a write of one row guarded by "AND version =
// ?", and answers stale when it wrote none: the version read at the start
// of the transaction was no longer the stored one.
func writeVersioned(ctx context.Context, t *tx, stale error, query string, args ...any) error {
	res, err := exec(ctx, t, query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return stale
	}
	return nil
}
