package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"concurrencylab/jobs"
)

func TestSettingsPersist(t *testing.T) {
	a := test.NewTempApp(t)
	s := DefaultSettings()
	s.Images, s.Mode, s.Workers, s.Latency, s.Decoder = 7, jobs.Processes, 1, 400*time.Millisecond, "std"
	saveSettings(a.Preferences(), s)
	if got := loadSettings(a.Preferences()); got != s {
		t.Fatalf("loaded %+v, saved %+v", got, s)
	}
	a.Preferences().SetString(prefMode, "threads")
	if got := loadSettings(a.Preferences()); got != DefaultSettings() {
		t.Fatalf("bad preferences not replaced by defaults: %+v", got)
	}
}

func TestParseAutorun(t *testing.T) {
	plan, err := ParseAutorun("task=thumbnail,mode=processes,workers=2,images=24;mode=blocking", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 2 || plan[0].Mode != jobs.Processes || plan[0].Images != 24 || plan[1].Mode != jobs.Blocking || plan[1].Images != 24 {
		t.Fatalf("%+v", plan)
	}
	for _, bad := range []string{"", "task=resize", "mode=threads", "workers=0", "images=x", "colour=red", "task", "decoder=libjpeg",
		fmt.Sprintf("workers=%d", MaxWorkers()+1), "images=100000"} {
		if _, err := ParseAutorun(bad, DefaultSettings()); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestWorkersReachWhatDownloadsNeed: the slider goes to 64 workers (the
// IO lessons need 16 to 64), and shows what a run uses.
func TestWorkersReachWhatDownloadsNeed(t *testing.T) {
	l, _ := newTestLab(t)
	plan, err := ParseAutorun("task=download,mode=goroutines,workers=64", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	l.show(plan[0])
	if MaxWorkers() < 64 || l.ctl.workers.Value != 64 || l.ctl.workersLbl.Text != "64" || l.ctl.chosen.Workers != 64 {
		t.Fatalf("max %d; slider %v, label %q, chosen %d", MaxWorkers(), l.ctl.workers.Value, l.ctl.workersLbl.Text, l.ctl.chosen.Workers)
	}
}

// TestShortcutsWorkInTextFields: Ctrl+R runs and Ctrl+= zooms while the
// Images field has the focus; copy and paste stay the field's.
func TestShortcutsWorkInTextFields(t *testing.T) {
	l, q := newTestLab(t)
	ran := 0
	l.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}, func() { ran++ })
	l.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: fyne.KeyModifierShortcutDefault}, func() { l.Zoom(1) })
	l.win.Canvas().Focus(l.ctl.images)
	l.ctl.images.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault})
	l.ctl.images.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: fyne.KeyModifierShortcutDefault})
	if ran != 1 || l.scale != Scales[1] {
		t.Errorf("ran %d, scale %v", ran, l.scale)
	}
	l.ctl.images.SetText("48")
	l.ctl.images.TypedShortcut(&fyne.ShortcutSelectAll{})
	if l.ctl.images.SelectedText() != "48" {
		t.Errorf("select all in the field: %q", l.ctl.images.SelectedText())
	}
	_ = q
}

// TestAWrongImageCountDoesNotMoveRun: the field's message takes the line its
// hint keeps, so the Run button stays where it was.
func TestAWrongImageCountDoesNotMoveRun(t *testing.T) {
	l, _ := newTestLab(t)
	before := l.ctl.run.Position()
	test.Type(l.ctl.images, "x")
	l.ctl.images.Validate()
	l.win.Content().Refresh()
	if after := l.ctl.run.Position(); after != before || l.ctl.images.Validate() == nil {
		t.Errorf("Run moved from %v to %v", before, after)
	}
}
