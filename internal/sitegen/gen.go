package sitegen

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Everything about a publication except its mutable state (pubState) is a
// pure function of the site's seed and the publication's index: nothing
// is stored, it is derived again when a page is rendered.

// rng is splitmix64: tiny, allocation-free and stable across Go releases,
// so that a seed gives the same site for ever.
type rng struct{ s uint64 }

// Streams keep the draws for different purposes independent, so that for
// instance an edit's sentence never shifts the metadata.
const (
	streamMeta uint64 = iota + 1
	streamText
	streamEdit
	streamRelated
	streamBreaks
)

func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func newRNG(seed uint64, idx int, stream, sub uint64) rng {
	return rng{mix(seed ^ mix(uint64(idx)*0x9e3779b97f4a7c15^stream<<56^sub*0xd1b54a32d192ed03))}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// pct is true with probability p percent.
func (r *rng) pct(p int) bool { return r.intn(100) < p }

// titleSpace is the number of distinct title combinations: indexes below
// it get distinct titles.
var titleSpace = len(titlePatterns) * len(kinds) * len(topics) * len(sectors) * len(places)

// titlePrime is a prime that does not divide titleSpace: idx*titlePrime
// mod titleSpace is a bijection.
const titlePrime = 1_000_003

// titleParts picks the title pattern, kind, topic, sector and place of
// publication idx: distinct indexes below titleSpace get distinct
// combinations. The index is spread over the space by a multiplication,
// then each part is shifted by a hash of the others, twice over (a
// bijection too, since each step can be undone given the other parts),
// so that neighbouring indexes share no visible pattern.
func (s *Site) titleParts(idx int) (pattern, kind, topic, sector, place int) {
	sizes := [5]uint64{uint64(len(titlePatterns)), uint64(len(kinds)), uint64(len(topics)), uint64(len(sectors)), uint64(len(places))}
	key := (uint64(idx)*titlePrime + s.seed%uint64(titleSpace)) % uint64(titleSpace)
	var d [5]uint64
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = key % sizes[i]
		key /= sizes[i]
	}
	for round := uint64(0); round < 2; round++ {
		for i := range d {
			var others uint64
			for j := range d {
				if j != i {
					others = others*64 + d[j]
				}
			}
			d[i] = (d[i] + mix(s.seed^round<<40^uint64(i)<<32^others)%sizes[i]) % sizes[i]
		}
	}
	return int(d[0]), int(d[1]), int(d[2]), int(d[3]), int(d[4])
}

// Variants are the three page templates of the demo site: a classic theme
// (rel="category tag" and .tags-links), a resource-library theme (type
// links run together, a TAGS line) and a metadata-rich one (article:tag
// metas, JSON-LD, a definition list).
const (
	variantA = iota
	variantB
	variantC
)

// Second documents some publications carry after the main PDF.
const (
	extraNone = iota
	extraChecklist
	extraEditable
	extraAnnex
)

// meta is what the generator knows about publication idx.
type meta struct {
	idx       int
	id        int // WordPress post ID
	pattern   int
	kind      int
	topic     int
	sector    int
	place     int
	types     []int
	tags      []int
	variant   int
	hideDate  bool
	yearsBack int // citation year = posting year - yearsBack
	publisher string
	leak      int
	leakStyle int // 0 <p>, 1 <div>, 2 <br>
	extra     int
	// offset and modAfter place the posting and last change of an
	// original publication: seconds before the site's base time, and
	// seconds after posting (0: never modified).
	offset, modAfter int64
}

// meta derives publication idx. It allocates only the two term slices.
func (s *Site) meta(idx int) meta {
	r := newRNG(s.seed, idx, streamMeta, 0)
	m := meta{idx: idx, id: 1000 + 3*idx + r.intn(3)}
	m.pattern, m.kind, m.topic, m.sector, m.place = s.titleParts(idx)

	switch v := r.intn(100); {
	case v < 35:
		m.variant = variantA
	case v < 80:
		m.variant = variantB
	default:
		m.variant = variantC
	}
	m.types = append(make([]int, 0, 3), kinds[m.kind].typ)
	for _, p := range []int{45, 10} {
		if !r.pct(p) {
			break
		}
		t := r.intn(len(typeNames))
		if !slices.Contains(m.types, t) {
			m.types = append(m.types, t)
		}
	}
	m.tags = make([]int, 0, 4)
	if !r.pct(12) {
		if r.pct(20) {
			m.tags = append(m.tags, gGlobal)
		}
		for _, t := range []int{places[m.place].tag, topics[m.topic].tag, sectors[m.sector].tag} {
			if r.pct(70) && !slices.Contains(m.tags, t) {
				m.tags = append(m.tags, t)
			}
		}
	}
	if r.pct(30) {
		m.publisher = siteFullName
	} else {
		m.publisher = publishers[r.intn(len(publishers))]
	}
	m.hideDate = r.pct(6)
	switch v := r.intn(100); {
	case v < 10:
		m.yearsBack = 1
	case v < 14:
		m.yearsBack = 2
	}
	m.leak = r.intn(len(leakLists))
	switch v := r.intn(100); {
	case v < 60:
		m.leakStyle = 0
	case v < 80:
		m.leakStyle = 1
	default:
		m.leakStyle = 2
	}
	if r.pct(12) {
		m.extra = 1 + r.intn(3)
	}
	day := int64(24 * 3600)
	// Posted on one of the 2,920 days before the base day, during office
	// hours.
	m.offset = int64(1+r.intn(8*365))*day - int64(8*3600+r.intn(10*3600))
	if r.pct(40) {
		m.modAfter = int64(1+r.intn(400))*day + int64(r.intn(8*3600))
	}
	return m
}

// slugOf is the slug of publication idx, without deriving the rest of
// its metadata.
func (s *Site) slugOf(idx int) string {
	var m meta
	m.pattern, m.kind, m.topic, m.sector, m.place = s.titleParts(idx)
	return slugify(m.title())
}

// title is the publication's title as its author wrote it.
func (m *meta) title() string {
	var b strings.Builder
	b.Grow(96)
	p := titlePatterns[m.pattern]
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:i])
		switch p[i+1] {
		case 'T':
			b.WriteString(topics[m.topic].title)
		case 'S':
			b.WriteString(sectors[m.sector].title)
		case 'K':
			b.WriteString(kinds[m.kind].title)
		case 'P':
			b.WriteString(places[m.place].text)
		case 'B':
			b.WriteString(places[m.place].bare)
		case 'A':
			if strings.IndexByte("AEIOU", kinds[m.kind].title[0]) >= 0 {
				b.WriteString("An")
			} else {
				b.WriteString("A")
			}
		}
		p = p[i+3:]
	}
}

// slugify does what WordPress's sanitize_title does to a title: accents
// removed, lower case, punctuation dropped, runs of spaces and hyphens
// turned into one hyphen.
func slugify(title string) string {
	for i := 0; i < len(title); i++ {
		if title[i] >= utf8.RuneSelf {
			return slugifyUnicode(title)
		}
	}
	b := make([]byte, 0, len(title))
	dash := false
	for i := 0; i < len(title); i++ {
		c := title[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b = append(b, c)
			dash = false
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
			dash = false
		case c == '\'':
		default:
			if !dash && len(b) > 0 {
				b = append(b, '-')
				dash = true
			}
		}
	}
	if dash {
		b = b[:len(b)-1]
	}
	return string(b)
}

func slugifyUnicode(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(title) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '’', r == '\'':
			continue
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// fileBase is the document's file name without extension: the slug's
// words capitalised ("fair-recruitment" -> "Fair-Recruitment").
func fileBase(slug string) string {
	b := []byte(slug)
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '-'
	}
	return string(b)
}

// download is one document link of a publication page.
type download struct {
	path, label, intro, mediaType string
}

const (
	mtPDF  = "application/pdf"
	mtXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mtDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// extraFiles describe the second documents: the file-name suffix, the
// extension, label, the text before the link and media type.
var extraFiles = [...]struct{ suffix, ext, label, intro, mediaType string }{
	extraChecklist: {"-Checklist", ".xlsx", "DOWNLOAD CHECKLIST", "Self-assessment checklist (Excel)", mtXLSX},
	extraEditable:  {"-Editable", ".docx", "DOWNLOAD WORD VERSION", "Editable version of the templates", mtDOCX},
	extraAnnex:     {"-Annex", ".pdf", "DOWNLOAD ANNEX", "Country annex with detailed findings", mtPDF},
}

// downloads lists the publication's documents, under the upload folder of
// its posting month.
func (m *meta) downloads(slug string, posted time.Time) []download {
	dir := posted.Format("/wp-content/uploads/2006/01/")
	base := fileBase(slug)
	out := []download{{path: dir + base + ".pdf", label: "DOWNLOAD", mediaType: mtPDF}}
	if m.extra != extraNone {
		x := extraFiles[m.extra]
		out = append(out, download{path: dir + base + x.suffix + x.ext, label: x.label, intro: x.intro, mediaType: x.mediaType})
	}
	return out
}

// citationYear is the year of the document as its citation line gives it.
func (m *meta) citationYear(posted time.Time) int { return posted.Year() - m.yearsBack }

// published is the truth rule of the demo site: the posting date when the
// page shows it and it falls in the citation's year, else the citation's
// year.
func (m *meta) published(posted time.Time) string {
	y := m.citationYear(posted)
	if m.hideDate || posted.Year() != y {
		return itoa4(y)
	}
	return posted.Format(time.DateOnly)
}

func itoa4(y int) string {
	return string([]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10)})
}
