package cpustat

import (
	"time"

	"golang.org/x/sys/windows"

	"concurrencylab/jobs/proc"
)

const whyNotOurs = "this program's CPU time could not be read (GetProcessTimes failed)"

// ours is GetProcessTimes' kernel and user time for this process, and the
// workers' that have been waited for (proc.ChildrenCPU: their Job objects'
// accounting, as RUSAGE_CHILDREN on Unix).
func ours() (time.Duration, bool) {
	var created, exited, kernel, user windows.Filetime
	if windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user) != nil {
		return 0, false
	}
	return filetime(kernel) + filetime(user) + proc.ChildrenCPU(), true
}

func children() (time.Duration, bool) { return proc.ChildrenCPU(), true }
