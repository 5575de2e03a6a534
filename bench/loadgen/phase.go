package loadgen

import (
	"context"
	"sync"
	"time"
)

// Phase runs clients goroutines that each call step in a loop for warmup
// then duration, and returns when the last has ended. A step learns
// whether it began after the warm-up and before the end (measured): it
// records its requests only then. The context given to steps ends 30 s
// after the phase, so that a request in flight at the end finishes.
func Phase(ctx context.Context, clients int, warmup, duration time.Duration, step func(ctx context.Context, client int, measured bool)) {
	begin := time.Now()
	from, until := begin.Add(warmup), begin.Add(warmup+duration)
	ctx, cancel := context.WithDeadline(ctx, until.Add(30*time.Second))
	defer cancel()
	var wg sync.WaitGroup
	for n := range clients {
		wg.Go(func() {
			for {
				t0 := time.Now()
				if !t0.Before(until) || ctx.Err() != nil {
					return
				}
				step(ctx, n, !t0.Before(from))
			}
		})
	}
	wg.Wait()
}
