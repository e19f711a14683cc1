// Package turbojpeg decodes JPEGs through libjpeg-turbo's TurboJPEG API, at
// full size or reduced by 1/2, 1/4 or 1/8 while decoding: the inverse DCT
// does the scaling, so a quarter-size decode skips most of the work of a full
// one. This is what PIL's Image.draft does, and why PIL makes thumbnails
// faster than Go's image/jpeg can decode. It also encodes, about nine times
// faster than image/jpeg. It needs libturbojpeg (Debian: libturbojpeg0-dev
// to build, libturbojpeg0 to run; the packages link it statically).
//
// Errors are returned, never fatal: TurboJPEG handles libjpeg's errors with
// setjmp and reports them (see the fuzz test). A libjpeg warning (data that
// are corrupt in a way libjpeg decodes around) gives the picture and a
// *Warning, as browsers, viewers and PIL show such files; a file cut short
// is an error, as in PIL.
//
// Built without cgo (a macOS build without a C compiler, go vet for other
// systems), the same API is Go's image/jpeg: a full decode, then each block
// of pixels averaged. It gives the same pictures but is not the fast path
// (about ten times slower a thumbnail, see Native), and it decodes nothing
// that Go's decoder refuses, so it gives no *Warning.
package turbojpeg

import (
	"bytes"
	"errors"
)

// Header is what a JPEG's header says.
type Header struct {
	Width, Height int
}

// Scale is a reduction applied while decoding: Num/Denom of each side.
type Scale struct{ Num, Denom int }

// Full decodes at full size.
var Full = Scale{1, 1}

// Of returns the size of a dimension scaled by s, rounded up as libjpeg does.
func (s Scale) Of(d int) int { return (d*s.Num + s.Denom - 1) / s.Denom }

// Reductions are the scales, largest reduction first, that TurboJPEG
// decodes fastest (whole-block IDCT scaling).
var Reductions = []Scale{{1, 8}, {1, 4}, {1, 2}, {1, 1}}

// Pick chooses, like PIL's draft mode, the largest reduction whose result is
// still at least minW×minH.
func Pick(w, h, minW, minH int) Scale {
	for _, s := range Reductions {
		if s.Of(w) >= minW && s.Of(h) >= minH {
			return s
		}
	}
	return Full
}

// ErrEmpty is returned for no data.
var ErrEmpty = errors.New("turbojpeg: no data")

// ErrCMYK is returned for CMYK and YCCK JPEGs (from print workflows), which
// TurboJPEG cannot convert to RGB; Go's image/jpeg can.
var ErrCMYK = errors.New("turbojpeg: a CMYK JPEG cannot be decoded to RGB")

// Warning is a libjpeg warning: the data are corrupt in a way libjpeg-turbo
// decodes around ("Corrupt JPEG data: 5 extraneous bytes before marker
// 0xdb", "premature end of data segment", where the rest of the picture is
// grey). Decode returns the whole picture with it. Msg is libjpeg's first
// warning (it reports no later ones).
type Warning struct{ Msg string }

func (w *Warning) Error() string { return "turbojpeg: " + w.Msg }

// eofWarning is libjpeg's warning (JWRN_JPEG_EOF) when the data end before
// the picture does; it then makes up the rest, which PIL refuses to show.
const eofWarning = "Premature end of JPEG file"

// cutShort reports whether data has no end-of-image marker after its first
// start of scan: a file that stops before its end, whatever libjpeg's first
// warning said (it reports only the first). The compressed data after a
// start of scan cannot hold the bytes FF D9 (an FF there is followed by 00
// or a restart marker); segments before it, such as an EXIF thumbnail, can.
func cutShort(data []byte) bool {
	for i := 2; i < len(data); {
		if data[i] != 0xFF { // extraneous bytes, which libjpeg skips with a warning
			i++
			continue
		}
		for i < len(data) && data[i] == 0xFF { // fill bytes
			i++
		}
		if i >= len(data) {
			return true
		}
		marker := data[i]
		i++
		if marker == 0xD9 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7 { // EOI, TEM, RSTn: no length
			continue
		}
		if i+2 > len(data) {
			return true
		}
		end := i + (int(data[i])<<8 | int(data[i+1]))
		if marker == 0xDA {
			return end > len(data) || !bytes.Contains(data[end:], []byte{0xFF, 0xD9})
		}
		i = end
	}
	return true
}
