package cpustat

import (
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/sys/windows"
)

const whyNotOurs = "this program's CPU time could not be read (GetProcessTimes failed)"

// waited adds up the CPU time of the children Waited was told of: Windows
// keeps no total of a process's children, as RUSAGE_CHILDREN does.
var waited atomic.Int64

// ours is GetProcessTimes' kernel and user time for this process, and the
// children's that have been waited for.
func ours() (time.Duration, bool) {
	var created, exited, kernel, user windows.Filetime
	if windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user) != nil {
		return 0, false
	}
	return filetime(kernel) + filetime(user) + time.Duration(waited.Load()), true
}

func children() (time.Duration, bool) { return time.Duration(waited.Load()), true }

// Waited counts the CPU time of a child this process has waited for (its
// os.ProcessState): call it after each worker's Wait, so that a process
// pool's workers count as this program's, not as other programs'.
func Waited(ps *os.ProcessState) {
	if ps != nil {
		waited.Add(int64(ps.UserTime() + ps.SystemTime()))
	}
}
