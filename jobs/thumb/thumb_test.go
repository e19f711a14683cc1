package thumb

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs/imagecheck"
)

// withOrientation inserts an EXIF APP1 segment whose Orientation tag is o.
func withOrientation(jpg []byte, o byte) []byte {
	payload := append([]byte("Exif\x00\x00"), exifTIFF(o)...)
	n := len(payload) + 2
	seg := append([]byte{0xFF, 0xE1, byte(n >> 8), byte(n)}, payload...)
	return append(append([]byte{0xFF, 0xD8}, seg...), jpg[2:]...)
}

func TestFile(t *testing.T) {
	for _, dec := range []Decoder{Std, Fast} {
		t.Run(string(dec), func(t *testing.T) { testFile(t, dec) })
	}
}

func testFile(t *testing.T, dec Decoder) {
	dir := t.TempDir()
	// 400x200, left half red, right half blue.
	src := image.NewRGBA(image.Rect(0, 0, 400, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 400; x++ {
			c := color.RGBA{255, 0, 0, 255}
			if x >= 200 {
				c = color.RGBA{0, 0, 255, 255}
			}
			src.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, src, &jpeg.Options{Quality: 95})
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}

	t.Run("fits into the box keeping the aspect ratio", func(t *testing.T) {
		info, err := File(write("plain.jpg", buf.Bytes()), filepath.Join(dir, "t1.jpg"), 100, imagecheck.Default, dec)
		if err != nil {
			t.Fatal(err)
		}
		if info.ThumbWidth != 100 || info.ThumbHeight != 50 || info.Width != 400 || info.Format != "jpeg" {
			t.Fatalf("%+v", info)
		}
		if info.Timings.Decode <= 0 || info.Timings.Resize <= 0 || info.Timings.Encode <= 0 {
			t.Fatalf("timings %+v", info.Timings)
		}
	})

	t.Run("EXIF orientation is honoured", func(t *testing.T) {
		// Orientation 6: the camera was turned; the picture must be rotated 90° clockwise.
		info, err := File(write("rotated.jpg", withOrientation(buf.Bytes(), 6)), filepath.Join(dir, "t2.jpg"), 100, imagecheck.Default, dec)
		if err != nil {
			t.Fatal(err)
		}
		if info.ThumbWidth != 50 || info.ThumbHeight != 100 {
			t.Fatalf("got %dx%d, want 50x100", info.ThumbWidth, info.ThumbHeight)
		}
		th, err := imaging.Open(info.Thumbnail)
		if err != nil {
			t.Fatal(err)
		}
		// Rotated clockwise, the red left half is now on top.
		if r, _, b, _ := th.At(25, 10).RGBA(); r < b {
			t.Fatalf("top is not red: r=%d b=%d", r>>8, b>>8)
		}
	})

	t.Run("small images are not enlarged", func(t *testing.T) {
		info, err := File(write("plain2.jpg", buf.Bytes()), filepath.Join(dir, "t3.jpg"), 1000, imagecheck.Default, dec)
		if err != nil || info.ThumbWidth != 400 || info.ThumbHeight != 200 {
			t.Fatalf("%+v, %v", info, err)
		}
	})

	t.Run("a bad source writes nothing", func(t *testing.T) {
		dst := filepath.Join(dir, "t4.jpg")
		if _, err := File(write("cut.jpg", buf.Bytes()[:buf.Len()/2]), dst, 100, imagecheck.Default, dec); err == nil {
			t.Fatal("a truncated JPEG made a thumbnail")
		}
		if _, err := os.Stat(dst); !os.IsNotExist(err) {
			t.Fatalf("thumbnail written: %v", err)
		}
	})
}

func TestReadLimited(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	data := bytes.Repeat([]byte("0123456789"), 1000)
	os.WriteFile(p, data, 0o644)
	readLimited := func(p string, max int64, buf []byte) ([]byte, error) {
		f, size, err := openLimited(p, max)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readLimited(f, p, size, max, buf)
	}
	t.Run("reads the whole file into a large enough buffer", func(t *testing.T) {
		buf := make([]byte, 0, 20000)
		got, err := readLimited(p, 0, buf)
		if err != nil || !bytes.Equal(got, data) || &got[0] != &buf[:1][0] {
			t.Fatalf("%d bytes, %v", len(got), err)
		}
	})
	t.Run("grows a small buffer", func(t *testing.T) {
		got, err := readLimited(p, 10000, make([]byte, 0, 10))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%d bytes, %v", len(got), err)
		}
	})
	t.Run("fails past the limit rather than truncating", func(t *testing.T) {
		if got, err := readLimited(p, 9999, nil); err == nil {
			t.Fatalf("read %d bytes", len(got))
		}
	})
	t.Run("an empty file is empty", func(t *testing.T) {
		e := filepath.Join(dir, "empty")
		os.WriteFile(e, nil, 0o644)
		if got, err := readLimited(e, 10, nil); err != nil || len(got) != 0 {
			t.Fatalf("%q, %v", got, err)
		}
	})
}

func TestTransparentImagesKeepGoEncoding(t *testing.T) {
	// The fast path encodes with libjpeg-turbo only what it decoded from a
	// JPEG (opaque); a PNG with alpha goes through Go's encoder on both paths,
	// so both decoders give the same thumbnail.
	dir := t.TempDir()
	img := image.NewNRGBA(image.Rect(0, 0, 300, 100))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	src := filepath.Join(dir, "a.png")
	if err := imaging.Save(img, src); err != nil {
		t.Fatal(err)
	}
	var outs [][]byte
	for _, dec := range []Decoder{Std, Fast} {
		info, err := File(src, filepath.Join(dir, string(dec)+".jpg"), 100, imagecheck.Default, dec)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(info.Thumbnail)
		outs = append(outs, b)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("std and fast thumbnails of a PNG differ")
	}
}

func TestCMYKJPEGsGoThroughGosDecoder(t *testing.T) {
	// TurboJPEG cannot turn CMYK into RGB; the fast path hands such files to
	// Go's decoder instead of failing them. testdata/cmyk.jpg: 64x48, red at
	// the top to blue at the bottom (ImageMagick's gradient:red-blue).
	dir := t.TempDir()
	for _, dec := range []Decoder{Std, Fast} {
		info, err := File("testdata/cmyk.jpg", filepath.Join(dir, string(dec)+".jpg"), 32, imagecheck.Default, dec)
		if err != nil {
			t.Fatalf("%s: %v", dec, err)
		}
		th, err := imaging.Open(info.Thumbnail)
		if err != nil {
			t.Fatal(err)
		}
		if b := th.Bounds(); b.Dx() != 32 || b.Dy() != 24 {
			t.Fatalf("%s: %v", dec, b)
		}
		if r, _, b, _ := th.At(16, 1).RGBA(); r>>8 < 200 || b>>8 > 60 {
			t.Errorf("%s: the top is r=%d b=%d, not red", dec, r>>8, b>>8)
		}
		if r, _, b, _ := th.At(16, 22).RGBA(); b>>8 < 200 || r>>8 > 60 {
			t.Errorf("%s: the bottom is r=%d b=%d, not blue", dec, r>>8, b>>8)
		}
	}
}
