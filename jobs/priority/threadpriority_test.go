package priority

import "testing"

func TestThreadPriorityRoundTrips(t *testing.T) {
	for _, c := range []struct {
		nice int
		idle bool
		want int
	}{
		{10, true, threadPriorityIdle}, // a goroutine pool's lanes below the window
		{10, false, threadPriorityLowest},
		{4, false, threadPriorityNormal}, // the window's fair share

		{0, false, threadPriorityNormal},
	} {
		p := threadPriority(c.nice, c.idle)
		if p != c.want {
			t.Errorf("threadPriority(%d, %v) = %d, want %d", c.nice, c.idle, p, c.want)
		}
		if n, idle := threadNiceness(p); idle != c.idle || (n > 0) != (p != threadPriorityNormal) {
			t.Errorf("threadNiceness(%d) = %d, %v; asked for %d, %v", p, n, idle, c.nice, c.idle)
		}
	}
}
