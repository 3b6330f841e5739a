package main

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// listen opens the address a server is asked to serve on (flag names the
// flag, for messages) and returns the listener with a URL one can click:
// an address on every interface (":8080", "0.0.0.0:0", "[::]:80") is shown
// as http://127.0.0.1:PORT/, which reaches it from this machine. A bare
// port is refused with the address meant; a port in use is said so, not
// called a usage error.
func listen(flag, addr string) (net.Listener, string, error) {
	if err := checkAddr(flag, addr); err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, "", fmt.Errorf("%s %s: the port is in use (another harvest serve?); choose another, or port 0 for any free one", flag, addr)
	case errors.Is(err, syscall.EACCES):
		return nil, "", fmt.Errorf("%s %s: permission denied (ports below 1024 need privileges; choose one above, such as 8080)", flag, addr)
	case err != nil:
		return nil, "", fmt.Errorf("%s %s: %w", flag, addr, err)
	}
	return ln, clickable(ln.Addr()), nil
}

// checkAddr checks the form of a listening address (before anything is
// opened).
func checkAddr(flag, addr string) error {
	if _, err := strconv.Atoi(addr); err == nil {
		return usageError("%s %q: want host:port, such as 127.0.0.1:%s (this machine only) or 0.0.0.0:%s (every interface)", flag, addr, addr, addr)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return usageError("%s %q: want host:port, such as 127.0.0.1:8080", flag, addr)
	}
	return nil
}

// clickable is the http URL of a listening address, loopback for a
// listener on every interface.
func clickable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String() + "/"
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port)) + "/"
}
