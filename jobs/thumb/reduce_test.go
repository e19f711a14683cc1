package thumb

import (
	"image"
	"image/color"
	"testing"

	"github.com/disintegration/imaging"
)

func TestHalve(t *testing.T) {
	t.Run("each pixel is the rounded mean of its 2x2 block", func(t *testing.T) {
		src := image.NewNRGBA(image.Rect(0, 0, 4, 2))
		copy(src.Pix, []byte{
			0, 10, 200, 255, 1, 11, 201, 255, 255, 255, 255, 255, 0, 0, 0, 255,
			2, 12, 202, 255, 2, 13, 203, 255, 255, 255, 255, 255, 0, 0, 1, 255,
		})
		got := halve(src)
		want := []byte{1, 12, 202, 255, 128, 128, 128, 255} // (0+1+2+2+2)>>2 = 1, (10+11+12+13+2)>>2 = 12, …
		if got.Rect != image.Rect(0, 0, 2, 1) || string(got.Pix) != string(want) {
			t.Fatalf("%v %v, want %v", got.Rect, got.Pix, want)
		}
	})
	t.Run("odd sizes drop the last row and column; sub-images work", func(t *testing.T) {
		src := image.NewNRGBA(image.Rect(0, 0, 9, 7))
		for i := range src.Pix {
			src.Pix[i] = byte(i)
		}
		sub := src.SubImage(image.Rect(1, 1, 8, 6)).(*image.NRGBA) // 7x5
		got := halve(sub)
		if got.Rect != image.Rect(0, 0, 3, 2) {
			t.Fatalf("%v", got.Rect)
		}
		for y := 0; y < 2; y++ {
			for x := 0; x < 3; x++ {
				var sum [4]int
				for _, p := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
					c := sub.NRGBAAt(1+2*x+p[0], 1+2*y+p[1])
					sum[0], sum[1], sum[2], sum[3] = sum[0]+int(c.R), sum[1]+int(c.G), sum[2]+int(c.B), sum[3]+int(c.A)
				}
				want := color.NRGBA{uint8((sum[0] + 2) / 4), uint8((sum[1] + 2) / 4), uint8((sum[2] + 2) / 4), uint8((sum[3] + 2) / 4)}
				if c := got.NRGBAAt(x, y); c != want {
					t.Fatalf("(%d,%d) = %v, want %v", x, y, c, want)
				}
			}
		}
	})
	t.Run("it is imaging's box filter at exactly half", func(t *testing.T) {
		src := image.NewNRGBA(image.Rect(0, 0, 64, 48))
		for i := range src.Pix {
			src.Pix[i] = byte(i * 37 >> 3)
			if i%4 == 3 {
				src.Pix[i] = 255
			}
		}
		a, b := halve(src), imaging.Resize(src, 32, 24, imaging.Box)
		for i := range a.Pix {
			if d := int(a.Pix[i]) - int(b.Pix[i]); d < -1 || d > 1 {
				t.Fatalf("byte %d: %d against imaging's %d", i, a.Pix[i], b.Pix[i])
			}
		}
	})
	t.Run("halveTo stops before going under the size", func(t *testing.T) {
		src := image.NewNRGBA(image.Rect(0, 0, 1100, 800))
		if got := halveTo(src, 256, 170).Rect; got != image.Rect(0, 0, 275, 200) {
			t.Fatalf("%v", got)
		}
		if got := halveTo(src, 600, 100); got != src {
			t.Fatalf("halved to %v", got.Rect)
		}
	})
}
