package store

import (
	"context"
	"fmt"
)

// Hit counts one event of key (a public-form submission of one source
// address, say) in the current minute and reports whether the events of
// that minute, this one included, are at most limit. The counter is an
// upsert in the database, so that servers sharing it share the limit; a
// refused event counts too. The first event of a minute also deletes the
// counters of earlier minutes.
func (db *DB) Hit(ctx context.Context, key string, limit int) (bool, error) {
	minute := db.Now().Unix() / 60
	var hits int
	err := db.Transact(ctx, func(t *tx) error {
		if err := get(ctx, t, &hits, `INSERT INTO rate_limits (key, minute, hits) VALUES (?, ?, 1)
			ON CONFLICT (key, minute) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits`, key, minute); err != nil {
			return err
		}
		if hits == 1 {
			_, err := exec(ctx, t, `DELETE FROM rate_limits WHERE minute < ?`, minute-1)
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store.Hit: %w", err)
	}
	return hits <= limit, nil
}
