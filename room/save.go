package room

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"concurrencylab/lesson"
)

// Save writes the room's results: file (the Snapshot as JSON), and beside
// it room.md (a table per lesson), room.csv (a row per result, reruns
// included) and the charts the window shows: room-LESSON.png, each
// lesson's predictions and answers as strips of dots (chart.Strip), and
// room-scaling-curves.png, every laptop's scaling curve (chart.RoomScaling). Each file is written whole or not at all. It returns the
// files written.
func Save(s Snapshot, file string) ([]string, error) {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	put := func(path string, data []byte) error {
		if err := writeFile(path, data, 0o644); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	js, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := put(file, append(js, '\n')); err != nil {
		return written, err
	}
	charts, err := writeCharts(s, dir, put)
	if err != nil {
		return written, fmt.Errorf("drawing the charts: %w", err)
	}
	if err := put(filepath.Join(dir, "room.md"), markdown(s, charts)); err != nil {
		return written, err
	}
	c, err := CSV(s)
	if err != nil {
		return written, err
	}
	err = put(filepath.Join(dir, "room.csv"), c)
	return written, err
}

// Markdown is the room's results as a page: the summary table, then each
// lesson's participants.
func Markdown(s Snapshot) []byte { return markdown(s, nil) }

// markdown is Markdown with each lesson's charts (files beside the page).
func markdown(s Snapshot, charts map[string][]string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Concurrency Lab: the room's results\n\n%s: %d participant(s); %d message(s) rejected (never shown as results).\n\n",
		time.Now().Format("2006-01-02 15:04"), len(s.Participants), s.Rejected)
	b.WriteString("Each row is over each participant's latest run of the lesson. The prediction is what they expected before it ran; measured is what their laptop found.\n\n")
	b.WriteString("| lesson | sent | predictions: median (range) | measured: median (range) | claim held on |\n|---|---|---|---|---|\n")
	for _, name := range s.Order {
		sum := s.Lessons[name]
		l, _ := lesson.Find(name)
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %d of %d |\n", name, sum.Count, SpreadText(l, sum.Predictions), SpreadText(l, sum.Answers), sum.Held, sum.Count)
	}
	for _, name := range s.Order {
		sum := s.Lessons[name]
		if sum.Count == 0 {
			continue
		}
		l, _ := lesson.Find(name)
		fmt.Fprintf(&b, "\n## %s — %s\n\n%s\n\n", name, l.Title, l.Question)
		for _, c := range charts[name] {
			fmt.Fprintf(&b, "![%s](%s)\n\n", name, c)
		}
		b.WriteString("| name | cores | OS | prediction | measured | claim holds | runs |\n|---|---|---|---|---|---|---|\n")
		for _, r := range sum.Results {
			pred := "-"
			if r.Prediction != nil {
				pred = l.AnswerText(*r.Prediction)
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %d |\n", mdCell(r.Name), r.Cores, r.OS, pred, l.AnswerText(r.Answer), yesNo(r.Holds), r.Runs)
		}
	}
	return b.Bytes()
}

// SpreadText says a spread in the lesson's unit: "1.02× (0.91× – 1.10×)",
// or "-" for none.
func SpreadText(l *lesson.Lesson, s Spread) string {
	switch s.N {
	case 0:
		return "-"
	case 1:
		return l.AnswerText(s.Median)
	}
	return fmt.Sprintf("%s (%s – %s)", l.AnswerText(s.Median), l.AnswerText(s.Min), l.AnswerText(s.Max))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// mdCell keeps a name from breaking a Markdown table.
func mdCell(s string) string {
	return string(bytes.ReplaceAll(bytes.ReplaceAll([]byte(s), []byte(`\`), []byte(`\\`)), []byte("|"), []byte(`\|`)))
}

// CSV is every stored result, one row each, reruns included (latest
// "yes" for the one that counts).
func CSV(s Snapshot) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"lesson", "name", "id", "cores", "os", "arch", "prediction", "answer", "holds", "latest", "seconds", "sent", "received"})
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	row := func(r Result, latest bool) {
		pred := ""
		if r.Prediction != nil {
			pred = num(*r.Prediction)
		}
		w.Write([]string{r.Lesson, csvSafe(r.Name), r.ID, strconv.Itoa(r.Cores), r.OS, r.Arch, pred, num(r.Answer), strconv.FormatBool(r.Holds),
			yesNo(latest), num(r.Seconds), r.Sent.UTC().Format(time.RFC3339Nano), r.Received.UTC().Format(time.RFC3339Nano)})
	}
	for _, name := range s.Order {
		for _, r := range s.Lessons[name].Results {
			row(r, true)
		}
		for _, r := range s.Lessons[name].History {
			row(r, false)
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// csvSafe keeps a spreadsheet from reading a name as a formula.
func csvSafe(s string) string {
	if s != "" && bytes.ContainsRune([]byte("=+-@"), rune(s[0])) {
		return "'" + s
	}
	return s
}
