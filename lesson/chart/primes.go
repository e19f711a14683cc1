package chart

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"concurrencylab/lesson"
)

// pythonInk is Python's bars beside Go's.
var pythonInk = color.RGBA{0xff, 0x7f, 0x0e, 0xff}

// group is bars of one colour, named in the legend.
type group struct {
	name   string
	ink    color.Color
	labels []string
	values []float64
}

// groups draws groups of bars one after another, each bar's value written
// above it by format, with a dashed line at the cores.
func groups(p *plot.Plot, gs []group, format string, cores int) error {
	var names []string
	var xy plotter.XYLabels
	top := float64(cores)
	at := 0.0
	for _, g := range gs {
		b, err := plotter.NewBarChart(plotter.Values(g.values), vg.Points(36))
		if err != nil {
			return err
		}
		b.Color, b.LineStyle.Width, b.XMin = g.ink, 0, at
		p.Add(b)
		p.Legend.Add(g.name, b)
		for i, v := range g.values {
			xy.XYs = append(xy.XYs, plotter.XY{X: at + float64(i), Y: v})
			xy.Labels = append(xy.Labels, fmt.Sprintf(format, v))
			top = math.Max(top, v)
		}
		names = append(names, g.labels...)
		at += float64(len(g.values))
	}
	p.NominalX(names...)
	l, err := plotter.NewLabels(xy)
	if err != nil {
		return err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].YAlign = draw.YBottom
	}
	p.Add(l)
	if err := hline(p, float64(cores), len(names), fmt.Sprintf("%d× (the cores)", cores)); err != nil {
		return err
	}
	p.Y.Min, p.Y.Max = 0, top*1.2 // room for the labels
	return nil
}

// CCalls is the c-calls lesson's chart: the speed-up of goroutines on one
// P in C calls and in Go code, with each run's wall time.
func CCalls(m lesson.CCallsMeasured, cores int) (*plot.Plot, error) {
	p := newPlot(fmt.Sprintf("%d goroutines with GOMAXPROCS=1: speed-up over one goroutine, on %d cores", m.Goroutines, cores), "", "speed-up")
	sec := func(k string) float64 { return m.Seconds[k] }
	many := fmt.Sprintf("%d goroutines", m.Goroutines)
	return p, groups(p, []group{
		{"in a C function", barInk, []string{
			fmt.Sprintf("C, 1 goroutine\n%.2f s", sec("c, one goroutine")),
			fmt.Sprintf("C, %s\n%.2f s", many, sec("c, "+many)),
		}, []float64{1, m.OneCoreCSpeedup}},
		{"in Go code", cpuInk, []string{
			fmt.Sprintf("Go, 1 goroutine\n%.2f s", sec("go, one goroutine")),
			fmt.Sprintf("Go, %s\n%.2f s", many, sec("go, "+many)),
		}, []float64{1, m.OneCoreGoSpeedup}},
	}, "%.2f×", cores)
}

// Primes is the primes lesson's chart: Go's runs and Python's side by
// side, each bar its speed-up over one worker, with its wall time under it.
func Primes(m lesson.PrimesMeasured, cores int) (*plot.Plot, error) {
	g := m.Go
	title := fmt.Sprintf("Counting primes: speed-up over one worker, on %d cores", cores)
	gs := []group{{fmt.Sprintf("Go (primes below %d)", g.Below), ioInk, []string{
		fmt.Sprintf("Go: 1 goroutine\n%.2f s", g.OneSeconds),
		fmt.Sprintf("%d goroutines\non 1 core\n%.2f s", g.OneCoreGoroutines, g.OneCoreSeconds),
		fmt.Sprintf("%d goroutines\n%.2f s", m.Workers, g.GoroutinesSeconds),
		fmt.Sprintf("%d processes\n%.2f s", m.Workers, g.ProcessesSeconds),
	}, []float64{1, g.OneCoreSpeedup, g.GoroutinesSpeedup, g.ProcessesSpeedup}}}
	if py := m.Python; py != nil {
		gil := "with the GIL"
		if !py.GIL {
			gil = "without the GIL"
		}
		gs = append(gs, group{fmt.Sprintf("Python %s, %s (primes below %d)", py.Version, gil, py.Below), pythonInk, []string{
			fmt.Sprintf("Python: 1 thread\n%.2f s", py.OneSeconds),
			fmt.Sprintf("%d threads\n%.2f s", m.Workers, py.ThreadsSeconds),
			fmt.Sprintf("%d asyncio tasks\n%.2f s", m.Workers, py.AsyncioSeconds),
			fmt.Sprintf("%d processes\n%.2f s", m.Workers, py.ProcessesSeconds),
		}, []float64{1, py.ThreadsSpeedup, py.AsyncioSpeedup, py.ProcessesSpeedup}})
	} else {
		title += "\n(no Python found: Go only)"
	}
	p := newPlot(title, "", "speed-up")
	return p, groups(p, gs, "%.2f×", cores)
}
