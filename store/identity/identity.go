// Package identity holds the rules every catalogue backend applies to
// decide what a publication is: its title key and its content hash. A
// record's stored hash is compared with a new one to tell a changed
// publication from an unchanged one, so the rules must never change
// behind a catalogue's back (see the comments on fields added later).
package identity

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"harvest"
	"strings"
)

// TitleKey is the title as compared for identity: lower case, white space
// collapsed.
func TitleKey(title string) string {
	return strings.Join(strings.Fields(strings.ToLower(title)), " ")
}

// ContentHash is the SHA-256 of the content fields in a fixed,
// length-prefixed serialisation. Bookkeeping (URLs, times) is not content.
// A field added later (authors, image, posted, external links, ...) is
// appended only when not empty, after its name, so that the stored hashes
// of records without it stay valid and an upgrade does not mark every
// record changed.
func ContentHash(p *harvest.Publication) string {
	buf := make([]byte, 0, 512)
	str := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	count := func(n int) { buf = binary.AppendUvarint(buf, uint64(n)) }
	str("harvest content v1")
	str(p.Title)
	str(p.Summary)
	count(len(p.Categories))
	for _, c := range p.Categories {
		str(c)
	}
	count(len(p.Tags))
	for _, t := range p.Tags {
		str(t)
	}
	count(len(p.Downloads))
	for _, d := range p.Downloads {
		str(d.URL)
		str(d.Label)
		str(d.MediaType)
		// The mirrored file's hash (file mirroring came later) counts only
		// when known, like the fields below. Download URLs are absolute,
		// so the marker is never taken for the next download's URL.
		if d.SHA256 != "" {
			str("sha256")
			str(d.SHA256)
		}
	}
	str(p.Publisher)
	str(p.Published)
	str(p.Language)
	// Fields added in migration 0002 count only when present, so that the
	// hashes of records written before them stay valid.
	if len(p.Authors) > 0 {
		str("authors")
		count(len(p.Authors))
		for _, a := range p.Authors {
			str(a)
		}
	}
	for _, f := range []struct{ name, value string }{{"image", p.Image}, {"site_name", p.SiteName}, {"type", p.Type}} {
		if f.value != "" {
			str(f.name)
			str(f.value)
		}
	}
	// Fields added in migration 0006, likewise: a record written before
	// them, read back with none of them, hashes as it did. Each is
	// preceded by its name, so that none can be taken for another.
	for _, f := range []struct{ name, value string }{{"posted", p.Posted}, {"modified", p.Modified}} {
		if f.value != "" {
			str(f.name)
			str(f.value)
		}
	}
	if len(p.ExternalLinks) > 0 {
		str("external_links")
		count(len(p.ExternalLinks))
		for _, l := range p.ExternalLinks {
			str(l.URL)
			str(l.Label)
		}
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}
