package thumb

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/draw"
	"image/gif"
	"image/png"
	"io"

	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/turbojpeg"
)

// decodeTolerant decodes data whole with Go's decoders and, where they
// refuse a file whose pixels are all there, reads it as PIL does, with a
// warning that says what was wrong (empty when nothing was):
//
//   - a JPEG that image/jpeg cannot decode (arithmetic coding, or data
//     libjpeg decodes past with a warning) is decoded by libjpeg-turbo;
//   - a PNG whose pixel data go on past its last row is decoded from its
//     rows alone (image/png says "too much pixel data");
//   - a GIF without any colour table gets PIL's: index i is grey level i.
//
// A GIF whose first frame does not cover its screen is drawn on a
// transparent screen, as PIL does, so that the thumbnail has the shape the
// header gave.
func decodeTolerant(data []byte, cfg imagecheck.Config) (image.Image, string, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	warning := ""
	if err != nil {
		switch cfg.Format {
		case "jpeg":
			img, warning, err = jpegByTurbo(data, err)
		case "png":
			img, warning, err = pngRowsOnly(data, err)
		case "gif":
			img, warning, err = greyGIF(data, err)
		}
	}
	if err != nil {
		return nil, "", err
	}
	if screen := image.Rect(0, 0, cfg.Width, cfg.Height); cfg.Format == "gif" && img.Bounds() != screen {
		canvas := image.NewRGBA(screen)
		draw.Draw(canvas, img.Bounds(), img, img.Bounds().Min, draw.Src)
		img = canvas
	}
	return img, warning, nil
}

// jpegByTurbo decodes with libjpeg-turbo, at full size, a JPEG that Go's
// decoder refused with goErr; a CMYK JPEG, which libjpeg-turbo cannot give
// as RGB, keeps Go's error.
func jpegByTurbo(data []byte, goErr error) (image.Image, string, error) {
	img, err := turbojpeg.Decode(data, turbojpeg.Full)
	var w *turbojpeg.Warning
	warning := ""
	switch {
	case errors.As(err, &w):
		warning = w.Msg
	case errors.Is(err, turbojpeg.ErrCMYK):
		return nil, "", goErr
	case err != nil:
		return nil, "", err
	}
	return &image.RGBA{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect}, warning, nil // opaque: premultiplied already
}

// greyGIF decodes a GIF that has no global colour table, and a frame
// without one of its own, with a table of 256 greys put in its header.
func greyGIF(data []byte, goErr error) (image.Image, string, error) {
	const screen = 13 // "GIF89a", the screen's size, flags, background, aspect
	if len(data) < screen || data[10]&0x80 != 0 {
		return nil, "", goErr
	}
	fixed := make([]byte, 0, len(data)+3*256)
	fixed = append(fixed, data[:screen]...)
	fixed[10] = fixed[10]&0x70 | 0x80 | 7 // a global table of 2^(7+1) colours
	for i := range 256 {
		fixed = append(fixed, byte(i), byte(i), byte(i))
	}
	img, err := gif.Decode(bytes.NewReader(append(fixed, data[screen:]...)))
	if err != nil {
		return nil, "", goErr
	}
	return img, "the GIF has no colour table: its colours are shown as greys (as PIL does)", nil
}

// pngTail says what follows a PNG's last row, as a warning: more inflated
// data (more), the stream's end missing, its checksum with it (noEnd), or
// bytes after the stream's end (after). It is empty when the stream ends
// there, as it should. (A stream that is corrupt past the rows, a wrong
// checksum, is an error, as in PIL.)
func pngTail(more, noEnd, after bool) string {
	const ignored = " (ignored, as PIL does)"
	switch {
	case more:
		return "the pixel data go on past the picture's last row" + ignored
	case noEnd:
		return "the pixel data stop after the picture's last row, before their checksum" + ignored
	case after:
		return "bytes follow the end of the pixel data" + ignored
	}
	return ""
}

// pngRowsOnly decodes, with image/png, a PNG it refused with goErr because
// more than the picture's rows followed them: the file is rebuilt with its
// rows alone, stored (not compressed) in one IDAT chunk. Any other damage
// keeps image/png's error.
func pngRowsOnly(data []byte, goErr error) (image.Image, string, error) {
	fixed, warning, err := rowsOnly(data)
	if err != nil || warning == "" {
		return nil, "", goErr
	}
	img, err := png.Decode(bytes.NewReader(fixed))
	if err != nil {
		return nil, "", goErr
	}
	return img, warning, nil
}

// rowsOnly rebuilds the PNG data with only the pixel data its rows take,
// and says what followed them.
func rowsOnly(data []byte) ([]byte, string, error) {
	if len(data) < len(pngSignature) || string(data[:len(pngSignature)]) != pngSignature {
		return nil, "", errors.New("not a PNG")
	}
	var head, idat []byte // the chunks before the first IDAT; the IDATs' bodies
	var need int
	seen := false // an IDAT
	for i := len(pngSignature); ; {
		if i+12 > len(data) {
			return nil, "", errors.New("no IEND chunk")
		}
		n := int(binary.BigEndian.Uint32(data[i:]))
		if n < 0 || n > len(data)-i-12 {
			return nil, "", errors.New("bad chunk length")
		}
		typ, body := string(data[i+4:i+8]), data[i+8:i+8+n]
		if crc32.ChecksumIEEE(data[i+4:i+8+n]) != binary.BigEndian.Uint32(data[i+8+n:]) {
			return nil, "", fmt.Errorf("bad CRC in its %q chunk", typ)
		}
		switch {
		case typ == "IHDR" && n == 13:
			need = pngRowBytes(body)
		case typ == "IDAT":
			idat, seen = append(idat, body...), true
		case typ == "IEND":
			return storedRows(head, idat, need)
		}
		if !seen {
			head = append(head, data[i:i+12+n]...)
		}
		i += 12 + n
	}
}

// storedRows builds a PNG of the chunks head, then the first need bytes
// that the zlib stream idat inflates to, stored, and IEND; and says what
// followed those bytes.
func storedRows(head, idat []byte, need int) ([]byte, string, error) {
	src := bytes.NewReader(idat)
	z, err := zlib.NewReader(src)
	if err != nil || need <= 0 {
		return nil, "", errors.New("no pixel data")
	}
	rows := make([]byte, need)
	if _, err := io.ReadFull(z, rows); err != nil {
		return nil, "", err
	}
	var one [1]byte
	n, err := io.ReadFull(z, one[:])
	if n == 0 && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, "", err // a wrong checksum, corrupt data
	}
	warning := pngTail(n != 0, err == io.ErrUnexpectedEOF, err == io.EOF && src.Len() != 0)
	var stored bytes.Buffer
	w, _ := zlib.NewWriterLevel(&stored, zlib.NoCompression)
	w.Write(rows)
	w.Close()
	out := append([]byte(pngSignature), head...)
	return appendChunk(appendChunk(out, "IDAT", stored.Bytes()), "IEND", nil), warning, nil
}

// appendChunk appends a PNG chunk of type typ: its length, type, body and CRC.
func appendChunk(out []byte, typ string, body []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
	start := len(out)
	out = append(append(out, typ...), body...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

// pngRowBytes is how many bytes of pixel data (each row's filter byte and
// its pixels, every Adam7 pass's when interlaced) the PNG whose IHDR body
// is ihdr has, or 0 for a header that makes no sense.
func pngRowBytes(ihdr []byte) int {
	w, h := int(binary.BigEndian.Uint32(ihdr)), int(binary.BigEndian.Uint32(ihdr[4:]))
	channels := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ihdr[9]]
	bits := int(ihdr[8]) * channels
	if w <= 0 || h <= 0 || bits == 0 {
		return 0
	}
	rows := func(w, h int) int { return h * (1 + (w*bits+7)/8) }
	if ihdr[12] == 0 {
		return rows(w, h)
	}
	total := 0
	for _, p := range [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}} {
		pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
		if pw > 0 && ph > 0 {
			total += rows(pw, ph)
		}
	}
	return total
}
