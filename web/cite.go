package web

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"harvest"
	"harvest/export"
)

// Citation formats in the API: /api/publications and
// /api/publications/{id} answer CSL-JSON, RIS or BibTeX instead of their
// JSON when asked, by the format parameter (format=csl-json, ris or
// bibtex; format=json is the default) or, without it, by the Accept
// header. The references are export's, the same as
// harvest export --format writes.

// citeMediaTypes are the media types a client may ask for in Accept,
// and the format each names. application/json (and */*) is the API's
// own JSON.
var citeMediaTypes = map[string]string{
	"application/json":                        "",
	"application/vnd.citationstyles.csl+json": "csl-json",
	"application/x-research-info-systems":     "ris",
	"application/x-bibtex":                    "bibtex",
}

// citeFormats are the values of the format parameter.
var citeFormats = []string{"json", "csl-json", "ris", "bibtex"}

// apiListParams are /api/publications' parameters: the listing's, and
// format.
var apiListParams = append(append([]string{}, listParams...), "format")

// apiPublicationParams are /api/publications/{id}'s parameters.
var apiPublicationParams = []string{"format"}

// citeFormat reads the format of an answer to r: the format parameter,
// else the media type of Accept with the highest quality among those
// the API writes (the first listed, on a tie). "" is the API's JSON,
// also when Accept names nothing the API writes (a browser's text/html,
// */*): the JSON was always the answer to any Accept, and stays so.
func citeFormat(r *http.Request, p params) (string, error) {
	switch f := p.get("format"); f {
	case "json":
		return "", nil
	case "csl-json", "ris", "bibtex":
		return f, nil
	case "":
	default:
		return "", badf("format %q: want one of %s", f, strings.Join(citeFormats, ", "))
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, prm, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		f, ok := citeMediaTypes[mt]
		if !ok {
			continue
		}
		q := 1.0
		if s, ok := prm["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		if q > bestQ {
			best, bestQ = f, q
		}
	}
	return best, nil
}

// formatKey is what an answer depends on beyond its URL, for its ETag (and
// so the response cache's key): the format when Accept chose it.
func formatKey(format string) string {
	if format == "" {
		return ""
	}
	return "format=" + format
}

// citeHeaders sets the headers every answer of an endpoint with
// citation formats carries: Vary: Accept, since the answer depends on
// it, for caches on the way.
func citeHeaders(w http.ResponseWriter) {
	w.Header().Add("Vary", "Accept")
}

// writeCite answers ps in format: the references, with the format's
// media type, and a file name to save them under (Content-Disposition),
// publications.bib for a list, publication-12.bib for one record. A
// list's paging goes in headers, as the formats have no place for it:
// Link rel="next" (RFC 8288) with the URL of the next page, absent on
// the last, and X-Total-Count, the records the query selects on all
// pages.
//
// These answers are not kept in the response cache (which keeps a body
// and its type, not these headers); their ETag still names them, format
// included, so pollers get their 304.
func (s *server) writeCite(w http.ResponseWriter, r *http.Request, format, name string, ps []harvest.Publication) {
	var buf bytes.Buffer
	cw, err := export.New(&buf, format)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	for _, p := range ps {
		if err := cw.Write(p); err != nil {
			s.failErr(w, r, fmt.Errorf("write %s: %w", format, err))
			return
		}
	}
	if err := cw.Close(); err != nil {
		s.failErr(w, r, fmt.Errorf("write %s: %w", format, err))
		return
	}
	if t, ok := w.(*teeWriter); ok {
		t.tooBig = true // not kept: see above
	}
	h := w.Header()
	h.Set("Content-Type", export.MediaTypes[format])
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+export.Extensions[format]))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes()) // the client went away: nothing to do
}

// nextLink sets a list's paging headers for writeCite.
func nextLink(w http.ResponseWriter, next string, total int) {
	if next != "" {
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
}
