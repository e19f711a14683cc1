package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestFitsA1024x700Screen(t *testing.T) {
	l, _ := newTestLab(t)
	min := l.win.Content().MinSize()
	if min.Width > 1024 || min.Height > 700 {
		t.Fatalf("the window needs at least %v", min)
	}
	t.Logf("minimum content size %v", min)
}

func TestExitIfStuck(t *testing.T) {
	ended := make(chan struct{})
	close(ended)
	exitIfStuck(ended, time.Hour, func() { t.Error("exit called although the window ended") })

	called := make(chan struct{})
	go exitIfStuck(make(chan struct{}), 10*time.Millisecond, func() { close(called) })
	select {
	case <-called:
	case <-time.After(patience):
		t.Fatal("exit not called for a window that never ended")
	}
}

func TestNoStoppedHookToRaceFynesShutdown(t *testing.T) {
	a := test.NewTempApp(t)
	lc, ok := a.Lifecycle().(interface {
		SetOnStoppedHookExecuted(func())
		OnStopped() func()
	})
	if !ok {
		t.Fatalf("Fyne's lifecycle %T has no stopped hook to remove", a.Lifecycle())
	}
	lc.SetOnStoppedHookExecuted(func() {}) // as app.New does
	withoutStoppedHook(a)
	if lc.OnStopped() != nil {
		t.Fatal("a stopped hook is left for Fyne's shutdown to post")
	}
}

func TestLabThemeIsTheDefaultWithSquareCorners(t *testing.T) {
	lab, def := newLabTheme(), theme.DefaultTheme()
	for _, n := range []fyne.ThemeSizeName{theme.SizeNameInputRadius, theme.SizeNameSelectionRadius} {
		if lab.Size(n) != 0 || def.Size(n) == 0 {
			t.Errorf("%s: %v, default %v", n, lab.Size(n), def.Size(n))
		}
	}
	if lab.Size(theme.SizeNamePadding) != def.Size(theme.SizeNamePadding) {
		t.Error("other sizes differ from the default theme's")
	}
	// Light or dark as the system says: the variant reaches the default theme.
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		if lab.Color(theme.ColorNameBackground, v) != def.Color(theme.ColorNameBackground, v) {
			t.Errorf("variant %d: background %v, default %v", v, lab.Color(theme.ColorNameBackground, v), def.Color(theme.ColorNameBackground, v))
		}
	}
	if lab.Color(theme.ColorNameBackground, theme.VariantLight) == lab.Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Error("light and dark backgrounds are the same")
	}
}

// TestPresentationScale: a larger scale makes every size larger, is kept for
// the next launch, and at the largest the window still fits a 1366×768
// screen (less a title bar and a panel).
func TestPresentationScale(t *testing.T) {
	l, _ := newTestLab(t)
	base := theme.DefaultTheme().Size(theme.SizeNameText)
	l.Zoom(1)
	if l.scale != Scales[1] || l.app.Settings().Theme().Size(theme.SizeNameText) != base*Scales[1] {
		t.Fatalf("scale %v, text %v", l.scale, l.app.Settings().Theme().Size(theme.SizeNameText))
	}
	for range Scales {
		l.Zoom(1)
	}
	top := Scales[len(Scales)-1]
	if l.scale != top {
		t.Fatalf("scale %v after zooming past the top", l.scale)
	}
	// A 1366×768 screen less a desktop's top bar and the window's title bar.
	l.win.Resize(fyne.NewSize(1366, 768-64))
	min := l.win.Content().MinSize()
	if min.Width > 1366 || min.Height > 768-64 {
		t.Errorf("at %v× the window needs %v", top, min)
	}
	t.Logf("at %v× the content needs %v", top, min)
	if l2 := New(l.app, nil, l.do); l2.scale != top {
		t.Errorf("a new window starts at %v", l2.scale)
	}
	l.Zoom(0)
	if l.scale != 1 || l.app.Preferences().Float(prefScale) != 1 {
		t.Errorf("normal size: %v", l.scale)
	}
}
