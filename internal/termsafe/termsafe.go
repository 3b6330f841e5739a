// Package termsafe makes text that crawled sites wrote safe to show in a
// terminal or a log: the characters that steer a terminal or reorder what
// it shows are replaced by visible escapes.
//
// A character is escaped when it is
//
//   - a control character: C0 (U+0000–U+001F, which holds ESC, the start
//     of ANSI sequences, and CR, LF and TAB, which forge lines and
//     columns), DEL (U+007F) or C1 (U+0080–U+009F, which holds the
//     one-byte CSI U+009B);
//   - a bidirectional formatting character (the Unicode Bidi_Control
//     property: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069),
//     which makes a terminal show text in another order than it is
//     written ("Trojan Source");
//   - a line or paragraph separator (U+2028, U+2029);
//   - or a byte that is not part of valid UTF-8.
//
// Everything else — letters of every script, punctuation, emoji, spaces
// — is kept as it is. Backslashes are not escaped: the escapes are for
// people reading a terminal, and are not meant to be decoded.
package termsafe

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports whether r is a character String escapes.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// Clean reports whether s holds nothing String would escape.
func Clean(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || Unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

// String returns s with every unsafe character written as an escape: \n,
// \r and \t for those three, \xNN for the other ASCII controls and for
// a byte that is not UTF-8, \uNNNN for the rest (\u202e for the
// right-to-left override). A string that needs nothing is returned as
// it is.
func String(s string) string {
	if Clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < utf8.RuneSelf && Unsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// JSON returns the JSON text b with every unsafe character that
// encoding/json leaves as it is (DEL, C1 controls, bidirectional
// formatting characters, U+2028 and U+2029 where not already escaped)
// written as a JSON \u escape, and any byte that is not UTF-8 as
// \ufffd. The JSON value is unchanged: outside strings, JSON text holds
// only ASCII that is not a control, so every such character is inside a
// string, where \uNNNN means the character itself. It returns b itself
// when there is nothing to escape.
func JSON(b []byte) []byte {
	if clean(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, `\ufffd`...)
		case Unsafe(r) && r >= 0x20:
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

func clean(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf && b[i] != 0x7f {
			// The ASCII controls never occur raw in encoding/json output.
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && size == 1) || Unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

// ReplaceAttr is a slog.HandlerOptions.ReplaceAttr that passes the
// message and every attribute value through String: string values, and
// errors, fmt.Stringers and other values as the text a handler would
// print for them. A value whose text needs no escape is kept as it is (a
// list stays a JSON list); numbers, booleans, times and durations are
// always kept.
func ReplaceAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); !Clean(s) {
			a.Value = slog.StringValue(String(s))
		}
	case slog.KindAny:
		var s string
		switch v := a.Value.Any().(type) {
		case nil:
			return a
		case error:
			s = v.Error()
		case fmt.Stringer:
			s = v.String()
		case []byte:
			s = string(v)
		default:
			s = fmt.Sprintf("%+v", v)
		}
		if Clean(s) {
			// Keep the value, so that the JSON handler still writes it
			// as JSON (a list, an object) and the level as a level.
			return a
		}
		a.Value = slog.StringValue(String(s))
	}
	return a
}

// Lines returns s with each of its lines passed through String: the line
// breaks (\n) stay, everything else unsafe is escaped. It is for text
// that is made of lines, such as a report, when a line break inside a
// value cannot occur or does not matter.
func Lines(s string) string {
	if Clean(strings.ReplaceAll(s, "\n", "")) {
		return s
	}
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(String(line))
	}
	return b.String()
}
