package python

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestNotFound(t *testing.T) {
	if _, err := Find(context.Background(), "/nonexistent/python3"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a path that is not there: %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := Find(context.Background(), ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("a PATH without Python: %v", err)
	}
}

func python(t *testing.T) *Interpreter {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3 here")
	}
	in, err := Find(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if in.Version == "" || (!in.GIL && !in.FreeThreadedBuild) {
		t.Errorf("%+v", in)
	}
	return in
}

func TestRunPrimes(t *testing.T) {
	in := python(t)
	var out struct {
		Version string
		Below   int
		Seconds map[string]float64
		Primes  map[string]int
	}
	if err := in.Run(context.Background(), "primes.py", map[string]any{"workers": 2, "below": 20000, "chunks": 8}, &out, time.Minute); err != nil {
		t.Fatal(err)
	}
	if out.Version != in.Version || out.Below != 20000 || len(out.Seconds) != 4 {
		t.Errorf("%+v", out)
	}
	for way, n := range out.Primes {
		if n != 2262 { // the primes below 20,000
			t.Errorf("%s counted %d primes", way, n)
		}
	}
}

// TestRunStopsAtTimeout: a script that would run for minutes is killed,
// its processes too, and the error says so.
func TestRunStopsAtTimeout(t *testing.T) {
	in := python(t)
	var out map[string]any
	err := in.Run(context.Background(), "primes.py", map[string]any{"workers": 2, "below": 50_000_000, "chunks": 64}, &out, 500*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("err %v", err)
	}
}
