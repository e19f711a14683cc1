package proc

// Windows' process priority classes (winbase.h), here so that the mapping
// is tested on every system.
const (
	idlePriorityClass        = 0x00000040
	belowNormalPriorityClass = 0x00004000
	normalPriorityClass      = 0x00000020
	aboveNormalPriorityClass = 0x00008000
	highPriorityClass        = 0x00000080
	realtimePriorityClass    = 0x00000100
)

// priorityClass is the Windows priority class that does what nice n and,
// with idle, SCHED_IDLE do on Linux. Windows schedules by strict priority
// (a starved thread gets a brief boost every few seconds, no more), and
// has no weighting like Linux's nice: a thread of a lower class runs only
// when no thread of a higher one wants the CPU. So
//   - idle is the IDLE class, what SCHED_IDLE is;
//   - nice 10 and more, "below everything", is BELOW_NORMAL;
//   - nice 1 to 9 is NORMAL: on Linux such a worker still gets a share
//     beside other programs (the window's nice 4 about 30% of a core beside
//     two busy ones), while BELOW_NORMAL would starve it beside any busy
//     program at NORMAL, as SCHED_IDLE did (193 times its quiet time, see
//     docs/performance.md, "A busy computer"). The window keeps coming
//     first by raising its own UI thread instead (priority.RaiseThread).
func priorityClass(nice int, idle bool) uint32 {
	switch {
	case idle:
		return idlePriorityClass
	case nice >= 10:
		return belowNormalPriorityClass
	}
	return normalPriorityClass
}

// classNiceness is the niceness a worker reports for its priority class:
// the least niceness that asks for the class (19, the lowest, for IDLE),
// so that the hello of a worker says what it runs at.
func classNiceness(class uint32) int {
	switch class {
	case idlePriorityClass:
		return 19
	case belowNormalPriorityClass:
		return 10
	case aboveNormalPriorityClass:
		return -5
	case highPriorityClass:
		return -10
	case realtimePriorityClass:
		return -20
	}
	return 0
}
