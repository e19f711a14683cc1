package turbojpeg

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
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
		if _, err := Decode(bad, Scale{1, 2}); err == nil {
			t.Errorf("%s: decoded", name)
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
			if img, err := Decode(data, s); err == nil && (img.Bounds().Dx() != s.Of(hdr.Width) || img.Bounds().Dy() != s.Of(hdr.Height)) {
				t.Fatalf("decoded %v for a %dx%d header", img.Bounds(), hdr.Width, hdr.Height)
			}
		}
	})
}
