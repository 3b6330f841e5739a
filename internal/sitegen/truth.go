package sitegen

import "strconv"

// Truth is the record a perfect harvester extracts from one live
// publication page. Paths are relative to the site root: join them to the
// address the site is served at.
type Truth struct {
	// Index is the publication's index, for Edit, Remove and Restore.
	Index int
	// Path is the page's path, "/resource/<slug>/".
	Path string
	// Title is decoded, without the " – Northstar Network" suffix.
	Title string
	// Summary is the summary paragraph with hyphenation breaks repaired
	// and suspended hyphens ("pre- and post-departure") kept.
	Summary string
	// Categories and Tags are the page's own terms, in the page's order
	// (never those of the related block).
	Categories []string
	Tags       []string
	Downloads  []TruthDownload
	Publisher  string
	// Published is YYYY-MM-DD when the page shows its posting date and
	// that date falls in the citation's year, else the citation's YYYY.
	Published string
	Language  string
}

// TruthDownload is one document link of a publication page.
type TruthDownload struct {
	Path      string // relative to the site root
	Label     string // the link's text
	MediaType string
}

// Truth lists the expected record of every live publication, by index.
func (s *Site) Truth() []Truth {
	s.mu.RLock()
	states := make([]pubState, len(s.pubs))
	copy(states, s.pubs)
	s.mu.RUnlock()
	out := make([]Truth, 0, len(states))
	for i, st := range states {
		if !st.removed {
			out = append(out, s.truth(i, st))
		}
	}
	return out
}

func (s *Site) truth(i int, st pubState) Truth {
	b := s.pub(i, st)
	_, clean := s.summary(&b.meta, b.citationYear(b.posted), st.edits)
	t := Truth{
		Index: i, Path: b.path(), Title: b.title, Summary: clean,
		Categories: make([]string, len(b.types)), Tags: make([]string, len(b.tags)),
		Publisher: b.publisher, Published: b.published(b.posted), Language: "en",
	}
	for k, x := range b.types {
		t.Categories[k] = typeNames[x]
	}
	for k, x := range b.tags {
		t.Tags[k] = tagNames[x]
	}
	for _, d := range b.downloads(b.slug, b.posted) {
		t.Downloads = append(t.Downloads, TruthDownload{Path: d.path, Label: d.label, MediaType: d.mediaType})
	}
	return t
}

// ListingPaths returns listing pages: the home page, every page of
// /resources/ and of each type and tag archive, in that order; or, when
// limit is positive and smaller than their number, limit of them spread
// evenly over that order (the home page first). None of them is a
// publication.
func (s *Site) ListingPaths(limit int) []string {
	s.mu.RLock()
	all := []string{"/"}
	add := func(root string, n int) {
		all = append(all, root)
		for i := 2; (i-1)*perPage < n; i++ {
			all = append(all, root+"page/"+strconv.Itoa(i)+"/")
		}
	}
	add("/resources/", len(s.order))
	for t := range typeNames {
		add("/resource-type/"+typeSlugs[t]+"/", len(s.byType[t]))
	}
	for t := range tagNames {
		add("/tag/"+tagSlugs[t]+"/", len(s.byTag[t]))
	}
	s.mu.RUnlock()
	if limit <= 0 || limit >= len(all) {
		return all
	}
	out := make([]string, limit)
	for k := range out {
		out[k] = all[k*len(all)/limit]
	}
	return out
}
