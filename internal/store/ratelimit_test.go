package store_test

import (
	"context"
	"testing"
	"time"

	"ctg/internal/testdb"
)

func TestHit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := testdb.Open(t, dsn)
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 10, 15, 5, 0, time.UTC)
		db.Now = func() time.Time { return now }
		for i := 1; i <= 4; i++ {
			ok, err := db.Hit(ctx, "q:192.0.2.1", 3)
			if err != nil {
				t.Fatal(err)
			}
			if want := i <= 3; ok != want {
				t.Errorf("hit %d: %v, want %v", i, ok, want)
			}
		}
		// Another source has its own count.
		if ok, err := db.Hit(ctx, "q:192.0.2.2", 3); err != nil || !ok {
			t.Errorf("other source: %v, %v", ok, err)
		}
		// The next minute starts again, and forgets the minutes before the last.
		now = now.Add(time.Minute)
		if ok, err := db.Hit(ctx, "q:192.0.2.1", 3); err != nil || !ok {
			t.Errorf("next minute: %v, %v", ok, err)
		}
		now = now.Add(2 * time.Minute)
		if ok, err := db.Hit(ctx, "q:192.0.2.1", 3); err != nil || !ok {
			t.Errorf("later: %v, %v", ok, err)
		}
		var rows int
		if err := db.SQL().GetContext(ctx, &rows, `SELECT COUNT(*) FROM rate_limits`); err != nil {
			t.Fatal(err)
		}
		if rows != 1 {
			t.Errorf("%d counters kept, want 1 (the current minute's)", rows)
		}
	})
}
