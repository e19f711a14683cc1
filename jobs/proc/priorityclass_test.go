package proc

import "testing"

func TestPriorityClassMatchesTheLinuxPolicy(t *testing.T) {
	for _, c := range []struct {
		nice  int
		idle  bool
		class uint32
	}{
		{0, false, normalPriorityClass},
		{10, true, idlePriorityClass}, // the window's workers (SCHED_IDLE)
		{0, true, idlePriorityClass},
		{1, false, belowNormalPriorityClass},
		{19, false, belowNormalPriorityClass},
	} {
		got := priorityClass(c.nice, c.idle)
		if got != c.class {
			t.Errorf("priorityClass(%d, %v) = %#x, want %#x", c.nice, c.idle, got, c.class)
		}
		// A worker so lowered says it is lowered, and says idle only in IDLE.
		if n := classNiceness(got); (n > 0) != (c.nice > 0 || c.idle) {
			t.Errorf("a worker asked for nice %d idle %v reports niceness %d", c.nice, c.idle, n)
		}
	}
	if classNiceness(normalPriorityClass) != 0 {
		t.Errorf("NORMAL reports niceness %d", classNiceness(normalPriorityClass))
	}
}
