package lesson

import (
	"strings"
	"testing"

	"concurrencylab/jobs"
)

func TestUnpinnedRunsAreSaidToBe(t *testing.T) {
	r := jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 4, Cores: 1, Unpinned: true}
	n := unpinnedNote(r, "darwin")
	for _, want := range []string{"could not be pinned to one core", "macOS", "one thread at a time"} {
		if !strings.Contains(n, want) {
			t.Errorf("note %q lacks %q", n, want)
		}
	}
	if n := unpinnedNote(jobs.Result{Mode: jobs.Goroutines, Workers: 4, Cores: 2, Unpinned: true}, "freebsd"); !strings.Contains(n, "2 cores") || strings.Contains(n, "macOS") {
		t.Errorf("note %q", n)
	}
}
