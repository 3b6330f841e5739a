package urlnorm

import (
	"errors"
	"net/url"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"HTTP://Example.ORG/a/b/", "http://example.org/a/b/"},
		{"http://example.org", "http://example.org/"},
		{"http://example.org:80/x", "http://example.org/x"},
		{"https://example.org:443/x", "https://example.org/x"},
		{"https://example.org:8443/x", "https://example.org:8443/x"},
		{"http://example.org/x#section", "http://example.org/x"},
		{"http://example.org/x?utm_source=a&utm_medium=b&id=3", "http://example.org/x?id=3"},
		{"http://example.org/x?fbclid=abc", "http://example.org/x"},
		{"http://example.org/x?b=2&a=1", "http://example.org/x?a=1&b=2"},
		{"http://example.org/x?", "http://example.org/x"},
		{"http://example.org/a/./b/../c/", "http://example.org/a/c/"},
		{"http://example.org//a//b", "http://example.org/a/b"},
		{"http://user:pw@example.org/", "http://example.org/"},
		{"http://example.org./", "http://example.org/"},
		{"http://[::1]:8080/x", "http://[::1]:8080/x"},
		{"http://example.org/caf%C3%A9/", "http://example.org/caf%C3%A9/"},
		{"http://example.org/a%2Fb", "http://example.org/a%2Fb"},
		{"  http://example.org/x  ", "http://example.org/x"},
		{"http://example.org/?p=12", "http://example.org/?p=12"},
		{"http://example.org/list?page=2&PHPSESSID=abc123", "http://example.org/list?page=2"},
		{"http://example.org/x;jsessionid=ABC?q=1", "http://example.org/x?q=1"},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if err != nil {
			t.Errorf("Normalize(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNormalizeFixedPoint checks, for URLs the fuzzer found or that are
// written to be awkward, the normalised form and key, and that both are
// fixed points: Normalize(Normalize(x)) == Normalize(x) and
// Key(Normalize(x)) == Key(Key(x)) == Key(x).
func TestNormalizeFixedPoint(t *testing.T) {
	tests := []struct {
		in, norm, key string
	}{
		// Found by FuzzNormalize: one trailing dot of the host was
		// trimmed, so "0.." became "0." and then "0".
		{"http://0..", "http://0/", "http://0/"},
		{"HTTP://0..", "http://0/", "http://0/"},
		// Found by FuzzNormalize: no host is left.
		{"http://.", "", ""},
		// Found by FuzzNormalize.
		{"http://0?aAAAAaaa #0", "http://0/?aAAAAaaa%20", "http://0/?aAAAAaaa%20"},
		// Found by FuzzNormalize: a panic, the ";jsessionid=" found in
		// a lower-cased copy of the path whose invalid bytes had each
		// grown to three.
		{"http://0/\xbf\xbf\xbf\xbf\xbf\xbf\xbf;jsessionid=", "http://0/%BF%BF%BF%BF%BF%BF%BF", "http://0/%BF%BF%BF%BF%BF%BF%BF"},
		// Found by FuzzNormalize: net/url writes the zone "[" as it is
		// and cannot parse what it wrote.
		{"http://[::0%25%5B]", "", ""},
		{"http://[fe80::1%25en0.]/", "http://[fe80::1%25en0.]/", "http://[fe80::1%25en0.]/"},
		{"http://x/caf\xe9;JSESSIONID=1?q=1", "http://x/caf%E9?q=1", "http://x/caf%E9?q=1"},
		{"http://example.org.../a/", "http://example.org/a/", "http://example.org/a"},
		{"https://Example.ORG..:443/a//b/./", "https://example.org/a/b/", "https://example.org/a/b"},
		{"http://...", "", ""},
		{"http://[fe80::1%25EN0]:80/x/", "http://[fe80::1%25en0]/x/", "http://[fe80::1%25en0]/x"},
		{"http://x/a/b;jsessionid=1/../", "http://x/a/b", "http://x/a/b"},
		{"http://x/?%75tm_a=1&b", "http://x/?b", "http://x/?b"},
	}
	for _, tt := range tests {
		n, err := Normalize(tt.in)
		if tt.norm == "" {
			if err == nil {
				t.Errorf("Normalize(%q) = %q, want an error", tt.in, n)
			}
			continue
		}
		if err != nil || n != tt.norm {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, n, err, tt.norm)
			continue
		}
		if again, err := Normalize(n); err != nil || again != n {
			t.Errorf("Normalize(%q) = %q, %v; want it unchanged", n, again, err)
		}
		for _, x := range []string{tt.in, n, tt.key} {
			if k, err := Key(x); err != nil || k != tt.key {
				t.Errorf("Key(%q) = %q, %v; want %q", x, k, err, tt.key)
			}
		}
	}
}

func TestNormalizeRejects(t *testing.T) {
	for _, in := range []string{"mailto:a@example.org", "javascript:void(0)", "ftp://example.org/", "/relative/path", "http://%zz/"} {
		_, err := Normalize(in)
		if err == nil {
			t.Errorf("Normalize(%q) succeeded, want an error", in)
		}
	}
	if _, err := Normalize("ftp://example.org/"); !errors.Is(err, ErrScheme) {
		t.Errorf("Normalize(ftp) error = %v, want ErrScheme", err)
	}
}

func TestKey(t *testing.T) {
	same := [][]string{
		{"http://example.org/a/", "http://example.org/a", "HTTP://EXAMPLE.org:80/a/?utm_campaign=x#top"},
		{"http://example.org/", "http://example.org"},
		{"http://example.org/x?b=2&a=1", "http://example.org/x/?a=1&b=2"},
	}
	for _, group := range same {
		first, err := Key(group[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range group[1:] {
			k, err := Key(u)
			if err != nil {
				t.Fatal(err)
			}
			if k != first {
				t.Errorf("Key(%q) = %q, want %q (same as %q)", u, k, first, group[0])
			}
		}
	}
	a, _ := Key("http://example.org/a")
	b, _ := Key("https://example.org/a")
	if a == b {
		t.Errorf("http and https keys are equal: %q", a)
	}
}

func TestResolve(t *testing.T) {
	base, _ := url.Parse("http://example.org/dir/page.html")
	tests := []struct{ ref, want string }{
		{"other.html", "http://example.org/dir/other.html"},
		{"/root", "http://example.org/root"},
		{"../up/", "http://example.org/up/"},
		{"//cdn.example.org/x", "http://cdn.example.org/x"},
		{"?q=1#frag", "http://example.org/dir/page.html?q=1"},
	}
	for _, tt := range tests {
		got, err := Resolve(base, tt.ref)
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tt.ref, got, err, tt.want)
		}
	}
}

func TestSameSite(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"http://example.org/a", "https://www.example.org/b", true},
		{"http://example.org/a", "http://example.com/a", false},
		{"http://sub.example.org/", "http://example.org/", false},
		{"http://127.0.0.1:1234/a", "http://127.0.0.1:1234/b", true},
	}
	for _, tt := range tests {
		if got := SameSite(tt.a, tt.b); got != tt.want {
			t.Errorf("SameSite(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// FuzzNormalize checks that normalising is a fixed point: a normalised
// URL normalises to itself and has the same key as the URL it came from
// (so a URL stored normalised is found again by the key of what a page
// links to), and a key is its own key. NormalizeKey and Resolve with no
// base agree with Normalize and Key.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"http://example.org/a/./b?utm_source=x&b=1#f", "HTTPS://[::1]:443//x//", "http://a.example/%zz", "http://example.org/?a=1&&b",
		"http://user:pw@Example.ORG.:80/a/b/../c/;jsessionid=X?%75tm_a=1&B=2#top", "http://[fe80::1%25EN0]:8080/%2e%2e/x/",
		"http://%C3%89.example/caf%C3%A9/a%2Fb/?q=a b&\u212A=1", "http://x:0080/a//b/./?&=&",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := Normalize(in)
		if err != nil {
			if _, _, err2 := NormalizeKey(in); err2 == nil {
				t.Fatalf("Normalize(%q) fails (%v) but NormalizeKey succeeds", in, err)
			}
			return
		}
		again, err := Normalize(n)
		if err != nil {
			t.Fatalf("Normalize(%q) = %q, which does not normalise: %v", in, n, err)
		}
		if again != n {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q", in, n, again)
		}
		nk, k, err := NormalizeKey(in)
		if err != nil {
			t.Fatalf("NormalizeKey(%q): %v, but Normalize succeeds", in, err)
		}
		if nk != n {
			t.Fatalf("NormalizeKey(%q) normalises to %q, Normalize to %q", in, nk, n)
		}
		kn, err := Key(n)
		if err != nil {
			t.Fatalf("Key(Normalize(%q)) = Key(%q): %v", in, n, err)
		}
		if kn != k {
			t.Fatalf("Key(Normalize(x)) != Key(x): %q -> key %q; normalised %q -> key %q", in, k, n, kn)
		}
		kk, err := Key(k)
		if err != nil {
			t.Fatalf("Key(Key(%q)) = Key(%q): %v", in, k, err)
		}
		if kk != k {
			t.Fatalf("Key is not idempotent: %q -> %q -> %q", in, k, kk)
		}
		if r, err := Resolve(nil, in); err != nil || r != n {
			t.Fatalf("Resolve(nil, %q) = %q, %v; Normalize gives %q", in, r, err, n)
		}
	})
}

func BenchmarkKey(b *testing.B) {
	for b.Loop() {
		if _, err := Key("HTTP://Example.org:80/resources/page/2/?utm_source=news&b=2&a=1#top"); err != nil {
			b.Fatal(err)
		}
	}
}
