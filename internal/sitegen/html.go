package sitegen

import (
	"strconv"
	"strings"
	"time"
)

// page is an append-only byte buffer with the escaping the renderers need.
// Pages are written by hand rather than with html/template: it is several
// times faster, and the server's CPU counts against the crawler's in
// benchmarks that run both in one process.
type page struct{ b []byte }

func (p *page) s(x string) { p.b = append(p.b, x...) }

func (p *page) i(n int) { p.b = strconv.AppendInt(p.b, int64(n), 10) }

// esc writes x escaped for HTML text and quoted attribute values.
func (p *page) esc(x string) {
	last := 0
	for k := 0; k < len(x); k++ {
		var r string
		switch x[k] {
		case '&':
			r = "&amp;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		case '"':
			r = "&#34;"
		case '\'':
			r = "&#39;"
		default:
			continue
		}
		p.b = append(p.b, x[last:k]...)
		p.b = append(p.b, r...)
		last = k + 1
	}
	p.b = append(p.b, x[last:]...)
}

// tex writes a title the way WordPress's wptexturize leaves it:
// ampersands and typographic characters as numeric references.
func (p *page) tex(x string) {
	last := 0
	for k := 0; k < len(x); {
		var r string
		n := 1
		switch {
		case x[k] == '&':
			r = "&#038;"
		case x[k] == '<':
			r = "&lt;"
		case x[k] == '>':
			r = "&gt;"
		case x[k] == '"':
			r = "&#8221;"
		case strings.HasPrefix(x[k:], "’"):
			r, n = "&#8217;", len("’")
		case strings.HasPrefix(x[k:], "–"):
			r, n = "&#8211;", len("–")
		default:
			k++
			continue
		}
		p.b = append(p.b, x[last:k]...)
		p.b = append(p.b, r...)
		k += n
		last = k
	}
	p.b = append(p.b, x[last:]...)
}

// json writes x as a JSON string, safe inside a <script> element.
func (p *page) json(x string) {
	const hex = "0123456789abcdef"
	p.b = append(p.b, '"')
	for k := 0; k < len(x); k++ {
		c := x[k]
		switch {
		case c == '"' || c == '\\':
			p.b = append(p.b, '\\', c)
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			p.b = append(p.b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			p.b = append(p.b, c)
		}
	}
	p.b = append(p.b, '"')
}

// query writes x escaped for a URL query value (as url.QueryEscape
// does, but spaces as %20).
func (p *page) query(x string) {
	const hex = "0123456789ABCDEF"
	for k := 0; k < len(x); k++ {
		c := x[k]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			p.b = append(p.b, c)
		} else {
			p.b = append(p.b, '%', hex[c>>4], hex[c&15])
		}
	}
}

// wpTime is how WordPress and Yoast write times: "+00:00", never "Z".
const wpTime = "2006-01-02T15:04:05-07:00"

func (p *page) time(t time.Time, layout string) { p.b = t.AppendFormat(p.b, layout) }

func unix(t int64) time.Time { return time.Unix(t, 0).UTC() }
