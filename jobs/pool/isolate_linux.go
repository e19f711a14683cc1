package pool

import (
	"os/exec"
	"syscall"
)

// Isolate puts the worker in its own process group, so that a kill reaches
// anything it started, and asks the kernel to kill it when its parent dies.
// Pdeathsig fires when the parent's *thread* that started it exits
// (golang/go#27505); the portable backstop is EOF on the worker's input pipe,
// which Serve treats as the end.
func Isolate(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// KillGroup kills cmd's process group (the process alone where there are none).
// Call it only before cmd has been waited for: after, the number may be
// another process's.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
