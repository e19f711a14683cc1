package lesson

import (
	"runtime"
	"strings"
	"testing"
)

// TestCCalls runs the lesson in a real worker process: one P, C calls in
// parallel where there are cores, Go code not.
func TestCCalls(t *testing.T) {
	o := quick(t, "c-calls", nil)
	m := o.Measured.(CCallsMeasured)
	if m.GOMAXPROCS != 1 || m.Goroutines != 2*runtime.NumCPU() || m.Below < 1000 || m.Pinned || len(m.Seconds) != 4 {
		t.Fatalf("%+v", m)
	}
	if m.OneCoreCSpeedup <= 0 || m.OneCoreGoSpeedup <= 0 || o.Answer != m.OneCoreCSpeedup {
		t.Errorf("%+v", m)
	}
	// No speed-up is asserted: another program may take a core. The
	// rule is checked on given figures below.
}

func TestCCallsJudge(t *testing.T) {
	full := Share{Had: 2}
	ok := func(c, g float64) CCallsMeasured {
		return CCallsMeasured{GOMAXPROCS: 1, OneCoreCSpeedup: c, OneCoreGoSpeedup: g, ShareCOne: full, ShareCMany: full, ShareGoOne: full, ShareGoMany: full, PossibleC: 2, PossibleGoOn: 1}
	}
	busy := ok(1.1, 1.0)
	busy.ShareCMany, busy.PossibleC = Share{Had: 1.1}, 1.1
	starved := ok(1.9, 1.0)
	starved.ShareCOne = Share{Had: 0.3}
	wrongProcs := ok(1.9, 1.0)
	wrongProcs.GOMAXPROCS = 2
	for _, c := range []struct {
		m     CCallsMeasured
		cores int
		holds bool
		says  string
	}{
		{ok(1.9, 1.0), 2, true, "Holds"},
		{ok(1.3, 1.0), 2, false, "Does not hold"},
		{ok(1.9, 1.8), 2, false, "Does not hold"},
		{ok(1.0, 1.0), 1, true, "Holds as far"},
		{wrongProcs, 2, false, "bug"},
		{busy, 2, false, "Cannot be judged"},
		{starved, 2, false, "Cannot be judged"},
	} {
		if holds, v := c.m.judge(c.cores); holds != c.holds || !strings.Contains(v, c.says) {
			t.Errorf("%+v on %d cores: holds %v: %s", c.m, c.cores, holds, v)
		}
	}
}
