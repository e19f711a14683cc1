//go:build !unix

package pool

import "os/exec"

func Isolate(cmd *exec.Cmd) {}

// KillGroup kills cmd's process group (the process alone where there are none).
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}
