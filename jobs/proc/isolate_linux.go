package proc

import (
	"os/exec"
	"syscall"
)

// Isolate puts the worker in its own process group, so that a kill reaches
// anything it started. A worker learns that its parent has gone from EOF on
// its input pipe between calls, and from its parent's PID changing during one
// (see WatchParent); it does not use Linux's Pdeathsig, which fires when the
// parent's *thread* that started the worker exits (golang/go#27505), not the
// parent: a goroutine that ends locked to its thread (the runs' lanes, see
// jobs) takes that thread with it, and so killed workers another goroutine
// had started from it.
func Isolate(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// KillGroup kills cmd's process group (the process alone where there are none).
// Call it only before cmd has been waited for: after, the number may be
// another process's.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
