package thumb

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs/imagecheck"
)

var casesDir = flag.String("cases", "", "TestWhatPILReads also writes its pictures into this folder (for scripts/pil_cases.py)")

// oddCase is a picture with something wrong or unusual about it, and the
// thumbnail it must make, in a 100-pixel box, as PIL makes one (see
// docs/performance-formats.md), or the error it must give where PIL
// refuses it too.
type oddCase struct {
	name     string // the file's; its extension is its format's
	data     []byte
	warning  string // part of the warning expected ("" none)
	stdQuiet bool   // Go's decoder reads it without a word: no warning with Std
	size     image.Point
	look     func(image.Image) error // checks the thumbnail's pixels
	fail     string                  // part of the error expected, instead of a thumbnail
}

// rgbAt is the colour of img at p, in fractions of its width and height.
func rgbAt(img image.Image, p [2]float64) (r, g, b int) {
	bo := img.Bounds()
	r32, g32, b32, _ := img.At(bo.Min.X+int(p[0]*float64(bo.Dx()-1)), bo.Min.Y+int(p[1]*float64(bo.Dy()-1))).RGBA()
	return int(r32 >> 8), int(g32 >> 8), int(b32 >> 8)
}

// colours checks that the thumbnail is red at its first point and blue at
// its second.
func colours(red, blue [2]float64) func(image.Image) error {
	return func(img image.Image) error {
		if r, g, b := rgbAt(img, red); r < 180 || g > 80 || b > 80 {
			return fmt.Errorf("not red at %v: %d,%d,%d", red, r, g, b)
		}
		if r, g, b := rgbAt(img, blue); b < 180 || r > 80 || g > 80 {
			return fmt.Errorf("not blue at %v: %d,%d,%d", blue, r, g, b)
		}
		return nil
	}
}

var (
	redLeft = colours([2]float64{0.1, 0.5}, [2]float64{0.9, 0.5})
	redTop  = colours([2]float64{0.5, 0.1}, [2]float64{0.5, 0.9}) // turned a quarter clockwise (EXIF 6)
	blueTop = colours([2]float64{0.5, 0.9}, [2]float64{0.5, 0.1}) // turned a quarter anticlockwise (EXIF 8)
)

// brighter checks that the grey thumbnail is darker at its first point
// than at its second, by at least 100 levels.
func brighter(dark, bright [2]float64) func(image.Image) error {
	return func(img image.Image) error {
		d, _, _ := rgbAt(img, dark)
		l, g, b := rgbAt(img, bright)
		if l-d < 100 || abs(l-g) > 10 || abs(l-b) > 10 {
			return fmt.Errorf("grey %d at %v, %d,%d,%d at %v", d, dark, l, g, b, bright)
		}
		return nil
	}
}

// oddCases makes every picture of TestWhatPILReads.
func oddCases(t *testing.T) []oddCase {
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, twoColours(400, 200), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	// A JFIF header first, as cameras and editors write (Go's encoder
	// does not): PIL takes only files that start FF D8 FF.
	jfif := []byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	jpg := bytes.Join([][]byte{jb.Bytes()[:2], jfif, jb.Bytes()[2:]}, nil)
	dqt, sos, eoi := bytes.Index(jpg, []byte{0xFF, 0xDB}), bytes.Index(jpg, []byte{0xFF, 0xDA}), len(jpg)-2
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

	grey := image.NewGray(image.Rect(0, 0, 400, 200))
	for i := range grey.Pix {
		grey.Pix[i] = map[bool]uint8{true: 40, false: 220}[i%400 < 200]
	}
	arith := arithJPEG(grey, 4)

	rgbPNG := encodePNG(t, twoColours(400, 200))
	pal := image.NewPaletted(image.Rect(0, 0, 400, 200), color.Palette{color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 255, 255}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 400 / 200)
	}
	palPNG := encodePNG(t, pal)
	same := func(rows []byte) [][]byte { return [][]byte{deflate(rows)} }

	ramp := make([]byte, 400*200)
	for i := range ramp {
		ramp[i] = byte(i % 400 * 255 / 399)
	}
	halves := make([]byte, 400*200)
	for i := range halves {
		halves[i] = byte(i % 400 / 200)
	}
	redBlue := color.Palette{color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 255, 255}}
	screen, wide, tall := image.Pt(400, 200), image.Pt(100, 50), image.Pt(50, 100)

	cases := []oddCase{
		// JPEG: libjpeg's warnings, arithmetic coding.
		{name: "extraneous-bytes.jpg", data: join(jpg[:dqt], make([]byte, 5), jpg[dqt:]), size: wide, look: redLeft,
			warning: "Corrupt JPEG data: 5 extraneous bytes before marker 0xdb", stdQuiet: true},
		{name: "scan-cut-end-kept.jpg", data: join(jpg[:(sos+eoi)/2], jpg[eoi:]), size: wide,
			look: colours([2]float64{0.1, 0.1}, [2]float64{0.9, 0.1}), warning: "Corrupt JPEG data: premature end of data segment"},
		{name: "cut-short.jpg", data: jpg[:len(jpg)/2], fail: "(truncated)"},
		{name: "no-end-marker.jpg", data: jpg[:eoi], fail: "(truncated)"},
		{name: "arithmetic.jpg", data: arith, size: wide, look: brighter([2]float64{0.1, 0.5}, [2]float64{0.9, 0.5})},
		{name: "arithmetic-turned.jpg", data: withOrientation(arith, 6), size: tall, look: brighter([2]float64{0.5, 0.1}, [2]float64{0.5, 0.9})},
		// PNG: EXIF orientation, pixel data past the last row.
		{name: "turned-rgb.png", data: repackPNG(t, rgbPNG, 6, false, same), size: tall, look: redTop},
		{name: "turned-exif-last.png", data: repackPNG(t, rgbPNG, 6, true, same), size: tall, look: redTop},
		{name: "turned-palette.png", data: repackPNG(t, palPNG, 6, false, same), size: tall, look: redTop},
		// WebP: EXIF orientation.
		{name: "plain.webp", data: losslessWebP(t, twoColours(400, 200), 1, false), size: wide, look: redLeft},
		{name: "turned.webp", data: losslessWebP(t, twoColours(400, 200), 6, false), size: tall, look: redTop},
		{name: "turned-exif-prefix.webp", data: losslessWebP(t, twoColours(400, 200), 6, true), size: tall, look: redTop},
		{name: "turned-8.webp", data: losslessWebP(t, twoColours(400, 200), 8, false), size: tall, look: blueTop},
		// GIF: no colour table, local tables, a frame smaller than the screen.
		{name: "no-colour-table.gif", data: gifFile(screen, image.Rectangle{Max: screen}, ramp, nil, nil), size: wide,
			look: brighter([2]float64{0.05, 0.5}, [2]float64{0.95, 0.5}), warning: "no colour table"},
		{name: "local-table-only.gif", data: gifFile(screen, image.Rectangle{Max: screen}, halves, nil, redBlue), size: wide, look: redLeft},
		{name: "small-frame.gif", data: gifFile(screen, image.Rect(100, 50, 300, 150), make([]byte, 200*100), redBlue, nil), size: wide,
			look: func(img image.Image) error {
				if r, _, _ := rgbAt(img, [2]float64{0.5, 0.5}); r < 180 {
					return fmt.Errorf("the frame is not in the middle: %d", r)
				}
				if r, _, _ := rgbAt(img, [2]float64{0.03, 0.06}); r > 80 {
					return fmt.Errorf("the frame fills the screen: %d", r)
				}
				return nil
			}},
	}
	for _, k := range []struct {
		name        string
		data        []byte
		after       string // the warning for bytes after the stream
		badSum, cut string // the errors for a wrong checksum and for rows missing
	}{
		// Our streaming decoder, and image/png, which reads the bytes
		// after the stream without a word.
		{"rgb", rgbPNG, "bytes follow the end", "the pixel data are corrupt", "not enough pixel data"},
		{"palette", palPNG, "", "invalid checksum", "not enough pixel data"},
	} {
		extra := func(f func(rows []byte, stride int) [][]byte) []byte {
			return repackPNG(t, k.data, 1, false, func(rows []byte) [][]byte { return f(rows, len(rows)/200) })
		}
		cases = append(cases,
			oddCase{name: k.name + "-extra-rows.png", size: wide, look: redLeft, warning: "go on past the picture's last row",
				data: extra(func(rows []byte, s int) [][]byte { return [][]byte{deflate(append(rows, rows[:3*s]...))} })},
			oddCase{name: k.name + "-bytes-after-stream.png", size: wide, look: redLeft, warning: k.after,
				data: extra(func(rows []byte, s int) [][]byte { return [][]byte{append(deflate(rows), "junk!"...)} })},
			oddCase{name: k.name + "-idat-after-stream.png", size: wide, look: redLeft, warning: k.after,
				data: extra(func(rows []byte, s int) [][]byte { return [][]byte{deflate(rows), []byte("more")} })},
			oddCase{name: k.name + "-no-checksum.png", size: wide, look: redLeft, warning: "before their checksum",
				data: extra(func(rows []byte, s int) [][]byte { z := deflate(rows); return [][]byte{z[:len(z)-4]} })},
			// PIL refuses these two: a wrong checksum, a partial row. (It
			// paints whole rows missing black; we refuse those too.)
			oddCase{name: k.name + "-bad-checksum.png", fail: k.badSum,
				data: extra(func(rows []byte, s int) [][]byte { z := deflate(rows); z[len(z)-1] ^= 1; return [][]byte{z} })},
			oddCase{name: k.name + "-partial-row.png", fail: k.cut,
				data: extra(func(rows []byte, s int) [][]byte { return [][]byte{deflate(rows[:len(rows)-s/2])} })},
			oddCase{name: k.name + "-rows-missing.png", fail: k.cut,
				data: extra(func(rows []byte, s int) [][]byte { return [][]byte{deflate(rows[:len(rows)-3*s])} })},
		)
	}
	return cases
}

// TestWhatPILReads makes a thumbnail of each odd picture that PIL makes
// one of, with both decoders, from a file and from memory (a cluster
// worker's way): the thumbnail has the size PIL gives, upright, with the
// warning that says what was wrong; the pictures PIL refuses fail here too.
func TestWhatPILReads(t *testing.T) {
	dir := t.TempDir()
	if *casesDir != "" {
		dir = *casesDir
	}
	for _, c := range oddCases(t) {
		src := filepath.Join(dir, c.name)
		if err := os.WriteFile(src, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, dec := range []Decoder{Std, Fast} {
			t.Run(c.name+" "+string(dec), func(t *testing.T) {
				info, err := File(src, filepath.Join(t.TempDir(), "t.jpg"), 100, imagecheck.Default, dec)
				mem, out, memErr := Bytes(c.data, 100, imagecheck.Default, dec)
				if c.fail != "" {
					if err == nil || memErr == nil || !strings.Contains(err.Error(), c.fail) || !strings.Contains(memErr.Error(), c.fail) {
						t.Fatalf("%v / %v; want an error with %q", err, memErr, c.fail)
					}
					return
				}
				if err != nil || memErr != nil {
					t.Fatalf("%v / %v", err, memErr)
				}
				want := c.warning
				if dec == Std && c.stdQuiet {
					want = ""
				}
				for _, in := range []Info{info, mem} {
					if (want == "") != (in.Warning == "") || !strings.Contains(in.Warning, want) {
						t.Errorf("warning %q, want one with %q", in.Warning, want)
					}
					if got := image.Pt(in.ThumbWidth, in.ThumbHeight); got != c.size {
						t.Errorf("%v, want %v (PIL's)", got, c.size)
					}
				}
				th, err := imaging.Decode(bytes.NewReader(out))
				if err != nil {
					t.Fatal(err)
				}
				if err := c.look(th); err != nil {
					t.Error(err)
				}
				if want != "" {
					t.Logf("warning: %s", info.Warning)
				}
			})
		}
	}
}

// TestOrientationNeverPanics reads EXIF orientation from every truncation
// and every flipped byte of a JPEG, a PNG and a WebP that have it.
func TestOrientationNeverPanics(t *testing.T) {
	pngData := repackPNG(t, encodePNG(t, image.NewGray(image.Rect(0, 0, 4, 4))), 6, false, func(rows []byte) [][]byte { return [][]byte{deflate(rows)} })
	for format, good := range map[string][]byte{
		"jpeg": withOrientation([]byte{0xFF, 0xD8, 0xFF, 0xD9}, 6),
		"png":  pngData,
		"webp": losslessWebP(t, twoColours(4, 2), 6, false),
	} {
		if o := orientation(format, good); o != 6 {
			t.Fatalf("%s: orientation %d, want 6", format, o)
		}
		for n := 0; n <= len(good); n++ {
			orientation(format, good[:n]) // every truncation
		}
		for i := range good { // every byte flipped
			b := bytes.Clone(good)
			b[i] ^= 0xFF
			if o := orientation(format, b); o < 1 || o > 8 {
				t.Fatalf("%s: orientation %d", format, o)
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)))
	if o := orientation("png", b.Bytes()); o != 1 {
		t.Errorf("a PNG without eXIf: orientation %d", o)
	}
}

// TestInterlacedPNGPastItsRows: an interlaced PNG (image/png's path) with
// pixel data past its last pass is rebuilt with the seven passes' rows
// alone. Go's encoder writes no interlaced PNG: the rows are written here,
// a flat grey, filter 0.
func TestInterlacedPNGPastItsRows(t *testing.T) {
	const w, h, grey = 37, 21, 99
	var raw []byte
	for _, p := range [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}} {
		pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
		for range ph {
			raw = append(append(raw, 0), bytes.Repeat([]byte{grey}, pw)...)
		}
	}
	ihdr := []byte{0, 0, 0, w, 0, 0, 0, h, 8, 0, 0, 0, 1} // 8-bit grey, interlaced
	if got := pngRowBytes(ihdr); got != len(raw) {
		t.Fatalf("pngRowBytes %d, the passes hold %d", got, len(raw))
	}
	file := func(rows []byte) []byte {
		out := appendChunk([]byte(pngSignature), "IHDR", ihdr)
		return appendChunk(appendChunk(out, "IDAT", deflate(rows)), "IEND", nil)
	}
	if _, err := png.Decode(bytes.NewReader(file(raw))); err != nil {
		t.Fatalf("the rows written here are not a PNG: %v", err)
	}
	for _, dec := range []Decoder{Std, Fast} {
		info, out, err := Bytes(file(append(bytes.Clone(raw), 1, 2, 3, 4, 5, 6, 7, 8)), 100, imagecheck.Default, dec)
		if err != nil || !strings.Contains(info.Warning, "go on past") {
			t.Fatalf("%s: %v, warning %q", dec, err, info.Warning)
		}
		th, err := imaging.Decode(bytes.NewReader(out))
		if r, g, b := rgbAt(th, [2]float64{0.5, 0.5}); err != nil || abs(r-grey) > 3 || abs(g-grey) > 3 || abs(b-grey) > 3 {
			t.Errorf("%s: %d,%d,%d, want grey %d (%v)", dec, r, g, b, grey, err)
		}
	}
}
