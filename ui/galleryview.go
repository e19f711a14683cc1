package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
)

// galleryView shows finished items in a virtualised grid: only the visible
// cells exist, and they load thumbnails only (never the full images).
type galleryView struct {
	items      []galleryItem
	grid       *widget.GridWrap
	detailImg  *canvas.Image
	detailText *widget.Label
	selected   int
}

func (l *Lab) buildGallery() fyne.CanvasObject {
	g := &l.gallery
	g.selected = -1
	g.grid = widget.NewGridWrap(
		func() int { return len(g.items) },
		func() fyne.CanvasObject {
			img := canvas.NewImageFromResource(theme.FileImageIcon())
			img.FillMode = canvas.ImageFillContain
			img.ScaleMode = canvas.ImageScaleFastest
			img.SetMinSize(fyne.NewSize(120, 96))
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			name.Alignment = fyne.TextAlignCenter
			return container.NewBorder(nil, name, nil, nil, img)
		},
		func(id widget.GridWrapItemID, o fyne.CanvasObject) {
			it := g.items[id]
			c := o.(*fyne.Container)
			img := c.Objects[0].(*canvas.Image)
			if it.Info.Thumbnail != "" {
				if img.File != it.Info.Thumbnail {
					img.Resource, img.File = nil, it.Info.Thumbnail
					img.Refresh()
				}
			} else if img.Resource == nil {
				img.File, img.Resource = "", theme.FileImageIcon()
				img.Refresh()
			}
			c.Objects[1].(*widget.Label).SetText(it.Name)
		})
	g.grid.OnSelected = func(id widget.GridWrapItemID) { g.selected = id; g.showDetail() }
	g.detailImg = canvas.NewImageFromResource(nil)
	g.detailImg.FillMode = canvas.ImageFillContain
	g.detailImg.SetMinSize(fyne.NewSize(256, 192))
	g.detailText = widget.NewLabel("Select a thumbnail to see where its time went.")
	g.detailText.Wrapping = fyne.TextWrapWord
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(260, 0))
	detail := container.NewVBox(width, g.detailImg, g.detailText)
	return container.NewBorder(nil, nil, nil, detail, g.grid)
}

func (g *galleryView) clear() {
	g.items, g.selected = nil, -1
	g.grid.UnselectAll()
	g.grid.Refresh()
	g.detailImg.File, g.detailImg.Resource = "", nil
	g.detailImg.Refresh()
	g.detailText.SetText("Select a thumbnail to see where its time went.")
}

func (g *galleryView) add(items []galleryItem) {
	if len(items) == 0 {
		return
	}
	g.items = append(g.items, items...)
	g.grid.Refresh()
}

func (g *galleryView) showDetail() {
	if g.selected < 0 || g.selected >= len(g.items) {
		return
	}
	it := g.items[g.selected]
	in := it.Info
	g.detailImg.File, g.detailImg.Resource = in.Thumbnail, nil
	if in.Thumbnail == "" {
		g.detailImg.Resource = theme.FileImageIcon()
	}
	g.detailImg.Refresh()
	text := fmt.Sprintf("%s\n%d×%d, %s", it.Name, in.Width, in.Height, bytesText(in.Bytes))
	if in.Thumbnail != "" {
		text += fmt.Sprintf(" → thumbnail %d×%d, %s", in.ThumbWidth, in.ThumbHeight, bytesText(in.ThumbBytes))
	}
	text += "\nMade by " + it.Worker.String() + "\n" + phasesText(in.Phases)
	g.detailText.SetText(text)
}

func phasesText(p jobs.Phases) string {
	s := ""
	for _, ph := range []struct {
		name string
		d    float64
	}{{"network", ms(p.Network)}, {"decode", ms(p.Decode)}, {"resize", ms(p.Resize)}, {"encode", ms(p.Encode)}, {"between processes", ms(p.IPC)}} {
		if ph.d > 0 {
			if s != "" {
				s += " · "
			}
			s += fmt.Sprintf("%s %.1f ms", ph.name, ph.d)
		}
	}
	return s
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
