package lesson

import (
	"context"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"concurrencylab/jobs/pool/pooltest"
)

// TestPrimes runs Go's half in real worker processes, and Python's with the
// python3 on PATH when there is one.
func TestPrimes(t *testing.T) {
	o := quick(t, "primes", nil)
	m := o.Measured.(PrimesMeasured)
	g := m.Go
	if m.Workers != runtime.NumCPU() || g.Below < 1000 || g.Primes == 0 || g.OneCoreGoroutines != 2*m.Workers {
		t.Fatalf("%+v", m)
	}
	if g.OneSeconds <= 0 || g.OneCoreSpeedup <= 0 || g.GoroutinesSpeedup <= 0 || g.ProcessesSpeedup <= 0 || o.Answer != g.GoroutinesSpeedup {
		t.Errorf("go %+v", g)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		if m.Python != nil || m.PythonMissing == "" {
			t.Errorf("no python3 on PATH, yet %+v", m)
		}
		return
	}
	if py := m.Python; py == nil || py.Version == "" || py.Primes == 0 || py.ThreadsSpeedup <= 0 || py.AsyncioSpeedup <= 0 || py.ProcessesSpeedup <= 0 {
		t.Errorf("python %+v (%s)", m.Python, m.PythonMissing)
	}
}

// TestPrimesWithoutPython: a Python that is not there leaves Go's figures,
// and the lesson says so.
func TestPrimesWithoutPython(t *testing.T) {
	o, err := primes.Run(context.Background(), Env{Dir: t.TempDir(), Quick: true, WorkerCommand: pooltest.Worker, Python: "/nonexistent/python3"})
	if err != nil {
		t.Fatal(err)
	}
	m := o.Measured.(PrimesMeasured)
	if m.Python != nil || m.PythonMissing == "" || m.Go.Primes == 0 || len(o.Notes) == 0 {
		t.Errorf("%+v; notes %q", m, o.Notes)
	}
}

func TestPrimesJudge(t *testing.T) {
	full := Share{Had: 2}
	goOK := PrimesGo{OneCoreSpeedup: 1, GoroutinesSpeedup: 1.9, ProcessesSpeedup: 1.9, ShareOne: full, ShareOneCore: full, ShareGoroutines: full, ShareProcesses: full,
		PossibleOneCore: 1, PossibleGoroutines: 2, PossibleProcesses: 2}
	slow := goOK
	slow.GoroutinesSpeedup = 1.2
	busy := goOK
	busy.ShareGoroutines = Share{Had: 1.1}
	one := goOK
	one.GoroutinesSpeedup, one.ProcessesSpeedup, one.PossibleGoroutines, one.PossibleProcesses = 1, 1, 1, 1
	py := func(gil bool, threads float64) *PrimesPython {
		return &PrimesPython{GIL: gil, ThreadsSpeedup: threads, AsyncioSpeedup: 1, ProcessesSpeedup: 1.9, Share: full, Possible: 2}
	}
	for _, c := range []struct {
		m     PrimesMeasured
		cores int
		holds bool
		says  string
	}{
		{PrimesMeasured{Go: goOK}, 2, true, "Python was not found"},
		{PrimesMeasured{Go: goOK, Python: py(true, 1)}, 2, true, "with the GIL"},
		{PrimesMeasured{Go: goOK, Python: py(true, 1.8)}, 2, false, "Does not hold"},
		{PrimesMeasured{Go: goOK, Python: py(false, 1.8)}, 2, true, "without the GIL"},
		{PrimesMeasured{Go: goOK, Python: py(false, 1.0)}, 2, false, "Does not hold"},
		{PrimesMeasured{Go: slow}, 2, false, "Does not hold"},
		{PrimesMeasured{Go: busy}, 2, false, "Cannot be judged"},
		{PrimesMeasured{Go: one}, 1, true, "Holds as far"},
	} {
		if holds, v := c.m.judge(c.cores); holds != c.holds || !strings.Contains(v, c.says) {
			t.Errorf("%+v on %d cores: holds %v: %s", c.m, c.cores, holds, v)
		}
	}
}
