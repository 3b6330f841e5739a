package crawler

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// sitemapEntry is one <url> or <sitemap> of a sitemap file.
type sitemapEntry struct {
	Loc     string
	LastMod string
}

// parseSitemap reads a sitemap (urlset) or a sitemap index. It returns the
// page URLs and the nested sitemap URLs it lists. A plain-text sitemap
// (one URL per line) is read too.
func parseSitemap(body []byte) (pages, sitemaps []sitemapEntry, err error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, nil, errors.New("empty sitemap")
	}
	if trimmed[0] != '<' {
		for _, line := range strings.Split(string(trimmed), "\n") {
			if line = strings.TrimSpace(line); strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://") {
				pages = append(pages, sitemapEntry{Loc: line})
			}
		}
		return pages, nil, nil
	}
	dec := xml.NewDecoder(bytes.NewReader(trimmed))
	dec.Strict = false
	var (
		inURL, inSitemap bool
		cur              sitemapEntry
		field            string
		text             strings.Builder
		root             string
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return pages, sitemaps, fmt.Errorf("parse sitemap: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if root == "" {
				root = name
				if root != "urlset" && root != "sitemapindex" {
					return nil, nil, fmt.Errorf("parse sitemap: root element <%s> is neither urlset nor sitemapindex", t.Name.Local)
				}
			}
			switch name {
			case "url":
				inURL, cur = true, sitemapEntry{}
			case "sitemap":
				inSitemap, cur = true, sitemapEntry{}
			case "loc", "lastmod":
				field = name
				text.Reset()
			}
		case xml.CharData:
			if field != "" {
				text.Write(t)
			}
		case xml.EndElement:
			switch name := strings.ToLower(t.Name.Local); name {
			case "loc":
				cur.Loc = strings.TrimSpace(text.String())
				field = ""
			case "lastmod":
				cur.LastMod = strings.TrimSpace(text.String())
				field = ""
			case "url":
				if inURL && cur.Loc != "" {
					pages = append(pages, cur)
				}
				inURL = false
			case "sitemap":
				if inSitemap && cur.Loc != "" {
					sitemaps = append(sitemaps, cur)
				}
				inSitemap = false
			}
		}
	}
	return pages, sitemaps, nil
}
