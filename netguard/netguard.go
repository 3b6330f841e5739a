// Package netguard keeps a crawl from reaching private networks: it
// checks the address of every connection as it is made (after DNS, so a
// name that rebinds to an internal address is still refused).
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"syscall"
)

// ErrBlocked is returned for a connection to an address the guard refuses.
var ErrBlocked = errors.New("connection to a private, loopback or link-local address refused")

// Guard refuses connections to non-public addresses, except those it was
// told to allow.
type Guard struct {
	allowed map[netip.Addr]bool
}

// Public reports whether ip is an ordinary public unicast address: not
// loopback, private (RFC 1918, RFC 4193), link-local (169.254.0.0/16,
// where cloud metadata lives, and fe80::/10), carrier-grade NAT,
// unspecified, multicast or otherwise reserved.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach anything
	netip.MustParsePrefix("2001:db8::/32"),
}

// ForStartURLs builds the guard of a crawl: public addresses are allowed,
// and the addresses of start URLs whose host is loopback or private (a
// crawl of a site on the local network, or of a test server) are allowed
// too, but no other non-public address.
func ForStartURLs(ctx context.Context, starts []string) (*Guard, error) {
	g := &Guard{allowed: map[netip.Addr]bool{}}
	for _, s := range starts {
		u, err := url.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("guard %s: %w", s, err)
		}
		addrs, err := lookup(ctx, u.Hostname())
		if err != nil {
			// An unresolvable start host allows nothing; its fetch fails
			// on its own.
			continue
		}
		for _, a := range addrs {
			if !Public(a) {
				g.allowed[a.Unmap()] = true
			}
		}
	}
	return g, nil
}

func lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// Allowed reports whether a connection to ip may be made.
func (g *Guard) Allowed(ip netip.Addr) bool {
	return Public(ip) || g.allowed[ip.Unmap()]
}

// Control is a net.Dialer Control function: it refuses the connection
// when the address being dialled is not allowed.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	if !g.Allowed(ap.Addr()) {
		return fmt.Errorf("dial %s: %w", address, ErrBlocked)
	}
	return nil
}
