package ui

import (
	"fmt"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
)

// galleryView shows finished items in a virtualised grid: only the visible
// cells exist, and they load thumbnails only (never the full images).
//
// A canvas.Image given a File decodes it in Refresh, on the UI goroutine: a
// screenful of new thumbnails would cost a frame tens of milliseconds. So
// cells show thumbnails from a cache that one loader goroutine fills, already
// scaled to the cell and in the pixel format textures are made of; a cell
// whose thumbnail is not loaded yet stays empty until it is. Items without a
// thumbnail (a download-only run) show their name instead.
//
// Cells have no captions: the detail beside the grid names the one selected.
// Every repaint draws the whole window again, and with a software renderer
// each draw costs its pixels and a fixed part besides (Mesa's llvmpipe: 16–18
// ns a pixel, and a text's texture made again whenever it changes); the
// captions were a quarter of the window's texts, and each new cell's a new
// text in its first repaint.
type galleryView struct {
	items      []galleryItem
	pending    []galleryItem // finished, shown at the next applyReady
	grid       *widget.GridWrap
	detailImg  *canvas.Image
	detailText *widget.Label
	selected   int
	thumbs     thumbCache
	loader     thumbLoader
	ready      readyPics           // made by the loader, for applyReady
	scale      func() float32      // the canvas's pixels per unit
	empty      *widget.Label       // over the grid while it has no items
	short      map[shortKey]string // fitName's answers: it measures text, cells come back often
	box        fyne.CanvasObject
}

// cellPicture is the size of a cell's picture, in canvas units.
var cellPicture = fyne.NewSize(120, 96)

// newGalleryView builds the Gallery tab; scale is the canvas's pixels per
// unit, at which cell pictures are made.
func newGalleryView(scale func() float32) *galleryView {
	g := &galleryView{selected: -1, scale: scale}
	g.grid = widget.NewGridWrap(
		func() int { return len(g.items) },
		func() fyne.CanvasObject {
			img := canvas.NewImageFromImage(nil)
			img.FillMode = canvas.ImageFillContain
			img.ScaleMode = canvas.ImageScaleFastest // the picture is made at the cell's size
			img.SetMinSize(cellPicture)
			name := widget.NewLabel("")
			name.Alignment = fyne.TextAlignCenter
			name.Hide()
			return container.NewStack(img, container.NewVBox(layout.NewSpacer(), name, layout.NewSpacer()))
		},
		func(id widget.GridWrapItemID, o fyne.CanvasObject) {
			it := g.items[id]
			c := o.(*fyne.Container)
			img := c.Objects[0].(*canvas.Image)
			name := c.Objects[1].(*fyne.Container).Objects[1].(*widget.Label)
			if it.Info.Thumbnail == "" { // nothing to picture: the name instead
				img.Hide()
				setText(name, g.shortName(it.Name))
				name.Show()
				return
			}
			name.Hide()
			img.Show()
			switch pic := g.thumbnail(it.Info.Thumbnail); {
			case pic != nil:
				if img.Image != pic {
					img.Image = pic
					img.Refresh()
				}
			case img.Image != nil: // loading: empty until it is
				img.Image = nil
				img.Refresh()
			}
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
	g.empty = emptyNote("No pictures yet. Run Thumbnails or the Pipeline and each thumbnail appears here as soon as it is made; a Download run shows the names of the files.")
	g.box = container.NewBorder(nil, nil, nil, detail, container.NewStack(g.grid, container.NewPadded(g.empty)))
	return g
}

func (g *galleryView) object() fyne.CanvasObject { return g.box }

// thumbnail returns the cell picture of the thumbnail at path, or nil while
// the loader makes it (the grid is refreshed when it is ready) or when there
// is none.
func (g *galleryView) thumbnail(path string) image.Image {
	if path == "" {
		return nil
	}
	pic, known := g.thumbs.get(path)
	if known {
		return pic
	}
	g.thumbs.loading(path)
	s := g.scale()
	box := image.Pt(int(cellPicture.Width*s+0.5), int(cellPicture.Height*s+0.5))
	g.loader.load(path, box, func(pic image.Image) { g.ready.add(path, pic) })
	return nil
}

// applyReady puts the items finished and the pictures the loader made since
// the last call into the grid and its cache, refreshes the grid once if there
// were any, and reports whether it did. The lab calls it on the UI goroutine
// in its frame, with its other updates: a change made between frames would
// ask for a repaint of its own, and with a software renderer a repaint costs
// about a frame.
func (g *galleryView) applyReady() bool {
	ready := g.ready.take()
	shown := g.addPending()
	for _, r := range ready {
		g.thumbs.put(r.path, r.pic)
		shown = shown || r.pic != nil
	}
	if shown {
		g.grid.Refresh()
	}
	return shown
}

func (g *galleryView) clear() {
	g.items, g.pending, g.selected = nil, nil, -1
	g.thumbs = thumbCache{}
	g.grid.UnselectAll()
	g.grid.Refresh()
	g.detailImg.File, g.detailImg.Resource = "", nil
	g.detailImg.Refresh()
	g.detailText.SetText("Select a thumbnail to see where its time went.")
	g.empty.Show()
}

// add queues finished items for the grid. They join it at the next
// applyReady, on another frame than the progress texts: each new cell is a
// new picture to upload, and the progress texts' are new texts.
func (g *galleryView) add(items []galleryItem) {
	g.pending = append(g.pending, items...)
}

// addPending puts the queued items in the grid, without refreshing it, and
// reports whether there were any.
func (g *galleryView) addPending() bool {
	if len(g.pending) == 0 {
		return false
	}
	g.items = append(g.items, g.pending...)
	g.pending = nil
	g.empty.Hide()
	return true
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
	if in.Warning != "" {
		text += "\nWarning: " + in.Warning + ". The thumbnail was made anyway, as image viewers and PIL show such files."
	}
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

// shortKey is a name at a text size.
type shortKey struct {
	size float32
	name string
}

// shortName is name fitted to a cell, measured once per name and text size.
func (g *galleryView) shortName(name string) string {
	key := shortKey{theme.TextSize(), name} // no allocation: cells come back at every refresh
	if s, ok := g.short[key]; ok {
		return s
	}
	if g.short == nil || len(g.short) > 4096 {
		g.short = map[shortKey]string{}
	}
	g.short[key] = fitName(name, cellPicture.Width)
	return g.short[key]
}

// fitName shortens name to fit width, keeping two thirds of what fits from
// its start (where a gallery's names differ: "photo-0001…") and the rest from
// its end (the extension).
func fitName(name string, width float32) string {
	size, style := theme.TextSize(), fyne.TextStyle{}
	room := width - 2*theme.InnerPadding()
	r := []rune(name)
	if fyne.MeasureText(name, size, style).Width <= room {
		return name
	}
	for keep := len(r) - 1; keep > 2; keep-- {
		head := (2*keep + 2) / 3
		tail := keep - head
		s := string(r[:head]) + "…" + string(r[len(r)-tail:])
		if fyne.MeasureText(s, size, style).Width <= room {
			return s
		}
	}
	return string(r[:1]) + "…"
}
