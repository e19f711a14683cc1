package cpustat

import (
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var getThreadTimes = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetThreadTimes")

// thread is GetThreadTimes' kernel and user time for the calling thread.
func thread() (time.Duration, bool) {
	if getThreadTimes.Find() != nil {
		return 0, false
	}
	var created, exited, kernel, user windows.Filetime
	r, _, _ := getThreadTimes.Call(uintptr(windows.CurrentThread()), uintptr(unsafe.Pointer(&created)), uintptr(unsafe.Pointer(&exited)),
		uintptr(unsafe.Pointer(&kernel)), uintptr(unsafe.Pointer(&user)))
	if r == 0 {
		return 0, false
	}
	return filetime(kernel) + filetime(user), true
}
