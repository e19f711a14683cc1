//go:build linux

package pool

import (
	"os"
	"strconv"
	"syscall"
)

// renice lowers the priority of every thread of this process. On Linux a
// nice value belongs to a thread: setpriority(PRIO_PROCESS, 0) changes only
// the calling one, and the Go runtime's other threads, any of which may run
// the work next, keep theirs (measured: half a worker's CPU time ran at nice
// 0). A new thread inherits its creator's value, so once a pass over
// /proc/self/task finds every thread done, all threads to come are too.
// Failure leaves a thread as it was.
func renice(n int) {
	for range 10 {
		changed := false
		for _, tid := range threads() {
			if p, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil && 20-p != n {
				syscall.Setpriority(syscall.PRIO_PROCESS, tid, n)
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

// niceness is the lowest nice value (the highest priority) of this
// process's threads.
func niceness() int {
	lowest := 19
	for _, tid := range threads() {
		// The raw getpriority system call returns 20 - nice.
		if p, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil {
			lowest = min(lowest, 20-p)
		}
	}
	return lowest
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
