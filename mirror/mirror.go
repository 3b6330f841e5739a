// Package mirror keeps local copies of download files in a
// content-addressed directory.
//
// A Mirror fetches one URL at a time:
//
//	m, err := mirror.New(dir, client, mirror.Options{MaxSize: 100 << 20, UserAgent: ua}, state)
//	f, err := m.Fetch(ctx, "https://example.org/report.pdf")
//	// f.SHA256, f.Size, f.MediaType, f.Path (inside dir)
//
// Files live at dir/sha256/ab/abcdef…[.ext], named by the SHA-256 of their
// content; the extension comes from a short allow-list (by media type,
// else by the URL's extension) or is left out. Nothing the site sends —
// URL path, Content-Disposition — decides where a file goes, so no file
// can land outside dir. Identical content under two URLs is stored once.
// A file whose content changed goes to a new path; the old one stays
// (other records, or an older version of this one, may refer to it).
//
// State remembers, per URL, the last harvest.MirroredFile fetched: its validators (ETag,
// Last-Modified) make the next Fetch a conditional GET, and a 304 answer
// returns the remembered harvest.MirroredFile unchanged, without a byte of body. A
// remembered file missing from disk (or outside dir) is fetched again in
// full. The catalogue implements State; tests use a map.
//
// A response over Options.MaxSize is refused (ErrTooLarge): announced by
// Content-Length, before reading; otherwise as soon as the body grows past
// it. The body streams to a temporary file in dir and is renamed into
// place only when complete, so a refused or failed download leaves nothing
// behind and a file in the store is never truncated.
//
// The http.Client is the caller's: give it the crawl's transport and a
// timeout long enough for the largest file allowed.
package mirror

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"harvest"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// DefaultMaxSize is the size cap when Options.MaxSize is not set.
const DefaultMaxSize = 100 << 20

var (
	// ErrTooLarge is returned for a file over the size cap.
	ErrTooLarge = errors.New("file exceeds the size limit")
	// ErrUnsupportedURL is returned for a URL that is not an absolute
	// http or https URL.
	ErrUnsupportedURL = errors.New("only absolute http and https URLs can be mirrored")
)

// State remembers the last harvest.MirroredFile fetched for each URL, between runs.
type State interface {
	// Lookup returns the harvest.MirroredFile remembered for url; false when none is.
	Lookup(ctx context.Context, url string) (harvest.MirroredFile, bool, error)
	// Remember records f as url's latest File.
	Remember(ctx context.Context, url string, f harvest.MirroredFile) error
}

// Options tune a Mirror.
type Options struct {
	// MaxSize is the largest file accepted, in bytes (default
	// DefaultMaxSize).
	MaxSize int64
	// UserAgent is sent with every request when not empty.
	UserAgent string
	// Logger receives a debug line per file (default: discard).
	Logger *slog.Logger
}

// Mirror fetches files into a content-addressed directory. It is safe for
// concurrent use.
type Mirror struct {
	dir    string // absolute, clean
	client *http.Client
	opts   Options
	state  State
	log    *slog.Logger

	place sync.Mutex // makes "already stored?" and the rename one step
}

// partialPrefix names the temporary files of downloads in progress.
const partialPrefix = ".partial-"

// stalePartial is how old a temporary file must be for New to remove it
// as the leftover of a killed process.
const stalePartial = 24 * time.Hour

// New returns a Mirror storing files under dir (created if needed),
// fetching with client and remembering validators in state. Temporary
// files older than a day, left by a process that was killed, are removed.
func New(dir string, client *http.Client, opts Options, state State) (*Mirror, error) {
	if dir == "" {
		return nil, errors.New("new mirror: no directory")
	}
	if client == nil {
		return nil, errors.New("new mirror: no HTTP client")
	}
	if state == nil {
		return nil, errors.New("new mirror: no state")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("new mirror %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("new mirror %s: %w", dir, err)
	}
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Mirror{dir: abs, client: client, opts: opts, state: state, log: log}
	if err := m.removeStale(time.Now().Add(-stalePartial)); err != nil {
		return nil, fmt.Errorf("new mirror %s: %w", dir, err)
	}
	return m, nil
}

// Dir returns the mirror directory as an absolute path.
func (m *Mirror) Dir() string { return m.dir }

// Fetch brings the file at rawURL into the mirror and returns it: the
// remembered harvest.MirroredFile when the server answers a conditional GET with 304,
// else the newly downloaded one, which State then remembers.
func (m *Mirror) Fetch(ctx context.Context, rawURL string) (harvest.MirroredFile, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return harvest.MirroredFile{}, fmt.Errorf("mirror %q: %w", rawURL, err)
	}
	prev, known, err := m.state.Lookup(ctx, rawURL)
	if err != nil {
		return harvest.MirroredFile{}, fmt.Errorf("mirror %s: look up: %w", rawURL, err)
	}
	if known && !m.present(prev) {
		m.log.Debug("file_missing", "url", rawURL, "path", prev.Path)
		known = false
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return harvest.MirroredFile{}, fmt.Errorf("mirror %s: %w", rawURL, err)
	}
	if m.opts.UserAgent != "" {
		req.Header.Set("User-Agent", m.opts.UserAgent)
	}
	req.Header.Set("Accept", "*/*")
	conditional := false
	if known && prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
		conditional = true
	}
	if known && prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
		conditional = true
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return harvest.MirroredFile{}, fmt.Errorf("mirror %s: %w", rawURL, err)
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotModified && conditional:
		m.log.Debug("file_unchanged", "url", rawURL, "sha256", prev.SHA256)
		return prev, nil
	case resp.StatusCode != http.StatusOK:
		return harvest.MirroredFile{}, fmt.Errorf("mirror %s: status %s", rawURL, resp.Status)
	case resp.ContentLength > m.opts.MaxSize:
		return harvest.MirroredFile{}, fmt.Errorf("mirror %s: %w (%d bytes announced, limit %d)",
			rawURL, ErrTooLarge, resp.ContentLength, m.opts.MaxSize)
	}

	f, err := m.download(resp, u)
	if err != nil {
		return harvest.MirroredFile{}, fmt.Errorf("mirror %s: %w", rawURL, err)
	}
	f.URL = rawURL
	if err := m.state.Remember(ctx, rawURL, f); err != nil {
		return harvest.MirroredFile{}, fmt.Errorf("mirror %s: remember: %w", rawURL, err)
	}
	m.log.Debug("file_fetched", "url", rawURL, "sha256", f.SHA256, "size", f.Size, "path", f.Path)
	return f, nil
}

// parseURL accepts absolute http and https URLs only.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if s := strings.ToLower(u.Scheme); (s != "http" && s != "https") || u.Host == "" {
		return nil, ErrUnsupportedURL
	}
	return u, nil
}

// present reports whether a remembered file is still where it was, inside
// this mirror, with its size.
func (m *Mirror) present(f harvest.MirroredFile) bool {
	if f.SHA256 == "" || !m.inside(f.Path) {
		return false
	}
	fi, err := os.Stat(f.Path)
	return err == nil && fi.Mode().IsRegular() && fi.Size() == f.Size
}

// inside reports whether p is a path strictly inside the mirror directory.
func (m *Mirror) inside(p string) bool {
	if !filepath.IsAbs(p) {
		return false
	}
	rel, err := filepath.Rel(m.dir, p)
	return err == nil && rel != "." && filepath.IsLocal(rel)
}

// download streams resp's body to a temporary file while hashing it, and
// moves the complete file into place.
func (m *Mirror) download(resp *http.Response, u *url.URL) (harvest.MirroredFile, error) {
	tmp, err := os.CreateTemp(m.dir, partialPrefix+"*")
	if err != nil {
		return harvest.MirroredFile{}, err
	}
	kept := false
	defer func() {
		if !kept {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	h := sha256.New()
	var head sniffBuffer
	n, err := io.Copy(io.MultiWriter(tmp, h, &head), io.LimitReader(resp.Body, m.opts.MaxSize+1))
	if err != nil {
		return harvest.MirroredFile{}, fmt.Errorf("read body: %w", err)
	}
	if n > m.opts.MaxSize {
		return harvest.MirroredFile{}, fmt.Errorf("%w (body over %d bytes)", ErrTooLarge, m.opts.MaxSize)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return harvest.MirroredFile{}, err
	}
	if err := tmp.Sync(); err != nil {
		return harvest.MirroredFile{}, err
	}
	if err := tmp.Close(); err != nil {
		return harvest.MirroredFile{}, err
	}

	sum := hex.EncodeToString(h.Sum(nil))
	mt := mediaType(resp.Header.Get("Content-Type"), head.b)
	path, err := m.store(tmp.Name(), sum, n, extension(mt, u.Path))
	if err != nil {
		return harvest.MirroredFile{}, err
	}
	kept = true
	return harvest.MirroredFile{
		SHA256:       sum,
		Size:         n,
		MediaType:    mt,
		Path:         path,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		Fetched:      time.Now().UTC().Truncate(time.Second),
	}, nil
}

// store moves the complete temporary file tmp to its content address and
// returns the final path. When the content is already stored (under any
// extension), tmp is removed and the stored file's path returned.
func (m *Mirror) store(tmp, sum string, size int64, ext string) (string, error) {
	sub := filepath.Join(m.dir, "sha256", sum[:2])
	final := filepath.Join(sub, sum+ext)
	if !m.inside(final) { // cannot happen: sum is hex and ext allow-listed
		return "", fmt.Errorf("store %s: path %s outside the mirror directory", sum, final)
	}
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return "", fmt.Errorf("store %s: %w", sum, err)
	}
	m.place.Lock()
	defer m.place.Unlock()
	existing, err := stored(sub, sum, size)
	if err != nil {
		return "", fmt.Errorf("store %s: %w", sum, err)
	}
	if existing != "" {
		if err := os.Remove(tmp); err != nil {
			return "", fmt.Errorf("store %s: %w", sum, err)
		}
		return existing, nil
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", fmt.Errorf("store %s: %w", sum, err)
	}
	return final, nil
}

// stored returns the path of a file in sub already holding the content
// named sum (with any extension and the right size), or "".
func stored(sub, sum string, size int64) (string, error) {
	entries, err := os.ReadDir(sub)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		name := e.Name()
		if name != sum && !strings.HasPrefix(name, sum+".") {
			continue
		}
		fi, err := e.Info()
		if err == nil && fi.Mode().IsRegular() && fi.Size() == size {
			return filepath.Join(sub, name), nil
		}
	}
	return "", nil
}

// removeStale removes temporary files last written before cutoff.
func (m *Mirror) removeStale(cutoff time.Time) error {
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), partialPrefix) || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || fi.ModTime().After(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(m.dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// sniffBuffer keeps the first bytes written to it, for content sniffing.
type sniffBuffer struct{ b []byte }

func (s *sniffBuffer) Write(p []byte) (int, error) {
	if n := 512 - len(s.b); n > 0 {
		s.b = append(s.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}
