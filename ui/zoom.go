package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// prefScale keeps the presentation scale between launches.
const prefScale = "scale"

// SetScale makes every text, the timeline and the charts scale times their
// normal size (the nearest of Scales), and keeps it for the next launch.
func (l *Lab) SetScale(scale float32) {
	l.scale = nearestScale(scale)
	if l.app != nil {
		l.app.Settings().SetTheme(newScaledTheme(l.scale))
		l.app.Preferences().SetFloat(prefScale, float64(l.scale))
	}
	for _, v := range l.views {
		if r, ok := v.(rescaler); ok {
			r.rescale(l.scale)
		}
	}
	l.settleLayout()
}

// Zoom moves the presentation scale by steps of Scales: +1 larger, -1
// smaller, 0 back to normal.
func (l *Lab) Zoom(step int) {
	if step == 0 {
		l.SetScale(1)
		return
	}
	i := slices.Index(Scales, l.scale)
	l.SetScale(Scales[max(0, min(len(Scales)-1, i+step))])
}

// zoomView is the presentation scale's control: text size, smaller and
// larger, as Ctrl+- and Ctrl+= do.
type zoomView struct {
	label *widget.Label // "110%"
	box   fyne.CanvasObject
}

// newZoomView shows scale; zoom moves it a step (see Lab.Zoom).
func newZoomView(scale float32, zoom func(step int)) *zoomView {
	z := &zoomView{label: widget.NewLabel("")}
	z.rescale(scale)
	smaller := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { zoom(-1) })
	larger := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { zoom(1) })
	z.box = container.NewVBox(container.NewHBox(widget.NewLabel("Text size"), smaller, z.label, larger), hintLabel("Ctrl+= / Ctrl+- for a projector"))
	return z
}

func (z *zoomView) object() fyne.CanvasObject { return z.box }

func (z *zoomView) rescale(scale float32) { z.label.SetText(fmt.Sprintf("%.0f%%", 100*scale)) }
