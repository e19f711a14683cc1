// Package atomicfile writes files so that readers see either the old file or the
// complete new one, never a half-written one: the data go to a temporary file in
// the destination's directory, which is renamed over the destination at the end.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Write creates path by calling fill with a temporary file in the same directory
// and renaming it to path when fill succeeds. On any error the temporary file is
// removed and path is left untouched. Data are not fsynced: the guarantee is about
// what other readers see, not about surviving a power cut.
func Write(path string, fill func(w io.Writer) error) error {
	dir, base := filepath.Split(path)
	t, err := Create(dir, base)
	if err != nil {
		return err
	}
	defer t.Abort()
	if err := fill(t); err != nil {
		return err
	}
	return t.Commit(path)
}

// Temp is a temporary file that becomes a file under its final name only
// when Commit renames it, for writers that learn that name from what they
// write (a download named after its sniffed format).
type Temp struct {
	*os.File
	done bool
}

// Create makes a temporary file in dir (the final file's folder, so the
// rename stays within one file system) named ".BASE.*.part", which IsTemp
// recognises. Defer Abort.
func Create(dir, base string) (*Temp, error) {
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.part")
	if err != nil {
		return nil, err
	}
	return &Temp{File: f}, nil
}

// Commit closes the file and renames it to path, in the same folder. On an
// error the temporary file is removed.
func (t *Temp) Commit(path string) (err error) {
	t.done = true
	tmp := t.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err = t.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp, err)
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Abort closes and removes the temporary file, unless Commit has run.
func (t *Temp) Abort() {
	if !t.done {
		t.done = true
		t.Close()
		os.Remove(t.Name())
	}
}

// IsTemp reports whether name is one of Create's temporary files
// (".BASE.*.part"), which a process killed mid-write leaves behind.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".part")
}

// WriteBytes is Write for data already in memory.
func WriteBytes(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
