//go:build windows

package lesson

import (
	"time"

	"golang.org/x/sys/windows"
)

// processCPU is the user+system CPU time of this process so far.
func processCPU() (time.Duration, bool) {
	var created, exited, kernel, user windows.Filetime
	if windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user) != nil {
		return 0, false
	}
	ticks := func(f windows.Filetime) int64 { return int64(f.HighDateTime)<<32 | int64(f.LowDateTime) }
	return time.Duration((ticks(kernel) + ticks(user)) * 100), true // in 100 ns ticks
}
