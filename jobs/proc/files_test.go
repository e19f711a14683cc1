package proc

import (
	"slices"
	"testing"
)

func TestFileNumbersRoundTrip(t *testing.T) {
	for _, nums := range [][]uintptr{{3, 4}, {3}, {0x1a4, 0x1b0, 0x7ffffffe}} {
		got, err := parseFiles(formatFiles(nums))
		if err != nil || !slices.Equal(got, nums) {
			t.Errorf("%v → %q → %v, %v", nums, formatFiles(nums), got, err)
		}
	}
	for _, bad := range []string{"", "3,,4", "x", "3,-4"} {
		if _, err := parseFiles(bad); err == nil {
			t.Errorf("parseFiles(%q) took it", bad)
		}
	}
}
