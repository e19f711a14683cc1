package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"strings"
)

// Name derives a file name from a URL that is safe in any folder: only letters,
// digits, '-', '_' and '.', no leading dot, at most 60 characters from the URL's
// last path element, then 10 hex digits of the URL's SHA-256 so that different
// URLs never share a file, then the extension of the sniffed format.
func Name(rawURL, format string) string {
	base := "image"
	if u, err := url.Parse(rawURL); err == nil {
		base = path.Base(u.Path)
	}
	base = strings.TrimSuffix(base, path.Ext(base))
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 60 {
			break
		}
	}
	clean := strings.Trim(b.String(), "_")
	if clean == "" {
		clean = "image"
	}
	sum := sha256.Sum256([]byte(rawURL))
	ext := map[string]string{"jpeg": ".jpg", "png": ".png", "gif": ".gif", "webp": ".webp"}[format]
	if ext == "" {
		ext = ".img"
	}
	return clean + "-" + hex.EncodeToString(sum[:5]) + ext
}
