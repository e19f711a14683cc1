package ui

import (
	"io"
	"strings"
	"sync"
)

// NoOpenGL is the one line the app says when the window cannot open for
// want of OpenGL: old graphics drivers, virtual machines and remote
// desktops (Windows' basic display driver has none).
const NoOpenGL = "concurrencylab: the window needs OpenGL, which this computer's graphics driver does not offer " +
	"(common in virtual machines and remote desktops): update the graphics driver, " +
	"or do the lessons in a terminal: concurrencylab lesson all"

// glWatch stands between Fyne's log (the standard logger) and stderr.
// Fyne reports a window it could not create as three log lines:
//
//	Fyne error:  window creation error
//	  Cause: APIUnavailable: WGL: The driver does not appear to support OpenGL
//	  At: …/window_desktop.go:760
//
// and then quits or exits 1; a GLFW that could not start OpenGL at all
// logs one line ("PlatformError: WGL: Failed to set pixel format for dummy
// context") and Fyne goes on with a window that never draws. glWatch holds
// a report until its cause is known: when it is OpenGL missing, it writes
// NoOpenGL instead and calls missing, once; otherwise it passes the lines
// on as they were. Everything else passes straight through.
type glWatch struct {
	mu      sync.Mutex
	out     io.Writer
	held    []byte // a window creation error, waiting for its cause
	missing func()
	said    bool
}

func (g *glWatch) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	line := string(p)
	switch {
	case strings.Contains(line, "Fyne error:") && strings.Contains(line, "window creation error"):
		g.flush()
		g.held = append(g.held, p...)
		return len(p), nil
	case g.held != nil && strings.Contains(line, "Cause:"):
		if glMissing(line) {
			g.held = nil
			g.say()
			return len(p), nil
		}
		g.held = append(g.held, p...)
		g.flush()
		return len(p), nil
	case g.said && strings.Contains(line, "At:"):
		return len(p), nil // the rest of the report NoOpenGL replaced
	case glMissing(line): // a GLFW error logged on its own
		g.say()
		return len(p), nil
	}
	g.flush()
	return g.out.Write(p)
}

// say writes NoOpenGL and calls missing, the first time.
func (g *glWatch) say() {
	if g.said {
		return
	}
	g.said = true
	io.WriteString(g.out, NoOpenGL+"\n")
	if g.missing != nil {
		g.missing()
	}
}

func (g *glWatch) flush() {
	if g.held != nil {
		g.out.Write(g.held)
		g.held = nil
	}
}

// glMissing reports whether a GLFW error says there is no usable OpenGL:
// WGL's "The driver does not appear to support OpenGL" or its failure to
// start, or the API/version-unavailable errors of WGL, GLX and EGL.
func glMissing(line string) bool {
	if strings.Contains(line, "does not appear to support OpenGL") {
		return true
	}
	// GLFW's start on Windows makes a dummy OpenGL context; when it cannot
	// (no driver at all: under wine on an X server without GLX, "WGL:
	// Failed to set pixel format for dummy context"), Fyne carries on and
	// shows a window that never draws.
	if strings.Contains(line, "WGL:") && (strings.Contains(line, "dummy context") || strings.Contains(line, "opengl32.dll")) {
		return true
	}
	if !strings.Contains(line, "APIUnavailable") && !strings.Contains(line, "VersionUnavailable") {
		return false
	}
	for _, api := range []string{"WGL", "GLX", "EGL", "OpenGL"} {
		if strings.Contains(line, api) {
			return true
		}
	}
	return false
}
