// Package web serves a catalogue over HTTP, read-only: a JSON API, an
// Atom feed, Prometheus metrics and a server-rendered catalogue page.
//
// The handler only reads: every query goes through the store's read pool,
// whose connections are query-only. Harvested text is untrusted and is
// escaped everywhere it is written (html/template, encoding/json with HTML
// escaping, encoding/xml).
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"harvest"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

//go:embed templates/*.html static/*
var assets embed.FS

// server holds what the handlers share.
type server struct {
	db      harvest.CatalogueReader
	log     *slog.Logger
	pages   map[string]*template.Template // by page name: list, publication, error
	static  http.Handler
	process *prometheus.Registry // process-wide metrics: Go runtime, HTTP requests
	now     func() time.Time
	// responses keeps the answers of the current catalogue version.
	responses       responseCache
	noResponseCache bool
	// oai describes the OAI-PMH repository at /oai.
	oaiOpts OAIOptions
}

// New returns the HTTP handler of the catalogue db: the API under /api/,
// the Atom feed at /feed.atom, OAI-PMH at /oai, /healthz, /metrics and
// the catalogue page at /. It never writes to db. log receives a line per request (the
// access log, info level: method, path, status, duration) and any server
// error.
//
// The handler carries its own Prometheus registry, so that several may
// run in one process (tests, or a scheduler serving the catalogue it
// writes).
func New(db harvest.CatalogueReader, log *slog.Logger, opts ...Option) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &server{db: db, log: log, now: time.Now, process: prometheus.NewRegistry()}
	for _, o := range opts {
		o(s)
	}
	s.pages = parseTemplates()
	sub, err := fs.Sub(assets, "static")
	if err != nil { // the embedded tree is fixed at build time
		panic(err)
	}
	s.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "harvest_http_requests_total",
		Help: "HTTP requests served, by route and status code.",
	}, []string{"handler", "code"})
	s.process.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		requests,
	)

	mux := http.NewServeMux()
	route := func(pattern string, h http.HandlerFunc) {
		name := pattern
		mux.Handle(pattern, promhttp.InstrumentHandlerCounter(
			requests.MustCurryWith(prometheus.Labels{"handler": name}), h))
	}
	route("/api/publications", s.apiPublications)
	route("/api/publications/{id}", s.apiPublication)
	route("/api/sources", s.apiSources)
	route("/api/runs", s.apiRuns)
	route("/api/links", s.apiLinks)
	route("/api/schema", s.apiSchema)
	route("/api/", s.apiNotFound)
	route("/feed.atom", s.feed)
	route("/oai", s.oai)
	route("/healthz", s.healthz)
	route("/metrics", s.metrics)
	route("/static/", s.staticFile)
	route("/publications/{id}", s.pagePublication)
	route("/{$}", s.pageList)
	route("/", s.pageNotFound)
	return s.middleware(mux)
}

// Option changes how New's handler serves.
type Option func(*server)

// WithoutResponseCache turns the response cache off: every request that
// is not answered 304 is read from the catalogue and rendered. For
// measuring what an answer costs (harvest serve --no-response-cache).
func WithoutResponseCache() Option {
	return func(s *server) { s.noResponseCache = true }
}

// middleware answers methods other than GET and HEAD (and POST at /oai,
// which OAI-PMH allows: its arguments in a form body), sets the headers
// every response carries, recovers from panics and logs each request.
func (s *server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("http_panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
				if !rec.wrote {
					s.fail(rec, r, http.StatusInternalServerError, errors.New("internal error"))
				}
			}
			// The access log: one record per request.
			s.log.Info("http_request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"duration", time.Since(start).Round(time.Microsecond))
		}()
		oaiPost := r.Method == http.MethodPost && r.URL.Path == "/oai"
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !oaiPost {
			h.Set("Allow", "GET, HEAD")
			if r.URL.Path == "/oai" {
				h.Set("Allow", "GET, HEAD, POST")
			}
			s.fail(rec, r, http.StatusMethodNotAllowed, fmt.Errorf("method %s not allowed: this server is read-only (GET, HEAD)", r.Method))
			return
		}
		next.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// fail answers with an error: JSON for the API and everything but the
// page, an HTML page for the page's paths. 5xx errors are logged; their
// details are not shown.
func (s *server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	// An error has no validators: it is not the listing they name.
	w.Header().Del("ETag")
	w.Header().Del("Last-Modified")
	msg := err.Error()
	if status >= 500 {
		s.log.Error("http_error", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		msg = http.StatusText(status)
	}
	if isPagePath(r.URL.Path) {
		s.renderError(w, r, status, msg)
		return
	}
	writeJSON(w, status, errorBody{Error: msg, Status: status})
}

// isPagePath reports whether path belongs to the HTML catalogue page.
func isPagePath(path string) bool {
	return path == "/" || strings.HasPrefix(path, "/publications/")
}

func (s *server) staticFile(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	s.static.ServeHTTP(w, r)
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	n, err := s.db.Count(r.Context(), harvest.Filter{})
	if err != nil {
		s.log.Error("healthz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "error": "catalogue unreadable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "publications": n})
}

// Serve serves h on ln until ctx is done, then shuts down gracefully:
// it stops accepting, lets requests in flight finish (for up to 10
// seconds) and returns nil. It returns early with the error if serving
// fails.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("shut down %s: %w", ln.Addr(), err)
	}
	return nil
}
