package sqlite

import (
	"errors"
	"harvest"
	"reflect"
	"testing"
	"time"
)

func TestRuns(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)

	start := func(source string, at time.Time) int64 {
		t.Helper()
		id, err := db.StartRun(ctx, source, at)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	idA1 := start("a", t0)
	idB := start("b", t0.Add(time.Minute))
	idA2 := start("a", t0.Add(time.Hour))

	finished := harvest.Run{
		ID: idA1, Source: "a", Started: t0, Finished: t0.Add(10*time.Minute + 500*time.Millisecond),
		Pages: 40, Errors: 2, New: 30, Changed: 1, Unchanged: 5, Duplicates: 1,
		Status: harvest.RunPartial, Note: "page cap reached",
	}
	if err := db.FinishRun(ctx, finished); err != nil {
		t.Fatal(err)
	}
	finished.Finished = finished.Finished.Truncate(time.Second)

	running := func(id int64, source string, started time.Time) harvest.Run {
		return harvest.Run{ID: id, Source: source, Started: started, Status: harvest.RunRunning}
	}
	tests := []struct {
		source string
		want   []harvest.Run
	}{
		{"", []harvest.Run{running(idA2, "a", t0.Add(time.Hour)), running(idB, "b", t0.Add(time.Minute)), finished}},
		{"a", []harvest.Run{running(idA2, "a", t0.Add(time.Hour)), finished}},
		{"b", []harvest.Run{running(idB, "b", t0.Add(time.Minute))}},
		{"none", nil},
	}
	for _, tc := range tests {
		got, err := db.Runs(ctx, tc.source)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Runs(%q) =\n%+v\nwant\n%+v", tc.source, got, tc.want)
		}
	}

	if err := db.FinishRun(ctx, harvest.Run{ID: 999, Status: harvest.RunOK, Finished: t0}); !errors.Is(err, harvest.ErrNotFound) {
		t.Errorf("FinishRun of unknown run: error = %v, want ErrNotFound", err)
	}
	if err := db.FinishRun(ctx, harvest.Run{ID: idB, Status: "great", Finished: t0}); err == nil {
		t.Error("FinishRun with an unknown status succeeded")
	}
	if _, err := db.StartRun(ctx, "", t0); err == nil {
		t.Error("StartRun without a source succeeded")
	}
}
