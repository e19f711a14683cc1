// Package priority lowers the priority of one goroutine's work below the rest
// of its process: for CPU-bound workers that share a process with a UI, so
// that the UI thread and the renderer come first, as they do against worker
// processes run under SCHED_IDLE.
package priority

import "runtime"

// LowerThread locks the calling goroutine to its OS thread and lowers that
// thread alone: nice n and, with idle, the SCHED_IDLE policy (on Windows
// the thread priority that does the same, see threadPriority). It reports
// whether the thread was lowered; where a priority belongs to the whole
// process instead (every system but Linux and Windows) it changes nothing
// and reports false, since lowering the process would slow its UI too.
//
// The caller must never unlock the thread: a goroutine that ends locked
// takes its thread with it, so a lowered thread never runs other goroutines.
// Call it first thing in a goroutine started for the work.
func LowerThread(n int, idle bool) bool {
	runtime.LockOSThread()
	return lower(n, idle)
}

// RaiseThread locks the calling goroutine to its OS thread and raises that
// thread one step above its process's others, where a program may without
// privileges: on Windows (THREAD_PRIORITY_ABOVE_NORMAL), where a lowered
// worker would starve beside busy programs (see threadPriority), so the
// window's UI thread comes first this way instead. It reports whether the
// thread was raised; elsewhere (Linux needs CAP_SYS_NICE to go below nice
// 0) it changes nothing and reports false. Call it on the UI goroutine,
// which the GUI toolkit keeps locked to the main thread.
func RaiseThread() bool {
	runtime.LockOSThread()
	return raise()
}
