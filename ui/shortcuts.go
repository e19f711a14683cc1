package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// AddShortcut makes sc do f anywhere in the window: on the canvas, and in
// the window's text fields, which otherwise keep every shortcut they get
// (Ctrl+R did nothing while the Images field had the focus).
func (l *Lab) AddShortcut(sc *desktop.CustomShortcut, f func()) {
	l.keys = append(l.keys, keyAction{sc, f})
	if l.win != nil {
		l.win.Canvas().AddShortcut(sc, func(fyne.Shortcut) { f() })
	}
}

type keyAction struct {
	sc *desktop.CustomShortcut
	f  func()
}

// shortcut does what s is bound to, if anything, and reports whether it did.
func (l *Lab) shortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok {
		return false
	}
	for _, k := range l.keys {
		if k.sc.KeyName == cs.KeyName && k.sc.Modifier == cs.Modifier {
			k.f()
			return true
		}
	}
	return false
}

// fieldEntry is a text field that hands the window's shortcuts on to it,
// and keeps the others (copy, paste, select all) for itself.
type fieldEntry struct {
	widget.Entry
	window func(fyne.Shortcut) bool
}

func newFieldEntry(window func(fyne.Shortcut) bool) *fieldEntry {
	e := &fieldEntry{window: window}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut is the window's shortcut if it has one, else the field's.
func (e *fieldEntry) TypedShortcut(s fyne.Shortcut) {
	if e.window != nil && e.window(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}
