package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/results"
)

// barsLayout sizes its first object (the track) to the whole row, its second
// (the measured bar) to frac of it and puts its third (the ideal) at ideal.
type barsLayout struct{ frac, ideal float32 }

func (b *barsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Resize(size)
	objs[1].Resize(fyne.NewSize(size.Width*b.frac, size.Height))
	objs[2].Move(fyne.NewPos(size.Width*b.ideal-1, -2))
	objs[2].Resize(fyne.NewSize(3, size.Height+4))
}

func (b *barsLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(120, 14) }

// chartRows draws one row per run that has a speed-up: its measured
// speed-up as a bar, the ideal as a mark, and the efficiency.
func chartRows(runs []RunRecord) []fyne.CanvasObject {
	scale := 1.0
	for _, r := range runs {
		if r.Speedup != nil {
			scale = max(scale, *r.Speedup, results.Ideal(r.Result))
		}
	}
	plain := resultsOf(runs)
	var rows []fyne.CanvasObject
	for _, r := range runs {
		if r.Speedup == nil {
			continue
		}
		ideal := results.Ideal(r.Result)
		name := widget.NewLabel(fmt.Sprintf("%s, %s ×%d: %.2f s", taskLabels[r.Task], modeLabels[r.Mode], r.Workers, r.WallSeconds))
		name.Truncation = fyne.TextTruncateEllipsis
		text := widget.NewLabel(fmt.Sprintf("%.2f× of %.0f× ideal (%.0f%%)", *r.Speedup, ideal, 100**r.Speedup/ideal))
		note := ""
		if base, ok := results.Baseline(plain, r.Result); ok {
			note = results.Note(base, r.Result, ideal)
		}
		track := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		mark := canvas.NewRectangle(color.NRGBA{0xee, 0x6c, 0x4d, 0xff})
		bars := container.New(&barsLayout{frac: float32(*r.Speedup / scale), ideal: float32(ideal / scale)}, track, bar, mark)
		// The run's name on a line of its own: beside the bar it was cut.
		rows = append(rows, container.NewVBox(name, container.NewGridWithColumns(2, container.NewPadded(bars), text)))
		if note != "" { // a figure that would mislead says why, where it is
			text.SetText(text.Text + " — see below")
			n := hintLabel(note)
			n.Wrapping = fyne.TextWrapWord
			rows = append(rows, n)
		}
	}
	if len(rows) == 0 && len(runs) > 0 {
		rows = append(rows, emptyNote("No speed-up yet: a speed-up compares a run with a One goroutine (or Blocking) run of the same task, images and decoder. Run that too (either order), and the bars appear here."))
	}
	return rows
}
