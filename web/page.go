package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"harvest"
)

// pageLimit is how many publications a page of the list shows.
const pageLimit = 20

func parseTemplates() map[string]*template.Template {
	funcs := template.FuncMap{
		"date":         func(t any) string { return formatDate(t, "2 Jan 2006") },
		"datetimeText": func(t any) string { return formatDate(t, "2 Jan 2006 15:04 UTC") },
		"datetime":     func(t any) string { return formatDate(t, time.RFC3339) },
		"join":         strings.Join,
		"web":          webURL,
		"day":          pageDay,
		"linkText":     linkText,
		"fileKind":     fileKind,
		"options":      optionsHTML,
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"list", "publication", "error"} {
		pages[name] = template.Must(template.New(name).Funcs(funcs).
			ParseFS(assets, "templates/layout.html", "templates/"+name+".html"))
	}
	return pages
}

func formatDate(v any, layout string) string {
	switch t := v.(type) {
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(layout)
	case *time.Time:
		if t == nil {
			return ""
		}
		return formatDate(*t, layout)
	}
	return ""
}

// pageDay shows a page's own date (posted, modified: YYYY-MM-DD) as the
// other dates are shown, or "" when it is not such a date.
func pageDay(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return ""
	}
	return t.Format("2 Jan 2006")
}

// linkText is what a link to the publication elsewhere says: its label,
// else the site it leads to, else its address.
func linkText(l harvest.Link) string {
	if label := strings.TrimSpace(l.Label); label != "" {
		return label
	}
	if u, err := url.Parse(l.URL); err == nil && u.Host != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return l.URL
}

// optionsHTML writes the options of a filter's select, value and count:
// the same markup as a range in the template would write, escaped as
// html/template escapes text and quoted attributes, but without a
// template call per value (a catalogue has hundreds of tags).
func optionsHTML(opts []option) template.HTML {
	var b strings.Builder
	b.Grow(len(opts) * 64)
	for _, o := range opts {
		esc := htmlEscape(o.Value)
		b.WriteString(`<option value="`)
		b.WriteString(esc)
		b.WriteByte('"')
		if o.Selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(esc)
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(o.Count))
		b.WriteString(")</option>")
	}
	return template.HTML(b.String()) // every value escaped above
}

// htmlReplacer escapes as html/template does in text and in quoted
// attribute values.
var htmlReplacer = strings.NewReplacer(
	"\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;",
)

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }

// layout is what every page's frame needs.
type layout struct {
	Title   string
	FeedURL string
}

// render writes a page, buffered so that a template error becomes a 500
// rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, v any) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("render", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorView struct {
	layout
	Heading, Message string
}

func (s *server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	heading := http.StatusText(status)
	if status == http.StatusBadRequest {
		heading = "That request did not work"
	}
	s.render(w, r, status, "error", errorView{
		layout:  layout{Title: heading, FeedURL: "/feed.atom"},
		Heading: heading, Message: msg,
	})
}

func (s *server) pageNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "There is no page at this address.")
}

// link is a text and where it leads.
type link struct{ Text, URL string }

// option is a value of a filter's select.
type option struct {
	Value, Label string
	Count        int
	Selected     bool
}

// chip is an active filter with the URL of the list without it.
type chip struct{ Label, Value, URL string }

type itemView struct {
	harvest.Publication
	Page                    string
	SourceLink              link
	CategoryLinks, TagLinks []link
}

type listView struct {
	layout
	Q                                      string
	Filtered                               bool
	Sources, Categories, Tags, Statuses    []option
	Active                                 []chip
	Items                                  []itemView
	Total                                  int
	Ranked                                 bool
	CountText                              string
	NextURL, FirstURL                      string
	source, category, tag, status, feedURL string
}

// listURL is the list's URL for the given parameters (empty ones left
// out), in a stable order.
func listURL(v url.Values) string {
	clean := url.Values{}
	for k, vals := range v {
		for _, s := range vals {
			if s != "" {
				clean.Add(k, s)
			}
		}
	}
	if len(clean) == 0 {
		return "/"
	}
	return "/?" + clean.Encode()
}

// filterLink is the list filtered by one value alone (a tag, a category
// or a source), keeping the search text.
func filterLink(key, value string) link {
	return link{Text: value, URL: listURL(url.Values{key: {value}})}
}

func (s *server) pageList(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r, append(slices.Clone(listParams), "from"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q, err := s.query(p, pageLimit, harvest.MaxLimit)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if q.Order == "" && !harvest.HasSearchTerms(q.Text) {
		q.Order = harvest.OrderNewest
	}
	w, done := s.validate(w, r, sinceKey(q))
	if done {
		return
	}
	defer finish(w)
	res, err := s.db.Search(r.Context(), q)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	facets, err := s.db.Facets(r.Context(), q.Status)
	if err != nil {
		s.failErr(w, r, err)
		return
	}

	// The parameters that define the selection, without paging.
	sel := url.Values{}
	for _, k := range []string{"q", "source", "category", "tag", "status", "since", "order"} {
		if vals := p.all(k); len(vals) > 0 {
			sel[k] = vals
		}
	}
	v := listView{
		layout: layout{Title: "Publications", FeedURL: "/feed.atom"},
		Q:      q.Text, Total: res.Total, Ranked: res.Order == harvest.OrderRank,
	}
	if q.Text != "" {
		v.Title = "Search: " + q.Text
	}
	feed := url.Values{}
	for _, k := range []string{"q", "source", "category", "tag"} {
		if vals := sel[k]; len(vals) > 0 {
			feed[k] = vals
		}
	}
	if len(feed) > 0 {
		v.FeedURL = "/feed.atom?" + feed.Encode()
	}

	selected := func(values []string, chosen ...string) []option {
		var out []option
		for _, val := range values {
			out = append(out, option{Value: val, Selected: slices.Contains(chosen, val)})
		}
		return out
	}
	withCounts := func(terms []harvest.TermCount, chosen ...string) []option {
		var out []option
		seen := false
		for _, t := range terms {
			o := option{Value: t.Value, Count: t.Count}
			for _, c := range chosen {
				if strings.EqualFold(c, t.Value) {
					o.Selected, seen = true, true
				}
			}
			out = append(out, o)
		}
		if !seen && len(chosen) > 0 && chosen[0] != "" { // chosen but absent: keep it selectable
			out = append([]option{{Value: chosen[0], Selected: true}}, out...)
		}
		return out
	}
	tag, category := sel.Get("tag"), sel.Get("category")
	v.Sources = withCounts(facets.Sources, sel["source"]...)
	v.Categories = withCounts(facets.Categories, category)
	v.Tags = withCounts(facets.Tags, tag)
	status := sel.Get("status")
	if status == "" {
		status = harvest.StatusActive
	}
	v.Statuses = selected([]string{harvest.StatusActive, harvest.StatusRemoved, "all"}, status)
	for i, label := range []string{"Active", "Removed", "All"} {
		v.Statuses[i].Label = label
	}
	v.Filtered = len(sel["source"]) > 0 || tag != "" || category != "" || status != harvest.StatusActive

	// Chips: each active filter, with the list without it.
	for _, k := range []struct{ key, label string }{
		{"q", "Search"}, {"source", "Source"}, {"category", "Category"}, {"tag", "Tag"},
		{"status", "Status"}, {"since", "Changed since"},
	} {
		for _, val := range sel[k.key] {
			without := url.Values{}
			for kk, vv := range sel {
				without[kk] = slices.Clone(vv)
			}
			without[k.key] = slices.DeleteFunc(without[k.key], func(x string) bool { return x == val })
			v.Active = append(v.Active, chip{Label: k.label, Value: val, URL: listURL(without)})
		}
	}

	for _, pub := range res.Publications {
		it := itemView{
			Publication: pub,
			Page:        fmt.Sprintf("/publications/%d", pub.ID),
			SourceLink:  filterLink("source", pub.Source),
		}
		for _, c := range pub.Categories {
			it.CategoryLinks = append(it.CategoryLinks, filterLink("category", c))
		}
		for _, t := range pub.Tags {
			it.TagLinks = append(it.TagLinks, filterLink("tag", t))
		}
		v.Items = append(v.Items, it)
	}

	from := 1
	if f, err := strconv.Atoi(p.get("from")); err == nil && f > 0 && q.Cursor != "" {
		from = f
	}
	to := from + len(res.Publications) - 1
	switch {
	case res.Total == 0:
		v.CountText = "No publications match."
	case from == 1 && res.Next == "":
		v.CountText = fmt.Sprintf("%d publication%s", res.Total, plural(res.Total))
	default:
		v.CountText = fmt.Sprintf("Showing %d–%d of %d publications", from, to, res.Total)
	}
	if res.Total > 0 {
		if v.Ranked {
			v.CountText += ", best match first."
		} else if res.Order == harvest.OrderNewest {
			v.CountText += ", newest first."
		} else {
			v.CountText += "."
		}
	}
	if res.Next != "" {
		next := url.Values{}
		for k, vv := range sel {
			next[k] = vv
		}
		next.Set("cursor", res.Next)
		next.Set("from", strconv.Itoa(to+1))
		v.NextURL = listURL(next)
	}
	if q.Cursor != "" {
		v.FirstURL = listURL(sel)
	}
	s.render(w, r, http.StatusOK, "list", v)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// fieldChange is a field of a revision that differs from the version
// after it, with its value then.
type fieldChange struct{ Field, Value string }

type revisionView struct {
	Replaced time.Time
	Changes  []fieldChange
}

type publicationView struct {
	layout
	Pub                     harvest.Publication
	SourceLink              link
	CategoryLinks, TagLinks []link
	HasHistory              bool
	Revisions               []revisionView
	// Broken maps each broken download URL to when it was first seen
	// broken.
	Broken map[string]*time.Time
}

func (s *server) pagePublication(w http.ResponseWriter, r *http.Request) {
	id, err := publicationID(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	w, done := s.validate(w, r, "")
	if done {
		return
	}
	defer finish(w)
	pub, err := s.db.Get(r.Context(), id)
	if errors.Is(err, harvest.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, fmt.Sprintf("The catalogue has no publication %d.", id))
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	revs, hasHistory, err := s.db.Revisions(r.Context(), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	broken, err := s.brokenSince(r, pub)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	title := pub.Title
	if title == "" {
		title = pub.URL
	}
	v := publicationView{
		layout:     layout{Title: title, FeedURL: "/feed.atom"},
		Pub:        pub,
		SourceLink: filterLink("source", pub.Source),
		HasHistory: hasHistory,
		Broken:     broken,
	}
	for _, c := range pub.Categories {
		v.CategoryLinks = append(v.CategoryLinks, filterLink("category", c))
	}
	for _, t := range pub.Tags {
		v.TagLinks = append(v.TagLinks, filterLink("tag", t))
	}
	after := pub // the version that replaced each revision
	for _, rev := range revs {
		v.Revisions = append(v.Revisions, revisionView{Replaced: rev.Replaced, Changes: changes(rev.Publication, after)})
		after = rev.Publication
	}
	s.render(w, r, http.StatusOK, "publication", v)
}

// changes lists the content fields of old that differ from new, with
// their old values.
func changes(old, new harvest.Publication) []fieldChange {
	var out []fieldChange
	add := func(field, o, n string) {
		if o != n {
			if o == "" {
				o = "(empty)"
			}
			out = append(out, fieldChange{field, o})
		}
	}
	list := func(field string, o, n []string) {
		add(field, strings.Join(o, "; "), strings.Join(n, "; "))
	}
	downloads := func(ds []harvest.Download) []string {
		var out []string
		for _, d := range ds {
			out = append(out, strings.TrimSpace(d.Label+" "+d.URL))
		}
		return out
	}
	links := func(ls []harvest.Link) []string {
		var out []string
		for _, l := range ls {
			out = append(out, strings.TrimSpace(l.Label+" "+l.URL))
		}
		return out
	}
	add("Title", old.Title, new.Title)
	add("Summary", old.Summary, new.Summary)
	list("Categories", old.Categories, new.Categories)
	list("Tags", old.Tags, new.Tags)
	list("Downloads", downloads(old.Downloads), downloads(new.Downloads))
	add("Publisher", old.Publisher, new.Publisher)
	list("Authors", old.Authors, new.Authors)
	add("Published", old.Published, new.Published)
	add("Posted", old.Posted, new.Posted)
	add("Modified", old.Modified, new.Modified)
	list("On other sites", links(old.ExternalLinks), links(new.ExternalLinks))
	add("Type", old.Type, new.Type)
	add("Language", old.Language, new.Language)
	add("Image", old.Image, new.Image)
	add("Site name", old.SiteName, new.SiteName)
	return out
}
