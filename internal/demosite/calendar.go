package demosite

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The All-in-One Event Calendar (ai1ec) plugin's views. Every view links
// to the next and previous period, for ever: a crawler that follows them
// never stops. robots.txt does not warn about it, just as on real sites.

// calendarStart is the month /events/ shows. It is fixed so that the site
// renders the same whatever the clock says.
var calendarStart = time.Date(2024, time.June, 1, 0, 0, 0, 0, time.UTC)

func calendarURL(base, view string, t time.Time) string {
	return fmt.Sprintf("%s/events/action~%s/exact_date~%d/", base, view, t.Unix())
}

// calendar routes /events/ and /events/action~VIEW/exact_date~UNIX/.
func (s *site) calendar(r *http.Request, seg []string) (func(http.ResponseWriter), bool) {
	view, at := "month", calendarStart
	switch len(seg) {
	case 0:
	case 2:
		v, ok1 := strings.CutPrefix(seg[0], "action~")
		d, ok2 := strings.CutPrefix(seg[1], "exact_date~")
		if !ok1 || !ok2 {
			return nil, false
		}
		switch v {
		case "month", "week", "day", "agenda":
		default:
			return nil, false
		}
		unix, err := strconv.ParseInt(d, 10, 64)
		if err != nil || unix < -1e11 || unix > 1e11 {
			return nil, false
		}
		view, at = v, time.Unix(unix, 0).UTC()
	default:
		return nil, false
	}
	return func(w http.ResponseWriter) { s.renderCalendar(w, r, view, at) }, true
}

func (s *site) renderCalendar(w http.ResponseWriter, r *http.Request, view string, at time.Time) {
	v := s.chrome(r)
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	month := time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC)
	cv := &calendarView{
		TodayURL:  v.Base + "/events/",
		AgendaURL: calendarURL(v.Base, "agenda", month),
		DayURL:    calendarURL(v.Base, "day", day),
		WeekURL:   calendarURL(v.Base, "week", day),
		MonthURL:  calendarURL(v.Base, "month", month),
	}
	var from, to time.Time // days shown: [from, to)
	switch view {
	case "month", "agenda":
		cv.Unit = "month"
		cv.Heading = month.Format("January 2006")
		if view == "agenda" {
			cv.Heading = "Agenda: " + cv.Heading
		}
		cv.PrevURL = calendarURL(v.Base, view, month.AddDate(0, -1, 0))
		cv.NextURL = calendarURL(v.Base, view, month.AddDate(0, 1, 0))
		from, to = month, month.AddDate(0, 1, 0)
	case "week":
		monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		cv.Unit = "week"
		cv.Heading = "Week of " + monday.Format("2 January 2006")
		cv.PrevURL = calendarURL(v.Base, view, monday.AddDate(0, 0, -7))
		cv.NextURL = calendarURL(v.Base, view, monday.AddDate(0, 0, 7))
		from, to = monday, monday.AddDate(0, 0, 7)
	default:
		cv.Unit = "day"
		cv.Heading = day.Format("Monday, 2 January 2006")
		cv.PrevURL = calendarURL(v.Base, view, day.AddDate(0, 0, -1))
		cv.NextURL = calendarURL(v.Base, view, day.AddDate(0, 0, 1))
		from, to = day, day.AddDate(0, 0, 1)
	}
	// Lay the days out in Monday-first weeks.
	week := make([]calDay, (int(from.Weekday())+6)%7)
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		cd := calDay{N: d.Day()}
		if d.Weekday() == time.Tuesday && d.Day() > 7 && d.Day() <= 14 {
			cd.Event = "Members’ webinar, 14:00"
		}
		week = append(week, cd)
		if len(week) == 7 {
			cv.Weeks = append(cv.Weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		cv.Weeks = append(cv.Weeks, append(week, make([]calDay, 7-len(week))...))
	}
	v.Title, v.Canonical = "Events", v.Base+"/events/"
	v.DocTitle = docTitle("Events", s.data.Site.Name)
	v.BodyClass = "page-template-default page page-id-8 ai1ec-action-" + view + " wp-embed-responsive lantern-theme has-sidebar"
	v.Calendar = cv
	s.render(w, http.StatusOK, "calendar", v)
}
