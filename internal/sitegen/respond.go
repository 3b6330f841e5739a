package sitegen

import (
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Answering: validators and conditional requests, gzip, buffers, and
// the counters.

// notFound answers WordPress's 404 page.
func (x *exchange) notFound() {
	c := x.s.chrome(x.base)
	pg := getPage()
	defer putPage(pg)
	split := x.s.static(pg, x.base, "", "", 0)
	x.html(http.StatusNotFound, c, "", 0, pg.b[:split], pg.b[split:])
}

// html answers a page made of the furniture and the page's own head and
// main parts. An empty etag is derived from the page's own parts.
func (x *exchange) html(status int, c *chrome, etag string, lastMod int64, headPart, mainPart []byte) {
	if etag == "" && status == http.StatusOK {
		h := crc32.Update(c.key, castagnoli, headPart)
		h2 := crc32.Update(^c.key, castagnoli, mainPart)
		etag = strconv.FormatUint(uint64(h)<<32|uint64(h2), 16)
	}
	x.send(status, "text/html; charset=UTF-8", etag, lastMod,
		c.head, part{raw: headPart}, c.header, part{raw: mainPart}, c.footer)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// plain answers a small body that needs no validators.
func (x *exchange) plain(status int, ctype, body string) {
	x.send(status, ctype, "", 0, part{raw: []byte(body)})
}

func (x *exchange) redirect(target string) {
	x.w.Header().Set("Location", target)
	x.record(http.StatusMovedPermanently, 0)
	x.w.WriteHeader(http.StatusMovedPermanently)
}

// notModified answers 304 when the request's validators match the page's;
// it reports whether it did.
func (x *exchange) notModified(etag string, lastMod int64) bool {
	if !conditionMet(x.r, etag, lastMod) {
		return false
	}
	h := x.w.Header()
	x.validators(h, etag, lastMod)
	x.record(http.StatusNotModified, 0)
	x.w.WriteHeader(http.StatusNotModified)
	return true
}

func (x *exchange) validators(h http.Header, etag string, lastMod int64) {
	if etag != "" {
		if x.gz {
			h.Set("ETag", `"`+etag+`-gzip"`)
		} else {
			h.Set("ETag", `"`+etag+`"`)
		}
	}
	if lastMod > 0 {
		h.Set("Last-Modified", unix(lastMod).Format(http.TimeFormat))
	}
	if x.s.gzip {
		h.Set("Vary", "Accept-Encoding")
	}
}

// conditionMet reports whether a GET for a resource with these validators
// is answered 304: If-None-Match when present (weak comparison, either
// encoding's tag), else If-Modified-Since.
func conditionMet(r *http.Request, etag string, lastMod int64) bool {
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		if etag == "" {
			return false
		}
		for _, line := range inm {
			for _, t := range strings.Split(line, ",") {
				t = strings.TrimSpace(t)
				if t == "*" {
					return true
				}
				t = strings.TrimPrefix(t, "W/")
				t = strings.TrimSuffix(strings.TrimPrefix(t, `"`), `"`)
				if strings.TrimSuffix(t, "-gzip") == etag {
					return true
				}
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && lastMod > 0 {
		t, err := http.ParseTime(ims)
		return err == nil && lastMod <= t.Unix()
	}
	return false
}

// send answers status with a body made of parts: 304 instead when the
// request's validators match, gzip-compressed when the client accepts it.
func (x *exchange) send(status int, ctype, etag string, lastMod int64, parts ...part) {
	if status == http.StatusOK && x.notModified(etag, lastMod) {
		return
	}
	buf := getBody()
	defer putBody(buf)
	out := buf.b
	if x.gz {
		out = gzipParts(out, parts, &buf.table)
	} else {
		for _, p := range parts {
			out = append(out, p.raw...)
		}
	}
	buf.b = out
	h := x.w.Header()
	h.Set("Content-Type", ctype)
	if status == http.StatusOK {
		x.validators(h, etag, lastMod)
	} else if x.s.gzip {
		h.Set("Vary", "Accept-Encoding")
	}
	if x.gz {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(out)))
	if x.r.Method == http.MethodHead {
		out = nil
	}
	x.record(status, len(out))
	x.w.WriteHeader(status)
	x.w.Write(out)
}

// record counts the response. It is called before the response is
// written, so that a client that has its response sees it counted.
func (x *exchange) record(status, n int) {
	dup := x.dup
	if !x.counted {
		dup = x.s.stats.seen(x.r.URL.Path, x.r.URL.RawQuery)
	}
	x.s.stats.record(x.kind, status, n, dup)
}

// gzipParts appends to dst a gzip member made of the parts: the
// pre-compressed ones are copied, the others compressed now. Each part's
// deflate blocks end on a byte boundary and are not final, so that they
// can follow one another; an empty final block ends the stream.
func gzipParts(dst []byte, parts []part, table *[1 << lzHashBits]int32) []byte {
	dst = append(dst, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255)
	var crc uint32
	size := 0
	for _, p := range parts {
		crc = crc32.Update(crc, crc32.IEEETable, p.raw)
		size += len(p.raw)
		switch {
		case p.z != nil:
			dst = append(dst, p.z...)
		case len(p.raw) > 0:
			dst = deflateFixed(dst, p.raw, table)
		}
	}
	dst = append(dst, 3, 0) // final block, fixed Huffman, end of block at once
	dst = binary.LittleEndian.AppendUint32(dst, crc)
	return binary.LittleEndian.AppendUint32(dst, uint32(size))
}

// body is a response being assembled, with the compressor's scratch.
type body struct {
	b     []byte
	table [1 << lzHashBits]int32
}

var bodyPool = sync.Pool{New: func() any { return &body{b: make([]byte, 0, 64<<10)} }}

func getBody() *body { return bodyPool.Get().(*body) }

func putBody(b *body) {
	b.b = b.b[:0]
	bodyPool.Put(b)
}

var pagePool = sync.Pool{New: func() any { return &page{b: make([]byte, 0, 32<<10)} }}

func getPage() *page { return pagePool.Get().(*page) }

func putPage(p *page) {
	p.b = p.b[:0]
	pagePool.Put(p)
}
