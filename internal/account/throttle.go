package account

import "time"

// Sign-in throttling: after SlowAfter failures in a row for one e-mail the
// answer is slowed down; after LockAfter it is refused until LockFor has
// passed since the last failure.
const (
	SlowAfter = 3
	LockAfter = 8
	LockFor   = 15 * time.Minute
	SlowDelay = time.Second
)

// Throttle is the decision for a sign-in attempt given the failures so far.
type Throttle struct {
	Delay  time.Duration
	Locked bool
	Until  time.Time
}

// Decide tells what to do with an attempt, given the failures recorded and
// the time of the last one.
func Decide(failures int, last, now time.Time) Throttle {
	if failures == 0 || now.Sub(last) > LockFor {
		return Throttle{}
	}
	if failures >= LockAfter {
		return Throttle{Locked: true, Until: last.Add(LockFor)}
	}
	if failures >= SlowAfter {
		return Throttle{Delay: SlowDelay}
	}
	return Throttle{}
}
