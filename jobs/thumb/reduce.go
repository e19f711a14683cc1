package thumb

import (
	"encoding/binary"
	"image"
	"image/draw"
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

// reduceFactor is the largest integer factor by which a w×h picture can be
// shrunk while it stays at least twice tw×th (PIL's reducing_gap of 2), or 1,
// and at most 256 (what addBlocks can sum).
func reduceFactor(w, h, tw, th int) int {
	return max(1, min(w/(2*tw), h/(2*th), 256))
}

// reduce shrinks src by the integer factor k on both sides, each output pixel
// the mean of a k×k block (PIL's Image.reduce): the cheap first step of a
// thumbnail, for every format. Blocks on the right and bottom edges may be
// cut short; they average the pixels they have. The means are taken of
// premultiplied colours, so transparent pixels lend no colour to their
// neighbours. It runs on the calling goroutine only: a *image.RGBA (what an
// RGB PNG decodes to) is read in place, any other kind of picture is
// converted k rows at a time by image/draw.
func reduce(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	rgba, inPlace := src.(*image.RGBA)
	if inPlace && k == 1 && b.Min == (image.Point{}) {
		return rgba
	}
	sw, sh := b.Dx(), b.Dy()
	box := newBoxer(sw, sh, k)
	var strip *image.RGBA
	if !inPlace {
		strip = image.NewRGBA(image.Rect(0, 0, sw, k))
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if inPlace {
			box.add(rgba.Pix[rgba.PixOffset(b.Min.X, y):][:4*sw])
			continue
		}
		i := (y - b.Min.Y) % k
		if i == 0 {
			draw.Draw(strip, image.Rect(0, 0, sw, min(k, b.Max.Y-y)), src, image.Pt(b.Min.X, y), draw.Src)
		}
		box.add(strip.Pix[i*strip.Stride:][:4*sw])
	}
	return box.dst
}

// boxer reduces a picture given row by row (premultiplied RGBA) by k: a
// decoder that makes rows can feed it without ever holding the whole
// picture in RGBA.
type boxer struct {
	k, sw, sh, y int
	sums         []uint32
	dst          *image.RGBA
}

func newBoxer(sw, sh, k int) *boxer {
	dw, dh := (sw+k-1)/k, (sh+k-1)/k
	return &boxer{k: k, sw: sw, sh: sh, sums: make([]uint32, 4*dw), dst: image.NewRGBA(image.Rect(0, 0, dw, dh))}
}

// add adds the next row, of 4*sw bytes of premultiplied RGBA, or 3*sw
// bytes of opaque RGB; the last block row is written out when the
// picture's last row has been added.
func (b *boxer) add(row []byte) {
	if len(row) == 3*b.sw {
		addRGBBlocks(b.sums, row, b.k)
	} else {
		addBlocks(b.sums, row, b.k)
	}
	b.y++
	rows := b.y - (b.y-1)/b.k*b.k // rows in the current block row
	if rows < b.k && b.y < b.sh {
		return
	}
	out := b.dst.Pix[(b.y-1)/b.k*b.dst.Stride:][:len(b.sums)]
	for dx := 0; dx < len(b.sums); dx += 4 {
		n := uint32(rows * min(b.k, b.sw-dx/4*b.k))
		for c := range 4 {
			out[dx+c] = uint8((b.sums[dx+c] + n/2) / n)
		}
	}
	clear(b.sums)
}

// addBlocks adds each run of k pixels of row to the next 4 sums (R, G, B,
// A), two pixels a word as halve does: a 16-bit lane holds the sum of up to
// 128 bytes, so k is at most 256.
func addBlocks(sums []uint32, row []byte, k int) {
	for s, o := 0, 0; s < len(row); o += 4 {
		e := min(s+4*k, len(row))
		var even, odd uint64 // R, B and G, A of even and odd pixels, in 16-bit lanes
		for ; s+8 <= e; s += 8 {
			w := binary.LittleEndian.Uint64(row[s : s+8])
			even += w & lanes
			odd += w >> 8 & lanes
		}
		if s < e { // an odd pixel at the end of the block
			w := uint64(binary.LittleEndian.Uint32(row[s : s+4]))
			even += w & lanes
			odd += w >> 8 & lanes
			s = e
		}
		q := sums[o : o+4 : o+4]
		q[0] += uint32(even&0xFFFF + even>>32&0xFFFF)
		q[1] += uint32(odd&0xFFFF + odd>>32&0xFFFF)
		q[2] += uint32(even>>16&0xFFFF + even>>48)
		q[3] += uint32(odd>>16&0xFFFF + odd>>48)
	}
}

// addRGBBlocks is addBlocks for opaque RGB pixels, 3 bytes each.
func addRGBBlocks(sums []uint32, row []byte, k int) {
	for s, o := 0, 0; s < len(row); o += 4 {
		e := min(s+3*k, len(row))
		var r, g, b uint32
		n := uint32(e-s) / 3
		for ; s < e; s += 3 {
			p := row[s : s+3 : s+3]
			r, g, b = r+uint32(p[0]), g+uint32(p[1]), b+uint32(p[2])
		}
		q := sums[o : o+4 : o+4]
		q[0], q[1], q[2], q[3] = q[0]+r, q[1]+g, q[2]+b, q[3]+255*n
	}
}
