package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"harvest"
	"harvest/export"
	"harvest/internal/termsafe"
)

// errorBody is every error's JSON.
type errorBody struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// badRequest is an error in what the client sent: a 400 whose message
// says what was wrong.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badf(format string, args ...any) error {
	return &badRequest{msg: fmt.Sprintf(format, args...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// HTML escaping (\u003c for <) keeps harvested markup inert even in a
	// client that renders JSON as HTML; termsafe.JSON writes the
	// characters that steer or reorder a terminal (bidirectional
	// overrides, C1 controls) as \u escapes, for a client that prints it
	// (curl). The JSON value is the same.
	enc.SetEscapeHTML(true)
	// Compact, not indented: indenting a list of 50 records cost a third
	// of the answer's time (uncached lists at 500,000 publications: 830
	// -> 1,390 req/s with 32 clients); `| jq` shows it indented.
	if err := enc.Encode(v); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(termsafe.JSON(buf.Bytes())) // the client went away: nothing to do
}

// failErr answers err: 400 for a bad request, 404 for a missing record,
// 500 otherwise.
func (s *server) failErr(w http.ResponseWriter, r *http.Request, err error) {
	var bad *badRequest
	switch {
	case errors.As(err, &bad):
		s.fail(w, r, http.StatusBadRequest, bad)
	case errors.Is(err, harvest.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, err)
	case errors.Is(err, harvest.ErrBadCursor):
		s.fail(w, r, http.StatusBadRequest, errors.New("cursor: invalid, or made for another query (use next_cursor of the same query, unchanged)"))
	case errors.Is(err, harvest.ErrBadQuery):
		s.fail(w, r, http.StatusBadRequest, err)
	case r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
	default:
		s.fail(w, r, http.StatusInternalServerError, err)
	}
}

// params are a request's query parameters, read by one rule for every
// endpoint (the API, the feed, the page): only the known ones, each (but
// the repeatable) at most once; an unknown parameter is a 400 that lists
// the known ones, so that a typo (?sorce=) never passes as an unfiltered
// answer. The parameters link trackers and mailers append to shared links
// (utm_*, fbclid, gclid, mc_cid, mc_eid) are ignored everywhere. Empty
// values count as absent, as a form's empty select sends them.
type params struct {
	v url.Values
}

// trackingParam reports a parameter added by link trackers, not by the
// client's intent.
func trackingParam(k string) bool {
	switch k {
	case "fbclid", "gclid", "mc_cid", "mc_eid":
		return true
	}
	return strings.HasPrefix(k, "utm_")
}

func readParams(r *http.Request, known []string, repeatable ...string) (params, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return params{}, badf("query string: %v", err)
	}
	for k, vals := range v {
		if !slices.Contains(known, k) {
			if trackingParam(k) {
				delete(v, k)
				continue
			}
			if len(known) == 0 {
				return params{}, badf("unknown parameter %q (this endpoint takes none)", k)
			}
			return params{}, badf("unknown parameter %q (known: %s)", k, strings.Join(known, ", "))
		}
		if len(vals) > 1 && !slices.Contains(repeatable, k) {
			return params{}, badf("parameter %q given %d times: give it once", k, len(vals))
		}
	}
	return params{v: v}, nil
}

func (p params) get(k string) string { return strings.TrimSpace(p.v.Get(k)) }

func (p params) all(k string) []string {
	var out []string
	for _, s := range p.v[k] {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Parameters of /api/publications (and, but order and limit, of the page
// and the feed).
var listParams = []string{"q", "source", "tag", "category", "since", "status", "order", "limit", "cursor"}

// maxText bounds the search text.
const maxText = 500

// query reads the filters, text, order, limit and cursor of a listing.
// Without status, only active records are listed; status=all lists
// every record.
func (s *server) query(p params, defaultLimit, maxLimit int) (harvest.Query, error) {
	q := harvest.Query{
		Filter: harvest.Filter{
			Sources:  p.all("source"),
			Tag:      p.get("tag"),
			Category: p.get("category"),
			Status:   harvest.StatusActive,
		},
		Text:   p.get("q"),
		Cursor: p.get("cursor"),
		Limit:  defaultLimit,
	}
	if len(q.Text) > maxText {
		return q, badf("q: %d bytes long; at most %d", len(q.Text), maxText)
	}
	switch st := p.get("status"); st {
	case "", harvest.StatusActive:
	case harvest.StatusRemoved:
		q.Status = harvest.StatusRemoved
	case "all":
		q.Status = ""
	default:
		return q, badf("status %q: want active, removed or all", st)
	}
	if since := p.get("since"); since != "" {
		t, err := export.ParseSince(since, s.now())
		if err != nil {
			return q, badf("since: %v", err)
		}
		q.Since = t
	}
	if l := p.get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			return q, badf("limit %q: want a whole number from 1 to %d", l, maxLimit)
		}
		q.Limit = n
	}
	switch o := harvest.Order(p.get("order")); o {
	case "":
	case harvest.OrderID, harvest.OrderNewest:
		q.Order = o
	case harvest.OrderRank:
		if !harvest.HasSearchTerms(q.Text) {
			return q, badf("order rank: needs search terms in q")
		}
		q.Order = o
	default:
		return q, badf("order %q: want id, newest or rank", o)
	}
	return q, nil
}

// publicationsPage is the JSON of /api/publications.
type publicationsPage struct {
	Publications []harvest.Publication `json:"publications"`
	// Total counts the records the query selects on all pages.
	Total int    `json:"total"`
	Order string `json:"order"`
	Limit int    `json:"limit"`
	// NextCursor and Next (the URL of the next page) are absent on the
	// last page.
	NextCursor string `json:"next_cursor,omitempty"`
	Next       string `json:"next,omitempty"`
}

func (s *server) apiPublications(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r, apiListParams, "source")
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q, err := s.query(p, harvest.DefaultLimit, harvest.MaxLimit)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	format, err := citeFormat(r, p) // cite.go
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	citeHeaders(w)
	w, done := s.validate(w, r, sinceKey(q)+formatKey(format))
	if done {
		return
	}
	defer finish(w)
	res, err := s.db.Search(r.Context(), q)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	out := publicationsPage{Publications: res.Publications, Total: res.Total, Order: string(res.Order), Limit: q.Limit}
	if res.Next != "" {
		out.NextCursor = res.Next
		next := r.URL.Query()
		next.Set("cursor", res.Next)
		out.Next = r.URL.Path + "?" + next.Encode()
	}
	if format != "" {
		nextLink(w, out.Next, out.Total)
		s.writeCite(w, r, format, "publications", out.Publications)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// publicationID reads the {id} of a path.
func publicationID(r *http.Request) (int64, error) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return 0, badf("publication id %q: want a positive whole number", raw)
	}
	return id, nil
}

func (s *server) apiPublication(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r, apiPublicationParams)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	id, err := publicationID(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	format, err := citeFormat(r, p) // cite.go
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	citeHeaders(w)
	w, done := s.validate(w, r, formatKey(format))
	if done {
		return
	}
	defer finish(w)
	pub, err := s.db.Get(r.Context(), id)
	if errors.Is(err, harvest.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("publication %d not found", id))
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if format != "" {
		s.writeCite(w, r, format, "publication-"+strconv.FormatInt(id, 10), []harvest.Publication{pub})
		return
	}
	out, err := s.withLinkHealth(r, pub)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// runJSON is a run in the API.
type runJSON struct {
	ID         int64      `json:"id"`
	Source     string     `json:"source"`
	Started    time.Time  `json:"started"`
	Finished   *time.Time `json:"finished"` // null while running
	Status     string     `json:"status"`
	Pages      int        `json:"pages"`
	Errors     int        `json:"errors"`
	New        int        `json:"new"`
	Changed    int        `json:"changed"`
	Unchanged  int        `json:"unchanged"`
	Duplicates int        `json:"duplicates"`
	Note       string     `json:"note"`
}

func toRunJSON(r harvest.Run) runJSON {
	out := runJSON{
		ID: r.ID, Source: r.Source, Started: r.Started.UTC(), Status: r.Status,
		Pages: r.Pages, Errors: r.Errors, New: r.New, Changed: r.Changed,
		Unchanged: r.Unchanged, Duplicates: r.Duplicates, Note: r.Note,
	}
	if !r.Finished.IsZero() {
		f := r.Finished.UTC()
		out.Finished = &f
	}
	return out
}

type sourceJSON struct {
	Name string `json:"name"`
	// Publications counts records by status, and in all.
	Publications map[string]int `json:"publications"`
	// Runs counts runs by run status, and in all.
	Runs         map[string]int `json:"runs"`
	PagesFetched int            `json:"pages_fetched"`
	Errors       int            `json:"errors"`
	LastRun      *runJSON       `json:"last_run"` // null if never crawled
}

func withTotal(m map[string]int, keys ...string) map[string]int {
	out := map[string]int{"total": 0}
	for _, k := range keys {
		out[k] = 0
	}
	for k, n := range m {
		out[k] = n
		out["total"] += n
	}
	return out
}

func (s *server) apiSources(w http.ResponseWriter, r *http.Request) {
	if _, err := readParams(r, nil); err != nil {
		s.failErr(w, r, err)
		return
	}
	w, done := s.validate(w, r, "")
	if done {
		return
	}
	defer finish(w)
	sources, err := s.db.Sources(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	out := struct {
		Sources []sourceJSON `json:"sources"`
	}{Sources: []sourceJSON{}}
	for _, src := range sources {
		j := sourceJSON{
			Name:         src.Name,
			Publications: withTotal(src.Publications, harvest.StatusActive, harvest.StatusRemoved),
			Runs:         withTotal(src.Runs),
			PagesFetched: src.Pages,
			Errors:       src.Errors,
		}
		if src.LastRun != nil {
			lr := toRunJSON(*src.LastRun)
			j.LastRun = &lr
		}
		out.Sources = append(out.Sources, j)
	}
	writeJSON(w, http.StatusOK, out)
}

// Runs are listed newest first; a runs cursor is the id of the last run
// of the previous page.
const (
	defaultRunsLimit = 100
	maxRunsLimit     = 1000
)

func (s *server) apiRuns(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r, []string{"source", "limit", "cursor"})
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	limit := defaultRunsLimit
	if l := p.get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxRunsLimit {
			s.failErr(w, r, badf("limit %q: want a whole number from 1 to %d", l, maxRunsLimit))
			return
		}
		limit = n
	}
	var after int64
	if c := p.get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		id, perr := strconv.ParseInt(strings.TrimPrefix(string(b), "run:"), 10, 64)
		if err != nil || perr != nil || !strings.HasPrefix(string(b), "run:") || id <= 0 {
			s.failErr(w, r, badf("cursor: invalid (use next_cursor of the previous page, unchanged)"))
			return
		}
		after = id
	}
	w, done := s.validate(w, r, "")
	if done {
		return
	}
	defer finish(w)
	runs, more, err := s.db.RunsPage(r.Context(), p.get("source"), after, limit)
	if errors.Is(err, harvest.ErrBadCursor) {
		s.failErr(w, r, badf("cursor: invalid (use next_cursor of the previous page, unchanged)"))
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	out := struct {
		Runs       []runJSON `json:"runs"`
		NextCursor string    `json:"next_cursor,omitempty"`
		Next       string    `json:"next,omitempty"`
	}{Runs: []runJSON{}}
	for _, run := range runs {
		out.Runs = append(out.Runs, toRunJSON(run))
	}
	if more {
		out.NextCursor = base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "run:%d", runs[len(runs)-1].ID))
		next := r.URL.Query()
		next.Set("cursor", out.NextCursor)
		out.Next = r.URL.Path + "?" + next.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) apiSchema(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/schema+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(export.Schema)
}

func (s *server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, fmt.Errorf("no such endpoint %s (see /api/publications, /api/sources, /api/runs, /api/schema)", r.URL.Path))
}
