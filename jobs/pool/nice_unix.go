//go:build unix && !linux

package pool

import (
	"runtime"
	"syscall"
)

// renice lowers this process's priority; failure leaves it as it was.
func renice(n int) { syscall.Setpriority(syscall.PRIO_PROCESS, 0, n) }

// niceness is this process's nice value.
func niceness() int {
	// The raw getpriority system call returns 20 - nice on Linux.
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
	if err != nil {
		return 0
	}
	if runtime.GOOS == "linux" {
		return 20 - p
	}
	return p
}
