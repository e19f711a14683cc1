//go:build !cgo

package inflate

import (
	"bufio"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// Native is false: without cgo this package is Go's compress/zlib.
const Native = false

// Zlib is a zlib stream being inflated from its source. It is an io.Reader
// that returns io.EOF once the stream has ended and its checksum matched.
// Close frees it.
type Zlib struct {
	src    *bufio.Reader // flate reads no further than the stream from an io.ByteReader
	zr     io.ReadCloser // made at the first Read, which reads the header
	err    error         // given again by every later Read
	closed bool
}

// NewZlib starts inflating the zlib stream src holds.
func NewZlib(src io.Reader) (*Zlib, error) {
	return &Zlib{src: bufio.NewReaderSize(src, inSize)}, nil
}

// Read inflates into p. Past the stream's end it returns io.EOF; a source
// that ends before the stream does gives io.ErrUnexpectedEOF. Corrupt data
// give ErrCorrupt, also on every Read after.
func (z *Zlib) Read(p []byte) (int, error) {
	if z.closed {
		return 0, errors.New("inflate: read after Close")
	}
	if z.err != nil {
		return 0, z.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if z.zr == nil {
		zr, err := zlib.NewReader(z.src)
		if err != nil {
			z.err = wrap(err)
			return 0, z.err
		}
		z.zr = zr
	}
	n, err := z.zr.Read(p)
	if err != nil && err != io.EOF {
		z.err = wrap(err)
		return n, z.err
	}
	return n, err
}

// wrap gives compress/zlib's errors the meaning ISA-L's build gives them.
func wrap(err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("inflate: the data end before the stream does: %w", io.ErrUnexpectedEOF)
	case errors.Is(err, zlib.ErrChecksum), errors.Is(err, zlib.ErrHeader), errors.Is(err, zlib.ErrDictionary),
		errors.As(err, &corrupt):
		return fmt.Errorf("inflate: %w (%v)", ErrCorrupt, err)
	}
	return err
}

// Unused is how many bytes read from the source lie past the stream's end
// (meaningful once Read has returned io.EOF).
func (z *Zlib) Unused() int { return z.src.Buffered() }

// Close frees the stream. It is safe to call twice.
func (z *Zlib) Close() error {
	z.closed = true
	return nil
}
