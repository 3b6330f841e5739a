package extract

import (
	"mime"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"harvest"
)

// downloadsIn returns the document links below scope: links to files
// with a document extension, files in wp-content/uploads (images
// excepted), links whose text says "Download" and links with a download
// attribute. Links to the page itself are not downloads.
func downloadsIn(scope *html.Node, r *resolver) []harvest.Download {
	var out []harvest.Download
	for _, n := range outermost(scope, linkM) {
		u := r.href(n)
		if u == "" || u == r.page || mediaExts[extension(u)] {
			continue
		}
		text := nodeText(n)
		if isDocumentExt(u) || isUploadPath(u) || saysDownload(text) || hasAttr(n, "download") {
			out = addDownload(out, newDownload(n, u, text))
		}
	}
	return out
}

// linksAsDownloads turns the <a href> elements among nodes (or inside
// them) into downloads, for a source's Downloads selector.
func linksAsDownloads(nodes []*html.Node, r *resolver) []harvest.Download {
	var out []harvest.Download
	for _, n := range nodes {
		for _, a := range linkM.MatchAll(n) { // n included
			if u := r.href(a); u != "" {
				out = addDownload(out, newDownload(a, u, nodeText(a)))
			}
		}
	}
	return out
}

func addDownload(list []harvest.Download, d harvest.Download) []harvest.Download {
	for _, have := range list {
		if have.URL == d.URL {
			return list
		}
	}
	return append(list, d)
}

// newDownload labels a download with the link's visible text, else its
// title or aria-label, else the alt text of an image in it, else the
// file name; its media type comes from the type attribute, else the
// extension.
func newDownload(a *html.Node, u, text string) harvest.Download {
	label := text
	for _, alt := range []string{attr(a, "title"), attr(a, "aria-label")} {
		if label == "" {
			label = cleanText(alt)
		}
	}
	if label == "" {
		if img := firstNode(selection(a).FindMatcher(goquery.SingleMatcher(imgM))); img != nil {
			label = cleanText(attr(img, "alt"))
		}
	}
	if label == "" {
		label = cleanText(fileName(u))
	}
	return harvest.Download{URL: u, Label: label, MediaType: mediaType(attr(a, "type"), u)}
}

// mediaType returns the media type declared in a type attribute, else
// the one its extension implies, else "".
func mediaType(declared, u string) string {
	if declared = strings.TrimSpace(declared); declared != "" {
		if mt, _, err := mime.ParseMediaType(declared); err == nil && strings.Contains(mt, "/") {
			return mt
		}
	}
	return documentTypes[extension(u)]
}
