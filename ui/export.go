package ui

import (
	"encoding/json"
	"errors"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/results"
	"concurrencylab/timeline"
)

// An export is a file made of what the window shows. Called on the UI
// goroutine, it copies what it needs and returns the writer, which runs off
// it: rendering the timeline's picture takes a good part of a second.
type export func() func(io.Writer) error

// exportButtons are the Results tab's buttons that save what the window
// shows: the results as CSV or JSON, the timeline as a picture or a trace.
func (l *Lab) exportButtons() fyne.CanvasObject {
	return container.NewHBox(
		widget.NewButton("Results as CSV…", l.saveAs("results.csv", l.resultsCSV)),
		widget.NewButton("as JSON…", l.saveAs("results.json", l.resultsJSON)),
		widget.NewButton("Timeline as PNG…", l.saveAs("timeline.png", l.timelinePNG)),
		widget.NewButton("Trace for Perfetto…", l.saveAs("trace.json", l.timelineTrace)),
	)
}

// saveAs asks where to save the export e (name is the file's suggested
// name), then writes it there off the UI goroutine; a failure is shown in
// a dialog.
func (l *Lab) saveAs(name string, e export) func() {
	return func() {
		if l.win == nil {
			return
		}
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			l.writeExport(w, e)
		}, l.win)
		d.SetFileName(name)
		d.Show()
	}
}

// writeExport writes e to w, and closes it, off the UI goroutine; what the
// window shows is read now, on it. A failure is shown in a dialog.
func (l *Lab) writeExport(w fyne.URIWriteCloser, e export) {
	write := e()
	l.bg.run(func() func() {
		err := errors.Join(write(w), w.Close())
		if err == nil || l.win == nil {
			return nil
		}
		return func() { dialog.ShowError(err, l.win) }
	})
}

func (l *Lab) resultsCSV() func(io.Writer) error {
	runs := resultsOf(l.results.records())
	return func(w io.Writer) error { return results.WriteCSV(w, runs) }
}

func (l *Lab) resultsJSON() func(io.Writer) error {
	runs := l.results.records()
	return func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(runs)
	}
}

func (l *Lab) timelinePNG() func(io.Writer) error {
	runs := l.timeline.runs()
	return func(w io.Writer) error { return timeline.WritePNG(w, runs, 1400) }
}

func (l *Lab) timelineTrace() func(io.Writer) error {
	runs := l.timeline.runs()
	return func(w io.Writer) error { return timeline.WriteTrace(w, runs) }
}
