package crawler

import (
	"fmt"
	"strings"
	"testing"
)

// TestTaskQueueRoundTrip: every task comes out of the packed queue as it
// went in, in order, whatever its key is to its URL.
func TestTaskQueueRoundTrip(t *testing.T) {
	long := "https://example.org/" + strings.Repeat("x", chunkBytes+10) + "/"
	tasks := []task{
		{key: "https://example.org/a", url: "https://example.org/a/", depth: 2, lastmod: "2024-01-01"},
		{key: "https://example.org/", url: "https://example.org/", kind: taskSitemap, optional: true},
		{key: "https://example.org/b?x=1", url: "https://example.org/b/?x=1"},
		{key: "https://other.example/c", url: "https://other.example/c//"},
		{key: "unrelated key", url: "https://example.org/d/"},
		{key: "5", url: "5"}, // no origin
		{key: "", url: "https://example.org"},
		{key: long[:len(long)-1], url: long, lastmod: "2020"},
		{key: "https://example.org/é", url: "https://example.org/é/", depth: 1 << 20},
	}
	for _, batch := range []int{1, 3, len(tasks)} {
		t.Run(fmt.Sprint("batch ", batch), func(t *testing.T) {
			var q taskQueue
			out := 0
			for i := 0; i < len(tasks); i += batch {
				for _, tk := range tasks[i:min(i+batch, len(tasks))] {
					q.push(tk)
				}
				for q.len() > 0 {
					if got := q.pop(); got != tasks[out] {
						t.Errorf("task %d = %+v, want %+v", out, got, tasks[out])
					}
					out++
				}
			}
			if out != len(tasks) {
				t.Errorf("popped %d tasks, want %d", out, len(tasks))
			}
		})
	}
}

// TestTaskQueueManyChunks pushes past several chunks (5,000 tasks of
// some 60 bytes that share little with each other), popping as it goes:
// order holds across chunk boundaries and a drained queue frees its
// chunks.
func TestTaskQueueManyChunks(t *testing.T) {
	var q taskQueue
	url := func(i int) string {
		return fmt.Sprintf("https://h%d.example/%d-%s/", i, i, strings.Repeat("p", 40))
	}
	next, most := 0, 0
	for i := range 5000 {
		q.push(task{key: strings.TrimSuffix(url(i), "/"), url: url(i), depth: i})
		if i%3 == 0 {
			if got := q.pop(); got.depth != next || got.url != url(next) {
				t.Fatalf("pop = %+v, want task %d", got, next)
			}
			next++
		}
		chunks := 0
		for c := q.head; c != nil; c = c.next {
			chunks++
		}
		most = max(most, chunks)
	}
	for q.len() > 0 {
		if got := q.pop(); got.depth != next || got.key != strings.TrimSuffix(url(next), "/") {
			t.Fatalf("pop = %+v, want task %d", got, next)
		}
		next++
	}
	if next != 5000 {
		t.Errorf("popped %d, want 5000", next)
	}
	if most < 3 {
		t.Errorf("the queue held at most %d chunks, want the test to span 3 or more", most)
	}
	if q.head != nil || q.tail != nil {
		t.Error("a drained queue still holds chunks")
	}
}
