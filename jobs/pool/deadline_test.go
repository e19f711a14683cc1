package pool

import (
	"sync"
	"testing"
	"time"
)

// TestDeadlineAddsTheWaitForACPU: a worker that waited 300 ms for a CPU
// during its call's timeout gets 300 ms more before it counts as hung, and
// a worker that did not wait gets none.
func TestDeadlineAddsTheWaitForACPU(t *testing.T) {
	defer func(f func(int) (time.Duration, bool)) { waitedFor = f }(waitedFor)
	for _, wait := range []time.Duration{0, 300 * time.Millisecond} {
		var mu sync.Mutex
		readings := 0
		waitedFor = func(int) (time.Duration, bool) {
			mu.Lock()
			defer mu.Unlock()
			readings++
			if readings == 1 {
				return time.Second, true // the call's start
			}
			return time.Second + wait, true // it waited this long, then no more
		}
		fired := make(chan int, 1)
		afterRunnable(1, 50*time.Millisecond, func() {
			mu.Lock()
			defer mu.Unlock()
			fired <- readings
		})
		select {
		case n := <-fired:
			// One reading at the start, one at the timeout, and with a
			// wait one more when the added time has passed.
			want := 2
			if wait > 0 {
				want = 3
			}
			if n != want {
				t.Errorf("waited %v: fired after %d readings, want %d", wait, n, want)
			}
		case <-time.After(time.Minute):
			t.Fatalf("waited %v: never fired", wait)
		}
	}
}

func TestDeadlineStops(t *testing.T) {
	d := afterRunnable(1, time.Hour, func() { t.Error("fired after Stop") })
	if !d.Stop() {
		t.Error("Stop reported it had fired")
	}
}
