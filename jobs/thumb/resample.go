package thumb

import (
	"image"
	"math"
)

// Filter is a resampling kernel: its weight at distance t (in source pixels
// at the output's scale) and the distance past which it is zero.
type Filter struct {
	Support float64
	At      func(t float64) float64
}

// Lanczos is the Lanczos-3 kernel (imaging.Lanczos): it fits what remains of
// a picture after reduce.
var Lanczos = Filter{Support: 3, At: func(t float64) float64 {
	if t = math.Abs(t); t < 3 {
		return sinc(t) * sinc(t/3)
	}
	return 0
}}

// CatmullRom is the Catmull-Rom cubic (imaging.CatmullRom), the bicubic
// PIL's thumbnail uses.
var CatmullRom = Filter{Support: 2, At: func(t float64) float64 {
	switch t = math.Abs(t); {
	case t < 1:
		return (3*t-5)*t*t/2 + 1
	case t < 2:
		return ((5-t)*t-8)*t/2 + 2
	}
	return 0
}}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// precision is the number of fraction bits of a weight.
const precision = 14

// taps are the weights that make each output pixel of one axis from the
// input pixels start[i] to start[i]+len(weights[i]).
type taps struct {
	start   []int
	weights [][]int32
}

// newTaps computes the weights that resample in pixels to out with f, the
// kernel stretched by the scale when shrinking (as imaging and PIL do), each
// pixel's weights summing to 1<<precision.
func newTaps(in, out int, f Filter) taps {
	scale := float64(in) / float64(out)
	stretch := max(scale, 1)
	support := f.Support * stretch
	t := taps{start: make([]int, out), weights: make([][]int32, out)}
	var buf []float64
	for i := range out {
		center := (float64(i) + 0.5) * scale
		lo := max(0, int(math.Floor(center-support)))
		hi := min(in, int(math.Ceil(center+support)))
		buf = buf[:0]
		var sum float64
		for j := lo; j < hi; j++ {
			w := f.At((float64(j) + 0.5 - center) / stretch)
			buf = append(buf, w)
			sum += w
		}
		ws := make([]int32, len(buf))
		for j, w := range buf {
			ws[j] = int32(math.Round(w / sum * (1 << precision)))
		}
		t.start[i], t.weights[i] = lo, ws
	}
	return t
}

// resample resizes src, premultiplied, to w×h with f: one pass along rows into
// 8-bit pixels, one along columns, integer weights, PIL's way. Unlike
// imaging.Resize, which spreads every resize over GOMAXPROCS goroutines, it
// runs on the calling goroutine alone: a thumbnail made beside a window
// competes with it for no more than the one thread it was given.
// TestNoFanOut checks it.
func resample(src *image.RGBA, w, h int, f Filter) *image.RGBA {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	if sw == w && sh == h {
		return src
	}
	across := image.NewRGBA(image.Rect(0, 0, w, sh))
	tx := newTaps(sw, w, f)
	for y := range sh {
		row := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+y):][:4*sw]
		out := across.Pix[y*across.Stride:][:4*w]
		for x := range w {
			s := row[4*tx.start[x]:]
			var r, g, b, a int32
			for j, wt := range tx.weights[x] {
				p := s[4*j : 4*j+4 : 4*j+4]
				r, g, b, a = r+wt*int32(p[0]), g+wt*int32(p[1]), b+wt*int32(p[2]), a+wt*int32(p[3])
			}
			put(out[4*x:4*x+4:4*x+4], r, g, b, a)
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	ty := newTaps(sh, h, f)
	sums := make([]int32, 4*w)
	for y := range h {
		clear(sums)
		for j, wt := range ty.weights[y] { // row after row, in memory order
			row := across.Pix[(ty.start[y]+j)*across.Stride:][:len(sums)]
			for i, v := range row {
				sums[i] += wt * int32(v)
			}
		}
		out := dst.Pix[y*dst.Stride:][:len(sums)]
		for x := 0; x < len(sums); x += 4 {
			put(out[x:x+4:x+4], sums[x], sums[x+1], sums[x+2], sums[x+3])
		}
	}
	return dst
}

// put rounds and clamps sums of weighted premultiplied channels into p,
// keeping each colour within its alpha (a filter's negative lobes may push a
// colour past it at the edge of a transparent area).
func put(p []byte, r, g, b, a int32) {
	al := clamp8(a)
	p[0], p[1], p[2], p[3] = min(clamp8(r), al), min(clamp8(g), al), min(clamp8(b), al), al
}

func clamp8(v int32) uint8 {
	v = (v + 1<<(precision-1)) >> precision
	return uint8(max(0, min(v, 255)))
}

// upright applies an EXIF orientation to a thumbnail, as
// imaging.AutoOrientation does to a whole picture (without its goroutines).
func upright(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if o >= 5 { // a quarter turn
		dst = image.NewRGBA(image.Rect(0, 0, h, w))
	}
	for y := range h {
		for x := range w {
			dx, dy := x, y
			switch o {
			case 2: // mirrored
				dx = w - 1 - x
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // upside down and mirrored
				dy = h - 1 - y
			case 5: // transposed
				dx, dy = y, x
			case 6: // a quarter turn clockwise to be upright
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // a quarter turn counter-clockwise
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dst.PixOffset(dx, dy):][:4], img.Pix[img.PixOffset(img.Rect.Min.X+x, img.Rect.Min.Y+y):][:4])
		}
	}
	return dst
}
