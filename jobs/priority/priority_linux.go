//go:build linux

package priority

import "golang.org/x/sys/unix"

// On Linux a nice value and a scheduling policy belong to a thread, and
// thread ID 0 is the calling one.
func lower(n int, idle bool) bool {
	if err := unix.Setpriority(unix.PRIO_PROCESS, 0, n); err != nil {
		return false
	}
	if idle {
		a := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_IDLE, Nice: int32(n)}
		return unix.SchedSetAttr(0, &a, 0) == nil
	}
	return true
}

// current returns the calling thread's nice value and whether it runs under
// SCHED_IDLE.
func current() (nice int, idle bool) {
	a, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		return 0, false
	}
	return int(a.Nice), a.Policy == unix.SCHED_IDLE
}
