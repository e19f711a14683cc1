package timeline

import "image"

// Hit is what lies under a point of a rendered picture.
type Hit struct {
	Run, Lane int
	Span      *Span // nil between bars
}

// At finds what is under pt, if it is in a lane.
func (l Layout) At(runs []Run, pt image.Point) (Hit, bool) {
	for ri, r := range runs {
		for li := range r.Lanes {
			if !pt.In(l.Lane(runs, ri, li)) {
				continue
			}
			h := Hit{Run: ri, Lane: li}
			spans := r.Lanes[li].Spans
			for si := range spans {
				s := &spans[si]
				if pt.X >= l.X(s.Start) && pt.X <= max(l.X(s.End), l.X(s.Start)+1) {
					h.Span = s
					break
				}
			}
			return h, true
		}
	}
	return Hit{}, false
}
