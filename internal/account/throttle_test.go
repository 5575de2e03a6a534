package account_test

import (
	"testing"
	"time"

	"ctg/internal/account"
)

func TestDecide(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		failures int
		ago      time.Duration
		want     account.Throttle
	}{
		{"none", 0, 0, account.Throttle{}},
		{"one", 1, time.Second, account.Throttle{}},
		{"just under slow", account.SlowAfter - 1, time.Second, account.Throttle{}},
		{"slow", account.SlowAfter, time.Second, account.Throttle{Delay: account.SlowDelay}},
		{"still slow", account.LockAfter - 1, time.Minute, account.Throttle{Delay: account.SlowDelay}},
		{"locked", account.LockAfter, time.Minute, account.Throttle{Locked: true, Until: now.Add(account.LockFor - time.Minute)}},
		{"locked long after LockAfter", 50, 0, account.Throttle{Locked: true, Until: now.Add(account.LockFor)}},
		{"lock about to end", account.LockAfter, account.LockFor - time.Second, account.Throttle{Locked: true, Until: now.Add(time.Second)}},
		{"lock over", account.LockAfter, account.LockFor + time.Second, account.Throttle{}},
		{"slowing over", account.SlowAfter, account.LockFor + time.Second, account.Throttle{}},
	} {
		if got := account.Decide(tc.failures, now.Add(-tc.ago), now); got != tc.want {
			t.Errorf("%s: Decide(%d, %v ago) = %+v, want %+v", tc.name, tc.failures, tc.ago, got, tc.want)
		}
	}
	if account.SlowAfter >= account.LockAfter {
		t.Errorf("SlowAfter %d must come before LockAfter %d", account.SlowAfter, account.LockAfter)
	}
}
