package proc

import "os/exec"

// KillUnlessWaited kills cmd's process group (KillGroup), unless done is
// closed: cmd has been waited for, so its PID, and its group's number, may
// already be another process's (PIDs wrap at 32768 here, and a test run
// starts thousands), and a late kill would end a stranger (it ended other
// tests' workers). done is closed once Wait has returned.
func KillUnlessWaited(cmd *exec.Cmd, done <-chan struct{}) {
	select {
	case <-done:
	default:
		KillGroup(cmd)
	}
}
