// Package cpuset keeps goroutines on a chosen set of CPUs: a goroutine locks
// itself to an OS thread and pins that thread. It is how a goroutine pool
// capped at fewer cores than the machine has really stays on them (see
// jobs.Spec.Cores): GOMAXPROCS bounds the threads running Go code, but a
// goroutine in a cgo call gives up its P and keeps running C beside the
// others.
package cpuset

import "runtime"

// Pick returns n CPUs this process may run on, the last n of its affinity
// mask (the first are where the system tends to put everything else), or nil
// where the system does not let a program choose a thread's CPUs (macOS and
// the BSDs: every system but Linux and Windows).
func Pick(n int) []int { return pick(n) }

// PinThread locks the calling goroutine to its OS thread and lets that thread
// run only on cpus. It reports whether the thread is pinned; where the system
// does not let a program choose, it still locks the thread and reports false.
//
// The caller must never unlock the thread: a goroutine that ends locked takes
// its thread with it, so a pinned thread never runs other goroutines. Call it
// first thing in a goroutine started for the work.
func PinThread(cpus []int) bool {
	runtime.LockOSThread()
	if len(cpus) == 0 {
		return false
	}
	return pin(cpus)
}

// Current returns the CPUs the calling thread may run on; nil where unknown.
func Current() []int { return current() }
