//go:build !unix && !windows

package jobs

import "time"

// cpuTime is not measured on this system; runs report 0 CPU seconds.
func cpuTime() time.Duration { return 0 }

func childrenCPU() time.Duration { return 0 }
