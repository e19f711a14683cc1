//go:build windows

package console

import (
	"os"

	"golang.org/x/sys/windows"
)

var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1

// attach attaches to the parent's console (AttachConsole) and opens its
// screen buffer (CONOUT$) and input (CONIN$) for each standard handle that
// goes nowhere: a GUI program started from a console gets none, while one
// whose output is redirected (`> out.txt`, a pipe, a test harness) keeps
// it. The exit code is the process's, as for a console program; a Command
// Prompt waits for a GUI program only under `start /wait`.
func attach() {
	out, errOut, in := usable(windows.STD_OUTPUT_HANDLE), usable(windows.STD_ERROR_HANDLE), usable(windows.STD_INPUT_HANDLE)
	if out && errOut {
		return
	}
	if r, _, _ := procAttachConsole.Call(attachParentProcess); r == 0 {
		return // started from the Explorer, or already has a console
	}
	if !out {
		if f := open("CONOUT$", windows.STD_OUTPUT_HANDLE); f != nil {
			os.Stdout = f
		}
	}
	if !errOut {
		if f := open("CONOUT$", windows.STD_ERROR_HANDLE); f != nil {
			os.Stderr = f
		}
	}
	if !in {
		if f := open("CONIN$", windows.STD_INPUT_HANDLE); f != nil {
			os.Stdin = f
		}
	}
}

// usable reports whether standard handle std is open on something.
func usable(std uint32) bool {
	h, err := windows.GetStdHandle(std)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

// open opens the console device name and makes it standard handle std.
func open(name string, std uint32) *os.File {
	p, _ := windows.UTF16PtrFromString(name)
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil
	}
	windows.SetStdHandle(std, h)
	return os.NewFile(uintptr(h), name)
}
