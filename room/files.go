package room

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
)

// writeFile writes data to path whole or not at all (a temporary file
// synced to disk, then renamed), readable as perm says: a kill -9 or a
// power cut leaves the old file or the new one.
func writeFile(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// jsonMarshal is json.Marshal without HTML escaping, so that a name like
// "A&B" reads the same in a file.
func jsonMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
