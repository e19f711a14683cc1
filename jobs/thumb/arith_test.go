package thumb

import (
	"image"
	"math"
)

// arithJPEG encodes a grey picture as a sequential JPEG with arithmetic
// coding (SOF9), which Go's image/jpeg refuses ("unknown marker") and
// libjpeg-turbo decodes: the QM coder of ITU T.81 Annex D with the
// decisions of F.1.4, as libjpeg-turbo's jcarith.c makes them (arith_encode,
// encode_mcu, finish_pass), default conditioning (no DAC segment) and a flat
// quantisation table of q. TurboJPEG 2.1 has no way to ask for arithmetic
// coding, and a test should not need cjpeg.
func arithJPEG(img *image.Gray, q int) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := []byte{0xFF, 0xD8, 0xFF, 0xDB, 0, 67, 0} // SOI; DQT: 8-bit table 0
	for range 64 {
		out = append(out, byte(q))
	}
	out = append(out, 0xFF, 0xC9, 0, 11, 8, byte(h>>8), byte(h), byte(w>>8), byte(w), 1, 1, 0x11, 0) // SOF9: one component
	out = append(out, 0xFF, 0xDA, 0, 8, 1, 1, 0x00, 0, 63, 0)                                        // SOS: all 64 coefficients
	e := &arithCoder{qm: qmCoder{a: 0x10000, ct: 11, buffer: -1}, fixed: 113}
	for by := 0; by < h; by += 8 {
		for bx := 0; bx < w; bx += 8 {
			e.block(dctBlock(img, b.Min.X+bx, b.Min.Y+by, q))
		}
	}
	e.qm.finish()
	return append(append(out, e.qm.out...), 0xFF, 0xD9)
}

// dctBlock is the 8×8 block at x, y (edge pixels repeated past the
// picture), level-shifted, transformed and quantised by q, in natural order.
func dctBlock(img *image.Gray, x, y, q int) *[64]int {
	b := img.Bounds()
	var px [8][8]float64
	for j := range 8 {
		for i := range 8 {
			px[j][i] = float64(img.GrayAt(min(x+i, b.Max.X-1), min(y+j, b.Max.Y-1)).Y) - 128
		}
	}
	var coef [64]int
	for v := range 8 {
		for u := range 8 {
			s := 0.0
			for j := range 8 {
				for i := range 8 {
					s += px[j][i] * math.Cos(float64(2*i+1)*float64(u)*math.Pi/16) * math.Cos(float64(2*j+1)*float64(v)*math.Pi/16)
				}
			}
			cu, cv := 1.0, 1.0
			if u == 0 {
				cu = math.Sqrt2 / 2
			}
			if v == 0 {
				cv = math.Sqrt2 / 2
			}
			coef[v*8+u] = int(math.Round(s * cu * cv / 4 / float64(q)))
		}
	}
	return &coef
}

// zigzag[k] is the natural position of the k'th coefficient in zigzag order.
var zigzag = [64]int{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// arithCoder codes the blocks of one component (encode_mcu), its
// statistics bins adapting as it goes.
type arithCoder struct {
	qm                qmCoder
	dc                [64]byte
	ac                [256]byte
	fixed             byte // the bin of probability one half (state 113)
	lastDC, dcContext int
}

// Default conditioning: DC bounds L = 0 and U = 1, AC bound K = 5.
const arithDCU, arithACK = 1, 5

func (e *arithCoder) block(coef *[64]int) {
	qm := &e.qm
	// DC: the difference from the last block's (F.1.4.1, F.1.4.4.1).
	st := e.dcContext
	if v := coef[0] - e.lastDC; v == 0 {
		qm.encode(&e.dc[st], 0)
		e.dcContext = 0
	} else {
		e.lastDC = coef[0]
		qm.encode(&e.dc[st], 1)
		if v > 0 {
			qm.encode(&e.dc[st+1], 0)
			st += 2
			e.dcContext = 4
		} else {
			v = -v
			qm.encode(&e.dc[st+1], 1)
			st += 3
			e.dcContext = 8
		}
		m := e.magnitude(e.dc[:], st, 20, v-1, false)
		if m > 1<<arithDCU>>1 { // with L = 0 the small category is never chosen
			e.dcContext += 8
		}
	}
	// AC: F.1.4.2, with the end of block after the last non-zero one.
	ke := 63
	for ke > 0 && coef[zigzag[ke]] == 0 {
		ke--
	}
	k := 1
	for ; k <= ke; k++ {
		st := 3 * (k - 1)
		qm.encode(&e.ac[st], 0) // not the end of the block
		for coef[zigzag[k]] == 0 {
			qm.encode(&e.ac[st+1], 0)
			st += 3
			k++
		}
		qm.encode(&e.ac[st+1], 1)
		v := coef[zigzag[k]]
		if v > 0 {
			qm.encode(&e.fixed, 0)
		} else {
			v = -v
			qm.encode(&e.fixed, 1)
		}
		x := 189
		if k > arithACK {
			x = 217
		}
		e.magnitude(e.ac[:], st+2, x, v-1, true)
	}
	if k <= 63 {
		qm.encode(&e.ac[3*(k-1)], 1) // the end of the block
	}
}

// magnitude codes v, a magnitude less one, from bin st of stats (F.1.4.3:
// its category, then its bits below the top one); categories past the
// first go on at bin x (past the second for AC, twoFirst). It returns the
// category's top bit.
func (e *arithCoder) magnitude(stats []byte, st, x, v int, twoFirst bool) int {
	qm := &e.qm
	m := 0
	if v != 0 {
		qm.encode(&stats[st], 1)
		m = 1
		v2 := v >> 1
		if twoFirst && v2 != 0 {
			qm.encode(&stats[st], 1)
			m <<= 1
			v2 >>= 1
		}
		if !twoFirst || m > 1 {
			for st = x; v2 != 0; v2 >>= 1 {
				qm.encode(&stats[st], 1)
				m <<= 1
				st++
			}
		}
	}
	qm.encode(&stats[st], 0)
	top := m
	for st += 14; m > 1; {
		m >>= 1
		bit := 0
		if m&v != 0 {
			bit = 1
		}
		qm.encode(&stats[st], bit)
	}
	return top
}

// qmCoder is the arithmetic coder's registers (D.1.3) and its output.
type qmCoder struct {
	out        []byte
	c, a       int64
	sc, zc, ct int
	buffer     int // the last byte not yet written, or -1
}

// encode codes the decision val with the statistics bin st (D.1.4, D.1.5)
// and renormalises (D.1.6).
func (e *qmCoder) encode(st *byte, val int) {
	sv := int(*st)
	t := qeTable[sv&0x7F]
	qe := int64(t[0])
	e.a -= qe
	if val != sv>>7 { // the less probable symbol
		if e.a >= qe {
			e.c += e.a
			e.a = qe
		}
		*st = byte(sv&0x80 ^ (t[3]<<7 | t[1]))
	} else {
		if e.a >= 0x8000 {
			return
		}
		if e.a < qe {
			e.c += e.a
			e.a = qe
		}
		*st = byte(sv&0x80 ^ t[2])
	}
	for e.a < 0x8000 {
		e.a <<= 1
		e.c <<= 1
		if e.ct--; e.ct == 0 {
			switch temp := e.c >> 19; {
			case temp > 0xFF:
				e.carry()
				e.buffer = int(temp & 0xFF)
			case temp == 0xFF:
				e.sc++
			default:
				e.flush()
				e.buffer = int(temp)
			}
			e.c &= 0x7FFFF
			e.ct += 8
		}
	}
}

func (e *qmCoder) emit(b int) {
	e.out = append(e.out, byte(b))
	if b == 0xFF {
		e.out = append(e.out, 0) // stuffed
	}
}

func (e *qmCoder) zeros() {
	for ; e.zc > 0; e.zc-- {
		e.out = append(e.out, 0)
	}
}

// carry adds a carry to the buffered byte; the stacked 0xFF bytes become
// 0x00 bytes.
func (e *qmCoder) carry() {
	if e.buffer >= 0 {
		e.zeros()
		e.emit(e.buffer + 1)
	}
	e.zc += e.sc
	e.sc = 0
}

// flush writes the buffered byte and the stacked 0xFF bytes, which no
// carry can reach any more; zero bytes wait, as the end may drop them.
func (e *qmCoder) flush() {
	if e.buffer == 0 {
		e.zc++
	} else if e.buffer >= 0 {
		e.zeros()
		e.emit(e.buffer)
	}
	if e.sc > 0 {
		e.zeros()
		for ; e.sc > 0; e.sc-- {
			e.emit(0xFF)
		}
	}
}

// finish ends the code (D.1.8), writing the fewest bytes that identify it.
func (e *qmCoder) finish() {
	if temp := (e.a - 1 + e.c) & 0xFFFF0000; temp < e.c {
		e.c = temp + 0x8000
	} else {
		e.c = temp
	}
	e.c <<= e.ct
	if e.c&0xF8000000 != 0 {
		e.carry()
	} else {
		e.flush()
	}
	if e.c&0x7FFF800 != 0 {
		e.zeros()
		e.emit(int(e.c>>19) & 0xFF)
		if e.c&0x7F800 != 0 {
			e.emit(int(e.c>>11) & 0xFF)
		}
	}
}

// qeTable is T.81's Table D.2: for each state, Qe, the next state after a
// less and after a more probable symbol, and whether the less probable
// one switches the more probable symbol. The last state, 113, is the fixed
// estimate of one half (T.851).
var qeTable = [114][4]int{
	{0x5a1d, 1, 1, 1}, {0x2586, 14, 2, 0}, {0x1114, 16, 3, 0}, {0x080b, 18, 4, 0}, {0x03d8, 20, 5, 0},
	{0x01da, 23, 6, 0}, {0x00e5, 25, 7, 0}, {0x006f, 28, 8, 0}, {0x0036, 30, 9, 0}, {0x001a, 33, 10, 0},
	{0x000d, 35, 11, 0}, {0x0006, 9, 12, 0}, {0x0003, 10, 13, 0}, {0x0001, 12, 13, 0}, {0x5a7f, 15, 15, 1},
	{0x3f25, 36, 16, 0}, {0x2cf2, 38, 17, 0}, {0x207c, 39, 18, 0}, {0x17b9, 40, 19, 0}, {0x1182, 42, 20, 0},
	{0x0cef, 43, 21, 0}, {0x09a1, 45, 22, 0}, {0x072f, 46, 23, 0}, {0x055c, 48, 24, 0}, {0x0406, 49, 25, 0},
	{0x0303, 51, 26, 0}, {0x0240, 52, 27, 0}, {0x01b1, 54, 28, 0}, {0x0144, 56, 29, 0}, {0x00f5, 57, 30, 0},
	{0x00b7, 59, 31, 0}, {0x008a, 60, 32, 0}, {0x0068, 62, 33, 0}, {0x004e, 63, 34, 0}, {0x003b, 32, 35, 0},
	{0x002c, 33, 9, 0}, {0x5ae1, 37, 37, 1}, {0x484c, 64, 38, 0}, {0x3a0d, 65, 39, 0}, {0x2ef1, 67, 40, 0},
	{0x261f, 68, 41, 0}, {0x1f33, 69, 42, 0}, {0x19a8, 70, 43, 0}, {0x1518, 72, 44, 0}, {0x1177, 73, 45, 0},
	{0x0e74, 74, 46, 0}, {0x0bfb, 75, 47, 0}, {0x09f8, 77, 48, 0}, {0x0861, 78, 49, 0}, {0x0706, 79, 50, 0},
	{0x05cd, 48, 51, 0}, {0x04de, 50, 52, 0}, {0x040f, 50, 53, 0}, {0x0363, 51, 54, 0}, {0x02d4, 52, 55, 0},
	{0x025c, 53, 56, 0}, {0x01f8, 54, 57, 0}, {0x01a4, 55, 58, 0}, {0x0160, 56, 59, 0}, {0x0125, 57, 60, 0},
	{0x00f6, 58, 61, 0}, {0x00cb, 59, 62, 0}, {0x00ab, 61, 63, 0}, {0x008f, 61, 32, 0}, {0x5b12, 65, 65, 1},
	{0x4d04, 80, 66, 0}, {0x412c, 81, 67, 0}, {0x37d8, 82, 68, 0}, {0x2fe8, 83, 69, 0}, {0x293c, 84, 70, 0},
	{0x2379, 86, 71, 0}, {0x1edf, 87, 72, 0}, {0x1aa9, 87, 73, 0}, {0x174e, 72, 74, 0}, {0x1424, 72, 75, 0},
	{0x119c, 74, 76, 0}, {0x0f6b, 74, 77, 0}, {0x0d51, 75, 78, 0}, {0x0bb6, 77, 79, 0}, {0x0a40, 77, 48, 0},
	{0x5832, 80, 81, 1}, {0x4d1c, 88, 82, 0}, {0x438e, 89, 83, 0}, {0x3bdd, 90, 84, 0}, {0x34ee, 91, 85, 0},
	{0x2eae, 92, 86, 0}, {0x299a, 93, 87, 0}, {0x2516, 86, 71, 0}, {0x5570, 88, 89, 1}, {0x4ca9, 95, 90, 0},
	{0x44d9, 96, 91, 0}, {0x3e22, 97, 92, 0}, {0x3824, 99, 93, 0}, {0x32b4, 99, 94, 0}, {0x2e17, 93, 86, 0},
	{0x56a8, 95, 96, 1}, {0x4f46, 101, 97, 0}, {0x47e5, 102, 98, 0}, {0x41cf, 103, 99, 0}, {0x3c3d, 104, 100, 0},
	{0x375e, 99, 93, 0}, {0x5231, 105, 102, 0}, {0x4c0f, 106, 103, 0}, {0x4639, 107, 104, 0},
	{0x415e, 103, 99, 0}, {0x5627, 105, 106, 1}, {0x50e7, 108, 107, 0}, {0x4b85, 109, 103, 0},
	{0x5597, 110, 109, 0}, {0x504f, 111, 107, 0}, {0x5a10, 110, 111, 1}, {0x5522, 112, 109, 0},
	{0x59eb, 112, 111, 1}, {0x5a1d, 113, 113, 0},
}
