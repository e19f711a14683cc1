package wait

import (
	"context"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	if !Sleep(context.Background(), time.Millisecond) {
		t.Error("a live context: Sleep said it was interrupted")
	}
	if !Sleep(context.Background(), 0) {
		t.Error("no wait on a live context: Sleep said it was interrupted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, 0) {
		t.Error("no wait on an ended context: Sleep said it passed")
	}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan bool)
	go func() { done <- Sleep(ctx, time.Hour) }()
	cancel()
	if <-done {
		t.Error("cancelled mid-sleep: Sleep said the hour passed")
	}
}
