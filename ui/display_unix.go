//go:build (linux || freebsd || openbsd || netbsd) && !android

package ui

import "os"

// noDisplay says why the window cannot open here, or "" if it may: on X11
// and Wayland systems a window needs DISPLAY or WAYLAND_DISPLAY, and
// without either GLFW panics deep in Fyne with a stack trace.
func noDisplay() string {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return "the window needs a display, and there is none here (DISPLAY and WAYLAND_DISPLAY are unset)"
	}
	return ""
}
