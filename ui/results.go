package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/results"
)

// resultsView is the Results tab: the table of finished runs, and under it
// the chart of their speed-ups and the buttons that save them.
type resultsView struct {
	runs   []RunRecord
	table  *widget.Table
	chart  *fyne.Container
	noRuns *widget.Label // over the empty table
	box    fyne.CanvasObject
}

var resultColumns = []struct {
	title  string
	widest string // the widest text the column shows, to size it
	cell   func(r RunRecord) string
}{
	{"Task", longest(taskLabels), func(r RunRecord) string { return taskLabels[r.Task] }},
	{"Mode", longest(modeLabels), func(r RunRecord) string { return modeLabels[r.Mode] }},
	{"Workers", "64, 64 joined", func(r RunRecord) string {
		if r.Mode == jobs.Cluster && r.Joined != r.Workers { // others joined (or a local one was replaced)
			return fmt.Sprintf("%d, %d joined", r.Workers, r.Joined)
		}
		return fmt.Sprint(r.Workers)
	}},
	{"Decoder", "fast", func(r RunRecord) string { return r.Decoder }},
	{"OK / failed", "1000 / 1000", func(r RunRecord) string { return fmt.Sprintf("%d / %d", r.OK, r.Failed) }},
	{"Wall", "999.99 s", func(r RunRecord) string { return fmt.Sprintf("%.2f s", r.WallSeconds) }},
	// The work's CPU: the window's own drawing meanwhile is not the run's.
	{"Work CPU", "999.99 s*", func(r RunRecord) string {
		if r.WorkCPUSeconds == nil {
			return fmt.Sprintf("%.2f s*", r.CPUSeconds) // the whole app's, where threads' CPU is unknown
		}
		return fmt.Sprintf("%.2f s", *r.WorkCPUSeconds)
	}},
	{"Speed-up", "99.99×", func(r RunRecord) string { return results.Text(r.Speedup) }},
	{"Max UI lag", "99999 ms", func(r RunRecord) string { return fmt.Sprintf("%.0f ms", r.UI.LagMaxMs) }},
}

// newResultsView builds the Results tab, with exports (the buttons that
// save what the window shows) over the chart.
func newResultsView(exports fyne.CanvasObject) *resultsView {
	v := &resultsView{}
	v.table = widget.NewTable(
		func() (int, int) { return len(v.runs), len(resultColumns) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(resultColumns[id.Col].cell(v.runs[id.Row]))
		})
	v.table.ShowHeaderRow = true
	v.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(resultColumns[id.Col].title)
		}
	}
	v.sizeColumns()
	v.noRuns = emptyNote("No runs yet. Press Run (or run a lesson): each run adds a row here with its wall and CPU time, its speed-up against the one-worker run of the same task, and the window's worst lag; the chart below compares the speed-ups with the ideal.")
	v.chart = container.NewVBox()
	title := widget.NewLabelWithStyle("Speed-up against the one-worker run of the same task (mark: ideal)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	chart := container.NewBorder(exports, nil, nil, nil, container.NewVScroll(container.NewVBox(title, v.chart)))
	split := container.NewVSplit(container.NewStack(v.table, container.NewPadded(v.noRuns)), chart)
	split.Offset = 0.45
	v.box = split
	return v
}

func (v *resultsView) object() fyne.CanvasObject { return v.box }

// records are the runs shown, a copy.
func (v *resultsView) records() []RunRecord { return append([]RunRecord(nil), v.runs...) }

// rescale sizes the columns for the new text size.
func (v *resultsView) rescale(float32) { v.sizeColumns() }

// sizeColumns makes each column as wide as its title or its widest text,
// at the text size in use, so no column runs into the next.
func (v *resultsView) sizeColumns() {
	width := func(s string, bold bool) float32 {
		return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{Bold: bold}).Width
	}
	for i, c := range resultColumns {
		v.table.SetColumnWidth(i, max(width(c.title, true), width(c.widest, false))+2*theme.InnerPadding()+theme.Padding())
	}
}

// longest is the longest of labels, by letters.
func longest[K comparable](labels map[K]string) string {
	var widest string
	for _, s := range labels {
		if len([]rune(s)) > len([]rune(widest)) {
			widest = s
		}
	}
	return widest
}

// add appends a finished run and recomputes every speed-up.
func (v *resultsView) add(r RunRecord) {
	v.runs = append(v.runs, r)
	v.noRuns.Hide()
	setSpeedups(v.runs)
	v.table.Refresh()
	v.chart.Objects = chartRows(v.runs)
	v.chart.Refresh()
}

// setSpeedups is results.SetSpeedups for run records.
func setSpeedups(recs []RunRecord) {
	res := resultsOf(recs)
	results.SetSpeedups(res)
	for i := range recs {
		recs[i].Speedup = res[i].Speedup
	}
}

// resultsOf is the runs' results alone.
func resultsOf(recs []RunRecord) []jobs.Result {
	res := make([]jobs.Result, len(recs))
	for i := range recs {
		res[i] = recs[i].Result
	}
	return res
}
