package server

import (
	"fmt"
	"net"
)

func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (is another liaise already running there? set LIAISE_ADDR to use another address): %w", addr, err)
	}
	return ln, nil
}
