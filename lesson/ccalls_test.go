package lesson

import (
	"runtime"
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
	for _, c := range []struct {
		m     CCallsMeasured
		cores int
		holds bool
	}{
		{CCallsMeasured{GOMAXPROCS: 1, OneCoreCSpeedup: 1.9, OneCoreGoSpeedup: 1.0}, 2, true},
		{CCallsMeasured{GOMAXPROCS: 1, OneCoreCSpeedup: 1.3, OneCoreGoSpeedup: 1.0}, 2, false},
		{CCallsMeasured{GOMAXPROCS: 1, OneCoreCSpeedup: 1.9, OneCoreGoSpeedup: 1.8}, 2, false},
		{CCallsMeasured{GOMAXPROCS: 1, OneCoreCSpeedup: 1.0, OneCoreGoSpeedup: 1.0}, 1, true},
		{CCallsMeasured{GOMAXPROCS: 2, OneCoreCSpeedup: 1.9, OneCoreGoSpeedup: 1.0}, 2, false},
	} {
		if holds, v := c.m.judge(c.cores); holds != c.holds {
			t.Errorf("%+v on %d cores: holds %v: %s", c.m, c.cores, holds, v)
		}
	}
}
