package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine to write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeMigratesServesAndShutsDown starts the real server, checks it is
// ready and logs without personal data, then stops it as SIGTERM would.
func TestServeMigratesServesAndShutsDown(t *testing.T) {
	vars := tempDB(t)
	addr := freeAddr(t)
	vars["LIAISE_ADDR"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--migrate"}, func(k string) string { return vars[k] }, strings.NewReader(""), &out, &logs)
	}()
	var resp *http.Response
	var err error
	for i := 0; i < 100; i++ {
		resp, err = http.Get("http://" + addr + "/readyz")
		if err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		cancel()
		t.Fatalf("server never answered: %v\nlogs:\n%s", err, logs.String())
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("readyz = %d", resp.StatusCode)
	}
	// A second serve on the same SQLite file is refused.
	vars2 := map[string]string{"LIAISE_DATABASE_URL": vars["LIAISE_DATABASE_URL"], "LIAISE_ADDR": freeAddr(t)}
	if _, _, err := runCLI(t, vars2, "", "serve"); err == nil || !strings.Contains(err.Error(), "already using") {
		t.Errorf("second serve: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(logs.String(), "shutting down") || !strings.Contains(logs.String(), "route=/readyz") {
		t.Errorf("logs:\n%s", logs.String())
	}
}
