package harvest

import (
	"context"
	"time"
)

// Download link health: every download link of the publications a run
// sees is checked at the run's end (crawler.LinkChecker), and the
// catalogue keeps the latest check of each (source, download URL).

// Link states.
const (
	// LinkOK: the link answered with the file (2xx, or 304 to a
	// conditional request).
	LinkOK = "ok"
	// LinkFailing: the last checks failed in a way that may pass (5xx,
	// 429, a timeout, a broken connection, another 4xx); fewer than
	// LinkFailingLimit checks in a row so far.
	LinkFailing = "failing"
	// LinkBroken: 404 or 410, a host that is gone, HTML where a document
	// was, or a failure that persisted for LinkFailingLimit checks.
	LinkBroken = "broken"
	// LinkSkipped: not checked (robots.txt disallows it, the network
	// guard refuses its address). Links that are not http(s) URLs
	// (mailto:) are not checked, nor recorded.
	LinkSkipped = "skipped"
)

// Kinds of link trouble (LinkCheck.Kind); empty while the link is fine.
const (
	LinkNotFound    = "not_found"    // 404
	LinkGone        = "gone"         // 410
	LinkHostGone    = "host_gone"    // DNS NXDOMAIN, connection refused (after retries)
	LinkHTML        = "html"         // an HTML page where a document was, or was linked
	LinkServerError = "server_error" // 5xx
	LinkRateLimited = "rate_limited" // 429
	LinkHTTPError   = "http_error"   // another 4xx (401, 403, ...)
	LinkNetwork     = "network"      // timeout, reset, TLS, too many redirects
	LinkRobots      = "robots"       // disallowed by robots.txt (skipped)
	LinkBlocked     = "blocked"      // a private address the network guard refuses (skipped)
)

// LinkFailingLimit is how many checks in a row (one per run) a link may
// fail in a way that may pass before it counts as broken: a server down
// for a night is not a broken link, one down for three runs is.
const LinkFailingLimit = 3

// LinkCheck is the latest check of one download URL of a source.
type LinkCheck struct {
	Source string `json:"source"`
	URL    string `json:"url"`
	// State is one of the Link* states; Kind says what is wrong (empty
	// while ok).
	State string `json:"state"`
	Kind  string `json:"kind,omitempty"`
	// Status is the last HTTP status (0: no answer); FinalURL the URL
	// answered after redirects.
	Status   int    `json:"status"`
	FinalURL string `json:"final_url,omitempty"`
	// MediaType, Size (Content-Length, 0 when unknown), ETag and
	// LastModified are those of the last answer with the file (2xx, or
	// an HTML page that broke the link): a 404 keeps them, so that the
	// file's return is recognised.
	MediaType    string    `json:"media_type,omitempty"`
	Size         int64     `json:"size,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Checked      time.Time `json:"checked"`
	// BrokenSince is when the link was first seen broken; nil while it
	// is not broken.
	BrokenSince *time.Time `json:"broken_since,omitempty"`
	// Failures counts the failing checks in a row.
	Failures int `json:"failures,omitempty"`
	// Changed is when the file was last seen to change (its ETag,
	// Last-Modified or size); nil when it never was.
	Changed *time.Time `json:"changed,omitempty"`
	// Error is the last failure's message.
	Error string `json:"error,omitempty"`
}

// Broken reports whether the link is broken.
func (c LinkCheck) Broken() bool { return c.State == LinkBroken }

// LinkReport is a link as `harvest links` and /api/links list it: a
// download of an active or removed record with its latest check.
type LinkReport struct {
	PublicationID int64  `json:"publication_id"`
	Title         string `json:"title"`
	LinkCheck
}

// LinkQuery selects links: all checked download links of the records of
// Sources (all when empty), or only the broken ones; broken links come
// first (oldest breakage first), then by publication id and URL. Limit
// bounds one page (0: DefaultLimit) and Offset skips as many.
type LinkQuery struct {
	Sources []string
	Broken  bool
	Limit   int
	Offset  int
}

// LinkCount counts a source's checked links by state.
type LinkCount struct {
	Source  string
	Checked int
	// ByState counts by Link* state.
	ByState map[string]int
}

// LinkChecks is where the link checks are kept: the harvester reads the
// last check of each link before checking it again and records the new
// one.
type LinkChecks interface {
	// LastLinkChecks returns the latest check of each of a source's
	// URLs (by URL key), keyed by the URL as given; URLs never checked
	// are absent.
	LastLinkChecks(ctx context.Context, source string, urls []string) (map[string]LinkCheck, error)
	// RecordLinkCheck keeps c as the latest check of its URL. When
	// fileChanged, the file's validator or size changed since the last
	// check: every record of the source that links to it is marked
	// changed at c.Checked (its last_changed moves; its content, and
	// content hash, stay as they are). It returns how many records were.
	RecordLinkCheck(ctx context.Context, c LinkCheck, fileChanged bool) (int, error)
}

// LinkReader is the read side of link health, for `harvest links`, the
// API, the page and the metrics.
type LinkReader interface {
	// Links returns one page of the links q selects, and whether more
	// follow.
	Links(ctx context.Context, q LinkQuery) ([]LinkReport, bool, error)
	// LastLinkChecks is LinkChecks' (see HealthOf for a record's).
	LastLinkChecks(ctx context.Context, source string, urls []string) (map[string]LinkCheck, error)
	// LinkCounts counts each source's checked links by state.
	LinkCounts(ctx context.Context) ([]LinkCount, error)
}

// DownloadURLs lists the URLs of a record's downloads, in order.
func DownloadURLs(p Publication) []string {
	urls := make([]string, 0, len(p.Downloads))
	for _, d := range p.Downloads {
		urls = append(urls, d.URL)
	}
	return urls
}

// HealthOf returns the latest checks of a record's downloads (last, as
// LastLinkChecks read them for DownloadURLs(p)), in the order of its
// downloads; those never checked are absent.
func HealthOf(p Publication, last map[string]LinkCheck) []LinkCheck {
	out := []LinkCheck{}
	for _, d := range p.Downloads {
		if c, ok := last[d.URL]; ok {
			out = append(out, c)
		}
	}
	return out
}

// AddLinkCount adds n links of source in state to counts (sorted by
// source, as the backends read them), for the backends' LinkCounts.
// Skipped links are not counted as checked.
func AddLinkCount(counts []LinkCount, source, state string, n int) []LinkCount {
	if len(counts) == 0 || counts[len(counts)-1].Source != source {
		counts = append(counts, LinkCount{Source: source, ByState: map[string]int{}})
	}
	c := &counts[len(counts)-1]
	c.ByState[state] += n
	if state != LinkSkipped {
		c.Checked += n
	}
	return counts
}
