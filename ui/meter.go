package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// meterView is the always-moving bar and the lag readout, in two labels for
// the same reason as the progress summary: each half comes back often.
type meterView struct {
	dot   *canvas.Rectangle
	track *fyne.Container
	lag   *widget.Label // "UI lag now 2 ms"
	peak  *widget.Label // "max over the last second 25 ms"
	box   fyne.CanvasObject
}

// newMeterView builds the Responsiveness section.
func newMeterView() *meterView {
	m := &meterView{}
	m.dot = canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	m.dot.Resize(fyne.NewSize(40, 12))
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.SetMinSize(fyne.NewSize(200, 20))
	m.track = container.NewStack(bg, container.NewWithoutLayout(m.dot))
	m.lag = widget.NewLabel("UI lag: measuring…")
	m.peak = widget.NewLabel("")
	m.box = container.NewVBox(m.track, container.NewHBox(m.lag, m.peak))
	return m
}

func (m *meterView) object() fyne.CanvasObject { return m.box }

// move places the moving bar for time t: it sweeps the track once a
// second, back and forth, and stands still whenever the UI goroutine is busy.
func (m *meterView) move(t time.Time) {
	phase := float64(t.UnixMilli()%2000) / 1000 // 0..2
	if phase > 1 {
		phase = 2 - phase
	}
	f := float32(phase * phase * (3 - 2*phase)) // ease in and out
	w := m.track.Size().Width - m.dot.Size().Width - 8
	m.dot.Move(fyne.NewPos(4+f*max(w, 0), 4))
}

// show shows the lag readout, the last probe's lag and the most over the
// last second (heartbeat.now), and reports whether it changed.
func (m *meterView) show(last, recent time.Duration) bool {
	imp := widget.MediumImportance
	switch {
	case recent > frozenAfter:
		imp = widget.DangerImportance
	case recent > 33*time.Millisecond:
		imp = widget.WarningImportance
	}
	changed := setStyled(m.lag, fmt.Sprintf("UI lag now %.0f ms", ms(last)), imp)
	return setStyled(m.peak, fmt.Sprintf("max over the last second %.0f ms", ms(recent)), imp) || changed
}
