package ui

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"

	"concurrencylab/assets"
	"concurrencylab/jobs/priority"
)

// Overview is the top of `concurrencylab --help`: what the program does, its
// subcommands, then the window's flags.
const Overview = `Concurrency Lab shows what blocking, goroutines and worker processes do to
speed and to a window that must stay responsive.

Usage:
  concurrencylab [flags]             open the window
  concurrencylab bench [flags]       run the same work from a terminal and print a table
  concurrencylab lesson NAME|all     check a claim of the threads-vs-processes tutorials
                                     on this computer (concurrencylab lesson --list)
  concurrencylab join nats://HOST:PORT --token T
                                     lend this computer's cores to a cluster run elsewhere
  concurrencylab room [--listen ADDR] gather a workshop's lesson outcomes live (it prints
                                     the line participants run: lesson all --room …)
  concurrencylab --version           the version

"concurrencylab bench -h", "concurrencylab lesson -h", "concurrencylab join -h" and
"concurrencylab room -h" list their own flags.

Window flags:
`

// AppID identifies the app's preferences; it matches FyneApp.toml.
const AppID = "io.concurrencylab.app"

// Main opens the window and returns the exit code when it closes. Flags:
// --autorun runs (task=…,mode=…,workers=…,images=…[;…]) at start,
// --screenshot FILE saves the window after them, --stats-json FILE writes
// their results and the UI heartbeat, and then the app quits by itself.
func Main(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("concurrencylab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	autorun := fs.String("autorun", "", "runs to do at start, e.g. task=thumbnail,mode=processes,workers=2,images=24 (several separated by ;), or lessons, e.g. lesson=cpu-bound,prediction=1.5, "+
		"or a room to host until it shows N results, room=ADDR,results=N[,dir=DIR][,lesson=NAME]; then quit")
	shot := fs.String("screenshot", "", "with --autorun: save the window as PNG here at the end")
	stats := fs.String("stats-json", "", "with --autorun: write the runs and UI lag figures here as JSON")
	quick := fs.Bool("quick", false, "lessons: run their small, quick forms (their effects show less sharply)")
	py := fs.String("python", "", "the Python 3 the lessons measure beside Go (io-bound, primes), for this launch; empty: the one set in the Lessons tab, else python3 on PATH")
	tab := fs.String("tab", "gallery", "the tab shown at start: lessons, gallery, timeline, results, room or errors")
	workerPrio := fs.String("worker-priority", "nice=4", "how the runs' workers share the CPU with the window and other programs: nice=N, idle=N (nice N under SCHED_IDLE: only the CPU nothing else wants), batch=N (SCHED_BATCH) or governor (lowered only while the window is late); see docs/performance.md")
	fs.Usage = func() {
		fmt.Fprint(stderr, Overview)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "concurrencylab: unexpected argument %q (try: concurrencylab bench -h)\n", fs.Arg(0))
		return 2
	}
	p, err := parsePolicy(*workerPrio)
	if err != nil {
		fmt.Fprintln(stderr, "concurrencylab: --worker-priority:", err)
		return 2
	}
	p.use()
	var plan []Settings
	var lessons []LessonPlan
	var hosted *RoomPlan
	if IsRoomAutorun(*autorun) {
		p, err := ParseRoomAutorun(*autorun)
		if err != nil {
			fmt.Fprintln(stderr, "concurrencylab: --autorun:", err)
			return 2
		}
		hosted = &p
	} else if IsLessonAutorun(*autorun) {
		var err error
		if lessons, err = ParseLessonAutorun(*autorun); err != nil {
			fmt.Fprintln(stderr, "concurrencylab: --autorun:", err)
			return 2
		}
	} else if *autorun != "" {
		var err error
		if plan, err = ParseAutorun(*autorun, DefaultSettings()); err != nil {
			fmt.Fprintln(stderr, "concurrencylab: --autorun:", err)
			return 2
		}
	} else if *shot != "" || *stats != "" {
		fmt.Fprintln(stderr, "concurrencylab: --screenshot and --stats-json go with --autorun")
		return 2
	}

	if why := noDisplay(); why != "" {
		fmt.Fprintf(stderr, "concurrencylab: %s.\nIn a terminal, \"concurrencylab bench\" and \"concurrencylab lesson\" do the same work without a window.\n", why)
		return 1
	}
	spareP()
	// On Windows the window's UI thread one step above the workers, which
	// run at NORMAL to keep their fair share (see priority.RaiseThread).
	priority.RaiseThread()
	// Fyne reports a window it cannot open in its log: say the one line that
	// tells the user what to do when it is for want of OpenGL.
	defer log.SetOutput(log.Writer())
	log.SetOutput(&glWatch{out: stderr, missing: func() {
		// While the window is being made: no run, no worker has started.
		// Fyne would go on with a window that cannot draw, or quit.
		alert("Concurrency Lab", NoOpenGL)
		os.Exit(1)
	}})
	a := app.NewWithID(AppID)
	withoutStoppedHook(a)
	icon := fyne.NewStaticResource("icon.png", assets.Icon)
	a.SetIcon(icon)
	w := a.NewWindow("Concurrency Lab")
	w.SetMaster() // closing it quits, and closes the room's board with it
	withoutDepthBuffer()
	w.SetIcon(icon)
	l := New(a, w, fyne.Do)
	a.Settings().SetTheme(newScaledTheme(l.scale))                   // the presentation scale kept from last time
	l.Persist = len(plan) == 0 && len(lessons) == 0 && hosted == nil // scripted runs leave the user's choices alone
	l.LessonQuick = *quick
	if *py != "" {
		l.UsePython(*py)
	}
	w.SetContent(l.Content())
	if !l.ShowTab(*tab) {
		fmt.Fprintf(stderr, "concurrencylab: no tab %q (want lessons, gallery, timeline, results, room or errors)\n", *tab)
		return 2
	}
	w.Resize(fyne.NewSize(1200, 700)) // fits a 1366×768 screen, a projector's usual
	l.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}, l.Run)
	// The presentation scale: Ctrl+= (or Ctrl++) larger, Ctrl+- smaller,
	// Ctrl+0 normal, as in browsers; also under Responsiveness. (Not a
	// menu bar: its height would push the window past a 1366×768 screen at
	// the largest scale.)
	zoom := func(key fyne.KeyName, mod fyne.KeyModifier) *desktop.CustomShortcut {
		return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault | mod}
	}
	for _, z := range []struct {
		sc   *desktop.CustomShortcut
		step int
	}{{zoom(fyne.KeyEqual, 0), 1}, {zoom(fyne.KeyEqual, fyne.KeyModifierShift), 1}, {zoom(fyne.KeyPlus, 0), 1}, {zoom(fyne.KeyMinus, 0), -1}, {zoom(fyne.Key0, 0), 0}} {
		l.AddShortcut(z.sc, func() { l.Zoom(z.step) })
	}

	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			l.Cancel()
		}
	})
	var code atomic.Int32
	ended := make(chan struct{}) // closed when ShowAndRun returns
	var watch sync.Once
	quitting := func() {
		watch.Do(func() {
			go exitIfStuck(ended, quitGrace, func() {
				fmt.Fprintf(stderr, "concurrencylab: the window did not finish closing within %v; exiting anyway\n", quitGrace)
				l.Close()
				os.Exit(int(code.Load()))
			})
		})
	}
	w.SetOnClosed(func() {
		l.Close()
		quitting()
	})
	a.Lifecycle().SetOnStarted(func() {
		l.Start()
		if len(plan) > 0 || len(lessons) > 0 || hosted != nil {
			go func() {
				run := func() error { return l.Autorun(plan, *shot, *stats) }
				if len(lessons) > 0 {
					run = func() error { return l.AutorunLessons(lessons, *shot, *stats) }
				}
				if hosted != nil {
					run = func() error {
						return l.AutorunRoom(*hosted, *shot, *stats, func(line string) {
							fmt.Fprintf(stderr, "concurrencylab: hosting a room; participants join with:\n  %s\n", line)
						})
					}
				}
				err := run()
				if errors.Is(err, errStopped) {
					return // whoever stopped it (a signal, the window closing) quits
				}
				if err != nil {
					fmt.Fprintln(stderr, "concurrencylab: autorun:", err)
					code.Store(1)
				}
				quitting()
				// No frame may be posted to the UI goroutine's queue once
				// Fyne has closed it: stop them first.
				fyne.Do(func() {
					l.Close()
					a.Quit()
				})
			}()
		}
	})
	// Ctrl+C or SIGTERM (a script giving up on --autorun, a session
	// ending): stop the runs, close the window, and say so in the exit code.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case sig := <-sigs:
			code.Store(130)
			if sig == syscall.SIGTERM {
				code.Store(143)
			}
			fmt.Fprintf(stderr, "concurrencylab: %v: stopping\n", sig)
			quitting()
			fyne.Do(func() {
				l.Close()
				a.Quit()
			})
		case <-ended:
		}
	}()
	w.ShowAndRun()
	close(ended)
	l.Close()
	// No worker process outlives the window: a cancelled run ends once its
	// pool has waited for them.
	if !l.WaitWork(quitGrace) {
		fmt.Fprintln(stderr, "concurrencylab: a run did not stop in time")
	}
	return int(code.Load())
}

// spareP gives the window's process one P more than Go's default (the CPUs
// it may use), unless GOMAXPROCS is set. Its UI goroutine spends most of
// each repaint in a cgo call and needs a P again when it returns, as does
// every probe and update handed to it; meanwhile the gallery's loader, the
// GC and a process pool's supervisors may hold every P. The work itself is
// unaffected: a process pool's workers run with GOMAXPROCS=1 each, and
// jobs.Run sets GOMAXPROCS for an in-process run and puts this value back
// after it. What it gained in the window's lag: docs/performance.md
// (scripts/lag_ab.py).
func spareP() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 1)
	}
}

// withoutStoppedHook removes Fyne 2.7.1's own "stopped" hook, which saves the
// preferences, to keep its shutdown from racing. When its loop ends, Fyne
// hands the hook to its lifecycle goroutine and then drains and closes the
// queue of functions for the UI goroutine; that goroutine posts the hook to
// the queue, and if it does so after the close the process panics ("send on
// closed channel", exit 2), and just before it, waits forever (see
// quitGrace). With no hook, nothing is posted. The preferences lose nothing: Fyne writes them at
// every change, and saveSettings makes all of them one change. The method
// belongs to Fyne's internal lifecycle type; without it, nothing changes
// (TestFyneHasWhatTheWorkaroundsUse fails then).
func withoutStoppedHook(a fyne.App) {
	if lc, ok := a.Lifecycle().(interface{ SetOnStoppedHookExecuted(func()) }); ok {
		lc.SetOnStoppedHookExecuted(nil)
	}
}

// quitGrace is how long the app gives Fyne to finish quitting once the
// window has closed: Fyne 2.7.1 can hang there for good. Its loop drains the
// queue of functions waiting for the UI goroutine and then marks it closed,
// while the lifecycle goroutine may put the "stopped" callback into it in
// between and wait for it; ShowAndRun then waits for that goroutine forever.
// withoutStoppedHook removes the callback, the one cause known; this stays
// as the backstop. Nothing is left to do by then: runs are cancelled and
// files written.
const quitGrace = 5 * time.Second

// exitIfStuck calls exit unless ended is closed within grace.
func exitIfStuck(ended <-chan struct{}, grace time.Duration, exit func()) {
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-ended:
	case <-t.C:
		exit()
	}
}
