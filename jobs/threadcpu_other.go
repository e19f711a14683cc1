//go:build !linux && !windows

package jobs

import "time"

// threadCPU is not measured on this system: a run then reports no work CPU.
func threadCPU() (time.Duration, bool) { return 0, false }
