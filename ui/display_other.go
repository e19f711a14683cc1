//go:build !((linux || freebsd || openbsd || netbsd) && !android)

package ui

// noDisplay: macOS and Windows always have a display for a desktop app.
func noDisplay() string { return "" }
