package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// ConnectTimeout bounds how long connecting to a server may take.
const ConnectTimeout = 5 * time.Second

// ConnOptions say how to connect.
type ConnOptions struct {
	Token string
	Name  string // shown in the server's connection list
	// Reconnect keeps trying for about this long after losing the server
	// (OnLost and OnBack report it); 0 gives up at once.
	Reconnect time.Duration
	OnLost    func()
	OnBack    func()
	OnClosed  func() // the connection is gone for good
}

// Connect connects to the server at rawURL within ConnectTimeout and checks
// that it has JetStream. Its errors are one line a learner can act on.
func Connect(rawURL string, o ConnOptions) (*nats.Conn, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "nats" || u.Host == "" {
		return nil, fmt.Errorf("%q is not a server URL like nats://HOST:PORT", rawURL)
	}
	opts := []nats.Option{nats.Name(o.Name), nats.Timeout(ConnectTimeout), nats.DrainTimeout(5 * time.Second),
		nats.ReconnectWait(time.Second), nats.MaxReconnects(int(o.Reconnect / time.Second)),
		nats.PingInterval(5 * time.Second), nats.MaxPingsOutstanding(2)}
	if o.Reconnect == 0 {
		opts = append(opts, nats.NoReconnect())
	}
	if o.Token != "" {
		opts = append(opts, nats.Token(o.Token))
	}
	if o.OnLost != nil {
		opts = append(opts, nats.DisconnectErrHandler(func(*nats.Conn, error) { o.OnLost() }))
	}
	if o.OnBack != nil {
		opts = append(opts, nats.ReconnectHandler(func(*nats.Conn) { o.OnBack() }))
	}
	if o.OnClosed != nil {
		opts = append(opts, nats.ClosedHandler(func(*nats.Conn) { o.OnClosed() }))
	}
	nc, err := nats.Connect(rawURL, opts...)
	if err != nil {
		return nil, explain(rawURL, o.Token, err)
	}
	// A server that is only busy answers in time (see retry); one without
	// JetStream says so at once.
	js := newJS(nc)
	err = retry(context.Background(), func() error { _, err := js.AccountInfo(context.Background()); return err })
	switch {
	case errors.Is(err, errGiveBack):
		nc.Close()
		return nil, fmt.Errorf("the server at %s took no JetStream request within %v: is its machine overloaded?", rawURL, retryFor)
	case err != nil:
		nc.Close()
		return nil, fmt.Errorf("the server at %s has no JetStream (start it with `nats-server -js`): %v", rawURL, err)
	}
	return nc, nil
}

// explain turns a connect error into one line.
func explain(rawURL, token string, err error) error {
	msg := strings.ToLower(err.Error())
	switch {
	case errors.Is(err, nats.ErrAuthorization) || strings.Contains(msg, "authorization"):
		if token == "" {
			return fmt.Errorf("the server at %s wants a token: add --token TOKEN (shown where the run was started)", rawURL)
		}
		return fmt.Errorf("the server at %s refused the token: check --token (it changes every time the run's program starts)", rawURL)
	case errors.Is(err, nats.ErrNoServers) || strings.Contains(msg, "connection refused"):
		return fmt.Errorf("nothing answers at %s: is the run started, and shared with --share? (%v)", rawURL, err)
	case strings.Contains(msg, "timeout"):
		return fmt.Errorf("no answer from %s within %v: wrong address, or a firewall in the way", rawURL, ConnectTimeout)
	}
	return fmt.Errorf("connecting to %s: %v", rawURL, err)
}
