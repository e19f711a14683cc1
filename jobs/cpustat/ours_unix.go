//go:build unix

package cpustat

import (
	"os"
	"syscall"
	"time"
)

const whyNotOurs = "this program's CPU time could not be read (getrusage failed)"

// ours is getrusage's user and system time for this process and for its
// children that have been waited for.
func ours() (time.Duration, bool) {
	self, ok1 := usage(syscall.RUSAGE_SELF)
	kids, ok2 := usage(syscall.RUSAGE_CHILDREN)
	return self + kids, ok1 && ok2
}

func children() (time.Duration, bool) { return usage(syscall.RUSAGE_CHILDREN) }

func usage(who int) (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(who, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

// Waited counts a child's CPU time once it has been waited for. On Unix the
// kernel does (RUSAGE_CHILDREN), so there is nothing to do.
func Waited(*os.ProcessState) {}
