package results

import (
	"testing"

	"concurrencylab/jobs"
)

func TestSetSpeedups(t *testing.T) {
	rs := []jobs.Result{
		{Task: jobs.Thumbnail, Mode: jobs.Sequential, WallSeconds: 4},
		{Task: jobs.Thumbnail, Mode: jobs.Goroutines, WallSeconds: 2},
		{Task: jobs.Download, Mode: jobs.Goroutines, WallSeconds: 1},
		{Task: jobs.Thumbnail, Mode: jobs.Goroutines, WallSeconds: 1, Decoder: "fast"}, // no fast baseline
	}
	SetSpeedups(rs)
	if *rs[0].Speedup != 1 || *rs[1].Speedup != 2 || rs[2].Speedup != nil || rs[3].Speedup != nil {
		t.Fatalf("%v %v %v %v", rs[0].Speedup, rs[1].Speedup, rs[2].Speedup, rs[3].Speedup)
	}
}

func TestBaseline(t *testing.T) {
	r := jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 4, Items: 48, Decoder: "fast"}
	for _, c := range []struct {
		name string
		b    jobs.Result
		want bool
	}{
		{"one goroutine", jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, Items: 48, Decoder: "fast"}, true},
		{"blocking", jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Blocking, Workers: 1, Items: 48, Decoder: "fast"}, true},
		{"a goroutine pool of one", jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 1, Items: 48, Decoder: "fast"}, true},
		{"a process pool of one", jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Processes, Workers: 1, Items: 48, Decoder: "fast"}, false},
		{"other items", jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, Items: 24, Decoder: "fast"}, false},
		{"other decoder", jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, Items: 48, Decoder: "std"}, false},
		{"other task", jobs.Result{Task: jobs.Pipeline, Mode: jobs.Sequential, Workers: 1, Items: 48, Decoder: "fast"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := IsBaseline(c.b, r); got != c.want {
				t.Errorf("IsBaseline = %v, want %v", got, c.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		r    jobs.Result
		want string
	}{
		{jobs.Result{Mode: jobs.Sequential, Workers: 1, Cores: 1}, "one goroutine (sequential)"},
		{jobs.Result{Mode: jobs.Goroutines, Workers: 8, Cores: 1}, "8 goroutines on 1 core"},
		{jobs.Result{Mode: jobs.Goroutines, Workers: 1, Cores: 1}, "1 goroutine on 1 core"},
		{jobs.Result{Mode: jobs.Processes, Workers: 2, Cores: 2}, "2 processes"},
		{jobs.Result{Mode: jobs.Cluster, Workers: 2, ClusterStats: jobs.ClusterStats{Joined: 3}}, "3 cluster workers (2 started here)"},
	} {
		if got := Name(c.r); got != c.want {
			t.Errorf("Name(%+v) = %q, want %q", c.r, got, c.want)
		}
	}
	spec := jobs.Spec{Task: jobs.Thumbnail, Mode: jobs.Processes, Workers: 2, Decoder: "fast"}
	if got, want := Title(spec), "thumbnail, 2 processes, fast decoder"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
}
