package turbojpeg

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"strings"
	"testing"
)

func sample(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecode(t *testing.T) {
	data := sample(t, 401, 299)
	hdr, err := DecodeHeader(data)
	if err != nil || hdr != (Header{401, 299}) {
		t.Fatalf("%+v, %v", hdr, err)
	}
	ref, _ := jpeg.Decode(bytes.NewReader(data))
	for _, s := range Reductions {
		img, err := Decode(data, s)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != s.Of(401) || b.Dy() != s.Of(299) {
			t.Fatalf("scale %v: %v", s, b)
		}
		// Each decoded pixel is close to the reference's pixel at that spot.
		r, g, _, _ := ref.At(200, 150).RGBA()
		c := img.NRGBAAt(s.Of(200)-1+boolInt(s.Denom == 1), s.Of(150)-1+boolInt(s.Denom == 1))
		if math.Abs(float64(r>>8)-float64(c.R)) > 12 || math.Abs(float64(g>>8)-float64(c.G)) > 12 || c.A != 255 {
			t.Errorf("scale %v: pixel %v, reference %d,%d", s, c, r>>8, g>>8)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestPick(t *testing.T) {
	for _, tc := range []struct {
		w, h, minW, minH int
		want             Scale
	}{
		{4000, 3000, 512, 384, Scale{1, 4}}, // 1/8 gives 500x375: too small
		{4000, 3000, 256, 192, Scale{1, 8}}, // 500x375
		{2400, 1600, 512, 342, Scale{1, 4}}, // 600x400
		{1200, 800, 512, 342, Scale{1, 2}},  // 600x400
		{1200, 800, 256, 170, Scale{1, 4}},  // 300x200
		{1999, 1000, 250, 125, Scale{1, 8}}, // 250x125: rounded up, as libjpeg does
		{4096, 4096, 512, 512, Scale{1, 8}},
		{300, 200, 512, 342, Full}, // smaller than wanted: no reduction
	} {
		if got := Pick(tc.w, tc.h, tc.minW, tc.minH); got != tc.want {
			t.Errorf("Pick(%d, %d, %d, %d) = %v, want %v", tc.w, tc.h, tc.minW, tc.minH, got, tc.want)
		}
	}
}

func TestDecodeIntoReusesTheBuffer(t *testing.T) {
	data := sample(t, 64, 48)
	buf := make([]byte, 0, 64*48*4)
	img, err := DecodeInto(buf, data, Full)
	if err != nil {
		t.Fatal(err)
	}
	if &img.Pix[0] != &buf[:1][0] || len(img.Pix) != 64*48*4 {
		t.Fatal("a large enough buffer was not used")
	}
	img, err = DecodeInto(buf[:0:100], data, Full)
	if err != nil || len(img.Pix) != 64*48*4 {
		t.Fatalf("a small buffer: %v", err)
	}
	want, _ := Decode(data, Scale{1, 2})
	got, _ := DecodeInto(buf, data, Scale{1, 2})
	if !bytes.Equal(want.Pix, got.Pix) || want.Rect != got.Rect || want.Stride != got.Stride {
		t.Fatal("DecodeInto and Decode differ")
	}
}

func TestEncode(t *testing.T) {
	ref, err := Decode(sample(t, 301, 199), Full)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []int{50, 85, 100} {
		data, err := Encode(ref, q)
		if err != nil {
			t.Fatal(err)
		}
		back, err := jpeg.Decode(bytes.NewReader(data)) // Go's decoder reads it
		if err != nil {
			t.Fatalf("quality %d: %v", q, err)
		}
		if back.Bounds() != ref.Bounds() {
			t.Fatalf("quality %d: %v", q, back.Bounds())
		}
		var worst float64
		for _, p := range [][2]int{{0, 0}, {150, 100}, {300, 198}, {77, 13}} {
			r, g, b, _ := back.At(p[0], p[1]).RGBA()
			c := ref.NRGBAAt(p[0], p[1])
			for _, d := range []float64{float64(r>>8) - float64(c.R), float64(g>>8) - float64(c.G), float64(b>>8) - float64(c.B)} {
				worst = math.Max(worst, math.Abs(d))
			}
		}
		if worst > 8 {
			t.Errorf("quality %d: a pixel is off by %.0f", q, worst)
		}
	}
	// A sub-image encodes its own pixels.
	sub := ref.SubImage(image.Rect(100, 50, 140, 90)).(*image.NRGBA)
	data, err := Encode(sub, 90)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := jpeg.Decode(bytes.NewReader(data))
	if back.Bounds().Dx() != 40 || back.Bounds().Dy() != 40 {
		t.Fatalf("sub-image: %v", back.Bounds())
	}
	r, _, _, _ := back.At(20, 20).RGBA()
	if c := ref.NRGBAAt(120, 70); math.Abs(float64(r>>8)-float64(c.R)) > 8 {
		t.Errorf("sub-image: red %d, want about %d", r>>8, c.R)
	}
	if _, err := Encode(ref, 0); err == nil {
		t.Error("quality 0 encoded")
	}
	if _, err := Encode(&image.NRGBA{}, 85); err == nil {
		t.Error("an empty image encoded")
	}
}

func TestBadDataIsAnError(t *testing.T) {
	data := sample(t, 64, 48)
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"not jpeg":  []byte("<html>nope</html>"),
		"truncated": data[:len(data)/2],
		"header":    data[:20],
		"garbage":   append(append([]byte{}, data[:300]...), bytes.Repeat([]byte{0xFF, 0x00, 0x13}, 200)...),
	} {
		if img, err := Decode(bad, Scale{1, 2}); err == nil || img != nil {
			t.Errorf("%s: decoded (%v)", name, err)
		}
	}
}

// FuzzDecode feeds mutated JPEGs to libjpeg-turbo through cgo: a crash there
// would take the whole app down, so every input must give an image or an error.
func FuzzDecode(f *testing.F) {
	for _, d := range [][]byte{sample(f, 64, 48), sample(f, 17, 9)} {
		f.Add(d)
		f.Add(d[:len(d)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		hdr, err := DecodeHeader(data)
		if err != nil || int64(hdr.Width)*int64(hdr.Height) > 4<<20 {
			return // the caller's pixel cap applies before Decode
		}
		for _, s := range []Scale{{1, 1}, {1, 4}} {
			if img, _ := Decode(data, s); img != nil && (img.Bounds().Dx() != s.Of(hdr.Width) || img.Bounds().Dy() != s.Of(hdr.Height)) {
				t.Fatalf("decoded %v for a %dx%d header", img.Bounds(), hdr.Width, hdr.Height)
			}
		}
	})
}

// segment returns the offset of data's first marker m (FF m), from SOI on.
func segment(t *testing.T, data []byte, m byte) int {
	i := bytes.Index(data, []byte{0xFF, m})
	if i < 0 {
		t.Fatalf("no marker %#x", m)
	}
	return i
}

// TestWarningsDecode: what libjpeg only warns about is decoded, as PIL and
// browsers show it, with the warning beside the picture; a file cut short,
// and an error that follows a warning, are still errors.
func TestWarningsDecode(t *testing.T) {
	if !Native {
		t.Skip("libjpeg's warnings: a build without cgo decodes with image/jpeg, which has none")
	}
	data := sample(t, 160, 120)
	want, err := Decode(data, Full)
	if err != nil {
		t.Fatal(err)
	}
	dqt, sos, eoi := segment(t, data, 0xDB), segment(t, data, 0xDA), len(data)-2
	sosLen := int(data[sos+2])<<8 | int(data[sos+3])
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	extra := join(data[:dqt], make([]byte, 5), data[dqt:]) // what Photoshop and some cameras write
	half := (sos + eoi) / 2
	for _, c := range []struct {
		name, warning string
		data          []byte
		same          bool // the picture is the clean file's
	}{
		{"5 bytes before a marker", "Corrupt JPEG data: 5 extraneous bytes before marker 0xdb", extra, true},
		{"the scan stops half way, the file does not", "Corrupt JPEG data: premature end of data segment", join(data[:half], data[eoi:]), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			hdr, err := DecodeHeader(c.data)
			var w *Warning
			if hdr != (Header{160, 120}) || err != nil && !errors.As(err, &w) {
				t.Fatalf("header %v, %v", hdr, err)
			}
			for _, s := range []Scale{Full, {1, 4}} {
				img, err := Decode(c.data, s)
				if !errors.As(err, &w) || w.Msg != c.warning || img == nil {
					t.Fatalf("scale %v: %v, %v; want the picture and the warning %q", s, img != nil, err, c.warning)
				}
				if img.Rect != image.Rect(0, 0, s.Of(160), s.Of(120)) {
					t.Fatalf("scale %v: %v", s, img.Rect)
				}
				if s == Full && c.same && !bytes.Equal(img.Pix, want.Pix) {
					t.Errorf("the picture differs from the clean file's")
				}
			}
		})
	}
	for _, c := range []struct {
		name, want string
		data       []byte
	}{
		{"cut short", "(truncated)", data[:half]},
		{"cut short after a warning", "(truncated)", extra[:half+5]},
		{"no end-of-image marker", "(truncated)", data[:eoi]},
		// An EXIF thumbnail holds an end-of-image marker of its own.
		{"cut short with a thumbnail before", "(truncated)", join(data[:2], []byte{0xFF, 0xE1, 0, 6, 0xFF, 0xD9, 0xFF, 0xD9}, extra[2:half+5])},
		// libjpeg reads the markers after the last scan; a second scan in
		// a baseline file is an error (JERR_EOI_EXPECTED), after the
		// warning: TurboJPEG's error code says "warning" here.
		{"an error after a warning", "Didn't expect more than one scan", join(extra[:eoi+5], data[sos:sos+2+sosLen], data[eoi:])},
	} {
		img, err := Decode(c.data, Full)
		var w *Warning
		if err == nil || errors.As(err, &w) || img != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, %v; want an error with %q", c.name, img != nil, err, c.want)
		}
	}
}

// BenchmarkDecodeReduced decodes a 3000×2000 JPEG as the thumbnails do, at
// the largest reduction still covering 256 pixels (1/4 here): libjpeg-turbo
// in a cgo build, image/jpeg and averaging without cgo, to compare (and the
// cgo build for Windows under wine against Linux).
func BenchmarkDecodeReduced(b *testing.B) {
	data := sample(b, 3000, 2000)
	s := Pick(3000, 2000, 256, 256)
	var buf []byte
	for b.Loop() {
		img, err := DecodeInto(buf, data, s)
		if err != nil {
			b.Fatal(err)
		}
		buf = img.Pix
	}
}
