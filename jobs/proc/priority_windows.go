//go:build windows

package proc

import "golang.org/x/sys/windows"

// lower sets this process's priority class (see priorityClass). On Windows
// the class belongs to the process: every thread, the Go runtime's too,
// and those to come, run in it. Failure leaves it as it was.
func lower(n int, idle bool) {
	windows.SetPriorityClass(windows.CurrentProcess(), priorityClass(n, idle))
}

// Niceness is the niceness of this process's priority class (classNiceness).
func Niceness() int {
	c, err := windows.GetPriorityClass(windows.CurrentProcess())
	if err != nil {
		return 0
	}
	return classNiceness(c)
}

// Idle reports whether this process runs in the IDLE priority class.
func Idle() bool {
	c, err := windows.GetPriorityClass(windows.CurrentProcess())
	return err == nil && c == idlePriorityClass
}
