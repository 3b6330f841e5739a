package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"harvest"
	"harvest/store/identity"
	"harvest/urlnorm"
)

// The identity rules are store/sqlite's (identity.go there), repeated
// here rather than shared so that neither backend imports the other:
// contentHash must give the same hash, byte for byte (checked against
// the same stored values in identity_test.go).

// input is a publication ready to be written: keys computed, lists
// encoded, content hashed.
type input struct {
	p                harvest.Publication
	seen             time.Time // UTC, to the second
	urlKey, canonKey string
	titleKey         string
	downloadKeys     []string // sorted, distinct
	dls, links       string   // JSON
	search           string   // the tsvector, as text
	hash             string
}

// pgText makes s storable in PostgreSQL, whose text holds neither NUL
// nor invalid UTF-8 (SQLite stores both): each becomes U+FFFD. Only such
// text differs between the backends.
func pgText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

func pgTexts(list []string) []string {
	for i, s := range list {
		if t := pgText(s); t != s {
			list = slices.Clone(list)
			list[i] = t
		}
	}
	return list
}

// sanitize applies pgText to every text field of p (in copies of its
// lists).
func sanitize(p *harvest.Publication) {
	for _, f := range []*string{&p.Source, &p.URL, &p.CanonicalURL, &p.Title, &p.Summary, &p.Publisher,
		&p.Published, &p.Language, &p.Image, &p.SiteName, &p.Type, &p.Posted, &p.Modified} {
		*f = pgText(*f)
	}
	p.Categories, p.Tags, p.Authors = pgTexts(p.Categories), pgTexts(p.Tags), pgTexts(p.Authors)
	if len(p.Downloads) > 0 {
		p.Downloads = slices.Clone(p.Downloads)
		for i := range p.Downloads {
			d := &p.Downloads[i]
			d.URL, d.Label, d.MediaType = pgText(d.URL), pgText(d.Label), pgText(d.MediaType)
			d.SHA256, d.LocalPath = pgText(d.SHA256), pgText(d.LocalPath)
		}
	}
	if len(p.ExternalLinks) > 0 {
		p.ExternalLinks = slices.Clone(p.ExternalLinks)
		for i := range p.ExternalLinks {
			l := &p.ExternalLinks[i]
			l.URL, l.Label = pgText(l.URL), pgText(l.Label)
		}
	}
}

func prepare(p harvest.Publication, seen time.Time) (*input, error) {
	if p.Source == "" {
		return nil, errors.New("no source")
	}
	if p.URL == "" {
		return nil, errors.New("no URL")
	}
	if seen.IsZero() {
		return nil, errors.New("no crawl time")
	}
	if p.CanonicalURL == "" {
		p.CanonicalURL = p.URL
	}
	sanitize(&p)
	p.Normalize()
	in := &input{p: p, seen: stamp(seen), titleKey: identity.TitleKey(p.Title), hash: identity.ContentHash(&p)}
	var err error
	if in.urlKey, err = urlnorm.Key(p.URL); err != nil {
		return nil, err
	}
	if in.canonKey, err = urlnorm.Key(p.CanonicalURL); err != nil {
		return nil, fmt.Errorf("canonical URL: %w", err)
	}
	for _, d := range p.Downloads {
		k, err := urlnorm.Key(d.URL)
		if err != nil {
			k = strings.TrimSpace(d.URL) // not http(s): its own spelling is its identity
		}
		if k != "" {
			in.downloadKeys = append(in.downloadKeys, k)
		}
	}
	slices.Sort(in.downloadKeys)
	in.downloadKeys = slices.Compact(in.downloadKeys)
	if in.dls, err = jsonText(p.Downloads); err != nil {
		return nil, err
	}
	if in.links, err = jsonText(p.ExternalLinks); err != nil {
		return nil, err
	}
	in.search = searchDocument(&p)
	return in, nil
}

// lockKeys are the advisory lock keys of in's identity: its URL keys and
// its download keys, within its source. Two saves that could find each
// other's record share at least one (a record is found by a URL key or a
// download key the saver itself writes), so a save that holds all of its
// keys sees every record it could belong to, committed.
func (in *input) lockKeys() []int64 {
	keys := []int64{lockKey(in.p.Source, "url", in.urlKey), lockKey(in.p.Source, "url", in.canonKey)}
	for _, k := range in.downloadKeys {
		keys = append(keys, lockKey(in.p.Source, "download", k))
	}
	return keys
}

func lockKey(source, kind, key string) int64 {
	h := fnv.New64a()
	h.Write([]byte("harvest-identity\x00"))
	h.Write([]byte(source))
	h.Write([]byte{0})
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return int64(h.Sum64())
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return string(b), nil
}

// stamp is a time as stored: UTC, to the second (as store/sqlite).
func stamp(t time.Time) time.Time {
	return t.UTC().Truncate(time.Second)
}
