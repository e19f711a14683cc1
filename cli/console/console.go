// Package console gives the packaged Windows program, a GUI program
// (-H windowsgui, which opens no console window of its own), the console
// it was started from: `concurrencylab bench`, `lesson`, `join`,
// `--help` and `--version` typed in a Command Prompt or PowerShell print
// there. Elsewhere, and for a console build, it changes nothing.
package console

// Attach makes os.Stdout and os.Stderr (and os.Stdin) the console of the
// process that started this one, when this process has none and they are
// not already redirected to a file or a pipe. Call it first in main,
// before anything prints.
func Attach() { attach() }
