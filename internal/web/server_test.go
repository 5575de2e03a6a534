package web

import (
	"context"
	"testing"
	"time"
)

// TestBackgroundWorkIsWaitedFor checks the shutdown order's last step: the
// work a request started in the background is waited for, within a limit.
func TestBackgroundWorkIsWaitedFor(t *testing.T) {
	s := &Server{}
	release := make(chan struct{})
	finished := false
	s.Go(func() {
		<-release
		finished = true
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Wait(ctx); err == nil {
		t.Fatal("Wait returned while the work was still running")
	}
	close(release)
	if err := s.Wait(context.Background()); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if !finished {
		t.Error("Wait returned before the work ended")
	}
}
