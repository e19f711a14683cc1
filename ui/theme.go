package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// labTheme is Fyne's default theme, light or dark as the system says, with
// square corners, and every size times scale: the presentation scale, for a
// projector. A rounded rectangle is drawn by a shader that measures every
// pixel's distance to the corners, twice the cost of a plain one with a
// software renderer, and the inputs, menus, buttons and the progress bar
// are rounded rectangles redrawn at every repaint.
type labTheme struct {
	fyne.Theme
	scale float32
}

func newLabTheme() fyne.Theme { return newScaledTheme(1) }

func newScaledTheme(scale float32) fyne.Theme { return labTheme{theme.DefaultTheme(), scale} }

// Size is the default theme's times the scale, with no corner radius for
// inputs and selections.
func (t labTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 0
	}
	return t.Theme.Size(n) * t.scale
}

// Scales are the presentation scales offered, from the normal size to the
// largest at which the window still fits a 1366×768 screen (a projector's
// usual resolution; TestLargestScaleFitsA1366x768Screen).
var Scales = []float32{1, 1.1, 1.2}

// nearestScale is the offered scale closest to s.
func nearestScale(s float32) float32 {
	best := Scales[0]
	for _, c := range Scales {
		if abs(c-s) < abs(best-s) {
			best = c
		}
	}
	return best
}

func abs(f float32) float32 { return max(f, -f) }
