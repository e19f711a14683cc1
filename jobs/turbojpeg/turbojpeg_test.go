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

func TestPickLikePILDraft(t *testing.T) {
	for _, tc := range []struct {
		w, h, minW, minH int
		want             Scale
	}{
		{4000, 3000, 512, 384, Scale{1, 4}}, // 1/8 gives 500x375: too small
		{2400, 1600, 512, 342, Scale{1, 4}}, // 600x400
		{1200, 800, 512, 342, Scale{1, 2}},  // 600x400
		{4096, 4096, 512, 512, Scale{1, 8}},
		{300, 200, 512, 342, Full}, // smaller than wanted: no reduction
	} {
		if got := Pick(tc.w, tc.h, tc.minW, tc.minH); got != tc.want {
			t.Errorf("Pick(%d, %d, %d, %d) = %v, want %v", tc.w, tc.h, tc.minW, tc.minH, got, tc.want)
		}
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
