// Package counts keeps the counted totals of a catalogue's listings, per
// catalogue version, for every backend.
package counts

import (
	"sync"
	"time"
)

// Cache keeps the totals of the queries asked for at one catalogue
// version: a total is counted once per query and catalogue change, and
// the whole cache is dropped when the catalogue changes.
type Cache struct {
	mu      sync.Mutex
	version int64
	counts  map[string]int
	// lag, when set, lets a counted total be reused across catalogue
	// changes for that long (see SetLag); recent holds the
	// counted totals with when they were counted.
	lag    time.Duration
	recent map[string]recentCount
}

type recentCount struct {
	n  int
	at time.Time
}

// RecentTotal returns a total counted less than lag ago, at any
// catalogue version.
func (c *Cache) RecentTotal(key string, now time.Time) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.recent[key]
	if !ok || c.lag <= 0 || now.Sub(r.at) >= c.lag {
		return 0, false
	}
	return r.n, true
}

func (c *Cache) PutRecent(key string, n int, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lag <= 0 {
		return
	}
	if c.recent == nil || len(c.recent) >= maxCachedCounts {
		c.recent = map[string]recentCount{}
	}
	c.recent[key] = recentCount{n, now}
}

// maxCachedCounts bounds the cache: past it, the cache starts afresh.
const maxCachedCounts = 4096

func (c *Cache) Get(version int64, key string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return 0, false
	}
	n, ok := c.counts[key]
	return n, ok
}

func (c *Cache) Put(version int64, key string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version < version || c.counts == nil || len(c.counts) >= maxCachedCounts {
		if c.version > version && c.counts != nil {
			return // a newer version's cache: keep it
		}
		c.version, c.counts = version, map[string]int{}
	}
	if c.version == version {
		c.counts[key] = n
	}
}

// SetLag lets a counted total be reused across catalogue changes for up
// to lag (0: never).
func (c *Cache) SetLag(lag time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lag = lag
}
