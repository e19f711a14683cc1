package ui

import (
	"sync"

	"fyne.io/fyne/v2"
)

// A view is one part of the window: the Run controls, Progress, the
// Responsiveness meter, a tab. Its constructor builds and owns its widgets,
// and it offers the Lab a few methods in the words of what it shows ("a run
// started", "these items finished"); no view calls another. The Lab is the
// one that knows them all: it places their objects, passes what one view
// reports on to the others, and owns the run under way (activeRun).
//
// Adding a view (a tab for rooms, say):
//   - a file of its own with a type that holds its widgets, a constructor
//     newXView(…) taking only what it needs (the preferences, a background
//     for slow work, callbacks for its buttons, which the Lab wires to its
//     own methods), and object(), what the Lab places;
//   - the optional interfaces below, for what every view may want to hear
//     (the presentation scale, runs starting and ending, the window closing);
//   - in Lab: a field, the constructor's call in New, the object placed in
//     Content (a tab: container.NewTabItem), and in the views list;
//   - nothing from another goroutine touches its widgets: slow work goes
//     through background.run, whose result is applied at the next frame;
//     engine events come through the bridge.
type view interface {
	object() fyne.CanvasObject
}

// rescaler is a view with something drawn at the presentation scale (see
// Lab.SetScale): it draws it again.
type rescaler interface{ rescale(scale float32) }

// runShower is a view whose controls change while a run or a lesson is
// under way (Run disabled, sharing fixed).
type runShower interface{ showRunning(on bool) }

// closer is a view with something to stop when the window closes.
type closer interface{ close() }

// background runs a view's slow work off the UI goroutine (starting a
// server, drawing a chart, writing a file): work runs on a goroutine the
// Lab waits for at exit, and what it returns, if not nil, is applied on the
// UI goroutine at the next frame, through the bridge, unless the window has
// closed meanwhile.
type background struct {
	work *sync.WaitGroup
	post func(func())
}

func (b background) run(work func() (apply func())) {
	b.work.Go(func() {
		if apply := work(); apply != nil {
			b.post(apply)
		}
	})
}
