package ui

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/results"
)

func TestChartShowsSpeedupAgainstIdeal(t *testing.T) {
	one, two := 1.0, 1.5
	runs := []RunRecord{
		{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, WallSeconds: 3, Speedup: &one}},
		{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 2, WallSeconds: 2, Speedup: &two}},
		{Result: jobs.Result{Task: jobs.Download, Mode: jobs.Goroutines, Workers: 8, WallSeconds: 1}},
	}
	rows := chartRows(runs)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	text := rows[1].(*fyne.Container).Objects[1].(*fyne.Container).Objects[1].(*widget.Label).Text
	if want := fmt.Sprintf("1.50× of %d× ideal", min(2, runtime.NumCPU())); !strings.HasPrefix(text, want) {
		t.Errorf("row text %q, want %q", text, want)
	}
	if got := results.Ideal(runs[2].Result); got != 8 {
		t.Errorf("download ideal %v, want 8 (not capped by CPUs)", got)
	}
}

// TestASpeedupAboveTheIdealSaysWhy: a bar past 100% comes with the reason,
// from the two runs' CPU per item.
func TestASpeedupAboveTheIdealSaysWhy(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("the ideal of two workers is 1× on one core")
	}
	one, sup := 1.0, 2.4
	cpu7, cpu6 := 7.2, 6.2
	runs := []RunRecord{
		{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, OK: 24, WallSeconds: 7.2, WorkCPUSeconds: &cpu7, Speedup: &one, Decoder: "std"}},
		{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 2, OK: 24, WallSeconds: 3.0, WorkCPUSeconds: &cpu6, Speedup: &sup, Decoder: "std"}},
	}
	rows := chartRows(runs)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want the two runs and a note", len(rows))
	}
	note := rows[2].(*widget.Label).Text
	if !strings.Contains(note, "Above the ideal of 2×") || !strings.Contains(note, "16% more CPU") {
		t.Errorf("note %q", note)
	}
}

// TestEmptyTabsSayWhatWillAppear: before any run, each tab says what will
// appear and how to fill it, and the note goes once there is something.
func TestEmptyTabsSayWhatWillAppear(t *testing.T) {
	l, _ := newTestLab(t)
	for name, n := range map[string]*widget.Label{"results": l.results.noRuns, "errors": l.errors.empty, "gallery": l.gallery.empty, "timeline": l.timeline.empty} {
		if !n.Visible() || !strings.Contains(n.Text, "No ") {
			t.Errorf("%s: visible %v, %q", name, n.Visible(), n.Text)
		}
	}
	l.results.add(RunRecord{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, WallSeconds: 1}})
	l.errors.add([]jobs.ItemError{{Name: "x.jpg", Stage: jobs.ThumbnailStage, Error: "broken"}})
	l.gallery.add([]galleryItem{{Name: "x.jpg"}})
	l.gallery.addPending()
	if l.results.noRuns.Visible() || l.errors.empty.Visible() || l.gallery.empty.Visible() {
		t.Error("a note stays over content")
	}
	l.gallery.clear()
	if !l.gallery.empty.Visible() {
		t.Error("the gallery's note does not come back for a new run")
	}
}

// TestAFailureIsOneLineAndSpelledOutWhenSelected: long reasons do not run
// into the next row; the selected one is shown in full.
func TestAFailureIsOneLineAndSpelledOutWhenSelected(t *testing.T) {
	l, _ := newTestLab(t)
	long := jobs.ItemError{Name: "photo.png", Stage: jobs.ThumbnailStage, Error: strings.Repeat("a reason that goes on ", 12)}
	l.errors.add([]jobs.ItemError{long, {Name: "b.jpg", Stage: jobs.DownloadStage, Error: "404"}})
	l.errors.list.Select(0)
	if l.errors.detail.Text != errText(long) || l.errors.detail.Wrapping != fyne.TextWrapWord {
		t.Errorf("detail %q", l.errors.detail.Text)
	}
}
