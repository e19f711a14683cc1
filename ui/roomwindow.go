package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The room's board (who joined, the join line, the lesson's summary,
// charts and table) opens on a window of its own when the room starts,
// which the facilitator drags onto the projector, or makes full screen
// (F11) on a laptop mirrored to one: the room then sees only the room, at
// the presentation scale, while the main window keeps the buttons. Closing
// that window, or Bring it back here, puts the board on the tab (and keeps
// it there the next time); On its own window moves it out again.

// openBoard moves the board to a window of its own.
func (v *hostView) openBoard() {
	if v.win != nil {
		v.win.RequestFocus()
		return
	}
	w := v.newWindow("Concurrency Lab: the room")
	v.win, v.inTab = w, false
	back := widget.NewButtonWithIcon("Bring it back here", theme.ViewRestoreIcon(), v.bringBoard)
	note := wrapped("The room is on its own window: drag it onto the projector, then press F11 there for full screen (F11 or Esc again to leave it).")
	v.slot.Objects = []fyne.CanvasObject{container.NewVBox(note, container.NewHBox(back))}
	v.slot.Refresh()
	v.own.Disable()
	w.SetContent(v.board)
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch {
		case k.Name == fyne.KeyF11:
			w.SetFullScreen(!w.FullScreen())
		case k.Name == fyne.KeyEscape && w.FullScreen():
			w.SetFullScreen(false)
		}
	})
	w.SetOnClosed(func() {
		if v.win == w { // closed by its title bar: the board comes back
			v.win, v.inTab = nil, true
			v.placeBoard()
		}
	})
	w.Resize(fyne.NewSize(1280, 760))
	w.Show()
}

// bringBoard is Bring it back here: the board on the tab, for good.
func (v *hostView) bringBoard() {
	if v.win != nil {
		v.inTab = true
	}
	v.closeBoard()
}

// closeBoard puts the board back on the tab and closes its window.
func (v *hostView) closeBoard() {
	w := v.win
	if w == nil {
		return
	}
	v.win = nil
	w.SetContent(widget.NewLabel("")) // the board cannot be in two places
	v.placeBoard()
	w.Close()
}

// placeBoard shows the board on the tab again.
func (v *hostView) placeBoard() {
	v.slot.Objects = []fyne.CanvasObject{v.board}
	v.slot.Refresh()
	v.own.Enable()
}
