package thumb

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs/gallery"
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

// BenchmarkThumbnailSteps times the steps of a 12 MP picture's thumbnail
// after its decode: reduce (read in place from an RGBA PNG's pixels, or
// converted from a JPEG's YCbCr), then fit what remains.
func BenchmarkThumbnailSteps(b *testing.B) {
	rgba := gallery.Picture(1, 4000, 3000)
	ycc := image.NewYCbCr(rgba.Rect, image.YCbCrSubsampleRatio420)
	tw, th := fitSize(4000, 3000, 256, 256)
	k := reduceFactor(4000, 3000, tw, th)
	b.Run("reduce RGBA", func(b *testing.B) {
		for b.Loop() {
			reduce(rgba, k)
		}
	})
	b.Run("reduce YCbCr", func(b *testing.B) {
		for b.Loop() {
			reduce(ycc, k)
		}
	})
	small := reduce(rgba, k)
	b.Run("resample Lanczos", func(b *testing.B) {
		for b.Loop() {
			resample(small, tw, th, Lanczos)
		}
	})
	b.Run("resample CatmullRom", func(b *testing.B) {
		for b.Loop() {
			resample(small, tw, th, FastFilter)
		}
	})
	b.Run("imaging CatmullRom after reduce", func(b *testing.B) {
		for b.Loop() {
			imaging.Resize(small, tw, th, imaging.CatmullRom)
		}
	})
	b.Run("imaging Lanczos over all pixels", func(b *testing.B) {
		for b.Loop() {
			imaging.Resize(rgba, tw, th, imaging.Lanczos)
		}
	})
}

func TestReduce(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 23, 17))
	for i := range src.Pix {
		src.Pix[i] = byte(i*131>>2 + i%7)
	}
	premul := image.NewRGBA(src.Rect)
	draw.Draw(premul, premul.Rect, src, image.Point{}, draw.Src)
	for _, k := range []int{1, 2, 3, 4, 5, 8, 23} {
		for name, img := range map[string]image.Image{"RGBA": premul, "NRGBA": src, "sub-image": premul.SubImage(image.Rect(2, 1, 23, 17))} {
			t.Run(fmt.Sprintf("%s by %d: each pixel the rounded mean of its block, cut short at the edges", name, k), func(t *testing.T) {
				b := img.Bounds()
				got := reduce(img, k)
				if want := image.Rect(0, 0, (b.Dx()+k-1)/k, (b.Dy()+k-1)/k); got.Rect != want {
					t.Fatalf("%v, want %v", got.Rect, want)
				}
				for y := range got.Rect.Dy() {
					for x := range got.Rect.Dx() {
						var sum [4]int
						n := 0
						for sy := b.Min.Y + y*k; sy < min(b.Min.Y+(y+1)*k, b.Max.Y); sy++ {
							for sx := b.Min.X + x*k; sx < min(b.Min.X+(x+1)*k, b.Max.X); sx++ {
								c := premul.RGBAAt(sx, sy)
								sum[0], sum[1], sum[2], sum[3] = sum[0]+int(c.R), sum[1]+int(c.G), sum[2]+int(c.B), sum[3]+int(c.A)
								n++
							}
						}
						want := color.RGBA{uint8((sum[0] + n/2) / n), uint8((sum[1] + n/2) / n), uint8((sum[2] + n/2) / n), uint8((sum[3] + n/2) / n)}
						if c := got.RGBAAt(x, y); c != want {
							t.Fatalf("(%d,%d) = %v, want %v", x, y, c, want)
						}
					}
				}
			})
		}
	}
	t.Run("the factor keeps twice the thumbnail", func(t *testing.T) {
		for _, c := range []struct{ w, h, tw, th, k int }{
			{5120, 2880, 256, 144, 10}, {3640, 2400, 256, 168, 7}, {1000, 700, 256, 179, 1}, {1024, 768, 256, 192, 2}, {100000, 1, 1, 1, 1}, {90000, 90000, 1, 1, 256},
		} {
			if k := reduceFactor(c.w, c.h, c.tw, c.th); k != c.k {
				t.Errorf("%dx%d for %dx%d: %d, want %d", c.w, c.h, c.tw, c.th, k, c.k)
			}
		}
	})
}
