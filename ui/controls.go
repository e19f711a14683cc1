package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/thumb"
)

// Labels the controls show for tasks, modes, sources and latencies.
var (
	taskLabels = map[jobs.Task]string{jobs.Download: "Download", jobs.Thumbnail: "Thumbnails", jobs.Pipeline: "Both, pipelined"}
	modeLabels = map[jobs.Mode]string{
		jobs.Blocking:   "Blocking — on the UI thread",
		jobs.Sequential: "One goroutine",
		jobs.Goroutines: "Goroutine pool",
		jobs.Processes:  "Process pool",
		jobs.Cluster:    "Cluster — NATS work queue",
	}
	sourceLabels  = []string{"Built-in gallery", "URL list file…", "Folder of images…"}
	decoderLabels = map[thumb.Decoder]string{
		thumb.Fast: thumb.FastLabel(),
		thumb.Std:  "Go image/jpeg, full size",
	}
	latencyChoices = []time.Duration{0, 50 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond}
)

func latencyLabel(d time.Duration) string {
	switch d {
	case 0:
		return "none (local)"
	case 150 * time.Millisecond:
		return "150 ms (CDN)"
	case 400 * time.Millisecond:
		return "400 ms (bad Wi-Fi)"
	}
	return fmt.Sprint(d)
}

// controls are the Run section: the widgets that choose a run, Run and
// Cancel. What they show is chosen; Run reads it when pressed.
type controls struct {
	source     *widget.Select
	sourcePath *widget.Label
	images     *fieldEntry
	latency    *widget.Select
	task       *widget.Select
	mode       *widget.Select
	workers    *widget.Slider
	workersLbl *widget.Label
	decoder    *widget.Select
	run        *widget.Button
	cancel     *widget.Button

	chosen Settings // what the controls show
	box    fyne.CanvasObject
	win    fyne.Window     // for the file and folder dialogs; nil in some tests
	onMode func(jobs.Mode) // told the mode chosen
}

func keyFor[K comparable](m map[K]string, label string) K {
	for k, v := range m {
		if v == label {
			return k
		}
	}
	var zero K
	return zero
}

// newControls builds the Run section in window win: run and cancel are Run
// and Cancel, onMode is told each mode chosen, shortcut is the window's
// (the Images field hands them on).
func newControls(win fyne.Window, shortcut func(fyne.Shortcut) bool, run, cancel func(), onMode func(jobs.Mode)) *controls {
	c := &controls{win: win, onMode: onMode}
	c.sourcePath = widget.NewLabel("")
	c.sourcePath.Truncation = fyne.TextTruncateEllipsis
	c.source = widget.NewSelect(sourceLabels, func(label string) { c.pickSource(label) })
	c.images = newFieldEntry(shortcut)
	c.images.Validator = func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > gallery.MaxImages {
			return fmt.Errorf("a number from 1 to %d", gallery.MaxImages)
		}
		return nil
	}
	c.images.OnChanged = func(s string) {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 1 && n <= gallery.MaxImages {
			c.chosen.Images = n
		}
	}
	var lat []string
	for _, d := range latencyChoices {
		lat = append(lat, latencyLabel(d))
	}
	c.latency = widget.NewSelect(lat, func(s string) {
		for _, d := range latencyChoices {
			if latencyLabel(d) == s {
				c.chosen.Latency = d
			}
		}
	})
	var tasks, modes []string
	for _, t := range jobs.Tasks {
		tasks = append(tasks, taskLabels[t])
	}
	for _, m := range jobs.Modes {
		modes = append(modes, modeLabels[m])
	}
	// Menus rather than radio buttons: a radio button is an icon, its
	// selected overlay and a text, three draws each repaint, and a repaint
	// redraws the whole window (see galleryView for the cost of a draw).
	c.task = widget.NewSelect(tasks, func(s string) { c.chosen.Task = keyFor(taskLabels, s) })
	c.mode = widget.NewSelect(modes, func(s string) {
		c.chosen.Mode = keyFor(modeLabels, s)
		c.modeChanged()
	})
	c.workers = widget.NewSlider(1, float64(MaxWorkers()))
	c.workers.Step = 1
	c.workersLbl = widget.NewLabel("")
	c.workers.OnChanged = func(v float64) {
		c.chosen.Workers = int(v)
		c.workersLbl.SetText(strconv.Itoa(int(v)))
	}
	c.decoder = widget.NewSelect([]string{decoderLabels[thumb.Fast], decoderLabels[thumb.Std]},
		func(s string) { c.chosen.Decoder = keyFor(decoderLabels, s) })
	c.run = widget.NewButtonWithIcon("Run", nil, run)
	c.run.Importance = widget.HighImportance
	c.cancel = widget.NewButton("Cancel", cancel)
	c.cancel.Disable()

	form := widget.NewForm(
		widget.NewFormItem("Source", container.NewBorder(nil, nil, nil, nil, container.NewVBox(c.source, c.sourcePath))),
		// A hint keeps a line under the field, where a wrong value's message
		// then appears without pushing the Run button down.
		&widget.FormItem{Text: "Images", Widget: c.images, HintText: fmt.Sprintf("built-in gallery: 1 to %d", gallery.MaxImages)},
		widget.NewFormItem("Latency", c.latency),
		widget.NewFormItem("Task", c.task),
		widget.NewFormItem("Mode", c.mode),
		widget.NewFormItem("Workers", container.NewBorder(nil, nil, nil, c.workersLbl, c.workers)),
		widget.NewFormItem("JPEG decoder", c.decoder),
	)
	hint := hintLabel("Ctrl+R runs · Esc cancels\nChanges apply to the next run")
	c.box = container.NewVBox(form, container.NewGridWithColumns(2, c.run, c.cancel), hint)
	return c
}

func (c *controls) object() fyne.CanvasObject { return c.box }

// choice is the run the controls choose, or why they choose none.
func (c *controls) choice() (Settings, error) {
	return c.chosen, firstErr(c.chosen.validate(), c.images.Validate())
}

// shown is what the controls show, whether it would run or not.
func (c *controls) shown() Settings { return c.chosen }

// show puts s into the controls.
func (c *controls) show(s Settings) {
	c.chosen = s
	switch {
	case strings.HasPrefix(s.Source, "urls:"):
		c.source.SetSelectedIndex(1)
		c.sourcePath.SetText(strings.TrimPrefix(s.Source, "urls:"))
	case strings.HasPrefix(s.Source, "dir:"):
		c.source.SetSelectedIndex(2)
		c.sourcePath.SetText(strings.TrimPrefix(s.Source, "dir:"))
	default:
		c.source.SetSelectedIndex(0)
	}
	c.chosen.Source = s.Source // SetSelected ran pickSource
	c.images.SetText(strconv.Itoa(s.Images))
	c.latency.SetSelected(latencyLabel(s.Latency))
	c.task.SetSelected(taskLabels[s.Task])
	c.mode.SetSelected(modeLabels[s.Mode])
	c.workers.SetValue(float64(s.Workers))
	c.decoder.SetSelected(decoderLabels[s.Decoder])
	c.chosen = s
	c.modeChanged()
}

// pickSource follows the source selector: the built-in gallery at once, a
// file or folder through Fyne's dialogs (a cancelled dialog keeps the old source).
func (c *controls) pickSource(label string) {
	prev := c.chosen.Source
	restore := func() {
		switch {
		case strings.HasPrefix(prev, "urls:"):
			c.source.SetSelectedIndex(1)
		case strings.HasPrefix(prev, "dir:"):
			c.source.SetSelectedIndex(2)
		default:
			c.source.SetSelectedIndex(0)
		}
		c.chosen.Source = prev
	}
	switch label {
	case sourceLabels[0]:
		c.chosen.Source = "builtin"
		c.sourcePath.SetText("generated photos, served on 127.0.0.1")
		c.images.Enable()
		c.latency.Enable()
	case sourceLabels[1]:
		if strings.HasPrefix(prev, "urls:") || c.win == nil {
			return
		}
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				restore()
				return
			}
			r.Close()
			c.chosen.Source = "urls:" + r.URI().Path()
			c.sourcePath.SetText(r.URI().Path())
			c.images.Disable()
			c.latency.Disable()
		}, c.win)
	case sourceLabels[2]:
		if strings.HasPrefix(prev, "dir:") || c.win == nil {
			return
		}
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil || u == nil {
				restore()
				return
			}
			c.chosen.Source = "dir:" + u.Path()
			c.sourcePath.SetText(u.Path())
			c.images.Disable()
		}, c.win)
	}
}

// modeChanged follows the mode menu: the workers slider, and the cluster
// panel in Cluster mode.
func (c *controls) modeChanged() {
	if c.onMode != nil {
		c.onMode(c.chosen.Mode)
	}
	if c.chosen.Mode == jobs.Blocking || c.chosen.Mode == jobs.Sequential {
		c.workers.Disable()
		c.workersLbl.SetText("1")
		return
	}
	c.workers.Enable()
	c.workersLbl.SetText(strconv.Itoa(int(c.workers.Value)))
}

// showRunning switches Run and Cancel between choosing and running. The other
// controls stay live during a run: they choose the next one (Run reads them
// when pressed), so a workshop can set up the next comparison while watching
// this one. Disabled, they would also cost the run's first repaint every
// control's text and icon drawn anew in the disabled colour: 16 texts and 17
// icons, 13–28 ms in a launch's first run (measured in an instrumented Fyne).
//
// (Sharing is the exception: see clusterView.showRunning.)
func (c *controls) showRunning(on bool) {
	if on {
		c.run.Disable()
		c.cancel.Enable()
	} else {
		c.run.Enable()
		c.cancel.Disable()
	}
}
