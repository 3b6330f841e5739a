package sitegen

import (
	"strconv"
	"strings"
	"time"
)

// The All-in-One Event Calendar (ai1ec) views. Every view links to the
// next and previous period, for ever: a crawler that follows them never
// stops. robots.txt does not warn about it, just as on real sites.

func calendarURL(base, view string, t time.Time) string {
	return base + "/events/action~" + view + "/exact_date~" + strconv.FormatInt(t.Unix(), 10) + "/"
}

// parseCalendar reads /events/ and /events/action~VIEW/exact_date~UNIX/
// (segments after "events"); ok is false for anything else.
func (s *Site) parseCalendar(seg []string) (view string, at time.Time, ok bool) {
	view, at = "month", time.Date(s.base.Year(), s.base.Month(), 1, 0, 0, 0, 0, time.UTC)
	switch len(seg) {
	case 0:
		return view, at, true
	case 2:
		v, ok1 := strings.CutPrefix(seg[0], "action~")
		d, ok2 := strings.CutPrefix(seg[1], "exact_date~")
		if !ok1 || !ok2 {
			return "", at, false
		}
		switch v {
		case "month", "week", "day", "agenda":
		default:
			return "", at, false
		}
		unix, err := strconv.ParseInt(d, 10, 64)
		if err != nil || unix < -1e11 || unix > 1e11 || strconv.FormatInt(unix, 10) != d {
			return "", at, false
		}
		return v, time.Unix(unix, 0).UTC(), true
	}
	return "", at, false
}

// calendar renders a calendar view into p and returns where its main
// part starts.
func (s *Site) calendar(p *page, base, view string, at time.Time) int {
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	month := time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC)
	var heading, prev, next string
	var from, to time.Time // days shown: [from, to)
	switch view {
	case "month", "agenda":
		heading = month.Format("January 2006")
		if view == "agenda" {
			heading = "Agenda: " + heading
		}
		prev, next = calendarURL(base, view, month.AddDate(0, -1, 0)), calendarURL(base, view, month.AddDate(0, 1, 0))
		from, to = month, month.AddDate(0, 1, 0)
	case "week":
		monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		heading = "Week of " + monday.Format("2 January 2006")
		prev, next = calendarURL(base, view, monday.AddDate(0, 0, -7)), calendarURL(base, view, monday.AddDate(0, 0, 7))
		from, to = monday, monday.AddDate(0, 0, 7)
	default:
		heading = day.Format("Monday, 2 January 2006")
		prev, next = calendarURL(base, view, day.AddDate(0, 0, -1)), calendarURL(base, view, day.AddDate(0, 0, 1))
		from, to = day, day.AddDate(0, 0, 1)
	}
	h := &head{
		robots: robotsIndex, ogType: "article", title: "Events", canonical: base + "/events/",
		docTitle: []string{"Events", siteName}, bodyClass: "page-template-default page page-id-8 ai1ec-action-" + view,
	}
	s.writeHeadMeta(p, base, h)
	split := len(p.b)
	p.s("\n<article id=\"post-8\" class=\"post-8 page type-page status-publish hentry\">\n\t<header class=\"entry-header\"><h1 class=\"entry-title\">Events</h1></header>\n\t<div class=\"entry-content\">\n<div id=\"ai1ec-container\" class=\"ai1ec-main-container\">\n\t<div class=\"ai1ec-calendar-toolbar\">\n\t\t<ul class=\"ai1ec-views-dropdown\">\n")
	for _, v := range []struct{ name, url string }{
		{"Agenda", calendarURL(base, "agenda", month)}, {"Day", calendarURL(base, "day", day)},
		{"Week", calendarURL(base, "week", day)}, {"Month", calendarURL(base, "month", month)},
	} {
		p.s("\t\t\t<li><a class=\"ai1ec-load-view\" href=\"")
		p.s(v.url)
		p.s("\">")
		p.s(v.name)
		p.s("</a></li>\n")
	}
	p.s("\t\t</ul>\n\t\t<div class=\"ai1ec-pagination\"><a class=\"ai1ec-prev-page ai1ec-load-view\" href=\"")
	p.s(prev)
	p.s("\">‹</a> <span class=\"ai1ec-calendar-title\">")
	p.s(heading)
	p.s("</span> <a class=\"ai1ec-next-page ai1ec-load-view\" href=\"")
	p.s(next)
	p.s("\">›</a> <a class=\"ai1ec-today ai1ec-load-view\" href=\"")
	p.s(base)
	p.s("/events/\">Today</a></div>\n\t</div>\n\t<table class=\"ai1ec-month-view\">\n\t\t<thead><tr><th>Mon</th><th>Tue</th><th>Wed</th><th>Thu</th><th>Fri</th><th>Sat</th><th>Sun</th></tr></thead>\n\t\t<tbody>\n\t\t\t<tr>")
	col := (int(from.Weekday()) + 6) % 7
	for k := 0; k < col; k++ {
		p.s("<td class=\"ai1ec-empty\"></td>")
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		if col == 7 {
			p.s("</tr>\n\t\t\t<tr>")
			col = 0
		}
		p.s("<td><div class=\"ai1ec-day\"><span class=\"ai1ec-date\">")
		p.i(d.Day())
		p.s("</span>")
		if d.Weekday() == time.Tuesday && d.Day() > 7 && d.Day() <= 14 {
			p.s("<div class=\"ai1ec-event\">Members’ webinar, 14:00</div>")
		}
		p.s("</div></td>")
		col++
	}
	for ; col < 7; col++ {
		p.s("<td class=\"ai1ec-empty\"></td>")
	}
	p.s("</tr>\n\t\t</tbody>\n\t</table>\n</div>\n\t</div>\n</article>\n")
	return split
}
