package crawler

import (
	"hash/maphash"
	"strings"
)

// urlHash identifies a URL key (or any string) by 128 bits of hash
// instead of its text: the seen set, the lastmods, the link and scope
// caches and the query variants of a run keep these, 16 bytes, instead
// of strings of 60 to 100 bytes and their headers.
//
// A collision would make the run take a new URL for one it has seen
// (and skip it silently). With n URLs the chance of any collision is
// about n²/2¹²⁹: 4·10⁻²⁸ for 500,000 URLs, 3·10⁻²⁴ for 50 million,
// far below the chance of a memory error. 64 bits would give 7·10⁻⁹
// at 500,000 URLs, small but not negligible over many runs of many
// sites, for 8 bytes a URL less. The seeds are drawn per process, so
// a site cannot choose URLs that collide.
type urlHash [2]uint64

var hashSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func hashOf(s string) urlHash {
	return urlHash{maphash.String(hashSeeds[0], s), maphash.String(hashSeeds[1], s)}
}

// Sizes of the queue's chunks: a chunk is two allocations (entries,
// bytes) made once, never grown, and freed whole once handed out, so
// that the queue holds no slack of doubled slices and what was popped
// goes back to the heap.
const (
	chunkEntries = 1024
	chunkBytes   = 64 << 10
)

// taskQueue is a FIFO of tasks stored compactly: a task's strings are
// packed into its chunk's bytes (the URL without its origin, which is
// interned, the key only when it is not the URL less one span, the
// lastmod), and the fixed fields into a 36-byte entry. Tasks come out as
// they went in.
type taskQueue struct {
	head, tail *chunk
	n          int
	// origins are the interned "scheme://host" prefixes; originIndex
	// maps them to their number + 1 (0 in an entry: not interned).
	origins     []string
	originIndex map[string]uint16
}

type chunk struct {
	entries []entry
	buf     []byte
	next    *chunk
	// popped counts the entries handed out.
	popped int
}

type entry struct {
	// off is where the entry's bytes start in buf: the URL less its
	// origin, then the key when stored, then the lastmod.
	off, urlLen, keyLen, lmLen uint32
	// When the key is not stored, it is the URL with drop bytes cut at
	// cut (a trailing slash, mostly); drop 0 means the URL itself.
	cut, drop uint32
	depth     int32
	origin    uint16
	kind      taskKind8
	flags     uint8
}

// taskKind8 is a taskKind in a byte.
type taskKind8 uint8

const (
	flagOptional uint8 = 1 << iota
	flagKeyStored
)

// maxOrigins bounds the interned origins (an entry numbers them in 16
// bits); URLs of further origins are stored whole.
const maxOrigins = 1<<16 - 1

func (q *taskQueue) len() int { return q.n }

func (q *taskQueue) push(t task) {
	e := entry{depth: int32(t.depth), kind: taskKind8(t.kind)}
	if t.optional {
		e.flags |= flagOptional
	}
	rest := t.url
	if origin, ok := originOf(t.url); ok {
		if id := q.intern(origin); id != 0 {
			e.origin = id
			rest = t.url[len(origin):]
		}
	}
	var key string
	if t.key != t.url {
		if cut, drop, ok := cutOf(t.url, t.key); ok {
			e.cut, e.drop = uint32(cut), uint32(drop)
		} else {
			key = t.key
			e.flags |= flagKeyStored
		}
	}
	need := len(rest) + len(key) + len(t.lastmod)
	c := q.tail
	if c == nil || len(c.entries) == cap(c.entries) || len(c.buf)+need > cap(c.buf) {
		c = &chunk{entries: make([]entry, 0, chunkEntries), buf: make([]byte, 0, max(chunkBytes, need))}
		if q.tail == nil {
			q.head = c
		} else {
			q.tail.next = c
		}
		q.tail = c
	}
	e.off = uint32(len(c.buf))
	e.urlLen, e.keyLen, e.lmLen = uint32(len(rest)), uint32(len(key)), uint32(len(t.lastmod))
	c.buf = append(c.buf, rest...)
	c.buf = append(c.buf, key...)
	c.buf = append(c.buf, t.lastmod...)
	c.entries = append(c.entries, e)
	q.n++
}

// pop hands out the oldest task; the queue must not be empty.
func (q *taskQueue) pop() task {
	c := q.head
	e := c.entries[c.popped]
	c.popped++
	q.n--
	b := c.buf[e.off:]
	rest := b[:e.urlLen]
	b = b[e.urlLen:]
	t := task{depth: int(e.depth), kind: taskKind(e.kind), optional: e.flags&flagOptional != 0}
	if e.origin != 0 {
		t.url = q.origins[e.origin-1] + string(rest)
	} else {
		t.url = string(rest)
	}
	switch {
	case e.flags&flagKeyStored != 0:
		t.key = string(b[:e.keyLen])
	case e.drop == 0:
		t.key = t.url
	default:
		t.key = t.url[:e.cut] + t.url[e.cut+e.drop:]
	}
	b = b[e.keyLen:]
	if e.lmLen > 0 {
		t.lastmod = string(b[:e.lmLen])
	}
	if c.popped == len(c.entries) {
		// The chunk is garbage now. (A drained queue drops its last
		// chunk too rather than reuse it: a drain costs one allocation
		// the next push, once per fetch at most.)
		q.head = c.next
		if q.head == nil {
			q.tail = nil
		}
	}
	return t
}

func (q *taskQueue) intern(origin string) uint16 {
	if id, ok := q.originIndex[origin]; ok {
		return id
	}
	if len(q.origins) >= maxOrigins {
		return 0
	}
	if q.originIndex == nil {
		q.originIndex = map[string]uint16{}
	}
	q.origins = append(q.origins, strings.Clone(origin))
	id := uint16(len(q.origins))
	q.originIndex[q.origins[id-1]] = id
	return id
}

// originOf returns the "scheme://host" of an absolute URL.
func originOf(u string) (string, bool) {
	i := strings.Index(u, "://")
	if i <= 0 {
		return "", false
	}
	j := strings.IndexAny(u[i+3:], "/?#")
	if j < 0 {
		return "", false
	}
	return u[:i+3+j], true
}

// cutOf reports whether key is u with one span cut out, and where: a
// key is its URL with the path's trailing slash dropped, so it need not
// be stored beside it.
func cutOf(u, key string) (cut, drop int, ok bool) {
	if len(key) >= len(u) {
		return 0, 0, false
	}
	p := 0
	for p < len(key) && u[p] == key[p] {
		p++
	}
	return p, len(u) - len(key), u[p+len(u)-len(key):] == key[p:]
}
