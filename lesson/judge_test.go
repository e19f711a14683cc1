package lesson

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// The rules are pure functions of the figures: fed figures, they give the
// verdict without running anything.

func TestIORule(t *testing.T) {
	for _, c := range []struct {
		m    IOMeasured
		want bool
		why  string
	}{
		{IOMeasured{Workers: 8, SpeedupOneCore: 6.5, SpeedupGoroutine: 7.0, SpeedupProcesses: 6.0}, true, "Holds"},
		{IOMeasured{Workers: 8, SpeedupOneCore: 3.0, SpeedupGoroutine: 3.1, SpeedupProcesses: 3.0}, false, "only 3.00×"},
		{IOMeasured{Workers: 8, SpeedupOneCore: 5.0, SpeedupGoroutine: 7.5, SpeedupProcesses: 7.0}, false, "cores mattered"},
	} {
		if got, why := c.m.judge(2); got != c.want || !strings.Contains(why, c.why) {
			t.Errorf("%+v: %v %q", c.m, got, why)
		}
	}
}

func TestCPURuleDependsOnCores(t *testing.T) {
	if parallelFloor(2) != 1.6 || parallelFloor(8) != 5.2 {
		t.Errorf("floors %v %v", parallelFloor(2), parallelFloor(8))
	}
	for _, c := range []struct {
		m     CPUMeasured
		cores int
		want  bool
		why   string
	}{
		{cpuM(2, 1.0, 1.9, 1.8), 2, true, "Holds"},
		{cpuM(8, 1.0, 1.9, 1.8), 8, false, "under the 5.20×"},
		{cpuM(8, 1.02, 6.1, 6.4), 8, true, "Holds"},
		{cpuM(2, 1.4, 1.9, 1.8), 2, false, "1.40× faster"},
		{cpuM(2, 0.7, 1.9, 1.8), 2, false, "slower"},
		{cpuM(1, 1.0, 1.0, 0.9), 1, true, "one core"},
	} {
		if got, why := c.m.judge(c.cores); got != c.want || !strings.Contains(why, c.why) {
			t.Errorf("%+v on %d: %v %q", c.m, c.cores, got, why)
		}
	}
}

// cpuM is the cpu-bound lesson's figures on cores cores, each run with every
// core to itself, measured.
func cpuM(cores int, one, g, p float64) CPUMeasured {
	all := Share{Had: float64(cores), UpkeepKnown: true, OthersKnown: true}
	m := CPUMeasured{OneCoreWorkers: 2 * cores, Workers: cores, SpeedupOneCore: one, SpeedupGoroutine: g, SpeedupProcesses: p,
		ShareOneGoroutine: all, ShareOneCore: all, ShareGoroutines: all, ShareProcesses: all}
	m.setPossible()
	return m
}

// A verdict judges against the cores the work had, and names who had the
// rest only as measured.
func TestCPURuleCountsWhoHadTheCores(t *testing.T) {
	// The window drawing itself took 0.4 of a core during the parallel runs.
	m := cpuM(2, 1.0, 1.53, 1.52)
	for _, s := range []*Share{&m.ShareGoroutines, &m.ShareProcesses} {
		*s = Share{Had: 1.6, Upkeep: 0.4, UpkeepKnown: true, OthersKnown: true, Window: true}
	}
	m.setPossible()
	if ok, why := m.judge(2); !ok || !strings.Contains(why, "1.53× of the 1.60× possible") ||
		!strings.Contains(why, "the window used 0.4 of a core to draw itself, other programs next to nothing, so the work had 1.6 of 2 cores") {
		t.Errorf("the window's share: %v %q", ok, why)
	}
	// In a terminal, another program took a core's worth.
	m = cpuM(2, 1.0, 1.31, 1.3)
	for _, s := range []*Share{&m.ShareGoroutines, &m.ShareProcesses} {
		*s = Share{Had: 1.3, Upkeep: 0.02, UpkeepKnown: true, Others: 0.68, OthersKnown: true}
	}
	m.setPossible()
	if ok, why := m.judge(2); !ok || !strings.Contains(why, "other programs 0.7 of a core, so the work had 1.3 of 2 cores") {
		t.Errorf("another program's share: %v %q", ok, why)
	}
	// A busy machine leaves too little to judge.
	for _, s := range []*Share{&m.ShareGoroutines, &m.ShareProcesses} {
		*s = Share{Had: 1.1, Upkeep: 0.02, UpkeepKnown: true, Others: 0.88, OthersKnown: true}
	}
	m.setPossible()
	if ok, why := m.judge(2); ok || !strings.HasPrefix(why, "Cannot be judged here") {
		t.Errorf("a busy machine: %v %q", ok, why)
	}
	// A one-goroutine run starved of its core (measured here, under load 9:
	// it had 0.3 of a core, the parallel runs 0.5) makes every speed-up a
	// measure of how the machine was shared, not of parallelism.
	m = cpuM(2, 2.1, 1.81, 1.69)
	m.ShareOneGoroutine = Share{Had: 0.27, UpkeepKnown: true, Others: 1.72, OthersKnown: true}
	for _, s := range []*Share{&m.ShareOneCore, &m.ShareGoroutines, &m.ShareProcesses} {
		*s = Share{Had: 0.5, UpkeepKnown: true, Others: 1.5, OthersKnown: true}
	}
	m.setPossible()
	if ok, why := m.judge(2); ok || !strings.HasPrefix(why, "Cannot be judged here: during the one-goroutine run") || !strings.Contains(why, "other programs 1.7 cores") {
		t.Errorf("a starved baseline: %v %q", ok, why)
	}
	// Nothing measured took the cores: no program is blamed.
	m = cpuM(2, 1.0, 1.4, 1.45)
	if ok, why := m.judge(2); ok || strings.Contains(why, "Another program") || !strings.Contains(why, "Nothing else measurably took the cores") {
		t.Errorf("nothing taken: %v %q", ok, why)
	}
	// Not measured: not known, rather than blamed or cleared.
	for _, s := range []*Share{&m.ShareGoroutines, &m.ShareProcesses} {
		*s = Share{Had: 2, OthersWhy: "other programs' CPU time could not be measured on darwin"}
	}
	m.setPossible()
	if ok, why := m.judge(2); ok || !strings.Contains(why, "could not be measured on darwin") || !strings.Contains(why, "is not known here") {
		t.Errorf("not measured: %v %q", ok, why)
	}
}

func TestScalingRule(t *testing.T) {
	ws := sweep(2)
	if len(ws) != 5 || ws[4] != 16 || sweepTop(8) != 32 {
		t.Fatalf("sweep %v, top for 8 cores %d", ws, sweepTop(8))
	}
	mk := func(d, th []float64) ScalingMeasured {
		m := ScalingMeasured{Workers: ws, Download: map[string]float64{}, Thumbnail: map[string]float64{}}
		for i, w := range []string{"1", "2", "4", "8", "16"} {
			m.Download[w], m.Thumbnail[w] = d[i], th[i]
		}
		return m
	}
	good := []float64{1, 2, 3.9, 7.6, 14}
	for _, c := range []struct {
		m    ScalingMeasured
		want bool
		why  string
	}{
		{mk(good, []float64{1, 1.8, 1.8, 1.9, 1.8}), true, "Holds"},
		{mk([]float64{1, 2, 2.5, 2.6, 2.6}, []float64{1, 1.8, 1.8, 1.9, 1.8}), false, "network was the limit"},
		{mk(good, []float64{1, 1.2, 1.2, 1.2, 1.2}), false, "only 1.20×"},
		{mk(good, []float64{1, 1.8, 2.5, 2.5, 2.5}), false, "past the core count"},
	} {
		if got, why := c.m.judge(2); got != c.want || !strings.Contains(why, c.why) {
			t.Errorf("%v: %v %q", c.m.Thumbnail, got, why)
		}
	}
	// On six cores the sweep tries six goroutines too, where thumbnails are judged.
	six := ScalingMeasured{Workers: sweep(6), Download: map[string]float64{}, Thumbnail: map[string]float64{}}
	if fmt.Sprint(six.Workers) != "[1 2 4 6 8 16 32]" {
		t.Fatalf("sweep for 6 cores: %v", six.Workers)
	}
	for _, w := range six.Workers {
		k := strconv.Itoa(w)
		six.Download[k], six.Thumbnail[k] = 0.9*float64(w), 0.9*float64(min(w, 6))
	}
	if holds, why := six.judge(6); !holds {
		t.Errorf("six cores, ideal figures: %q", why)
	}
}

func TestRaceRule(t *testing.T) {
	ok := RaceMeasured{Goroutines: 4, Increments: 10, Expected: 40, Unsynchronized: 25, Mutex: 40, Atomic: 40, Sharded: 40,
		Processes: 2, ProcessesParent: 0, ProcessesSentBack: 40, Seconds: map[string]float64{"mutex": 2, "atomic": 1, "sharded": 0.5}, TightExact: true}
	if holds, why := ok.judge(2); !holds || !strings.Contains(why, "15 of 40") || !strings.Contains(why, "slowest") {
		t.Errorf("%v %q", holds, why)
	}
	for _, bad := range []func(*RaceMeasured){
		func(m *RaceMeasured) { m.Unsynchronized = 40 },
		func(m *RaceMeasured) { m.Mutex = 39 },
		func(m *RaceMeasured) { m.ProcessesParent = 40 },
		func(m *RaceMeasured) { m.ProcessesSentBack = 20 },
		func(m *RaceMeasured) { m.TightExact = false },
	} {
		m := ok
		bad(&m)
		if holds, _ := m.judge(2); holds {
			t.Errorf("%+v holds", m)
		}
	}
}

func TestStartupRule(t *testing.T) {
	m := StartupMeasured{GoroutineStartUS: 0.5, ProcessStartMS: 5, TinyItems: 60, TinyGoroutines: 1.7, TinyProcesses: 0.8}
	if holds, why := m.judge(2); !holds || !strings.Contains(why, "10000 times") {
		t.Errorf("%v %q", holds, why)
	}
	m.TinyProcesses = 1.9
	if holds, _ := m.judge(2); holds {
		t.Error("processes faster than goroutines on tiny items holds")
	}
	m = StartupMeasured{GoroutineStartUS: 100, ProcessStartMS: 5}
	if holds, _ := m.judge(2); holds {
		t.Error("a process start of 50 goroutine starts holds")
	}
}

func TestIsolationRule(t *testing.T) {
	ok := IsolationMeasured{Items: 9, OKItems: 8, KilledFailedItems: 1, KilledPIDs: []int{42}, Replaced: true,
		PanicExitCode: 2, PanicMessage: "panic: boom", ParentAlive: true}
	if holds, why := ok.judge(2); !holds || !strings.Contains(why, "8 of 9") {
		t.Errorf("%v %q", holds, why)
	}
	for _, bad := range []func(*IsolationMeasured){
		func(m *IsolationMeasured) { m.KilledPIDs = nil },
		func(m *IsolationMeasured) { m.OKItems = 5 },
		func(m *IsolationMeasured) { m.Replaced = false },
		func(m *IsolationMeasured) { m.PanicExitCode = 0 },
		func(m *IsolationMeasured) { m.ParentAlive = false },
	} {
		m := ok
		bad(&m)
		if holds, _ := m.judge(2); holds {
			t.Errorf("%+v holds", m)
		}
	}
}

func TestPipelineRule(t *testing.T) {
	ok := PipelineMeasured{Workers: 2, QueueCapacity: 4, MaxQueueDepth: 4, ProducerWait: 3, ConsumerWait: 0.2, UnboundedMaxDepth: 20}
	if holds, why := ok.judge(2); !holds || !strings.Contains(why, "grew to 20") {
		t.Errorf("%v %q", holds, why)
	}
	for _, bad := range []func(*PipelineMeasured){
		func(m *PipelineMeasured) { m.MaxQueueDepth = 5 },
		func(m *PipelineMeasured) { m.ProducerWait = 0.1 },
		func(m *PipelineMeasured) { m.UnboundedMaxDepth = 3 },
	} {
		m := ok
		bad(&m)
		if holds, _ := m.judge(2); holds {
			t.Errorf("%+v holds", m)
		}
	}
}

func TestFigures(t *testing.T) {
	f := Figures(ScalingMeasured{Workers: []int{1, 2, 16}, Download: map[string]float64{"16": 12, "2": 1.96, "1": 1}})
	if len(f) != 3 || f[0] != [2]string{"workers", "1 2 16"} || f[1][1] != "1: 1.00, 2: 1.96, 16: 12.00" {
		t.Errorf("figures %q", f)
	}
}

// Describe says figures as a learner reads them, from the labels and units
// on the fields, and keeps their JSON keys beside.
func TestDescribe(t *testing.T) {
	figs := Describe(RaceMeasured{Goroutines: 4, Increments: 250_000, Expected: 1_000_000, Unsynchronized: 270_148,
		Seconds: map[string]float64{"mutex": 0.512, "atomic": 0.208}, TightExact: true})
	want := map[string][2]string{
		"unsynchronized":  {"without a lock", "270,148 of 1,000,000"},
		"increments_each": {"additions by each goroutine", "250,000"},
		"seconds":         {"time each way took (10× the additions, in tight loops)", "atomic: 0.208 s, mutex: 0.512 s"},
		"tight_exact":     {"the fixes exact in tight loops too", "yes"},
	}
	for _, f := range figs {
		if w, ok := want[f.Key]; ok {
			if f.Label != w[0] || f.Text != w[1] {
				t.Errorf("%s: %q %q, want %q", f.Key, f.Label, f.Text, w)
			}
			delete(want, f.Key)
		}
		if f.Key == "unsynchronized" && f.Raw != "270148" {
			t.Errorf("raw %q", f.Raw)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing %v in %+v", want, figs)
	}
	for in, out := range map[string]string{"999": "999", "1000": "1,000", "-1234.5": "-1,234.5", "1234567.25": "1,234,567.25"} {
		if got := thousands(in); got != out {
			t.Errorf("thousands(%q) = %q", in, got)
		}
	}
	// Groups, absent groups, and shares that say themselves.
	type group struct {
		Speedup float64 `json:"speedup" label:"goroutines" unit:"×"`
	}
	type withGroups struct {
		Go     group  `json:"go" label:"Go"`
		Python *group `json:"python" label:"Python" none:"not found"`
		Share  Share  `json:"share" label:"the goroutines had"`
		Series []int  `json:"series" label:"-"`
	}
	figs = Describe(withGroups{Go: group{1.9}, Share: Share{Had: 1.6, Upkeep: 0.4, UpkeepKnown: true, OthersKnown: true, Window: true}})
	got := fmt.Sprint(figs)
	for _, w := range []string{"{go.speedup Go, goroutines 1.90× 1.90}", "{python Python not found none}",
		"the goroutines had 1.6 cores (the window 0.4 of a core, other programs next to nothing)"} {
		if !strings.Contains(got, w) {
			t.Errorf("no %q in %s", w, got)
		}
	}
	for _, f := range Describe(IsolationMeasured{Items: 9, OKItems: 8, KilledFailedItems: 1, KilledPIDs: []int{26456}}) {
		if (f.Key == "killed_pids" && f.Text != "26456") || (f.Key == "killed_worker_failed_items" && f.Text != "1 item") {
			t.Errorf("%s: %q", f.Key, f.Text)
		}
	}
	if strings.Contains(got, "series") {
		t.Errorf("a figure labelled - is listed: %s", got)
	}
}

func TestFreezeRule(t *testing.T) {
	ok := FreezeMeasured{Items: 6, BlockingSeconds: 1.2, FrozenSeconds: 1.19, GoroutinesSeconds: 0.7, GoroutinesMaxLagMs: 12}
	if holds, why := ok.judge(2); !holds || !strings.Contains(why, "froze the window for 1.2 s") {
		t.Errorf("%v %q", holds, why)
	}
	for _, bad := range []func(*FreezeMeasured){
		func(m *FreezeMeasured) { m.FrozenSeconds = 0.3 },
		func(m *FreezeMeasured) { m.GoroutinesMaxLagMs = 400 },
	} {
		m := ok
		bad(&m)
		if holds, _ := m.judge(2); holds {
			t.Errorf("%+v holds", m)
		}
	}
}
