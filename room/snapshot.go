package room

import (
	"cmp"
	"slices"

	"concurrencylab/lesson"
)

// Snapshot is the room at one moment. Its JSON form is what `concurrencylab
// room --json FILE` writes.
type Snapshot struct {
	Participants []Participant `json:"participants"` // by name
	// Lessons has every lesson by name, those nobody sent yet with a zero
	// Count; Order lists them in teaching order.
	Lessons  map[string]*Summary `json:"lessons"`
	Order    []string            `json:"-"`
	Rejected int                 `json:"rejected"` // messages refused: never shown as results
	// Reasons counts the rejections by why: "malformed", "bad signature",
	// "unknown lesson", "impossible numbers", "over the size limit", …
	Reasons map[string]int `json:"rejected_by_reason,omitempty"`
	// Version grows with every change: a view redraws when it differs.
	Version uint64 `json:"-"`
}

// Summary is one lesson across the room, over each participant's latest
// run of it.
type Summary struct {
	Lesson string `json:"lesson"`
	Unit   string `json:"unit"` // of the predictions and answers (lesson.Lesson.Unit)
	Count  int    `json:"count"`
	Held   int    `json:"held"` // how many laptops found the claim holds
	// Predictions are over the participants who made one.
	Predictions Spread   `json:"predictions"`
	Answers     Spread   `json:"answers"`
	Results     []Result `json:"results"` // the latest of each participant, by name
	// History is the earlier runs that a rerun by the same participant
	// replaced, oldest first.
	History []Result `json:"history,omitempty"`
}

// Spread is the middle and the ends of some figures.
type Spread struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// SpreadOf is the spread of vs (which it sorts).
func SpreadOf(vs []float64) Spread {
	if len(vs) == 0 {
		return Spread{}
	}
	slices.Sort(vs)
	n := len(vs)
	med := vs[n/2]
	if n%2 == 0 {
		med = (vs[n/2-1] + vs[n/2]) / 2
	}
	return Spread{N: n, Median: med, Min: vs[0], Max: vs[n-1]}
}

// Snapshot is the room now: a copy, the caller's to keep (the Measured
// figures' bytes are shared: read them, do not change them).
func (h *Host) Snapshot() Snapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := Snapshot{Lessons: map[string]*Summary{}, Order: lessonOrder(), Version: h.version, Reasons: map[string]int{}}
	for _, p := range h.people {
		s.Participants = append(s.Participants, *p)
	}
	slices.SortFunc(s.Participants, func(a, b Participant) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	for r, n := range h.reasons {
		s.Reasons[r] = n
		s.Rejected += n
	}
	for _, l := range lesson.All {
		sum := &Summary{Lesson: l.Name, Unit: l.Unit, Results: []Result{}}
		var preds, answers []float64
		for _, runs := range h.results[l.Name] {
			last := runs[len(runs)-1]
			last.Runs = len(runs)
			last.Name = h.people[last.ID].Name
			if last.Prediction != nil { // the caller's copy
				p := *last.Prediction
				last.Prediction = &p
			}
			sum.Results = append(sum.Results, last)
			sum.History = append(sum.History, runs[:len(runs)-1]...)
			answers = append(answers, last.Answer)
			if last.Prediction != nil {
				preds = append(preds, *last.Prediction)
			}
			if last.Holds {
				sum.Held++
			}
		}
		sum.Count = len(sum.Results)
		sum.Predictions, sum.Answers = SpreadOf(preds), SpreadOf(answers)
		slices.SortFunc(sum.Results, func(a, b Result) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
		slices.SortFunc(sum.History, func(a, b Result) int { return a.Sent.Compare(b.Sent) })
		s.Lessons[l.Name] = sum
	}
	return s
}
