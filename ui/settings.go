package ui

import (
	"fmt"
	"maps"
	"runtime"
	"time"

	"fyne.io/fyne/v2"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/thumb"
)

// Settings are the choices of the controls; they persist between launches.
type Settings struct {
	Source  string // "builtin", "urls:FILE" or "dir:PATH"
	Images  int
	Latency time.Duration
	Task    jobs.Task
	Mode    jobs.Mode
	Workers int
	Decoder thumb.Decoder
}

// DefaultSettings is what a first launch shows.
func DefaultSettings() Settings {
	return Settings{Source: "builtin", Images: 200, Latency: 150 * time.Millisecond,
		Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: runtime.NumCPU(), Decoder: thumb.Fast}
}

// MaxWorkers is the largest pool the controls offer: 64, enough for
// downloads to show how waiting scales far past the cores (8 per core on a
// larger machine).
func MaxWorkers() int { return max(64, 8*runtime.NumCPU()) }

// validate rejects settings, read from preferences or a command line, that
// cannot run.
func (s Settings) validate() error {
	if _, err := jobs.ParseTask(string(s.Task)); err != nil {
		return err
	}
	if _, err := jobs.ParseMode(string(s.Mode)); err != nil {
		return err
	}
	if s.Images < 1 {
		return fmt.Errorf("images must be at least 1, not %d", s.Images)
	}
	if s.Images > gallery.MaxImages {
		return gallery.TooMany(s.Images)
	}
	if s.Workers < 1 || s.Workers > MaxWorkers() {
		return fmt.Errorf("workers must be between 1 and %d, not %d", MaxWorkers(), s.Workers)
	}
	if _, err := thumb.ParseDecoder(string(s.Decoder)); err != nil {
		return err
	}
	if s.Latency < 0 {
		return fmt.Errorf("latency must not be negative")
	}
	return nil
}

const (
	prefSource  = "source"
	prefImages  = "images"
	prefLatency = "latency_ms"
	prefTask    = "task"
	prefMode    = "mode"
	prefWorkers = "workers"
	prefDecoder = "decoder"
)

func loadSettings(p fyne.Preferences) Settings {
	d := DefaultSettings()
	s := Settings{
		Source:  p.StringWithFallback(prefSource, d.Source),
		Images:  p.IntWithFallback(prefImages, d.Images),
		Latency: time.Duration(p.IntWithFallback(prefLatency, int(d.Latency/time.Millisecond))) * time.Millisecond,
		Task:    jobs.Task(p.StringWithFallback(prefTask, string(d.Task))),
		Mode:    jobs.Mode(p.StringWithFallback(prefMode, string(d.Mode))),
		Workers: min(p.IntWithFallback(prefWorkers, d.Workers), MaxWorkers()),
		Decoder: thumb.Decoder(p.StringWithFallback(prefDecoder, string(d.Decoder))),
	}
	if err := s.validate(); err != nil {
		return d
	}
	return s
}

// saveSettings stores s as one change where the preferences allow it (Fyne's
// have WriteValues), which Fyne writes to disk at once. Key by key, Fyne's
// code writes a change that comes within 100 ms of its last write only
// 100 ms later, which a quit in between would lose now that the app does
// without Fyne's save at shutdown (see withoutStoppedHook).
func saveSettings(p fyne.Preferences, s Settings) {
	vals := map[string]any{
		prefSource:  s.Source,
		prefImages:  s.Images,
		prefLatency: int(s.Latency / time.Millisecond),
		prefTask:    string(s.Task),
		prefMode:    string(s.Mode),
		prefWorkers: s.Workers,
		prefDecoder: string(s.Decoder),
	}
	if w, ok := p.(interface{ WriteValues(func(map[string]any)) }); ok {
		w.WriteValues(func(m map[string]any) { maps.Copy(m, vals) })
		return
	}
	for k, v := range vals {
		switch v := v.(type) {
		case string:
			p.SetString(k, v)
		case int:
			p.SetInt(k, v)
		}
	}
}
