// Package urlnorm normalises URLs so that one resource has one spelling.
//
// Normalize gives a clean, fetchable URL; Key gives the identity used to
// deduplicate (Normalize, and a trailing slash dropped from the path, so
// that "/a/" and "/a" are the same page).
package urlnorm

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
)

// ErrScheme is returned for URLs that are not http or https.
var ErrScheme = errors.New("only http and https URLs are supported")

// trackingParams are query parameters that identify a visitor or a
// campaign, never the resource. Parameters starting with "utm_" are
// dropped as well.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "mc_cid": true, "mc_eid": true, "igshid": true,
	"_ga": true, "_gl": true, "_hsenc": true, "_hsmi": true, "mkt_tok": true,
	"oly_anon_id": true, "oly_enc_id": true, "vero_id": true, "ref_src": true,
	// Session identifiers: one page gets a new URL per visitor.
	"phpsessid": true, "jsessionid": true, "sessionid": true, "session_id": true,
	"aspsessionid": true, "cfid": true, "cftoken": true,
}

// Normalize returns raw with its scheme and host lower-cased, the default
// port, the fragment and tracking parameters removed, dot segments
// resolved, the remaining query parameters sorted and an empty path
// written as "/".
func Normalize(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("normalise %q: %w", raw, err)
	}
	return normalizeURL(u)
}

// Resolve resolves ref against base and normalises the result.
func Resolve(base *url.URL, ref string) (string, error) {
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", fmt.Errorf("resolve %q: %w", ref, err)
	}
	if base != nil {
		r = base.ResolveReference(r)
	}
	return normalizeURL(r)
}

func normalizeURL(u *url.URL) (string, error) {
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("normalise %q: %w", u.String(), ErrScheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("normalise %q: no host", u.String())
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") { // IPv6 literal
		// net/url writes a zone's "[" and "]" as they are, and cannot
		// parse the result: a zone must be a plain interface name.
		if _, zone, ok := strings.Cut(host, "%"); ok && !isZone(zone) {
			return "", fmt.Errorf("normalise %q: IPv6 zone %q is not an interface name", u.String(), zone)
		}
		host = "[" + host + "]"
	} else {
		// A fully qualified name's trailing dot names the same host;
		// all of them go ("0.." would otherwise become "0." and then
		// "0").
		host = strings.TrimRight(host, ".")
	}
	if host == "" {
		return "", fmt.Errorf("normalise %q: no host", u.String())
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	// A ";jsessionid=..." path parameter names the session, not the page.
	if i := strings.Index(asciiLower(u.Path), ";jsessionid="); i >= 0 {
		u.Path = u.Path[:i]
		u.RawPath = ""
	}
	u.Fragment = ""
	u.RawFragment = ""
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if strings.Contains(p, "/.") || strings.Contains(p, "//") {
		trailing := strings.HasSuffix(p, "/")
		p = path.Clean(p)
		if trailing && p != "/" {
			p += "/"
		}
	}
	if err := setEscapedPath(u, p); err != nil {
		return "", fmt.Errorf("normalise %q: %w", u.String(), err)
	}
	u.RawQuery = cleanQuery(u.RawQuery)
	u.ForceQuery = false
	return u.String(), nil
}

// isZone reports whether zone is a non-empty IPv6 zone of the
// characters RFC 6874 lets stand unescaped: letters, digits, "-", ".",
// "_" and "~".
func isZone(zone string) bool {
	if zone == "" {
		return false
	}
	for i := 0; i < len(zone); i++ {
		c := zone[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// asciiLower lower-cases the ASCII letters of s and leaves every other
// byte as it is, so that an index into the result is an index into s.
// (strings.ToLower may change the length: it turns each invalid UTF-8
// byte into a three-byte U+FFFD.)
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func setEscapedPath(u *url.URL, escaped string) error {
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		return err
	}
	u.Path = unescaped
	u.RawPath = ""
	if u.EscapedPath() != escaped {
		u.RawPath = escaped
	}
	return nil
}

func cleanQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	kept := parts[:0]
	for _, part := range parts {
		if part == "" {
			continue
		}
		name := part
		if i := strings.IndexByte(part, '='); i >= 0 {
			name = part[:i]
		}
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		name = strings.ToLower(name)
		if strings.HasPrefix(name, "utm_") || trackingParams[name] {
			continue
		}
		kept = append(kept, escapeQueryPart(part))
	}
	sort.Strings(kept)
	return strings.Join(kept, "&")
}

// Key returns the identity of raw: its normalised form with any trailing
// slash dropped from a non-root path.
func Key(raw string) (string, error) {
	_, k, err := NormalizeKey(raw)
	return k, err
}

// NormalizeKey returns both the normalised form of raw and its key,
// parsing it once.
func NormalizeKey(raw string) (normalized, key string, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", "", fmt.Errorf("normalise %q: %w", raw, err)
	}
	if normalized, err = normalizeURL(u); err != nil {
		return "", "", err
	}
	p := u.EscapedPath()
	if len(p) <= 1 || !strings.HasSuffix(p, "/") {
		return normalized, normalized, nil
	}
	trimmed := strings.TrimRight(p, "/")
	if trimmed == "" {
		trimmed = "/"
	}
	if err := setEscapedPath(u, trimmed); err != nil {
		return "", "", fmt.Errorf("key %q: %w", raw, err)
	}
	return normalized, u.String(), nil
}

// SameSite reports whether a and b are on the same host, ignoring a
// leading "www." and the scheme.
func SameSite(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return siteHost(ua.Hostname()) == siteHost(ub.Hostname())
}

func siteHost(h string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(h, ".")), "www.")
}

// escapeQueryPart percent-encodes the bytes that may not stand in a query
// as they are (spaces, quotes, angle brackets, controls, non-ASCII), and
// leaves everything else, escapes included, as the site wrote it.
func escapeQueryPart(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' {
			if b.Len() == 0 {
				b.WriteString(s[:i])
			}
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return s
	}
	return b.String()
}
