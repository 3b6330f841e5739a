package extract

import (
	"strings"
	"sync"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// Selectors of source rules are compiled once and kept: the same few
// selectors of the configuration are applied to every page of a source.
// The cache is bounded; past the bound, selectors are compiled per use.
var (
	selectorCache     sync.Map // string -> compiledSelector
	selectorCacheSize int
	selectorCacheMu   sync.Mutex
)

const selectorCacheLimit = 1024

type compiledSelector struct {
	m   goquery.Matcher
	err error
}

// compileSelector compiles a CSS selector group into a matcher, from the
// cache when it was compiled before.
func compileSelector(sel string) (goquery.Matcher, error) {
	if c, ok := selectorCache.Load(sel); ok {
		cs := c.(compiledSelector)
		return cs.m, cs.err
	}
	var m goquery.Matcher
	compiled, err := cascadia.Compile(sel)
	if err == nil {
		m = compiled
	}
	selectorCacheMu.Lock()
	if selectorCacheSize < selectorCacheLimit {
		if _, loaded := selectorCache.LoadOrStore(sel, compiledSelector{m, err}); !loaded {
			selectorCacheSize++
		}
	}
	selectorCacheMu.Unlock()
	return m, err
}

// ruleMatcher returns the matcher of a source selector, or nil for an
// empty or invalid one (rules are validated before use).
func ruleMatcher(sel string) goquery.Matcher {
	if strings.TrimSpace(sel) == "" {
		return nil
	}
	m, err := compileSelector(sel)
	if err != nil {
		return nil
	}
	return m
}

// selectAll returns the elements below the nodes of s (the page's
// Document) that match sel, in document order; nil for an empty or
// invalid selector.
func selectAll(s *goquery.Selection, sel string) []*html.Node {
	m := ruleMatcher(sel)
	if m == nil {
		return nil
	}
	return s.FindMatcher(m).Nodes
}

// selectFirst returns the first element below the nodes of s that
// matches sel.
func selectFirst(s *goquery.Selection, sel string) *html.Node {
	m := ruleMatcher(sel)
	if m == nil {
		return nil
	}
	return firstNode(s.FindMatcher(goquery.SingleMatcher(m)))
}
