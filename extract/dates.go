package extract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Years outside this range are not publication years.
const (
	minYear = 1800
	maxYear = 2100
)

var (
	isoDateRe  = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T ]|\s)`)
	isoMonthRe = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	yearOnlyRe = regexp.MustCompile(`^(\d{4})$`)
	dmyNumRe   = regexp.MustCompile(`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$`)
	ordinalRe  = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)\b`)
	weekdayRe  = regexp.MustCompile(`(?i)^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+`)
)

// textDateLayouts are the written-out date forms parseDate accepts.
var textDateLayouts = []string{
	"2 January 2006", "January 2 2006", "2 Jan 2006", "Jan 2 2006", "January 2, 2006",
	"Jan 2, 2006", "2. January 2006", "02 January 2006", "Jan. 2 2006",
}

// textMonthLayouts are month-precision forms: only their year is kept.
var textMonthLayouts = []string{"January 2006", "Jan 2006", "Jan. 2006"}

// parseDate reads a date written as ISO 8601 (with or without time, the
// date taken as written, not converted to UTC), as YYYY/MM/DD or
// DD.MM.YYYY, or in English words ("12 March 2020", "March 12th, 2020").
// It returns "YYYY-MM-DD", or "YYYY" when only the year (or the month) is
// known, or "" when s is not a date.
func parseDate(s string) string {
	s = strings.TrimSpace(normSpace(s))
	if s == "" {
		return ""
	}
	if m := isoDateRe.FindStringSubmatch(s + " "); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if m := isoMonthRe.FindStringSubmatch(s); m != nil {
		if mo, _ := strconv.Atoi(m[2]); mo >= 1 && mo <= 12 {
			return year(m[1])
		}
		return ""
	}
	if m := yearOnlyRe.FindStringSubmatch(s); m != nil {
		return year(m[1])
	}
	if m := dmyNumRe.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if d > 12 || strings.Contains(s, ".") { // unambiguous, or the European dotted form
			return ymd(m[3], m[2], m[1])
		}
		if mo > 12 { // month first
			return ymd(m[3], m[1], m[2])
		}
		return "" // 03/04/2020: day and month cannot be told apart
	}
	t := weekdayRe.ReplaceAllString(s, "")
	t = ordinalRe.ReplaceAllString(t, "$1")
	t = strings.TrimSuffix(strings.TrimSpace(t), ".")
	for _, layout := range textDateLayouts {
		if d, err := time.Parse(layout, t); err == nil {
			return checkYear(d.Format("2006-01-02"))
		}
	}
	for _, layout := range textMonthLayouts {
		if d, err := time.Parse(layout, t); err == nil {
			return checkYear(d.Format("2006"))
		}
	}
	return ""
}

func ymd(y, m, d string) string {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	s := fmt.Sprintf("%04d-%02d-%02d", yi, mi, di)
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return ""
	}
	return checkYear(s)
}

func year(y string) string { return checkYear(y) }

func checkYear(s string) string {
	if len(s) < 4 {
		return ""
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < minYear || y > maxYear {
		return ""
	}
	return s
}

// timeInfo is a <time> element of the entry.
type timeInfo struct {
	date    string
	updated bool
}

// entryTimes reads the <time> elements below scope (and elements marked
// itemprop=datePublished/dateModified).
func entryTimes(scope *html.Node) []timeInfo {
	var out []timeInfo
	walk(scope, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		prop := strings.ToLower(attr(n, "itemprop"))
		if n.DataAtom != atom.Time && prop != "datepublished" && prop != "datemodified" {
			return true
		}
		raw := attr(n, "datetime")
		if raw == "" {
			raw = attr(n, "content")
		}
		if raw == "" {
			raw = nodeText(n)
		}
		d := parseDate(raw)
		if d == "" {
			d = parseDate(nodeText(n))
		}
		if d != "" {
			updated := prop == "datemodified" || hasClass(n, "updated", "modified", "date-modified", "entry-date-modified", "last-modified")
			if hasClass(n, "published", "entry-date-published") || prop == "datepublished" {
				updated = false
			}
			out = append(out, timeInfo{date: d, updated: updated})
		}
		return false
	})
	return out
}

// choosePublished combines the dates found. full are candidate dates in
// priority order (metadata first, then <time>, then "Date:" lines); each
// may be a full date or a year. citeYear is the year of the page's
// citation line. The first full date wins, except that when the citation
// year differs from its year the citation year is kept: the document's
// own year beats the date it was posted. With no full date, the citation
// year, then any other year.
func choosePublished(candidates []string, citeYear string) string {
	full, yearOnly := "", ""
	for _, c := range candidates {
		switch {
		case len(c) == 10 && full == "":
			full = c
		case len(c) == 4 && yearOnly == "":
			yearOnly = c
		}
	}
	switch {
	case citeYear != "" && full != "" && full[:4] == citeYear:
		return full
	case citeYear != "":
		return citeYear
	case full != "":
		return full
	}
	return yearOnly
}
