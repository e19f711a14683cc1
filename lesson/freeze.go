package lesson

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/results"
)

// UI is the thread a window draws on, for the freeze lesson. Do runs f on it
// and returns when f has; Lag is the longest the thread kept its heartbeat
// waiting between from and to (the window's lag meter).
type UI interface {
	Do(f func())
	Lag(from, to time.Time) time.Duration
}

// FreezeMeasured is what the freeze lesson measures.
type FreezeMeasured struct {
	Items              int     `json:"items" label:"thumbnails in each run"`
	BlockingSeconds    float64 `json:"blocking_run_seconds" label:"the run on the UI thread took" unit:"s"`
	FrozenSeconds      float64 `json:"frozen_seconds" label:"the window froze for" unit:"s"` // the longest the UI thread did not answer
	GoroutinesSeconds  float64 `json:"goroutines_run_seconds" label:"the run on goroutines took" unit:"s"`
	GoroutinesMaxLagMs float64 `json:"goroutines_max_lag_ms" label:"the longest the window waited meanwhile" unit:"ms"`
	StandInLoop        bool    `json:"stand_in_event_loop" label:"a stand-in event loop played the window"` // no window: a terminal's stand-in
	// GoroutinesShare is how the cores were shared during the goroutines'
	// run, measured (see Share): said when the UI thread waited.
	GoroutinesShare Share `json:"goroutines_share" label:"the goroutines' run had"`
}

// frozenLag is the lag a person notices: a tenth of a second.
const frozenLag = 100 * time.Millisecond

var freeze = &Lesson{
	Name:     "freeze",
	Title:    "Work on the UI thread freezes the window",
	Claim:    "Work done on the UI thread freezes the window: nothing repaints or responds until it ends. The same work on goroutines leaves the window free.",
	Question: "The window makes thumbnails on its own UI thread (Blocking mode). For how many seconds does it freeze?",
	Unit:     "seconds",
	Why: "A window has one UI thread, which runs an event loop: draw, handle a click, draw again, about sixty times a second. " +
		"Work called from a button's callback runs on that thread, so until it returns there is no drawing and no click: the window freezes for the whole run. " +
		"Handed to goroutines, the work runs beside the event loop and the window keeps drawing. " +
		"Python's Tkinter and Qt have the same rule: never block the main loop, hand the work to a thread or a process.",
	Expect: func(int) string {
		return fmt.Sprintf("in Blocking mode the UI thread does not answer for the whole run; with goroutines it always answers within %d ms", frozenLag.Milliseconds())
	},
	run: runFreeze,
}

func runFreeze(ctx context.Context, e *Env) (*Outcome, error) {
	n, size := 200, gallery.Size{} // the window's default gallery
	if e.Quick {
		n, size = 6, gallery.Size{W: 800, H: 600}
	}
	src, err := e.gallery(ctx, jobs.Thumbnail, n, size, gallery.Network{})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	ui := e.UI
	m := FreezeMeasured{Items: n, StandInLoop: ui == nil}
	if ui == nil {
		loop := newEventLoop()
		defer loop.close()
		ui = loop
		e.logf("no window here: a stand-in event loop plays the UI thread, with a heartbeat every %d ms", frame.Milliseconds())
	}
	var runs []jobs.Result
	for _, s := range []jobs.Spec{{Mode: jobs.Blocking}, {Mode: jobs.Goroutines, Workers: e.cores}} {
		s.Task, s.Items = jobs.Thumbnail, src.Items
		spec, rep := e.prepare(s)
		var res jobs.Result
		start := time.Now()
		if s.Mode == jobs.Blocking {
			ui.Do(func() { res, err = jobs.Run(ctx, spec, rep) })
		} else {
			res, err = jobs.Run(ctx, spec, rep)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", results.Name(res), err)
		}
		lag := ui.Lag(start, time.Now()).Seconds()
		if s.Mode == jobs.Blocking {
			m.BlockingSeconds, m.FrozenSeconds = res.WallSeconds, lag
		} else {
			m.GoroutinesSeconds, m.GoroutinesMaxLagMs = res.WallSeconds, 1000*lag
			m.GoroutinesShare = ShareOf(res, e.cores, e.Window)
		}
		runs = append(runs, res)
	}
	o := &Outcome{Runs: runs, Measured: m, Answer: m.FrozenSeconds}
	o.Holds, o.Verdict = m.judge(e.cores)
	return o, nil
}

// judge applies the freeze rule: frozen for the whole blocking run (less
// the frames a heartbeat may tick after it began), never past the
// noticeable lag with goroutines.
func (m FreezeMeasured) judge(cores int) (bool, string) {
	switch {
	case m.FrozenSeconds < m.BlockingSeconds-3*frame.Seconds():
		return false, fmt.Sprintf("Does not hold here: the blocking run took %.1f s but the UI thread answered within %.2f s. That is a bug in Concurrency Lab: please report it.",
			m.BlockingSeconds, m.FrozenSeconds)
	case m.GoroutinesMaxLagMs > float64(frozenLag.Milliseconds()):
		why := "Nothing else measurably took the cores then: the UI thread waited for a core the work's goroutines had."
		switch s := m.GoroutinesShare; {
		case !s.OthersKnown:
			why = "Whether another program was using a core is not known here."
		case s.Taken():
			why = ""
		}
		return false, strings.TrimSpace(fmt.Sprintf("Does not hold here: with goroutines the UI thread still waited up to %.0f ms. During that run %s. %s",
			m.GoroutinesMaxLagMs, m.GoroutinesShare.Text(cores), why))
	}
	return true, fmt.Sprintf("Holds: on the UI thread the %.1f s run froze the window for %.1f s, all of it. On goroutines the same work took %.1f s and the UI thread never waited more than %.0f ms.",
		m.BlockingSeconds, m.FrozenSeconds, m.GoroutinesSeconds, m.GoroutinesMaxLagMs)
}

// frame is how often a UI thread's heartbeat ticks: sixty times a second.
const frame = 16 * time.Millisecond

// eventLoop stands in for a window's UI thread in a terminal: one goroutine
// runs the functions posted to it, one at a time, and every frame a
// heartbeat. How late a heartbeat runs is the lag a window would show: while
// a posted function runs, none can.
type eventLoop struct {
	work chan func()
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	beat []beat
}

type beat struct {
	at  time.Time
	lag time.Duration
}

func newEventLoop() *eventLoop {
	l := &eventLoop{work: make(chan func()), stop: make(chan struct{}), done: make(chan struct{})}
	go l.loop()
	return l
}

func (l *eventLoop) loop() {
	defer close(l.done)
	t := time.NewTicker(frame)
	defer t.Stop()
	for {
		select {
		case f := <-l.work:
			f()
		case tick := <-t.C: // a tick missed while f ran is delivered late: that is the lag
			now := time.Now()
			l.mu.Lock()
			l.beat = append(l.beat, beat{at: now, lag: now.Sub(tick)})
			l.mu.Unlock()
		case <-l.stop:
			return
		}
	}
}

// Do runs f on the loop's goroutine and waits for it.
func (l *eventLoop) Do(f func()) {
	done := make(chan struct{})
	l.work <- func() { f(); close(done) }
	<-done
}

// Lag is the longest a heartbeat due between from and to waited; it first
// lets the heartbeat that waited out the end of a freeze run.
func (l *eventLoop) Lag(from, to time.Time) time.Duration {
	l.Do(func() {})
	time.Sleep(2 * frame) // the tick that waited is delivered within a frame
	l.mu.Lock()
	defer l.mu.Unlock()
	var worst time.Duration
	for _, b := range l.beat {
		if due := b.at.Add(-b.lag); b.at.After(from) && !due.After(to) {
			worst = max(worst, b.lag)
		}
	}
	return worst
}

func (l *eventLoop) close() {
	close(l.stop)
	<-l.done
}
