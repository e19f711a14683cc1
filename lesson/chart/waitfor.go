package chart

import (
	"fmt"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"concurrencylab/lesson"
)

// WaitFor is the deadlock lesson's wait-for picture, one panel a case as
// the goroutine dump of the live program showed it: its goroutines above,
// what they hold and wait for below, a solid line from a goroutine to what
// it holds, a dashed one to what it waits for. A cycle of them (A holds mu1
// and waits for mu2; B holds mu2 and waits for mu1) is a deadlock.
func WaitFor(m lesson.DeadlockMeasured) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Who waits for what, from the goroutine dump of the live program"
	p.HideAxes()
	p.Legend.Top = true
	p.Legend.Left = true
	const panel = 4.0 // each case's width, with a gap
	var gs, rs plotter.XYs
	var gl, rl, titles, notes []string
	var titleXY, noteXY plotter.XYs
	var holdsShown, waitsShown bool
	for i, c := range m.Cases {
		x0 := float64(i) * panel
		titleXY = append(titleXY, plotter.XY{X: x0 + 1.5, Y: 1.55})
		titles = append(titles, c.Name)
		if len(c.Live.Cycle) > 0 {
			noteXY, notes = append(noteXY, plotter.XY{X: x0 + 1.5, Y: -0.45}), append(notes, "a cycle: "+strings.Join(c.Live.Cycle, " → "))
		}
		var goroutines, resources []string
		for _, w := range c.Live.WaitFor {
			goroutines = append(goroutines, w.Goroutine)
			for _, r := range append(slices.Clone(w.Holds), w.WaitsFor) {
				if r != "" && !slices.Contains(resources, r) {
					resources = append(resources, r)
				}
			}
		}
		at := func(names []string, name string, y float64) plotter.XY {
			k := slices.Index(names, name)
			return plotter.XY{X: x0 + 3*(float64(k)+0.5)/float64(len(names)), Y: y}
		}
		for _, g := range goroutines {
			gs, gl = append(gs, at(goroutines, g, 1)), append(gl, g)
		}
		for _, r := range resources {
			rs, rl = append(rs, at(resources, r, 0)), append(rl, r)
		}
		for _, w := range c.Live.WaitFor {
			from := at(goroutines, w.Goroutine, 1)
			for _, h := range w.Holds {
				l, err := edge(from, at(resources, h, 0), false, 0)
				if err != nil {
					return nil, err
				}
				p.Add(l)
				if !holdsShown {
					p.Legend.Add("holds", l)
					holdsShown = true
				}
			}
			if w.WaitsFor == "" {
				continue
			}
			shift := 0.0
			if slices.Contains(w.Holds, w.WaitsFor) { // waits for what it holds: beside the other line
				shift = 0.12
			}
			l, err := edge(from, at(resources, w.WaitsFor, 0), true, shift)
			if err != nil {
				return nil, err
			}
			p.Add(l)
			if !waitsShown {
				p.Legend.Add("waits for", l)
				waitsShown = true
			}
			if w.HeldBy == "" {
				noteXY, notes = append(noteXY, plotter.XY{X: x0 + 1.5, Y: -0.45}), append(notes, "nobody will call it: the worker has ended")
			}
		}
	}
	for _, set := range []struct {
		xy     plotter.XYs
		labels []string
		shape  draw.GlyphDrawer
		dy     vg.Length
	}{
		{gs, gl, draw.CircleGlyph{}, vg.Points(14)},
		{rs, rl, draw.SquareGlyph{}, -vg.Points(20)},
	} {
		if len(set.xy) == 0 {
			continue
		}
		s, err := plotter.NewScatter(set.xy)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle.Shape, s.GlyphStyle.Radius, s.GlyphStyle.Color = set.shape, vg.Points(5), idealInk
		p.Add(s)
		l, err := labels(set.xy, set.labels, set.dy)
		if err != nil {
			return nil, err
		}
		p.Add(l)
	}
	if len(m.Cases) == 0 {
		return nil, fmt.Errorf("no cases")
	}
	for _, set := range []struct {
		xy    plotter.XYs
		texts []string
		size  vg.Length
	}{{titleXY, titles, vg.Points(13)}, {noteXY, notes, vg.Points(10)}} {
		if len(set.xy) == 0 {
			continue
		}
		l, err := labels(set.xy, set.texts, 0)
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].Font.Size = set.size
		}
		p.Add(l)
	}
	p.X.Min, p.X.Max = -0.3, float64(len(m.Cases))*panel-0.7
	p.Y.Min, p.Y.Max = -0.6, 2.0
	return p, nil
}

// edge is a line from a goroutine to what it holds (solid) or waits for
// (dashed), moved right by shift.
func edge(from, to plotter.XY, waits bool, shift float64) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: from.X + shift, Y: from.Y}, {X: to.X + shift, Y: to.Y}})
	if err != nil {
		return nil, err
	}
	l.Width, l.Color = vg.Points(2), ioInk
	if waits {
		l.Color, l.Dashes = cpuInk, []vg.Length{vg.Points(6), vg.Points(4)}
	}
	return l, nil
}

// labels are texts centred on xy, dy above them (below if negative).
func labels(xy plotter.XYs, texts []string, dy vg.Length) (*plotter.Labels, error) {
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: texts})
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XCenter, draw.YCenter
		l.Offset = vg.Point{Y: dy}
	}
	return l, nil
}
