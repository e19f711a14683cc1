//go:build windows

package ui

import "golang.org/x/sys/windows"

var procGetConsoleWindow = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetConsoleWindow")

// alert shows msg in a message box when this process has no console to
// have said it in: the packaged .exe is a GUI program, started from the
// Explorer, whose stderr goes nowhere.
func alert(title, msg string) {
	if w, _, _ := procGetConsoleWindow.Call(); w != 0 {
		return // said on the console
	}
	t, _ := windows.UTF16PtrFromString(title)
	m, _ := windows.UTF16PtrFromString(msg)
	windows.MessageBox(0, m, t, windows.MB_OK|windows.MB_ICONERROR)
}
