//go:build unix && !linux

package proc

import "syscall"

// lower lowers this process's priority (nice n); there is no SCHED_IDLE
// here, so idle is ignored. Failure leaves it as it was.
func lower(n int, _ bool) { syscall.Setpriority(syscall.PRIO_PROCESS, 0, n) }

// Niceness is this process's nice value.
func Niceness() int {
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
	if err != nil {
		return 0
	}
	return p
}

func Idle() bool { return false }
