//go:build linux

package ui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// setChildren sets every thread of this process's children (its worker
// processes) to nice n and, with idle, SCHED_IDLE, or else SCHED_OTHER (SCHED_NORMAL). It
// reports whether it set them all.
func setChildren(n int, idle bool) bool {
	policy := uint32(unix.SCHED_NORMAL)
	if idle {
		policy = unix.SCHED_IDLE
	}
	ok := true
	for _, pid := range children() {
		tasks, _ := os.ReadDir(filepath.Join("/proc", pid, "task"))
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil {
				continue
			}
			a := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: policy, Nice: int32(n)}
			ok = unix.SchedSetAttr(tid, &a, 0) == nil && ok
		}
	}
	return ok
}

// children lists the PIDs of this process's children, from each of its
// threads' children files (a child belongs to the thread that started it).
func children() []string {
	var pids []string
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, t := range tasks {
		b, _ := os.ReadFile(filepath.Join("/proc/self/task", t.Name(), "children"))
		pids = append(pids, strings.Fields(string(b))...)
	}
	return pids
}
