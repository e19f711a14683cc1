package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// progressView is the overall bar, the timer and one row per worker.
type progressView struct {
	bar     *widget.ProgressBar
	summary *widget.Label
	elapsed *widget.Label
	lanes   *widget.List
	rows    []lane
}

func (l *Lab) buildProgress() fyne.CanvasObject {
	p := &l.prog
	p.bar = widget.NewProgressBar()
	p.summary = widget.NewLabel("Idle")
	p.elapsed = widget.NewLabel("")
	p.lanes = widget.NewList(
		func() int { return len(p.rows) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("process 10 (pid 1234567)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			doing := widget.NewLabel("")
			doing.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, name, widget.NewLabel("000 done"), doing)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := p.rows[id]
			c := o.(*fyne.Container)
			setText(c.Objects[1].(*widget.Label), r.Worker.String())
			setText(c.Objects[2].(*widget.Label), fmt.Sprintf("%d done", r.Finished))
			doing := "idle"
			if r.Current != "" {
				doing = r.Current
			}
			setText(c.Objects[0].(*widget.Label), doing)
		})
	head := container.NewVBox(p.bar, container.NewBorder(nil, nil, nil, p.elapsed, p.summary))
	// Room for four worker rows; more scroll.
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(300, 4*36))
	return container.NewBorder(head, nil, nil, nil, container.NewStack(room, p.lanes))
}

func (l *Lab) resetProgress() {
	p := &l.prog
	p.rows = nil
	p.bar.SetValue(0)
	p.summary.SetText("Starting…")
	p.elapsed.SetText("0.0 s")
	p.lanes.Refresh()
}

// flush applies what the engine reported since the last frame.
func (l *Lab) flush() {
	s := l.bridge.take()
	p := &l.prog
	el := time.Since(s.started)
	setText(p.elapsed, fmt.Sprintf("%.1f s", el.Seconds()))
	if !s.changed {
		return
	}
	finished := s.done + s.failed
	if s.total > 0 {
		p.bar.Max = float64(s.total)
		p.bar.SetValue(float64(finished))
	}
	text := fmt.Sprintf("%d / %d done", s.done, s.total)
	if s.failed > 0 {
		text += fmt.Sprintf(" · %d failed", s.failed)
	}
	if finished > 0 && el > 0 {
		rate := float64(finished) / el.Seconds()
		text += fmt.Sprintf(" · %.1f img/s", rate)
		if left := s.total - finished; left > 0 {
			text += fmt.Sprintf(" · ETA %.0f s", float64(left)/rate)
		}
	}
	setText(p.summary, text)
	p.setRows(s.lanes)
	l.gallery.add(s.newItems)
	l.results.addErrors(s.newErrs)
}

// setRows shows rows, refreshing only the rows that changed: refreshing the
// whole list lays every row out again, a millisecond or two on every update.
func (p *progressView) setRows(rows []lane) {
	if len(rows) != len(p.rows) {
		p.rows = rows
		p.lanes.Refresh()
		return
	}
	old := p.rows
	p.rows = rows
	for i := range rows {
		if rows[i] != old[i] {
			p.lanes.RefreshItem(i)
		}
	}
}

// meterView is the always-moving bar and the lag readout.
type meterView struct {
	dot   *canvas.Rectangle
	track *fyne.Container
	lag   *widget.Label
}

func (l *Lab) buildMeter() fyne.CanvasObject {
	m := &l.meter
	m.dot = canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	m.dot.CornerRadius = 4
	m.dot.Resize(fyne.NewSize(40, 12))
	bg := canvas.NewRectangle(color.Transparent)
	bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	bg.StrokeWidth = 1
	bg.CornerRadius = 6
	bg.SetMinSize(fyne.NewSize(200, 20))
	m.track = container.NewStack(bg, container.NewWithoutLayout(m.dot))
	m.lag = widget.NewLabel("UI lag: measuring…")
	return container.NewVBox(m.track, m.lag)
}

// moveIndicator places the moving bar for time t: it sweeps the track once a
// second, back and forth, and stands still whenever the UI goroutine is busy.
func (l *Lab) moveIndicator(t time.Time) {
	m := &l.meter
	phase := float64(t.UnixMilli()%2000) / 1000 // 0..2
	if phase > 1 {
		phase = 2 - phase
	}
	f := float32(phase * phase * (3 - 2*phase)) // ease in and out
	w := m.track.Size().Width - m.dot.Size().Width - 8
	m.dot.Move(fyne.NewPos(4+f*max(w, 0), 4))
}

func (l *Lab) updateMeter() {
	last, recent := l.beat.now()
	imp := widget.MediumImportance
	switch {
	case recent > frozenAfter:
		imp = widget.DangerImportance
	case recent > 33*time.Millisecond:
		imp = widget.WarningImportance
	}
	lbl := l.meter.lag
	text := fmt.Sprintf("UI lag now %.0f ms · max over the last second %.0f ms", ms(last), ms(recent))
	if lbl.Importance != imp {
		lbl.Importance = imp
		lbl.Text = text
		lbl.Refresh()
		return
	}
	setText(lbl, text)
}
