package thumb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/imagecheck"
)

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// filteredPNG encodes img (*image.RGBA, read as RGB, or *image.NRGBA) as a
// PNG whose row y uses filter y%5, so that every filter is decoded.
func filteredPNG(t testing.TB, img image.Image, bpp int) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var raw []byte
	prev := make([]byte, w*bpp)
	for y := range h {
		cur := make([]byte, 0, w*bpp)
		for x := range w {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			cur = append(cur, []byte{c.R, c.G, c.B, c.A}[:bpp]...)
		}
		ft := byte(y % 5)
		raw = append(raw, ft)
		for i := range cur {
			var a, up, ul int
			if i >= bpp {
				a, ul = int(cur[i-bpp]), int(prev[i-bpp])
			}
			up = int(prev[i])
			pred := 0
			switch ft {
			case 1:
				pred = a
			case 2:
				pred = up
			case 3:
				pred = (a + up) / 2
			case 4:
				p := a + up - ul
				pa, pb, pc := abs(p-a), abs(p-up), abs(p-ul)
				switch {
				case pa <= pb && pa <= pc:
					pred = a
				case pb <= pc:
					pred = up
				default:
					pred = ul
				}
			}
			raw = append(raw, cur[i]-byte(pred))
		}
		prev = cur
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(w)), uint32(h))
	out := appendChunk([]byte(pngSignature), "IHDR", append(ihdr, 8, map[int]byte{3: 2, 4: 6}[bpp], 0, 0, 0))
	zb := deflate(raw)
	out = appendChunk(out, "IDAT", zb[:len(zb)/2]) // two IDAT chunks: the data span them
	out = appendChunk(out, "IDAT", zb[len(zb)/2:])
	return appendChunk(out, "IEND", nil)
}

func TestReducePNG(t *testing.T) {
	photo := gallery.Picture(2, 700, 500)
	alpha := imaging.Clone(photo)
	for i := 3; i < len(alpha.Pix); i += 4 {
		alpha.Pix[i] = uint8(i / 4 % 700 * 255 / 699) // transparent on the left to opaque on the right
	}
	for name, c := range map[string]struct {
		img image.Image
		bpp int
	}{"RGB": {photo, 3}, "RGBA": {alpha, 4}} {
		data := filteredPNG(t, c.img, c.bpp)
		cfg, err := imagecheck.Default.Check(data)
		if err != nil {
			t.Fatal(err)
		}
		full, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []int{1, 2, 3, 7} {
			t.Run(name+", every filter: image/png's decode, reduced", func(t *testing.T) {
				got, _, err := reducePNG(bytes.NewReader(data), cfg, k)
				if err != nil {
					t.Fatal(err)
				}
				if want := reduce(full, k); got.Rect != want.Rect || !bytes.Equal(got.Pix, want.Pix) {
					t.Fatalf("by %d: %v differs from image/png's %v", k, got.Rect, want.Rect)
				}
			})
		}
	}
	t.Run("other kinds of PNG go to image/png", func(t *testing.T) {
		gray := image.NewGray(image.Rect(0, 0, 8, 8))
		pal := image.NewPaletted(image.Rect(0, 0, 8, 8), color.Palette{color.Black, color.White})
		deep := image.NewRGBA64(image.Rect(0, 0, 8, 8))
		for _, img := range []image.Image{gray, pal, deep} {
			data := encodePNG(t, img)
			cfg, _ := imagecheck.Default.Check(data)
			if _, _, err := reducePNG(bytes.NewReader(data), cfg, 1); !errors.Is(err, errNotPlainPNG) {
				t.Errorf("%T: %v", img, err)
			}
		}
	})
	t.Run("damage is an error, never a panic", func(t *testing.T) {
		data := encodePNG(t, gallery.Picture(3, 64, 48))
		cfg, _ := imagecheck.Default.Check(data)
		for i := 8; i < len(data); i += 7 {
			bad := bytes.Clone(data)
			bad[i] ^= 0x10
			if _, _, err := reducePNG(bytes.NewReader(bad), cfg, 2); err == nil {
				t.Fatalf("byte %d changed, no error", i)
			}
		}
		for n := 0; n < len(data); n += 13 {
			if _, _, err := reducePNG(bytes.NewReader(data[:n]), cfg, 2); err == nil {
				t.Fatalf("cut at %d, no error", n)
			}
		}
	})
}

func FuzzReducePNG(f *testing.F) {
	f.Add(encodePNG(f, gallery.Picture(4, 20, 10)))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := imagecheck.Limits{MaxPixels: 1 << 20, Formats: []string{"png"}}.Check(data)
		if err != nil {
			return
		}
		reducePNG(bytes.NewReader(data), cfg, 2) // never panics
	})
}

func TestReducePNGReadsAByteAtATime(t *testing.T) {
	data := filteredPNG(t, gallery.Picture(5, 300, 200), 3)
	cfg, err := imagecheck.Default.Check(data)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := reducePNG(bytes.NewReader(data), cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := reducePNG(iotest.OneByteReader(bytes.NewReader(data)), cfg, 2)
	if err != nil || !bytes.Equal(got.Pix, want.Pix) {
		t.Fatalf("a byte at a time: %v", err)
	}
}

// TestLargePNGStreams makes a thumbnail of a large PNG file and checks that
// neither the file nor its pixels were held whole: what keeps a window's
// memory flat while goroutines make thumbnails of big PNGs.
func TestLargePNGStreams(t *testing.T) {
	const w, h = 3600, 2400
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7 >> 5)
	}
	var b bytes.Buffer // stored, not compressed: quick to write even under -race
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "big.png")
	if err := os.WriteFile(src, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pixels := uint64(w * h * 4)
	t.Logf("%d×%d: %d bytes of file, %d of pixels", w, h, b.Len(), pixels)
	runtime.GC() // twice: sync.Pools are emptied, so a reused buffer cannot hide an allocation
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	info, err := File(src, filepath.Join(dir, "t.jpg"), 256, imagecheck.Default, Std)
	runtime.ReadMemStats(&after)
	if err != nil || info.ThumbWidth != 256 || info.ThumbHeight != 170 {
		t.Fatalf("%+v, %v", info, err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d bytes", alloc)
	if alloc > uint64(b.Len())/2 || alloc > pixels/8 {
		t.Fatalf("allocated %d bytes for a thumbnail: the file (%d) or its pixels (%d) were held", alloc, b.Len(), pixels)
	}
}

// TestACutPNGSaysSo: a PNG cut short (a download that stopped) is reported
// in words a learner reads in the Errors tab, once.
func TestACutPNGSaysSo(t *testing.T) {
	data := encodePNG(t, gallery.Picture(6, 300, 200))
	src := filepath.Join(t.TempDir(), "cut.png")
	if err := os.WriteFile(src, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := File(src, src+".jpg", 64, imagecheck.Default, Std)
	if err == nil || !strings.Contains(err.Error(), "(truncated)") || strings.Contains(err.Error(), "png: png") {
		t.Fatalf("%v", err)
	}
	t.Log(err)
}
