package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"harvest"
)

// testLinkChecks: link checks round-trip, are listed broken first with
// their records, per record in download order and counted per source; a
// changed file moves the last_changed of the records that link to it
// (and of no other), without touching their content: saved again, they
// are unchanged. Each write moves the catalogue's version.
func testLinkChecks(t *testing.T, open Opener) {
	ctx := t.Context()
	db := open(t)
	const pdf1, pdf2, pdf3 = "https://files.ex.org/a.pdf", "https://files.ex.org/b.pdf", "https://other.ex.org/c.pdf"
	a := pub("lib", url(1), "Alpha", pdf1, pdf2)
	b := pub("lib", url(2), "Beta", pdf1, pdf3)
	c := pub("lib", url(3), "Gamma")
	d := pub("other", url(4), "Delta", pdf1)
	d.Downloads = append(d.Downloads, harvest.Download{URL: "mailto:someone@ex.org", Label: "Ask"})
	ida, idb := save(t, db, a, t0).ID, save(t, db, b, t0).ID
	idc, idd := save(t, db, c, t0).ID, save(t, db, d, t0).ID

	last, err := db.LastLinkChecks(ctx, "lib", []string{pdf1, pdf2, "mailto:x@ex.org"})
	if err != nil || len(last) != 0 {
		t.Fatalf("LastLinkChecks before any check = %v, %v; want none", last, err)
	}
	t1 := t0.Add(time.Hour)
	t2 := t1.Add(time.Hour)
	ok1 := harvest.LinkCheck{Source: "lib", URL: pdf1, State: harvest.LinkOK, Status: 200, FinalURL: pdf1,
		MediaType: "application/pdf", Size: 1234, ETag: `"v1"`, LastModified: "Sat, 01 Mar 2025 10:00:00 GMT", Checked: t1}
	broken := harvest.LinkCheck{Source: "lib", URL: pdf2, State: harvest.LinkBroken, Kind: harvest.LinkNotFound,
		Status: 404, FinalURL: pdf2, Checked: t1, BrokenSince: &t0, Error: "404 Not Found"}
	failing := harvest.LinkCheck{Source: "lib", URL: pdf3, State: harvest.LinkFailing, Kind: harvest.LinkServerError,
		Status: 503, Checked: t1, Failures: 2, Changed: &t0}
	other := harvest.LinkCheck{Source: "other", URL: pdf1, State: harvest.LinkBroken, Kind: harvest.LinkGone, Status: 410, Checked: t1, BrokenSince: &t1}
	v0, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, lc := range []harvest.LinkCheck{ok1, broken, failing, other} {
		n, err := db.RecordLinkCheck(ctx, lc, false)
		if err != nil || n != 0 {
			t.Fatalf("RecordLinkCheck(%s) = %d, %v; want 0 records changed", lc.URL, n, err)
		}
	}
	if v, _ := db.Version(ctx); v.N <= v0.N {
		t.Errorf("recording link checks left the version at %d", v.N)
	}
	last, err = db.LastLinkChecks(ctx, "lib", []string{pdf1, pdf2, pdf3, "mailto:x@ex.org"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []harvest.LinkCheck{ok1, broken, failing} {
		if got := last[want.URL]; !reflect.DeepEqual(got, want) {
			t.Errorf("LastLinkChecks[%s] =\n%+v, want\n%+v", want.URL, got, want)
		}
	}
	// The same URL under another spelling (its key) is the same link.
	if got, _ := db.LastLinkChecks(ctx, "lib", []string{"HTTPS://FILES.ex.org/a.pdf"}); got["HTTPS://FILES.ex.org/a.pdf"].ETag != `"v1"` {
		t.Errorf("LastLinkChecks by another spelling = %+v", got)
	}

	reports, more, err := db.Links(ctx, harvest.LinkQuery{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id         int64
		url, state string
	}
	var got []row
	for _, r := range reports {
		got = append(got, row{r.PublicationID, r.URL, r.State})
	}
	want := []row{
		{ida, pdf2, harvest.LinkBroken},  // broken since t0
		{idd, pdf1, harvest.LinkBroken},  // broken since t1
		{idb, pdf3, harvest.LinkFailing}, // then failing
		{ida, pdf1, harvest.LinkOK},      // then by record and URL
		{idb, pdf1, harvest.LinkOK},
	}
	if !reflect.DeepEqual(got, want) || more {
		t.Errorf("Links() = %v (more %v), want %v", got, more, want)
	}
	if reports[0].Title != "Alpha" || reports[0].Kind != harvest.LinkNotFound || reports[0].BrokenSince == nil {
		t.Errorf("Links()[0] = %+v", reports[0])
	}
	reports, _, err = db.Links(ctx, harvest.LinkQuery{Broken: true, Sources: []string{"lib"}})
	if err != nil || len(reports) != 1 || reports[0].URL != pdf2 {
		t.Errorf("Links(broken, lib) = %+v, %v; want %s only", reports, err, pdf2)
	}
	page1, more, err := db.Links(ctx, harvest.LinkQuery{Limit: 2})
	if err != nil || len(page1) != 2 || !more {
		t.Errorf("Links(limit 2) = %d links, more %v, %v; want 2, true", len(page1), more, err)
	}
	page3, more, err := db.Links(ctx, harvest.LinkQuery{Limit: 2, Offset: 4})
	if err != nil || len(page3) != 1 || more || page3[0].PublicationID != idb || page3[0].URL != pdf1 {
		t.Errorf("Links(limit 2, offset 4) = %+v, more %v, %v", page3, more, err)
	}

	health, err := linkHealth(ctx, db, ida)
	if err != nil || len(health) != 2 || health[0].URL != pdf1 || health[1].URL != pdf2 {
		t.Errorf("LinkHealth(a) = %+v, %v; want %s then %s", health, err, pdf1, pdf2)
	}
	if health, err := linkHealth(ctx, db, idc); err != nil || health == nil || len(health) != 0 {
		t.Errorf("LinkHealth(no downloads) = %#v, %v; want empty", health, err)
	}
	if _, err := linkHealth(ctx, db, 9999); err == nil {
		t.Error("LinkHealth(no such record): no error")
	}

	counts, err := db.LinkCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := []harvest.LinkCount{
		{Source: "lib", Checked: 3, ByState: map[string]int{harvest.LinkOK: 1, harvest.LinkBroken: 1, harvest.LinkFailing: 1}},
		{Source: "other", Checked: 1, ByState: map[string]int{harvest.LinkBroken: 1}},
	}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("LinkCounts() = %+v, want %+v", counts, wantCounts)
	}

	// The file changed: the records of lib that link to it change, at
	// the check's time; the other source's record and c do not.
	ok2 := ok1
	ok2.ETag, ok2.Size, ok2.Checked, ok2.Changed = `"v2"`, 2345, t2, &t2
	n, err := db.RecordLinkCheck(ctx, ok2, true)
	if err != nil || n != 2 {
		t.Fatalf("RecordLinkCheck(changed) = %d, %v; want 2 records changed", n, err)
	}
	for id, want := range map[int64]time.Time{ida: t2, idb: t2, idc: t0, idd: t0} {
		if got := get(t, db, id).LastChanged; !got.Equal(want) {
			t.Errorf("record %d: last_changed %v, want %v", id, got, want)
		}
	}
	if got := eachIDs(t, db, harvest.Filter{Since: t2}); !reflect.DeepEqual(got, []int64{ida, idb}) {
		t.Errorf("records changed since the file changed = %v, want %v", got, []int64{ida, idb})
	}
	// The content (and its hash) did not change.
	if res := save(t, db, a, t2.Add(time.Hour)); res.Outcome != harvest.OutcomeUnchanged {
		t.Errorf("saved again after a file change: %s, want unchanged", res.Outcome)
	}
	if got := get(t, db, ida).LastChanged; !got.Equal(t2) {
		t.Errorf("saved again: last_changed %v, want %v", got, t2)
	}

	// A record that is removed is listed no more (its links are not
	// checked any more), and not marked changed.
	if _, err := db.MarkGone(ctx, "other", d.URL, t2); err != nil {
		t.Fatal(err)
	}
	other.Checked = t2.Add(2 * time.Hour)
	if _, err := db.RecordLinkCheck(ctx, other, true); err != nil {
		t.Fatal(err)
	}
	if p := get(t, db, idd); !p.LastChanged.Equal(t2) || p.Status != harvest.StatusRemoved {
		t.Errorf("removed record: %s, last_changed %v; want removed at %v", p.Status, p.LastChanged, t2)
	}
	if reports, _, _ := db.Links(ctx, harvest.LinkQuery{Sources: []string{"other"}}); len(reports) != 0 {
		t.Errorf("links of a removed record listed: %+v", reports)
	}

	for name, bad := range map[string]harvest.LinkCheck{
		"no source": {URL: pdf1, State: harvest.LinkOK, Checked: t1},
		"no state":  {Source: "lib", URL: pdf1, Checked: t1},
		"no time":   {Source: "lib", URL: pdf1, State: harvest.LinkOK},
		"not http":  {Source: "lib", URL: "mailto:x@ex.org", State: harvest.LinkOK, Checked: t1},
	} {
		if _, err := db.RecordLinkCheck(ctx, bad, false); err == nil {
			t.Errorf("RecordLinkCheck(%s): no error", name)
		}
	}
}

// linkHealth is what the API shows of a record's links: its downloads'
// latest checks, in order.
func linkHealth(ctx context.Context, db harvest.Catalogue, id int64) ([]harvest.LinkCheck, error) {
	p, err := db.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	last, err := db.LastLinkChecks(ctx, p.Source, harvest.DownloadURLs(p))
	if err != nil {
		return nil, err
	}
	return harvest.HealthOf(p, last), nil
}
