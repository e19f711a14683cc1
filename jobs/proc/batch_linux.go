//go:build linux

package proc

import "golang.org/x/sys/unix"

// batch puts every thread of this process under SCHED_BATCH at nice n (see
// lower for why each thread): the same share of the CPU as SCHED_OTHER at
// that niceness, but a waking worker never preempts a running thread.
// Failure leaves a thread as it was.
func batch(n int) {
	for range 10 {
		changed := false
		for _, tid := range threads() {
			if a, err := unix.SchedGetAttr(tid, 0); err == nil && a.Policy != unix.SCHED_BATCH {
				a := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_BATCH, Nice: int32(n)}
				changed = unix.SchedSetAttr(tid, &a, 0) == nil || changed
			}
		}
		if !changed {
			return
		}
	}
}

// Batch reports whether every thread of this process runs under SCHED_BATCH.
func Batch() bool {
	for _, tid := range threads() {
		if a, err := unix.SchedGetAttr(tid, 0); err != nil || a.Policy != unix.SCHED_BATCH {
			return false
		}
	}
	return true
}
