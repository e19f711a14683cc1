package lesson

import (
	"strings"
	"testing"
)

func TestStepperLosesAnUpdateWhenBothReadFirst(t *testing.T) {
	s := NewStepper(false, 1)
	for _, g := range []int{0, 1, 0, 0, 1} { // A reads, B reads, A adds, A writes, B adds
		s.Step(g)
	}
	if got := s.Step(1); !strings.Contains(got, "lost") || s.Counter != 1 || !s.Finished() || !strings.Contains(got, "counter is 1, not 2") {
		t.Fatalf("%q, counter %d", got, s.Counter)
	}
	// Taking turns by whole increments loses nothing.
	s = NewStepper(false, 2)
	for _, g := range []int{0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1} {
		s.Step(g)
	}
	if s.Counter != 4 || !strings.Contains(s.Last, "as expected") {
		t.Fatalf("%q, counter %d", s.Last, s.Counter)
	}
}

func TestStepperLockRefusesTheInterleaving(t *testing.T) {
	s := NewStepper(true, 1)
	s.Step(0) // A locks
	s.Step(0) // A reads
	if got := s.Step(1); !strings.Contains(got, "B waits at mu.Lock(): A holds the lock") || s.G[1].PC != 0 {
		t.Fatalf("B stepped past the lock: %q", got)
	}
	for !s.Done(0) {
		s.Step(0)
	}
	if s.Holder != -1 || s.Blocked(1) != "" {
		t.Fatalf("holder %d, B blocked: %q", s.Holder, s.Blocked(1))
	}
	for !s.Done(1) {
		s.Step(1)
	}
	if s.Counter != 2 || !strings.Contains(s.Last, "as expected") {
		t.Fatalf("%q", s.Last)
	}
	if got := s.Step(0); !strings.Contains(got, "A has finished") {
		t.Errorf("%q", got)
	}
	if p := s.Program(); len(p) != 5 || p[0] != "mu.Lock()" || p[4] != "mu.Unlock()" {
		t.Errorf("%q", p)
	}
}
