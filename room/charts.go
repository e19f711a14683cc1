package room

import (
	"bytes"
	"encoding/json"
	"path/filepath"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
	"concurrencylab/lesson/chart"
)

// StripEntries are a lesson's results as chart.Strip draws them: the
// window's Host a room and Save draw the same dots.
func StripEntries(sum *Summary) []chart.RoomEntry {
	es := make([]chart.RoomEntry, len(sum.Results))
	for i, r := range sum.Results {
		es[i] = chart.RoomEntry{Name: r.Name, Prediction: r.Prediction, Answer: r.Answer, Holds: r.Holds}
	}
	return es
}

// Curves are the scaling lesson's results as chart.RoomScaling draws them:
// each laptop's figures. A result whose figures are not the scaling
// lesson's (an older or newer app) is left out.
func Curves(sum *Summary) []chart.Curve {
	var cs []chart.Curve
	for _, r := range sum.Results {
		var m lesson.ScalingMeasured
		if json.Unmarshal(r.Measured, &m) != nil || len(m.Workers) == 0 || len(m.Thumbnail) == 0 {
			continue
		}
		cs = append(cs, chart.Curve{Name: r.Name, Cores: r.Cores, Measured: m})
	}
	return cs
}

// Chart sizes in the saved files: a projector's 16:9.
const chartW, chartH = 1280, 640

// writeCharts writes room-LESSON.png for each lesson somebody sent, and
// room-scaling-curves.png with every laptop's scaling curve; it returns
// the charts by lesson name for room.md.
func writeCharts(s Snapshot, dir string, put func(string, []byte) error) (map[string][]string, error) {
	files := map[string][]string{}
	for _, name := range s.Order {
		sum := s.Lessons[name]
		if sum.Count == 0 {
			continue
		}
		l, _ := lesson.Find(name)
		p, err := chart.Strip(l, StripEntries(sum))
		if err != nil {
			return files, err
		}
		var b bytes.Buffer
		if err := chart.WritePNG(&b, p, chartW, chartH); err != nil {
			return files, err
		}
		base := "room-" + name + ".png"
		if err := put(filepath.Join(dir, base), b.Bytes()); err != nil {
			return files, err
		}
		files[name] = append(files[name], base)
		if name != "scaling" {
			continue
		}
		cs := Curves(sum)
		if len(cs) == 0 {
			continue
		}
		p, err = chart.RoomScaling(cs, jobs.Thumbnail)
		if err != nil {
			return files, err
		}
		b.Reset()
		if err := chart.WritePNG(&b, p, chartW, chartH); err != nil {
			return files, err
		}
		base = "room-scaling-curves.png"
		if err := put(filepath.Join(dir, base), b.Bytes()); err != nil {
			return files, err
		}
		files[name] = append(files[name], base)
	}
	return files, nil
}
