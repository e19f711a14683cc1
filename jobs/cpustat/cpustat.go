// Package cpustat reads how much CPU time this computer's cores have spent
// busy, how much of it was this program's, and how much a thread has had,
// so that a verdict can say who used the cores during a run instead of
// guessing: the work, the program around it (a window drawing itself), or
// other programs.
//
// A Sample is a moment's counters; Between turns two samples into what
// happened in between. Where a counter cannot be read on a system, it says
// so (Known false, Why) rather than reading as zero: an unmeasured zero
// would clear or blame a program with no evidence.
package cpustat

import (
	"time"
)

// Sample is this computer's CPU counters at one moment.
type Sample struct {
	At time.Time
	// Busy is the time every core has spent running something, since boot,
	// summed over the cores (all programs, this one included).
	Busy   time.Duration
	BusyOK bool
	// Ours is the CPU time of this process and of its children it has
	// waited for (a process pool's workers, once they exit: see proc.Wait).
	Ours   time.Duration
	OursOK bool
}

// Take reads the counters now.
func Take() Sample {
	s := Sample{At: time.Now()}
	s.Ours, s.OursOK = ours()
	s.Busy, s.BusyOK = busy()
	return s
}

// Usage is what the cores did between two samples.
type Usage struct {
	Wall time.Duration
	// Ours is this process's CPU time and its waited-for children's.
	Ours   time.Duration
	OursOK bool
	// Others is the CPU time of every other program: the cores' busy time
	// less ours, never below zero. Known says it was measured; when not,
	// Why says why.
	Others time.Duration
	Known  bool
	Why    string
}

// Between is what happened from a to b.
func Between(a, b Sample) Usage {
	u := Usage{Wall: b.At.Sub(a.At), Ours: b.Ours - a.Ours, OursOK: a.OursOK && b.OursOK}
	switch {
	case !a.BusyOK || !b.BusyOK:
		u.Why = whyNotBusy
	case !u.OursOK:
		u.Why = whyNotOurs
	default:
		u.Known = true
		u.Others = max(0, (b.Busy-a.Busy)-u.Ours)
	}
	return u
}

// Cores is d spread over the usage's wall time: 1 for one core kept busy
// the whole time.
func (u Usage) Cores(d time.Duration) float64 {
	if u.Wall <= 0 {
		return 0
	}
	return d.Seconds() / u.Wall.Seconds()
}

// Children is the CPU time of this process's children that it has waited
// for.
func Children() (time.Duration, bool) { return children() }

// Thread is the CPU time of the calling thread, and whether it is known.
// The caller must have locked its goroutine to the thread.
func Thread() (time.Duration, bool) { return thread() }
