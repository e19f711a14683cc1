//go:build windows

package proc

import (
	"os"

	"golang.org/x/sys/windows"
)

// WatchParent ends this worker process when its parent goes, even in the
// middle of a call. The job its parent put it in (see Start) already does
// it; this covers the moment before the worker is in its job, and a worker
// the system would not put in one. A process handle, unlike a PID, cannot
// come to name another process.
func WatchParent() {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(os.Getppid()))
	if err != nil {
		return // already gone, or not ours to watch: EOF on the pipes ends us
	}
	go func() {
		if ev, err := windows.WaitForSingleObject(h, windows.INFINITE); err == nil && ev == windows.WAIT_OBJECT_0 {
			os.Exit(1)
		}
	}()
}
