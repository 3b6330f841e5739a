package export

import (
	_ "embed" // the JSON Schema of a record
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schema is the JSON Schema (draft 2020-12) of one exported record, as
// written by the jsonl and json formats and served by the HTTP API.
//
//go:embed publication.schema.json
var Schema []byte

// SchemaName is the file name under which Schema is shipped.
const SchemaName = "publication.schema.json"

// ParseSince reads the value of a --since flag or a since parameter: an
// RFC 3339 time (2025-03-01T12:00:00Z), a date (2025-03-01, midnight UTC),
// or an age before now: a Go duration (36h, 90m), a number of days (7d) or
// of weeks (2w).
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	for unit, days := range map[string]int{"d": 1, "w": 7} {
		if num, ok := strings.CutSuffix(s, unit); ok {
			if n, err := strconv.Atoi(num); err == nil && n >= 0 {
				return now.UTC().Add(-time.Duration(n*days) * 24 * time.Hour), nil
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.UTC().Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("invalid time %q (want an RFC 3339 time such as 2025-03-01T12:00:00Z, a date such as 2025-03-01, or an age such as 36h, 7d or 2w)", s)
}
