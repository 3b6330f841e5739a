package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The extensive date search, after htmldate's method: when the page's
// typed metadata and the entry's own markup name no posting date, look
// wider, in order of how much each place is to be trusted:
//   - meta elements that CMSs and analytics scripts fill with the date
//     of publication under other names (date, pubdate, sailthru.date,
//     parsely-pub-date, DC.date.created, ...);
//   - elements marked itemprop="datePublished" (not only <time> and
//     <meta>), and <time> elements anywhere in the page;
//   - elements whose class or id says they hold a date (date, datum,
//     pubdate, post-date, entry-meta, fecha, data, ...), read when their
//     text is short;
//   - text lines anywhere that label a date as the publication's
//     ("Published on", "Erstellt am", "Erschienen am", "publié le",
//     "Pressemitteilung vom", ...).
// Dates of updates, copyright notices, comments and events are skipped.

// metaDateKeys are meta names (lower case) that carry the publication date.
var metaDateKeys = []string{
	"date", "pubdate", "publishdate", "publish-date", "publish_date", "publication_date", "publication-date",
	"published_time", "published-date", "sailthru.date", "parsely-pub-date", "article.published",
	"article_date_original", "article.created", "original-publish-date", "dc.date.created", "dcterms.created",
	"sw-pubdate", "og:published_time", "datecreated", "release_date", "created", "date.created", "cxenseparse:recs:publishtime",
	"dc.created", "content_date", "displaydate", "ga-pubdate",
}

// metaModifiedKeys carry the date the page was last modified.
var metaModifiedKeys = []string{
	"article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified", "last-modified",
	"lastmod", "dcterms.modified", "dc.date.modified", "article.updated", "sailthru.lastmodified", "revised",
}

// dateClassRe matches class or id words of elements that hold a date.
var dateClassRe = regexp.MustCompile(`(?i)(?:^|[-_\s])(?:date|datum|dates|pubdate|published|posted|post-?date|entry-?date|time|timestamp|dateline|fecha|data|datetime|article-?info|meta|byline|erstellt|publish)(?:$|[-_\s])|date|datum`)

// dateNoClassRe matches class words of elements whose date is not the
// publication's.
var dateNoClassRe = regexp.MustCompile(`(?i)updat|modif|comment|event|calendar|copyright|footer|birth|expir|deadline`)

// publishedLabelInRe finds a label of the publication date inside a line,
// the date after it.
var publishedLabelInRe = regexp.MustCompile(`(?i)(?:published|posted|created|released|issued|written|erstellt|erschienen|ver[öo]ffentlicht|publiziert|publi[ée]|mis\s+en\s+ligne|publicado|publicada|pubblicato|gepubliceerd|geplaatst|opublikowano|опубликовано|vom|am|le|du|del|on)\b[^0-9]{0,25}`)

// moreDates runs the extensive search below root and returns the first
// full date (YYYY-MM-DD) it finds, or "".
func (f *fields) moreDates(root *html.Node) string {
	for _, k := range metaDateKeys {
		for _, v := range f.meta.props[k] {
			if d := fullDate(v, f.order); d != "" {
				return d
			}
		}
	}
	// A walk rather than a search: the subtrees of scripts, styles,
	// selects, SVG and of elements classed as updates, comments, events
	// or footers must not be read at all, a <time> is read as a whole,
	// and the walk stops at the first date (goquery has no search that
	// prunes).
	found := ""
	walk(root, func(n *html.Node) bool {
		if found != "" {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Svg, atom.Select, atom.Option:
			return false
		}
		cls := attr(n, "class") + " " + attr(n, "id")
		if n.DataAtom != atom.Body && n.DataAtom != atom.Html && dateNoClassRe.MatchString(cls) {
			return false
		}
		prop := strings.ToLower(attr(n, "itemprop"))
		if n.DataAtom == atom.Time || prop == "datepublished" || prop == "datecreated" {
			for _, v := range []string{attr(n, "datetime"), attr(n, "content"), nodeText(n)} {
				if d := fullDate(v, f.order); d != "" {
					found = d
					return false
				}
			}
			return false
		}
		if strings.TrimSpace(cls) != "" && dateClassRe.MatchString(cls) {
			if t := nodeText(n); utf8.RuneCountInString(t) <= 100 && !otherDate(t) && !updatedLabelRe.MatchString(t) {
				if d := fullDate(t, f.order); d != "" {
					found = d
					return false
				}
			}
		}
		return true
	})
	return found
}

// labelledDateAnywhere finds a line that labels a date as the
// publication's ("Erstellt am: 01.11.2023", "Pressemitteilung vom 25.
// Januar 2022", "Dieser Artikel wurde am 14. Dezember 2015 ...
// veröffentlicht").
func labelledDateAnywhere(lines []line, order dateOrder) string {
	for _, l := range lines {
		t := l.text
		if len(t) > 300 || !hasYearDigits(t) || otherDate(t) || updatedLabelRe.MatchString(t) {
			continue
		}
		loc := publishedLabelInRe.FindStringIndex(t)
		if loc == nil {
			continue
		}
		if d := fullDate(t[loc[1]:], order); d != "" {
			return d
		}
	}
	return ""
}

// fullDate returns the first full date (YYYY-MM-DD) written in s, or "".
func fullDate(s string, order dateOrder) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if d := parseDateOrder(s, order); len(d) == 10 {
		return d
	}
	if d := dateInText(s, order); len(d) == 10 {
		return d
	}
	return ""
}

// modified chooses the date the page was last modified: JSON-LD
// dateModified, article:modified_time and its kin, microdata
// dateModified, the entry's <time> marked as an update, an "Updated:"
// line. Only a full date is kept.
func (f *fields) modified(lines []line, updated []dateCand) (string, string) {
	if d := fullDate(f.meta.ld.dateModified(), f.order); d != "" {
		return d, sigJSONLD
	}
	for _, k := range metaModifiedKeys {
		for _, v := range f.meta.props[k] {
			if d := fullDate(v, f.order); d != "" {
				return d, sigArticleMeta
			}
		}
	}
	if d := fullDate(f.meta.micro.first("datemodified"), f.order); d != "" {
		return d, sigMicrodata
	}
	for _, t := range entryTimes(f.wide()) {
		if t.updated && len(t.date) == 10 {
			return t.date, sigTime
		}
	}
	for _, c := range updated {
		if len(c.date) == 10 {
			return c.date, c.src
		}
	}
	return "", ""
}

// dateModified is the JSON-LD dateModified of the page's item.
func (j *jsonLD) dateModified() string {
	if s := j.str("dateModified"); s != "" {
		return s
	}
	for _, n := range j.nodes {
		if s := ldString(n, "dateModified"); s != "" {
			return s
		}
	}
	return ""
}

// datelineRe is a date opening a paragraph: "(18.01.2018) Berlin ...",
// "29.11.2022 – ...", "BERLIN, 4 March 2021 – ...".
var datelineRe = regexp.MustCompile(`^\(?(?:\p{Lu}[\p{L} ]{1,30},\s*)?([^()–—|]{6,30}?)\)?\s*(?:[–—|:-]|\s\p{Lu}|„|")`)

// dateline returns the date that opens the first paragraphs of the
// content, or "".
func dateline(lines []line, order dateOrder) string {
	seen := 0
	for _, l := range lines {
		if !summaryBlock(l) || utf8.RuneCountInString(l.text) < 40 || sentenceCount(l.text) == 0 {
			continue // not a paragraph of prose: a menu, a list of links
		}
		if seen++; seen > 3 {
			break
		}
		if m := datelineRe.FindStringSubmatch(l.text); m != nil {
			if d := fullDate(m[1], order); d != "" {
				return d
			}
		}
	}
	return ""
}
