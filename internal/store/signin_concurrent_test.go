package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// TestSignInThrottleConcurrent guesses a password from many connections at
// once: each attempt is counted before its password is checked, so that
// no more than account.LockAfter are checked and the others are refused
// as locked, the right password included.
func TestSignInThrottleConcurrent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		newClock(db)
		mustUser(t, db, "claire@caf.fr", "caf-33", account.RoleEditor)
		const n = 2 * account.LockAfter
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { _, _, errs[i] = db.SignIn(ctx, "claire@caf.fr", "mauvais-mot-de-passe", time.Hour) })
		}
		wg.Wait()
		checked := 0
		for _, err := range errs {
			switch {
			case errors.Is(err, store.ErrBadCredentials):
				checked++
			case app.ErrorCode(err) == app.ETooManyRequests:
			default:
				t.Errorf("SignIn: %v", err)
			}
		}
		if checked != account.LockAfter {
			t.Errorf("%d passwords of %d checked, want %d", checked, n, account.LockAfter)
		}
		if _, _, err := db.SignIn(ctx, "claire@caf.fr", testPassword, time.Hour); app.ErrorCode(err) != app.ETooManyRequests {
			t.Errorf("the right password once locked: %v", err)
		}
	})
}
