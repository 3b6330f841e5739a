package crawler

import (
	"cmp"
	"hash/maphash"
	"slices"
)

// urlHash identifies a URL key (or any string) by 128 bits of hash
// instead of its text: the seen set, the lastmods, the link and scope
// caches and the query variants of a run keep these, 16 bytes, instead
// of strings of 60 to 100 bytes and their headers.
//
// A collision would make the run take a new URL for one it has seen
// (and skip it silently). With n URLs the chance of any collision is
// about n²/2¹²⁹: 4·10⁻²⁸ for 500,000 URLs, 4·10⁻²⁴ for 50 million,
// far below the chance of a memory error. 64 bits would give 7·10⁻⁹
// at 500,000 URLs, small but not negligible over many runs of many
// sites, for 8 bytes a URL less. The seeds are drawn per process, so
// a site cannot choose URLs that collide.
type urlHash [2]uint64

var hashSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func hashOf(s string) urlHash {
	return urlHash{maphash.String(hashSeeds[0], s), maphash.String(hashSeeds[1], s)}
}

// hashSet is a set of urlHash that costs about 16 bytes an element where
// a Go map of them cost 53 at 500,000 (BenchmarkFrontier500k): most
// elements are in a sorted slice, the latest in a map that is merged
// into the slice when it reaches a quarter of it (at least minRecent),
// so that merging stays linear in the set's size overall. A lookup is a
// map lookup and a binary search. The price is a pause at each merge,
// under the frontier's lock: some 15 merges up to 500,000 URLs, the last
// taking about 50 ms on the development machine (sorting 100,000 hashes
// and copying 8 MB), against fetches that take longer.
type hashSet struct {
	sorted []urlHash
	recent map[urlHash]struct{}
}

// minRecent is the smallest map merged: below it, merging often would
// cost more than the map.
const minRecent = 1 << 14

func compareHash(a, b urlHash) int {
	if c := cmp.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return cmp.Compare(a[1], b[1])
}

func (s *hashSet) has(h urlHash) bool {
	if _, ok := s.recent[h]; ok {
		return true
	}
	_, ok := slices.BinarySearchFunc(s.sorted, h, compareHash)
	return ok
}

// add puts h in the set and reports whether it was new.
func (s *hashSet) add(h urlHash) bool {
	if s.has(h) {
		return false
	}
	if s.recent == nil {
		s.recent = map[urlHash]struct{}{}
	}
	s.recent[h] = struct{}{}
	if len(s.recent) >= max(minRecent, len(s.sorted)/4) {
		s.merge()
	}
	return true
}

func (s *hashSet) len() int { return len(s.sorted) + len(s.recent) }

// merge moves the map into the sorted slice. The new slice is made to
// size: no slack. The map is made anew, not cleared: a cleared map
// keeps its peak size.
func (s *hashSet) merge() {
	add := make([]urlHash, 0, len(s.recent))
	for h := range s.recent {
		add = append(add, h)
	}
	slices.SortFunc(add, compareHash)
	out := make([]urlHash, 0, len(s.sorted)+len(add))
	i, j := 0, 0
	for i < len(s.sorted) && j < len(add) {
		if compareHash(s.sorted[i], add[j]) < 0 {
			out = append(out, s.sorted[i])
			i++
		} else {
			out = append(out, add[j])
			j++
		}
	}
	out = append(out, s.sorted[i:]...)
	out = append(out, add[j:]...)
	s.sorted, s.recent = out, nil
}
