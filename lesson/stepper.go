package lesson

import (
	"fmt"

	"concurrencylab/results"
)

// Stepper is "be the scheduler", after the Deadlock Empire: two goroutines,
// A and B, each do counter++ a number of times, spelled out as the steps a
// machine takes (read the counter into a register, add one, write it back),
// and the learner decides which goroutine takes the next step. Taking A's
// read, then B's, then both writes loses an update, every time. With a lock,
// each counter++ is wrapped in lock and unlock, and a goroutine cannot step
// past lock while the other holds it. No timing: it is the mechanism.
type Stepper struct {
	Lock    bool // counter++ under a mutex
	Times   int  // counter++ per goroutine
	Counter int  // the shared counter
	G       [2]Stepped
	Holder  int // who holds the lock: 0 for A, 1 for B, -1 for nobody
	Last    string
}

// Stepped is one goroutine of the stepper.
type Stepped struct {
	Name string
	PC   int // the index of its next step in Program
	Tmp  int // its register: what it last read, plus one once added
}

// NewStepper starts two goroutines that each do counter++ times times.
func NewStepper(lock bool, times int) *Stepper {
	return &Stepper{Lock: lock, Times: times, Holder: -1, G: [2]Stepped{{Name: "A"}, {Name: "B"}},
		Last: "Both goroutines are ready. You are the scheduler: pick who takes the next step."}
}

// Program is what each goroutine runs, one step a line.
func (s *Stepper) Program() []string {
	body := []string{"tmp = counter", "tmp = tmp + 1", "counter = tmp"}
	if s.Lock {
		body = append(append([]string{"mu.Lock()"}, body...), "mu.Unlock()")
	}
	var p []string
	for range s.Times {
		p = append(p, body...)
	}
	return p
}

// Done reports whether goroutine g has run its whole program.
func (s *Stepper) Done(g int) bool { return s.G[g].PC >= len(s.Program()) }

// Finished reports whether both goroutines have.
func (s *Stepper) Finished() bool { return s.Done(0) && s.Done(1) }

// Expected is what the counter should end at.
func (s *Stepper) Expected() int { return 2 * s.Times }

// Blocked says why goroutine g cannot take its next step, or "" if it can.
func (s *Stepper) Blocked(g int) string {
	if s.Done(g) {
		return fmt.Sprintf("%s has finished.", s.G[g].Name)
	}
	if s.Program()[s.G[g].PC] == "mu.Lock()" && s.Holder == 1-g {
		return fmt.Sprintf("%s waits at mu.Lock(): %s holds the lock. Only %s can go on.", s.G[g].Name, s.G[1-g].Name, s.G[1-g].Name)
	}
	return ""
}

// Step has goroutine g take its next step, and says what happened; a
// goroutine that cannot take it does not move (see Blocked).
func (s *Stepper) Step(g int) string {
	if why := s.Blocked(g); why != "" {
		s.Last = why
		return why
	}
	me := &s.G[g]
	line := s.Program()[me.PC]
	switch line {
	case "mu.Lock()":
		s.Holder = g
		s.Last = fmt.Sprintf("%s takes the lock.", me.Name)
	case "mu.Unlock()":
		s.Holder = -1
		s.Last = fmt.Sprintf("%s lets go of the lock.", me.Name)
	case "tmp = counter":
		me.Tmp = s.Counter
		s.Last = fmt.Sprintf("%s reads the counter: %d.", me.Name, me.Tmp)
	case "tmp = tmp + 1":
		me.Tmp++
		s.Last = fmt.Sprintf("%s adds one in its register: %d.", me.Name, me.Tmp)
	case "counter = tmp":
		lost := s.Counter >= me.Tmp
		s.Counter = me.Tmp
		s.Last = fmt.Sprintf("%s writes %d to the counter.", me.Name, me.Tmp)
		if lost {
			s.Last += " It wrote over an update it never saw: that update is lost."
		}
	}
	me.PC++
	if s.Finished() {
		s.Last += " " + s.Outcome()
	}
	return s.Last
}

// Outcome says how it ended.
func (s *Stepper) Outcome() string {
	if lost := s.Expected() - s.Counter; lost > 0 {
		return fmt.Sprintf("Done: the counter is %d, not %d. %d %s lost.", s.Counter, s.Expected(), lost, results.Plural(lost, "update was", "updates were"))
	}
	return fmt.Sprintf("Done: the counter is %d, as expected.", s.Counter)
}
