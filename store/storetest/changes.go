package storetest

import (
	"testing"
	"time"
)

// testEarliestChange follows the earliest last_changed as records are
// saved out of time order, changed and removed.
func testEarliestChange(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	earliest := func() time.Time {
		t.Helper()
		e, err := db.EarliestChange(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if e := earliest(); !e.IsZero() {
		t.Fatalf("empty catalogue: earliest change %v, want zero", e)
	}
	late := pub("s", url(1), "Saved first, seen later")
	early := pub("s", url(2), "Saved second, seen earlier")
	save(t, db, late, t0.Add(2*time.Hour))
	save(t, db, early, t0.Add(time.Hour+400*time.Millisecond))
	steps := []struct {
		name string
		do   func()
		want time.Time
	}{
		{"a later id seen earlier, to the second", func() {}, t0.Add(time.Hour)},
		{"seen again, unchanged", func() { save(t, db, early, t0.Add(5*time.Hour)) }, t0.Add(time.Hour)},
		{"the earliest changed", func() {
			early.Summary = "new words"
			save(t, db, early, t0.Add(3*time.Hour))
		}, t0.Add(2 * time.Hour)},
		{"the earliest removed", func() {
			if ok, err := db.MarkGone(ctx, "s", late.URL, t0.Add(4*time.Hour)); err != nil || !ok {
				t.Fatalf("MarkGone = %v, %v", ok, err)
			}
		}, t0.Add(3 * time.Hour)},
	}
	for _, st := range steps {
		st.do()
		if e := earliest(); !e.Equal(st.want) || e.Location() != time.UTC {
			t.Errorf("%s: earliest change %v, want %v (UTC)", st.name, e, st.want)
		}
	}
}
