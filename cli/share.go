package cli

import (
	"fmt"
	"io"
	"slices"

	"concurrencylab/jobs"
	"concurrencylab/jobs/cluster"
)

// share says where a cluster run queues its tasks: the --cluster server, or
// with --share a server started here for all of this bench's cluster runs,
// listening on the address given and guarded by a random token. It prints
// the command other machines join with. Without either, each run starts its
// own server on 127.0.0.1 (jobs.Run does).
func share(f benchFlags, stderr io.Writer) (jobs.ClusterSpec, func(), error) {
	if f.share == "" || !slices.Contains(f.modes, jobs.Cluster) {
		return jobs.ClusterSpec{URL: f.clusterURL, Token: f.token}, func() {}, nil
	}
	srv, err := cluster.StartServer(f.share, cluster.NewToken())
	if err != nil {
		return jobs.ClusterSpec{}, nil, err
	}
	urls := srv.JoinURLs()
	if len(urls) == 0 {
		urls = []string{srv.URL()} // shared on loopback: this machine only
	}
	fmt.Fprintf(stderr, "sharing the cluster run on %s; on each machine that should help, run one of:\n", f.share)
	for _, u := range urls {
		fmt.Fprintf(stderr, "  concurrencylab join %s --token %s\n", u, srv.Token())
	}
	if f.clusterWorkers == 0 {
		fmt.Fprintln(stderr, "no local workers (--workers 0): waiting for workers to join (Ctrl+C to stop)…")
	}
	return jobs.ClusterSpec{URL: srv.URL(), Token: srv.Token()}, func() { srv.Close() }, nil
}
