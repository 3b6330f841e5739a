package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"harvest"
	"harvest/urlnorm"
)

// A catalogue page whose document lives elsewhere links it: "View on
// the publisher's website", "Read the full report", "Access the
// publication", a DOI. externalLinks keeps such links of the entry that
// lead off the site, with their words, as ExternalLinks.

// externalLabelRe matches the words of a link to the item on another
// site, in English, French, German and Spanish.
var externalLabelRe = regexp.MustCompile(`(?i)\b(?:view|read|see|access|open|visit|go\s+to|get|consult|find|download)\b.{0,30}\b(?:publisher|publication|report|paper|article|study|document|full[\s-]+text|original|source|website|web\s*site|resource|item|journal|book|dataset)\b|\b(?:external\s+link|full\s+text|publisher'?s?\s+(?:site|website|page)|original\s+(?:article|source|publication)|available\s+(?:at|on|from)|voir\s+(?:la\s+publication|le\s+rapport|sur\s+le\s+site)|zur\s+(?:publikation|studie|quelle)|ver\s+(?:la\s+publicaci[óo]n|el\s+informe|en\s+el\s+sitio))\b`)

// externalHostRe matches hosts whose links name a work wherever they
// stand: DOI and handle resolvers.
var externalHostRe = regexp.MustCompile(`(?i)^(?:dx\.)?doi\.org$|^hdl\.handle\.net$`)

// shareHostRe matches sharing and social hosts: never the item.
var shareHostRe = regexp.MustCompile(`(?i)(?:^|\.)(?:facebook|twitter|x|linkedin|pinterest|reddit|whatsapp|telegram|mastodon|instagram|youtube|tiktok|xing|t)\.(?:com|me|co|social)$|addthis|sharethis`)

// externalLinks returns the entry's links to the item on other sites
// (its outermost links: a link inside a link is part of it).
func (f *fields) externalLinks() []harvest.Link {
	var out []harvest.Link
	seen := map[string]bool{}
	for _, n := range outermost(f.wide(), linkM) {
		u := f.r.href(n)
		if u == "" || seen[u] || urlnorm.SameSite(u, f.r.page) || isDocumentExt(u) {
			continue
		}
		host := hostOf(u)
		if host == "" || shareHostRe.MatchString(host) {
			continue
		}
		label := cleanText(nodeText(n))
		if label == "" {
			label = cleanText(attr(n, "title"))
		}
		if utf8.RuneCountInString(label) > 120 {
			continue
		}
		if externalHostRe.MatchString(host) || externalLabelRe.MatchString(label) || externalLabelRe.MatchString(attr(n, "title")) {
			seen[u] = true
			out = append(out, harvest.Link{URL: u, Label: label})
		}
	}
	return out
}

func hostOf(u string) string {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(u, "http://")
	}
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.Contains(rest[i:], "]") {
		rest = rest[:i]
	}
	return strings.ToLower(rest)
}
