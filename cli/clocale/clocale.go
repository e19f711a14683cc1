// Package clocale makes the C and POSIX locales (the default in containers
// and CI: LANG=C.UTF-8) read as English to Fyne, which otherwise prints
// "Fyne error: Error parsing user locale C" three times at start, before
// any of our code runs, even for `concurrencylab bench --help`.
//
// Import it for its side effect, first: its init runs before Fyne's, since
// it depends only on os and strings and its path sorts before fyne.io's
// (Go initialises packages in that order).
package clocale

import (
	"os"
	"strings"
)

func init() { fix(os.Getenv, os.Setenv) }

// fix sets LANGUAGE=en when the locale that decides messages is C or POSIX
// with an encoding (C.UTF-8), and LANGUAGE is unset: the locale library Fyne
// uses then takes "en" from LANGUAGE instead of parsing "C" as a language.
// gettext ignores LANGUAGE under the C locale, so nothing else changes.
func fix(getenv func(string) string, setenv func(string, string) error) {
	var loc string
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(v); loc != "" {
			break
		}
	}
	name, _, _ := strings.Cut(loc, ".")
	if (name == "C" || name == "POSIX") && loc != name && getenv("LANGUAGE") == "" {
		setenv("LANGUAGE", "en")
	}
}
