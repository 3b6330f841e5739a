package crawler

import (
	"fmt"
	"testing"
)

// TestHashSet adds strings in rounds across several merges: each is new
// once, then found, and strings never added are not found.
func TestHashSet(t *testing.T) {
	var s hashSet
	n := 5*minRecent + 123
	for i := range n {
		if !s.add(hashOf(fmt.Sprint("u", i))) {
			t.Fatalf("u%d reported seen before it was added", i)
		}
		if i%7 == 0 && s.add(hashOf(fmt.Sprint("u", i/2))) {
			t.Fatalf("u%d reported new a second time", i/2)
		}
	}
	if s.len() != n {
		t.Errorf("len = %d, want %d", s.len(), n)
	}
	if len(s.sorted) == 0 {
		t.Error("nothing was merged into the sorted slice")
	}
	for i := range n {
		if !s.has(hashOf(fmt.Sprint("u", i))) {
			t.Fatalf("u%d not found", i)
		}
		if s.has(hashOf(fmt.Sprint("v", i))) {
			t.Fatalf("v%d found, never added", i)
		}
	}
}
