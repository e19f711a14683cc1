package ui

import (
	"encoding/json"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/results"
	"concurrencylab/timeline"
)

// exportButtons are the Results tab's buttons that save what the window
// shows: the results as CSV or JSON, the timeline as a picture or a trace.
func (l *Lab) exportButtons() fyne.CanvasObject {
	save := func(name string, write func(io.Writer) error) func() {
		return func() {
			if l.win == nil {
				return
			}
			d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil || w == nil {
					return
				}
				defer w.Close()
				if err := write(w); err != nil {
					dialog.ShowError(err, l.win)
				}
			}, l.win)
			d.SetFileName(name)
			d.Show()
		}
	}
	return container.NewHBox(
		widget.NewButton("Results as CSV…", save("results.csv", l.writeResultsCSV)),
		widget.NewButton("as JSON…", save("results.json", l.writeResultsJSON)),
		widget.NewButton("Timeline as PNG…", save("timeline.png", l.writeTimelinePNG)),
		widget.NewButton("Trace for Perfetto…", save("trace.json", l.writeTrace)),
	)
}

func (l *Lab) writeResultsCSV(w io.Writer) error {
	return results.WriteCSV(w, resultsOf(l.results.runs))
}

func (l *Lab) writeResultsJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(l.results.runs)
}

func (l *Lab) writeTimelinePNG(w io.Writer) error {
	return timeline.WritePNG(w, l.timeline.runs(), 1400)
}

func (l *Lab) writeTrace(w io.Writer) error { return timeline.WriteTrace(w, l.timeline.runs()) }
