package thumb

import (
	"bytes"
	"image"
	"testing"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs/gallery"
)

func TestUprightIsImagingsOrientation(t *testing.T) {
	src := gallery.Picture(5, 7, 4)
	want := map[int]func(image.Image) *image.NRGBA{
		1: imaging.Clone, 2: imaging.FlipH, 3: imaging.Rotate180, 4: imaging.FlipV,
		5: imaging.Transpose, 6: imaging.Rotate270, 7: imaging.Transverse, 8: imaging.Rotate90,
	}
	for o := 1; o <= 8; o++ {
		got, w := upright(src, o), want[o](src)
		if got.Rect != w.Rect || !bytes.Equal(got.Pix, w.Pix) { // opaque: RGBA and NRGBA bytes agree
			t.Errorf("orientation %d: %v differs from imaging's %v", o, got.Rect, w.Rect)
		}
	}
}

func TestResampleKeepsFlatColoursAndAlpha(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 90, 60))
	for i := 0; i < len(src.Pix); i += 4 {
		copy(src.Pix[i:], []byte{40, 60, 80, 128}) // premultiplied, half transparent
	}
	for _, f := range []Filter{Lanczos, CatmullRom} {
		got := resample(src, 31, 17, f)
		for i := 0; i < len(got.Pix); i += 4 {
			if !bytes.Equal(got.Pix[i:i+4], []byte{40, 60, 80, 128}) {
				t.Fatalf("pixel %d is %v: weights do not sum to one", i/4, got.Pix[i:i+4])
			}
		}
	}
}
