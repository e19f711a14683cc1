package lesson

import (
	"context"
	"os/exec"
	"runtime"
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
	goOK := PrimesGo{OneCoreSpeedup: 1, GoroutinesSpeedup: 1.9, ProcessesSpeedup: 1.9}
	for _, c := range []struct {
		m     PrimesMeasured
		cores int
		holds bool
	}{
		{PrimesMeasured{Go: goOK}, 2, true},
		{PrimesMeasured{Go: goOK, Python: &PrimesPython{GIL: true, ThreadsSpeedup: 1, AsyncioSpeedup: 1, ProcessesSpeedup: 1.9}}, 2, true},
		{PrimesMeasured{Go: goOK, Python: &PrimesPython{GIL: true, ThreadsSpeedup: 1.8, AsyncioSpeedup: 1, ProcessesSpeedup: 1.9}}, 2, false},
		{PrimesMeasured{Go: goOK, Python: &PrimesPython{GIL: false, ThreadsSpeedup: 1.8, AsyncioSpeedup: 1, ProcessesSpeedup: 1.9}}, 2, true},
		{PrimesMeasured{Go: goOK, Python: &PrimesPython{GIL: false, ThreadsSpeedup: 1.0, AsyncioSpeedup: 1, ProcessesSpeedup: 1.9}}, 2, false},
		{PrimesMeasured{Go: PrimesGo{OneCoreSpeedup: 1, GoroutinesSpeedup: 1.2, ProcessesSpeedup: 1.9}}, 2, false},
		{PrimesMeasured{Go: PrimesGo{OneCoreSpeedup: 1, GoroutinesSpeedup: 1, ProcessesSpeedup: 1}}, 1, true},
	} {
		if holds, v := c.m.judge(c.cores); holds != c.holds {
			t.Errorf("%+v on %d cores: holds %v: %s", c.m, c.cores, holds, v)
		}
	}
}
