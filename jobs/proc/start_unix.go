//go:build unix

package proc

import (
	"os/exec"
	"syscall"
	"time"
)

// A process group needs nothing after Start, and the kernel counts a child
// waited for in RUSAGE_CHILDREN.
func start(cmd *exec.Cmd) error { return cmd.Start() }
func release(*exec.Cmd)         {}

// ReportCPU: the kernel counts a worker's CPU time for its parent here.
func ReportCPU() {}

// ChildrenCPU is the user+system time of this process's children that have
// been waited for (and of their children that they waited for).
func ChildrenCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
