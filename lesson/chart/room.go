package chart

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
)

// The room's charts are shown on a projector, at 120% and from the back of
// a room: their text is half as large again as the other charts', and
// their dots big enough to count.

// RoomEntry is one participant's result for a lesson, as a room gathers it:
// the prediction, if they made one, and the answer their laptop measured.
type RoomEntry struct {
	Name       string
	Prediction *float64
	Answer     float64
	Holds      bool
}

// Curve is one laptop's scaling lesson: its figures and its cores.
type Curve struct {
	Name     string
	Cores    int
	Measured lesson.ScalingMeasured
}

var (
	predictInk = color.RGBA{0x1f, 0x77, 0xb4, 0xff}
	heldInk    = color.RGBA{0x2c, 0xa0, 0x2c, 0xff}
	notHeldInk = color.RGBA{0xff, 0x7f, 0x0e, 0xff}
	medianInk  = color.RGBA{0x20, 0x20, 0x20, 0xff}
)

// projector sets p's text to the room's sizes.
func projector(p *plot.Plot) {
	p.Title.TextStyle.Font.Size = vg.Points(17)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(16)
		a.Tick.Label.Font.Size = vg.Points(15)
	}
	p.Legend.TextStyle.Font.Size = vg.Points(14)
	p.Legend.ThumbnailWidth = vg.Points(28)
}

// valueAxis is what a lesson's answers are, as an axis says it, and the
// factor its values are shown at (the race lesson's fraction as a percent).
func valueAxis(l *lesson.Lesson) (string, float64) {
	switch l.Unit {
	case "×":
		return "times faster (speed-up)", 1
	case "lost":
		return "% of the additions lost", 100
	case "times":
		return "times as long (log scale)", 1
	case "seconds":
		return "seconds the window froze", 1
	}
	return l.Unit, 1
}

// Strip is a lesson's strip plot for the room: each participant's
// prediction and measured answer as a dot, on two rows over one axis, with
// each row's median marked and written beside it; measured dots are green
// where the claim held on that laptop, orange where it did not. Dots that
// would overlap are stacked.
func Strip(l *lesson.Lesson, entries []RoomEntry) (*plot.Plot, error) {
	label, factor := valueAxis(l)
	var preds, answers []float64
	var held []bool
	nHeld := 0
	for _, e := range entries {
		if e.Prediction != nil && finite(*e.Prediction) {
			preds = append(preds, *e.Prediction*factor)
		}
		if finite(e.Answer) {
			answers = append(answers, e.Answer*factor)
			held = append(held, e.Holds)
			if e.Holds {
				nHeld++
			}
		}
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %s\n%s: held on %d (green), not on %d (orange)",
		l.Name, l.Title, laptops(len(answers)), nHeld, len(answers)-nHeld)
	p.X.Label.Text = label
	projector(p)
	p.Add(plotter.NewGrid())
	p.NominalY(fmt.Sprintf("measured (%d)", len(answers)), fmt.Sprintf("predicted (%d)", len(preds)))
	p.Y.Min, p.Y.Max = -0.55, 1.75

	all := append(slices.Clone(preds), answers...)
	lo, hi := 0.0, 1.0
	if len(all) > 0 {
		lo, hi = slices.Min(all), slices.Max(all)
	}
	logScale := l.Unit == "times" && lo > 0
	if logScale {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		lo, hi = math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
		if hi <= lo {
			hi = lo * 10
		}
	} else {
		if l.Unit == "×" { // 1× (no faster) is always on the axis
			lo, hi = math.Min(lo, 1), math.Max(hi, 1)
		}
		lo = math.Min(lo, 0)
		pad := (hi - lo) * 0.08
		if pad == 0 {
			pad = 1
		}
		hi += pad
		if lo < 0 {
			lo -= pad
		}
	}
	p.X.Min, p.X.Max = lo, hi
	pos := func(v float64) float64 { // where v is along the axis, 0 to 1
		if logScale {
			return (math.Log10(v) - math.Log10(lo)) / (math.Log10(hi) - math.Log10(lo))
		}
		return (v - lo) / (hi - lo)
	}
	if l.Unit == "×" {
		if err := vline(p, 1, -0.5, 1.5, true); err != nil {
			return nil, err
		}
		lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: 1, Y: 1.52}}, Labels: []string{"1×: no faster"}})
		if err != nil {
			return nil, err
		}
		lbl.TextStyle[0].Font.Size = vg.Points(13)
		lbl.TextStyle[0].Color = idealInk
		lbl.TextStyle[0].XAlign = draw.XCenter
		lbl.TextStyle[0].YAlign = draw.YBottom
		p.Add(lbl)
	}
	for _, row := range []struct {
		y      float64
		values []float64
		ink    func(i int) color.Color
	}{
		{1, preds, func(int) color.Color { return predictInk }},
		{0, answers, func(i int) color.Color {
			if held[i] {
				return heldInk
			}
			return notHeldInk
		}},
	} {
		if len(row.values) == 0 {
			continue
		}
		sw := &swarm{values: row.values, y: row.y, radius: dotRadius(len(row.values))}
		for i := range row.values {
			sw.inks = append(sw.inks, row.ink(i))
		}
		p.Add(sw)
		med := median(row.values)
		if err := vline(p, med, row.y-0.45, row.y+0.45, false); err != nil {
			return nil, err
		}
		lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: med, Y: row.y + 0.45}},
			Labels: []string{"median " + l.ShortAnswerText(med/factor)}})
		if err != nil {
			return nil, err
		}
		lbl.TextStyle[0].Font.Size = vg.Points(14)
		lbl.TextStyle[0].XAlign = draw.XCenter
		lbl.TextStyle[0].YAlign = draw.YBottom
		if pos(med) > 0.8 {
			lbl.TextStyle[0].XAlign = draw.XRight
		} else if pos(med) < 0.2 {
			lbl.TextStyle[0].XAlign = draw.XLeft
		}
		p.Add(lbl)
	}
	return p, nil
}

// swarm is a row of dots at y, one per value, placed when drawn (where a
// dot's size in the axes' units is known) as a beeswarm: each dot, in order
// of value, goes to the row's middle or the nearest place above or below
// it, within the row, where it touches no dot already placed, so that every
// dot shows; a row full at that value overlaps its dots the least it can.
type swarm struct {
	values []float64
	inks   []color.Color
	y      float64
	radius vg.Length
}

func (s *swarm) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	d := 2 * s.radius
	mid := trY(s.y)
	half := vg.Length(math.Abs(float64(trY(s.y+0.42) - mid))) // the row's half height
	offsets := []vg.Length{0}
	for k := vg.Length(1); k*d <= half; k++ {
		offsets = append(offsets, k*d, -k*d)
	}
	order := make([]int, len(s.values))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(s.values[a], s.values[b]) })
	var placed []vg.Point
	for _, i := range order {
		x := trX(s.values[i])
		best, bestHit := vg.Point{X: x, Y: mid}, math.Inf(1)
		for _, off := range offsets {
			at := vg.Point{X: x, Y: mid + off}
			hit := 0.0 // how much this place overlaps the dots already placed
			for _, q := range placed {
				if dist := math.Hypot(float64(at.X-q.X), float64(at.Y-q.Y)) / float64(d); dist < 1 {
					hit += 1 - dist
				}
			}
			if hit < bestHit {
				best, bestHit = at, hit
			}
			if hit == 0 {
				break
			}
		}
		placed = append(placed, best)
		c.DrawGlyph(draw.GlyphStyle{Color: s.inks[i], Radius: s.radius, Shape: draw.CircleGlyph{}}, best)
	}
}

// DataRange is the values' range along the row.
func (s *swarm) DataRange() (xmin, xmax, ymin, ymax float64) {
	return slices.Min(s.values), slices.Max(s.values), s.y - 0.5, s.y + 0.5
}

// dotRadius is a strip's dots' size for a row of n: big enough to count
// from the back of a room, smaller as the room grows so they overlap less.
func dotRadius(n int) vg.Length {
	switch {
	case n <= 16:
		return vg.Points(7)
	case n <= 40:
		return vg.Points(5.5)
	}
	return vg.Points(4)
}

// vline adds a vertical line at x from y0 to y1: solid black for a median,
// dashed grey for a reference.
func vline(p *plot.Plot, x, y0, y1 float64, dashed bool) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: y0}, {X: x, Y: y1}})
	if err != nil {
		return err
	}
	l.Color = medianInk
	l.Width = vg.Points(2)
	if dashed {
		l.Color = idealInk
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
	}
	p.Add(l)
	return nil
}

// legendDot is a legend's thumbnail: a dot of ink.
type legendDot struct{ ink color.Color }

func (d legendDot) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(draw.GlyphStyle{Color: d.ink, Radius: vg.Points(7), Shape: draw.CircleGlyph{}}, c.Center())
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// coreInks tell laptops with different core counts apart.
var coreInks = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xd6, 0x27, 0x28, 0xff}, {0x2c, 0xa0, 0x2c, 0xff}, {0x94, 0x67, 0xbd, 0xff},
	{0xff, 0x7f, 0x0e, 0xff}, {0x8c, 0x56, 0x4b, 0xff}, {0xe3, 0x77, 0xc2, 0xff}, {0x17, 0xbe, 0xcf, 0xff},
}

// RoomScaling is every laptop's curve of the scaling lesson on one chart:
// speed-up against goroutines for task (jobs.Thumbnail, the CPU work the
// lesson's question asks about, or jobs.Download), one line a laptop,
// coloured by its cores, with each core count's ideal dashed. Laptops are
// named at their curve's end when there are few enough to read.
func RoomScaling(curves []Curve, task jobs.Task) (*plot.Plot, error) {
	what := "Thumbnails (CPU work)"
	if task == jobs.Download {
		what = "Downloads (waiting)"
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: each laptop's speed-up", what)
	p.X.Label.Text = "goroutines (log scale)"
	p.Y.Label.Text = "times faster" // than one goroutine: a longer label squeezes a short chart
	projector(p)
	p.Add(plotter.NewGrid())
	p.X.Scale = plot.LogScale{}
	p.Legend.Top, p.Legend.Left = true, true // where no curve goes: few goroutines cannot be many times faster

	var workers, cores []int
	for _, c := range curves {
		for _, w := range c.Measured.Workers {
			if w > 0 && !slices.Contains(workers, w) {
				workers = append(workers, w)
			}
		}
		if !slices.Contains(cores, c.Cores) {
			cores = append(cores, c.Cores)
		}
	}
	slices.Sort(workers)
	slices.Sort(cores)
	if len(workers) == 0 {
		workers = []int{1, 2, 4, 8, 16}
	}
	var ticks []plot.Tick
	for _, w := range workers {
		ticks = append(ticks, plot.Tick{Value: float64(w), Label: strconv.Itoa(w)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = float64(workers[0]), float64(workers[len(workers)-1])
	if task == jobs.Download { // up to 64×: a log scale, as the lesson's own chart
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.ConstantTicks(ticks)
		p.Y.Label.Text = "times faster (log scale)"
	}
	ink := func(c int) color.Color { return coreInks[slices.Index(cores, c)%len(coreInks)] }
	top, bottom := 1.0, 0.8
	count := map[int]int{}
	for _, c := range curves {
		v := c.Measured.Thumbnail
		if task == jobs.Download {
			v = c.Measured.Download
		}
		var xy plotter.XYs
		for _, w := range c.Measured.Workers {
			if s, ok := v[strconv.Itoa(w)]; ok && s > 0 && finite(s) {
				xy = append(xy, plotter.XY{X: float64(w), Y: s})
				top, bottom = math.Max(top, s), math.Min(bottom, s*0.9)
			}
		}
		if len(xy) == 0 {
			continue
		}
		count[c.Cores]++
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		l.Color, pts.Color = ink(c.Cores), ink(c.Cores)
		l.Width = vg.Points(2)
		pts.Radius = vg.Points(3.5)
		pts.Shape = draw.CircleGlyph{}
		p.Add(l, pts)
		if len(curves) <= 10 {
			end := xy[len(xy)-1]
			lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{end}, Labels: []string{" " + c.Name}})
			if err != nil {
				return nil, err
			}
			lbl.TextStyle[0].Font.Size = vg.Points(13)
			lbl.TextStyle[0].XAlign = draw.XRight
			lbl.TextStyle[0].YAlign = draw.YBottom
			p.Add(lbl)
		}
	}
	for _, c := range cores {
		var ideal plotter.XYs
		for _, w := range workers {
			y := float64(w)
			if task != jobs.Download {
				y = math.Min(y, float64(c))
			}
			ideal = append(ideal, plotter.XY{X: float64(w), Y: y})
		}
		l, err := plotter.NewLine(ideal)
		if err != nil {
			return nil, err
		}
		l.Color = ink(c)
		l.Width = vg.Points(1.5)
		l.Dashes = []vg.Length{vg.Points(7), vg.Points(5)}
		if task != jobs.Download || c == cores[0] { // the downloads' ideal is the same line for every core count
			p.Add(l)
		}
		name := fmt.Sprintf("%d cores: %s", c, laptops(count[c]))
		p.Legend.Add(name, legendDot{ink(c)})
		if task != jobs.Download {
			top = math.Max(top, float64(c))
		}
	}
	if len(cores) > 0 {
		p.Legend.Add("dashed: the ideal")
	}
	p.Y.Min, p.Y.Max = 0, top*1.2
	p.Legend.TextStyle.Font.Size = vg.Points(13)
	if task == jobs.Download {
		p.Y.Min, p.Y.Max = bottom, math.Max(top, float64(workers[len(workers)-1]))*1.6 // room for the legend
	}
	return p, nil
}

// laptops is "1 laptop" or "n laptops".
func laptops(n int) string {
	if n == 1 {
		return "1 laptop"
	}
	return fmt.Sprintf("%d laptops", n)
}
