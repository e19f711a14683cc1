// Package turbojpeg decodes JPEGs through libjpeg-turbo's TurboJPEG API, at
// full size or reduced by 1/2, 1/4 or 1/8 while decoding: the inverse DCT
// does the scaling, so a quarter-size decode skips most of the work of a full
// one. This is what PIL's Image.draft does, and why PIL makes thumbnails
// faster than Go's image/jpeg can decode. It also encodes, about nine times
// faster than image/jpeg. It needs libturbojpeg (Debian: libturbojpeg0-dev
// to build, libturbojpeg0 to run).
//
// Errors are returned, never fatal: TurboJPEG handles libjpeg's errors with
// setjmp and reports them (see the fuzz test). A libjpeg warning (data that
// are corrupt in a way libjpeg decodes around) gives the picture and a
// *Warning, as browsers, viewers and PIL show such files; a file cut short
// is an error, as in PIL.
package turbojpeg

/*
#cgo LDFLAGS: -lturbojpeg
#include <stdlib.h>
#include <turbojpeg.h>
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"runtime"
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

// DecodeHeader reads a JPEG's size without decoding it. A header that
// libjpeg reads with a warning gives the header and a *Warning.
func DecodeHeader(data []byte) (Header, error) {
	// libjpeg's messages live in a thread-local buffer (tjGetErrorStr2
	// falls back to it once it has read the handle's own, and libjpeg
	// writes its warnings and errors only there): the calls and the
	// reading of their message must be on one thread, or the message is
	// another thread's ("No error").
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if len(data) == 0 {
		return Header{}, ErrEmpty
	}
	h := C.tjInitDecompress()
	if h == nil {
		return Header{}, errors.New("turbojpeg: cannot create a decompressor")
	}
	defer C.tjDestroy(h)
	hdr, _, err := readHeader(h, data)
	return hdr, err
}

// readHeader reads data's header with h, and its colour space.
func readHeader(h C.tjhandle, data []byte) (Header, C.int, error) {
	var w, ht C.int
	subsamp, cs := C.int(-1), C.int(-1)
	if C.tjDecompressHeader3(h, (*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), &w, &ht, &subsamp, &cs) != 0 {
		// A warning alone still fills every field; an error after a
		// warning (which TurboJPEG also calls a warning) leaves some unset.
		if C.tjGetErrorCode(h) != C.TJERR_WARNING || w < 1 || ht < 1 || subsamp < 0 || cs < 0 {
			return Header{}, 0, lastError(h)
		}
		return Header{Width: int(w), Height: int(ht)}, cs, &Warning{Msg: C.GoString(C.tjGetErrorStr2(h))}
	}
	return Header{Width: int(w), Height: int(ht)}, cs, nil
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
//
// When err is a *Warning, the image is whole and usable: libjpeg warned
// and decoded past it. A file cut short is an error, not a warning: libjpeg
// would make up its missing part.
func DecodeInto(buf []byte, data []byte, s Scale) (*image.NRGBA, error) {
	// libjpeg's messages live in a thread-local buffer (tjGetErrorStr2
	// falls back to it once it has read the handle's own, and libjpeg
	// writes its warnings and errors only there): the calls and the
	// reading of their message must be on one thread, or the message is
	// another thread's ("No error").
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
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
	hdr, cs, err := readHeader(h, data)
	var warn *Warning
	if err != nil && !errors.As(err, &warn) {
		return nil, err
	}
	if cs == C.TJCS_CMYK || cs == C.TJCS_YCCK {
		return nil, ErrCMYK
	}
	sw, sh := s.Of(hdr.Width), s.Of(hdr.Height)
	if sw < 1 || sh < 1 {
		return nil, fmt.Errorf("turbojpeg: image is %dx%d", hdr.Width, hdr.Height)
	}
	if need := sw * sh * 4; cap(buf) >= need {
		buf = buf[:need]
	} else {
		buf = make([]byte, need)
	}
	img := &image.NRGBA{Pix: buf, Stride: sw * 4, Rect: image.Rect(0, 0, sw, sh)}
	decode := func(flags C.int) bool {
		return C.tjDecompress2(h, (*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)),
			(*C.uchar)(unsafe.Pointer(&img.Pix[0])), C.int(sw), C.int(img.Stride), C.int(sh), C.TJPF_RGBA, flags) == 0
	}
	// LIMITSCANS: refuse progressive files with absurd scan counts. The
	// first pass stops at a warning, so that a clean file (nearly every
	// one) is decoded once and a warning is known for what it is.
	if decode(C.TJFLAG_STOPONWARNING | C.TJFLAG_LIMITSCANS) {
		return img, nil
	}
	if C.tjGetErrorCode(h) != C.TJERR_WARNING {
		return nil, lastError(h)
	}
	first := C.GoString(C.tjGetErrorStr2(h))
	if first == eofWarning || cutShort(data) {
		return nil, errors.New("turbojpeg: the file ends before its picture does (truncated)")
	}
	// Again, past the warnings. TurboJPEG calls an error that follows a
	// warning a warning too; but libjpeg keeps only its first warning's
	// text, and an error's text replaces it, so the same text means
	// warnings only, the picture decoded to its end.
	if !decode(C.TJFLAG_LIMITSCANS) &&
		(C.tjGetErrorCode(h) != C.TJERR_WARNING || C.GoString(C.tjGetErrorStr2(h)) != first) {
		return nil, lastError(h)
	}
	return img, &Warning{Msg: first}
}

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

// Encode compresses an NRGBA image as a baseline JPEG of the given quality
// (1–100) with 4:2:0 chroma subsampling, as Go's image/jpeg and PIL do. The
// alpha channel is ignored: give it opaque images.
func Encode(img *image.NRGBA, quality int) ([]byte, error) {
	// libjpeg's messages live in a thread-local buffer (tjGetErrorStr2
	// falls back to it once it has read the handle's own, and libjpeg
	// writes its warnings and errors only there): the calls and the
	// reading of their message must be on one thread, or the message is
	// another thread's ("No error").
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
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
