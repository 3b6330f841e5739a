package termsafe

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile are strings a crawled site can write, with what String makes
// of them.
var hostile = []struct {
	name, in, want string
}{
	{"plain", "Annual report 2022", "Annual report 2022"},
	{"other scripts and emoji", "Rapport annuel — 年度報告 👩‍👩‍👧 عربي", "Rapport annuel — 年度報告 👩‍👩‍👧 عربي"},
	{"markup stays (not a terminal's concern)", `<script>alert("x")</script>`, `<script>alert("x")</script>`},
	{"backslash stays", `C:\reports\x41`, `C:\reports\x41`},
	{"right-to-left override", "invoice\u202efdp.exe", `invoice\u202efdp.exe`},
	{"every bidi control", "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
		`\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069`},
	{"ANSI colour and clear screen", "\x1b[31mred\x1b[0m\x1b[2J", `\x1b[31mred\x1b[0m\x1b[2J`},
	{"OSC 8 hyperlink", "\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07", `\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07`},
	{"C1 CSI", "a\u009b31mb", `a\u009b31mb`},
	{"line forging", "ok\nERROR fake line\r\tx", `ok\nERROR fake line\r\tx`},
	{"NUL, backspace, DEL", "a\x00b\bc\x7f", `a\x00b\x08c\x7f`},
	{"separators", "a\u2028b\u2029c", `a\u2028b\u2029c`},
	{"invalid UTF-8", "caf\xe9 \xff\xfe", `caf\xe9 \xff\xfe`},
	{"RIS record separator", "x\nER  - \nTY  - JOUR", `x\nER  - \nTY  - JOUR`},
	{"empty", "", ""},
}

func TestString(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in)
			if got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !Clean(got) {
				t.Errorf("String(%q) = %q is not clean", tt.in, got)
			}
			if Clean(tt.in) != (tt.in == tt.want) {
				t.Errorf("Clean(%q) = %v", tt.in, Clean(tt.in))
			}
		})
	}
}

func TestLines(t *testing.T) {
	in := "miss a title: got \"\u202eevil\", want \"x\"\nmiss b\x1b[2J\n"
	want := "miss a title: got \"\\u202eevil\", want \"x\"\nmiss b\\x1b[2J\n"
	if got := Lines(in); got != want {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	if got := Lines("a\nb\n"); got != "a\nb\n" {
		t.Errorf("Lines of clean text = %q", got)
	}
}

// checkJSON checks that JSON keeps b's value and leaves no unsafe
// character raw.
func checkJSON(t *testing.T, b []byte) {
	t.Helper()
	got := JSON(b)
	var before, after any
	if err := json.Unmarshal(b, &before); err != nil {
		t.Fatalf("input %q: %v", b, err)
	}
	if err := json.Unmarshal(got, &after); err != nil {
		t.Fatalf("JSON(%q) = %q: %v", b, got, err)
	}
	bb, _ := json.Marshal(before)
	ab, _ := json.Marshal(after)
	if !bytes.Equal(bb, ab) {
		t.Errorf("JSON(%q) = %q changes the value: %s, want %s", b, got, ab, bb)
	}
	if !cleanExceptLayout(got) {
		t.Errorf("JSON(%q) = %q still carries unsafe characters", b, got)
	}
}

// cleanExceptLayout is Clean, allowing the line breaks and tabs of
// indented JSON.
func cleanExceptLayout(b []byte) bool {
	return Clean(strings.NewReplacer("\n", "", "\t", "").Replace(string(b)))
}

func TestJSON(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(map[string]any{"title": tt.in, "tags": []string{tt.in, "x"}})
			if err != nil {
				t.Fatal(err)
			}
			checkJSON(t, b)
			ind, err := json.MarshalIndent([]string{tt.in}, "  ", "\t")
			if err != nil {
				t.Fatal(err)
			}
			checkJSON(t, ind)
		})
	}
	clean := []byte(`{"a":"b"}`)
	if got := JSON(clean); &got[0] != &clean[0] {
		t.Error("JSON copied a text that needed nothing")
	}
	// Bytes that are not UTF-8 (encoding/json never writes them) become
	// the replacement character.
	if got := string(JSON([]byte("[\"a\xffb\"]"))); got != `["a\ufffdb"]` {
		t.Errorf("JSON of invalid UTF-8 = %s", got)
	}
}

func FuzzJSON(f *testing.F) {
	for _, tt := range hostile {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := json.Marshal([]string{s})
		if err != nil {
			t.Skip()
		}
		checkJSON(t, b)
		if got := String(s); !Clean(got) || (Clean(s) && got != s) {
			t.Errorf("String(%q) = %q", s, got)
		}
	})
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

// TestReplaceAttr logs hostile values through both handlers harvest
// uses: every line stays one line, carries no unsafe character, and (as
// JSON) decodes.
func TestReplaceAttr(t *testing.T) {
	evil := "Report\u202e\x1b[2J\nlevel=ERROR msg=forged"
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			opts := &slog.HandlerOptions{ReplaceAttr: ReplaceAttr}
			var h slog.Handler = slog.NewTextHandler(&buf, opts)
			if format == "json" {
				h = slog.NewJSONHandler(&buf, opts)
			}
			log := slog.New(h)
			log.Info("page_read "+evil, "title", evil, "err", errors.New(evil), "url", stringer{evil},
				"list", []string{evil}, "pages", 3, "ok", true, slog.Group("page", "title", evil))
			log.With("source", evil).Warn("x", "plain", []string{"a", "b"})
			out := buf.String()
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 2 {
				t.Fatalf("%d lines, want 2:\n%s", len(lines), out)
			}
			for _, line := range lines {
				if !Clean(line) {
					t.Errorf("unsafe characters in %q", line)
				}
				if format == "json" {
					var m map[string]any
					if err := json.Unmarshal([]byte(line), &m); err != nil {
						t.Errorf("line %s: %v", line, err)
					}
				}
			}
			if !strings.Contains(lines[0], `\u202e`) || strings.Contains(lines[0], "\u202e") {
				t.Errorf("the override is not shown escaped: %s", lines[0])
			}
			if format == "json" && !strings.Contains(lines[1], `"plain":["a","b"]`) {
				t.Errorf("a clean list lost its JSON form: %s", lines[1])
			}
			if format == "json" && !strings.Contains(lines[0], `"pages":3`) {
				t.Errorf("a number lost its JSON form: %s", lines[0])
			}
		})
	}
}

func TestUnsafe(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		want := r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x061c || r == 0x200e || r == 0x200f ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029
		if Unsafe(r) != want {
			t.Errorf("Unsafe(%U) = %v, want %v", r, !want, want)
		}
	}
}
