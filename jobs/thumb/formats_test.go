package thumb

import (
	"bytes"
	"image"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/imagecheck"
)

// lanczosRef is what every thumbnail is measured against: Go's full decode,
// turned upright, fitted with imaging's Lanczos over all its pixels (what
// the std decoder did before it reduced first).
func lanczosRef(t *testing.T, data []byte, box int) image.Image {
	full, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		t.Fatal(err)
	}
	return imaging.Fit(full, box, box, imaging.Lanczos)
}

// readChecked reads the image file at path and checks it as File does.
func readChecked(t *testing.T, path string) ([]byte, imagecheck.Config) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := imagecheck.Default.Check(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, cfg
}

// formatFolder is a folder of every format a user's folder may hold, each
// large enough for reduce to shrink it by at least 2 for the box given:
// a photo-like RGB PNG, a PNG with an alpha channel, a GIF, a lossy WebP
// and a CMYK JPEG. (x/image has no WebP encoder, and Go's no CMYK one:
// testdata/photo-800x600.webp and cmyk-800x600.jpg were made by PIL from
// gallery.Picture(7, 1024, 768), blurred by 1.2 px and resized to 800x600.)
func formatFolder(t *testing.T) map[string]struct {
	path string
	box  int
} {
	dir := t.TempDir()
	save := func(name string, enc func(*bytes.Buffer) error) string {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	photo := gallery.Picture(3, 1600, 1100)
	alpha := imaging.Clone(gallery.Picture(4, 1200, 900))
	for i := 3; i < len(alpha.Pix); i += 4 { // opaque at the top to half transparent at the bottom
		alpha.Pix[i] = uint8(255 - 128*(i/alpha.Stride)/900)
	}
	fast := png.Encoder{CompressionLevel: png.BestSpeed}
	return map[string]struct {
		path string
		box  int
	}{
		"RGB PNG":   {save("photo.png", func(b *bytes.Buffer) error { return fast.Encode(b, photo) }), 256},
		"alpha PNG": {save("alpha.png", func(b *bytes.Buffer) error { return fast.Encode(b, alpha) }), 256},
		"GIF": {save("photo.gif", func(b *bytes.Buffer) error {
			return gif.Encode(b, gallery.Picture(5, 1200, 900), nil)
		}), 128},
		"WebP":      {"testdata/photo-800x600.webp", 96},
		"CMYK JPEG": {"testdata/cmyk-800x600.jpg", 96},
	}
}

// TestEveryFormatMatchesLanczos checks that each format, reduced by an
// integer factor and then fitted, fits the box and looks like a full
// Lanczos fit, before and after JPEG encoding, with either decoder.
func TestEveryFormatMatchesLanczos(t *testing.T) {
	out := t.TempDir()
	for name, f := range formatFolder(t) {
		t.Run(name, func(t *testing.T) {
			data, cfg := readChecked(t, f.path)
			tw, th := fitSize(cfg.Width, cfg.Height, f.box, f.box)
			if k := reduceFactor(cfg.Width, cfg.Height, tw, th); k < 2 {
				t.Fatalf("%dx%d is not reduced for a %d box (factor %d): the test misses the reduction", cfg.Width, cfg.Height, f.box, k)
			}
			ref := lanczosRef(t, data, f.box)
			enc, err := encodeGo(ref)
			if err != nil {
				t.Fatal(err)
			}
			refJPEG, err := imaging.Decode(bytes.NewReader(enc))
			if err != nil {
				t.Fatal(err)
			}
			var info Info
			got, err := stdFit(data, cfg, f.box, &info, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			p := psnr(ref, got)
			t.Logf("%s %dx%d to %v: PSNR %.1f dB against a full Lanczos fit; resize %v", cfg.Format, cfg.Width, cfg.Height,
				got.Bounds().Size(), p, info.Timings.Resize)
			if p < 38 {
				t.Errorf("PSNR %.1f dB, want at least 38", p)
			}
			for _, dec := range []Decoder{Std, Fast} {
				info, err := File(f.path, filepath.Join(out, name+string(dec)+".jpg"), f.box, imagecheck.Default, dec)
				if err != nil {
					t.Fatal(err)
				}
				if info.ThumbWidth != tw || info.ThumbHeight != th || info.Format != cfg.Format {
					t.Fatalf("%s: %s %dx%d, want %s %dx%d", dec, info.Format, info.ThumbWidth, info.ThumbHeight, cfg.Format, tw, th)
				}
				th, err := imaging.Open(info.Thumbnail)
				if err != nil {
					t.Fatal(err)
				}
				// Against the reference written the same way (JPEG at
				// quality 85, transparent pixels over black), what the
				// encoder loses on a small noisy picture counts once; the
				// encoder amplifies small differences in the grain, so the
				// bar is lower than before encoding (measured 37.1 dB at
				// worst, for the RGB PNG).
				if p := psnr(refJPEG, th); p < 35 {
					t.Errorf("%s: the written thumbnail has PSNR %.1f dB", dec, p)
				}
			}
		})
	}
}

// TestReduceDoesNotAlias fits a zone plate reaching four times the
// thumbnail's Nyquist frequency, as TestFastDoesNotAlias does for the JPEG
// fast path, but as a PNG, so it is decoded in full, box-averaged by an
// integer factor (here 3) and fitted with Lanczos. A box average alone
// aliases; keeping twice the thumbnail's size before the final filter is
// what keeps the rings out.
func TestReduceDoesNotAlias(t *testing.T) {
	const w, h, box = 2000, 1500, 256
	plate, err := imaging.Decode(bytes.NewReader(zonePlate(t, w, h, 4*0.5*box/w)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, plate); err != nil {
		t.Fatal(err)
	}
	cfg, err := imagecheck.Default.Check(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ref := imaging.Fit(plate, box, box, imaging.Lanczos)
	var info Info
	got, err := stdFit(b.Bytes(), cfg, box, &info, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	boxOnly := imaging.Resize(plate, ref.Bounds().Dx(), ref.Bounds().Dy(), imaging.Box)
	p, pb := psnr(ref, got), psnr(ref, boxOnly)
	t.Logf("zone plate %dx%d to %v: PSNR %.1f dB against full Lanczos (a box filter alone: %.1f dB)", w, h, got.Bounds().Size(), p, pb)
	if p < 30 {
		t.Errorf("reduce then Lanczos aliases: PSNR %.1f dB", p)
	}
}

// goroutinesCreated counts the goroutines this process ever started.
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestNoFanOut checks that a thumbnail, of any format, with either decoder,
// starts no goroutine: the caller's goroutine does all the work, so an
// in-process run beside a window takes the threads it was given and no
// more. It first checks that the count does see imaging.Resize's fan-out,
// which the thumbnail path used before.
func TestNoFanOut(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	runtime.GC() // the collector's workers, one a P, exist from here on
	src := gallery.Picture(1, 1200, 800)
	n0 := goroutinesCreated()
	imaging.Resize(src, 300, 200, imaging.Lanczos)
	n := goroutinesCreated() - n0
	t.Logf("imaging.Resize started %d goroutines", n)
	if n < 2 {
		t.Fatalf("the count saw %d goroutines started by imaging.Resize at GOMAXPROCS 4", n)
	}
	jpg := filepath.Join(t.TempDir(), "photo.jpg")
	if err := imaging.Save(src, jpg); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"JPEG": jpg}
	for name, f := range formatFolder(t) {
		files[name] = f.path
	}
	out := t.TempDir()
	for name, path := range files {
		for _, dec := range []Decoder{Std, Fast} {
			n0 := goroutinesCreated()
			_, err := File(path, filepath.Join(out, name+string(dec)+".jpg"), 256, imagecheck.Default, dec)
			if n := goroutinesCreated() - n0; err != nil || n != 0 {
				t.Errorf("%s, %s: %d goroutines started (%v)", name, dec, n, err)
			}
		}
	}
}
