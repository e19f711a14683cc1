package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Slow is not failed. A call to the server can time out because this machine
// or the server's is busy (a worker starved of CPU, a server answering many
// workers), or fail while the connection is being re-established: nothing
// is wrong with the item, and the same call works a moment later. Such an
// error is transient, and is tried again; only what no retry can change (a
// malformed task, an image over the limit, one that does not decode) fails
// an item.

// retryFor is how long a worker keeps trying a call that fails for a passing
// reason before it gives its task back to the queue (its keepAlive holds the
// task meanwhile). A variable for tests.
var retryFor = 30 * time.Second

// resultTimeout bounds one try at sending a result: the run answers at once
// unless its machine is busy.
const resultTimeout = 10 * time.Second

// errGiveBack marks an error after which the task goes back to the queue
// (NakWithDelay) rather than failing its item.
var errGiveBack = errors.New("the server was too slow to answer")

// retry calls op until it succeeds, fails for good (see transient), ctx ends,
// or retryFor has passed, waiting 100 ms after the first failure and twice as
// long after each next one, up to 2 s. A transient error that outlasts
// retryFor is returned wrapped in errGiveBack.
func retry(ctx context.Context, op func() error) error {
	deadline := time.Now().Add(retryFor)
	wait := 100 * time.Millisecond
	for {
		err := op()
		if err == nil || !transient(err) || ctx.Err() != nil {
			return err
		}
		if time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("%w (%v, still after %v)", errGiveBack, err, retryFor)
		}
		pause(ctx, wait)
		wait = min(2*wait, 2*time.Second)
	}
}

// transient reports whether err may go away by itself: a timeout (the
// JetStream API's 5 s default, or our own), no responder yet (a server just
// back, JetStream not yet ready), a connection that is reconnecting, or the
// server saying it is busy or unavailable (a 5xx status, 408 request
// timeout). A missing message, a closed connection, a server without
// JetStream and every other error are for good.
func transient(err error) bool {
	// Its API says 503 for these too, but they do not pass.
	if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) {
		return false
	}
	var api *jetstream.APIError
	if errors.As(err, &api) {
		return api.Code == 408 || api.Code >= 500
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) ||
		errors.Is(err, nats.ErrConnectionReconnecting) || errors.Is(err, nats.ErrDisconnected) ||
		errors.Is(err, nats.ErrNoServers)
}
