package ui

import (
	"bytes"
	"log"
	"strings"
	"testing"
)

func TestGLWatchSaysOneLineWhenOpenGLIsMissing(t *testing.T) {
	var out bytes.Buffer
	missing := 0
	g := &glWatch{out: &out, missing: func() { missing++ }}
	l := log.New(g, "", log.LstdFlags)
	// What Fyne 2.7.1 logs (fyne.LogError) when GLFW cannot make the window.
	l.Println("Fyne error: ", "window creation error")
	l.Println("  Cause:", "APIUnavailable: WGL: The driver does not appear to support OpenGL")
	l.Printf("  At: %s:%d", "/fyne/internal/driver/glfw/window_desktop.go", 760)
	if got := out.String(); got != NoOpenGL+"\n" || missing != 1 {
		t.Fatalf("wrote %q, missing called %d times; want the one line, once", got, missing)
	}
	if !strings.Contains(NoOpenGL, "lesson all") || !strings.Contains(NoOpenGL, "graphics driver") {
		t.Fatalf("the line must say what to do: %q", NoOpenGL)
	}
}

func TestGLWatchPassesOtherErrorsOn(t *testing.T) {
	var out bytes.Buffer
	g := &glWatch{out: &out, missing: func() { t.Fatal("not an OpenGL error") }}
	l := log.New(g, "", 0)
	l.Println("Fyne error: ", "window creation error")
	l.Println("  Cause:", "PlatformError: X11: Failed to open display")
	l.Println("  At: x.go:1")
	l.Println("something else")
	want := "Fyne error:  window creation error\n  Cause: PlatformError: X11: Failed to open display\n  At: x.go:1\nsomething else\n"
	if out.String() != want {
		t.Fatalf("wrote %q, want %q", out.String(), want)
	}
}

func TestGLWatchCatchesAGLFWThatCouldNotStartWGL(t *testing.T) {
	var out bytes.Buffer
	missing := 0
	g := &glWatch{out: &out, missing: func() { missing++ }}
	// go-gl logs a platform error itself (log.Println), as under wine on an
	// X server without GLX.
	log.New(g, "", log.LstdFlags).Println("PlatformError: WGL: Failed to set pixel format for dummy context: Invalid window handle.")
	if out.String() != NoOpenGL+"\n" || missing != 1 {
		t.Fatalf("wrote %q, missing %d", out.String(), missing)
	}
}
