package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseTimeFlag reads a point in time given on the command line: RFC 3339
// ("2026-11-01T09:00:00Z"), a date ("2026-11-01", midnight UTC), or a
// duration back from now ("36h", "7d", "2w").
func parseTimeFlag(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if n := len(s); n > 1 && (s[n-1] == 'd' || s[n-1] == 'w') {
		if v, err := strconv.Atoi(s[:n-1]); err == nil && v >= 0 {
			days := v
			if s[n-1] == 'w' {
				days *= 7
			}
			return now.Add(-time.Duration(days) * 24 * time.Hour).UTC(), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (want RFC 3339 such as 2026-11-01T09:00:00Z, a date such as 2026-11-01, or an age such as 36h, 7d, 2w)", s)
}
