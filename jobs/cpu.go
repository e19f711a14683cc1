package jobs

import (
	"time"

	"concurrencylab/jobs/cpustat"
)

// childrenCPU is the user+system time of this process's children that have
// been waited for: a process pool's workers, once it has closed.
func childrenCPU() time.Duration {
	d, _ := cpustat.Children()
	return d
}

// threadCPU is the CPU time of the calling thread, and whether it is known.
// The caller must have locked its goroutine to the thread.
func threadCPU() (time.Duration, bool) { return cpustat.Thread() }
