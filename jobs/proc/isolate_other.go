//go:build !unix && !windows

package proc

import (
	"os/exec"
	"time"
)

func Isolate(cmd *exec.Cmd) {}

func start(cmd *exec.Cmd) error { return cmd.Start() }
func release(*exec.Cmd)         {}

// ReportCPU: the kernel counts a worker's CPU time for its parent here.
func ReportCPU() {}

// ChildrenCPU is not measured on this system.
func ChildrenCPU() time.Duration { return 0 }

// KillGroup kills cmd's process group (the process alone where there are none).
// Call it only before cmd has been waited for: after, the number may be
// another process's.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}
