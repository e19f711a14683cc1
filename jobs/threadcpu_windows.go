//go:build windows

package jobs

import (
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var procGetThreadTimes = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetThreadTimes")

// threadCPU is the CPU time (user+system) of the calling thread, and
// whether it is known (GetThreadTimes). The caller must have locked its
// goroutine to the thread.
func threadCPU() (time.Duration, bool) {
	var created, exited, kernel, user windows.Filetime
	if r, _, _ := procGetThreadTimes.Call(uintptr(windows.CurrentThread()),
		uintptr(unsafe.Pointer(&created)), uintptr(unsafe.Pointer(&exited)),
		uintptr(unsafe.Pointer(&kernel)), uintptr(unsafe.Pointer(&user))); r == 0 {
		return 0, false
	}
	return filetime(kernel) + filetime(user), true
}
