package netguard

import (
	"errors"
	"net/netip"
	"testing"
)

func TestPublic(t *testing.T) {
	tests := map[string]bool{
		"8.8.8.8": true, "93.184.216.34": true, "2606:4700::1111": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::1": false,
		"fe80::1": false, "fc00::1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"224.0.0.1": false, "255.255.255.255": false, "64:ff9b::a00:1": false,
	}
	for s, want := range tests {
		if got := Public(netip.MustParseAddr(s)); got != want {
			t.Errorf("Public(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestForStartURLs(t *testing.T) {
	g, err := ForStartURLs(t.Context(), []string{"http://127.0.0.1:8080/", "https://93.184.216.34/"})
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{
		"127.0.0.1:8080":      true,  // the start host itself
		"127.0.0.1:9999":      true,  // its other ports are the same host
		"127.0.0.2:80":        false, // another loopback address
		"169.254.169.254:80":  false, // cloud metadata
		"10.0.0.5:443":        false,
		"93.184.216.34:443":   true,
		"[::ffff:7f00:1]:80":  true,
		"[fd00::1]:80":        false,
		"203.0.113.9:80":      true,
		"not an address:port": false,
	} {
		err := g.Control("tcp4", addr, nil)
		if (err == nil) != want {
			t.Errorf("Control(%s) = %v, want allowed=%v", addr, err, want)
		}
		if err != nil && addr != "not an address:port" && !errors.Is(err, ErrBlocked) {
			t.Errorf("Control(%s) error %v is not ErrBlocked", addr, err)
		}
	}
	public, _ := ForStartURLs(t.Context(), []string{"https://93.184.216.34/"})
	if public.Allowed(netip.MustParseAddr("127.0.0.1")) {
		t.Error("a crawl started at a public address may reach loopback")
	}
}
