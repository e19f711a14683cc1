package thumb

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disintegration/imaging"
	xdraw "golang.org/x/image/draw"

	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/imagecheck"
)

func TestPreviewFitsTheBox(t *testing.T) {
	dir := t.TempDir()
	save := func(name string, w, h int) string {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = byte(i)
			if i%4 == 3 {
				img.Pix[i] = 255
			}
		}
		path := filepath.Join(dir, name)
		if err := imaging.Save(img, path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, c := range []struct {
		w, h         int
		box          image.Point
		wantW, wantH int
	}{
		{256, 192, image.Pt(120, 96), 120, 90},   // wide: fills the width
		{192, 256, image.Pt(120, 96), 72, 96},    // tall: fills the height
		{60, 40, image.Pt(120, 96), 60, 40},      // small: never enlarged
		{1000, 10, image.Pt(120, 96), 120, 1},    // a sliver keeps a pixel
		{256, 192, image.Pt(240, 192), 240, 180}, // a 2× canvas: no DCT reduction fits
		{2048, 1536, image.Pt(120, 96), 120, 90}, // reduced to 1/8 in the DCT first
		{128, 96, image.Pt(128, 96), 128, 96},    // the decode is the picture
	} {
		for _, ext := range []string{"jpg", "png"} {
			path := save(fmt.Sprintf("%dx%d.%s", c.w, c.h, ext), c.w, c.h)
			pic, err := Preview(path, c.box, imagecheck.Default)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if pic.Rect != image.Rect(0, 0, c.wantW, c.wantH) {
				t.Errorf("%s in %v: got %v, want %d×%d", filepath.Base(path), c.box, pic.Rect, c.wantW, c.wantH)
			}
		}
	}
}

// TestPreviewLooksLikeAFullDecode compares the reduced JPEG decode with a
// full decode by Go's image/jpeg fitted the same way, on the built-in
// gallery's photos made into thumbnails, as the gallery shows them.
func TestPreviewLooksLikeAFullDecode(t *testing.T) {
	dir := t.TempDir()
	imgs, err := gallery.Ensure(context.Background(), dir, 3, gallery.PhotoSizes)
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range imgs {
		info, err := File(im.Path, filepath.Join(dir, "th-"+im.Name), 256, imagecheck.Default, Fast)
		if err != nil {
			t.Fatal(err)
		}
		for _, box := range []image.Point{{120, 96}, {240, 192}, {60, 48}} {
			got, err := Preview(info.Thumbnail, box, imagecheck.Default)
			if err != nil {
				t.Fatal(err)
			}
			f, _ := os.ReadFile(info.Thumbnail)
			full, err := jpeg.Decode(bytes.NewReader(f))
			if err != nil {
				t.Fatal(err)
			}
			want := image.NewRGBA(got.Rect)
			xdraw.CatmullRom.Scale(want, want.Rect, full, full.Bounds(), xdraw.Src, nil)
			p := psnr(got, want)
			// What tells a preview apart from a wrong one: the reference
			// one pixel off scores 22–30 dB here.
			off := psnr(got, shifted(want))
			t.Logf("%s in %v: %v, PSNR %.1f dB (the reference one pixel off: %.1f)", im.Name, box, got.Rect.Size(), p, off)
			if p < 30 || p < off+6 {
				t.Errorf("%s in %v: the preview differs from a full decode: PSNR %.1f dB, the reference one pixel off %.1f", im.Name, box, p, off)
			}
		}
	}
}

func shifted(img *image.RGBA) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	for y := 0; y < img.Rect.Dy(); y++ {
		row := img.Pix[y*img.Stride:][:img.Rect.Dx()*4]
		o := out.Pix[y*out.Stride:][:len(row)]
		copy(o[4:], row[:len(row)-4])
		copy(o[:4], row[:4])
	}
	return out
}

func TestPreviewOfOtherKindsOfFile(t *testing.T) {
	// CMYK goes through Go's decoder (testdata/cmyk.jpg: 64x48, red at the top
	// to blue at the bottom), as a thumbnail does.
	pic, err := Preview("testdata/cmyk.jpg", image.Pt(32, 32), imagecheck.Default)
	if err != nil {
		t.Fatal(err)
	}
	if pic.Rect != image.Rect(0, 0, 32, 24) {
		t.Fatalf("cmyk: %v", pic.Rect)
	}
	if c := pic.RGBAAt(16, 1); c.R < 200 || c.B > 60 {
		t.Errorf("cmyk: the top is %v, not red", c)
	}

	// A grey JPEG comes out grey and opaque.
	dir := t.TempDir()
	grey := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range grey.Pix {
		grey.Pix[i] = 100
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, grey, nil)
	path := filepath.Join(dir, "grey.jpg")
	os.WriteFile(path, buf.Bytes(), 0o644)
	pic, err = Preview(path, image.Pt(16, 16), imagecheck.Default)
	if err != nil {
		t.Fatal(err)
	}
	if c := pic.RGBAAt(8, 8); c.A != 255 || c.R != c.G || c.G != c.B || c.R < 95 || c.R > 105 {
		t.Errorf("grey: %v", c)
	}

	// Transparency survives, premultiplied as image.RGBA is.
	clear := image.NewNRGBA(image.Rect(0, 0, 40, 40))
	for i := range clear.Pix {
		clear.Pix[i] = 255
		if i%4 == 3 {
			clear.Pix[i] = 0
		}
	}
	path = filepath.Join(dir, "clear.png")
	imaging.Save(clear, path)
	if pic, err = Preview(path, image.Pt(20, 20), imagecheck.Default); err != nil {
		t.Fatal(err)
	}
	if c := pic.RGBAAt(10, 10); c != (color.RGBA{}) {
		t.Errorf("clear: %v, want transparent", c)
	}

	// What a thumbnail reads, a preview reads (TestWhatPILReads).
	for _, c := range oddCases(t) {
		path := filepath.Join(dir, c.name)
		os.WriteFile(path, c.data, 0o644)
		pic, err := Preview(path, image.Pt(100, 100), imagecheck.Default)
		if c.fail != "" {
			if err == nil {
				t.Errorf("%s: previewed", c.name)
			}
			continue
		}
		// Previews ignore EXIF orientation: a turned picture keeps its shape.
		if want := image.Rect(0, 0, 100, 50); err != nil || pic.Rect != want {
			t.Errorf("%s: %v; want a %v preview", c.name, err, want)
		}
	}
}

func TestPreviewRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		os.WriteFile(path, data, 0o644)
		return path
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 300, 200)), nil)
	whole := buf.Bytes()
	small := imagecheck.Default
	small.MaxPixels = 100 * 100
	for _, c := range []struct {
		name string
		path string
		lim  imagecheck.Limits
		box  image.Point
		want string
	}{
		{"missing", filepath.Join(dir, "missing.jpg"), imagecheck.Default, image.Pt(120, 96), "no such file"},
		{"not a picture", write("bad.jpg", []byte("not a picture")), imagecheck.Default, image.Pt(120, 96), "not an image"},
		{"truncated", write("cut.jpg", whole[:len(whole)/2]), imagecheck.Default, image.Pt(120, 96), "decoding jpeg"},
		{"too many pixels", write("big.jpg", whole), small, image.Pt(120, 96), "over the"},
		{"empty box", write("ok.jpg", whole), imagecheck.Default, image.Pt(0, 96), "empty"},
	} {
		pic, err := Preview(c.path, c.box, c.lim)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, %v; want an error with %q", c.name, pic, err, c.want)
		}
	}
}
