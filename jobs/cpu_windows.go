//go:build windows

package jobs

import (
	"time"

	"golang.org/x/sys/windows"

	"concurrencylab/jobs/proc"
)

// cpuTime is the user+system time of this process (GetProcessTimes) and of
// the worker processes that have been waited for (proc.ChildrenCPU: their
// Job objects' accounting), as on Unix.
func cpuTime() time.Duration {
	var created, exited, kernel, user windows.Filetime
	if windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user) != nil {
		return proc.ChildrenCPU()
	}
	return filetime(kernel) + filetime(user) + proc.ChildrenCPU()
}

// childrenCPU is the user+system time of the worker processes that have
// been waited for: a process pool's workers, once it has closed.
func childrenCPU() time.Duration { return proc.ChildrenCPU() }

// filetime is a duration in a FILETIME: units of 100 ns.
func filetime(ft windows.Filetime) time.Duration {
	return time.Duration(int64(ft.HighDateTime)<<32|int64(ft.LowDateTime)) * 100
}
