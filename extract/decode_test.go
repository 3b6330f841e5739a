package extract

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"harvest"
)

// lyingPage is a publication page written in UTF-8 with a placeholder,
// META, for a <meta charset> declaration. Every field it yields holds a
// non-ASCII character: a byte the encoding of a lying page gets wrong
// shows up in the field.
const lyingPage = `<!DOCTYPE html>
<html lang="pt"><head>META
<title>Situação dos Trabalhadores | Observatório</title>
<meta name="DC.publisher" content="Observatório do Trabalho">
<meta name="DC.creator" content="João Conceição">
<meta name="DC.date" content="2019-05-02">
</head>
<body class="single">
<h1>Situação dos Trabalhadores</h1>
<p>Este relatório descreve a situação dos trabalhadores migrantes na pesca e na construção, a partir de entrevistas feitas em Portugal e em Espanha.</p>
<p class="cat-links"><a href="/categoria/relatórios/">Relatórios</a></p>
<p class="tags-links"><a href="/etiqueta/migração/">Migração</a>, <a href="/etiqueta/pesca/">Pesca</a></p>
<p><a href="/ficheiros/situação.pdf">Descarregar o relatório (PDF)</a></p>
</body></html>
`

// lyingWant is what lyingPage yields, written by hand.
var lyingWant = harvest.Publication{
	URL:          "https://obs.example.pt/relatorio/",
	CanonicalURL: "https://obs.example.pt/relatorio/",
	Title:        "Situação dos Trabalhadores",
	Summary:      "Este relatório descreve a situação dos trabalhadores migrantes na pesca e na construção, a partir de entrevistas feitas em Portugal e em Espanha.",
	Categories:   []string{"Relatórios"},
	Tags:         []string{"Migração", "Pesca"},
	Downloads: []harvest.Download{{
		URL:       "https://obs.example.pt/ficheiros/situa%C3%A7%C3%A3o.pdf",
		Label:     "Descarregar o relatório (PDF)",
		MediaType: "application/pdf",
	}},
	Publisher: "Observatório do Trabalho",
	Published: "2019-05-02",
	Language:  "pt",
	Authors:   []string{"João Conceição"},
	SiteName:  "Observatório",
}

// TestDecodeLyingCharset runs whole pages whose charset declaration
// lies (UTF-8 declared, other bytes) through Page: every field must come
// out exactly as written, and none may hold U+FFFD.
func TestDecodeLyingCharset(t *testing.T) {
	page := func(meta string) string { return strings.Replace(lyingPage, "META", meta, 1) }
	latin1 := func(s string) []byte { return encode(t, charmap.ISO8859_1, s) }
	win1250 := func(s string) []byte { return encode(t, charmap.Windows1250, s) }
	// A Czech page in windows-1250: the Latin-1 reading of its bytes
	// is wrong (0xF8 is ř, not ø), so only its <meta> can decode it.
	const czech = `<html lang="cs"><head>META<title>Zpráva o pracovních podmínkách</title></head>
<body class="single"><h1>Zpráva o pracovních podmínkách</h1>
<p>Tato zpráva popisuje pracovní podmínky dělníků v továrnách, jejich mzdy a přesčasy a doporučuje kroky pro odběratele.</p>
<p><a href="/soubory/zprava.pdf">Stáhnout zprávu (PDF)</a></p>
</body></html>`
	czechWant := harvest.Publication{
		URL:          "https://obs.example.pt/relatorio/",
		CanonicalURL: "https://obs.example.pt/relatorio/",
		Title:        "Zpráva o pracovních podmínkách",
		Summary:      "Tato zpráva popisuje pracovní podmínky dělníků v továrnách, jejich mzdy a přesčasy a doporučuje kroky pro odběratele.",
		Categories:   []string{},
		Tags:         []string{},
		Downloads: []harvest.Download{{
			URL:       "https://obs.example.pt/soubory/zprava.pdf",
			Label:     "Stáhnout zprávu (PDF)",
			MediaType: "application/pdf",
		}},
		Language: "cs",
		Authors:  []string{},
	}
	// A page in windows-1252 with its typographic punctuation, which
	// ISO-8859-1 leaves to C1 control codes.
	const quotes = `<html lang="en"><head><title>Quotes</title></head>
<body class="single"><h1>“Zero Fees” – Recruiters’ Hidden Costs…</h1>
<p>Workers said the “free” job cost them €1,200 — paid to a recruiter’s agent before they left home, and repaid from their wages.</p>
<p><a href="/files/zero-fees.pdf">Download the report (PDF)</a></p>
</body></html>`
	quotesWant := harvest.Publication{
		URL:          "https://obs.example.pt/relatorio/",
		CanonicalURL: "https://obs.example.pt/relatorio/",
		Title:        "“Zero Fees” – Recruiters’ Hidden Costs…",
		Summary:      "Workers said the “free” job cost them €1,200 — paid to a recruiter’s agent before they left home, and repaid from their wages.",
		Categories:   []string{},
		Tags:         []string{},
		Downloads: []harvest.Download{{
			URL:       "https://obs.example.pt/files/zero-fees.pdf",
			Label:     "Download the report (PDF)",
			MediaType: "application/pdf",
		}},
		Language: "en",
		Authors:  []string{},
	}
	// with returns lyingWant changed by f.
	with := func(f func(p *harvest.Publication)) harvest.Publication {
		p := lyingWant
		p.Categories = append([]string(nil), p.Categories...)
		p.Tags = append([]string(nil), p.Tags...)
		p.Authors = append([]string(nil), p.Authors...)
		p.Downloads = append([]harvest.Download(nil), p.Downloads...)
		f(&p)
		return p
	}
	tests := []struct {
		name, ct string
		body     []byte
		want     harvest.Publication
	}{
		{"valid utf-8 under utf-8 header", "text/html; charset=utf-8", []byte(page(`<meta charset="utf-8">`)), lyingWant},
		{"latin-1 bytes under utf-8 header", "text/html; charset=utf-8", latin1(page("")), lyingWant},
		{"latin-1 bytes under utf-8 header and utf-8 meta", "text/html; charset=UTF-8", latin1(page(`<meta charset="utf-8">`)), lyingWant},
		{"latin-1 bytes under utf-8 meta, no header", "", latin1(page(`<meta http-equiv="Content-Type" content="text/html; charset=utf-8">`)), lyingWant},
		{"meta iso-8859-1 under utf-8 header", "text/html; charset=utf-8", latin1(page(`<meta charset="iso-8859-1">`)), lyingWant},
		{"meta windows-1250 under utf-8 header", "text/html; charset=utf-8", win1250(strings.Replace(czech, "META", `<meta charset="windows-1250">`, 1)), czechWant},
		{"windows-1252 smart quotes under utf-8 header", "text/html; charset=utf-8", encode(t, charmap.Windows1252, quotes), quotesWant},
		{"utf-8 with one stray 0xE9 byte", "text/html; charset=utf-8",
			[]byte(strings.Replace(page(""), "descreve a situação", "descreve a situa\xe9ão", 1)),
			with(func(p *harvest.Publication) {
				p.Summary = strings.Replace(p.Summary, "a situação", "a situaéão", 1)
			})},
		{"utf-8 with one stray 0xE9 byte, no header", "",
			[]byte(strings.Replace(page(""), "descreve a situação", "descreve a situa\xe9ão", 1)),
			with(func(p *harvest.Publication) {
				p.Summary = strings.Replace(p.Summary, "a situação", "a situaéão", 1)
			})},
		{"utf-8 with stray bytes under a stale iso-8859-1 meta", "text/html; charset=utf-8",
			[]byte(strings.Replace(page(`<meta charset="iso-8859-1">`), "Pesca<", "Pesca\xa0<", 1)),
			lyingWant},
		{"bytes windows-1252 leaves undefined", "text/html; charset=utf-8",
			latin1(strings.Replace(page(""), "Situação dos Trabalhadores</h1>", "Situação\u0081 dos\u008d\u008f Trabalhadores\u0090\u009d</h1>", 1)),
			lyingWant},
		{"character references to nothing", "text/html; charset=utf-8",
			[]byte(strings.Replace(page(""), "Situação dos Trabalhadores</h1>", "Situação&#0; dos&#xD800; Trabalhadores&#x110000;\uFFFD</h1>", 1)),
			lyingWant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Page(lyingWant.URL, tt.body, tt.ct, Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Kind != KindPublication {
				t.Fatalf("Kind = %s (%s), want publication", res.Kind, res.Reason)
			}
			got := res.Publication
			checkUTF8Lenient(t, res)
			fields := []struct {
				name      string
				got, want any
			}{
				{"url", got.URL, tt.want.URL},
				{"canonical_url", got.CanonicalURL, tt.want.CanonicalURL},
				{"title", got.Title, tt.want.Title},
				{"summary", got.Summary, tt.want.Summary},
				{"categories", got.Categories, tt.want.Categories},
				{"tags", got.Tags, tt.want.Tags},
				{"downloads", got.Downloads, tt.want.Downloads},
				{"authors", nonNilList(got.Authors), tt.want.Authors},
				{"publisher", got.Publisher, tt.want.Publisher},
				{"published", got.Published, tt.want.Published},
				{"language", got.Language, tt.want.Language},
				{"image", got.Image, tt.want.Image},
				{"site_name", got.SiteName, tt.want.SiteName},
				{"type", got.Type, tt.want.Type},
			}
			for _, f := range fields {
				if !reflect.DeepEqual(f.got, f.want) {
					t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
				}
			}
		})
	}
}

// TestRepairUTF8 checks the byte-level fallback: valid UTF-8 is kept
// as it is, each invalid byte is read as windows-1252, and the bytes
// windows-1252 leaves undefined are dropped.
func TestRepairUTF8(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii", "plain text", "plain text"},
		{"valid utf-8", "Situação – “ok” €", "Situação – “ok” €"},
		{"literal U+FFFD kept", "a\uFFFDb", "a\uFFFDb"},
		{"latin-1", "Situa\xe7\xe3o", "Situação"},
		{"windows-1252 punctuation", "\x93a\x94 \x96 \x85 \x80 \x99", "“a” – … € ™"},
		{"undefined bytes dropped", "a\x81b\x8dc\x8fd\x90e\x9df", "abcdef"},
		{"stray byte in utf-8", "café \xe9t\xe9 – ok", "café été – ok"},
		{"truncated sequence", "a\xe2\x80b", "aâ€b"},
		{"overlong encoding", "\xc0\xaf", "À¯"},
		{"encoded surrogate", "\xed\xa0\x80", "í\u00a0€"},
		{"beyond U+10FFFF", "\xf4\x90\x80\x80", "ô€€"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(repairUTF8([]byte(tt.in))); got != tt.want {
				t.Errorf("repairUTF8(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func encode(t *testing.T, cm *charmap.Charmap, s string) []byte {
	t.Helper()
	b, err := cm.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode %s: %v", cm, err)
	}
	return []byte(b)
}
