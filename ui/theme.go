package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// labTheme is Fyne's default theme, light or dark as the system says, with
// square corners. A rounded rectangle is drawn by a shader that measures
// every pixel's distance to the corners, twice the cost of a plain one with
// a software renderer, and the inputs, menus, buttons and the progress bar
// are rounded rectangles redrawn at every repaint.
type labTheme struct{ fyne.Theme }

func newLabTheme() fyne.Theme { return labTheme{theme.DefaultTheme()} }

// Size is the default theme's, with no corner radius for inputs and
// selections.
func (t labTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 0
	}
	return t.Theme.Size(n)
}
