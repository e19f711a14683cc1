package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
	"concurrencylab/lesson/report"
	"concurrencylab/results"
)

// Lesson runs `concurrencylab lesson args` and returns the exit code: 0 when
// the lessons ran, whatever their verdicts; 1 when one could not run; 2 for
// a bad command line; 130 when interrupted.
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
	return interruptible("lesson", stderr, func(ctx context.Context) error {
		outcomes, err := runLessons(ctx, f, stderr)
		if err != nil {
			return err
		}
		if f.report != "" {
			if err := report.Write(f.report, outcomes, nil); err != nil {
				return fmt.Errorf("writing the report: %w", err)
			}
			fmt.Fprintf(stderr, "report written to %s\n", f.report)
		}
		switch {
		case f.json && len(f.lessons) == 1:
			writeJSON(stdout, outcomes[0])
		case f.json:
			writeJSON(stdout, outcomes)
		default:
			for i, o := range outcomes {
				if i > 0 {
					fmt.Fprintln(stdout)
				}
				printOutcome(stdout, f.lessons[i], o)
			}
		}
		return nil
	})
}

type lessonFlags struct {
	lessons []*lesson.Lesson
	list    bool
	json    bool
	quick   bool
	report  string
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
	return f, nil
}

func runLessons(ctx context.Context, f lessonFlags, stderr io.Writer) ([]*lesson.Outcome, error) {
	dir, err := os.MkdirTemp("", "concurrencylab-lesson-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var outcomes []*lesson.Outcome
	for _, l := range f.lessons {
		fmt.Fprintf(stderr, "== lesson %s: %s\n", l.Name, l.Title)
		prog := newProgress(ctx, stderr)
		env := lesson.Env{Dir: dir, Quick: f.quick, Reporter: prog.bar,
			Logf: func(format string, a ...any) { fmt.Fprintf(stderr, "   "+format+"\n", a...) }}
		o, err := l.Run(ctx, env)
		prog.wait()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Name, err)
		}
		outcomes = append(outcomes, o)
	}
	return outcomes, nil
}

// printOutcome prints a lesson's outcome for a terminal.
func printOutcome(w io.Writer, l *lesson.Lesson, o *lesson.Outcome) {
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
