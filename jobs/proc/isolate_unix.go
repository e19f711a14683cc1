//go:build unix && !linux

package proc

import (
	"os/exec"
	"syscall"
)

func Isolate(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// KillGroup kills cmd's process group (the process alone where there are none).
// Call it only before cmd has been waited for: after, the number may be
// another process's.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
