package thumb

import (
	"bytes"
	"encoding/binary"
)

// orientation returns the EXIF Orientation (1 to 8) of a JPEG (its APP1
// segment), a PNG (its eXIf chunk) or a WebP (its EXIF chunk), or 1 when it
// has none or the EXIF data are malformed. Every offset is bounds-checked.
func orientation(format string, data []byte) int {
	switch format {
	case "jpeg":
		return jpegOrientation(data)
	case "png":
		return pngOrientation(data)
	case "webp":
		return webpOrientation(data)
	}
	return 1
}

func jpegOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xD9 || marker == 0xDA { // end of image, start of scan: no EXIF before the pixels
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// pngOrientation reads the eXIf chunk of a PNG held whole, wherever it is.
func pngOrientation(data []byte) int {
	if len(data) < len(pngSignature) || string(data[:len(pngSignature)]) != pngSignature {
		return 1
	}
	for i := len(pngSignature); i+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		typ, body := string(data[i+4:i+8]), i+8
		if n < 0 || n > len(data)-body-4 {
			return 1
		}
		if typ == "eXIf" {
			return exifOrientation(data[body : body+n])
		}
		if typ == "IEND" {
			return 1
		}
		i = body + n + 4
	}
	return 1
}

// webpOrientation reads the EXIF chunk of a WebP's RIFF container.
func webpOrientation(data []byte) int {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return 1
	}
	for i := 12; i+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		body := i + 8
		if n < 0 || n > len(data)-body {
			return 1
		}
		if string(data[i:i+4]) == "EXIF" {
			return exifOrientation(data[body : body+n])
		}
		i = body + n + n&1 // chunks are padded to an even size
	}
	return 1
}

// exifOrientation reads an EXIF block as PNG and WebP hold it: the TIFF
// data, which some writers prefix with JPEG's "Exif\0\0" (PIL reads both).
func exifOrientation(b []byte) int {
	return tiffOrientation(bytes.TrimPrefix(b, []byte("Exif\x00\x00")))
}

func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[ifd:]))
	for k := 0; k < count; k++ {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // Orientation, SHORT
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}
