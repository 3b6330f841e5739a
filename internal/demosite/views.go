package demosite

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"strings"
	"unicode/utf8"
)

// The values the templates render. Every view carries Base (scheme and host
// of the request) so that templates can build absolute URLs, as WordPress
// does.

type termView struct {
	Name, Slug string
	ID, Count  int
}

type cloudTag struct {
	termView
	Pos  int
	Size string
}

type cardView struct {
	Base      string
	ID        int
	Path      string
	TitleHTML template.HTML
	Types     []termView
	Tags      []termView
	Excerpt   string
}

type detailView struct {
	Base, URL, Title   string
	ID                 int
	Variant            string
	TitleHTML          template.HTML
	CitationHTML       template.HTML
	Summary            string
	Publisher          string
	Year               int
	Downloads          []download
	Types, Tags        []termView
	HasDate            bool
	DateISO, DateHuman string
	ModISO, ModHuman   string
	Leak               []string
	LeakStyle          string
	Related            []cardView
}

type listingView struct {
	Heading, Intro   string
	Items            []cardView
	Pages            []pageLink
	PrevURL, NextURL string
	MoreURL          string
}

type pageLink struct {
	N       int
	URL     string
	Current bool
}

type staticView struct {
	ID      int
	Kind    string // about, contact, privacy, notfound
	Heading string
	Sent    bool
}

type calendarView struct {
	Heading, Unit                        string
	PrevURL, NextURL, TodayURL           string
	AgendaURL, DayURL, WeekURL, MonthURL string
	Weeks                                [][]calDay
}

type calDay struct {
	N     int
	Event string
}

type metaTag struct {
	Name, Property, Content string
}

// layoutView is what layout.html renders; exactly one of Detail, Listing,
// Static and Calendar is set.
type layoutView struct {
	Base        string
	Site        siteInfo
	Canonical   string
	Title       string
	DocTitle    template.HTML
	BodyClass   string
	OGType      string
	Description string
	Robots      string
	Metas       []metaTag
	JSONLD      template.JS
	Charset     string
	IsHome      bool
	Query       string
	Next, Prev  string
	Recent      []cardView
	Cloud       []cloudTag
	Types       []termView
	PrivatePath string

	Detail   *detailView
	Listing  *listingView
	Static   *staticView
	Calendar *calendarView
}

// texturize renders text the way WordPress's wptexturize leaves titles:
// typographic characters and ampersands as numeric character references.
func texturize(s string) template.HTML {
	r := strings.NewReplacer(
		"&amp;", "&#038;", "&#39;", "&#8217;",
		"’", "&#8217;", "‘", "&#8216;", "“", "&#8220;", "”", "&#8221;",
		"–", "&#8211;", "—", "&#8212;",
	)
	return template.HTML(r.Replace(html.EscapeString(s)))
}

// plainHTML escapes only what must be escaped, leaving characters as they
// are (for the page served in windows-1252).
func plainHTML(s string) template.HTML {
	return template.HTML(html.EscapeString(s))
}

// excerpt is the teaser of listings and related blocks: the first n
// characters of the text as stored, cut wherever they end.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// description is the shorter, word-bounded excerpt SEO plugins put in
// meta description.
func description(s string) string {
	s = excerpt(s, 150)
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, ",.;:") + "…"
}

func mustJSON(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("demosite: json: %v", err))
	}
	return template.JS(b)
}

// wpTime is how WordPress and Yoast write times: "+00:00", never "Z".
const wpTime = "2006-01-02T15:04:05-07:00"
