package cluster

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Server is a NATS server with JetStream running inside this program.
type Server struct {
	s     *server.Server
	store string
	token string
	addr  *net.TCPAddr
}

// StartServer starts an embedded server listening on addr ("" means
// 127.0.0.1 on a free port: this machine only). A server that listens
// anywhere else is shared, and token must then be set; with a token every
// client must present it. JetStream keeps its files in a temporary folder
// that Close removes.
func StartServer(addr, token string) (*Server, error) { return StartServerStore(addr, token, "") }

// StartServerStore is StartServer with JetStream's files in a folder of
// their own in store ("": a temporary folder), emptied first of what a
// server killed before left there; Close removes them. A program that may be killed with
// kill -9 and started again (a workshop's room) keeps it in a folder of
// its own, so that nothing piles up in the temporary folder.
func StartServerStore(addr, token, store string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address to listen on %q: %v (want HOST:PORT, e.g. 0.0.0.0:4222)", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("address to listen on %q: bad port", addr)
	}
	if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && token == "" {
		return nil, fmt.Errorf("a server shared on %s needs a token", addr)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	if store == "" {
		store, err = os.MkdirTemp("", "concurrencylab-nats-")
	} else {
		// What a server killed before left: best effort, since wine 8
		// cannot remove folders, and a folder of its own for this run.
		os.RemoveAll(store)
		if err = os.MkdirAll(store, 0o700); err == nil {
			store, err = os.MkdirTemp(store, "run-")
		}
	}
	if err != nil {
		return nil, err
	}
	opts := &server.Options{Host: host, Port: port, JetStream: true, StoreDir: store, Authorization: token,
		NoSigs: true, NoLog: true, DisableJetStreamBanner: true,
		// No monitoring or cluster ports: one listener, the one asked for.
		// 8 MB messages, the most the server does not warn about: a photo
		// goes in one chunk.
		HTTPPort: 0, MaxPayload: server.MAX_PAYLOAD_MAX_SIZE}
	s, err := server.NewServer(opts)
	if err != nil {
		os.RemoveAll(store)
		return nil, fmt.Errorf("NATS server: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		s.WaitForShutdown()
		os.RemoveAll(store)
		return nil, fmt.Errorf("NATS server did not start listening on %s within 10 s (is the port taken?)", addr)
	}
	tcp, _ := s.Addr().(*net.TCPAddr)
	return &Server{s: s, store: store, token: token, addr: tcp}, nil
}

// URL is how a client on this machine reaches the server.
func (s *Server) URL() string {
	ip := s.addr.IP
	if ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "nats://" + net.JoinHostPort(ip.String(), strconv.Itoa(s.addr.Port))
}

// Port is the port the server listens on.
func (s *Server) Port() int { return s.addr.Port }

// Token is what clients must present ("" for none).
func (s *Server) Token() string { return s.token }

// JoinURLs are the URLs other machines can join with: the address listened
// on, or every non-loopback address of this machine when that is 0.0.0.0 or
// ::. A loopback server has none.
func (s *Server) JoinURLs() []string {
	port := strconv.Itoa(s.addr.Port)
	if !s.addr.IP.IsUnspecified() {
		if s.addr.IP.IsLoopback() {
			return nil
		}
		return []string{"nats://" + net.JoinHostPort(s.addr.IP.String(), port)}
	}
	var urls []string
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			urls = append(urls, "nats://"+net.JoinHostPort(n.IP.String(), port))
		}
	}
	return urls
}

// Close stops the server, which disconnects every client, and removes its
// files.
func (s *Server) Close() error {
	s.s.Shutdown()
	s.s.WaitForShutdown()
	return os.RemoveAll(s.store)
}
