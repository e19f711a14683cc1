package imagecheck

import (
	"errors"
	"io"
)

// ErrTooLarge is returned by ReadAll for data over its limit. Unlike
// io.LimitReader, which ends with a silent EOF, it tells a cut-off from a whole.
var ErrTooLarge = errors.New("over the size limit")

// ReadAll reads r to its end into buf's memory, growing it only when it is
// too small, and fails with ErrTooLarge (never truncating) past max bytes when
// max > 0. It returns what it read, also on error.
func ReadAll(r io.Reader, buf []byte, max int64) ([]byte, error) {
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if max > 0 && int64(len(buf)) > max {
			return buf, ErrTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
