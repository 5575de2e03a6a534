package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ctg/internal/app"
)

// AcquireLease gives holder the lease name (a background job) for ttl from
// now, and reports whether holder has it: it does when no one held it,
// when its last holder's time is up, or when holder held it already (the
// lease is then extended). One upsert decides, with the conflict on the
// lease's row settled by the database, so that of servers asking at once
// exactly one gets it, on SQLite as on PostgreSQL.
//
// Times are the servers' clocks (db.Now): servers sharing a database are
// expected to agree on the time to within a small part of ttl.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := db.Now().UTC()
	var got string
	err := db.Transact(ctx, func(t *tx) error {
		// When the WHERE of DO UPDATE refuses, no row is written and
		// none returned.
		return get(ctx, t, &got, `INSERT INTO job_leases (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE job_leases.until <= ? OR job_leases.holder = excluded.holder
			RETURNING holder`, name, holder, now.Add(ttl), now)
	})
	if errors.Is(err, app.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.AcquireLease: %w", err)
	}
	return got == holder, nil
}

// ReleaseLease gives up holder's lease name, if holder still has it, so
// that another server may take it without waiting for its end.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	err := db.Transact(ctx, func(t *tx) error {
		_, err := exec(ctx, t, `DELETE FROM job_leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("store.ReleaseLease: %w", err)
	}
	return nil
}
