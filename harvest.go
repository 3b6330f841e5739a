// Package harvest holds the domain types shared by the crawler, the
// extractor and the catalogue store. It does no I/O.
package harvest

import "time"

// Download is a document linked from a publication's own content.
type Download struct {
	URL       string `json:"url"`
	Label     string `json:"label"`
	MediaType string `json:"media_type"`
	// SHA256, Size and LocalPath describe the file's local copy when its
	// source mirrors files (mirror_files); empty otherwise. SHA256 is part
	// of the record's content: a changed file is a changed record.
	SHA256    string `json:"sha256,omitempty"`
	Size      int64  `json:"size,omitempty"`
	LocalPath string `json:"local_path,omitempty"`
}

// Link is a link with the words it was given on the page.
type Link struct {
	URL   string `json:"url"`
	Label string `json:"label"`
}

// Publication is one catalogue record: what the extractor found on a
// publication page, plus the bookkeeping the store adds.
type Publication struct {
	ID           int64      `json:"id"`
	Source       string     `json:"source"`
	URL          string     `json:"url"`
	CanonicalURL string     `json:"canonical_url"`
	Title        string     `json:"title"`
	Summary      string     `json:"summary"`
	Categories   []string   `json:"categories"`
	Tags         []string   `json:"tags"`
	Downloads    []Download `json:"downloads"`
	Publisher    string     `json:"publisher"`
	// Published is the document's own date: YYYY-MM-DD, or YYYY where
	// only the year is known, or empty when unknown.
	Published string `json:"published,omitempty"`
	// Posted is when the page itself was first published, and Modified
	// when it was last modified, as the page says (YYYY-MM-DD); empty when
	// it does not say. A report of 2019 posted in 2021 has Published
	// "2019" and Posted "2021-03-04".
	Posted   string `json:"posted,omitempty"`
	Modified string `json:"modified,omitempty"`
	// ExternalLinks are links to the publication itself on another site
	// ("View on the publisher's website"), for a page whose document lives
	// elsewhere; absolute URLs.
	ExternalLinks []Link `json:"external_links"`
	Language      string `json:"language"`
	// Authors are the people or bodies credited as authors.
	Authors []string `json:"authors"`
	// Image is the publication's cover or share image (absolute URL).
	Image string `json:"image"`
	// SiteName is the name of the site that lists the publication.
	SiteName string `json:"site_name"`
	// Type is the kind of publication where the page says (report, guide,
	// article, dataset, ...), lower case.
	Type string `json:"type"`
	// Status is "active", or "removed" once the site no longer has it.
	Status string `json:"status"`
	// RemovedAt is when it was marked removed; nil while active.
	RemovedAt     *time.Time `json:"removed_at,omitempty"`
	FirstSeen     time.Time  `json:"first_seen"`
	LastSeen      time.Time  `json:"last_seen"`
	LastChanged   time.Time  `json:"last_changed"`
	DuplicateURLs []string   `json:"duplicate_urls"`
}

// Normalize replaces nil lists with empty ones so that every export shows
// the same shape ([] rather than null).
func (p *Publication) Normalize() {
	if p.Categories == nil {
		p.Categories = []string{}
	}
	if p.Tags == nil {
		p.Tags = []string{}
	}
	if p.Downloads == nil {
		p.Downloads = []Download{}
	}
	if p.Authors == nil {
		p.Authors = []string{}
	}
	if p.ExternalLinks == nil {
		p.ExternalLinks = []Link{}
	}
	if p.DuplicateURLs == nil {
		p.DuplicateURLs = []string{}
	}
}
