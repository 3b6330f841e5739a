package extract

import (
	"slices"
	"sync"
	"unicode"

	"github.com/abadojack/whatlanggo"
)

//go:generate go run langprofiles_gen.go

// Language detection: whatlanggo's method and data, computed faster.
// whatlanggo.Detect builds a string per trigram of the text, sorts them
// through reflection and looks each of its profiles' trigrams up in a map
// of strings; on a publication page that was a third of the extractor's
// time. detect gives the same answers from the same profiles
// (langprofiles.go, generated from the whatlanggo module go.mod requires)
// with trigrams packed in integers and, per profile trigram, its
// positions in the profiles: the text's trigrams are looked up once, not
// every profile's trigrams. TestDetectMatchesWhatlanggo holds the two to
// the same answers.

// whatlanggo's constants (constants.go): the distance of a profile
// trigram the text lacks, and the largest distance of a text to a
// profile (300 trigrams).
const (
	maxTrigramDistance = 300
	maxTotalDistance   = 90000
)

// langProfile is one language's trigrams, most frequent first.
type langProfile struct {
	lang     whatlanggo.Lang
	trigrams []string
}

// A trigram is three runes packed in 63 bits, the first in the high
// bits: trigrams compare as their runes do.
func packTrigram(r1, r2, r3 rune) uint64 {
	return uint64(r1)<<42 | uint64(r2)<<21 | uint64(r3)
}

// profileIndex holds the profiles of one script by trigram.
type profileIndex struct {
	langs []whatlanggo.Lang
	// base is each language's distance to a text that has none of its
	// trigrams.
	base []int
	// at lists where each trigram stands in the profiles.
	at map[uint64][]profilePos
}

type profilePos struct{ lang, pos int32 }

var profileIndexes = sync.OnceValue(func() map[*unicode.RangeTable]*profileIndex {
	out := map[*unicode.RangeTable]*profileIndex{}
	for script, profiles := range trigramProfiles {
		ix := &profileIndex{at: map[uint64][]profilePos{}}
		for l, p := range profiles {
			ix.langs = append(ix.langs, p.lang)
			ix.base = append(ix.base, len(p.trigrams)*maxTrigramDistance)
			for i, t := range p.trigrams {
				if r := []rune(t); len(r) == 3 { // a text's trigrams are three runes
					k := packTrigram(r[0], r[1], r[2])
					ix.at[k] = append(ix.at[k], profilePos{int32(l), int32(i)})
				}
			}
		}
		out[script] = ix
	}
	return out
})

// detect returns what whatlanggo.Detect(text) returns: the language and
// the confidence in it (reliable above
// whatlanggo.ReliableConfidenceThreshold).
func detect(text string) (whatlanggo.Lang, float64) {
	ix := profileIndexes()[whatlanggo.DetectScript(text)]
	if ix == nil { // no script, or a script of one language (no profiles)
		info := whatlanggo.Detect(text)
		return info.Lang, info.Confidence
	}
	tris := textTrigrams(text)
	dist := slices.Clone(ix.base)
	for pos, t := range tris {
		for _, p := range ix.at[t] {
			d := pos - int(p.pos)
			if d < 0 {
				d = -d
			}
			dist[p.lang] += d - maxTrigramDistance
		}
	}
	// whatlanggo's calculateConfidence: the nearest language, and how much
	// nearer it is than the next.
	best := 0
	for l := range dist {
		if dist[l] < dist[best] {
			best = l
		}
	}
	second := -1
	for l := range dist {
		if l != best && (second < 0 || dist[l] < dist[second]) {
			second = l
		}
	}
	score1 := maxTotalDistance - dist[best]
	score2 := maxTotalDistance - dist[second]
	switch {
	case score1 == 0:
		return -1, 0
	case score2 == 0:
		return ix.langs[best], min(float64(score1/500), 1) // integer division, as whatlanggo
	}
	rate := float64(score1-score2) / float64(score2)
	confidentRate := 12.0/float64(len(tris)) + 0.05
	if rate > confidentRate {
		return ix.langs[best], 1
	}
	return ix.langs[best], rate / confidentRate
}

// textTrigrams returns the distinct trigrams of text as whatlanggo counts
// them (lower case; punctuation, symbols, digits and white space as
// spaces; no trigram centred on a space at a word's edge), most frequent
// first, ties in descending order of their runes: a trigram's index is
// its position.
func textTrigrams(text string) []uint64 {
	all := make([]uint64, 0, len(text)) // every trigram, repeats included
	r1, r2 := ' ', rune(-1)
	for _, r := range text {
		r3 := ' '
		if !isStopChar(r) {
			r3 = unicode.ToLower(r)
		}
		if r2 >= 0 {
			if r2 != ' ' || r1 != ' ' && r3 != ' ' {
				all = append(all, packTrigram(r1, r2, r3))
			}
			r1 = r2
		}
		r2 = r3
	}
	if r2 >= 0 && r2 != ' ' { // whatlanggo ends the text with a space
		all = append(all, packTrigram(r1, r2, ' '))
	}
	slices.Sort(all)
	// The distinct trigrams in ascending order, with their counts.
	type counted struct {
		t uint64
		n int
	}
	distinct := make([]counted, 0, len(all))
	maxN := 0
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j] == all[i] {
			j++
		}
		distinct = append(distinct, counted{all[i], j - i})
		maxN = max(maxN, j-i)
		i = j
	}
	// Bucketed by count, highest first, each bucket filled in descending
	// order of the trigrams.
	start := make([]int, maxN+1)
	for _, c := range distinct {
		start[c.n]++
	}
	for n, pos := maxN, 0; n >= 1; n-- {
		start[n], pos = pos, pos+start[n]
	}
	out := make([]uint64, len(distinct))
	for i := len(distinct) - 1; i >= 0; i-- {
		c := distinct[i]
		out[start[c.n]] = c.t
		start[c.n]++
	}
	return out
}

// isStopChar is whatlanggo's: punctuation, symbols, digits and white
// space do not make words.
func isStopChar(r rune) bool {
	return unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsDigit(r)
}
