package cli

import (
	"bytes"
	"strings"
	"testing"

	"concurrencylab/lesson"
)

func TestLessonRoomUsage(t *testing.T) {
	for _, args := range [][]string{
		{"race", "--room", "nats://127.0.0.1:4222", "--token", "t"}, // no name
		{"race", "--name", "Ada"},                                   // no room
		{"all", "--predict", "1.5"},                                 // one answer for several lessons
		{"race", "--predict", "fast"},
		{"all", "--predict", "race=40%,quantum=2"},
	} {
		var stderr bytes.Buffer
		if code := Lesson(args, &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), "Usage") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
	var stderr bytes.Buffer
	if code := Room([]string{"extra"}, &bytes.Buffer{}, &stderr); code != 2 {
		t.Errorf("room extra: exit %d", code)
	}
}

func TestParsePredictions(t *testing.T) {
	race, _ := lesson.Find("race")
	p, err := parsePredictions("race=40%,cpu-bound=1.5×", lesson.All)
	if err != nil || p["race"] != 0.4 || p["cpu-bound"] != 1.5 || len(p) != 2 {
		t.Errorf("%v %v", p, err)
	}
	if p, err := parsePredictions("30", []*lesson.Lesson{race}); err != nil || p["race"] != 0.3 {
		t.Errorf("%v %v", p, err)
	}
}
