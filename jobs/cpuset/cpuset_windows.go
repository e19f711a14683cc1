//go:build windows

package cpuset

import (
	"math/bits"
	"unsafe"

	"golang.org/x/sys/windows"
)

// A thread's affinity on Windows is a mask of the CPUs of its processor
// group (at most 64): CPU i is bit i. A laptop has one group.
var (
	kernel32                     = windows.NewLazySystemDLL("kernel32.dll")
	ntdll                        = windows.NewLazySystemDLL("ntdll.dll")
	procGetProcessAffinityMask   = kernel32.NewProc("GetProcessAffinityMask")
	procSetThreadAffinityMask    = kernel32.NewProc("SetThreadAffinityMask")
	procNtQueryInformationThread = ntdll.NewProc("NtQueryInformationThread")
)

func pick(n int) []int {
	var process, system uintptr
	if r, _, _ := procGetProcessAffinityMask.Call(uintptr(windows.CurrentProcess()),
		uintptr(unsafe.Pointer(&process)), uintptr(unsafe.Pointer(&system))); r == 0 {
		return nil
	}
	all := cpusOf(process)
	if n < 1 || len(all) == 0 {
		return nil
	}
	return all[max(0, len(all)-n):]
}

// pin sets the calling thread's affinity mask (SetThreadAffinityMask, which
// returns the old mask, 0 on failure).
func pin(cpus []int) bool {
	var mask uintptr
	for _, c := range cpus {
		if c < 0 || c >= bits.UintSize {
			return false
		}
		mask |= 1 << c
	}
	r, _, _ := procSetThreadAffinityMask.Call(uintptr(windows.CurrentThread()), mask)
	return r != 0
}

// threadBasicInformation is THREAD_BASIC_INFORMATION, what
// NtQueryInformationThread's class 0 (ThreadBasicInformation) returns: the
// one way to read a thread's affinity without changing it.
type threadBasicInformation struct {
	ExitStatus     int32
	TebBaseAddress uintptr
	ClientID       [2]uintptr
	AffinityMask   uintptr
	Priority       int32
	BasePriority   int32
}

func current() []int {
	var info threadBasicInformation
	if r, _, _ := procNtQueryInformationThread.Call(uintptr(windows.CurrentThread()), 0,
		uintptr(unsafe.Pointer(&info)), unsafe.Sizeof(info), 0); r != 0 { // an NTSTATUS: 0 is success
		return nil
	}
	return cpusOf(info.AffinityMask)
}

// cpusOf lists the CPUs of an affinity mask, lowest first.
func cpusOf(mask uintptr) []int {
	var cpus []int
	for c := 0; c < bits.UintSize; c++ {
		if mask&(1<<c) != 0 {
			cpus = append(cpus, c)
		}
	}
	return cpus
}
