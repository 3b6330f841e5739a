package extract

import (
	"strings"
	"testing"
)

func TestRepairHyphenation(t *testing.T) {
	tests := []struct{ in, want string }{
		{"to identify and pro- tect victims", "to identify and protect victims"},
		{"pre- and post-trafficking support", "pre- and post-trafficking support"},
		{"short- or long-term", "short- or long-term"},
		{"first- to third-generation", "first- to third-generation"},
		{"Kontroll- und Beratungsstellen", "Kontroll- und Beratungsstellen"},
		{"long- term plans and long-term funding", "long-term plans and long-term funding"},
		{"a multi- disciplinary team", "a multidisciplinary team"},
		{"Anti- Trafficking Unit", "Anti- Trafficking Unit"},
		{"pages 10- 12", "pages 10- 12"},
		{"a dash - between words", "a dash - between words"},
		{"mon- itor and eval- uate", "monitor and evaluate"},
		{"no breaks here", "no breaks here"},
	}
	for _, tt := range tests {
		if got := repairHyphenation(tt.in); got != tt.want {
			t.Errorf("repairHyphenation(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripTeaser(t *testing.T) {
	tests := []struct {
		in        string
		want      string
		truncated bool
	}{
		{"It sought to do...Read More", "It sought to do", true},
		{"It sought to do... Read More", "It sought to do", true},
		{"A full sentence. Read more »", "A full sentence.", false},
		{"Text that goes on […]", "Text that goes on", true},
		{"Text that goes on [...]", "Text that goes on", true},
		{"Text that goes on…", "Text that goes on", true},
		{"Text. Continue reading “The title”", "Text.", false},
		{"We read more books than before.", "We read more books than before.", false},
		{"Plain text.", "Plain text.", false},
	}
	for _, tt := range tests {
		got, tr := stripTeaser(tt.in)
		if got != tt.want || tr != tt.truncated {
			t.Errorf("stripTeaser(%q) = %q, %v, want %q, %v", tt.in, got, tr, tt.want, tt.truncated)
		}
	}
}

func TestCleanSummary(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  One\u00a0sentence\n here.  ", "One sentence here."},
		{"First sentence is whole. Second one is cut sh…", "First sentence is whole."},
		{"Soft\u00adhyphen and zero\u200bwidth.", "Softhyphen and zerowidth."},
		{"Research &#8211; policy.", "Research – policy."},
		{"It helps to pro- tect people. It sought to do...Read More", "It helps to protect people."},
	}
	for _, tt := range tests {
		if got := cleanSummary(tt.in); got != tt.want {
			t.Errorf("cleanSummary(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCapText(t *testing.T) {
	long := strings.Repeat("This is one sentence of the text. ", 60) // 2,040 characters
	got := capText(strings.TrimSpace(long), SummaryLimit)
	if n := len([]rune(got)); n > SummaryLimit {
		t.Fatalf("capText: %d characters, want at most %d", n, SummaryLimit)
	}
	if !strings.HasSuffix(got, "text.") {
		t.Errorf("capText did not cut at a sentence end: ...%q", got[len(got)-20:])
	}
	words := strings.Repeat("word ", 400)
	got = capText(strings.TrimSpace(words), 100)
	if len(got) > 100 || strings.HasSuffix(got, " ") || !strings.HasSuffix(got, "word") {
		t.Errorf("capText without sentences = %q", got)
	}
	if got := capText("short", 100); got != "short" {
		t.Errorf("capText(short) = %q", got)
	}
}

func TestSplitTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Asia, Europe; Global", []string{"Asia", "Europe", "Global"}},
		{"agriculture ; recrutement ; Espagne", []string{"agriculture", "recrutement", "Espagne"}},
		{"Guidance | Toolkits", []string{"Guidance", "Toolkits"}},
		{"Global", []string{"Global"}},
		{" , ; ", nil},
		{"Research &amp; policy, Wages.", []string{"Research & policy", "Wages"}},
	}
	for _, tt := range tests {
		got := splitTerms(tt.in)
		if strings.Join(got, "\x00") != strings.Join(tt.want, "\x00") {
			t.Errorf("splitTerms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDedupeFold(t *testing.T) {
	got := dedupeFold([]string{"wages"}, "Bangladesh", "Wages", "bangladesh", "", "Garments")
	want := []string{"wages", "Bangladesh", "Garments"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("dedupeFold = %q, want %q", got, want)
	}
}

func TestResembles(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Forced Labour at Sea", "Forced labour at sea", true},
		{"Forced Labour at Sea: Evidence", "Forced Labour at Sea: Evidence from Seafood", true},
		{"Annual report", "Field notes from the kilns", false},
		{"", "x", false},
	}
	for _, tt := range tests {
		if got := resembles(tt.a, tt.b); got != tt.want {
			t.Errorf("resembles(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestPrimaryLanguage(t *testing.T) {
	tests := map[string]string{
		"en-US": "en", "en_GB": "en", "FR": "fr", "de-DE, en": "de", "x-default": "",
		"english": "", "": "", "zh-Hant-TW": "zh", "123": "",
	}
	for in, want := range tests {
		if got := primaryLanguage(in); got != want {
			t.Errorf("primaryLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}
