//go:build windows

package proc

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// passFiles marks files' handles inheritable and lists them in cmd's
// AdditionalInheritedHandles: Go starts a process with the list of handles
// it may inherit (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), so another worker
// started at the same time inherits none of them, and each pipe's EOF comes
// when its one child exits. A handle keeps its number in the child.
func passFiles(cmd *exec.Cmd, files []*os.File) ([]uintptr, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	var nums []uintptr
	for _, f := range files {
		h := windows.Handle(f.Fd())
		if err := windows.SetHandleInformation(h, windows.HANDLE_FLAG_INHERIT, windows.HANDLE_FLAG_INHERIT); err != nil {
			return nil, os.NewSyscallError("SetHandleInformation", err)
		}
		cmd.SysProcAttr.AdditionalInheritedHandles = append(cmd.SysProcAttr.AdditionalInheritedHandles, syscall.Handle(h))
		nums = append(nums, uintptr(h))
	}
	return nums, nil
}
