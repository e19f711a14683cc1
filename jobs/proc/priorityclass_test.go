package proc

import "testing"

func TestPriorityClassMatchesTheLinuxPolicy(t *testing.T) {
	for _, c := range []struct {
		nice  int
		idle  bool
		class uint32
	}{
		{0, false, normalPriorityClass},
		{4, false, normalPriorityClass}, // the window's fair share: no starving beside busy programs
		{10, true, idlePriorityClass},
		{0, true, idlePriorityClass},
		{10, false, belowNormalPriorityClass},
		{19, false, belowNormalPriorityClass},
	} {
		got := priorityClass(c.nice, c.idle)
		if got != c.class {
			t.Errorf("priorityClass(%d, %v) = %#x, want %#x", c.nice, c.idle, got, c.class)
		}
		// A worker says what it runs at: lowered exactly when its class is.
		if n := classNiceness(got); (n > 0) != (got != normalPriorityClass) {
			t.Errorf("a worker asked for nice %d idle %v reports niceness %d", c.nice, c.idle, n)
		}
	}
	if classNiceness(normalPriorityClass) != 0 {
		t.Errorf("NORMAL reports niceness %d", classNiceness(normalPriorityClass))
	}
}
