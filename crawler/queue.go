package crawler

import (
	"encoding/binary"
	"slices"
)

// chunkBytes is the size of the queue's chunks: a chunk is one
// allocation, never grown (a task too large for one gets a chunk of its
// own), and freed whole once handed out, so that the queue holds no
// slack of doubled slices and what was popped goes back to the heap.
const chunkBytes = 64 << 10

// taskQueue is a FIFO of tasks stored compactly, as a log of bytes: each
// task is a header of varints (flags, lengths, depth) and its strings,
// 40 to 60 bytes for a typical link where a task struct and its strings
// cost some 250. The URL is front-coded: stored without the bytes it
// shares with the URL before it in the chunk (the origin and often
// more: a page's links are queued in its order), which is free in a
// FIFO, where the URL before is the one popped just before. The key is
// stored only when it is not the URL less one span (the trailing
// slash). Tasks come out as they went in.
type taskQueue struct {
	head, tail *chunk
	n          int
	// lastURL is the URL of the last task pushed.
	lastURL string
}

type chunk struct {
	buf  []byte
	next *chunk
	// read is where the next task to pop starts; lastURL is the URL
	// of the task popped last (both for the head chunk).
	read    int
	lastURL string
}

// Flags of a task in the log.
const (
	flagSitemap byte = 1 << iota
	flagOptional
	flagKeyStored
)

// maxHeader bounds a task's header: a flags byte and six varints.
const maxHeader = 1 + 6*binary.MaxVarintLen64

func (q *taskQueue) len() int { return q.n }

func (q *taskQueue) push(t task) {
	var flags byte
	if t.kind == taskSitemap {
		flags |= flagSitemap
	}
	if t.optional {
		flags |= flagOptional
	}
	var key string
	cut, drop := 0, 0
	if t.key != t.url {
		var ok bool
		if cut, drop, ok = cutOf(t.url, t.key); !ok {
			key = t.key
			flags |= flagKeyStored
		}
	}
	c := q.tail
	shared := 0
	if c != nil {
		// A tail chunk holds a task (pop drops a chunk it empties):
		// the one pushed last.
		shared = commonPrefix(q.lastURL, t.url)
	}
	need := maxHeader + len(t.url) - shared + len(key) + len(t.lastmod)
	if c == nil || len(c.buf)+need > cap(c.buf) {
		// A new chunk, whose first URL is stored whole.
		shared = 0
		need = maxHeader + len(t.url) + len(key) + len(t.lastmod)
		c = &chunk{buf: make([]byte, 0, max(chunkBytes, need))}
		if q.tail == nil {
			q.head = c
		} else {
			q.tail.seal()
			q.tail.next = c
		}
		q.tail = c
	}
	b := append(c.buf, flags)
	b = binary.AppendUvarint(b, uint64(shared))
	b = binary.AppendUvarint(b, uint64(len(t.url)-shared))
	if flags&flagKeyStored != 0 {
		b = binary.AppendUvarint(b, uint64(len(key)))
	} else {
		b = binary.AppendUvarint(b, uint64(drop))
		if drop > 0 {
			b = binary.AppendUvarint(b, uint64(cut))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(t.lastmod)))
	b = binary.AppendVarint(b, int64(t.depth))
	b = append(b, t.url[shared:]...)
	b = append(b, key...)
	c.buf = append(b, t.lastmod...)
	q.lastURL = t.url
	q.n++
}

// seal gives a chunk that takes no more tasks what it holds and no more
// (the rest of its room went unused, up to a task's size): one copy
// frees the slack.
func (c *chunk) seal() {
	if cap(c.buf)-len(c.buf) > len(c.buf)/16 {
		c.buf = slices.Clone(c.buf)
	}
}

// pop hands out the oldest task; the queue must not be empty.
func (q *taskQueue) pop() task {
	c := q.head
	b := c.buf[c.read:]
	flags := b[0]
	b = b[1:]
	next := func() int {
		v, n := binary.Uvarint(b)
		b = b[n:]
		return int(v)
	}
	shared, restLen := next(), next()
	keyLen, cut, drop := 0, 0, 0
	if flags&flagKeyStored != 0 {
		keyLen = next()
	} else if drop = next(); drop > 0 {
		cut = next()
	}
	lmLen := next()
	depth, n := binary.Varint(b)
	b = b[n:]
	t := task{depth: int(depth), optional: flags&flagOptional != 0}
	if flags&flagSitemap != 0 {
		t.kind = taskSitemap
	}
	t.url = c.lastURL[:shared] + string(b[:restLen])
	c.lastURL = t.url
	b = b[restLen:]
	switch {
	case flags&flagKeyStored != 0:
		t.key = string(b[:keyLen])
	case drop == 0:
		t.key = t.url
	default:
		t.key = t.url[:cut] + t.url[cut+drop:]
	}
	b = b[keyLen:]
	if lmLen > 0 {
		t.lastmod = string(b[:lmLen])
	}
	c.read = len(c.buf) - len(b) + lmLen
	q.n--
	if c.read == len(c.buf) {
		// The chunk is garbage now; a drained queue drops its last
		// chunk too rather than reuse it (a drain costs one
		// allocation at the next push, once per fetch at most).
		q.head = c.next
		if q.head == nil {
			q.tail = nil
		}
	}
	return t
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return i
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
