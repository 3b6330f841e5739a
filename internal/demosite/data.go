package demosite

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// siteData is site/publications.json.
type siteData struct {
	Site         siteInfo            `json:"site"`
	Types        []term              `json:"types"`
	Tags         []term              `json:"tags"`
	LeakLists    map[string][]string `json:"leak_lists"`
	Publications []*pub              `json:"publications"`
	Private      *pub                `json:"private"`
}

type siteInfo struct {
	Name     string `json:"name"`
	FullName string `json:"full_name"`
	Tagline  string `json:"tagline"`
}

// term is a resource type (category) or a tag.
type term struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
	ID   int    `json:"id"`
}

// pub is one publication as the site's database holds it. Summary is the
// text as pasted from the PDF, hyphenation breaks and all.
type pub struct {
	ID        int        `json:"id"`
	Slug      string     `json:"slug"`
	Title     string     `json:"title"`
	Summary   string     `json:"summary"`
	Types     []string   `json:"types"`
	Tags      []string   `json:"tags"`
	Publisher string     `json:"publisher"`
	Year      int        `json:"year"`
	Date      string     `json:"date"`      // WordPress post date, YYYY-MM-DD
	HideDate  bool       `json:"hide_date"` // the page shows no date at all
	Modified  string     `json:"modified"`
	Variant   string     `json:"variant"` // "a", "b" or "c": see detail.html
	Charset   string     `json:"charset"` // "" for UTF-8
	Leak      string     `json:"leak"`
	LeakStyle string     `json:"leak_style"` // "p", "div" or "br"
	Downloads []download `json:"downloads"`
	Unlisted  bool       `json:"unlisted"` // reachable only through the sitemap
	Alt       *altSlug   `json:"alt"`      // published a second time under another slug
	Related   []string   `json:"related"`  // explicit related slugs; computed when empty

	posted time.Time
}

type download struct {
	URL   string `json:"url"`
	Label string `json:"label"`
	Intro string `json:"intro"` // text before a second download's link
}

type altSlug struct {
	ID   int    `json:"id"`
	Slug string `json:"slug"`
}

// entry is one URL under which a publication is served: its primary slug,
// or the second slug of the duplicate.
type entry struct {
	*pub
	ID    int
	Slug  string
	IsAlt bool
}

func (e entry) Path() string { return "/resource/" + e.Slug + "/" }

func parseData(b []byte) (*siteData, error) {
	var d siteData
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("parse publications.json: %w", err)
	}
	all := append(slices.Clone(d.Publications), d.Private)
	for _, p := range all {
		t, err := time.Parse(time.DateOnly, p.Date)
		if err != nil {
			return nil, fmt.Errorf("publication %s: date: %w", p.Slug, err)
		}
		p.posted = t.Add(9*time.Hour + 30*time.Minute)
		if p.Modified != "" {
			if _, err := time.Parse(time.DateOnly, p.Modified); err != nil {
				return nil, fmt.Errorf("publication %s: modified: %w", p.Slug, err)
			}
		}
		if _, ok := d.LeakLists[p.Leak]; !ok {
			return nil, fmt.Errorf("publication %s: unknown leak list %q", p.Slug, p.Leak)
		}
		for _, t := range p.Types {
			if d.typeBy(t) == nil {
				return nil, fmt.Errorf("publication %s: unknown type %q", p.Slug, t)
			}
		}
		for _, t := range p.Tags {
			if d.tagBy(t) == nil {
				return nil, fmt.Errorf("publication %s: unknown tag %q", p.Slug, t)
			}
		}
		if len(p.Downloads) == 0 {
			return nil, fmt.Errorf("publication %s: no download", p.Slug)
		}
	}
	return &d, nil
}

func (d *siteData) typeBy(name string) *term {
	for i := range d.Types {
		if d.Types[i].Name == name || d.Types[i].Slug == name {
			return &d.Types[i]
		}
	}
	return nil
}

func (d *siteData) tagBy(name string) *term {
	for i := range d.Tags {
		if d.Tags[i].Name == name || d.Tags[i].Slug == name {
			return &d.Tags[i]
		}
	}
	return nil
}

// entries lists every publicly served detail page, newest first, the
// duplicate's second slug included.
func (d *siteData) entries() []entry {
	var es []entry
	for _, p := range d.Publications {
		es = append(es, entry{pub: p, ID: p.ID, Slug: p.Slug})
		if p.Alt != nil {
			es = append(es, entry{pub: p, ID: p.Alt.ID, Slug: p.Alt.Slug, IsAlt: true})
		}
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		if c := b.posted.Compare(a.posted); c != 0 {
			return c
		}
		return b.ID - a.ID
	})
	return es
}

// listed is what listings, archives and widgets show: every entry except
// the sitemap-only ones.
func (d *siteData) listed() []entry {
	var es []entry
	for _, e := range d.entries() {
		if !e.Unlisted {
			es = append(es, e)
		}
	}
	return es
}

func (d *siteData) entryBySlug(slug string) (entry, bool) {
	for _, e := range d.entries() {
		if e.Slug == slug {
			return e, true
		}
	}
	return entry{}, false
}

// related picks the 3 or 4 other publications shown under a detail page.
func (d *siteData) related(e entry) []entry {
	if len(e.Related) > 0 && !e.IsAlt {
		var out []entry
		for _, s := range e.Related {
			if r, ok := d.entryBySlug(s); ok && r.pub != e.pub {
				out = append(out, r)
			}
		}
		return out
	}
	type scored struct {
		entry
		score int
	}
	var cands []scored
	for _, o := range d.listed() {
		if o.pub == e.pub || o.IsAlt {
			continue
		}
		s := 0
		for _, t := range o.Types {
			if slices.Contains(e.Types, t) {
				s += 2
			}
		}
		for _, t := range o.Tags {
			if slices.Contains(e.Tags, t) {
				s++
			}
		}
		cands = append(cands, scored{o, s})
	}
	slices.SortStableFunc(cands, func(a, b scored) int { return b.score - a.score })
	n := 3 + e.ID%2
	skip := 0
	if e.IsAlt {
		skip = 1 // the second copy shows a slightly different block
	}
	var out []entry
	for _, c := range cands[skip:] {
		if len(out) == n {
			break
		}
		out = append(out, c.entry)
	}
	return out
}

// countBy returns how many listed entries carry the type or tag.
func (d *siteData) countBy(name string, tag bool) int {
	n := 0
	for _, e := range d.listed() {
		list := e.Types
		if tag {
			list = e.Tags
		}
		if slices.Contains(list, name) {
			n++
		}
	}
	return n
}

// mediaType names a document's type from its extension.
func mediaType(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".pdf":
		return "application/pdf"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}
