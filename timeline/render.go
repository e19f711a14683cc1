package timeline

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"sync"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Colours of the phases, and of failed steps.
var Colours = map[string]color.RGBA{
	"network": {0x4a, 0x90, 0xd9, 255},
	"decode":  {0x5b, 0xc0, 0x8a, 255},
	"resize":  {0xf4, 0xa2, 0x59, 255},
	"encode":  {0xb0, 0x7c, 0xd8, 255},
	"ipc":     {0x9a, 0x9a, 0x9a, 255},
	"failed":  {0xd9, 0x3b, 0x3b, 255},
	"step":    {0x3a, 0x44, 0x5a, 255}, // part of a step no phase accounts for
}

// Render draws runs width pixels wide.
func Render(runs []Run, width int) *image.RGBA { return RenderScaled(runs, width, 1) }

// RenderScaled draws runs width pixels wide, with text and rows scale times
// their usual size. Its text is Go's own sans-serif (gofont), drawn at the
// size in use, so it stays sharp on a projector.
func RenderScaled(runs []Run, width int, scale float64) *image.RGBA {
	l := NewScaledLayout(runs, width, scale)
	face := faceOf(11 * l.Scale)
	img := image.NewRGBA(image.Rect(0, 0, width, l.Height(runs)))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{0xfa, 0xfa, 0xfa, 255}), image.Point{}, draw.Src)
	ink := color.RGBA{0x22, 0x22, 0x22, 255}
	for ri, r := range runs {
		top := l.Lane(runs, ri, 0).Min.Y - l.TitleHeight
		if len(r.Lag) > 0 {
			top = l.LagLane(runs, ri).Min.Y - l.TitleHeight
			lagLane(img, face, l, l.LagLane(runs, ri), r.Lag, ink)
		}
		text(img, face, l.px(6), top+l.px(15), ink, fmt.Sprintf("%s: %.2f s", r.Title, r.Wall.Seconds()))
		for li, ln := range r.Lanes {
			rect := l.Lane(runs, ri, li)
			if li%2 == 0 {
				fill(img, image.Rect(0, rect.Min.Y, width, rect.Max.Y), color.RGBA{0xee, 0xf0, 0xf4, 255})
			}
			text(img, face, l.px(10), rect.Min.Y+l.px(13), ink, ln.Worker.String())
			for _, s := range ln.Spans {
				bar := image.Rect(l.X(s.Start), rect.Min.Y+l.px(3), max(l.X(s.End), l.X(s.Start)+1), rect.Max.Y-l.px(3))
				if s.Failed != "" {
					fill(img, bar, Colours["failed"])
					continue
				}
				fill(img, bar, Colours["step"])
				at := s.Start
				for _, p := range s.Phases {
					end := min(at+p.Dur, s.End)
					fill(img, image.Rect(l.X(at), bar.Min.Y, max(l.X(end), l.X(at)), bar.Max.Y), Colours[p.Name])
					at = end
				}
			}
		}
	}
	// The time axis.
	y := l.Height(runs) - l.AxisHeight
	fill(img, image.Rect(l.LabelWidth, y, width-10, y+1), ink)
	for _, t := range l.Ticks() {
		x := l.X(t)
		fill(img, image.Rect(x, y, x+1, y+l.px(5)), ink)
		text(img, face, x-l.px(8), y+l.px(17), ink, tickLabel(t))
	}
	// The legend, right of the first title.
	x := width - l.px(10)
	for _, name := range []string{"failed", "ipc", "encode", "resize", "decode", "network"} {
		x -= font.MeasureString(face, name).Ceil() + l.px(22)
		fill(img, image.Rect(x, l.px(6), x+l.px(12), l.px(16)), Colours[name])
		text(img, face, x+l.px(16), l.px(15), ink, name)
	}
	return img
}

// lagLane draws the UI goroutine's heartbeat: each probe that ran more than
// two frames late is a block from when it was due to when it ran, red past
// 100 ms, so a frozen window shows as a wall.
func lagLane(img *image.RGBA, face font.Face, l Layout, rect image.Rectangle, lag []LagSample, ink color.RGBA) {
	fill(img, image.Rect(0, rect.Min.Y, img.Bounds().Dx(), rect.Max.Y), color.RGBA{0xf6, 0xec, 0xe4, 255})
	text(img, face, l.px(10), rect.Min.Y+l.px(13), ink, "UI thread lag")
	for _, s := range lag {
		if s.Lag <= 33*time.Millisecond {
			continue
		}
		c := Colours["resize"]
		if s.Lag > 100*time.Millisecond {
			c = Colours["failed"]
		}
		fill(img, image.Rect(l.X(s.At-s.Lag), rect.Min.Y+l.px(3), max(l.X(s.At), l.X(s.At-s.Lag)+1), rect.Max.Y-l.px(3)), c)
	}
}

// WritePNG renders runs and encodes them as PNG.
func WritePNG(w io.Writer, runs []Run, width int) error {
	return png.Encode(w, Render(runs, width))
}

func tickLabel(t time.Duration) string {
	if t%time.Second == 0 {
		return fmt.Sprintf("%ds", int(t/time.Second))
	}
	return fmt.Sprintf("%gs", t.Seconds())
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func text(img *image.RGBA, face font.Face, x, y int, c color.RGBA, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// goRegular is Go's regular sans-serif, parsed once; a parsed font may be
// shared, a face may not (it caches glyphs), so each render makes its own.
var goRegular = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(goregular.TTF) })

// faceOf is Go's regular sans-serif at size pixels, for one render.
func faceOf(size float64) font.Face {
	f, err := goRegular()
	if err == nil {
		var face font.Face
		if face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull}); err == nil {
			return face
		}
	}
	return basicfont.Face7x13 // cannot happen with the embedded font
}
