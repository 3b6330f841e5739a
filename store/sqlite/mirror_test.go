package sqlite

import (
	"harvest/store/identity"
	"path/filepath"
	"testing"
	"time"

	"harvest"
)

func TestMirroredFiles(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "harvest.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	const u = "https://Ex.org/files/report.pdf?utm_source=x"
	if _, ok, err := db.LookupFile(ctx, u); err != nil || ok {
		t.Fatalf("LookupFile(unknown) = %v, %v; want false, nil", ok, err)
	}
	f := harvest.MirroredFile{
		URL: u, SHA256: "ab12", Size: 42, MediaType: "application/pdf", Path: "/m/sha256/ab/ab12.pdf",
		ETag: `"v1"`, LastModified: "Thu, 02 Jan 2025 03:04:05 GMT", Fetched: t0.Add(999 * time.Millisecond),
	}
	if err := db.RememberFile(ctx, u, f); err != nil {
		t.Fatal(err)
	}
	want := f
	want.Fetched = t0 // stored to the second
	// Another spelling of the same URL finds it.
	got, ok, err := db.LookupFile(ctx, "https://ex.org/files/report.pdf")
	if err != nil || !ok {
		t.Fatalf("LookupFile = %v, %v; want found", ok, err)
	}
	if got != want {
		t.Errorf("LookupFile = %+v, want %+v", got, want)
	}

	// Remembering again replaces.
	f2 := harvest.MirroredFile{URL: "https://ex.org/files/report.pdf", SHA256: "cd34", Size: 7, Path: "/m/sha256/cd/cd34", Fetched: t0.Add(time.Hour)}
	if err := db.RememberFile(ctx, f2.URL, f2); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// And it survives a reopen.
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, ok, err = db.LookupFile(ctx, u)
	if err != nil || !ok {
		t.Fatalf("after reopen: LookupFile = %v, %v; want found", ok, err)
	}
	if got != f2 {
		t.Errorf("after reopen: LookupFile = %+v, want %+v", got, f2)
	}
}

func TestRememberFileRejects(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	ok := harvest.MirroredFile{SHA256: "ab", Path: "/m/ab", Fetched: t0}
	tests := []struct {
		name string
		url  string
		f    harvest.MirroredFile
	}{
		{"not http", "ftp://ex.org/a.pdf", ok},
		{"relative", "/a.pdf", ok},
		{"no sha256", "https://ex.org/a.pdf", harvest.MirroredFile{Path: "/m/ab", Fetched: t0}},
		{"no path", "https://ex.org/a.pdf", harvest.MirroredFile{SHA256: "ab", Fetched: t0}},
		{"no time", "https://ex.org/a.pdf", harvest.MirroredFile{SHA256: "ab", Path: "/m/ab"}},
	}
	for _, tt := range tests {
		if err := db.RememberFile(ctx, tt.url, tt.f); err == nil {
			t.Errorf("%s: RememberFile succeeded, want an error", tt.name)
		}
	}
	if _, _, err := db.LookupFile(ctx, "mailto:a@ex.org"); err == nil {
		t.Error("LookupFile(mailto) succeeded, want an error")
	}
}

// TestContentHashDownloadSHA: a download's sha256 counts when present, and
// a record without one hashes as before file mirroring existed.
func TestContentHashDownloadSHA(t *testing.T) {
	p := harvest.Publication{Title: "A report", Summary: "S", Categories: []string{"c"}, Tags: []string{"t"},
		Downloads: []harvest.Download{{URL: "https://ex.org/a.pdf", Label: "PDF", MediaType: "application/pdf"}},
		Publisher: "P", Published: "2024", Language: "en"}
	// Computed before downloads had a sha256.
	const before = "011d62298d23e2d8122659e26059af43d9b541a1ac76b7218b98e22f800095ff"
	if got := identity.ContentHash(&p); got != before {
		t.Errorf("hash without sha256 = %s, want the earlier %s", got, before)
	}
	withSHA := func(sum string, size int64, local string) string {
		q := p
		q.Downloads = []harvest.Download{p.Downloads[0]}
		q.Downloads[0].SHA256, q.Downloads[0].Size, q.Downloads[0].LocalPath = sum, size, local
		return identity.ContentHash(&q)
	}
	a, b := withSHA("aaaa", 1, "/m/a"), withSHA("bbbb", 1, "/m/a")
	if a == before || a == b {
		t.Errorf("hashes: none %s, sha aaaa %s, sha bbbb %s; want three different", before, a, b)
	}
	// Size and path follow from the content: only the hash counts.
	if got := withSHA("aaaa", 2, "/elsewhere/a"); got != a {
		t.Errorf("hash changed with size and path alone: %s, want %s", got, a)
	}
}

func TestSaveChangedFile(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	file := func(sum string) harvest.Publication {
		p := pub("lib", "https://ex.org/r/1", "Report", "https://ex.org/files/r.pdf")
		p.Downloads[0].SHA256 = sum
		p.Downloads[0].Size = int64(len(sum))
		p.Downloads[0].LocalPath = "/m/sha256/" + sum
		return p
	}
	steps := []struct {
		name    string
		p       harvest.Publication
		outcome harvest.Outcome
	}{
		{"not mirrored", pub("lib", "https://ex.org/r/1", "Report", "https://ex.org/files/r.pdf"), harvest.OutcomeNew},
		{"mirrored", file("aaaa"), harvest.OutcomeChanged},
		{"same file", file("aaaa"), harvest.OutcomeUnchanged},
		{"changed file", file("bbbbbb"), harvest.OutcomeChanged},
		{"same again", file("bbbbbb"), harvest.OutcomeUnchanged},
	}
	var id int64
	for i, st := range steps {
		res, err := db.Save(ctx, st.p, t0.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got, want := res.Outcome, st.outcome; got != want {
			t.Errorf("%s: harvest.Outcome = %q, want %q", st.name, got, want)
		}
		if id == 0 {
			id = res.ID
		} else if res.ID != id {
			t.Errorf("%s: saved to record %d, want %d", st.name, res.ID, id)
		}
	}
	got, err := db.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Downloads) != 1 {
		t.Fatalf("Downloads = %+v, want one", got.Downloads)
	}
	if d, want := got.Downloads[0], file("bbbbbb").Downloads[0]; d != want {
		t.Errorf("Download = %+v, want %+v", d, want)
	}
	if got, want := got.LastChanged, t0.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("LastChanged = %v, want %v (when the file changed)", got, want)
	}
}
