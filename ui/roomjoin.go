package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/lesson"
	"concurrencylab/room"
)

// Preferences that keep a participant's room between launches.
const (
	prefRoomURL   = "room.url"
	prefRoomToken = "room.token"
	prefRoomName  = "room.name"
)

// joinView is the participant's side of a workshop room, under the Lessons
// tab: a status line, and a form to join (paste the line the facilitator
// shows, or fill in the address, token and a name). Joined, every lesson's
// outcome, with the prediction made for it, goes to the room (see send);
// one the room cannot take now is kept on disk and sent when it is back,
// and the status line says how many wait.
type joinView struct {
	box    *fyne.Container
	status *widget.Label
	open   *widget.Button // Join a room…
	leave  *widget.Button
	form   *fyne.Container // in a dialog while Join a room… is open (inline without a window)
	note   *widget.Label   // on the form: joining, or why not
	dlg    dialog.Dialog   // the form's, while open
	win    fyne.Window     // nil in some tests
	line   *fieldEntry     // the whole join line, pasted
	addr   *fieldEntry
	token  *fieldEntry
	name   *fieldEntry
	join   *widget.Button
	cancel *widget.Button

	prefs fyne.Preferences // nil in some tests
	bg    background
	// options are where the client keeps its id and outbox ("": the
	// user's folders; tests give their own).
	options room.ClientOptions

	client  *room.Client // the UI goroutine's: nil when not in a room
	sent    int          // outcomes stored by the room this session
	lastErr string       // the last send's problem, if the room refused it

	// A client dialled but not shown yet, for close to stop if that frame
	// never comes.
	pending handoff[*room.Client]
}

// newJoinView builds the panel; win is where the form opens (a dialog, so
// that it does not make the window taller: nil puts it under the status),
// shortcut is the window's (the fields hand them on), bg where dialling and
// sending happen, off the UI goroutine.
func newJoinView(win fyne.Window, prefs fyne.Preferences, shortcut func(fyne.Shortcut) bool, bg background) *joinView {
	v := &joinView{win: win, prefs: prefs, bg: bg}
	v.status = wrapped("")
	v.open = widget.NewButtonWithIcon("Join a room…", theme.LoginIcon(), v.showForm)
	v.leave = widget.NewButtonWithIcon("Leave the room", theme.LogoutIcon(), v.leaveRoom)
	v.leave.Hide()
	v.line = newFieldEntry(shortcut)
	v.line.SetPlaceHolder("concurrencylab lesson all --room nats://HOST:PORT --token TOKEN --name YOURNAME")
	v.line.OnChanged = v.lineChanged
	v.addr = newFieldEntry(shortcut)
	v.addr.SetPlaceHolder("nats://HOST:PORT")
	v.token = newFieldEntry(shortcut)
	v.token.SetPlaceHolder("the token the facilitator shows")
	v.name = newFieldEntry(shortcut)
	v.name.SetPlaceHolder("your name, as the room will show it")
	v.name.OnSubmitted = func(string) { v.joinRoom() }
	if prefs != nil {
		v.addr.SetText(prefs.String(prefRoomURL))
		v.token.SetText(prefs.String(prefRoomToken))
		v.name.SetText(prefs.String(prefRoomName))
	}
	v.join = widget.NewButtonWithIcon("Join", theme.ConfirmIcon(), v.joinRoom)
	v.join.Importance = widget.HighImportance
	v.cancel = widget.NewButton("Cancel", v.hideForm)
	fields := widget.NewForm(
		widget.NewFormItem("Join line", v.line),
		widget.NewFormItem("or: address", v.addr),
		widget.NewFormItem("token", v.token),
		widget.NewFormItem("your name", v.name))
	v.note = wrapped("")
	v.form = container.NewVBox(wrappedHint("Paste the line the facilitator shows (Ctrl+V), or type its address and token; then your name."),
		fields, v.note, container.NewHBox(v.join, v.cancel))
	v.form.Hide()
	v.showStatus()
	v.box = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, container.NewHBox(v.open, v.leave), v.status))
	if win == nil {
		v.box.Add(v.form)
	}
	return v
}

func (v *joinView) object() fyne.CanvasObject { return v.box }

// showForm opens the form to join a room.
func (v *joinView) showForm() {
	v.open.Hide()
	v.form.Show()
	setText(v.note, "")
	if v.win == nil {
		return
	}
	d := dialog.NewCustomWithoutButtons("Join a room", v.form, v.win)
	d.SetOnClosed(func() {
		if v.dlg == d { // closed by Esc or a tap outside it
			v.dlg = nil
			v.hideForm()
		}
	})
	d.Resize(fyne.NewSize(720, v.form.MinSize().Height+theme.Padding()*8))
	v.dlg = d
	d.Show()
}

// hideForm closes the form.
func (v *joinView) hideForm() {
	if d := v.dlg; d != nil {
		v.dlg = nil
		d.Hide()
	}
	v.form.Hide()
	if v.client == nil {
		v.open.Show()
	}
}

// formShown reports whether the form to join is open.
func (v *joinView) formShown() bool { return v.dlg != nil || v.win == nil && v.form.Visible() }

// say puts text on the status line and, while it is open, the form.
func (v *joinView) say(text string, imp widget.Importance) {
	setStyled(v.status, text, imp)
	setStyled(v.note, text, imp)
}

// lineChanged fills the fields from a pasted join line (as the command
// line reads it: room.ParseJoinLine); a name left as the placeholder
// (YOURNAME) is for the participant to type.
func (v *joinView) lineChanged(text string) {
	url, token, name, err := room.ParseJoinLine(text)
	if err != nil {
		return
	}
	v.addr.SetText(url)
	if token != "" {
		v.token.SetText(token)
	}
	if name != "" {
		v.name.SetText(name)
	}
}

// joinRoom dials the room in the fields, off the UI goroutine: Dial checks
// the address and token before the participant runs anything.
func (v *joinView) joinRoom() {
	url, token := strings.TrimSpace(v.addr.Text), strings.TrimSpace(v.token.Text)
	if url != "" && !strings.Contains(url, "://") {
		url = "nats://" + url
	}
	name, err := room.CleanName(v.name.Text)
	switch {
	case url == "" || token == "":
		err = errors.New("the room's address and token are needed: paste the facilitator's join line")
	case err != nil:
	}
	if err != nil {
		v.say("Cannot join: "+err.Error(), widget.DangerImportance)
		return
	}
	if v.prefs != nil {
		v.prefs.SetString(prefRoomURL, url)
		v.prefs.SetString(prefRoomToken, token)
		v.prefs.SetString(prefRoomName, name)
	}
	v.join.Disable()
	v.say(fmt.Sprintf("Joining the room at %s as %s…", url, name), widget.MediumImportance)
	opts := v.options
	v.bg.run(func() func() {
		c, err := room.DialWith(url, token, name, opts)
		if err == nil && !v.pending.hold(c) {
			c.Close() // the window closed meanwhile
			return nil
		}
		return func() {
			v.pending.release()
			v.join.Enable()
			if err != nil {
				v.say("Cannot join: "+err.Error(), widget.DangerImportance)
				return
			}
			v.client, v.sent, v.lastErr = c, 0, ""
			v.hideForm()
			v.open.Hide()
			v.leave.Show()
			v.watch(c)
			v.showStatus()
		}
	})
}

// watch follows c's status (connected, what waits to be resent) until it
// is closed, showing it at the next frame each time it changes.
func (v *joinView) watch(c *room.Client) {
	ch := c.Changes()
	v.bg.run(func() func() {
		for range ch {
			v.bg.post(func() {
				if v.client == c {
					v.showStatus()
				}
			})
		}
		return nil
	})
}

// leaveRoom closes the client; what it had not delivered stays in its
// outbox, for the next time this room is joined.
func (v *joinView) leaveRoom() {
	c := v.client
	if c == nil {
		return
	}
	v.client = nil
	v.leave.Hide()
	v.open.Show()
	v.bg.run(func() func() { c.Close(); return nil })
	v.showStatus()
}

// send gives the room the outcome of a lesson run here, with the
// prediction made for it, off the UI goroutine (the room may take a few
// seconds to answer, or not answer: then it is kept and resent).
func (v *joinView) send(o *lesson.Outcome, prediction *float64) {
	c := v.client
	if c == nil || o == nil {
		return
	}
	out, err := room.FromLesson(o, prediction)
	v.bg.run(func() func() {
		if err == nil {
			err = c.Send(out)
		}
		return func() {
			if v.client != c {
				return
			}
			var rej *room.Rejected
			switch {
			case err == nil:
				v.sent++
				v.lastErr = ""
			case errors.Is(err, room.ErrKept):
				v.lastErr = ""
			case errors.As(err, &rej):
				v.lastErr = fmt.Sprintf("the room refused the %s outcome: %s", o.Lesson, rej.Reason)
			default:
				v.lastErr = fmt.Sprintf("the %s outcome was not sent: %v", o.Lesson, err)
			}
			v.showStatus()
		}
	})
}

// showStatus says whether this window is in a room, connected or not, and
// what waits to be resent.
func (v *joinView) showStatus() {
	c := v.client
	if c == nil {
		setStyled(v.status, "Not in a room. In a workshop, join the facilitator's room: each lesson's outcome and your prediction then show on their screen.", widget.MediumImportance)
		return
	}
	st := c.Status()
	sent := fmt.Sprintf("%d %s sent this session", v.sent, plural(v.sent, "outcome", "outcomes"))
	var text string
	imp := widget.SuccessImportance
	switch {
	case !st.Connected:
		imp = widget.WarningImportance
		text = fmt.Sprintf("In the room as %s, but not connected: it may have stopped, or the network dropped. Trying again…", c.Name())
	default:
		text = fmt.Sprintf("In the room as %s: connected. %s.", c.Name(), sent)
	}
	if st.Pending > 0 {
		imp = widget.WarningImportance
		text += fmt.Sprintf(" %d %s kept on this computer, sent when the room answers.", st.Pending, plural(st.Pending, "outcome", "outcomes"))
	}
	if v.lastErr != "" {
		imp = widget.DangerImportance
		text += " " + strings.ToUpper(v.lastErr[:1]) + v.lastErr[1:] + "."
	} else if st.Err != "" && st.Pending > 0 {
		text += " (" + st.Err + ")"
	}
	setStyled(v.status, text, imp)
}

// close leaves the room for good: the window is closing. What was not
// delivered stays in the outbox.
func (v *joinView) close() {
	v.pending.close(func(c *room.Client) { c.Close() })
	if v.client != nil {
		v.client.Close()
		v.client = nil
	}
}

// plural is one or many, for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
