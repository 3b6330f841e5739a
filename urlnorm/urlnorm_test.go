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

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"http://example.org/a/./b?utm_source=x&b=1#f", "HTTPS://[::1]:443//x//", "http://a.example/%zz", "http://example.org/?a=1&&b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := Normalize(in)
		if err != nil {
			return
		}
		again, err := Normalize(n)
		if err != nil {
			t.Fatalf("Normalize(%q) = %q, which does not normalise: %v", in, n, err)
		}
		if again != n {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q", in, n, again)
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
