package web

import (
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"harvest"
)

// The Atom feed (RFC 4287) of the newest publications: the records first
// found most recently, newest first.
const (
	atomNS           = "http://www.w3.org/2005/Atom"
	defaultFeedLimit = 50
	maxFeedLimit     = 200
)

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator atomGen     `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Title string `xml:"title,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomGen struct {
	URI  string `xml:"uri,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
}

// baseURL is the scheme and host the request came to.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// entryID is an entry's permanent id: a name-based UUID (version 5 form)
// of the record's source and canonical URL, so that it survives a
// rebuilt catalogue and is a valid IRI whatever the URL holds.
func entryID(p harvest.Publication) string {
	h := sha1.Sum([]byte("harvest\x00" + p.Source + "\x00" + p.CanonicalURL))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *server) feed(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r, []string{"q", "source", "tag", "category", "limit"}, "source")
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q, err := s.query(p, defaultFeedLimit, maxFeedLimit)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q.Order = harvest.OrderNewest
	w, done := s.validate(w, r, "")
	if done {
		return
	}
	defer finish(w)
	res, err := s.db.Search(r.Context(), q)
	if err != nil {
		s.failErr(w, r, err)
		return
	}

	base := baseURL(r)
	sel := url.Values{}
	var about []string
	for _, src := range q.Sources {
		sel.Add("source", src)
		about = append(about, "source "+src)
	}
	if q.Tag != "" {
		sel.Set("tag", q.Tag)
		about = append(about, "tag "+q.Tag)
	}
	if q.Category != "" {
		sel.Set("category", q.Category)
		about = append(about, "category "+q.Category)
	}
	if q.Text != "" {
		sel.Set("q", q.Text)
		about = append(about, "search "+q.Text)
	}
	self := base + "/feed.atom"
	page := base + "/"
	if len(sel) > 0 {
		self += "?" + sel.Encode()
		page += "?" + sel.Encode()
	}
	title := "harvest catalogue: newest publications"
	if len(about) > 0 {
		title += " (" + strings.Join(about, ", ") + ")"
	}
	feed := atomFeed{
		ID:    self,
		Title: atomText{Type: "text", Text: title},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: page},
		},
		Author:    atomPerson{Name: "harvest"},
		Generator: atomGen{URI: "https://github.com/harvest-catalogue/harvest", Text: "harvest"},
	}
	var updated time.Time
	for _, pub := range res.Publications {
		feed.Entries = append(feed.Entries, entry(base, pub))
		if pub.LastChanged.After(updated) {
			updated = pub.LastChanged
		}
	}
	if updated.IsZero() {
		updated = s.now()
	}
	feed.Updated = atomTime(updated)

	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if w.Header().Get("Last-Modified") == "" { // the catalogue's version was unreadable
		w.Header().Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
	}
	if _, err := w.Write([]byte(xml.Header)); err != nil {
		return
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.log.Warn("feed_write", "err", err)
	}
}

// webURL reports whether u is an absolute http or https URL: the only
// links the feed carries, since feed readers do not all refuse others
// (javascript:, data:).
func webURL(u string) bool {
	parsed, err := url.Parse(u)
	return err == nil && (parsed.Scheme == "http" || parsed.Scheme == "https") && parsed.Host != ""
}

func entry(base string, p harvest.Publication) atomEntry {
	page := fmt.Sprintf("%s/publications/%d", base, p.ID)
	alternate := p.URL
	if !webURL(alternate) {
		alternate = page
	}
	e := atomEntry{
		ID:        entryID(p),
		Title:     atomText{Type: "text", Text: p.Title},
		Updated:   atomTime(p.LastChanged),
		Published: published(p),
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: alternate},
			{Rel: "related", Type: "text/html", Href: page, Title: "in the catalogue"},
		},
	}
	if e.Title.Text == "" {
		e.Title.Text = p.URL
	}
	if p.Summary != "" {
		e.Summary = &atomText{Type: "text", Text: p.Summary}
	}
	for _, a := range p.Authors {
		e.Authors = append(e.Authors, atomPerson{Name: a})
	}
	if len(e.Authors) == 0 && p.Publisher != "" {
		e.Authors = append(e.Authors, atomPerson{Name: p.Publisher})
	}
	for _, c := range p.Categories {
		e.Categories = append(e.Categories, atomCategory{Term: c, Scheme: base + "/?category=", Label: c})
	}
	for _, t := range p.Tags {
		e.Categories = append(e.Categories, atomCategory{Term: t, Scheme: base + "/?tag=", Label: t})
	}
	for _, d := range p.Downloads {
		if !webURL(d.URL) {
			continue
		}
		e.Links = append(e.Links, atomLink{Rel: "enclosure", Type: d.MediaType, Href: d.URL, Title: d.Label})
	}
	for _, l := range p.ExternalLinks {
		if !webURL(l.URL) {
			continue
		}
		e.Links = append(e.Links, atomLink{Rel: "related", Href: l.URL, Title: linkText(l)})
	}
	return e
}

// published is an entry's publication time: when the page itself was
// first published (posted, a day: its midnight UTC) where the page says,
// else when the catalogue first found it.
func published(p harvest.Publication) string {
	if t, err := time.Parse(time.DateOnly, p.Posted); err == nil {
		return atomTime(t)
	}
	return atomTime(p.FirstSeen)
}
