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
)

// metaScanLimit is how far into the body a <meta charset> is looked for
// when neither a BOM nor the Content-Type names the encoding. Browsers
// stop at 1,024 bytes; pages in the wild put the declaration after long
// comments or scripts, so harvest looks further.
const metaScanLimit = 64 << 10

var metaCharsetRe = regexp.MustCompile(`(?i)<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-z0-9_:.\-]+)`)

// errEmpty and errBinary describe bodies that are not usable pages.
var (
	errEmpty  = errors.New("empty body")
	errBinary = errors.New("body is binary, not HTML")
)

// decode converts body to valid UTF-8 (body itself when it is valid
// UTF-8 already). The encoding comes from, in order:
// a byte-order mark, the charset parameter of contentType, a <meta
// charset> or http-equiv declaration in the first 64 KB, and otherwise
// UTF-8 when the whole body is valid UTF-8, else windows-1252 (which also
// covers ISO-8859-1, as browsers do). It returns the canonical name of the
// encoding used.
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
	var out []byte
	if name == "utf-8" || e == nil || e == encoding.Nop {
		out = body
		name = "utf-8"
	} else {
		b, err := e.NewDecoder().Bytes(body)
		if err != nil {
			return nil, "", fmt.Errorf("decode %s: %w", name, err)
		}
		out = b
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return bytes.TrimPrefix(out, []byte("\uFEFF")), name, nil
}

// sniffEncoding is used when neither a BOM nor the Content-Type decides.
func sniffEncoding(body []byte) (encoding.Encoding, string) {
	head := body
	if len(head) > metaScanLimit {
		head = head[:metaScanLimit]
	}
	if m := metaCharsetRe.FindSubmatch(head); m != nil {
		if e, name := charset.Lookup(string(m[1])); e != nil {
			return e, name
		}
	}
	if utf8.Valid(body) {
		return encoding.Nop, "utf-8"
	}
	e, name := charset.Lookup("windows-1252")
	return e, name
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
