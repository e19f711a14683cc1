package ui

import "time"

// frameInterval is how often the UI is updated and the heartbeat probes it.
const frameInterval = 16 * time.Millisecond

// Start begins the frame loop: every frame it asks the UI goroutine to run
// one probe (the heartbeat) which also applies what the bridge holds. A
// probe is only asked for when the last one has run, so frames never pile
// up behind a frozen UI goroutine.
func (l *Lab) Start() {
	if policy.governed {
		go l.govern()
	}
	go func() {
		t := time.NewTicker(frameInterval)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case tick := <-t.C:
				if l.probeQueued.CompareAndSwap(false, true) {
					l.do(func() { l.frame(tick) })
				}
			}
		}
	}()
}

// frame runs on the UI goroutine once per frame: the heartbeat's probe,
// then, every barEvery frames, the moving bar, the bridge's notes and one
// slot of frameSlots.
func (l *Lab) frame(tick time.Time) {
	l.beat.record(tick, time.Now())
	l.probeQueued.Store(false)
	n := l.frames.Add(1)
	if n%barEvery != 0 {
		return
	}
	l.meter.move(tick)
	changed := l.applyNotes()
	slot := frameSlots[n/barEvery%int64(len(frameSlots))]
	if slot.update(l) || changed { // the moving bar alone resizes nothing
		l.settleLayout()
	}
}

// barEvery is how often the window changes, in frames: the moving bar at
// 30 Hz is smooth to the eye, and half the repaints of 60 (a repaint
// redraws the whole window). The heartbeat still probes every frame.
const barEvery = 2

// frameSlots are the window's updates, one a bar frame, in turn: each comes
// ten times a second, and no repaint carries all of them. Progress's text
// must be laid out again at every change; the readout comes with the
// timeline's picture; the gallery's new cells and pictures are new
// textures. Nothing else changes the window between frames (the gallery's
// loader and the timeline's renderer leave their pictures for the gallery
// and timeline slots; everything else waits in the bridge), so each change
// costs one repaint, right after the probe that made it. update reports
// whether it changed anything.
var frameSlots = []struct {
	name   string
	update func(*Lab) bool
}{
	{"progress", func(l *Lab) bool { return l.run != nil && l.flush() }},
	{"meter and timeline", func(l *Lab) bool {
		changed := l.meter.show(l.beat.now())
		changed = l.timeline.applyRender() || changed
		l.timeline.maybeRender()
		return changed
	}},
	{"gallery", func(l *Lab) bool { return l.gallery.applyReady() }},
}

// applyNotes applies the bridge's notes (the status line, the end of a run
// or a lesson, background work's results), in the order they came, and
// reports whether there were any. Every bar frame does: they are few, and
// the end of a run should not wait for the progress slot.
func (l *Lab) applyNotes() bool {
	notes := l.bridge.takeNotes()
	for _, n := range notes {
		n.apply(l)
	}
	return len(notes) > 0
}

// flush applies the run's progress since the last frame, and reports
// whether it changed anything on screen.
func (l *Lab) flush() bool {
	s := l.bridge.take()
	changed := l.prog.show(s)
	if !s.changed {
		return changed
	}
	if l.run != nil && l.run.cluster {
		l.cluster.showJoined(s.lanes)
	}
	l.gallery.add(s.newItems)
	l.errors.add(s.newErrs)
	return true
}

// settleLayout lays out again, now, whatever this frame's changes resized.
// Fyne 2.7's GL window does it at the start of its next repaint, after it
// has marked the window clean, and laying out moves objects, which marks it
// dirty again: every change of a text's width cost a second, identical
// repaint right after the first (measured: about 10 a second during a run),
// and a probe that came during the first waited for both. Done here, the
// repaint finds nothing left to lay out. EnsureMinSize is the GL canvas's
// own method, not fyne.Canvas's: a canvas without it is left alone.
func (l *Lab) settleLayout() {
	if l.win == nil {
		return
	}
	c, ok := l.win.Canvas().(interface{ EnsureMinSize() bool })
	if ok && c.EnsureMinSize() {
		// The content outgrew the window: grow it, as the repaint would have.
		l.win.Resize(l.win.Content().MinSize().Max(l.win.Canvas().Size()))
	}
}

// doWait runs f on the UI goroutine and returns when it has. It is for
// what must happen there before the caller goes on, not for updates (those
// go through the bridge): a Blocking run and the freeze lesson lend the UI
// goroutine to their work, a run's clock starts there, and Autorun acts
// there as a person would.
func (l *Lab) doWait(f func()) {
	done := make(chan struct{})
	l.do(func() { f(); close(done) })
	<-done
}

// waitFrames returns after the UI goroutine has run n more frames, or after
// 10 s if it does not.
func (l *Lab) waitFrames(n int64) {
	target := l.frames.Load() + n
	deadline := time.Now().Add(10 * time.Second)
	for l.frames.Load() < target && time.Now().Before(deadline) {
		time.Sleep(frameInterval / 2)
	}
}
