package priority

// Windows' thread priorities (winbase.h), relative to the process's class,
// here so that the mapping is tested on every system.
const (
	threadPriorityIdle        = -15
	threadPriorityLowest      = -2
	threadPriorityBelowNormal = -1
	threadPriorityNormal      = 0
	threadPriorityAboveNormal = 1
)

// threadPriority is the Windows thread priority that does what nice n and,
// with idle, SCHED_IDLE do to a Linux thread, by the rule of the worker
// processes' priority classes (proc's priorityClass): Windows schedules by
// strict priority, so only idle (THREAD_PRIORITY_IDLE, base priority 1 in
// a NORMAL process) and nice 10 or more (LOWEST) lower a thread; nice 1 to
// 9, a fair share on Linux, keeps NORMAL, which beside busy programs is
// what a share is there. The window comes first through RaiseThread.
func threadPriority(nice int, idle bool) int {
	switch {
	case idle:
		return threadPriorityIdle
	case nice >= 10:
		return threadPriorityLowest
	}
	return threadPriorityNormal
}

// threadNiceness is the niceness a thread priority stands for; the inverse
// of threadPriority.
func threadNiceness(p int) (nice int, idle bool) {
	switch {
	case p <= threadPriorityIdle:
		return 19, true
	case p <= threadPriorityLowest:
		return 10, false
	case p < threadPriorityNormal:
		return 5, false
	}
	return 0, false
}
