package ui

import (
	"slices"
	"sync"
	"time"

	"concurrencylab/timeline"
)

// heartbeat measures how late the UI goroutine runs scheduled work: a
// goroutine ticks every frame and asks the UI goroutine to run a probe, one
// at a time; the probe's lag is how long after its tick it ran. When the UI
// goroutine is blocked, the probe waits, and its lag is the length of the
// freeze.
type heartbeat struct {
	mu      sync.Mutex
	samples []sample
	last    time.Duration
}

type sample struct {
	at  time.Time // when the probe ran
	lag time.Duration
}

// frozenAfter is the lag above which the window counts as frozen: a person
// notices 100 ms.
const frozenAfter = 100 * time.Millisecond

// maxSamples bounds memory: an hour at 60 probes a second.
const maxSamples = 60 * 60 * 60

func (h *heartbeat) record(tick, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	lag := max(now.Sub(tick), 0)
	h.last = lag
	if len(h.samples) == maxSamples {
		h.samples = slices.Delete(h.samples, 0, maxSamples/10)
	}
	h.samples = append(h.samples, sample{at: now, lag: lag})
}

// lagStats summarise the heartbeat over a time window.
type lagStats struct {
	Samples       int     `json:"samples"`
	LagP50Ms      float64 `json:"lag_p50_ms"`
	LagP90Ms      float64 `json:"lag_p90_ms"`
	LagMaxMs      float64 `json:"lag_max_ms"`
	LagP99Ms      float64 `json:"lag_p99_ms"`
	FrozenSeconds float64 `json:"frozen_seconds"`
}

// window returns the probes that ran after start and were due by end: the
// one that waited out a freeze at the end of a run runs after it, and counts.
// Probes are recorded in the order they run, so start is found by binary
// search, and the first probe due after end ends the window (the ones after
// it were ticked later still). The caller holds h.mu.
func (h *heartbeat) window(start, end time.Time) []sample {
	i, _ := slices.BinarySearchFunc(h.samples, start, func(s sample, t time.Time) int { return s.at.Compare(t) })
	j := i
	for j < len(h.samples) && !h.samples[j].at.Add(-h.samples[j].lag).After(end) {
		j++
	}
	return h.samples[i:j]
}

// between summarises the probes of the window from start to end.
func (h *heartbeat) between(start, end time.Time) lagStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	var lags []time.Duration
	var st lagStats
	for _, s := range h.window(start, end) {
		lags = append(lags, s.lag)
		if s.lag > frozenAfter {
			st.FrozenSeconds += s.lag.Seconds()
		}
	}
	if len(lags) == 0 {
		return st
	}
	slices.Sort(lags)
	st.Samples = len(lags)
	st.LagMaxMs = ms(lags[len(lags)-1])
	pct := func(p int) float64 { return ms(lags[(len(lags)*p+99)/100-1]) }
	st.LagP50Ms, st.LagP90Ms, st.LagP99Ms = pct(50), pct(90), pct(99)
	return st
}

// lagWindow lists the probes of the window from start to end as timeline
// samples, timed from start.
func (h *heartbeat) lagWindow(start, end time.Time) []timeline.LagSample {
	h.mu.Lock()
	defer h.mu.Unlock()
	w := h.window(start, end)
	out := make([]timeline.LagSample, len(w))
	for k, s := range w {
		out[k] = timeline.LagSample{At: s.at.Sub(start), Lag: s.lag}
	}
	return out
}

// now returns the last lag and the max over the last second.
func (h *heartbeat) now() (last, recentMax time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cut := time.Now().Add(-time.Second)
	for i := len(h.samples) - 1; i >= 0 && h.samples[i].at.After(cut); i-- {
		recentMax = max(recentMax, h.samples[i].lag)
	}
	return h.last, recentMax
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
