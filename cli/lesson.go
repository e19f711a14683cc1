package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
	"concurrencylab/lesson/report"
	"concurrencylab/results"
	"concurrencylab/room"
)

// Lesson runs `concurrencylab lesson args` and returns the exit code: 0 when
// the lessons ran, whatever their verdicts; 1 when one could not run, or
// with --room when the room could not be joined or did not get every
// outcome; 2 for a bad command line; 130 when interrupted.
func Lesson(args []string, stdout, stderr io.Writer) int {
	f, err := parseLesson(args, stderr)
	if err != nil {
		return usageCode(err)
	}
	if f.list {
		for _, l := range lesson.All {
			fmt.Fprintf(stdout, "%-10s %s\n", l.Name, l.Claim)
		}
		return 0
	}
	// A room is dialled before any lesson runs: a wrong token or address
	// costs seconds, not a lesson's minutes.
	var rc *room.Client
	if f.room != "" {
		c, err := room.Dial(f.room, f.token, f.name)
		if err != nil {
			fmt.Fprintln(stderr, "concurrencylab lesson:", err)
			return 1
		}
		defer c.Close()
		rc = c
		fmt.Fprintf(stderr, "joined the room at %s as %s (id %s)\n", f.room, c.Name(), c.ID())
	}
	var unsent int
	code := interruptible("lesson", stderr, func(ctx context.Context) error {
		outcomes, err := runLessons(ctx, f, rc, stderr)
		if rc != nil {
			unsent = waitForRoom(ctx, rc, stderr)
		}
		if err != nil {
			return err
		}
		if f.report != "" {
			if err := report.Write(f.report, outcomes, f.predictions); err != nil {
				return fmt.Errorf("writing the report: %w", err)
			}
			fmt.Fprintf(stderr, "report written to %s\n", f.report)
		}
		switch {
		case f.json && len(f.predictions) > 0:
			// With predictions, each outcome carries its own, as
			// report's lessons.json does.
			entries := make([]report.Entry, len(outcomes))
			for i, o := range outcomes {
				entries[i] = report.Entry{Outcome: o, Prediction: f.prediction(o.Lesson)}
			}
			if len(entries) == 1 {
				writeJSON(stdout, entries[0])
			} else {
				writeJSON(stdout, entries)
			}
		case f.json && len(f.lessons) == 1:
			writeJSON(stdout, outcomes[0])
		case f.json:
			writeJSON(stdout, outcomes)
		default:
			for i, o := range outcomes {
				if i > 0 {
					fmt.Fprintln(stdout)
				}
				printOutcome(stdout, f.lessons[i], o, f.prediction(o.Lesson))
			}
		}
		return nil
	})
	if code == 0 && unsent > 0 {
		return 1
	}
	return code
}

// waitForRoom gives a room that went away a little while to come back for
// the outcomes kept, and says what could not be sent; it returns how many.
func waitForRoom(ctx context.Context, c *room.Client, stderr io.Writer) int {
	n := c.Pending()
	if n == 0 {
		return 0
	}
	fmt.Fprintf(stderr, "the room has not stored %d %s yet: waiting up to %v for it…\n", n, results.Plural(n, "outcome", "outcomes"), roomWait)
	wait, cancel := context.WithTimeout(ctx, roomWait)
	defer cancel()
	if n = c.Flush(wait); n == 0 {
		fmt.Fprintln(stderr, "the room has every outcome now")
		return 0
	}
	why := ""
	if e := c.Status().Err; e != "" {
		why = " (" + e + ")"
	}
	fmt.Fprintf(stderr, "NOT SENT: %d %s did not reach the room%s. They are kept on this computer and go the next time you run with --room to this room.\n",
		n, results.Plural(n, "outcome", "outcomes"), why)
	return n
}

// roomWait is how long a participant's run waits at its end for a room
// that went away (a facilitator restarting it takes a few seconds).
var roomWait = 20 * time.Second

type lessonFlags struct {
	lessons []*lesson.Lesson
	list    bool
	json    bool
	quick   bool
	report  string
	python  string // the Python beside Go; "": python3 on PATH
	// The room to send each outcome to, and as whom.
	room, token, name string
	predictions       map[string]float64 // by lesson name
}

// prediction is the participant's prediction for lesson name, or nil.
func (f lessonFlags) prediction(name string) *float64 {
	if p, ok := f.predictions[name]; ok {
		return &p
	}
	return nil
}

func parseLesson(args []string, stderr io.Writer) (lessonFlags, error) {
	var f lessonFlags
	fs := flag.NewFlagSet("concurrencylab lesson", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: concurrencylab lesson NAME|all [flags]
       concurrencylab lesson --list

Runs a lesson: a claim of the threads-vs-processes tutorials checked on this
computer. It prints the claim, the runs, what to expect with this many cores,
what was measured, and whether the claim holds here. Progress goes to stderr.

In a workshop, the facilitator's "concurrencylab room" prints the line to
run: --room, --token and --name send each outcome (and your --predict) to
the room's screen. A wrong token or address fails before any lesson runs.

Lessons:
`)
		for _, l := range lesson.All {
			fmt.Fprintf(stderr, "  %-10s %s\n", l.Name, l.Title)
		}
		fmt.Fprint(stderr, "\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.BoolVar(&f.list, "list", false, "list the lessons and their claims, one per line")
	fs.BoolVar(&f.json, "json", false, "print the outcome as JSON (an array for all)")
	fs.BoolVar(&f.quick, "quick", false, "a small, fast form of each lesson (its effects show less sharply)")
	fs.StringVar(&f.report, "report", "", "also write DIR/report.md (with charts as PNG beside it) and DIR/lessons.json")
	fs.StringVar(&f.python, "python", "", "the Python 3 to measure beside Go (the primes lesson); empty: python3 on PATH")
	fs.StringVar(&f.room, "room", "", "send each outcome to the room at `nats://HOST:PORT` (the line `concurrencylab room` prints)")
	fs.StringVar(&f.token, "token", "", "the room's token (printed by `concurrencylab room`)")
	fs.StringVar(&f.name, "name", "", "your name as the room shows it (at most 40 characters)")
	predict := fs.String("predict", "", "your answer to the lesson's question before it runs, e.g. 1.5 or 40%; with all, NAME=X,NAME=X")
	// Flags may come after the lesson's name.
	var names []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return f, err
			}
			return f, errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		names = append(names, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	bad := func(format string, a ...any) (lessonFlags, error) {
		fmt.Fprintf(stderr, "concurrencylab lesson: "+format+"\n", a...)
		fs.Usage()
		return f, errUsage
	}
	switch {
	case f.list && len(names) > 0:
		return bad("--list takes no lesson name")
	case f.list:
		return f, nil
	case len(names) == 0:
		return bad("which lesson? (a name, or all)")
	case len(names) > 1:
		return bad("one lesson at a time, or all (not %s)", strings.Join(names, " "))
	case names[0] == "all":
		f.lessons = lesson.All
	default:
		l, err := lesson.Find(names[0])
		if err != nil {
			return bad("%v", err)
		}
		f.lessons = []*lesson.Lesson{l}
	}
	if f.room != "" && strings.TrimSpace(f.name) == "" {
		return bad("--room needs --name YOURNAME: the name the room shows beside your results")
	}
	if f.room == "" && (f.token != "" || f.name != "") {
		return bad("--token and --name are for a room: add --room nats://HOST:PORT")
	}
	if *predict != "" {
		p, err := parsePredictions(*predict, f.lessons)
		if err != nil {
			return bad("--predict: %v", err)
		}
		f.predictions = p
	}
	return f, nil
}

// parsePredictions reads --predict: one answer for one lesson, or
// NAME=X,NAME=X for several.
func parsePredictions(text string, ls []*lesson.Lesson) (map[string]float64, error) {
	out := map[string]float64{}
	if !strings.Contains(text, "=") {
		if len(ls) != 1 {
			return nil, fmt.Errorf("one answer is for one lesson; for several, give NAME=X,NAME=X (e.g. race=40%%,cpu-bound=1.5)")
		}
		p, err := lesson.ParsePrediction(text, ls[0].Unit)
		if err != nil {
			return nil, err
		}
		out[ls[0].Name] = *p
		return out, nil
	}
	for _, part := range strings.Split(text, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		i := slices.IndexFunc(ls, func(l *lesson.Lesson) bool { return l.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("%q is not a lesson being run", name)
		}
		p, err := lesson.ParsePrediction(val, ls[i].Unit)
		if err != nil || p == nil {
			return nil, fmt.Errorf("%s: %q is not a number (for example 1.5)", name, val)
		}
		out[name] = *p
	}
	return out, nil
}

// runLessons runs f's lessons in turn and, with a room, sends each outcome
// as it is known.
func runLessons(ctx context.Context, f lessonFlags, rc *room.Client, stderr io.Writer) ([]*lesson.Outcome, error) {
	dir, err := os.MkdirTemp("", "concurrencylab-lesson-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var outcomes []*lesson.Outcome
	for _, l := range f.lessons {
		fmt.Fprintf(stderr, "== lesson %s: %s\n", l.Name, l.Title)
		prog := newProgress(ctx, stderr)
		env := lesson.Env{Dir: dir, Quick: f.quick, Reporter: prog.bar, Python: f.python,
			Logf: func(format string, a ...any) { fmt.Fprintf(stderr, "   "+format+"\n", a...) }}
		o, err := l.Run(ctx, env)
		prog.wait()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Name, err)
		}
		outcomes = append(outcomes, o)
		if rc != nil {
			sendToRoom(rc, o, f.prediction(l.Name), stderr)
		}
	}
	return outcomes, nil
}

// sendToRoom sends one outcome and says how it went.
func sendToRoom(rc *room.Client, o *lesson.Outcome, prediction *float64, stderr io.Writer) {
	ro, err := room.FromLesson(o, prediction)
	if err == nil {
		err = rc.Send(ro)
	}
	switch {
	case err == nil:
		fmt.Fprintf(stderr, "   sent to the room\n")
	case errors.Is(err, room.ErrKept):
		fmt.Fprintf(stderr, "   the room did not answer: the outcome is kept, and sent when the room is back\n")
	default:
		fmt.Fprintf(stderr, "   NOT SENT to the room: %v\n", err)
	}
}

// printOutcome prints a lesson's outcome for a terminal.
// With a prediction, it shows it beside the answer, as the window does.
func printOutcome(w io.Writer, l *lesson.Lesson, o *lesson.Outcome, prediction *float64) {
	fmt.Fprintf(w, "%s — %s\n\nClaim: %s\n\n", l.Name, l.Title, o.Claim)
	if len(o.Runs) > 0 {
		printRuns(w, o.Runs)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Measured:")
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, f := range lesson.Describe(o.Measured) {
		fmt.Fprintf(tw, "  %s:\t%s\n", f.Label, f.Text)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nExpected on %d %s: %s.\n\n", o.Cores, results.Plural(o.Cores, "core", "cores"), o.Expected)
	if prediction != nil {
		fmt.Fprintf(w, "You predicted: %s. Measured here: %s.\n", l.AnswerText(*prediction), l.AnswerText(o.Answer))
	}
	fmt.Fprintln(w, o.Verdict)
	for _, n := range o.Notes {
		fmt.Fprintln(w, "Note:", n)
	}
	fmt.Fprintf(w, "\nWhy: %s\n", l.Why)
}

// printRuns prints a lesson's runs: who did the work, and how fast against
// the first run of the same task.
func printRuns(w io.Writer, rs []jobs.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(lesson.RunColumns, "\t")+"\t")
	for _, r := range rs {
		fmt.Fprintln(tw, strings.Join(lesson.RunCells(rs, r), "\t")+"\t")
	}
	tw.Flush()
}
