package thumb

import (
	"context"
	"image"
	"math"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/imagecheck"
)

// psnr compares two images of one size, in dB over the RGB channels.
func psnr(a, b image.Image) float64 {
	na, nb := imaging.Clone(a), imaging.Clone(b)
	var se float64
	for i := 0; i < len(na.Pix); i++ {
		if i%4 == 3 {
			continue
		}
		d := float64(na.Pix[i]) - float64(nb.Pix[i])
		se += d * d
	}
	mse := se / float64(len(na.Pix)/4*3)
	return 10 * math.Log10(255*255/mse)
}

// TestFastMatchesLanczos checks that the fast path (reduced decode, then
// FastFilter) gives what the naive path (full decode, Lanczos) gives, on
// photo-like pictures of the built-in gallery's sizes.
func TestFastMatchesLanczos(t *testing.T) {
	dir := t.TempDir()
	imgs, err := gallery.Ensure(context.Background(), dir, 3, gallery.PhotoSizes)
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range imgs {
		std, err := File(im.Path, filepath.Join(dir, "std-"+im.Name), 256, imagecheck.Default, Std)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := File(im.Path, filepath.Join(dir, "fast-"+im.Name), 256, imagecheck.Default, Fast)
		if err != nil {
			t.Fatal(err)
		}
		if fast.Width != std.Width || fast.Height != std.Height {
			t.Fatalf("%s: fast %dx%d, std %dx%d", im.Name, fast.Width, fast.Height, std.Width, std.Height)
		}
		a, _ := imaging.Open(std.Path)
		b, _ := imaging.Open(fast.Path)
		p := psnr(a, b)
		t.Logf("%s: PSNR %.1f dB; decode+resize %v (std) vs %v (fast)", im.Name, p,
			std.Timings.Decode+std.Timings.Resize, fast.Timings.Decode+fast.Timings.Resize)
		if p < 32 {
			t.Errorf("%s: fast thumbnail differs from Lanczos: PSNR %.1f dB", im.Name, p)
		}
	}
}

func TestOrientationNeverPanics(t *testing.T) {
	good := withOrientation([]byte{0xFF, 0xD8, 0xFF, 0xD9}, 6)
	if o := orientation(good); o != 6 {
		t.Fatalf("orientation %d, want 6", o)
	}
	for n := 0; n <= len(good); n++ {
		orientation(good[:n]) // every truncation
	}
	for i := range good { // every byte flipped
		b := append([]byte{}, good...)
		b[i] ^= 0xFF
		if o := orientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	}
}
