//go:build linux

package proc

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"concurrencylab/jobs/priority"
)

// lower lowers the priority of every thread of this process to nice n and,
// with idle, to the SCHED_IDLE policy. On Linux both belong to a thread:
// setpriority(PRIO_PROCESS, 0) changes only the calling one, and the Go
// runtime's other threads, any of which may run the work next, keep theirs
// (measured: half a worker's CPU time ran at nice 0). A new thread inherits
// its creator's, so once a pass over /proc/self/task finds every thread
// done, all threads to come are too. Failure leaves a thread as it was.
//
// SCHED_IDLE beat nice 10 in the window: its UI lag with two std-decoder
// workers measured p99 22–28 / max 29–45 ms against 33–41 / 43–133 ms.
func lower(n int, idle bool) {
	for range 10 {
		changed := false
		for _, tid := range threads() {
			changed = priority.SetThread(tid, n, idle) || changed
		}
		if !changed {
			return
		}
	}
}

// Niceness is the lowest nice value (the highest priority) of this
// process's threads.
func Niceness() int {
	lowest := 19
	for _, tid := range threads() {
		// The raw getpriority system call returns 20 - nice.
		if p, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil {
			lowest = min(lowest, 20-p)
		}
	}
	return lowest
}

// Idle reports whether every thread of this process runs under SCHED_IDLE.
func Idle() bool {
	for _, tid := range threads() {
		if a, err := unix.SchedGetAttr(tid, 0); err != nil || a.Policy != unix.SCHED_IDLE {
			return false
		}
	}
	return true
}

// threads lists this process's thread IDs.
func threads() []int {
	entries, _ := os.ReadDir("/proc/self/task")
	var tids []int
	for _, e := range entries {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids
}
