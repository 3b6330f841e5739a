package sqlite

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"harvest"
)

func TestEach(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	bySource := map[string][]int64{}
	var all []int64
	for i := range 4 {
		for _, s := range []string{"a", "b", "c"} {
			res, err := db.Save(ctx, pub(s, fmt.Sprintf("https://%s.example/p/%d", s, i), fmt.Sprintf("%s %d", s, i)), t0)
			if err != nil {
				t.Fatal(err)
			}
			bySource[s] = append(bySource[s], res.ID)
			all = append(all, res.ID)
		}
	}
	tests := []struct {
		name   string
		filter harvest.Filter
		want   []int64
	}{
		{"all", harvest.Filter{}, all},
		{"one source", harvest.Filter{Sources: []string{"b"}}, bySource["b"]},
		{"two sources", harvest.Filter{Sources: []string{"c", "a"}}, sortedIDs(bySource["a"], bySource["c"])},
		{"unknown source", harvest.Filter{Sources: []string{"zzz"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			err := db.Each(ctx, tc.filter, func(p harvest.Publication) error {
				got = append(got, p.ID)
				if tc.filter.Sources != nil && !slices.Contains(tc.filter.Sources, p.Source) {
					t.Errorf("record %d of source %q passed filter %v", p.ID, p.Source, tc.filter.Sources)
				}
				want, err := db.Get(ctx, p.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(p, want) {
					t.Errorf("Each gave\n%+v\nGet gives\n%+v", p, want)
				}
				if p.Categories == nil || p.Tags == nil || p.Downloads == nil || p.DuplicateURLs == nil {
					t.Errorf("record %d has nil lists: %+v", p.ID, p)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Each ids = %v, want %v", got, tc.want)
			}
			n, err := db.Count(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := n, len(tc.want); got != want {
				t.Errorf("Count = %d, want %d", got, want)
			}
		})
	}
}

func sortedIDs(lists ...[]int64) []int64 {
	var ids []int64
	for _, l := range lists {
		ids = append(ids, l...)
	}
	slices.Sort(ids)
	return ids
}

func TestEachStopsAtError(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	for i := range 3 {
		if _, err := db.Save(ctx, pub("s", fmt.Sprintf("https://ex.org/%d", i), "T"), t0); err != nil {
			t.Fatal(err)
		}
	}
	errStop := errors.New("stop")
	calls := 0
	err := db.Each(ctx, harvest.Filter{}, func(harvest.Publication) error {
		calls++
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Errorf("Each error = %v, want errStop", err)
	}
	if got, want := calls, 1; got != want {
		t.Errorf("fn called %d times, want %d", got, want)
	}
}

// TestReadWhileWriting streams the catalogue while writers save from
// several goroutines: nothing may fail with "database is locked", and the
// stream sees the catalogue as it was when it began.
func TestReadWhileWriting(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	const initial, writers, perWriter = 50, 8, 25
	for i := range initial {
		p := pub("s", fmt.Sprintf("https://ex.org/p/%d", i), fmt.Sprintf("P %d", i))
		p.Summary = "original"
		if _, err := db.Save(ctx, p, t0); err != nil {
			t.Fatal(err)
		}
	}

	// write saves new records and rewrites existing ones.
	write := func(w int) error {
		for i := range perWriter {
			p := pub("w", fmt.Sprintf("https://ex.org/w/%d/%d", w, i), "W")
			if _, err := db.Save(ctx, p, t0.Add(time.Minute)); err != nil {
				return err
			}
			q := pub("s", fmt.Sprintf("https://ex.org/p/%d", (w*perWriter+i)%initial), "")
			q.Title = fmt.Sprintf("P %d", (w*perWriter+i)%initial)
			q.Summary = fmt.Sprintf("edited by %d", w)
			if _, err := db.Save(ctx, q, t0.Add(time.Minute)); err != nil {
				return err
			}
		}
		return nil
	}
	// read streams everything while the writers run.
	read := func() error {
		for range 5 {
			if err := db.Each(ctx, harvest.Filter{}, func(harvest.Publication) error { return nil }); err != nil {
				return err
			}
			if _, err := db.Count(ctx, harvest.Filter{Sources: []string{"w"}}); err != nil {
				return err
			}
		}
		return nil
	}

	seen := 0
	err := db.Each(ctx, harvest.Filter{Sources: []string{"s"}}, func(p harvest.Publication) error {
		if seen == 0 {
			// With this stream open, run the writers and more readers
			// to completion.
			var wg sync.WaitGroup
			errs := make(chan error, writers+2)
			for w := range writers {
				wg.Go(func() { errs <- write(w) })
			}
			for range 2 {
				wg.Go(func() { errs <- read() })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					return err
				}
			}
		}
		seen++
		if got, want := p.Summary, "original"; got != want {
			t.Errorf("record %d: Summary = %q in a stream begun before the edit, want %q", p.ID, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := seen, initial; got != want {
		t.Errorf("stream saw %d records, want %d", got, want)
	}
	n, err := db.Count(ctx, harvest.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n, initial+writers*perWriter; got != want {
		t.Errorf("Count after writers = %d, want %d", got, want)
	}
}
