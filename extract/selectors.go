package extract

import (
	"strings"
	"sync"

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
	sel cascadia.SelectorGroup
	err error
}

// compileSelector parses a CSS selector group, from the cache when it
// was parsed before.
func compileSelector(sel string) (cascadia.SelectorGroup, error) {
	if c, ok := selectorCache.Load(sel); ok {
		cs := c.(compiledSelector)
		return cs.sel, cs.err
	}
	g, err := cascadia.ParseGroup(sel)
	selectorCacheMu.Lock()
	if selectorCacheSize < selectorCacheLimit {
		if _, loaded := selectorCache.LoadOrStore(sel, compiledSelector{g, err}); !loaded {
			selectorCacheSize++
		}
	}
	selectorCacheMu.Unlock()
	return g, err
}

// selectAll returns the elements below root that match sel, in document
// order; nil for an empty or invalid selector (rules are validated before
// use).
func selectAll(root *html.Node, sel string) []*html.Node {
	if strings.TrimSpace(sel) == "" {
		return nil
	}
	g, err := compileSelector(sel)
	if err != nil {
		return nil
	}
	return cascadia.QueryAll(root, g)
}

// selectFirst returns the first element below root that matches sel.
func selectFirst(root *html.Node, sel string) *html.Node {
	if strings.TrimSpace(sel) == "" {
		return nil
	}
	g, err := compileSelector(sel)
	if err != nil {
		return nil
	}
	return cascadia.Query(root, g)
}
