package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
)

func TestWriteWithPredictions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	outcomes := []*lesson.Outcome{
		{Lesson: "race", Claim: "claim", Cores: 2, Runs: []jobs.Result{}, Expected: "lost", Answer: 0.4, Holds: true, Verdict: "Holds: yes.",
			Measured: lesson.RaceMeasured{Goroutines: 4, Increments: 10, Expected: 40, Unsynchronized: 24, Mutex: 40, Atomic: 40, Sharded: 40, Processes: 2, ProcessesSentBack: 40}},
		{Lesson: "isolation", Claim: "claim", Cores: 2, Expected: "one", Answer: 1, Verdict: "Does not hold here: no.",
			Notes: []string{"a note"}, Runs: []jobs.Result{{Task: jobs.Thumbnail, Mode: jobs.Processes, Workers: 2, Cores: 2, Items: 9, OK: 8, Failed: 1, WallSeconds: 0.5}},
			Measured: lesson.IsolationMeasured{Items: 9, OKItems: 8}},
	}
	if err := Write(dir, outcomes, map[string]float64{"race": 0.25}); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| [race](#race) | yes | 40% lost | 25% lost |", "| [isolation](#isolation) | **no** | 1 item | - |",
		"## race", "![race](race.png)", "*Predicted:* 25% lost. *Measured:* 40% lost.", "> Note: a note", "| 2 processes | thumbnail | 9 | 1 | 0.500 |", "**Does not hold here: no.**"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	var entries []map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "lessons.json"))
	if err := json.Unmarshal(b, &entries); err != nil || len(entries) != 2 || entries[0]["prediction"] != 0.25 || entries[1]["prediction"] != nil {
		t.Fatalf("lessons.json: %v %s", err, b)
	}
	if _, err := os.Stat(filepath.Join(dir, "race.png")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "isolation.png")); err == nil {
		t.Error("isolation has a chart")
	}
}
