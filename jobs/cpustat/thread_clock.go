//go:build linux || darwin || freebsd

package cpustat

import (
	"time"

	"golang.org/x/sys/unix"
)

// thread is the calling thread's CPU clock.
func thread() (time.Duration, bool) {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
