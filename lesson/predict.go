package lesson

import (
	"fmt"
	"strconv"
	"strings"
)

// ParsePrediction reads a participant's answer to a lesson's Question in
// unit: "1.5", "2×", "40%" (a percent is a fraction, and a "lost" answer
// above 1 is taken as a percent). It returns nil for an empty text.
func ParsePrediction(text, unit string) (*float64, error) {
	t := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(text), "×xX"))
	if t == "" {
		return nil, nil
	}
	pct := strings.HasSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64)
	if err != nil || !(v >= 0 && v <= 1e9) { // NaN too
		return nil, fmt.Errorf("%q is not a number (for example 1.5)", text)
	}
	if pct || (unit == "lost" && v > 1) {
		v /= 100
	}
	if unit == "lost" && v > 1 {
		return nil, fmt.Errorf("%q: at most all of them (100%%)", text)
	}
	return &v, nil
}
