package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"concurrencylab/jobs"
)

// TestRowsInWorkerOrder: the rows follow the workers (a pipeline's
// downloaders first), whatever order they first reported in.
func TestRowsInWorkerOrder(t *testing.T) {
	b := newBridge()
	b.reset(time.Now())
	for _, w := range []jobs.Worker{{Kind: jobs.Goroutine, Role: jobs.ThumbnailStage, Index: 2}, {Kind: jobs.Goroutine, Role: jobs.DownloadStage, Index: 2},
		{Kind: jobs.Goroutine, Role: jobs.ThumbnailStage, Index: 1}, {Kind: jobs.Goroutine, Role: jobs.DownloadStage, Index: 1}} {
		b.Report(jobs.Event{Kind: jobs.StepStarted, Worker: w, Name: "x"})
	}
	var got []string
	for _, ln := range b.take().lanes {
		got = append(got, ln.Worker.String())
	}
	want := "download goroutine 1, download goroutine 2, thumbnail goroutine 1, thumbnail goroutine 2"
	if strings.Join(got, ", ") != want {
		t.Errorf("rows %q", got)
	}
}

func TestWorkerRowSaysStageAndItem(t *testing.T) {
	l := newFramelessLab(t)
	l.begin("run") // under way: frames show its progress
	l.bridge.reset(time.Now())
	w := jobs.Worker{Kind: jobs.Process, Index: 1, PID: 42}
	row := func() string {
		l.flush()
		v := l.prog.rowViews[0]
		return v.name.Text + " | " + v.stage.Text + " | " + v.item.Text + " | " + v.done.Text
	}
	l.bridge.Report(jobs.Event{Kind: jobs.StepStarted, Item: 0, Name: "a.jpg", Stage: jobs.ThumbnailStage, Worker: w})
	if got, want := row(), "process 1 (pid 42) | thumbnail | a.jpg | 0 done"; got != want {
		t.Errorf("working: %q, want %q", got, want)
	}
	l.bridge.Report(jobs.Event{Kind: jobs.StepFinished, Item: 0, Name: "a.jpg", Stage: jobs.ThumbnailStage, Worker: w})
	if got, want := row(), "process 1 (pid 42) | idle |  | 1 done"; got != want {
		t.Errorf("idle: %q, want %q", got, want)
	}
	l.bridge.Report(jobs.Event{Kind: jobs.StepStarted, Item: 1, Name: "b.jpg", Stage: jobs.DownloadStage, Worker: w})
	l.bridge.Report(jobs.Event{Kind: jobs.ItemFailed, Item: 1, Name: "b.jpg", Stage: jobs.DownloadStage, Worker: w, Err: errors.New("404")})
	if got, want := row(), "process 1 (pid 42) | idle |  | 1 done"; got != want {
		t.Errorf("after a failure: %q, want %q", got, want)
	}
}

// TestWorkerRowsFoldAway: the worker rows fold away to give the tabs (a
// lesson on a projector) their room, and stay folded for the next launch.
func TestWorkerRowsFoldAway(t *testing.T) {
	l, _ := newTestLab(t)
	p := l.prog
	if !p.workers.Visible() || p.toggle.Text != "Hide workers" {
		t.Fatalf("rows shown %v, button %q at first", p.workers.Visible(), p.toggle.Text)
	}
	l.win.Content().Refresh()
	before := l.tabs.Size().Height
	test.Tap(p.toggle)
	l.win.Content().Refresh()
	if p.workers.Visible() || p.toggle.Text != "Show workers" || l.app.Preferences().Bool(prefWorkerRows) {
		t.Fatalf("after Hide workers: rows shown %v, button %q", p.workers.Visible(), p.toggle.Text)
	}
	if after := l.tabs.Size().Height; after < before+3*theme.TextSize() {
		t.Errorf("the tabs grew from %v to %v only", before, after)
	}
	if l2 := New(l.app, nil, l.do); l2.Content() != nil && l2.prog.workers.Visible() {
		t.Error("a new window shows the rows again")
	}
	test.Tap(p.toggle)
	l.win.Content().Refresh()
	if !p.workers.Visible() || l.tabs.Size().Height != before {
		t.Errorf("Show workers: rows shown %v, tabs %v (at first %v)", p.workers.Visible(), l.tabs.Size().Height, before)
	}
}
