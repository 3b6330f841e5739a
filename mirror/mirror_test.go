package mirror

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"harvest"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// memState is a State in memory.
type memState struct {
	mu    sync.Mutex
	files map[string]harvest.MirroredFile
}

func (s *memState) Lookup(_ context.Context, url string) (harvest.MirroredFile, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[url]
	return f, ok, nil
}

func (s *memState) Remember(_ context.Context, url string, f harvest.MirroredFile) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string]harvest.MirroredFile{}
	}
	s.files[url] = f
	return nil
}

// site serves files from a map of path -> content, with an ETag and a
// Last-Modified per file, answering conditional requests with 304. It
// counts requests, conditional requests and 304s.
type site struct {
	mu          sync.Mutex
	files       map[string]string // path -> body
	types       map[string]string // path -> Content-Type
	requests    int
	conditional int
	notModified int
	lastHeaders http.Header
}

var modified = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func (s *site) set(path, body, contentType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files, s.types = map[string]string{}, map[string]string{}
	}
	s.files[path] = body
	s.types[path] = contentType
}

func (s *site) counts() (requests, conditional, notModified int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.conditional, s.notModified
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	s.lastHeaders = r.Header.Clone()
	body, ok := s.files[r.URL.EscapedPath()]
	ct := s.types[r.URL.EscapedPath()]
	inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
	if inm != "" || ims != "" {
		s.conditional++
	}
	sum := sha256.Sum256([]byte(body))
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	notModified := ok && inm == etag
	if notModified {
		s.notModified++
	}
	s.mu.Unlock()

	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
	if notModified {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write([]byte(body))
}

func newMirror(t *testing.T, dir string, maxSize int64) (*Mirror, *memState) {
	t.Helper()
	st := &memState{}
	m, err := New(dir, &http.Client{Timeout: 10 * time.Second}, Options{MaxSize: maxSize, UserAgent: "harvest-test"}, st)
	if err != nil {
		t.Fatal(err)
	}
	return m, st
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// files lists the regular files under root, relative to it, slash-separated.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFetchConditional(t *testing.T) {
	ctx := t.Context()
	s := &site{}
	const v1 = "%PDF-1.4 first version"
	s.set("/docs/report.pdf", v1, "application/pdf")
	srv := httptest.NewServer(s)
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "mirror")
	m, st := newMirror(t, dir, 1<<20)
	u := srv.URL + "/docs/report.pdf"

	first, err := m.Fetch(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := first.SHA256, hexSum(v1); got != want {
		t.Errorf("SHA256 = %s, want %s", got, want)
	}
	if got, want := first.Size, int64(len(v1)); got != want {
		t.Errorf("Size = %d, want %d", got, want)
	}
	if got, want := first.MediaType, "application/pdf"; got != want {
		t.Errorf("MediaType = %q, want %q", got, want)
	}
	if got, want := first.Path, filepath.Join(dir, "sha256", hexSum(v1)[:2], hexSum(v1)+".pdf"); got != want {
		t.Errorf("Path = %s, want %s", got, want)
	}
	if first.URL != u || first.ETag == "" || first.LastModified == "" || first.Fetched.IsZero() {
		t.Errorf("File = %+v, want URL, ETag, LastModified and Fetched set", first)
	}
	if got, err := os.ReadFile(first.Path); err != nil || string(got) != v1 {
		t.Errorf("stored file = %q, %v; want %q", got, err, v1)
	}
	if rem, ok, _ := st.Lookup(ctx, u); !ok || rem != first {
		t.Errorf("state remembers %+v, %v; want %+v", rem, ok, first)
	}
	if got := s.lastHeaders.Get("User-Agent"); got != "harvest-test" {
		t.Errorf("User-Agent = %q, want harvest-test", got)
	}

	// Second fetch: the validators go out, the server says 304.
	second, err := m.Fetch(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if second != first {
		t.Errorf("after 304 got %+v, want the remembered %+v", second, first)
	}
	if _, cond, nm := s.counts(); cond != 1 || nm != 1 {
		t.Errorf("conditional requests = %d, 304s = %d; want 1 and 1", cond, nm)
	}
	if got, want := s.lastHeaders.Get("If-None-Match"), first.ETag; got != want {
		t.Errorf("If-None-Match = %q, want %q", got, want)
	}
	if got, want := s.lastHeaders.Get("If-Modified-Since"), first.LastModified; got != want {
		t.Errorf("If-Modified-Since = %q, want %q", got, want)
	}
	if got, err := os.ReadFile(first.Path); err != nil || string(got) != v1 {
		t.Errorf("after 304, stored file = %q, %v; want %q", got, err, v1)
	}

	// Changed content: a new hash, a new path; the old version stays.
	const v2 = "%PDF-1.4 second, longer version"
	s.set("/docs/report.pdf", v2, "application/pdf")
	third, err := m.Fetch(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := third.SHA256, hexSum(v2); got != want {
		t.Errorf("changed: SHA256 = %s, want %s", got, want)
	}
	if third.Path == first.Path || third.Size != int64(len(v2)) {
		t.Errorf("changed: Path = %s (first %s), Size = %d", third.Path, first.Path, third.Size)
	}
	if got, err := os.ReadFile(third.Path); err != nil || string(got) != v2 {
		t.Errorf("changed: stored file = %q, %v; want %q", got, err, v2)
	}
	if _, err := os.Stat(first.Path); err != nil {
		t.Errorf("old version: %v", err)
	}
	if rem, _, _ := st.Lookup(ctx, u); rem != third {
		t.Errorf("state remembers %+v, want %+v", rem, third)
	}
	if got := len(files(t, dir)); got != 2 {
		t.Errorf("%d files in the mirror, want 2: %v", got, files(t, dir))
	}
}

func TestFetchMissingFileRefetched(t *testing.T) {
	ctx := t.Context()
	s := &site{}
	s.set("/a.pdf", "%PDF a", "application/pdf")
	srv := httptest.NewServer(s)
	defer srv.Close()
	m, _ := newMirror(t, t.TempDir(), 1<<20)

	first, err := m.Fetch(ctx, srv.URL+"/a.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(first.Path); err != nil {
		t.Fatal(err)
	}
	again, err := m.Fetch(ctx, srv.URL+"/a.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, cond, _ := s.counts(); cond != 0 {
		t.Errorf("conditional requests = %d, want 0 (the file was gone)", cond)
	}
	if again.Path != first.Path || again.SHA256 != first.SHA256 {
		t.Errorf("refetched %+v, want the same path and hash as %+v", again, first)
	}
	if _, err := os.Stat(again.Path); err != nil {
		t.Error(err)
	}
}

func TestFetchTooLarge(t *testing.T) {
	const limit = 1000
	mux := http.NewServeMux()
	mux.HandleFunc("/announced.pdf", func(w http.ResponseWriter, r *http.Request) {
		// Announces more than the cap and sends nothing: a client that
		// read the body would fail with an unexpected EOF, not ErrTooLarge.
		w.Header().Set("Content-Length", strconv.Itoa(limit+1))
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("/chunked.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		chunk := []byte(strings.Repeat("x", 300))
		for range 10 { // 3000 bytes, no Content-Length
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/exact.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte(strings.Repeat("y", limit))) // at the cap: accepted
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, path := range []string{"/announced.pdf", "/chunked.pdf"} {
		t.Run(path, func(t *testing.T) {
			dir := t.TempDir()
			m, st := newMirror(t, dir, limit)
			_, err := m.Fetch(t.Context(), srv.URL+path)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Fetch error = %v, want ErrTooLarge", err)
			}
			if got := files(t, dir); len(got) != 0 {
				t.Errorf("files left in the mirror: %v", got)
			}
			if _, ok, _ := st.Lookup(t.Context(), srv.URL+path); ok {
				t.Error("a refused file was remembered")
			}
		})
	}
	t.Run("/exact.pdf", func(t *testing.T) {
		m, _ := newMirror(t, t.TempDir(), limit)
		f, err := m.Fetch(t.Context(), srv.URL+"/exact.pdf")
		if err != nil {
			t.Fatal(err)
		}
		if f.Size != limit {
			t.Errorf("Size = %d, want %d", f.Size, limit)
		}
	})
}

func TestFetchHostileURLs(t *testing.T) {
	// Every path gets the same body apart from its own name, so each URL
	// is a file of its own.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="../../../../etc/passwd"`)
		w.Write([]byte("body of " + r.URL.RawPath + r.URL.Path))
	}))
	defer srv.Close()
	root := t.TempDir()
	dir := filepath.Join(root, "mirror")
	m, _ := newMirror(t, dir, 1<<20)

	hostile := []string{
		"/../../etc/passwd",
		"/../../../../../../../../tmp/evil.pdf",
		"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/%2E%2E/%2E%2E/etc/shadow.pdf",
		"//etc/passwd",
		"/a/..%5c..%5c..%5cwindows%5csystem32.pdf",
		"/report.pdf%00.sh",
		"/nul%00/../../x",
		"/" + strings.Repeat("long", 2000) + ".pdf",
		"/" + strings.Repeat("a/", 500) + "deep.docx",
		"/x?name=../../etc/passwd&file=/etc/passwd",
		"/.pdf",
		"/..",
		"/~root/.ssh/authorized_keys",
	}
	for _, p := range hostile {
		f, err := m.Fetch(t.Context(), srv.URL+p)
		if err != nil {
			t.Errorf("Fetch(%.60q): %v", p, err)
			continue
		}
		rel, err := filepath.Rel(dir, f.Path)
		if err != nil || !filepath.IsLocal(rel) || !strings.HasPrefix(filepath.ToSlash(rel), "sha256/"+f.SHA256[:2]+"/"+f.SHA256) {
			t.Errorf("Fetch(%.60q) stored at %s, outside %s/sha256", p, f.Path, dir)
		}
		if base := filepath.Base(f.Path); len(base) > len(f.SHA256)+5 {
			t.Errorf("Fetch(%.60q): file name %q longer than hash + extension", p, base)
		}
	}
	for _, f := range files(t, root) {
		if !strings.HasPrefix(f, "mirror/sha256/") {
			t.Errorf("file %s outside the mirror's store", f)
		}
	}
	if got, want := len(files(t, root)), len(hostile); got != want {
		t.Errorf("%d files stored, want %d", got, want)
	}

	// A raw NUL byte or another control character is no URL at all.
	for _, raw := range []string{srv.URL + "/a\x00b.pdf", srv.URL + "/a\nb"} {
		if _, err := m.Fetch(t.Context(), raw); err == nil {
			t.Errorf("Fetch(%q) succeeded, want an error", raw)
		}
	}
}

func TestFetchSameContentOnce(t *testing.T) {
	ctx := t.Context()
	s := &site{}
	const body = "%PDF-1.7 the same document"
	s.set("/en/report.pdf", body, "application/pdf")
	s.set("/download", body, "application/octet-stream") // sniffed as PDF
	s.set("/mirror/copy.PDF", body, "")
	srv := httptest.NewServer(s)
	defer srv.Close()
	dir := t.TempDir()
	m, _ := newMirror(t, dir, 1<<20)

	var paths []string
	for _, p := range []string{"/en/report.pdf", "/download", "/mirror/copy.PDF"} {
		f, err := m.Fetch(ctx, srv.URL+p)
		if err != nil {
			t.Fatal(err)
		}
		if f.SHA256 != hexSum(body) {
			t.Errorf("%s: SHA256 = %s, want %s", p, f.SHA256, hexSum(body))
		}
		if f.MediaType != "application/pdf" {
			t.Errorf("%s: MediaType = %q, want application/pdf", p, f.MediaType)
		}
		paths = append(paths, f.Path)
	}
	if paths[0] != paths[1] || paths[1] != paths[2] {
		t.Errorf("paths = %v, want one", paths)
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("files = %v, want one", got)
	}
}

func TestFetchRefused(t *testing.T) {
	s := &site{}
	srv := httptest.NewServer(s)
	defer srv.Close()
	m, _ := newMirror(t, t.TempDir(), 1<<20)
	for _, raw := range []string{
		"file:///etc/passwd",
		"ftp://example.org/a.pdf",
		"/etc/passwd",
		"../../etc/passwd",
		"javascript:alert(1)",
		"data:application/pdf;base64,JVBERi0=",
		"http:///a.pdf",
		"",
	} {
		if _, err := m.Fetch(t.Context(), raw); !errors.Is(err, ErrUnsupportedURL) {
			t.Errorf("Fetch(%q) error = %v, want ErrUnsupportedURL", raw, err)
		}
	}
	if n, _, _ := s.counts(); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
	if _, err := m.Fetch(t.Context(), srv.URL+"/missing.pdf"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("Fetch(missing) error = %v, want one naming the 404", err)
	}
}

func TestNewRemovesStalePartials(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, partialPrefix+"old")
	fresh := filepath.Join(dir, partialPrefix+"fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("part"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * stalePartial)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	newMirror(t, dir, 0)
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale partial file: %v, want it removed", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh partial file: %v, want it kept (another process may be writing it)", err)
	}
}

func TestExtension(t *testing.T) {
	tests := []struct {
		mt, path, want string
	}{
		{"application/pdf", "/a/report", ".pdf"},
		{"application/pdf", "/a/report.exe", ".pdf"},
		{"", "/a/report.PDF", ".pdf"},
		{"application/octet-stream", "/a/report.docx", ".docx"},
		{"application/zip", "/a/report.docx", ".docx"},
		{"application/zip", "/a/archive.zip", ".zip"},
		{"", "/a/photo.JPEG", ".jpg"},
		{"", "/a/run.sh", ""},
		{"text/html", "/a/page.html", ""},
		{"image/svg+xml", "/a/logo.svg", ""},
		{"", "/a/x.pdf/../../y", ""},
		{"", "/a/x.pdf\x00.sh", ""},
		{"", "/a/..", ""},
	}
	for _, tt := range tests {
		if got := extension(tt.mt, tt.path); got != tt.want {
			t.Errorf("extension(%q, %q) = %q, want %q", tt.mt, tt.path, got, tt.want)
		}
	}
}
