package demosite

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"harvest"
)

// Expected is the record a perfect harvester produces for one publication
// of the demo site. URLs are paths relative to the site root: join them to
// the base URL the site was served at.
type Expected struct {
	// URL is the primary slug's path, e.g. "/resource/slug/".
	URL string `json:"url"`
	// AltURLs are the other paths serving the same publication.
	AltURLs []string `json:"alt_urls"`
	// Title is decoded, without the " – Lantern Coalition" suffix.
	Title string `json:"title"`
	// Summary is the summary paragraph with hyphenation breaks repaired,
	// suspended hyphens kept and white space normalised.
	Summary    string   `json:"summary"`
	Categories []string `json:"categories"`
	Tags       []string `json:"tags"`
	// Downloads have URL paths (relative to the site root), the link's
	// visible text as Label, and the document's media type.
	Downloads []harvest.Download `json:"downloads"`
	Publisher string             `json:"publisher"`
	// Published is YYYY-MM-DD when the page's own date falls in the
	// citation's year, else the citation's YYYY.
	Published string `json:"published"`
	Language  string `json:"language"`
}

// Truth lists, one entry per distinct publication, the records a perfect
// harvest of the demo site yields. It is written by hand in
// site/truth.json; the tests check it against the pages.
func Truth() []Expected {
	b, err := files.ReadFile("site/truth.json")
	if err != nil {
		panic(fmt.Sprintf("demosite: %v", err))
	}
	var out []Expected
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		panic(fmt.Sprintf("demosite: parse truth.json: %v", err))
	}
	for i := range out {
		if out[i].AltURLs == nil {
			out[i].AltURLs = []string{}
		}
		if out[i].Tags == nil {
			out[i].Tags = []string{}
		}
	}
	return out
}

// SiteName is the name the site appends to its page titles and gives as
// og:site_name.
const SiteName = "Lantern Coalition"

// Stats counts the distinct publications (len(Truth())) and the listing
// pages the site serves (len(ListingPaths())).
func Stats() (publications, listings int) {
	return len(Truth()), len(ListingPaths())
}

// ListingPaths lists every listing page of the site (home, the paginated
// resource archive, type and tag archives with their pages): pages that
// feed discovery and must never become records. The calendar, about,
// contact and privacy pages are not listings and are not included.
func ListingPaths() []string {
	s, err := newSite()
	if err != nil {
		panic(fmt.Sprintf("demosite: %v", err))
	}
	out := []string{"/"}
	add := func(root string, n int) {
		for i := 1; i == 1 || (i-1)*perPage < n; i++ {
			if i == 1 {
				out = append(out, root)
			} else {
				out = append(out, root+"page/"+strconv.Itoa(i)+"/")
			}
		}
	}
	add("/resources/", len(s.archiveItems("resources", "")))
	for _, t := range s.data.Types {
		add("/resource-type/"+t.Slug+"/", len(s.archiveItems("resource-type", t.Slug)))
	}
	for _, t := range s.data.Tags {
		add("/tag/"+t.Slug+"/", len(s.archiveItems("tag", t.Slug)))
	}
	return slices.Clip(out)
}
