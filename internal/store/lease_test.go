package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ctg/internal/store"
	"ctg/internal/testdb"
)

func mustAcquire(t *testing.T, db *store.DB, name, holder string, ttl time.Duration) bool {
	t.Helper()
	ok, err := db.AcquireLease(context.Background(), name, holder, ttl)
	if err != nil {
		t.Fatalf("AcquireLease %s by %s: %v", name, holder, err)
	}
	return ok
}

func TestLease(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		clock := newClock(db)
		if !mustAcquire(t, db, "reminders", "a", time.Hour) {
			t.Fatal("a free lease was refused")
		}
		if mustAcquire(t, db, "reminders", "b", time.Hour) {
			t.Error("b took a's lease")
		}
		if !mustAcquire(t, db, "other job", "b", time.Hour) {
			t.Error("a lease of another name was refused")
		}
		// The holder extends its lease: b still waits an hour from now.
		clock.add(59 * time.Minute)
		if !mustAcquire(t, db, "reminders", "a", time.Hour) {
			t.Error("a could not extend its lease")
		}
		clock.add(59 * time.Minute)
		if mustAcquire(t, db, "reminders", "b", time.Hour) {
			t.Error("b took an extended lease")
		}
		// Past its end, the lease is free; a second later it is not.
		clock.add(time.Minute + 500*time.Millisecond)
		if !mustAcquire(t, db, "reminders", "b", time.Hour) {
			t.Error("b could not take an expired lease")
		}
		clock.add(time.Second)
		if mustAcquire(t, db, "reminders", "a", time.Hour) {
			t.Error("a took back b's lease")
		}
		// Released by someone else: nothing happens. By its holder: free.
		if err := db.ReleaseLease(context.Background(), "reminders", "a"); err != nil {
			t.Fatal(err)
		}
		if mustAcquire(t, db, "reminders", "a", time.Hour) {
			t.Error("a released b's lease")
		}
		if err := db.ReleaseLease(context.Background(), "reminders", "b"); err != nil {
			t.Fatal(err)
		}
		if !mustAcquire(t, db, "reminders", "a", time.Hour) {
			t.Error("a released lease was refused")
		}
	})
}

// TestLeaseUnderConcurrency has many goroutines, on two handles of one
// database as two servers would be, ask for the same lease at once, free,
// expired or held: exactly one gets it each time. Then they loop taking
// and releasing it, and never two hold it together.
func TestLeaseUnderConcurrency(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		dbs := []*store.DB{mustOpen(t, dsn), mustOpen(t, dsn)}
		const workers = 16
		ctx := context.Background()
		race := func(name, holders string) int {
			var got atomic.Int32
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range workers {
				wg.Go(func() {
					<-start
					ok, err := dbs[i%2].AcquireLease(ctx, name, fmt.Sprintf("%s-%d", holders, i), time.Minute)
					if err != nil {
						t.Errorf("AcquireLease: %v", err)
					}
					if ok {
						got.Add(1)
					}
				})
			}
			close(start)
			wg.Wait()
			return int(got.Load())
		}
		for round := range 5 {
			if n := race(fmt.Sprintf("free-%d", round), "server"); n != 1 {
				t.Errorf("free lease, round %d: %d holders", round, n)
			}
		}
		if _, err := dbs[0].SQL().ExecContext(ctx, dbs[0].SQL().Rebind(`INSERT INTO job_leases (name, holder, until) VALUES (?, ?, ?)`),
			"expired", "a dead server", time.Now().UTC().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if n := race("expired", "server"); n != 1 {
			t.Errorf("expired lease: %d holders", n)
		}
		// Held by one of the servers: the others, asking at once, do not get it.
		if n := race("expired", "other"); n != 0 {
			t.Errorf("held lease: %d more holders", n)
		}

		var inside, max, turns atomic.Int32
		var wg sync.WaitGroup
		deadline := time.Now().Add(time.Second)
		for i := range workers {
			wg.Go(func() {
				db, me := dbs[i%2], fmt.Sprintf("server-%d", i)
				for time.Now().Before(deadline) {
					ok, err := db.AcquireLease(ctx, "job", me, time.Minute)
					if err != nil {
						t.Errorf("AcquireLease: %v", err)
						return
					}
					if !ok {
						continue
					}
					n := inside.Add(1)
					if n > max.Load() {
						max.Store(n)
					}
					turns.Add(1)
					time.Sleep(time.Millisecond)
					inside.Add(-1)
					if err := db.ReleaseLease(ctx, "job", me); err != nil {
						t.Errorf("ReleaseLease: %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		if max.Load() != 1 || turns.Load() < 2 {
			t.Errorf("%d turns, up to %d holders at once", turns.Load(), max.Load())
		}
	})
}
