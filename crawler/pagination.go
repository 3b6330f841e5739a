package crawler

import (
	"hash/maphash"
	"sync"
)

// barrenPages is how many pages in a row of one pagination sequence may
// bring no link that its earlier pages did not have before the sequence
// is no longer followed: a listing whose "next page" always answers (with
// its last page again, or an empty list) ends there.
const barrenPages = 3

// paginations follows the pagination sequences of a run's listings. A
// sequence is one listing's pages (/news/, /news/page/2/, ...; see
// paginationKey). It is followed while its pages bring links its earlier
// pages did not have, and for at most max pages.
type paginations struct {
	max int

	mu sync.Mutex
	// seqs is keyed by the hash of the sequence's key: there is one
	// per listing, tag and category of the site.
	seqs    map[urlHash]*pageSeq
	stopped int
}

type pageSeq struct {
	// links are the hashes of the links its pages carried; a stopped
	// sequence needs them no more and drops them. (A 64-bit hash is
	// enough here: a collision only makes one link of one listing count
	// as not new.)
	links   map[uint64]struct{}
	queued  int // its pages queued by the run
	barren  int // pages in a row that brought no new link
	stopped bool
}

var linkSeed = maphash.MakeSeed()

// read records the links (other than the sequence's own page links) of a
// page of sequence seq, and reports whether the sequence is still
// followed and, when this page ended it, why.
func (p *paginations) read(seq string, links []string) (follow bool, ended string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.seq(seq)
	if s.stopped {
		return false, ""
	}
	fresh := 0
	for _, l := range links {
		h := maphash.String(linkSeed, l)
		if _, ok := s.links[h]; !ok {
			s.links[h] = struct{}{}
			fresh++
		}
	}
	if fresh > 0 {
		s.barren = 0
		return true, ""
	}
	s.barren++
	if s.barren >= barrenPages {
		s.stop()
		p.stopped++
		return false, "pages bring no new links"
	}
	return true, ""
}

// room reports whether one more page of seq may be queued, and says why
// not when the bound is reached now.
func (p *paginations) room(seq string) (ok bool, ended string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.seq(seq)
	if s.stopped {
		return false, ""
	}
	if s.queued >= p.max {
		s.stop()
		p.stopped++
		return false, "max_pagination reached"
	}
	return true, ""
}

// queued counts one page of seq queued.
func (p *paginations) queued(seq string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq(seq).queued++
}

func (s *pageSeq) stop() {
	s.stopped = true
	s.links = nil
}

func (p *paginations) seq(key string) *pageSeq {
	if p.seqs == nil {
		p.seqs = map[urlHash]*pageSeq{}
	}
	h := hashOf(key)
	s, ok := p.seqs[h]
	if !ok {
		s = &pageSeq{links: map[uint64]struct{}{}}
		p.seqs[h] = s
	}
	return s
}

func (p *paginations) stoppedCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopped
}
