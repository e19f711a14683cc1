//go:build linux

package pool

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// waited is how long the threads of process pid have waited on a run queue,
// in all, from each thread's /proc/PID/task/TID/schedstat (its second field,
// in nanoseconds). Threads that ended take their share with them; a call's
// deadline uses the difference between two readings, so it grants at most
// what the work's threads waited.
func waited(pid int) (time.Duration, bool) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return 0, false
	}
	var sum int64
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/schedstat")
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) >= 2 {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			sum += n
		}
	}
	return time.Duration(sum), true
}
