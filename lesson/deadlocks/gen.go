package deadlocks

// child.wasm.gz is ./child built for WebAssembly (WASI) and gzipped: a
// pure-Go program (2.6 MB, 0.8 MB gzipped) that the deadlock lesson embeds
// and runs with wazero. Run `go generate ./lesson/deadlocks/` after changing
// the cases.
//go:generate env GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -trimpath "-ldflags=-s -w" -o child.wasm ./child
//go:generate gzip -9nf child.wasm
