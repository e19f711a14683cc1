package lesson

import "testing"

func TestParsePrediction(t *testing.T) {
	for _, tc := range []struct {
		text, unit string
		want       float64
		none, bad  bool
	}{
		{"1.5", "×", 1.5, false, false},
		{" 2× ", "×", 2, false, false},
		{"40%", "lost", 0.4, false, false},
		{"40", "lost", 0.4, false, false},
		{"0.25", "lost", 0.25, false, false},
		{"", "×", 0, true, false},
		{"fast", "×", 0, false, true},
		{"-1", "×", 0, false, true},
		{"NaN", "×", 0, false, true},
		{"500", "lost", 0, false, true},
	} {
		p, err := ParsePrediction(tc.text, tc.unit)
		switch {
		case tc.bad:
			if err == nil {
				t.Errorf("%q: no error", tc.text)
			}
		case tc.none:
			if p != nil || err != nil {
				t.Errorf("%q: %v %v", tc.text, p, err)
			}
		case err != nil || p == nil || *p != tc.want:
			t.Errorf("%q: %v %v, want %v", tc.text, p, err, tc.want)
		}
	}
}
