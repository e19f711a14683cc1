//go:build !linux && !windows

package cpustat

import (
	"runtime"
	"time"
)

// whyNotBusy: reading the cores' busy time needs host_statistics on macOS
// (a Mach call, through cgo) and kern.cp_time on the BSDs; neither is read
// yet, so other programs' CPU is reported as not measured, never as 0.
var whyNotBusy = "other programs' CPU time is not read on " + runtime.GOOS

func busy() (time.Duration, bool) { return 0, false }
