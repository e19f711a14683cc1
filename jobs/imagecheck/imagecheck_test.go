package imagecheck

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"strings"
	"testing"

	"golang.org/x/image/tiff"
)

func TestCheck(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 30, 20))
	var jpg, tif bytes.Buffer
	jpeg.Encode(&jpg, img, nil)
	tiff.Encode(&tif, img, nil)

	cfg, err := Default.Check(jpg.Bytes())
	if err != nil || cfg != (Config{Format: "jpeg", Width: 30, Height: 20}) {
		t.Fatalf("%+v, %v", cfg, err)
	}
	small := Default
	small.MaxPixels = 599
	for name, tc := range map[string]struct {
		lim  Limits
		data []byte
		want string
	}{
		"tiff is not on the list": {Default, tif.Bytes(), `format "tiff" is not accepted`},
		"html is not an image":    {Default, []byte("<!doctype html><p>404</p>"), "not an image"},
		"empty":                   {Default, nil, "not an image"},
		"over the pixel cap":      {small, jpg.Bytes(), "decompression bomb"},
		"over the byte cap":       {Limits{MaxBytes: 10, Formats: Default.Formats}, jpg.Bytes(), "byte limit"},
		"a header cut short":      {Default, jpg.Bytes()[:10], "reading jpeg header"},
	} {
		if _, err := tc.lim.Check(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// TestJPEGHeadersGoRefuses: an arithmetic-coded JPEG (SOF9), which Go's
// image/jpeg calls an "unknown marker", is read by libjpeg-turbo, and the
// limits still apply to it. The header is a baseline JPEG's with its
// start-of-frame marker changed: libjpeg-turbo stops reading a header at
// the first scan, so the scan's coding does not matter here.
func TestJPEGHeadersGoRefuses(t *testing.T) {
	var b bytes.Buffer
	jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 30, 20)), nil)
	data := b.Bytes()
	sof := bytes.Index(data, []byte{0xFF, 0xC0})
	if sof < 0 {
		t.Fatal("no SOF0")
	}
	data[sof+1] = 0xC9 // SOF9: sequential, arithmetic coding
	if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "unknown marker") {
		t.Fatalf("Go's image/jpeg reads it: %v", err)
	}
	cfg, err := Default.Check(data)
	if err != nil || cfg != (Config{Format: "jpeg", Width: 30, Height: 20}) {
		t.Fatalf("%+v, %v", cfg, err)
	}
	small := Default
	small.MaxPixels = 599
	if _, err := small.Check(data); err == nil || !strings.Contains(err.Error(), "decompression bomb") {
		t.Errorf("over the pixel cap: %v", err)
	}
	// Neither reads a header cut before its frame: Go's error is kept.
	if _, err := Default.Check(data[:sof+4]); err == nil || !strings.Contains(err.Error(), "reading jpeg header") {
		t.Errorf("cut short: %v", err)
	}
}

func TestReadAll(t *testing.T) {
	data := bytes.Repeat([]byte("abc"), 1000)
	buf := make([]byte, 0, len(data)+1)
	got, err := ReadAll(bytes.NewReader(data), buf, 0)
	if err != nil || !bytes.Equal(got, data) || &got[0] != &buf[:1][0] {
		t.Errorf("whole read into buf's memory: err %v, equal %v", err, bytes.Equal(got, data))
	}
	if got, err := ReadAll(bytes.NewReader(data), nil, 0); err != nil || !bytes.Equal(got, data) {
		t.Errorf("growing from nil: err %v, %d bytes", err, len(got))
	}
	if _, err := ReadAll(bytes.NewReader(data), nil, int64(len(data))); err != nil {
		t.Errorf("exactly at the limit: %v", err)
	}
	if _, err := ReadAll(bytes.NewReader(data), nil, int64(len(data)-1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one byte over the limit: %v, want ErrTooLarge", err)
	}
}
