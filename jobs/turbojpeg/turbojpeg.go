// Package turbojpeg decodes JPEGs through libjpeg-turbo's TurboJPEG API, at
// full size or reduced by 1/2, 1/4 or 1/8 while decoding: the inverse DCT
// does the scaling, so a quarter-size decode skips most of the work of a full
// one. This is what PIL's Image.draft does, and why PIL makes thumbnails
// faster than Go's image/jpeg can decode. It also encodes, about nine times
// faster than image/jpeg. It needs libturbojpeg (Debian: libturbojpeg0-dev
// to build, libturbojpeg0 to run).
//
// Errors, including libjpeg warnings such as a premature end of data, are
// returned, never fatal: TurboJPEG handles libjpeg's errors with setjmp and
// reports them (see the fuzz test).
package turbojpeg

/*
#cgo LDFLAGS: -lturbojpeg
#include <stdlib.h>
#include <turbojpeg.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"unsafe"
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

// DecodeHeader reads a JPEG's size without decoding it.
func DecodeHeader(data []byte) (Header, error) {
	if len(data) == 0 {
		return Header{}, ErrEmpty
	}
	h := C.tjInitDecompress()
	if h == nil {
		return Header{}, errors.New("turbojpeg: cannot create a decompressor")
	}
	defer C.tjDestroy(h)
	var w, ht, subsamp, cs C.int
	if C.tjDecompressHeader3(h, (*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), &w, &ht, &subsamp, &cs) != 0 {
		return Header{}, lastError(h)
	}
	return Header{Width: int(w), Height: int(ht)}, nil
}

// Decode decodes data reduced by s into a new opaque NRGBA image. Callers
// check the header's size against their limits first: Decode allocates
// s.Of(width)×s.Of(height)×4 bytes.
func Decode(data []byte, s Scale) (*image.NRGBA, error) {
	return DecodeInto(nil, data, s)
}

// DecodeInto is Decode writing the pixels into buf when it is large enough,
// so that a caller making many images can reuse one buffer: a fresh one
// costs the zeroing and the page faults of every byte. The image shares
// buf's memory.
func DecodeInto(buf []byte, data []byte, s Scale) (*image.NRGBA, error) {
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	if s.Num < 1 || s.Denom < 1 {
		return nil, fmt.Errorf("turbojpeg: bad scale %d/%d", s.Num, s.Denom)
	}
	h := C.tjInitDecompress()
	if h == nil {
		return nil, errors.New("turbojpeg: cannot create a decompressor")
	}
	defer C.tjDestroy(h)
	src, n := (*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data))
	var w, ht, subsamp, cs C.int
	if C.tjDecompressHeader3(h, src, n, &w, &ht, &subsamp, &cs) != 0 {
		return nil, lastError(h)
	}
	if cs == C.TJCS_CMYK || cs == C.TJCS_YCCK {
		return nil, ErrCMYK
	}
	sw, sh := s.Of(int(w)), s.Of(int(ht))
	if sw < 1 || sh < 1 {
		return nil, fmt.Errorf("turbojpeg: image is %dx%d", w, ht)
	}
	if need := sw * sh * 4; cap(buf) >= need {
		buf = buf[:need]
	} else {
		buf = make([]byte, need)
	}
	img := &image.NRGBA{Pix: buf, Stride: sw * 4, Rect: image.Rect(0, 0, sw, sh)}
	// STOPONWARNING: a truncated or corrupt stream is an error, as in Go's
	// decoder; LIMITSCANS: refuse progressive files with absurd scan counts.
	flags := C.int(C.TJFLAG_STOPONWARNING | C.TJFLAG_LIMITSCANS)
	if C.tjDecompress2(h, src, n, (*C.uchar)(unsafe.Pointer(&img.Pix[0])), C.int(sw), C.int(img.Stride), C.int(sh), C.TJPF_RGBA, flags) != 0 {
		return nil, lastError(h)
	}
	return img, nil
}

// Encode compresses an NRGBA image as a baseline JPEG of the given quality
// (1–100) with 4:2:0 chroma subsampling, as Go's image/jpeg and PIL do. The
// alpha channel is ignored: give it opaque images.
func Encode(img *image.NRGBA, quality int) ([]byte, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, errors.New("turbojpeg: empty image")
	}
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("turbojpeg: quality %d is not 1–100", quality)
	}
	h := C.tjInitCompress()
	if h == nil {
		return nil, errors.New("turbojpeg: cannot create a compressor")
	}
	defer C.tjDestroy(h)
	pix := img.Pix[img.PixOffset(b.Min.X, b.Min.Y):]
	var out *C.uchar // TurboJPEG allocates it; freed below
	var size C.ulong
	defer func() {
		if out != nil {
			C.tjFree(out)
		}
	}()
	if C.tjCompress2(h, (*C.uchar)(unsafe.Pointer(&pix[0])), C.int(b.Dx()), C.int(img.Stride), C.int(b.Dy()), C.TJPF_RGBA,
		&out, &size, C.TJSAMP_420, C.int(quality), 0) != 0 {
		return nil, lastError(h)
	}
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}

func lastError(h C.tjhandle) error {
	return fmt.Errorf("turbojpeg: %s", C.GoString(C.tjGetErrorStr2(h)))
}
