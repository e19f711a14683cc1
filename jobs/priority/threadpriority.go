package priority

// Windows' thread priorities (winbase.h), relative to the process's class,
// here so that the mapping is tested on every system.
const (
	threadPriorityIdle        = -15
	threadPriorityLowest      = -2
	threadPriorityBelowNormal = -1
	threadPriorityNormal      = 0
)

// threadPriority is the Windows thread priority that does what nice n and,
// with idle, SCHED_IDLE do to a Linux thread. Windows schedules by strict
// priority: an IDLE thread of a NORMAL process (base priority 1) runs only
// when no thread above it wants the CPU, as SCHED_IDLE; a positive
// niceness is a step or two below the window's threads.
func threadPriority(nice int, idle bool) int {
	switch {
	case idle:
		return threadPriorityIdle
	case nice >= 10:
		return threadPriorityLowest
	case nice > 0:
		return threadPriorityBelowNormal
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
