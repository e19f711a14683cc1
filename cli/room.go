package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"concurrencylab/lesson"
	"concurrencylab/room"
)

// Room runs `concurrencylab room [--listen ADDR] [--dir DIR] [--json
// FILE]`: the facilitator's room, which gathers every participant's lesson
// outcomes until Ctrl+C or SIGTERM, then writes FILE (and room.md,
// room.csv beside it) if asked. It returns the exit code: 0 after Ctrl+C
// or SIGTERM with everything written, 1 when the room could not start or
// its results not be written, 2 for a bad command line.
func Room(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("concurrencylab room", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: concurrencylab room [--listen ADDR] [--dir DIR] [--json FILE]

Gathers a workshop's lesson outcomes: each participant runs the line this
prints (or pastes it into the window's Lessons tab, Join a room), and a
table here shows per lesson how many sent it, their predictions, what
their laptops measured, and on how many the claim held. Every result is
kept in DIR as it arrives: started again with the same DIR, the room has
the same token and every result. Ctrl+C ends it.

The room's server also takes cluster runs: give its address and token to
bench --cluster, and laptops join with concurrencylab join.

Flags:
`)
		fs.PrintDefaults()
	}
	listen := fs.String("listen", "", "address to listen on, e.g. 0.0.0.0:4222 for a room's laptops (default: this machine only)")
	dir := fs.String("dir", "", "where the room keeps its token and results (default: the user's cache folder)")
	jsonFile := fs.String("json", "", "at the end, write the results to `FILE` (JSON), with room.md and room.csv beside it")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "concurrencylab room: unexpected %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	h := &room.Host{Dir: *dir, Listen: *listen, Logf: func(format string, a ...any) {
		fmt.Fprintf(stderr, "concurrencylab room: "+format+"\n", a...)
	}}
	if err := h.Start(); err != nil {
		fmt.Fprintln(stderr, "concurrencylab room:", err)
		return 1
	}
	defer h.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Fprint(stderr, roomBanner(h))
	live := newRoomView(stdout, isTerminal(stdout), roomBanner(h))
	changes := h.Changes()
	live.show(h.Snapshot())
	// At most a few redraws a second, however fast results pour in.
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	dirty := false
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-changes:
			dirty = true
		case <-tick.C:
			if dirty {
				live.show(h.Snapshot())
				dirty = false
			}
		}
	}
	stop()
	s := h.Snapshot()
	live.show(s)
	live.final(s)
	if *jsonFile != "" {
		files, err := room.Save(s, *jsonFile)
		if err != nil {
			fmt.Fprintln(stderr, "concurrencylab room: writing the results:", err)
			return 1
		}
		fmt.Fprintf(stderr, "room results written: %s\n", strings.Join(files, ", "))
	}
	fmt.Fprintf(stderr, "room closed; its results stay in %s (start it again with --dir %s to carry on)\n", h.Dir, h.Dir)
	return 0
}

// roomBanner is what participants need: the line to run, and how to join
// from the window.
func roomBanner(h *room.Host) string {
	var b strings.Builder
	urls := h.JoinURLs()
	if len(urls) == 0 {
		fmt.Fprintf(&b, "the room listens on %s: this machine only (for a room's laptops: --listen 0.0.0.0:4222)\n", h.URL())
		urls = []string{h.URL()}
	} else {
		fmt.Fprintf(&b, "the room listens on port %d, guarded by a token\n", h.Port())
	}
	b.WriteString("participants run (with their own name; if this machine has several addresses, the one on the room's network):\n")
	for _, u := range urls {
		fmt.Fprintf(&b, "  %s\n", h.JoinLine(u))
	}
	b.WriteString("or, in the window: Lessons tab, Join a room, and paste that line\n")
	fmt.Fprintf(&b, "cluster runs on the same server: concurrencylab bench --cluster %s --token %s …; laptops: concurrencylab join %s --token %s\n",
		h.URL(), h.Token(), urls[0], h.Token())
	b.WriteString("Ctrl+C ends the room\n")
	return b.String()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// roomView shows the room as results arrive: on a terminal a table drawn
// again in place; otherwise (a log, a pipe) a line per new result.
type roomView struct {
	w        io.Writer
	terminal bool
	banner   string
	printed  map[string]bool // lesson/id/runs already told
	rejected int
}

func newRoomView(w io.Writer, terminal bool, banner string) *roomView {
	return &roomView{w: w, terminal: terminal, banner: banner, printed: map[string]bool{}}
}

func (v *roomView) show(s room.Snapshot) {
	if v.terminal {
		fmt.Fprint(v.w, "\x1b[H\x1b[2J", v.banner, "\n")
		writeRoomTable(v.w, s)
		return
	}
	now := time.Now().Format("15:04:05")
	var arrived []room.Result
	for _, name := range s.Order {
		for _, r := range slices.Concat(s.Lessons[name].History, s.Lessons[name].Results) {
			key := fmt.Sprintf("%s/%s/%d", name, r.ID, r.Sent.UnixNano())
			if !v.printed[key] {
				v.printed[key] = true
				arrived = append(arrived, r)
			}
		}
	}
	slices.SortStableFunc(arrived, func(a, b room.Result) int { return a.Received.Compare(b.Received) })
	for _, r := range arrived {
		l, _ := lesson.Find(r.Lesson)
		pred := "no prediction"
		if r.Prediction != nil {
			pred = "predicted " + l.AnswerText(*r.Prediction)
		}
		holds := "the claim holds"
		if !r.Holds {
			holds = "the claim does not hold"
		}
		fmt.Fprintf(v.w, "%s %-10s %s (%d cores, %s): %s, measured %s, %s\n", r.Received.Local().Format("15:04:05"), r.Lesson,
			r.Name, r.Cores, r.OS, pred, l.AnswerText(r.Answer), holds)
	}
	if s.Rejected != v.rejected {
		fmt.Fprintf(v.w, "%s rejected %d %s so far (%s): never shown as results\n", now, s.Rejected, plural(s.Rejected, "message", "messages"), reasons(s))
		v.rejected = s.Rejected
	}
}

// final prints the table once at the end for a log, which had only lines.
func (v *roomView) final(s room.Snapshot) {
	if !v.terminal {
		fmt.Fprintln(v.w)
		writeRoomTable(v.w, s)
	}
}

// writeRoomTable is the room's summary: a row per lesson.
func writeRoomTable(w io.Writer, s room.Snapshot) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "lesson\tsent\tpredicted: median (range)\tmeasured: median (range)\tin\tclaim held on\t")
	for _, name := range s.Order {
		sum := s.Lessons[name]
		l, _ := lesson.Find(name)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d of %d\t\n", name, sum.Count, compactSpread(l, sum.Predictions), compactSpread(l, sum.Answers),
			unitWords(l), sum.Held, sum.Count)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d %s", len(s.Participants), plural(len(s.Participants), "participant", "participants"))
	if s.Rejected > 0 {
		fmt.Fprintf(w, "; %d %s rejected (%s)", s.Rejected, plural(s.Rejected, "message", "messages"), reasons(s))
	}
	fmt.Fprintln(w)
}

// compactSpread is a spread's figures for a terminal's table, their unit
// in a column of its own: "1.02 (0.91-1.10)".
func compactSpread(l *lesson.Lesson, s room.Spread) string {
	num := func(v float64) string {
		switch l.Unit {
		case "×":
			return fmt.Sprintf("%.2f", v)
		case "lost":
			return fmt.Sprintf("%.0f%%", 100*v)
		case "seconds":
			return fmt.Sprintf("%.1f", v)
		}
		if v < 10 && v != float64(int(v)) {
			return fmt.Sprintf("%.1f", v)
		}
		return fmt.Sprintf("%.0f", v)
	}
	switch s.N {
	case 0:
		return "-"
	case 1:
		return num(s.Median)
	}
	return fmt.Sprintf("%s (%s-%s)", num(s.Median), num(s.Min), num(s.Max))
}

// unitWords says what a lesson's figures count.
func unitWords(l *lesson.Lesson) string {
	switch l.Unit {
	case "×":
		return "× faster"
	case "lost":
		return "lost"
	case "seconds":
		return "s frozen"
	case "times":
		return "times as long"
	}
	return l.Unit
}

func reasons(s room.Snapshot) string {
	var parts []string
	for r, n := range s.Reasons {
		parts = append(parts, fmt.Sprintf("%s: %d", r, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
