package proc

import (
	"os"
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

func TestInheritedFilesOpensThemAndTakesTheVariable(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	t.Setenv(EnvFiles, formatFiles([]uintptr{r.Fd(), w.Fd()}))
	files, err := InheritedFiles("requests", "responses")
	if err != nil || len(files) != 2 || files[0].Name() != "requests" {
		t.Fatalf("InheritedFiles: %v, %v", files, err)
	}
	if v, set := os.LookupEnv(EnvFiles); set {
		t.Fatalf("%s still set (%q): a child would take its numbers", EnvFiles, v)
	}
	if _, err := InheritedFiles("requests", "responses"); err == nil {
		t.Fatal("a second call found files")
	}
}
