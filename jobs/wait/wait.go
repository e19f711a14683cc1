// Package wait pauses a goroutine in a way that cancelling its context
// interrupts: the one sleep of the engine's retries, backoffs and simulated
// networks.
package wait

import (
	"context"
	"time"
)

// Sleep waits for d to pass or ctx to end, whichever is first, and reports
// whether d passed with ctx still live. A d of zero or less does not wait.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return ctx.Err() == nil
	case <-ctx.Done():
		return false
	}
}
