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
// with idle, SCHED_IDLE do on Linux. Windows schedules by strict priority:
// a thread of the IDLE class runs only when no thread of a higher class
// wants the CPU, what SCHED_IDLE does; BELOW_NORMAL is the step below the
// window's NORMAL for a positive niceness. The classes between have no
// Linux counterpart a worker would ask for.
func priorityClass(nice int, idle bool) uint32 {
	switch {
	case idle:
		return idlePriorityClass
	case nice > 0:
		return belowNormalPriorityClass
	}
	return normalPriorityClass
}

// classNiceness is the niceness a worker reports for its priority class:
// the niceness that asks for the class (19, the lowest, for IDLE), so that
// the hello of a lowered worker says it is lowered.
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
