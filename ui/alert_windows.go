//go:build windows

package ui

import "golang.org/x/sys/windows"

// alert shows msg in a message box when this process's stderr goes
// nowhere: the packaged .exe is a GUI program, and started from the
// Explorer it has no console and no standard handles. From a console
// (cli/console attached it), or with stderr redirected to a file or a pipe
// (a script, CI, wine started from a shell), the line on stderr has said
// it, and a box would wait for a click that never comes.
func alert(title, msg string) {
	if h, err := windows.GetStdHandle(windows.STD_ERROR_HANDLE); err == nil && h != 0 && h != windows.InvalidHandle {
		if t, err := windows.GetFileType(h); err == nil && t != windows.FILE_TYPE_UNKNOWN {
			return
		}
	}
	t, _ := windows.UTF16PtrFromString(title)
	m, _ := windows.UTF16PtrFromString(msg)
	windows.MessageBox(0, m, t, windows.MB_OK|windows.MB_ICONERROR)
}
