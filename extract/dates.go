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
	isoMonthRe = regexp.MustCompile(`^(\d{4})[-/](\d{2})$`)
	yearOnlyRe = regexp.MustCompile(`^(\d{4})$`)
	dmyNumRe   = regexp.MustCompile(`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$`)
	ordinalRe  = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th|er)\b`)
	weekdayRe  = regexp.MustCompile(`(?i)^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|segunda|terça|quarta|quinta|sexta|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)[\p{L}-]*\.?,?\s+`)
	cjkDateRe  = regexp.MustCompile(`((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
)

// textDateLayouts are the written-out date forms parseDate accepts (after
// ordinals, weekdays, commas and full stops after abbreviations are
// dropped, and month names in French, German and Spanish are put in
// English).
var textDateLayouts = []string{"2 January 2006", "January 2 2006", "2 Jan 2006", "Jan 2 2006"}

// textMonthLayouts are month-precision forms: only their year is kept.
var textMonthLayouts = []string{"January 2006", "Jan 2006"}

// foreignMonths puts common non-English month names in English.
var foreignMonths = map[string]string{
	"janvier": "January", "février": "February", "fevrier": "February", "mars": "March", "avril": "April",
	"mai": "May", "juin": "June", "juillet": "July", "août": "August", "aout": "August",
	"septembre": "September", "octobre": "October", "novembre": "November", "décembre": "December", "decembre": "December",
	"januar": "January", "jänner": "January", "februar": "February", "märz": "March", "maerz": "March",
	"juni": "June", "juli": "July", "oktober": "October", "dezember": "December",
	"enero": "January", "febrero": "February", "marzo": "March", "abril": "April", "mayo": "May",
	"junio": "June", "julio": "July", "agosto": "August", "septiembre": "September", "setiembre": "September",
	"octubre": "October", "noviembre": "November", "diciembre": "December",
	"sept": "Sep",
	// German abbreviations.
	"jän": "Jan", "mär": "Mar", "mrz": "Mar", "okt": "Oct", "dez": "Dec",
	// Italian.
	"gennaio": "January", "febbraio": "February", "aprile": "April", "maggio": "May", "giugno": "June",
	"luglio": "July", "settembre": "September", "ottobre": "October", "dicembre": "December",
	// Portuguese.
	"janeiro": "January", "fevereiro": "February", "março": "March", "maio": "May", "junho": "June",
	"julho": "July", "setembro": "September", "outubro": "October", "dezembro": "December",
	// Dutch.
	"januari": "January", "februari": "February", "maart": "March", "mei": "May",
	"augustus": "August",
	// Russian (genitive, as dates write them) and Polish.
	"января": "January", "февраля": "February", "марта": "March", "апреля": "April", "мая": "May",
	"июня": "June", "июля": "July", "августа": "August", "сентября": "September", "октября": "October",
	"ноября": "November", "декабря": "December",
	"stycznia": "January", "lutego": "February", "marca": "March", "kwietnia": "April", "maja": "May",
	"czerwca": "June", "lipca": "July", "sierpnia": "August", "września": "September",
	"października": "October", "listopada": "November", "grudnia": "December",
}

// dateOrder says how a page writes numeric dates: 03/04/2020 is 3 April
// where days come first, March 4 where months do.
type dateOrder int

const (
	orderUnknown dateOrder = iota
	dayFirst
	monthFirst
)

// parseDate reads a date written as ISO 8601 (with or without time, the
// date taken as written, not converted to UTC), as YYYY/MM/DD or
// DD.MM.YYYY, or in words ("12 March 2020", "March 12th, 2020", "12 mars
// 2020"). It returns "YYYY-MM-DD", or "YYYY" when only the year (or the
// month) is known, or "" when s is not a date. A numeric date whose day
// and month cannot be told apart (03/04/2020) gives "".
func parseDate(s string) string { return parseDateOrder(s, orderUnknown) }

// parseDateOrder is parseDate with the page's numeric date order, used
// for dates such as 03/04/2020 that are otherwise ambiguous.
func parseDateOrder(s string, order dateOrder) string {
	s = strings.TrimSpace(normSpace(s))
	if s == "" || len(s) > 64 {
		return ""
	}
	if c := s[0]; c >= '0' && c <= '9' {
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
			return numericDate(m[1], m[2], m[3], strings.Contains(s, "."), order)
		}
	}
	if m := cjkDateRe.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if !strings.ContainsFunc(s, isLetter) {
		return ""
	}
	t := weekdayRe.ReplaceAllString(s, "")
	t = ordinalRe.ReplaceAllString(t, "$1")
	t = englishMonths(t)
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

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f }

// englishMonths prepares a written date for time.Parse: commas and
// full stops after words dropped, "de" (Spanish) dropped, month names in
// English, words capitalised as time.Parse wants them.
func englishMonths(s string) string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	out := fields[:0]
	for _, f := range fields {
		f = strings.TrimSuffix(f, ".")
		lf := strings.ToLower(f)
		if lf == "de" || lf == "del" || f == "" {
			continue
		}
		if en, ok := foreignMonths[lf]; ok {
			f = en
		} else if isLetter(rune(f[0])) && len(f) > 1 {
			f = strings.ToUpper(f[:1]) + strings.ToLower(f[1:])
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}

// numericDate reads d/m/y or m/d/y: unambiguous when one of the first
// two numbers is over 12; the dotted form is day first (European);
// otherwise the page's order decides, and without it the date is "".
func numericDate(a, b, y string, dotted bool, order dateOrder) string {
	ai, _ := strconv.Atoi(a)
	bi, _ := strconv.Atoi(b)
	switch {
	case ai > 12 || dotted:
		return ymd(y, b, a)
	case bi > 12:
		return ymd(y, a, b)
	case ai == bi:
		return ymd(y, a, b)
	case order == dayFirst:
		return ymd(y, b, a)
	case order == monthFirst:
		return ymd(y, a, b)
	}
	return ""
}

// dateInTextRe finds a date inside a line of text: written with a month
// name (English, or French, German, Spanish), ISO 8601, or numeric.
var dateInTextRe = regexp.MustCompile(`(?i)\b(?:\d{1,2}(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?\p{L}{3,12}\.?,?\s+(?:de\s+)?\d{4}|\p{L}{3,10}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{4}|\p{L}{3,9}\s+\d{4})\b|(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日`)

// dateInText returns the first date written inside s, or "".
func dateInText(s string, order dateOrder) string {
	if !hasYearDigits(s) {
		return ""
	}
	for _, loc := range dateInTextRe.FindAllStringIndex(s, 4) {
		if d := parseDateOrder(s[loc[0]:loc[1]], order); d != "" {
			return d
		}
	}
	return ""
}

// hasYearDigits reports whether s holds four digits in a row, which
// every date dateInText finds has.
func hasYearDigits(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if run++; run == 4 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// urlDateRe finds a date in a URL path: /2021/07/14/, /2021/07/, or a
// Jekyll-style /2021-07-14-slug.
var urlDateRe = regexp.MustCompile(`/((?:19|20)\d{2})/(0[1-9]|1[0-2])/(?:(0[1-9]|[12]\d|3[01])/)?|/((?:19|20)\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])-[^/]`)

// urlDate returns the date a page's URL path holds: YYYY-MM-DD when the
// day is there, else YYYY; "" when the path holds none.
func urlDate(path string) string {
	m := urlDateRe.FindStringSubmatch(path)
	switch {
	case m == nil:
		return ""
	case m[4] != "":
		return ymd(m[4], m[5], m[6])
	case m[3] != "":
		return ymd(m[1], m[2], m[3])
	}
	return year(m[1])
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

// timeM matches a <time> element or an element marked
// itemprop=datePublished or dateModified.
var timeM = matcher(func(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if n.DataAtom == atom.Time {
		return true
	}
	prop := strings.ToLower(attr(n, "itemprop"))
	return prop == "datepublished" || prop == "datemodified"
})

// entryTimes reads the <time> elements below scope (scope included) and
// the elements marked itemprop=datePublished/dateModified; not those
// inside another (a <time> in a dated element is part of its date).
func entryTimes(scope *html.Node) []timeInfo {
	var out []timeInfo
	for _, n := range outermost(scope, timeM) {
		prop := strings.ToLower(attr(n, "itemprop"))
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
		} else if h := utcHour(raw); h >= 0 {
			// <time datetime="…T01:09Z">Nov 8, 2023</time>: the text is
			// the publisher's day, the attribute the server's.
			shown := parseDate(nodeText(n))
			d = publisherDay(d, h, func(day string) bool { return day == shown })
		}
		if d != "" {
			updated := prop == "datemodified" || hasClass(n, "updated", "modified", "date-modified", "entry-date-modified", "last-modified")
			if hasClass(n, "published", "entry-date-published") || prop == "datepublished" {
				updated = false
			}
			out = append(out, timeInfo{date: d, updated: updated})
		}
	}
	return out
}

// utcStampRe matches a timestamp in UTC: a date, a time, and Z or a zero
// offset.
var utcStampRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[T ](\d{1,2}):\d{1,2}(?::\d{1,2}(?:\.\d+)?)?\s*(?:Z|[+-]00:?00|UTC|GMT)$`)

// utcHour is the hour of a timestamp written in UTC, or -1 when raw is no
// such timestamp. A machine-written UTC time is often the server's, not
// the publisher's: a page from the Americas published in the evening, or
// from Europe or Asia just after midnight, carries the next or the
// previous day in UTC.
func utcHour(raw string) int {
	m := utcStampRe.FindStringSubmatch(strings.TrimSpace(raw))
	if m == nil {
		return -1
	}
	h, _ := strconv.Atoi(m[1])
	if h > 23 {
		return -1
	}
	return h
}

// publisherDay is the day the publisher would have written for a UTC
// timestamp of day d at hour h, when the page itself shows that day and
// not d (shown): the day before for a time before noon (the publisher is
// west of Greenwich, where it was still the day before), the day after
// for a time from noon (east, where it was already the next day).
// Otherwise d.
func publisherDay(d string, h int, shown func(string) bool) string {
	if h < 0 || len(d) != 10 {
		return d
	}
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	step := -1
	if h >= 12 {
		step = 1
	}
	if other := t.AddDate(0, 0, step).Format("2006-01-02"); shown(other) && !shown(d) {
		return other
	}
	return d
}
