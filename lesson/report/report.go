// Package report writes what a participant hands in, or a facilitator shows:
// DIR/report.md (each lesson's claim, runs, figures, verdict and
// explanation, with its chart as a PNG beside it) and DIR/lessons.json (the
// outcomes as `concurrencylab lesson --json` prints them, with predictions).
// Every file is written whole or not at all.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"concurrencylab/jobs/atomicfile"
	"concurrencylab/lesson"
	"concurrencylab/lesson/chart"
)

// Entry is one lesson's outcome, with the participant's prediction when
// they made one.
type Entry struct {
	*lesson.Outcome
	Prediction *float64 `json:"prediction,omitempty"`
}

// Write writes the report of outcomes into dir, making it if needed.
// predictions, which may be nil, are the participant's answers to each
// lesson's question, by lesson name.
func Write(dir string, outcomes []*lesson.Outcome, predictions map[string]float64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries := make([]Entry, len(outcomes))
	for i, o := range outcomes {
		entries[i].Outcome = o
		if p, ok := predictions[o.Lesson]; ok {
			entries[i].Prediction = &p
		}
	}
	var md bytes.Buffer
	host, _ := os.Hostname()
	fmt.Fprintf(&md, "# Concurrency Lab: lessons measured on %s\n\n", host)
	fmt.Fprintf(&md, "%s, %d cores (%s/%s). Each lesson checks a claim of the threads-vs-processes tutorials on this computer.\n\n",
		time.Now().Format("2006-01-02 15:04"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintln(&md, "| lesson | holds here | answer | prediction |")
	fmt.Fprintln(&md, "|---|---|---|---|")
	ls := make([]*lesson.Lesson, len(entries))
	for i, e := range entries {
		l, err := lesson.Find(e.Lesson)
		if err != nil {
			return err
		}
		ls[i] = l
		fmt.Fprintf(&md, "| [%s](#%s) | %s | %s | %s |\n", e.Lesson, e.Lesson, yesNo(e.Holds), l.AnswerText(e.Answer), prediction(l, e.Prediction))
	}
	for i, e := range entries {
		if err := section(&md, dir, ls[i], e); err != nil {
			return err
		}
	}
	js, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, "lessons.json"), append(js, '\n')); err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, "report.md"), md.Bytes())
}

func section(md *bytes.Buffer, dir string, l *lesson.Lesson, e Entry) error {
	fmt.Fprintf(md, "\n## %s\n\n**%s.** %s\n\n", e.Lesson, l.Title, e.Claim)
	fmt.Fprintf(md, "*Question:* %s\n\n", l.Question)
	if e.Prediction != nil {
		fmt.Fprintf(md, "*Predicted:* %s. *Measured:* %s.\n\n", prediction(l, e.Prediction), l.AnswerText(e.Answer))
	}
	if len(e.Runs) > 0 {
		fmt.Fprintf(md, "| %s |\n", strings.Join(lesson.RunColumns, " | "))
		fmt.Fprintln(md, "|---|---|---:|---:|---:|---:|---:|")
		for _, r := range e.Runs {
			fmt.Fprintf(md, "| %s |\n", strings.Join(lesson.RunCells(e.Runs, r), " | "))
		}
		fmt.Fprintln(md)
	}
	fmt.Fprintln(md, "| measured | value |")
	fmt.Fprintln(md, "|---|---|")
	for _, f := range lesson.Describe(e.Measured) {
		fmt.Fprintf(md, "| %s | %s |\n", f.Label, strings.ReplaceAll(f.Text, "|", "/"))
	}
	if p, ok := chart.For(e.Outcome); ok {
		name := e.Lesson + ".png"
		if err := atomicfile.Write(filepath.Join(dir, name), func(w io.Writer) error { return chart.WritePNG(w, p, 900, 520) }); err != nil {
			return err
		}
		fmt.Fprintf(md, "\n![%s](%s)\n", e.Lesson, name)
	}
	fmt.Fprintf(md, "\n*Expected on %d cores:* %s.\n\n**%s**\n\n", e.Cores, e.Expected, e.Verdict)
	for _, n := range e.Notes {
		fmt.Fprintf(md, "> Note: %s\n\n", n)
	}
	fmt.Fprintf(md, "*Why:* %s\n", l.Why)
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "**no**"
}

func prediction(l *lesson.Lesson, p *float64) string {
	if p == nil {
		return "-"
	}
	return l.AnswerText(*p)
}
