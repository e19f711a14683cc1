// Package chart draws the lessons' pictures with gonum's plot: the speed-up
// of each run, the scaling curves with their ideal lines, the racing
// counters, the cost of a start on a log scale, and the queue's depth over
// time. It returns plots, images and PNG files, so the report and the window
// show the same pictures.
package chart

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"concurrencylab/lesson"
	"concurrencylab/results"
)

// Colours: the IO curve, the CPU curve, and ideal lines.
var (
	ioInk    = color.RGBA{0x1f, 0x77, 0xb4, 0xff}
	cpuInk   = color.RGBA{0xd6, 0x27, 0x28, 0xff}
	idealInk = color.RGBA{0x80, 0x80, 0x80, 0xff}
	barInk   = color.RGBA{0x2c, 0xa0, 0x2c, 0xff}
)

// For returns the picture of a lesson's outcome; false for a lesson that has
// none (its figures say it all).
func For(o *lesson.Outcome) (*plot.Plot, bool) {
	var p *plot.Plot
	var err error
	switch m := o.Measured.(type) {
	case lesson.ScalingMeasured:
		p, err = Scaling(m, o.Cores)
	case lesson.RaceMeasured:
		p, err = Race(m)
	case lesson.StartupMeasured:
		p, err = Startup(m)
	case lesson.PipelineMeasured:
		p, err = Pipeline(m)
	case lesson.IOMeasured, lesson.CPUMeasured:
		p, err = Speedups(o)
	case lesson.DeadlockMeasured:
		p, err = WaitFor(m)
	case lesson.CCallsMeasured:
		p, err = CCalls(m, o.Cores)
	case lesson.PrimesMeasured:
		p, err = Primes(m, o.Cores)
	default:
		return nil, false
	}
	return p, err == nil
}

// Image draws p at w×h pixels (at 96 dots an inch, so text is screen-sized).
func Image(p *plot.Plot, w, h int) image.Image { return ImageScaled(p, w, h, 1) }

// ImageScaled draws p as Image does at w×h, then scale times larger, text
// and all: a presentation scale.
func ImageScaled(p *plot.Plot, w, h int, scale float64) image.Image {
	dpi := 96 * scale
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch/96, vg.Length(h)*vg.Inch/96), vgimg.UseDPI(int(math.Round(dpi))),
		vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(c))
	return c.Image()
}

// WritePNG writes p as a w×h PNG.
func WritePNG(out io.Writer, p *plot.Plot, w, h int) error {
	return png.Encode(out, Image(p, w, h))
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	return p
}

// Scaling is the scaling lesson's chart: speed-up against workers on a log
// scale of two, downloads and thumbnails, each with its ideal line (workers
// for waiting, up to the cores for CPU work).
func Scaling(m lesson.ScalingMeasured, cores int) (*plot.Plot, error) {
	p := newPlot(fmt.Sprintf("Speed-up against goroutines, on %d cores", cores), "goroutines (log scale)", "speed-up over one goroutine")
	p.X.Scale = plot.LogScale{}
	p.Y.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for _, w := range m.Workers {
		ticks = append(ticks, plot.Tick{Value: float64(w), Label: strconv.Itoa(w)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	ideal := func(f func(w float64) float64) plotter.XYs {
		var xy plotter.XYs
		for _, w := range m.Workers {
			xy = append(xy, plotter.XY{X: float64(w), Y: f(float64(w))})
		}
		return xy
	}
	measured := func(v map[string]float64) plotter.XYs {
		var xy plotter.XYs
		for _, w := range m.Workers {
			if s, ok := v[strconv.Itoa(w)]; ok && s > 0 {
				xy = append(xy, plotter.XY{X: float64(w), Y: s})
			}
		}
		return xy
	}
	for _, s := range []struct {
		name string
		xy   plotter.XYs
		ink  color.Color
		dash bool
	}{
		{"ideal for waiting: one per goroutine", ideal(func(w float64) float64 { return w }), ioInk, true},
		{fmt.Sprintf("ideal for CPU work: up to %d cores", cores), ideal(func(w float64) float64 { return math.Min(w, float64(cores)) }), cpuInk, true},
		{"downloads (waiting), measured", measured(m.Download), ioInk, false},
		{"thumbnails (CPU work), measured", measured(m.Thumbnail), cpuInk, false},
	} {
		if len(s.xy) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(s.xy)
		if err != nil {
			return nil, err
		}
		l.Color, pts.Color = s.ink, s.ink
		l.Width = vg.Points(2)
		if s.dash {
			l.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
			l.Width = vg.Points(1)
			pts.Shape = nil
			p.Add(l)
		} else {
			p.Add(l, pts)
		}
		p.Legend.Add(s.name, l)
	}
	p.Y.Min = 0.8
	for _, v := range m.Thumbnail {
		p.Y.Min = math.Min(p.Y.Min, v*0.9) // an overloaded machine can go below 1×
	}
	p.Y.Max = float64(m.Workers[len(m.Workers)-1]) * 1.1
	return p, nil
}

// bars adds a bar chart of values named by labels, each value written
// above its bar by format (so a bar of 0 still says so).
func bars(p *plot.Plot, labels []string, values []float64, format string) error {
	b, err := plotter.NewBarChart(plotter.Values(values), vg.Points(36))
	if err != nil {
		return err
	}
	b.Color = barInk
	b.LineStyle.Width = 0
	p.Add(b)
	p.NominalX(labels...)
	var xy plotter.XYLabels
	for i, v := range values {
		xy.XYs = append(xy.XYs, plotter.XY{X: float64(i), Y: v})
		xy.Labels = append(xy.Labels, fmt.Sprintf(format, v))
	}
	l, err := plotter.NewLabels(xy)
	if err != nil {
		return err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].YAlign = draw.YBottom
	}
	p.Add(l)
	return nil
}

// integers labels an axis's ticks without decimals.
func integers(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'f', 0, 64)
		}
	}
	return ticks
}

// hline adds a dashed horizontal line at y across n bars, named in the legend.
func hline(p *plot.Plot, y float64, n int, name string) error {
	l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: y}, {X: float64(n) - 0.5, Y: y}})
	if err != nil {
		return err
	}
	l.Color = idealInk
	l.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

// Speedups is a bar per run of the io-bound or cpu-bound lesson: its
// speed-up over one goroutine, with a line at the cores.
func Speedups(o *lesson.Outcome) (*plot.Plot, error) {
	p := newPlot(fmt.Sprintf("%s: speed-up over one goroutine, on %d cores", o.Lesson, o.Cores), "", "speed-up")
	var labels []string
	var values []float64
	for _, r := range o.Runs {
		labels = append(labels, results.Name(r))
		values = append(values, *results.Speedup(o.Runs, r))
	}
	if err := bars(p, labels, values, "%.2f×"); err != nil {
		return nil, err
	}
	if err := hline(p, float64(o.Cores), len(labels), fmt.Sprintf("%d× (the cores)", o.Cores)); err != nil {
		return nil, err
	}
	p.Y.Min = 0
	p.Y.Max = math.Max(float64(o.Cores), slices.Max(values)) * 1.15 // room for the labels
	return p, nil
}

// Race is the race lesson's chart: where each way of counting ended, against
// the expected total.
func Race(m lesson.RaceMeasured) (*plot.Plot, error) {
	p := newPlot(fmt.Sprintf("%d goroutines × %d additions: the counter at the end\n(under each way: its time for 10× as many additions in tight loops)", m.Goroutines, m.Increments), "", "counter")
	labels := []string{
		fmt.Sprintf("no lock\n%.3f s", m.Seconds["unsynchronized"]),
		fmt.Sprintf("mutex\n%.3f s", m.Seconds["mutex"]),
		fmt.Sprintf("atomic add\n%.3f s", m.Seconds["atomic"]),
		fmt.Sprintf("per goroutine\n%.3f s", m.Seconds["sharded"]),
		fmt.Sprintf("parent of %d\nprocesses", m.Processes),
		"sent back by\nthe processes",
	}
	values := []float64{float64(m.Unsynchronized), float64(m.Mutex), float64(m.Atomic), float64(m.Sharded),
		float64(m.ProcessesParent), float64(m.ProcessesSentBack)}
	if err := bars(p, labels, values, "%.0f"); err != nil {
		return nil, err
	}
	if err := hline(p, float64(m.Expected), len(labels), fmt.Sprintf("expected: %d", m.Expected)); err != nil {
		return nil, err
	}
	p.Y.Tick.Marker = plot.TickerFunc(integers)
	p.Y.Min = 0
	p.Y.Max = float64(m.Expected) * 1.25
	return p, nil
}

// Startup is the startup lesson's chart: what one start costs, on a log
// scale, since the two differ a thousandfold.
func Startup(m lesson.StartupMeasured) (*plot.Plot, error) {
	p := newPlot("What one start costs (log scale)", "", "microseconds")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	values := []float64{m.GoroutineStartUS, m.ProcessStartMS * 1000}
	lo := math.Pow(10, math.Floor(math.Log10(math.Max(m.GoroutineStartUS, 1e-3))))
	// A bar chart grows from 0, which a log scale has not: each bar is a
	// rectangle from the axis's floor instead.
	for i, v := range values {
		x := float64(i)
		bar, err := plotter.NewPolygon(plotter.XYs{{X: x - 0.3, Y: lo}, {X: x + 0.3, Y: lo}, {X: x + 0.3, Y: math.Max(v, lo)}, {X: x - 0.3, Y: math.Max(v, lo)}})
		if err != nil {
			return nil, err
		}
		bar.Color = barInk
		bar.LineStyle.Width = 0
		p.Add(bar)
	}
	p.NominalX(fmt.Sprintf("a goroutine: %.2f µs", values[0]), fmt.Sprintf("a worker process: %.1f ms", m.ProcessStartMS))
	p.X.Min, p.X.Max = -0.6, 1.6
	p.Y.Min = lo
	p.Y.Max = math.Pow(10, math.Ceil(math.Log10(math.Max(values[1], 10))))
	return p, nil
}

// Pipeline is the pipeline lesson's chart: the bounded queue's depth over
// the run, under its capacity.
func Pipeline(m lesson.PipelineMeasured) (*plot.Plot, error) {
	p := newPlot(fmt.Sprintf("The queue between downloads and thumbnails (room for %d)", m.QueueCapacity), "seconds into the run", "pictures waiting in the queue")
	var xy plotter.XYs
	for _, s := range m.Depth {
		xy = append(xy, plotter.XY{X: s.Seconds, Y: float64(s.Depth)})
	}
	if len(xy) > 0 {
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.StepStyle = plotter.PostStep
		l.Color = ioInk
		l.Width = vg.Points(2)
		p.Add(l)
		p.Legend.Add("depth", l)
		end := xy[len(xy)-1].X
		c, err := plotter.NewLine(plotter.XYs{{X: 0, Y: float64(m.QueueCapacity)}, {X: end, Y: float64(m.QueueCapacity)}})
		if err != nil {
			return nil, err
		}
		c.Color = cpuInk
		c.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
		p.Add(c)
		p.Legend.Add("capacity", c)
	}
	p.Y.Min = 0
	p.Y.Max = float64(m.QueueCapacity) + 1
	p.Y.Tick.Marker = plot.TickerFunc(integers)
	return p, nil
}
