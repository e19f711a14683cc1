//go:build !unix

package proc

import "os/exec"

func Isolate(cmd *exec.Cmd) {}

// KillGroup kills cmd's process group (the process alone where there are none).
// Call it only before cmd has been waited for: after, the number may be
// another process's.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}
