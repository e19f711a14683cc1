package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
)

// errorsView is the Errors tab: the items that failed, one line each, and
// the selected one in full. Its tab's title counts them.
type errorsView struct {
	errs     []jobs.ItemError
	list     *widget.List
	detail   *widget.Label // the selected failure in full
	empty    *widget.Label // over the empty list
	tab      *container.TabItem
	retitled func() // the tab's title changed: the tabs draw it again
}

// newErrorsView builds the Errors tab; retitled is called when its title
// changes.
func newErrorsView(retitled func()) *errorsView {
	v := &errorsView{retitled: retitled}
	// One line a failure, so rows never run into each other; the selected
	// one is spelled out in full below.
	v.detail = wrapped("Select a failure to read all of it.")
	v.list = widget.NewList(
		func() int { return len(v.errs) },
		func() fyne.CanvasObject {
			lbl := widget.NewLabel("")
			lbl.Truncation = fyne.TextTruncateEllipsis
			return lbl
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(errText(v.errs[id]))
		})
	v.list.OnSelected = func(id widget.ListItemID) { v.detail.SetText(errText(v.errs[id])) }
	v.empty = emptyNote("No failed items. An item that cannot be done (a broken file, a dead link, a worker that crashed) is listed here with the reason, and the run goes on.")
	v.tab = container.NewTabItem("Errors", container.NewBorder(nil, v.detail, nil, nil, container.NewStack(v.list, container.NewPadded(v.empty))))
	return v
}

func (v *errorsView) object() fyne.CanvasObject { return v.tab.Content }

// tabItem is the Errors tab, whose title counts the failures.
func (v *errorsView) tabItem() *container.TabItem { return v.tab }

// add lists more failed items.
func (v *errorsView) add(errs []jobs.ItemError) {
	if len(errs) == 0 {
		return
	}
	v.errs = append(v.errs, errs...)
	v.empty.Hide()
	v.list.Refresh()
	v.tab.Text = fmt.Sprintf("Errors (%d)", len(v.errs))
	v.retitled()
}

func errText(e jobs.ItemError) string {
	return fmt.Sprintf("%s — %s failed: %s", e.Name, e.Stage, e.Error)
}
