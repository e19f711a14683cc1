package ui

import (
	"fmt"
	"image/color"
	"time"

	"concurrencylab/jobs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// progressView is the overall bar, the timer and one row per worker.
//
// The summary is three labels, not one line: Fyne draws every new text of a
// label anew on the UI goroutine, glyph by glyph (about 1 ms for a 35-letter
// line here), and keeps what it drew for a minute under the whole text. The
// count and the ETA come back run after run and are drawn once; only the
// rate is new at each update.
type progressView struct {
	bar      *widget.ProgressBar
	summary  *widget.Label // "12 / 48 done", and how many failed
	rate     *widget.Label // "23.7 img/s"
	eta      *widget.Label // "ETA 2 s"
	elapsed  *widget.Label
	rows     []lane
	rowBox   *fyne.Container // a rowView's widgets per row
	rowViews []rowView
	room     *canvas.Rectangle // keeps four rows in view
	workers  *fyne.Container   // room and rows, which the toggle hides
	toggle   *widget.Button    // "Hide workers" / "Show workers"
	box      fyne.CanvasObject
}

// rowView is a worker row's widgets. A pool has at most 64 workers here, so
// the rows are plain widgets in a scrolled box, not a widget.List: a List
// sets up every visible row again at each RefreshItem, and a row's texts
// change at every update. What a worker does is two labels, the stage
// ("thumbnail", which comes back drawn) and the item's name, for the same
// reason as the summary's parts.
type rowView struct {
	name, stage, item, done *widget.Label
}

func newRowView() rowView {
	v := rowView{
		name:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		stage: widget.NewLabel(""),
		item:  widget.NewLabel(""),
		done:  widget.NewLabel(""),
	}
	// Clipped, not ellipsised: a label that ellipsises shapes its text
	// with a new HarfBuzz font at every change, 0.4 ms more each.
	v.item.Truncation = fyne.TextTruncateClip
	return v
}

func (v rowView) show(r lane) {
	setText(v.name, r.Worker.String())
	setText(v.done, fmt.Sprintf("%d done", r.Finished))
	stage := "idle"
	if r.Current != "" {
		stage = string(r.Stage)
	}
	setText(v.stage, stage)
	setText(v.item, r.Current)
}

// newProgressView builds Progress; prefs (nil in some tests) keeps whether
// the worker rows are shown, and relayout lays the window out again when
// they fold away.
func newProgressView(prefs fyne.Preferences, relayout func()) *progressView {
	p := &progressView{}
	p.bar = widget.NewProgressBar()
	p.summary = widget.NewLabel("Idle")
	p.rate = widget.NewLabel("")
	p.eta = widget.NewLabel("")
	p.elapsed = widget.NewLabel("")
	p.rowBox = container.NewVBox()
	line := container.NewHBox(p.summary, p.rate, p.eta)
	// On a projector, at a large text size, the worker rows take room a
	// lesson needs: they fold away, and stay so for the next launch.
	p.toggle = widget.NewButton("", func() {
		show := !p.workers.Visible()
		p.showWorkers(show)
		if prefs != nil {
			prefs.SetBool(prefWorkerRows, show)
		}
		relayout()
	})
	p.toggle.Importance = widget.LowImportance
	head := container.NewVBox(p.bar, container.NewBorder(nil, nil, nil, container.NewHBox(p.elapsed, p.toggle), line))
	// Room for four worker rows (a pipeline of two workers a stage); more scroll.
	p.room = canvas.NewRectangle(color.Transparent)
	p.fitRoom()
	p.workers = container.NewStack(p.room, container.NewVScroll(p.rowBox))
	show := true
	if prefs != nil {
		show = prefs.BoolWithFallback(prefWorkerRows, true)
	}
	p.showWorkers(show)
	p.box = container.NewBorder(head, nil, nil, nil, p.workers)
	return p
}

func (p *progressView) object() fyne.CanvasObject { return p.box }

// prefWorkerRows keeps whether Progress shows a row per worker.
const prefWorkerRows = "workerRows"

// showWorkers shows or folds away the worker rows.
func (p *progressView) showWorkers(show bool) {
	if show {
		p.workers.Show()
		p.toggle.SetText("Hide workers")
	} else {
		p.workers.Hide()
		p.toggle.SetText("Show workers")
	}
}

// rescale makes room for four rows at the new text size.
func (p *progressView) rescale(float32) { p.fitRoom() }

// fitRoom makes room for four rows at the text size in use.
func (p *progressView) fitRoom() {
	v := newRowView()
	v.show(lane{Current: "x", Stage: jobs.ThumbnailStage})
	row := container.NewBorder(nil, nil, container.NewHBox(v.name, v.stage), v.done, v.item)
	p.room.SetMinSize(fyne.NewSize(300, 4*row.MinSize().Height+theme.Padding()))
}

// idle shows every worker as idle and no ETA: a run has ended, finished or
// cancelled (a cancelled step reports no end).
func (p *progressView) idle() {
	setText(p.eta, "")
	for i, r := range p.rows {
		r.Current = ""
		p.rowViews[i].show(r)
	}
}

// reset shows a run starting: no rows, no figures yet.
func (p *progressView) reset() {
	p.setRows(nil)
	p.bar.SetValue(0)
	p.summary.SetText("Starting…")
	p.rate.SetText("")
	p.eta.SetText("")
	p.elapsed.SetText("0.0 s")
}

// say puts text in the summary, for what is no run of items (a lesson's
// other steps): it stays until items are counted.
func (p *progressView) say(text string) { p.summary.SetText(text) }

// complete shows something that was no run of items as finished: the bar
// full, and text.
func (p *progressView) complete(text string) {
	p.bar.SetValue(p.bar.Max)
	p.summary.SetText(text)
}

// show shows the run's progress in s, and reports whether it changed
// anything on screen.
func (p *progressView) show(s snapshot) bool {
	el := time.Since(s.started)
	ticked := setText(p.elapsed, fmt.Sprintf("%.1f s", el.Seconds()))
	if !s.changed {
		return ticked
	}
	finished := s.done + s.failed
	if s.total > 0 {
		p.bar.Max = float64(s.total)
		p.bar.SetValue(float64(finished))
	}
	text := fmt.Sprintf("%d / %d done", s.done, s.total)
	if s.total == 0 && finished == 0 {
		text = p.summary.Text // no items (yet): "Starting…", or a lesson's name
		if s.preparing != nil {
			text = fmt.Sprintf("Generating the gallery, once: %d / %d photos", s.preparing.made, s.preparing.toMake)
		}
	}
	if s.failed > 0 {
		text += fmt.Sprintf(" · %d failed", s.failed)
	}
	if s.lost > 0 {
		text += fmt.Sprintf(" · %d redelivered", s.lost)
	}
	rate, eta := "", ""
	if finished > 0 && el > 0 {
		r := float64(finished) / el.Seconds()
		rate = fmt.Sprintf("%.1f img/s", r)
		if left := s.total - finished; left > 0 {
			eta = fmt.Sprintf("ETA %.0f s", float64(left)/r)
		}
	}
	setText(p.summary, text)
	setText(p.rate, rate)
	setText(p.eta, eta)
	p.setRows(s.lanes)
	return true
}

// setRows shows rows, adding or removing row widgets when their number
// changes; a label is only refreshed when its text does.
func (p *progressView) setRows(rows []lane) {
	if len(rows) != len(p.rowViews) {
		for len(p.rowViews) < len(rows) {
			v := newRowView()
			p.rowViews = append(p.rowViews, v)
			p.rowBox.Add(container.NewBorder(nil, nil, container.NewHBox(v.name, v.stage), v.done, v.item))
		}
		p.rowViews = p.rowViews[:len(rows)]
		p.rowBox.Objects = p.rowBox.Objects[:len(rows)]
		p.rowBox.Refresh()
	}
	for i, r := range rows {
		p.rowViews[i].show(r)
	}
	p.rows = rows
}
