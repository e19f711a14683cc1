package cpustat

import (
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

const whyNotBusy = "the cores' busy time could not be read (GetSystemTimes failed)"

var getSystemTimes = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetSystemTimes")

// busy is GetSystemTimes' kernel and user time, summed over the cores, less
// the idle time the kernel time includes.
func busy() (time.Duration, bool) {
	var idle, kernel, user windows.Filetime
	if getSystemTimes.Find() != nil {
		return 0, false
	}
	r, _, _ := getSystemTimes.Call(uintptr(unsafe.Pointer(&idle)), uintptr(unsafe.Pointer(&kernel)), uintptr(unsafe.Pointer(&user)))
	if r == 0 {
		return 0, false
	}
	return filetime(kernel) + filetime(user) - filetime(idle), true
}

// filetime is a FILETIME read as a duration: it counts 100 ns.
func filetime(f windows.Filetime) time.Duration {
	return time.Duration(uint64(f.HighDateTime)<<32|uint64(f.LowDateTime)) * 100
}
