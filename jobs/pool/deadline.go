package pool

import (
	"sync"
	"time"
)

// A call's deadline counts the time its worker could run. A worker that
// waits for a CPU, because other programs keep every core busy, is slow, not
// hung: the time its threads spent waiting on the kernel's run queue
// (waited) is added to the deadline each time it comes, so only a worker
// that sleeps or spins through the whole timeout while it could run is
// killed as hung. Where the wait cannot be read, the deadline is wall time.
type deadline struct {
	mu      sync.Mutex
	t       *time.Timer
	pid     int
	base    time.Duration // what waited said when the call began
	granted time.Duration // waiting already added to the deadline
	fire    func()
}

// waitedFor is waited (tests replace it).
var waitedFor = waited

// afterRunnable calls fire once timeout has passed, plus the time the
// process pid spent waiting for a CPU meanwhile, unless Stop comes first.
func afterRunnable(pid int, timeout time.Duration, fire func()) *deadline {
	d := &deadline{pid: pid, fire: fire}
	d.base, _ = waitedFor(pid)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.t = time.AfterFunc(timeout, d.check)
	return d
}

func (d *deadline) check() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if w, ok := waitedFor(d.pid); ok {
		// At least 10 ms more, so a wait that trickles in is not
		// re-armed for nothing again and again.
		if more := w - d.base - d.granted; more > 10*time.Millisecond {
			d.granted += more
			d.t = time.AfterFunc(more, d.check)
			return
		}
	}
	d.fire()
}

// Stop stops the deadline and reports whether it had not fired.
func (d *deadline) Stop() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.t.Stop()
}
