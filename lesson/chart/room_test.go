package chart

import (
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
)

// roomOut is where the room's test charts are written: CHART_OUT, to look
// at them, or the test's temporary folder.
func roomOut(t *testing.T) string {
	if d := os.Getenv("CHART_OUT"); d != "" {
		return d
	}
	return t.TempDir()
}

// save writes img as dir/name.
func save(t *testing.T, dir, name string, img image.Image) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// TestStripEveryLesson draws each lesson's strip plot for a room of 30, with
// predictions spread wide, answers close together (stacked dots), some
// laptops where the claim did not hold and some that made no prediction.
func TestStripEveryLesson(t *testing.T) {
	dir := roomOut(t)
	for _, l := range lesson.All {
		var entries []RoomEntry
		for i := range 30 {
			base := map[string]float64{"×": 1.9, "lost": 0.4, "times": 9000, "seconds": 3, "items": 1, "pictures": 4}[l.Unit]
			e := RoomEntry{Name: "laptop " + strconv.Itoa(i), Answer: base * (1 + 0.03*float64(i%5)), Holds: i%7 != 0}
			if i%6 != 0 {
				pred := base * (0.3 + 0.15*float64(i%9))
				e.Prediction = &pred
			}
			entries = append(entries, e)
		}
		p, err := Strip(l, entries)
		if err != nil {
			t.Fatalf("%s: %v", l.Name, err)
		}
		img := ImageScaled(p, 800, 420, 1.2)
		if b := img.Bounds(); b.Dx() < 955 || b.Dx() > 965 || b.Dy() < 500 || b.Dy() > 508 { // 800×420 at 120%, to the whole dot an inch
			t.Fatalf("%s: %v", l.Name, b)
		}
		if n := colours(img); n < 6 {
			t.Errorf("%s: only %d colours", l.Name, n)
		}
		save(t, dir, "strip-"+l.Name+".png", img)
		// Half as wide, as beside the scaling lesson's curves on a 1280-wide window.
		save(t, dir, "strip-half-"+l.Name+".png", ImageScaled(p, 520, 280, 1.2))
	}
}

// TestStripEdges draws a room with nobody yet, one participant, a prediction
// of zero on the log-scaled lesson, and numbers a room never shows (NaN).
func TestStripEdges(t *testing.T) {
	startup, _ := lesson.Find("startup")
	race, _ := lesson.Find("race")
	zero, nan := 0.0, math.NaN()
	for i, c := range []struct {
		l       *lesson.Lesson
		entries []RoomEntry
	}{
		{race, nil},
		{race, []RoomEntry{{Name: "a", Answer: 0.5, Holds: true}}},
		{startup, []RoomEntry{{Name: "a", Answer: 4000, Prediction: &zero}, {Name: "b", Answer: nan, Prediction: &nan}}},
	} {
		p, err := Strip(c.l, c.entries)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		save(t, roomOut(t), fmt.Sprintf("strip-edge-%d.png", i), ImageScaled(p, 800, 420, 1))
	}
}

// TestRoomScaling draws every laptop's scaling curves on one chart: a few
// laptops, named, and a room of 30 with four core counts.
func TestRoomScaling(t *testing.T) {
	dir := roomOut(t)
	for _, n := range []int{4, 30} {
		var curves []Curve
		for i := range n {
			cores := []int{2, 4, 8, 12}[i%4]
			ws := []int{1, 2, 4, 8, 16}
			if cores == 12 {
				ws = []int{1, 2, 4, 8, 12, 16, 32, 64}
			}
			m := lesson.ScalingMeasured{Workers: ws, Download: map[string]float64{}, Thumbnail: map[string]float64{}}
			for _, w := range ws {
				k := strconv.Itoa(w)
				m.Download[k] = float64(w) * (0.8 + 0.01*float64(i))
				m.Thumbnail[k] = math.Min(float64(w), float64(cores)*(0.75+0.01*float64(i%10)))
			}
			curves = append(curves, Curve{Name: "laptop " + strconv.Itoa(i), Cores: cores, Measured: m})
		}
		for _, task := range []jobs.Task{jobs.Thumbnail, jobs.Download} {
			p, err := RoomScaling(curves, task)
			if err != nil {
				t.Fatal(err)
			}
			img := ImageScaled(p, 800, 480, 1.2)
			if c := colours(img); c < 6 {
				t.Errorf("%d laptops, %s: %d colours", n, task, c)
			}
			save(t, dir, fmt.Sprintf("scaling-%s-%d.png", task, n), img)
			save(t, dir, fmt.Sprintf("scaling-half-%s-%d.png", task, n), ImageScaled(p, 520, 280, 1.2))
		}
	}
	if _, err := RoomScaling(nil, jobs.Thumbnail); err != nil {
		t.Fatalf("an empty room: %v", err)
	}
}
