package harvester

import (
	"log/slog"

	"harvest/config"
	"harvest/crawler"
	"harvest/extract"
)

// RulesFor turns a configured source's item_url and selectors into the
// extractor's rules.
func RulesFor(s config.Source) extract.Rules {
	sel := s.Selectors
	return extract.Rules{
		ItemURL: s.ItemURL, Item: sel.Item, Content: sel.Content, Title: sel.Title,
		Summary: sel.Summary, Categories: sel.Categories, Tags: sel.Tags,
		Downloads: sel.Downloads, Publisher: sel.Publisher, Published: sel.Published,
		Remove: sel.Remove,
	}
}

// SourceOptions turns a configured source into the crawler's options.
func SourceOptions(s config.Source, log *slog.Logger) crawler.Options {
	return crawler.Options{
		Source: s.Name, StartURLs: s.StartURLs, AllowedDomains: s.AllowedDomains,
		Include: s.Include, Exclude: s.Exclude, Sitemaps: s.Sitemaps,
		Rules: RulesFor(s),
		Delay: s.Delay, Concurrency: s.Concurrency, MaxPages: s.MaxPages, MaxDepth: s.MaxDepth, MaxPagination: s.MaxPagination,
		Timeout: s.Timeout, MaxBodySize: s.MaxBodySize, UserAgent: s.UserAgent,
		Retries: s.Retries, AllowPrivateNetworks: s.AllowPrivateNetworks, Logger: log,
	}
}
