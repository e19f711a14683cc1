//go:build windows

package priority

import "golang.org/x/sys/windows"

var (
	kernel32              = windows.NewLazySystemDLL("kernel32.dll")
	procSetThreadPriority = kernel32.NewProc("SetThreadPriority")
	procGetThreadPriority = kernel32.NewProc("GetThreadPriority")
)

// threadPriorityErrorReturn is what GetThreadPriority returns on failure.
const threadPriorityErrorReturn = 0x7fffffff

// lower sets the calling thread's priority (threadPriority). On Windows a
// thread's priority is its own, relative to its process's class, so the
// window's threads keep theirs.
func lower(n int, idle bool) bool {
	want := threadPriority(n, idle)
	r, _, _ := procSetThreadPriority.Call(uintptr(windows.CurrentThread()), uintptr(want))
	if r == 0 {
		return false
	}
	p, ok := get()
	return ok && p == want
}

func raise() bool {
	r, _, _ := procSetThreadPriority.Call(uintptr(windows.CurrentThread()), uintptr(threadPriorityAboveNormal))
	return r != 0
}

func get() (int, bool) {
	r, _, _ := procGetThreadPriority.Call(uintptr(windows.CurrentThread()))
	if int32(r) == threadPriorityErrorReturn {
		return 0, false
	}
	return int(int32(r)), true
}

// current returns the calling thread's niceness and whether it is idle, in
// the terms of Linux (threadNiceness).
func current() (nice int, idle bool) {
	p, ok := get()
	if !ok {
		return 0, false
	}
	return threadNiceness(p)
}
