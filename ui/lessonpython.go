package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"concurrencylab/lesson/python"
)

// The Lessons tab's Python row: which interpreter io-bound and primes
// measure beside Go, kept in the preferences.

// prefPython keeps the Python the lessons measure beside Go.
const prefPython = "python"

// setPython makes path the Python the lessons use ("" for python3 on PATH),
// keeps it in the preferences, and says what is there, found off the UI
// goroutine (it runs the interpreter once).
func (v *lessonsView) setPython(path string) {
	path = strings.TrimSpace(path)
	v.python.SetText(path)
	if v.prefs != nil {
		v.prefs.SetString(prefPython, path)
	}
	v.findPython()
}

// findPython says which Python the field names, and whether it runs.
func (v *lessonsView) findPython() {
	path := v.python.Text
	v.pythonFound.SetText("Looking for Python…")
	v.bg.run(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		in, err := python.Find(ctx, path)
		return func() {
			if v.python.Text != path {
				return // changed meanwhile: its own look is under way
			}
			v.pythonFound.SetText(pythonText(in, err))
		}
	})
}

// pythonText says what was found: "Python 3.12.3 with the GIL
// (/usr/bin/python3): its threads are measured beside goroutines".
func pythonText(in *python.Interpreter, err error) string {
	if err != nil {
		return "Not measured: " + err.Error() + ". Name a Python 3 above (its path), then press Find; without one, the lesson measures Go alone."
	}
	gil := "with the GIL"
	if !in.GIL {
		gil = "free-threaded, running without the GIL"
	}
	return fmt.Sprintf("Python %s, %s (%s): measured beside Go.", in.Version, gil, in.Path)
}
