// Package storetest is the contract every catalogue backend
// (harvest.Catalogue) must keep: the behaviour store/sqlite defines,
// checked through the interface alone. A backend's tests call Run.
package storetest

import (
	"fmt"
	"testing"
	"time"

	"harvest"
)

// Opener returns a new, empty catalogue of the backend under test, closed
// when t ends.
type Opener func(t *testing.T) harvest.Catalogue

// Run runs the contract's subtests, each on a catalogue of its own.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"SaveLifecycle", testSaveLifecycle},
		{"SaveLastSeenNeverMovesBack", testLastSeenNeverMovesBack},
		{"SaveRejects", testSaveRejects},
		{"SaveIdentity", testSaveIdentity},
		{"SaveChangedDownloadsReindexed", testChangedDownloadsReindexed},
		{"SaveReactivates", testSaveReactivates},
		{"SaveMoreFields", testSaveMoreFields},
		{"SavePageDatesAndLinks", testPageDatesAndLinks},
		{"SaveChangedFile", testSaveChangedFile},
		{"SaveBatch", testSaveBatch},
		{"SavePageConcurrent", testSavePageConcurrent},
		{"GetNotFound", testGetNotFound},
		{"EachAndCount", testEachAndCount},
		{"EachStopsAtError", testEachStopsAtError},
		{"ReadWhileWriting", testReadWhileWriting},
		{"SearchRanksAndFilters", testSearchRanksAndFilters},
		{"SearchNeverErrors", testSearchNeverErrors},
		{"SearchPaging", testSearchPaging},
		{"SearchIndexFollowsChanges", testSearchIndexFollowsChanges},
		{"KeysetWalkWhileAdding", testKeysetWalkWhileAdding},
		{"SearchTotalLag", testSearchTotalLag},
		{"SourcesFacetsAndRevisions", testSourcesFacetsAndRevisions},
		{"FacetCountsFollowChanges", testFacetCountsFollowChanges},
		{"Runs", testRuns},
		{"RunsPage", testRunsPage},
		{"PageMemory", testPageMemory},
		{"TouchPages", testTouchPages},
		{"RemovalAndReturn", testRemovalAndReturn},
		{"RemovalGuard", testRemovalGuard},
		{"MirroredFiles", testMirroredFiles},
		{"RememberFileRejects", testRememberFileRejects},
		{"FrontierPersistence", testFrontierPersistence},
		{"FrontierOutOfOrder", testFrontierOutOfOrder},
		{"LockSource", testLockSource},
		{"VersionMoves", testVersionMoves},
		{"EarliestChange", testEarliestChange},
		{"LinkChecks", testLinkChecks},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// pub is a publication of source at url (its own canonical URL) with the
// given title and download files.
func pub(source, url, title string, files ...string) harvest.Publication {
	p := harvest.Publication{Source: source, URL: url, CanonicalURL: url, Title: title}
	for _, f := range files {
		p.Downloads = append(p.Downloads, harvest.Download{URL: f, Label: "Download", MediaType: "application/pdf"})
	}
	return p
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func save(t *testing.T, db harvest.Catalogue, p harvest.Publication, seen time.Time) harvest.SaveResult {
	t.Helper()
	res, err := db.Save(t.Context(), p, seen)
	if err != nil {
		t.Fatalf("save %s: %v", p.URL, err)
	}
	return res
}

func get(t *testing.T, db harvest.Catalogue, id int64) harvest.Publication {
	t.Helper()
	p, err := db.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("get %d: %v", id, err)
	}
	return p
}

func count(t *testing.T, db harvest.Catalogue, f harvest.Filter) int {
	t.Helper()
	n, err := db.Count(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func eachIDs(t *testing.T, db harvest.Catalogue, f harvest.Filter) []int64 {
	t.Helper()
	var ids []int64
	if err := db.Each(t.Context(), f, func(p harvest.Publication) error { ids = append(ids, p.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	return ids
}

func searchIDs(t *testing.T, db harvest.Catalogue, q harvest.Query) []int64 {
	t.Helper()
	res, err := db.Search(t.Context(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	var ids []int64
	for _, p := range res.Publications {
		ids = append(ids, p.ID)
	}
	if res.Total < len(ids) {
		t.Errorf("Search(%+v): total %d < %d results", q, res.Total, len(ids))
	}
	return ids
}

func url(i int) string { return fmt.Sprintf("https://ex.org/r/%d/", i) }
