package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"harvest"
)

// Download link health, where the catalogue keeps it (a
// harvest.LinkReader: both backends): /api/links, the link_health of a
// record's JSON, the "broken since" label of the page and the link
// gauges of /metrics.

// linkReader returns the catalogue's link health, or nil.
func (s *server) linkReader() harvest.LinkReader {
	lr, _ := s.db.(harvest.LinkReader)
	return lr
}

// publicationJSON is a record as /api/publications/{id} answers it: the
// export's record and its downloads' latest checks (export's schema
// describes link_health; an export leaves it out).
type publicationJSON struct {
	harvest.Publication
	LinkHealth []harvest.LinkCheck `json:"link_health"`
}

// withLinkHealth adds the record's link health to its JSON.
func (s *server) withLinkHealth(r *http.Request, p harvest.Publication) (any, error) {
	lr := s.linkReader()
	if lr == nil {
		return p, nil
	}
	last, err := lr.LastLinkChecks(r.Context(), p.Source, harvest.DownloadURLs(p))
	if err != nil {
		return nil, err
	}
	return publicationJSON{Publication: p, LinkHealth: harvest.HealthOf(p, last)}, nil
}

// brokenSince maps each broken download URL of a record to when it was
// first seen broken, for the page.
func (s *server) brokenSince(r *http.Request, p harvest.Publication) (map[string]*time.Time, error) {
	lr := s.linkReader()
	if lr == nil {
		return nil, nil
	}
	last, err := lr.LastLinkChecks(r.Context(), p.Source, harvest.DownloadURLs(p))
	if err != nil {
		return nil, err
	}
	out := map[string]*time.Time{}
	for _, c := range harvest.HealthOf(p, last) {
		if c.Broken() && c.BrokenSince != nil {
			out[c.URL] = c.BrokenSince
		}
	}
	return out, nil
}

// linkJSON is a link in /api/links.
type linkJSON struct {
	PublicationID int64  `json:"publication_id"`
	Title         string `json:"title"`
	harvest.LinkCheck
}

// Links are listed in pages as the other lists; a links cursor is the
// offset of the next page (the list is short and ordered by state).
func (s *server) apiLinks(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r, []string{"broken", "source", "limit", "cursor"}, "source")
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q := harvest.LinkQuery{Sources: p.all("source"), Limit: harvest.DefaultLimit}
	switch b := p.get("broken"); b {
	case "", "0", "false":
	case "1", "true":
		q.Broken = true
	default:
		s.failErr(w, r, badf("broken %q: want 1 or 0", b))
		return
	}
	if l := p.get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > harvest.MaxLimit {
			s.failErr(w, r, badf("limit %q: want a whole number from 1 to %d", l, harvest.MaxLimit))
			return
		}
		q.Limit = n
	}
	if c := p.get("cursor"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 {
			s.failErr(w, r, badf("cursor: invalid (use next_cursor of the previous page, unchanged)"))
			return
		}
		q.Offset = n
	}
	lr := s.linkReader()
	if lr == nil {
		s.fail(w, r, http.StatusNotFound, errors.New("this catalogue keeps no link health"))
		return
	}
	w, done := s.validate(w, r, "")
	if done {
		return
	}
	defer finish(w)
	links, more, err := lr.Links(r.Context(), q)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	out := struct {
		Links      []linkJSON `json:"links"`
		Limit      int        `json:"limit"`
		NextCursor string     `json:"next_cursor,omitempty"`
		Next       string     `json:"next,omitempty"`
	}{Links: []linkJSON{}, Limit: q.Limit}
	for _, l := range links {
		out.Links = append(out.Links, linkJSON{PublicationID: l.PublicationID, Title: l.Title, LinkCheck: l.LinkCheck})
	}
	if more {
		out.NextCursor = strconv.Itoa(q.Offset + len(links))
		next := r.URL.Query()
		next.Set("cursor", out.NextCursor)
		out.Next = r.URL.Path + "?" + next.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

var (
	descLinksChecked = prometheus.NewDesc("harvest_links_checked",
		"Download links of active publications checked (not skipped), by source.", []string{"source"}, nil)
	descLinksBroken = prometheus.NewDesc("harvest_links_broken",
		"Download links of active publications found broken, by source.", []string{"source"}, nil)
	descLinks = prometheus.NewDesc("harvest_links",
		"Download links of active publications by the state of their last check (ok, failing, broken, skipped), by source.", []string{"source", "state"}, nil)
)

// linkStates are the states reported for every source.
var linkStates = []string{harvest.LinkOK, harvest.LinkFailing, harvest.LinkBroken, harvest.LinkSkipped}

// collectLinks sends the link gauges.
func (c catalogueCollector) collectLinks(ch chan<- prometheus.Metric) {
	lr, ok := c.db.(harvest.LinkReader)
	if !ok {
		return
	}
	counts, err := lr.LinkCounts(c.ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descLinks, fmt.Errorf("link counts: %w", err))
		return
	}
	for _, lc := range counts {
		ch <- prometheus.MustNewConstMetric(descLinksChecked, prometheus.GaugeValue, float64(lc.Checked), lc.Source)
		ch <- prometheus.MustNewConstMetric(descLinksBroken, prometheus.GaugeValue, float64(lc.ByState[harvest.LinkBroken]), lc.Source)
		for _, st := range linkStates {
			ch <- prometheus.MustNewConstMetric(descLinks, prometheus.GaugeValue, float64(lc.ByState[st]), lc.Source, st)
		}
	}
}
