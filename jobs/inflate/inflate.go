// Package inflate decompresses a zlib stream a piece at a time through Intel's
// ISA-L (igzip), as fast here as libdeflate's whole-buffer decompression and
// more than twice as fast as zlib's (measured in docs/performance-formats.md),
// while holding only the pieces asked for: a large PNG's pixels go through
// it row by row and are never held whole. It needs ISA-L (Debian:
// libisal-dev to build, libisal2 to run; the packages link it statically).
//
// Built without cgo (a macOS build without a C compiler, go vet for other
// systems), the same API is Go's compress/zlib: the same bytes and errors,
// at zlib's speed rather than ISA-L's (see Native).
package inflate

import "errors"

// ErrCorrupt reports zlib data the inflater refuses: a bad header, block,
// symbol, distance or checksum.
var ErrCorrupt = errors.New("corrupt zlib data")

// inSize is how much of the source is read at a time.
const inSize = 64 << 10
