package thumb

import (
	"encoding/binary"
	"image"
)

// lanes picks every other byte of a word into 16-bit lanes.
const lanes = 0x00FF00FF00FF00FF

// halve shrinks src to half its size on both sides, each output pixel the
// mean of a 2×2 block: PIL's Image.reduce(2), the cheap first step of its
// two-step resize. An odd last column or row is dropped (at most one pixel of
// a picture at least twice the thumbnail). Means of opaque pixels stay
// opaque; src must be opaque, as decoded JPEGs are.
func halve(src *image.NRGBA) *image.NRGBA {
	dw, dh := src.Rect.Dx()/2, src.Rect.Dy()/2
	dst := image.NewNRGBA(image.Rect(0, 0, dw, dh))
	for dy := 0; dy < dh; dy++ {
		r0 := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+2*dy):][:dw*8]
		r1 := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+2*dy+1):][:len(r0)]
		out := dst.Pix[dy*dst.Stride:][:len(r0)/2]
		for i := 0; i+8 <= len(r0); i += 8 {
			// Two pixels of each row as one word; sum the even bytes (R, B)
			// and the odd bytes (G, A) in 16-bit lanes, then fold the two
			// pixels together and round.
			a, b := binary.LittleEndian.Uint64(r0[i:i+8]), binary.LittleEndian.Uint64(r1[i:i+8])
			even := a&lanes + b&lanes
			odd := a>>8&lanes + b>>8&lanes
			even = (even + even>>32 + 0x0002_0002) >> 2 & 0x3FFF_3FFF // R, B
			odd = (odd + odd>>32 + 0x0002_0002) >> 2 & 0x3FFF_3FFF    // G, A
			binary.LittleEndian.PutUint32(out[i/2:i/2+4], uint32(even&0xFF|odd&0xFF<<8|even>>16&0xFF<<16|odd>>16<<24))
		}
	}
	return dst
}

// halveTo halves src while the result stays at least w×h.
func halveTo(src *image.NRGBA, w, h int) *image.NRGBA {
	for src.Rect.Dx()/2 >= w && src.Rect.Dy()/2 >= h {
		src = halve(src)
	}
	return src
}
