// Package assets holds the files bundled into the binary. It does not import
// Fyne; ui wraps them into Fyne resources.
package assets

import _ "embed"

// Icon is the application and window icon, a 512x512 PNG.
//
//go:embed icon.png
var Icon []byte
