package thumb

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/binary"
	"image"
	"image/color"
	"slices"
	"testing"
)

// The odd pictures of TestWhatPILReads, each written byte by byte where no
// Go encoder makes it.

// exifTIFF is an EXIF block as PNG and WebP hold it: TIFF data whose first
// IFD has one entry, Orientation o (JPEG's APP1 puts "Exif\0\0" before it).
func exifTIFF(o byte) []byte {
	return []byte{'I', 'I', 42, 0, 8, 0, 0, 0, // little-endian header, IFD at 8
		1, 0, // one entry
		0x12, 0x01, 3, 0, 1, 0, 0, 0, o, 0, 0, 0, // Orientation, SHORT, count 1, value o
		0, 0, 0, 0} // no next IFD
}

// twoColours is a w×h picture, its left half red and its right half blue:
// which way it was turned can be seen in its thumbnail.
func twoColours(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{255, 0, 0, 255}
			if x >= w/2 {
				c = color.NRGBA{0, 0, 255, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// pngChunks splits a PNG into its chunks (type and body), CRCs unchecked.
func pngChunks(t *testing.T, data []byte) (types []string, bodies [][]byte) {
	for i := len(pngSignature); i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		types, bodies = append(types, string(data[i+4:i+8])), append(bodies, data[i+8:i+8+n])
		i += 12 + n
	}
	if len(types) == 0 || types[len(types)-1] != "IEND" {
		t.Fatal("not a whole PNG")
	}
	return types, bodies
}

// repackPNG rebuilds a PNG with new IDAT chunks: idat is given its pixel
// data, inflated, and returns the new chunks' bodies. The eXIf chunk of
// orientation o (1: none) goes before the IDATs, or just after them.
func repackPNG(t *testing.T, data []byte, o byte, exifAfter bool, idat func(rows []byte) [][]byte) []byte {
	types, bodies := pngChunks(t, data)
	var z []byte
	for i, typ := range types {
		if typ == "IDAT" {
			z = append(z, bodies[i]...)
		}
	}
	zr, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	var rows bytes.Buffer
	if _, err := rows.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	out := []byte(pngSignature)
	exif := func() {
		if o != 1 {
			out = appendChunk(out, "eXIf", exifTIFF(o))
		}
	}
	for i, typ := range types {
		switch {
		case typ == "IDAT" && types[i-1] != "IDAT":
			if !exifAfter {
				exif()
			}
			for _, b := range idat(rows.Bytes()) {
				out = appendChunk(out, "IDAT", b)
			}
			if exifAfter {
				exif()
			}
		case typ != "IDAT":
			out = appendChunk(out, typ, bodies[i])
		}
	}
	return out
}

// deflate is data as a zlib stream.
func deflate(data []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// gifFile is a one-frame GIF of a screen × screen picture whose frame,
// at r, has the colour indexes pix (r.Dx()×r.Dy() of them, 8 bits), with
// a global colour table, a local one, both or none (nil). Go's encoder
// always writes a colour table.
func gifFile(screen image.Point, r image.Rectangle, pix []byte, global, local color.Palette) []byte {
	le := binary.LittleEndian
	table := func(p color.Palette) []byte {
		var b []byte
		for i := range 256 {
			c := color.NRGBA{}
			if i < len(p) {
				c = color.NRGBAModel.Convert(p[i]).(color.NRGBA)
			}
			b = append(b, c.R, c.G, c.B)
		}
		return b
	}
	b := le.AppendUint16(le.AppendUint16([]byte("GIF89a"), uint16(screen.X)), uint16(screen.Y))
	if global != nil {
		b = append(append(b, 0x80|0x70|7, 0, 0), table(global)...) // 256 colours
	} else {
		b = append(b, 0x70, 0, 0)
	}
	b = append(b, 0x2C)
	for _, v := range []int{r.Min.X, r.Min.Y, r.Dx(), r.Dy()} {
		b = le.AppendUint16(b, uint16(v))
	}
	if local != nil {
		b = append(append(b, 0x80|7), table(local)...)
	} else {
		b = append(b, 0)
	}
	var z bytes.Buffer
	w := lzw.NewWriter(&z, lzw.LSB, 8)
	w.Write(pix)
	w.Close()
	b = append(b, 8) // the LZW code size
	for data := z.Bytes(); len(data) > 0; {
		n := min(len(data), 255)
		b = append(append(b, byte(n)), data[:n]...)
		data = data[n:]
	}
	return append(b, 0, 0x3B) // the end of the frame's data, the trailer
}

// bitWriter writes bits least significant first, as VP8L is read.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.n
	for w.n += n; w.n >= 8; w.n -= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.n > 0 {
		w.buf = append(w.buf, byte(w.acc))
	}
	return w.buf
}

// losslessWebP is img, whose every channel takes at most two values (a
// picture of two colours), as a lossless WebP (VP8L) with no transforms:
// each channel has a "simple" prefix code of one symbol (no bits a pixel)
// or two (one bit). x/image has no WebP encoder. With o other than 1, the
// file is an extended one (VP8X) with an EXIF chunk of orientation o,
// after "Exif\0\0" when prefixed (as some writers put it).
func losslessWebP(t *testing.T, img *image.NRGBA, o byte, prefixed bool) []byte {
	var values [4][]byte // of R, G, B and A, in increasing order
	for i, v := range img.Pix {
		if c := i % 4; !slices.Contains(values[c], v) {
			values[c] = append(values[c], v)
			slices.Sort(values[c])
		}
	}
	w := &bitWriter{}
	b := img.Bounds()
	w.bits(0x2F, 8) // the signature
	w.bits(uint64(b.Dx()-1), 14)
	w.bits(uint64(b.Dy()-1), 14)
	w.bits(0, 1+3+1+1+1)       // no alpha hint, version 0; no transform, no colour cache, no meta codes
	order := []int{1, 0, 2, 3} // green, red, blue, alpha
	for _, c := range order {
		s := values[c]
		if len(s) > 2 {
			t.Fatalf("channel %d takes %d values", c, len(s))
		}
		w.bits(1, 1) // a simple code
		w.bits(uint64(len(s)-1), 1)
		w.bits(1, 1) // of 8-bit symbols
		for _, v := range s {
			w.bits(uint64(v), 8)
		}
	}
	w.bits(1, 1) // the distance code: simple, one symbol, of 1 bit: 0
	w.bits(0, 3)
	for i := 0; i < len(img.Pix); i += 4 {
		for _, c := range order {
			if s := values[c]; len(s) == 2 { // the lower value's code is 0
				w.bits(uint64(slices.Index(s, img.Pix[i+c])), 1)
			}
		}
	}
	chunk := func(out []byte, id string, body []byte) []byte {
		out = binary.LittleEndian.AppendUint32(append(out, id...), uint32(len(body)))
		out = append(out, body...)
		if len(body)%2 == 1 {
			out = append(out, 0)
		}
		return out
	}
	var body []byte
	if o != 1 {
		le := func(v int) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16)} }
		vp8x := append(append([]byte{0x08, 0, 0, 0}, le(b.Dx()-1)...), le(b.Dy()-1)...) // flags: EXIF
		body = chunk(nil, "VP8X", vp8x)
	}
	body = chunk(body, "VP8L", w.bytes())
	if o != 1 {
		exif := exifTIFF(o)
		if prefixed {
			exif = append([]byte("Exif\x00\x00"), exif...)
		}
		body = chunk(body, "EXIF", exif)
	}
	riff := binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(4+len(body)))
	return append(append(riff, "WEBP"...), body...)
}
