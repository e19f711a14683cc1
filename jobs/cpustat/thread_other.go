//go:build !linux && !darwin && !freebsd && !windows

package cpustat

import "time"

// thread is not read on this system: a run then reports no work CPU.
func thread() (time.Duration, bool) { return 0, false }
