package crawler

import (
	"context"
	"harvest"
	"net/url"
	"sync"
	"time"
)

// politeness keeps every host the run visits to its own pace, whichever
// way the crawl reached it (a start URL, a second allowed domain, a
// redirect alias): each host gets its own slot, with the run's delay or
// the longer Crawl-delay of that host's robots.txt. A host with a delay
// takes one request at a time, each starting at least the delay after
// the previous one ended; a host without one takes up to the run's
// concurrency. A host that answered 429 or 503 with Retry-After is paused
// as long as it asked.
type politeness struct {
	delay       time.Duration // the run's delay
	concurrency int
	// crawlDelay is the host's robots.txt Crawl-delay (fetched on first
	// use of the host).
	crawlDelay func(ctx context.Context, u *url.URL) time.Duration

	// gate, when set, holds the hosts' pace across every process of a
	// shared run: the local slot still bounds this process's requests.
	gate harvest.HostGate

	mu    sync.Mutex
	hosts map[string]*hostSlot
}

type hostSlot struct {
	delay time.Duration
	sem   chan struct{}

	mu    sync.Mutex
	next  time.Time // the earliest start of the next request
	until time.Time // paused until (Retry-After)
}

func newPoliteness(delay time.Duration, concurrency int, crawlDelay func(context.Context, *url.URL) time.Duration) *politeness {
	return &politeness{delay: delay, concurrency: concurrency, crawlDelay: crawlDelay, hosts: map[string]*hostSlot{}}
}

// slot returns u's host slot, making it (and reading the host's
// robots.txt for its Crawl-delay) on first use.
func (p *politeness) slot(ctx context.Context, u *url.URL) *hostSlot {
	host := u.Host
	p.mu.Lock()
	s, ok := p.hosts[host]
	p.mu.Unlock()
	if ok {
		return s
	}
	d := p.delay
	if p.crawlDelay != nil {
		if cd := p.crawlDelay(ctx, u); cd > d {
			d = cd
		}
	}
	parallel := p.concurrency
	if d > 0 || parallel < 1 {
		parallel = 1
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.hosts[host]; ok {
		return s
	}
	s = &hostSlot{delay: d, sem: make(chan struct{}, parallel)}
	p.hosts[host] = s
	return s
}

// acquire waits for u's host to take one more request; release, called
// when the request has ended, starts the host's delay.
func (p *politeness) acquire(ctx context.Context, u *url.URL) (release func(), err error) {
	s := p.slot(ctx, u)
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if p.gate != nil {
		done, err := p.gate.Acquire(ctx, u.Host, s.delay)
		if err != nil {
			<-s.sem
			return nil, err
		}
		return func() {
			done()
			<-s.sem
		}, nil
	}
	for {
		s.mu.Lock()
		at := s.next
		if s.until.After(at) {
			at = s.until
		}
		s.mu.Unlock()
		wait := time.Until(at)
		if wait <= 0 {
			break
		}
		if err := sleep(ctx, wait); err != nil {
			<-s.sem
			return nil, err
		}
	}
	return func() {
		s.mu.Lock()
		if next := time.Now().Add(s.delay); next.After(s.next) {
			s.next = next
		}
		s.mu.Unlock()
		<-s.sem
	}, nil
}

// pause holds every request to u's host until the given time.
func (p *politeness) pause(ctx context.Context, u *url.URL, until time.Time) {
	if p.gate != nil {
		// A pause the database did not take still holds this process
		// back (below); the others learn of it from their own 429s.
		_ = p.gate.Pause(ctx, u.Host, until)
	}
	s := p.slot(ctx, u)
	s.mu.Lock()
	if until.After(s.until) {
		s.until = until
	}
	s.mu.Unlock()
}
