package thumb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"io"

	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/inflate"
)

// pngSignature starts every PNG file.
const pngSignature = "\x89PNG\r\n\x1a\n"

// errNotPlainPNG sends a PNG that reducePNG does not handle to image/png.
var errNotPlainPNG = errors.New("not an 8-bit, non-interlaced RGB or RGBA PNG")

// reducePNG decodes an 8-bit, non-interlaced RGB or RGBA PNG (what photos
// and screenshots are saved as) read from r straight into its reduction by
// k, or returns errNotPlainPNG, having read no pixel data, for any other
// kind (palette, grey, 16-bit, interlaced, a transparent colour key), which
// image/png decodes instead from the start.
//
// It does what image/png does, faster and in a stream: it checks every
// chunk's CRC, inflates the pixel data with ISA-L a few rows at a time,
// undoes each row's filter in place, and feeds the rows to a boxer. Neither
// the file, nor the inflated pixels, nor the full picture as RGBA is ever
// held whole: a 5120×2880 PNG costs a few hundred kilobytes, not the 44 MB
// of its pixels. cfg is what imagecheck read from the same data: its pixel
// cap bounds what is allocated here. Beside the picture it returns what it
// read of the rest: the eXIf chunk's orientation (wherever the chunk is),
// and a warning when pixel data past the last row were ignored.
func reducePNG(r io.Reader, cfg imagecheck.Config, k int) (*image.RGBA, pngNotes, error) {
	notes := pngNotes{orientation: 1}
	var head [len(pngSignature)]byte
	if _, err := io.ReadFull(r, head[:]); err != nil || string(head[:]) != pngSignature {
		return nil, notes, errors.New("not a PNG")
	}
	c := chunks{r: r}
	var w, h, bpp int
	var small *image.RGBA
	for {
		n, typ, err := c.next()
		if err != nil {
			return nil, notes, err
		}
		switch {
		case typ == "IHDR":
			if n != 13 {
				return nil, notes, errors.New("bad IHDR")
			}
			var body [13]byte
			if err := c.body(body[:]); err != nil {
				return nil, notes, err
			}
			w, h = int(binary.BigEndian.Uint32(body[:])), int(binary.BigEndian.Uint32(body[4:]))
			if w != cfg.Width || h != cfg.Height {
				return nil, notes, fmt.Errorf("IHDR says %dx%d, the checked header %dx%d", w, h, cfg.Width, cfg.Height)
			}
			depth, color, interlace := body[8], body[9], body[12]
			switch {
			case depth != 8 || interlace != 0 || body[10] != 0 || body[11] != 0:
				return nil, notes, errNotPlainPNG
			case color == 2:
				bpp = 3
			case color == 6:
				bpp = 4
			default:
				return nil, notes, errNotPlainPNG
			}
		case typ == "tRNS" && small == nil:
			return nil, notes, errNotPlainPNG
		case typ == "IDAT" && small == nil:
			if bpp == 0 {
				return nil, notes, errors.New("IDAT before IHDR")
			}
			if small, notes.warning, err = unfilterRows(&idatReader{c: &c, left: n}, w, h, bpp, k); err != nil {
				return nil, notes, err
			}
		case typ == "eXIf" && n <= maxEXIF:
			exif := make([]byte, n)
			if err := c.body(exif); err != nil {
				return nil, notes, err
			}
			notes.orientation = exifOrientation(exif)
		case typ == "IEND":
			if small == nil {
				return nil, notes, errors.New("no IDAT")
			}
			return small, notes, c.skip(n)
		default: // other chunks, and IDATs after the pixels (image/png ignores those too)
			if err := c.skip(n); err != nil {
				return nil, notes, err
			}
		}
	}
}

// pngNotes is what reducePNG learns of a PNG beside its pixels.
type pngNotes struct {
	orientation int    // EXIF, 1 to 8
	warning     string // what was ignored, or ""
}

// maxEXIF is the largest eXIf chunk read for its orientation (a camera's
// EXIF block is a few kilobytes; its maker notes may take tens).
const maxEXIF = 1 << 20

// chunks reads a PNG's chunks from r, checking each one's CRC as its body
// is read.
type chunks struct {
	r      io.Reader
	crc    uint32 // of the current chunk's type and body so far
	typ    string
	n      int
	pushed bool // next returns the current chunk again
	buf    [8]byte
}

// next reads the next chunk's length and type.
func (c *chunks) next() (int, string, error) {
	if c.pushed {
		c.pushed = false
		return c.n, c.typ, nil
	}
	if _, err := io.ReadFull(c.r, c.buf[:8]); err != nil {
		return 0, "", errors.New("the file ends before its IEND chunk (truncated)")
	}
	n := binary.BigEndian.Uint32(c.buf[:4])
	if n > 0x7fffffff {
		return 0, "", errors.New("bad chunk length")
	}
	c.n, c.typ = int(n), string(c.buf[4:8])
	c.crc = crc32.ChecksumIEEE(c.buf[4:8])
	return int(n), c.typ, nil
}

// body reads the rest of the chunk into p and checks its CRC.
func (c *chunks) body(p []byte) error {
	if err := c.read(p); err != nil {
		return err
	}
	return c.end()
}

// read reads part of the current chunk's body into p.
func (c *chunks) read(p []byte) error {
	if _, err := io.ReadFull(c.r, p); err != nil {
		return fmt.Errorf("the file ends inside its %q chunk (truncated)", c.typ)
	}
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p)
	return nil
}

// end reads the current chunk's CRC and checks it.
func (c *chunks) end() error {
	if _, err := io.ReadFull(c.r, c.buf[:4]); err != nil {
		return fmt.Errorf("the file ends inside its %q chunk (truncated)", c.typ)
	}
	if c.crc != binary.BigEndian.Uint32(c.buf[:4]) {
		return fmt.Errorf("bad CRC in its %q chunk (the file is damaged)", c.typ)
	}
	return nil
}

// skip reads a chunk's n bytes of body a piece at a time, checks its CRC,
// and keeps nothing.
func (c *chunks) skip(n int) error {
	var piece [4096]byte
	for n > 0 {
		m := min(n, len(piece))
		if err := c.read(piece[:m]); err != nil {
			return err
		}
		n -= m
	}
	return c.end()
}

// idatReader reads the bodies of consecutive IDAT chunks as one stream,
// checking each chunk's CRC at its end. It ends (io.EOF) at the end of the
// last IDAT, having read the next chunk's length and type, which the
// chunks' next call gives again.
type idatReader struct {
	c     *chunks
	left  int // body bytes left in the current IDAT
	ended bool
}

func (d *idatReader) Read(p []byte) (int, error) {
	for d.left == 0 {
		if d.ended {
			return 0, io.EOF
		}
		if err := d.c.end(); err != nil {
			return 0, err
		}
		n, typ, err := d.c.next()
		if err != nil {
			return 0, err
		}
		if typ != "IDAT" {
			d.ended, d.c.pushed = true, true
			return 0, io.EOF
		}
		d.left = n
	}
	p = p[:min(len(p), d.left)]
	if err := d.c.read(p); err != nil {
		return 0, err
	}
	d.left -= len(p)
	return len(p), nil
}

// unfilterRows inflates a PNG's pixel data from idat a batch of rows at a
// time, undoes each row's filter, and reduces the rows by k. It reads the
// IDAT chunks to their end, and then the header of the chunk after them;
// it returns a warning when there was more than the picture's rows.
func unfilterRows(idat *idatReader, w, h, bpp, k int) (*image.RGBA, string, error) {
	z, err := inflate.NewZlib(idat)
	if err != nil {
		return nil, "", err
	}
	defer z.Close()
	stride := 1 + w*bpp
	batch := max(1, rowBatch/stride)
	buf := make([]byte, batch*stride)
	box := newBoxer(w, h, k)
	prev := make([]byte, stride-1) // the row above the first is zeros
	last := make([]byte, stride-1) // the batch's last row, kept while buf is refilled
	rgba := make([]byte, 4*w)
	for y := 0; y < h; {
		rows := min(batch, h-y)
		if _, err := io.ReadFull(z, buf[:rows*stride]); err != nil {
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) { // the stream or its chunks ended
				return nil, "", errors.New("not enough pixel data (the file is cut short or damaged)")
			}
			return nil, "", pixelError(err)
		}
		for i := range rows {
			row := buf[i*stride : (i+1)*stride]
			cur := row[1:]
			if err := unfilter(row[0], cur, prev, bpp); err != nil {
				return nil, "", err
			}
			if bpp == 3 {
				box.add(cur) // opaque RGB, summed as it is
			} else {
				premultiply(rgba, cur)
				box.add(rgba)
			}
			prev = cur
		}
		prev = last[:copy(last, prev)]
		y += rows
	}
	// The stream should end here, its checksum right, with nothing after
	// it. What comes after the last row is not the picture's: like PIL,
	// which stops reading there, ignore it with a warning (pngTail). The
	// chunks' CRCs are still checked to the last IDAT, and a stream that is
	// corrupt right after the rows (a wrong checksum) is an error: a
	// damaged file.
	var one [1]byte
	n, err := z.Read(one[:])
	noEnd := errors.Is(err, io.ErrUnexpectedEOF) // the IDAT chunks ended, the stream did not
	if n == 0 && err != io.EOF && !noEnd {
		return nil, "", pixelError(err)
	}
	after := err == io.EOF && z.Unused() != 0
	if rest, err := io.Copy(io.Discard, idat); err != nil {
		return nil, "", err
	} else if rest != 0 && n == 0 {
		after = true
	}
	return box.dst, pngTail(n != 0, noEnd, after), nil
}

// pixelError says what went wrong while inflating: corrupt data, or the
// chunks' own error (cut short, a bad CRC).
func pixelError(err error) error {
	if errors.Is(err, inflate.ErrCorrupt) {
		return errors.New("the pixel data are corrupt (the file is damaged)")
	}
	return err
}

// rowBatch is about how many bytes of rows are inflated at a time: enough
// for ISA-L to run at full speed (64 KB pieces do), little to hold.
const rowBatch = 256 << 10

// unfilter undoes a row's PNG filter in place, given the row above.
func unfilter(filter byte, cur, prev []byte, bpp int) error {
	switch filter {
	case 0: // none
	case 1: // sub
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2: // up
		for i, p := range prev {
			cur[i] += p
		}
	case 3: // average
		for i := range bpp {
			cur[i] += prev[i] / 2
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += uint8((int(cur[i-bpp]) + int(prev[i])) / 2)
		}
	case 4: // Paeth, a channel at a time as image/png does
		for c := range bpp {
			a, b, d := 0, 0, 0 // left, above, above left
			for i := c; i < len(cur); i += bpp {
				b = int(prev[i])
				pa, pb := b-d, a-d
				pc := abs(pa + pb)
				pa, pb = abs(pa), abs(pb)
				switch {
				case pa <= pb && pa <= pc:
				case pb <= pc:
					a = b
				default:
					a = d
				}
				a = (a + int(cur[i])) & 0xff
				cur[i] = uint8(a)
				d = b
			}
		}
	default:
		return fmt.Errorf("bad filter type %d in a row (the file is damaged)", filter)
	}
	return nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// premultiply writes the non-premultiplied RGBA pixels of src into dst
// premultiplied, rounded as image/draw rounds.
func premultiply(dst, src []byte) {
	for i := 0; i+4 <= len(src); i += 4 {
		s, d := src[i:i+4:i+4], dst[i:i+4:i+4]
		a := uint32(s[3]) * 0x101
		d[0] = uint8(uint32(s[0]) * a / 0xff >> 8)
		d[1] = uint8(uint32(s[1]) * a / 0xff >> 8)
		d[2] = uint8(uint32(s[2]) * a / 0xff >> 8)
		d[3] = s[3]
	}
}
