package proc

import "os/exec"

// Start starts the worker cmd isolated (Isolate): in a process group of its
// own on Unix, in a Job object of its own on Windows, so that KillGroup
// reaches whatever it started.
func Start(cmd *exec.Cmd) error {
	Isolate(cmd)
	return start(cmd)
}

// Wait waits for a worker started with Start and lets go of what Start took
// for it; its CPU time then counts in ChildrenCPU.
func Wait(cmd *exec.Cmd) error {
	err := cmd.Wait()
	release(cmd)
	return err
}
