package thumb

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/turbojpeg"
)

// psnr compares two images of one size, in dB over the premultiplied RGB
// channels (a transparent pixel's colour does not count).
func psnr(a, b image.Image) float64 {
	na, nb := image.NewRGBA(a.Bounds()), image.NewRGBA(b.Bounds())
	draw.Draw(na, na.Rect, a, a.Bounds().Min, draw.Src)
	draw.Draw(nb, nb.Rect, b, b.Bounds().Min, draw.Src)
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
// FastFilter) and the std path (full decode, reduce, then Lanczos) give
// what a full decode fitted with Lanczos gives, on photo-like pictures of
// the built-in gallery's sizes, before encoding.
func TestFastMatchesLanczos(t *testing.T) {
	dir := t.TempDir()
	imgs, err := gallery.Ensure(context.Background(), dir, 3, gallery.PhotoSizes)
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range imgs {
		data, cfg := readChecked(t, im.Path)
		ref := lanczosRef(t, data, 256)
		var si, fi Info
		std, err := stdFit(data, cfg, 256, &si, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		fast, release, err := fastFit(data, cfg, 256, &fi, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ps, pf := psnr(ref, std), psnr(ref, fast)
		release()
		t.Logf("%s: PSNR %.1f dB (std), %.1f dB (fast); decode+resize %v (std) vs %v (fast)", im.Name, ps, pf,
			si.Timings.Decode+si.Timings.Resize, fi.Timings.Decode+fi.Timings.Resize)
		if ps < 38 || pf < 38 {
			t.Errorf("%s: thumbnails differ from Lanczos: PSNR %.1f dB (std), %.1f dB (fast)", im.Name, ps, pf)
		}
	}
}

// zonePlate is a w×h grey JPEG of concentric rings whose frequency grows
// with the radius up to maxFreq cycles a pixel in the corners: every
// frequency a downscale must keep or remove, so aliasing shows as rings that
// are not in the reference.
func zonePlate(t *testing.T, w, h int, maxFreq float64) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	rmax := math.Hypot(float64(w)/2, float64(h)/2)
	k := math.Pi * maxFreq / rmax
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-float64(w)/2, float64(y)-float64(h)/2
			img.Pix[y*img.Stride+x] = uint8(127.5 + 127*math.Cos(k*(dx*dx+dy*dy)))
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestFastDoesNotAlias fits a zone plate reaching four times the
// thumbnail's Nyquist frequency both ways, before JPEG encoding. A filter
// that aliases (imaging.Linear after the same reduction measured 27.6 dB on
// a 4000x3000 plate, PIL's thumbnail() 34.9, this path 32.1) draws rings
// the reference has not.
func TestFastDoesNotAlias(t *testing.T) {
	const w, h, box = 2000, 1500, 256
	data := zonePlate(t, w, h, 4*0.5*box/w)
	full, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	ref := imaging.Fit(full, box, box, imaging.Lanczos)
	cfg, err := imagecheck.Default.Check(data)
	if err != nil {
		t.Fatal(err)
	}
	var info Info
	fast, release, err := fastFit(data, cfg, box, &info, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	p := psnr(ref, fast)
	t.Logf("zone plate %dx%d to %v: PSNR %.1f dB against full decode + Lanczos", w, h, fast.Bounds().Size(), p)
	if p < 30 {
		t.Errorf("the fast path aliases: PSNR %.1f dB", p)
	}
}

// TestFastHalvesVeryWidePictures takes the path where even 1/8 leaves twice
// the thumbnail, so halve runs before the final fit.
func TestFastHalvesVeryWidePictures(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "wide.jpg")
	if err := os.WriteFile(src, zonePlate(t, 4400, 300, 0.005), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := imagecheck.Config{Format: "jpeg", Width: 4400, Height: 300}
	tw, th := fitSize(cfg.Width, cfg.Height, 256, 256)
	if s := turbojpeg.Pick(cfg.Width, cfg.Height, tw, th); s.Of(cfg.Width)/2 < tw || s.Of(cfg.Height)/2 < th {
		t.Fatalf("the test picture is not wide enough to be halved at %v", s)
	}
	std, err := File(src, filepath.Join(dir, "std.jpg"), 256, imagecheck.Default, Std)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := File(src, filepath.Join(dir, "fast.jpg"), 256, imagecheck.Default, Fast)
	if err != nil {
		t.Fatal(err)
	}
	if fast.ThumbWidth != std.ThumbWidth || fast.ThumbHeight != std.ThumbHeight {
		t.Fatalf("fast %dx%d, std %dx%d", fast.ThumbWidth, fast.ThumbHeight, std.ThumbWidth, std.ThumbHeight)
	}
	a, _ := imaging.Open(std.Thumbnail)
	b, _ := imaging.Open(fast.Thumbnail)
	p := psnr(a, b)
	t.Logf("4400x300 to %dx%d through halve: PSNR %.1f dB against std", fast.ThumbWidth, fast.ThumbHeight, p)
	if p < 30 {
		t.Errorf("PSNR %.1f dB", p)
	}
}
