package extract

import (
	"harvest/internal/golden"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/abadojack/whatlanggo"
)

// TestDetectMatchesWhatlanggo holds detect to whatlanggo.Detect's answers
// (the same profiles, computed differently): over the text of every page
// of testdata, its paragraphs one by one, and random mixtures of them
// with other scripts, digits and punctuation.
func TestDetectMatchesWhatlanggo(t *testing.T) {
	cases, err := golden.ReadDir(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"", " ", "a", "123 456", "«»!?", "x y", " ab ", "ab",
		"Ce texte est écrit en français pour voir si la détection de la langue fonctionne.",
		"Dieser Text ist auf Deutsch geschrieben, damit die Erkennung der Sprache etwas zu tun hat.",
		"Это предложение написано по-русски, чтобы проверить определение языка.",
		"هذا النص مكتوب باللغة العربية لاختبار اكتشاف اللغة",
		"यह वाक्य हिंदी में लिखा गया है ताकि भाषा की पहचान की जाँच हो सके।",
		"זהו משפט בעברית כדי לבדוק את זיהוי השפה",
		"ይህ ዓረፍተ ነገር በአማርኛ የተጻፈ ነው።",
		"这是一个中文句子。", "これは日本語の文です。", "이것은 한국어 문장입니다.",
		"Ελληνικά κείμενο για δοκιμή.", "aaa aaa aaa", "The the THE tHe", "a\x80b\xffc invalid utf-8",
	}
	for _, c := range cases {
		root, err := parse(c.Body, "")
		if err != nil {
			continue
		}
		var all strings.Builder
		for _, l := range textLines(root, nil) {
			texts = append(texts, l.text)
			all.WriteString(l.text)
			all.WriteByte('\n')
		}
		texts = append(texts, all.String())
	}
	rng := rand.New(rand.NewSource(1))
	pieces := strings.Fields(strings.Join(texts, " "))
	for i := 0; i < 600; i++ {
		var b strings.Builder
		for n := 1 + rng.Intn(60); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
			b.WriteString([]string{" ", "  ", "\n", ", ", ". ", "-", "'", " 42 ", ""}[rng.Intn(9)])
		}
		texts = append(texts, b.String())
	}
	reliable := 0
	for _, text := range texts {
		want := whatlanggo.Detect(text)
		lang, conf := detect(text)
		if conf != want.Confidence || (conf > 0 && lang != want.Lang) {
			t.Fatalf("detect(%.80q) = %v %v, whatlanggo %v %v", text, lang, conf, want.Lang, want.Confidence)
		}
		if want.IsReliable() {
			reliable++
		}
	}
	if reliable < len(texts)/4 {
		t.Errorf("only %d of %d texts reliably detected: the test says little", reliable, len(texts))
	}
}
