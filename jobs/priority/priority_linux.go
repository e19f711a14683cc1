//go:build linux

package priority

import "golang.org/x/sys/unix"

// SetThread lowers thread tid (0: the calling one) to nice n and, with idle,
// to the SCHED_IDLE policy, changing only what differs, and reports whether
// it changed anything. On Linux a nice value and a scheduling policy belong
// to a thread. Failure leaves the thread as it was.
func SetThread(tid, n int, idle bool) (changed bool) {
	// The raw getpriority system call returns 20 - nice.
	if p, err := unix.Getpriority(unix.PRIO_PROCESS, tid); err == nil && 20-p != n {
		changed = unix.Setpriority(unix.PRIO_PROCESS, tid, n) == nil
	}
	if a, err := unix.SchedGetAttr(tid, 0); idle && err == nil && a.Policy != unix.SCHED_IDLE {
		a := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_IDLE, Nice: int32(n)}
		changed = unix.SchedSetAttr(tid, &a, 0) == nil || changed
	}
	return changed
}

func lower(n int, idle bool) bool {
	SetThread(0, n, idle)
	nice, isIdle := current()
	return nice == n && isIdle == idle
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
