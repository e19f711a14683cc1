//go:build unix

package proc

import (
	"os"
	"time"
)

// WatchParent ends this worker process when its parent goes, even in the middle of a
// call: EOF on the requests pipe is only read between calls, and a worker
// busy on a long item would outlive its parent until the item ended. The
// kernel gives an orphan a new parent, so polling our parent's PID sees it.
// (Linux's Pdeathsig would fire when the parent's forking *thread* ends,
// not the parent: see Isolate.)
func WatchParent() {
	ppid := os.Getppid()
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for range t.C {
			if os.Getppid() != ppid {
				os.Exit(1)
			}
		}
	}()
}
