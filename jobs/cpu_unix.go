//go:build unix

package jobs

import (
	"syscall"
	"time"
)

// cpuTime is the user+system time of this process and of its children that
// have been waited for.
func cpuTime() time.Duration { return usage(syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN) }

// childrenCPU is the user+system time of this process's children that have
// been waited for: a process pool's workers, once it has closed.
func childrenCPU() time.Duration { return usage(syscall.RUSAGE_CHILDREN) }

func usage(whos ...int) time.Duration {
	var t time.Duration
	for _, who := range whos {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			t += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return t
}
