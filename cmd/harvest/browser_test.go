package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package puts the browser
// (.ci/run installs it).
const chromiumPath = "/usr/bin/chromium"

// headlessChromium starts Debian's Chromium headless for the test, with
// the flags this machine's closed network needs, and counts (and closes)
// every JavaScript dialog: a dialog would mean harvested script ran.
// Without Chromium the test is skipped, except under CI=true, where a
// missing browser is a failure.
func headlessChromium(t *testing.T, extra ...chromedp.ExecAllocatorOption) (context.Context, *atomic.Int32) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is missing (%v): .ci/run must install Debian's chromium package", chromiumPath, err)
		}
		t.Skipf("skipping the browser test: %s not found (apt-get install chromium); CI fails instead of skipping", chromiumPath)
	}
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
	}, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	dialogs := new(atomic.Int32)
	opening := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range opening {
			if err != nil {
				return
			}
			dialogs.Add(1)
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return ctx, dialogs
}

// TestBrowser drives the catalogue page in headless Chromium: it loads
// the list, searches, opens a publication, follows one of its tags, and
// saves screenshots under the test's temporary directory (set
// HARVEST_SCREENSHOTS=DIR to keep copies). A hostile record is in the
// catalogue; no script of it may run.
//
// Without Chromium the test is skipped, except in CI (CI=true), where a
// missing browser is a failure.
func TestBrowser(t *testing.T) {
	ctx, dialogs := headlessChromium(t, chromedp.WindowSize(1200, 900))
	srv, _, hostile := servedDemo(t)
	shots := t.TempDir()

	// text reads an element's text, failing the test without it.
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	location := func() string {
		t.Helper()
		u, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	// shot captures what the screen shows, as PNG.
	shot := func() []byte {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		return b
	}
	// follow clicks sel and waits for the page it leads to.
	follow := func(sel string) {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
		if resp.Status != 200 {
			t.Fatalf("click %s: %s answered %d", sel, resp.URL, resp.Status)
		}
	}

	// The list.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#count")),
	); err != nil {
		t.Fatalf("load the list: %v", err)
	}
	if count := text("#count"); !strings.Contains(count, "35 publications") {
		t.Errorf("list count = %q, want 35 publications", count)
	}
	listShot := shot()
	fullListShot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // the whole page, PNG
	if err != nil {
		t.Fatal(err)
	}

	// Search: type into the box and submit the form, as a person does.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), "forced labour")); err != nil {
		t.Fatal(err)
	}
	follow(".searchbar button[type=submit]")
	if loc, count := location(), text("#count"); !strings.Contains(loc, "q=forced+labour") || !strings.Contains(count, "best match first") {
		t.Errorf("after searching: at %s, count %q", loc, count)
	}
	title := text("ol.results li.pub h2 a")
	if !strings.Contains(strings.ToLower(title), "forced labour") {
		t.Errorf("best match for forced labour is %q", title)
	}
	searchShot := shot()

	// Open the first result.
	follow("ol.results li.pub h2 a")
	if h1, loc := text("article.publication h1"), location(); h1 != title || !strings.Contains(loc, "/publications/") {
		t.Errorf("publication page at %s has heading %q, want %q", loc, h1, title)
	}
	pubShot := shot()

	// Follow one of its tags: the list, filtered.
	tag := strings.TrimPrefix(text("dl.fields li.tag a"), "#")
	follow("dl.fields li.tag a")
	if loc, chips, count := location(), text("ul.chips"), text("#count"); !strings.Contains(loc, "tag=") ||
		!strings.Contains(chips, tag) || !strings.Contains(count, "publication") {
		t.Errorf("after following tag %q: at %s, chips %q, count %q", tag, loc, chips, count)
	}
	tagShot := shot()

	// The hostile record, on a phone-sized screen.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(srv.URL+"/publications/"+idText(hostile)),
		chromedp.WaitVisible(chromedp.CSS("article.publication h1")),
	); err != nil {
		t.Fatalf("hostile record: %v", err)
	}
	if h1 := text("article.publication h1"); h1 != hostileTitle {
		t.Errorf("hostile record heading = %q, want the title as text %q", h1, hostileTitle)
	}
	phonePubShot := shot()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/?q=pwned+OR+forced"),
		chromedp.WaitVisible(chromedp.CSS("#count")),
	); err != nil {
		t.Fatal(err)
	}
	phoneShot := shot()
	if n := dialogs.Load(); n > 0 {
		t.Errorf("%d JavaScript dialogs opened: harvested script ran", n)
	}

	keep := os.Getenv("HARVEST_SCREENSHOTS")
	for name, b := range map[string][]byte{"1-list.png": listShot, "1-list-full.png": fullListShot, "2-search.png": searchShot,
		"3-publication.png": pubShot, "4-tag.png": tagShot,
		"5-phone-publication.png": phonePubShot, "6-phone-search.png": phoneShot} {
		if len(b) == 0 {
			t.Errorf("screenshot %s is empty", name)
			continue
		}
		for _, dir := range []string{shots, keep} {
			if dir == "" {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
	t.Logf("screenshots in %s", shots)
}
