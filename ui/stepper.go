package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/lesson"
)

// stepperView is "be the scheduler" in the race lesson: the learner clicks
// which goroutine takes the next step of counter++ and watches an update
// get lost, then turns the lock on and sees it refuse the interleaving.
type stepperView struct {
	box     *fyne.Container
	lock    *widget.Check
	code    [2]*widget.Label
	reg     [2]*widget.Label
	step    [2]*widget.Button
	counter *widget.Label
	msg     *widget.Label
	s       *lesson.Stepper
}

// stepperTimes is how many times each goroutine does counter++.
const stepperTimes = 2

func newStepperView() *stepperView {
	v := &stepperView{}
	head := widget.NewLabelWithStyle("Be the scheduler", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel("Two goroutines each run counter++ twice, which the machine does in three steps. " +
		"You decide who takes the next step, as Go's scheduler (or the operating system) would. Can you lose an update? Then turn the lock on and try again.")
	intro.Wrapping = fyne.TextWrapWord
	v.lock = widget.NewCheck("with a lock (mu.Lock() … mu.Unlock())", func(bool) { v.reset() })
	cols := make([]fyne.CanvasObject, 2)
	for g := range 2 {
		v.code[g] = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		v.reg[g] = widget.NewLabel("")
		v.step[g] = widget.NewButton(fmt.Sprintf("Step %c", 'A'+g), func() { v.s.Step(g); v.show() })
		name := widget.NewLabelWithStyle(fmt.Sprintf("goroutine %c", 'A'+g), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		cols[g] = container.NewVBox(name, v.code[g], v.reg[g], v.step[g])
	}
	v.counter = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.msg = widget.NewLabel("")
	v.msg.Wrapping = fyne.TextWrapWord
	again := widget.NewButtonWithIcon("Start over", theme.ViewRefreshIcon(), v.reset)
	v.box = container.NewVBox(widget.NewSeparator(), head, intro, v.lock, container.NewGridWithColumns(2, cols...),
		v.counter, v.msg, container.NewHBox(again))
	v.reset()
	return v
}

func (v *stepperView) reset() {
	v.s = lesson.NewStepper(v.lock.Checked, stepperTimes)
	v.show()
}

// show draws the stepper's state: each goroutine's program with its next
// step marked, its register, the counter, and what the last step did.
func (v *stepperView) show() {
	prog := v.s.Program()
	for g := range 2 {
		var b strings.Builder
		for i, line := range prog {
			mark := "  "
			if i == v.s.G[g].PC {
				mark = "▶ "
			}
			b.WriteString(mark + line + "\n")
		}
		if v.s.Done(g) {
			b.WriteString("▶ (finished)")
		}
		v.code[g].SetText(strings.TrimRight(b.String(), "\n"))
		v.reg[g].SetText(fmt.Sprintf("its tmp: %d", v.s.G[g].Tmp))
		if v.s.Done(g) {
			v.step[g].Disable()
		} else {
			v.step[g].Enable()
		}
	}
	holder := ""
	if v.s.Holder >= 0 {
		holder = fmt.Sprintf(" · the lock is held by %s", v.s.G[v.s.Holder].Name)
	}
	v.counter.SetText(fmt.Sprintf("counter = %d (expected at the end: %d)%s", v.s.Counter, v.s.Expected(), holder))
	v.msg.SetText(v.s.Last)
}
