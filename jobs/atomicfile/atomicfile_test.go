package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")

	t.Run("complete data land under the final name", func(t *testing.T) {
		if err := WriteBytes(path, []byte("hello")); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != "hello" {
			t.Fatalf("got %q, %v", got, err)
		}
	})

	t.Run("a failed fill leaves the old file and no temporary file", func(t *testing.T) {
		boom := errors.New("boom")
		err := Write(path, func(w io.Writer) error {
			w.Write([]byte("half"))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		got, _ := os.ReadFile(path)
		if string(got) != "hello" {
			t.Fatalf("old content replaced: %q", got)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Fatalf("directory holds %d entries, want only out.bin", len(entries))
		}
	})
}
