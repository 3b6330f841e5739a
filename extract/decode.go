package extract

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// metaScanLimit is how far into the body a <meta charset> is looked for
// when neither a BOM nor the Content-Type names the encoding. Browsers
// stop at 1,024 bytes; pages in the wild put the declaration after long
// comments or scripts, so harvest looks further.
const metaScanLimit = 64 << 10

var metaCharsetRe = regexp.MustCompile(`(?i)<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-z0-9_:.\-]+)`)

// utf8BOM is the byte-order mark of UTF-8.
var utf8BOM = []byte("\xef\xbb\xbf")

// errEmpty and errBinary describe bodies that are not usable pages.
var (
	errEmpty  = errors.New("empty body")
	errBinary = errors.New("body is binary, not HTML")
)

// decode converts body to valid UTF-8 (body itself when it is valid
// UTF-8 already). The encoding comes from, in order:
// a byte-order mark, the charset parameter of contentType, a <meta
// charset> or http-equiv declaration in the first 64 KB, and otherwise
// UTF-8 when the body is UTF-8 (valid, or with a few stray bytes), else
// windows-1252 (which also covers ISO-8859-1, as browsers do). It
// returns the canonical name of the encoding used.
//
// A declaration of UTF-8 is not trusted blindly: servers send
// "charset=utf-8" by default for pages written in Latin-1, and the
// crawler declares UTF-8 for every body colly has converted. When the
// encoding in use is UTF-8 (declared or sniffed) and the body is not
// valid UTF-8, a <meta charset> naming another encoding wins unless a
// UTF-8 BOM or the bytes themselves say UTF-8 with a few stray bytes
// (see likelyUTF8); otherwise every valid UTF-8 sequence is kept and
// every invalid byte is read as windows-1252 (see repairUTF8). Invalid
// input never becomes U+FFFD: the result holds one only where the page
// spells one out.
func decode(body []byte, contentType string) ([]byte, string, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, "", errEmpty
	}
	if err := checkMediaType(contentType); err != nil {
		return nil, "", err
	}
	e, name, certain := charset.DetermineEncoding(body, contentType)
	if !certain {
		e, name = sniffEncoding(body)
	}
	if name != "utf-16le" && name != "utf-16be" && looksBinary(body) {
		return nil, "", errBinary
	}
	isUTF8 := name == "utf-8" || e == nil || e == encoding.Nop
	if isUTF8 && !bytes.HasPrefix(body, utf8BOM) && !utf8.Valid(body) && !likelyUTF8(body) {
		if me, mname := metaEncoding(body); me != nil && mname != "utf-8" {
			e, name, isUTF8 = me, mname, false
		}
	}
	var out []byte
	if isUTF8 {
		out = repairUTF8(body)
		name = "utf-8"
	} else {
		b, err := e.NewDecoder().Bytes(body)
		if err != nil {
			return nil, "", fmt.Errorf("decode %s: %w", name, err)
		}
		// The decoders of golang.org/x/text write U+FFFD for a byte
		// sequence the encoding does not define (and for a lone UTF-16
		// surrogate). Such a character carries nothing, and a page in a
		// legacy encoding cannot spell a literal one, so each is dropped.
		out = bytes.ReplaceAll(b, []byte("\uFFFD"), nil)
		out = repairUTF8(out)
	}
	return bytes.TrimPrefix(out, []byte("\uFEFF")), name, nil
}

// sniffEncoding is used when neither a BOM nor the Content-Type decides:
// a <meta> declaration, else UTF-8 when the body is UTF-8 (perhaps with a
// few stray bytes, see likelyUTF8), else windows-1252.
func sniffEncoding(body []byte) (encoding.Encoding, string) {
	if e, name := metaEncoding(body); e != nil {
		return e, name
	}
	if utf8.Valid(body) || likelyUTF8(body) {
		return encoding.Nop, "utf-8"
	}
	e, name := charset.Lookup("windows-1252")
	return e, name
}

// metaEncoding returns the encoding named by the first <meta charset> or
// http-equiv Content-Type in the first 64 KB of body, or nil when there
// is none or it names no usable encoding. As in the HTML standard's
// prescan, a declaration of UTF-16 in a page readable as ASCII means
// UTF-8, and the "replacement" encoding (ISO-2022-KR, HZ-GB-2312, ...)
// and x-user-defined are ignored: they would turn the page into one
// U+FFFD or private-use characters.
func metaEncoding(body []byte) (encoding.Encoding, string) {
	head := body
	if len(head) > metaScanLimit {
		head = head[:metaScanLimit]
	}
	m := metaCharsetRe.FindSubmatch(head)
	if m == nil {
		return nil, ""
	}
	e, name := charset.Lookup(string(m[1]))
	switch {
	case e == nil, name == "replacement", name == "x-user-defined":
		return nil, ""
	case name == "utf-8", name == "utf-16le", name == "utf-16be":
		return encoding.Nop, "utf-8"
	}
	return e, name
}

// likelyUTF8 reports whether body, which is not valid UTF-8, is UTF-8
// with a few stray bytes rather than text in a legacy encoding: it holds
// more well-formed multi-byte UTF-8 sequences than invalid bytes. Text in
// a single-byte encoding forms such sequences only by accident (a letter
// from C2-F4 followed by one from 80-BF), while nearly every one of its
// non-ASCII letters is an invalid byte.
func likelyUTF8(body []byte) bool {
	multi, invalid := 0, 0
	for i := 0; i < len(body); {
		if body[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && n == 1 {
			invalid++
		} else {
			multi++
		}
		i += n
	}
	return multi > invalid
}

// repairUTF8 returns b with every byte that is not part of a valid UTF-8
// sequence decoded as windows-1252 (the superset of ISO-8859-1 that
// browsers use for it). The five bytes windows-1252 leaves undefined
// (81, 8D, 8F, 90, 9D) are dropped. Valid sequences, a literal U+FFFD
// among them, are kept as they are. b itself is returned when it is valid
// UTF-8.
func repairUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n > 1 {
			out = append(out, b[i:i+n]...)
			i += n
			continue
		}
		if r := charmap.Windows1252.DecodeByte(c); r >= 0xa0 && r != utf8.RuneError {
			out = utf8.AppendRune(out, r)
		}
		i++
	}
	return out
}

// checkMediaType rejects bodies whose declared type is plainly not a page
// (PDF, images, ...). An empty or unparsable Content-Type is accepted: the
// body is then sniffed.
func checkMediaType(contentType string) error {
	if strings.TrimSpace(contentType) == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil
	}
	if strings.HasPrefix(mt, "text/") || strings.Contains(mt, "html") || strings.Contains(mt, "xml") {
		return nil
	}
	return fmt.Errorf("content type %s is not HTML", mt)
}

// looksBinary reports whether the start of body looks like binary data
// rather than a page in an 8-bit or UTF-8 encoding: several NUL bytes,
// or a NUL byte and no markup.
func looksBinary(body []byte) bool {
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	nuls := bytes.Count(head, []byte{0})
	return nuls >= 4 || nuls > 0 && bytes.IndexByte(head, '<') < 0
}

// parse decodes body and parses it into an HTML tree.
func parse(body []byte, contentType string) (*html.Node, error) {
	s, _, err := decode(body, contentType)
	if err != nil {
		return nil, err
	}
	root, err := html.Parse(bytes.NewReader(s))
	if err != nil {
		return nil, fmt.Errorf("parse html: %w", err)
	}
	return root, nil
}
