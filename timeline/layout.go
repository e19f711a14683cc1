package timeline

import (
	"image"
	"math"
	"time"
)

// Layout places runs on a picture: a title row per run, then one row per
// lane, all runs on one time scale so that their lengths compare.
type Layout struct {
	Width       int // of the whole picture
	LabelWidth  int // lane names
	LaneHeight  int
	TitleHeight int
	AxisHeight  int
	Span        time.Duration // the time the width shows: the longest run
	Scale       float64       // of the text and rows: 1, or more on a projector
}

// NewLayout fits runs into width pixels.
func NewLayout(runs []Run, width int) Layout { return NewScaledLayout(runs, width, 1) }

// NewScaledLayout fits runs into width pixels with text and rows scale
// times their usual size (a presentation scale).
func NewScaledLayout(runs []Run, width int, scale float64) Layout {
	l := Layout{Width: width, Scale: max(scale, 0.5)}
	l.LabelWidth, l.LaneHeight, l.TitleHeight, l.AxisHeight = l.px(220), l.px(18), l.px(22), l.px(22)
	for _, r := range runs {
		l.Span = max(l.Span, r.Wall)
		for _, ln := range r.Lanes {
			for _, s := range ln.Spans {
				l.Span = max(l.Span, s.End)
			}
		}
	}
	if l.Span <= 0 {
		l.Span = time.Second
	}
	return l
}

// px is n pixels at the layout's scale.
func (l Layout) px(n float64) int { return int(math.Round(n * l.Scale)) }

// X is the horizontal pixel of time d.
func (l Layout) X(d time.Duration) int {
	plot := float64(l.Width - l.LabelWidth - 10)
	return l.LabelWidth + int(math.Round(plot*float64(d)/float64(l.Span)))
}

// Height is the picture's height for runs.
func (l Layout) Height(runs []Run) int {
	h := l.AxisHeight
	for _, r := range runs {
		h += l.TitleHeight + rows(r)*l.LaneHeight
	}
	return h
}

// rows is a run's lanes, plus one for the UI's lag when it has one.
func rows(r Run) int {
	if len(r.Lag) > 0 {
		return len(r.Lanes) + 1
	}
	return len(r.Lanes)
}

// Lane is the rectangle of worker lane i of run r.
func (l Layout) Lane(runs []Run, r, i int) image.Rectangle {
	y := 0
	for k := 0; k < r; k++ {
		y += l.TitleHeight + rows(runs[k])*l.LaneHeight
	}
	if len(runs[r].Lag) > 0 {
		i++ // the lag lane comes first
	}
	y += l.TitleHeight + i*l.LaneHeight
	return image.Rect(l.LabelWidth, y, l.Width, y+l.LaneHeight)
}

// LagLane is the rectangle of run r's UI-lag lane (meaningful when it has samples).
func (l Layout) LagLane(runs []Run, r int) image.Rectangle {
	return l.Lane(runs, r, -1)
}

// Ticks are the times of the axis labels: a round step giving 5 to 10 ticks.
func (l Layout) Ticks() []time.Duration {
	step := time.Millisecond // then 2, 5, 10, 20, 50 ms…
	for step*10 < l.Span {
		switch {
		case isPow10(step):
			step *= 2
		case isPow10(step / 2):
			step = step / 2 * 5
		default:
			step *= 2
		}
	}
	var ts []time.Duration
	for t := time.Duration(0); t <= l.Span; t += step {
		ts = append(ts, t)
	}
	return ts
}

func isPow10(d time.Duration) bool {
	for d >= 10 && d%10 == 0 {
		d /= 10
	}
	return d == 1
}
