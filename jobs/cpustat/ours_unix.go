//go:build unix

package cpustat

import (
	"syscall"
	"time"

	"concurrencylab/jobs/proc"
)

const whyNotOurs = "this program's CPU time could not be read (getrusage failed)"

// ours is getrusage's user and system time for this process, and its
// children's that have been waited for (proc.ChildrenCPU: RUSAGE_CHILDREN).
func ours() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano()+ru.Stime.Nano()) + proc.ChildrenCPU(), true
}

func children() (time.Duration, bool) { return proc.ChildrenCPU(), true }
