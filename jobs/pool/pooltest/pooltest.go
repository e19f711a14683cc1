// Package pooltest gives tests real worker processes: the test binary
// re-executed, which serves as a pool worker when the package's TestMain
// calls jobs.ServeIfWorker (or pool.ServeIfWorker) first. Tests only.
package pooltest

import (
	"os"
	"os/exec"
)

// Worker is the command of one worker process: the running test binary,
// asked to run no test. Under -race a process sleeps a second at exit by
// default; workers need not.
func Worker() *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		panic("pooltest: the test binary's path: " + err.Error())
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	return cmd
}
