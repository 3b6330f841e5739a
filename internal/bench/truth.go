package bench

import (
	"slices"

	"harvest"
	"harvest/internal/sitegen"
)

// Accuracy compares a catalogue with the generated site's truth.
type Accuracy struct {
	Expected, Found, Exact int
	// Wrong counts, per field, the records whose field differs.
	Wrong map[string]int
	// Extra counts records that are no publication of the site.
	Extra int
}

// Check compares the records of a crawl of the site at base with truth.
func Check(base string, truth []sitegen.Truth, records []harvest.Publication) Accuracy {
	a := Accuracy{Expected: len(truth), Wrong: map[string]int{}}
	byURL := map[string]harvest.Publication{}
	for _, p := range records {
		byURL[p.URL] = p
		for _, d := range p.DuplicateURLs {
			byURL[d] = p
		}
	}
	matched := map[int64]bool{}
	for _, t := range truth {
		p, ok := byURL[base+t.Path]
		if !ok {
			continue
		}
		a.Found++
		matched[p.ID] = true
		exact := true
		wrong := func(field string, bad bool) {
			if bad {
				a.Wrong[field]++
				exact = false
			}
		}
		wrong("title", p.Title != t.Title)
		wrong("summary", p.Summary != t.Summary)
		wrong("categories", !slices.Equal(p.Categories, nonNil(t.Categories)))
		wrong("tags", !slices.Equal(p.Tags, nonNil(t.Tags)))
		wrong("publisher", p.Publisher != t.Publisher)
		wrong("published", p.Published != t.Published)
		wrong("language", p.Language != t.Language)
		badDL := len(p.Downloads) != len(t.Downloads)
		for i := 0; !badDL && i < len(t.Downloads); i++ {
			d := p.Downloads[i]
			badDL = d.URL != base+t.Downloads[i].Path || d.Label != t.Downloads[i].Label || d.MediaType != t.Downloads[i].MediaType
		}
		wrong("downloads", badDL)
		if exact {
			a.Exact++
		}
	}
	for _, p := range records {
		if !matched[p.ID] {
			a.Extra++
		}
	}
	return a
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
