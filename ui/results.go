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

// resultsView is the table of finished runs and the list of failed items.
type resultsView struct {
	runs    []RunRecord
	table   *widget.Table
	errs    []jobs.ItemError
	errList *widget.List
	errTab  func(n int)
	errItem *container.TabItem // the Errors tab, whose title counts them
	chart   *fyne.Container
	// Notes over the empty table and list.
	noRuns, noErrs *widget.Label
	errDetail      *widget.Label // the selected failure in full
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

func (l *Lab) buildResults() fyne.CanvasObject {
	v := &l.results
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
	split := container.NewVSplit(container.NewStack(v.table, container.NewPadded(v.noRuns)), l.buildChart())
	split.Offset = 0.45
	return split
}

func (l *Lab) buildErrors() fyne.CanvasObject {
	v := &l.results
	// One line a failure, so rows never run into each other; the selected
	// one is spelled out in full below.
	v.errDetail = widget.NewLabel("Select a failure to read all of it.")
	v.errDetail.Wrapping = fyne.TextWrapWord
	v.errList = widget.NewList(
		func() int { return len(v.errs) },
		func() fyne.CanvasObject {
			lbl := widget.NewLabel("")
			lbl.Truncation = fyne.TextTruncateEllipsis
			return lbl
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(errText(v.errs[id]))
		})
	v.errList.OnSelected = func(id widget.ListItemID) { v.errDetail.SetText(errText(v.errs[id])) }
	v.errTab = func(n int) {
		if l.tabs == nil {
			return
		}
		v.errItem.Text = fmt.Sprintf("Errors (%d)", n)
		l.tabs.Refresh()
	}
	v.noErrs = emptyNote("No failed items. An item that cannot be done (a broken file, a dead link, a worker that crashed) is listed here with the reason, and the run goes on.")
	return container.NewBorder(nil, v.errDetail, nil, nil, container.NewStack(v.errList, container.NewPadded(v.noErrs)))
}

func errText(e jobs.ItemError) string {
	return fmt.Sprintf("%s — %s failed: %s", e.Name, e.Stage, e.Error)
}

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
	var l string
	for _, s := range labels {
		if len([]rune(s)) > len([]rune(l)) {
			l = s
		}
	}
	return l
}

// add appends a finished run and recomputes every speed-up.
func (v *resultsView) add(r RunRecord) {
	v.runs = append(v.runs, r)
	v.noRuns.Hide()
	setSpeedups(v.runs)
	v.table.Refresh()
	v.refreshChart()
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

func (v *resultsView) addErrors(errs []jobs.ItemError) {
	if len(errs) == 0 {
		return
	}
	v.errs = append(v.errs, errs...)
	v.noErrs.Hide()
	v.errList.Refresh()
	v.errTab(len(v.errs))
}
