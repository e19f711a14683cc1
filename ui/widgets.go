package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// emptyNote is what an empty tab says: what will appear there and how to
// fill it. Stack it over the tab's content and hide it once there is some.
func emptyNote(text string) *widget.Label {
	n := hintLabel(text)
	n.Wrapping = fyne.TextWrapWord
	n.Alignment = fyne.TextAlignCenter
	return n
}

// hintLabel is a hint or a note beside what it explains: italic in the
// normal text colour (the theme's low-importance grey is too faint on a
// projector).
func hintLabel(text string) *widget.Label {
	n := widget.NewLabel(text)
	n.TextStyle = fyne.TextStyle{Italic: true}
	return n
}

// wrappedHint is a hint that wraps at word boundaries.
func wrappedHint(text string) *widget.Label {
	n := hintLabel(text)
	n.Wrapping = fyne.TextWrapWord
	return n
}

// wrapped is a label whose text wraps at word boundaries.
func wrapped(text string) *widget.Label {
	lbl := widget.NewLabel(text)
	lbl.Wrapping = fyne.TextWrapWord
	return lbl
}

// setText sets lbl's text if it differs, and reports whether it did:
// SetText lays the text out again (shaping it, and for a truncated label
// measuring it), a few milliseconds for a screenful of labels.
func setText(lbl *widget.Label, s string) bool {
	if lbl.Text == s {
		return false
	}
	lbl.SetText(s)
	return true
}

// setStyled sets lbl's text and importance, refreshing it once if either
// changed, and reports whether one did.
func setStyled(lbl *widget.Label, text string, imp widget.Importance) bool {
	if lbl.Importance == imp {
		return setText(lbl, text)
	}
	lbl.Importance, lbl.Text = imp, text
	lbl.Refresh()
	return true
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
