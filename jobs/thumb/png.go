package thumb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"sync"

	"concurrencylab/jobs/deflate"
	"concurrencylab/jobs/imagecheck"
)

// errNotPlainPNG sends a PNG that reducePNG does not handle to image/png.
var errNotPlainPNG = errors.New("not an 8-bit, non-interlaced RGB or RGBA PNG")

// reducePNG decodes an 8-bit, non-interlaced RGB or RGBA PNG (what photos
// and screenshots are saved as) straight into its reduction by k, or
// returns errNotPlainPNG for any other kind (palette, grey, 16-bit,
// interlaced, a transparent colour key), which image/png decodes instead.
//
// It does what image/png does, faster: it checks every chunk's CRC,
// inflates the pixel data whole with libdeflate (four times as fast as
// compress/flate here), undoes each row's filter in place, and feeds the
// rows to a boxer, so the full picture is never held as RGBA. To hold no
// second copy of the compressed data, it moves the IDAT chunks' contents
// together inside data: data is overwritten.
// cfg is what imagecheck read from the same data: its pixel cap bounds what
// is allocated here.
func reducePNG(data []byte, cfg imagecheck.Config, k int) (*image.RGBA, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(sig)) {
		return nil, errors.New("png: not a PNG")
	}
	var w, h, bpp int
	idat := 0 // compressed bytes gathered at data[start:start+idat]
	start := 0
	for p := len(sig); ; {
		if p+12 > len(data) {
			return nil, errors.New("png: truncated before IEND")
		}
		n := int(binary.BigEndian.Uint32(data[p:]))
		if n < 0 || n > len(data)-p-12 {
			return nil, errors.New("png: truncated chunk")
		}
		typ, body := string(data[p+4:p+8]), data[p+8:p+8+n]
		if crc32.ChecksumIEEE(data[p+4:p+8+n]) != binary.BigEndian.Uint32(data[p+8+n:]) {
			return nil, fmt.Errorf("png: bad CRC in %q chunk", typ)
		}
		p += 12 + n
		switch typ {
		case "IHDR":
			if n != 13 {
				return nil, errors.New("png: bad IHDR")
			}
			w, h = int(binary.BigEndian.Uint32(body)), int(binary.BigEndian.Uint32(body[4:]))
			if w != cfg.Width || h != cfg.Height {
				return nil, fmt.Errorf("png: IHDR says %dx%d, the checked header %dx%d", w, h, cfg.Width, cfg.Height)
			}
			depth, color, interlace := body[8], body[9], body[12]
			switch {
			case depth != 8 || interlace != 0 || body[10] != 0 || body[11] != 0:
				return nil, errNotPlainPNG
			case color == 2:
				bpp = 3
			case color == 6:
				bpp = 4
			default:
				return nil, errNotPlainPNG
			}
		case "tRNS":
			if idat > 0 { // data is already overwritten: too late for image/png
				return nil, errors.New("png: tRNS after IDAT")
			}
			return nil, errNotPlainPNG
		case "IDAT":
			if bpp == 0 {
				return nil, errors.New("png: IDAT before IHDR")
			}
			if start == 0 {
				start = p - n - 4 // this chunk's body; later bodies move back to follow it
			}
			idat += copy(data[start+idat:], body)
		case "IEND":
			if bpp == 0 {
				return nil, errors.New("png: no IHDR")
			}
			return unfilterRows(data[start:start+idat], w, h, bpp, k)
		}
	}
}

// unfilterRows inflates a PNG's pixel data, undoes each row's filter, and
// reduces the rows by k.
func unfilterRows(idat []byte, w, h, bpp, k int) (*image.RGBA, error) {
	stride := 1 + w*bpp
	bufp := inflated.Get().(*[]byte)
	defer inflated.Put(bufp)
	if cap(*bufp) < stride*h {
		*bufp = make([]byte, stride*h)
	}
	raw := (*bufp)[:stride*h]
	if err := deflate.Zlib(idat, raw); err != nil {
		return nil, fmt.Errorf("png: inflating pixel data: %w", err)
	}
	box := newBoxer(w, h, k)
	prev := make([]byte, stride-1) // the row above the first is zeros
	rgba := make([]byte, 4*w)
	for y := range h {
		row := raw[y*stride : (y+1)*stride]
		cur := row[1:]
		if err := unfilter(row[0], cur, prev, bpp); err != nil {
			return nil, err
		}
		if bpp == 3 {
			box.add(cur) // opaque RGB, summed as it is
		} else {
			premultiply(rgba, cur)
			box.add(rgba)
		}
		prev = cur
	}
	return box.dst, nil
}

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
		return fmt.Errorf("png: bad filter type %d", filter)
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

// inflated holds a PNG's inflated pixel data for reuse, as pixels does a
// JPEG's.
var inflated = sync.Pool{New: func() any { return new([]byte) }}
