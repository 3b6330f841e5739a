package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadRepositoryConfig(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "config.yaml"))
	if err != nil {
		t.Fatalf("Load(config.yaml): %v", err)
	}
	s, err := cfg.Source("respect")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Schedule, "@weekly"; got != want {
		t.Errorf("Schedule = %q, want %q", got, want)
	}
	if got, want := s.Jitter, 30*time.Minute; got != want {
		t.Errorf("Jitter = %v, want %v", got, want)
	}
	if got, want := s.Delay, 2*time.Second; got != want {
		t.Errorf("Delay = %v, want %v", got, want)
	}
	if got, want := s.Concurrency, 4; got != want {
		t.Errorf("Concurrency = %d, want %d (inherited)", got, want)
	}
	if got, want := s.MaxBodySize, int64(10<<20); got != want {
		t.Errorf("MaxBodySize = %d, want %d", got, want)
	}
	if !s.Sitemaps {
		t.Error("Sitemaps = false, want true")
	}
	if s.MirrorFiles || s.MaxFileSize != DefaultMaxFileSize {
		t.Errorf("MirrorFiles = %v, MaxFileSize = %d; want false (commented out), %d", s.MirrorFiles, s.MaxFileSize, int64(DefaultMaxFileSize))
	}
	if len(s.Exclude) != 3 {
		t.Errorf("len(Exclude) = %d, want 3", len(s.Exclude))
	}
	if _, err := cfg.Source("nope"); err == nil || !strings.Contains(err.Error(), "respect") {
		t.Errorf("Source(nope) error = %v, want one listing the configured names", err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{"unknown top-level key", "db: x.db\ndbb: y\n", []string{"c.yaml:2", "dbb", "unknown key"}},
		{"unknown source key", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    shedule: '@daily'\n", []string{"c.yaml:4", "shedule", "unknown key"}},
		{"bad duration", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    delay: 1x\n", []string{"c.yaml:4", "sources[0].delay", `invalid duration "1x"`}},
		{"bad cron", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    schedule: 'every day'\n", []string{"c.yaml:4", "sources[0].schedule", "invalid cron spec"}},
		{"bad regexp", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    exclude:\n      - ok\n      - '(['\n", []string{"c.yaml:6", "sources[0].exclude[1]", "invalid regular expression"}},
		{"bad url", "sources:\n  - name: a\n    start_urls:\n      - ftp://a.example/\n", []string{"c.yaml:4", "sources[0].start_urls[0]", "invalid URL"}},
		{"missing name", "sources:\n  - start_urls: [http://a.example/]\n", []string{"c.yaml:2", "sources[0].name", "missing"}},
		{"duplicate name", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n  - name: a\n    start_urls: [http://b.example/]\n", []string{"c.yaml:4", "sources[1].name", "duplicate"}},
		{"bad jitter", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    schedule: '@daily'\n    jitter: -5m\n", []string{"c.yaml:5", "sources[0].jitter", `"-5m" must not be negative`}},
		{"jitter not a duration", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    jitter: 10\n", []string{"c.yaml:4", "sources[0].jitter", `invalid duration "10"`}},
		{"time zone in the spec", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    schedule: 'CRON_TZ=UTC'\n", []string{"c.yaml:4", "sources[0].schedule", "timezone key"}},
		{"TZ prefix in the spec", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    schedule: 'TZ=Europe/Paris 0 3 * * *'\n", []string{"c.yaml:4", "sources[0].schedule", "timezone key"}},
		{"bad timezone", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    timezone: Mars/Base\n", []string{"c.yaml:4", "timezone", "unknown time zone"}},
		{"bad size", "defaults:\n  max_body_size: lots\n", []string{"c.yaml:2", "defaults.max_body_size", "invalid size"}},
		{"concurrency range", "defaults:\n  concurrency: 0\n", []string{"c.yaml:2", "defaults.concurrency", "out of range"}},
		{"wrong type", "defaults:\n  concurrency: many\n", []string{"c.yaml:2: defaults.concurrency: want a whole number, got `many`"}},
		{"list for a value", "sources:\n  - name: [a, b]\n    start_urls: [http://a.example/]\n", []string{"c.yaml:2: sources[0].name: want a single value (text), got a list"}},
		{"value for a list", "sources:\n  - name: a\n    start_urls: http://a.example/\n", []string{"c.yaml:3: sources[0].start_urls: want a list"}},
		{"misspelt source key", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    shedule: '@daily'\n", []string{`c.yaml:4: sources[0].shedule: unknown key (did you mean "schedule"?)`}},
		{"misspelt default key", "defaults:\n  concurency: 2\n", []string{`c.yaml:2: defaults.concurency: unknown key (did you mean "concurrency"?)`}},
		{"misspelt selector", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    selectors:\n      titel: h1\n", []string{`c.yaml:5: sources[0].selectors.titel: unknown key (did you mean "title"?)`}},
		{"swapped letters", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    sitmeaps: true\n", []string{`did you mean "sitemaps"?`}},
		{"unknown key far from any", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    colour: blue\n", []string{"c.yaml:4: sources[0].colour: unknown key (see config.yaml"}},
		{"syntax", "sources: [\n", []string{"c.yaml"}},
		{"bad selector", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    selectors:\n      title: 'h1[['\n", []string{"c.yaml:5", "sources[0].selectors.title", "invalid CSS selector"}},
		{"bad remove selector", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    selectors:\n      remove: ['.ok', 'div >> p']\n", []string{"sources[0].selectors.remove[1]", "invalid CSS selector"}},
		{"mirror without dir", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    mirror_files: true\n", []string{"c.yaml:4", "sources[0].mirror_files", "mirror_dir is required"}},
		{"blank mirror dir", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    mirror_files: true\n    mirror_dir: ' '\n", []string{"c.yaml:5", "sources[0].mirror_dir", "invalid directory"}},
		{"mirror files not a bool", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    mirror_files: sometimes\n", []string{"c.yaml:4: sources[0].mirror_files: want true or false, got `sometimes`"}},
		{"bad file size", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    max_file_size: 0\n", []string{"c.yaml:4", "sources[0].max_file_size", "invalid size"}},
		{"bad default file size", "defaults:\n  max_file_size: huge\n", []string{"c.yaml:2", "defaults.max_file_size", "invalid size"}},
		{"bad max_removals", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    max_removals: lots\n", []string{"c.yaml:4", "sources[0].max_removals", "invalid limit"}},
		{"max_removals over 100%", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    max_removals: 150%\n", []string{"c.yaml:4", "sources[0].max_removals", "invalid limit"}},
		{"negative max_removals", "sources:\n  - name: a\n    start_urls: [http://a.example/]\n    max_removals: -1\n", []string{"c.yaml:4", "sources[0].max_removals", "invalid limit"}},
		{"max_pagination range", "defaults:\n  max_pagination: 0\n", []string{"c.yaml:2", "defaults.max_pagination", "out of range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestParseReportsDecodeAndValidationErrors: a file with a misspelt key, a
// value of the wrong type and values that fail validation reports every
// one of them, in the order of the file, each once, with file:line and
// path; a value of the wrong type is not also reported as missing.
func TestParseReportsDecodeAndValidationErrors(t *testing.T) {
	file := "defaults:\n  concurency: 4\nsources:\n  - name: a\n    start_urls: [http://a.example/]\n    shedule: '@daily'\n    concurrency: four\n    jitter: -5m\n  - name: [b]\n    start_urls: [http://b.example/]\n    delay: soon\n"
	_, err := Parse("c.yaml", []byte(file))
	if err == nil {
		t.Fatal("Parse succeeded, want errors")
	}
	want := []string{
		`c.yaml:2: defaults.concurency: unknown key (did you mean "concurrency"?)`,
		`c.yaml:6: sources[0].shedule: unknown key (did you mean "schedule"?)`,
		"c.yaml:7: sources[0].concurrency: want a whole number, got `four`",
		`c.yaml:8: sources[0].jitter: "-5m" must not be negative`,
		"c.yaml:9: sources[1].name: want a single value (text), got a list",
		`c.yaml:11: sources[1].delay: invalid duration "soon"`,
	}
	got := strings.Split(err.Error(), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d = %q, want it to start %q", i, got[i], want[i])
		}
	}
}

func TestParseReportsEveryError(t *testing.T) {
	_, err := Parse("c.yaml", []byte("sources:\n  - name: a\n    start_urls: [http://a.example/]\n    delay: x\n    timeout: y\n"))
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a *config.Error", err)
	}
	if n := strings.Count(err.Error(), "invalid duration"); n != 2 {
		t.Errorf("error reports %d invalid durations, want 2: %v", n, err)
	}
}

func TestParseEmptyAndDefaults(t *testing.T) {
	cfg, err := Parse("c.yaml", nil)
	if err != nil {
		t.Fatalf("Parse(empty): %v", err)
	}
	if got, want := cfg.Defaults.Delay, DefaultDelay; got != want {
		t.Errorf("Defaults.Delay = %v, want %v", got, want)
	}
	cfg, err = Parse("c.yaml", []byte("defaults:\n  delay: 0\n  max_body_size: 512KB\nsources:\n  - name: a\n    start_urls: [http://a.example/]\n    sitemaps: false\n    item_url: '/item/'\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Sources[0]
	if s.Delay != 0 || s.MaxBodySize != 512<<10 || s.Sitemaps || s.ItemURL == nil {
		t.Errorf("source = %+v, want delay 0, 512KB, no sitemaps, an item_url", s)
	}
}

// TestRemovalLimit: the removal guard's limit, written by hand from the
// rule (10 %, at least 5; or a count).
func TestRemovalLimit(t *testing.T) {
	for _, tt := range []struct {
		yaml   string // the max_removals line, "" for the default
		active int
		want   int
	}{
		{"", 0, 5}, {"", 34, 5}, {"", 50, 5}, {"", 51, 6}, {"", 146, 15}, {"", 1000, 100},
		{"max_removals: 25", 1000, 25}, {"max_removals: 0", 1000, 0},
		{"max_removals: '50%'", 10, 5}, {"max_removals: 50%", 100, 50}, {"max_removals: 100%", 7, 7},
		{"max_removals: 2.5%", 1000, 25},
	} {
		cfg, err := Parse("c.yaml", []byte("sources:\n  - name: a\n    start_urls: [http://a.example/]\n    "+tt.yaml+"\n"))
		if err != nil {
			t.Fatalf("%q: %v", tt.yaml, err)
		}
		if got := cfg.Sources[0].MaxRemovals.Limit(tt.active); got != tt.want {
			t.Errorf("%q with %d active: limit %d, want %d", tt.yaml, tt.active, got, tt.want)
		}
	}
	cfg, err := Parse("c.yaml", []byte("defaults:\n  max_pagination: 300\nsources:\n  - name: a\n    start_urls: [http://a.example/]\n"))
	if err != nil || cfg.Sources[0].MaxPagination != 300 {
		t.Errorf("max_pagination from defaults: %+v, %v; want 300", cfg, err)
	}
}

func TestParseSchedule(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("sources:\n"+
		"  - name: a\n    start_urls: [http://a.example/]\n    schedule: '0 3 * * 1'\n    timezone: Europe/Paris\n    jitter: 15m\n"+
		"  - name: b\n    start_urls: [http://b.example/]\n    schedule: '@every 1s'\n    jitter: 0\n"+
		"  - name: c\n    start_urls: [http://c.example/]\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		schedule, timezone string
		jitter             time.Duration
	}{
		{"0 3 * * 1", "Europe/Paris", 15 * time.Minute},
		{"@every 1s", "", 0},
		{"", "", 0}, // no jitter key: none
	}
	for i, tt := range tests {
		s := cfg.Sources[i]
		if s.Schedule != tt.schedule || s.Timezone != tt.timezone || s.Jitter != tt.jitter {
			t.Errorf("source %s: schedule %q, timezone %q, jitter %v; want %q, %q, %v",
				s.Name, s.Schedule, s.Timezone, s.Jitter, tt.schedule, tt.timezone, tt.jitter)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) error = %v, want os.ErrNotExist", err)
	}
}

func TestParseMirror(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "conf", "c.yaml")
	abs := filepath.Join(dir, "elsewhere", "files")
	cfg, err := Parse(cfgPath, []byte("defaults:\n  max_file_size: 1GB\nsources:\n"+
		"  - name: rel\n    start_urls: [http://a.example/]\n    mirror_files: true\n    mirror_dir: files\n"+
		"  - name: up\n    start_urls: [http://b.example/]\n    mirror_files: true\n    mirror_dir: ../mirror/./b\n    max_file_size: 5MB\n"+
		"  - name: abs\n    start_urls: [http://c.example/]\n    mirror_files: true\n    mirror_dir: '"+abs+"'\n"+
		"  - name: off\n    start_urls: [http://d.example/]\n    mirror_files: false\n    mirror_dir: kept\n"+
		"  - name: none\n    start_urls: [http://e.example/]\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		mirror  bool
		dir     string
		maxSize int64
	}{
		{true, filepath.Join(dir, "conf", "files"), 1 << 30},
		{true, filepath.Join(dir, "mirror", "b"), 5 << 20},
		{true, abs, 1 << 30},
		{false, filepath.Join(dir, "conf", "kept"), 1 << 30},
		{false, "", 1 << 30},
	}
	for i, tt := range tests {
		s := cfg.Sources[i]
		if s.MirrorFiles != tt.mirror || s.MirrorDir != tt.dir || s.MaxFileSize != tt.maxSize {
			t.Errorf("source %s: mirror_files %v, mirror_dir %q, max_file_size %d; want %v, %q, %d",
				s.Name, s.MirrorFiles, s.MirrorDir, s.MaxFileSize, tt.mirror, tt.dir, tt.maxSize)
		}
	}

	// A configuration named by a relative path: relative to the working
	// directory, as the file is.
	cfg, err = Parse("c.yaml", []byte("sources:\n  - name: a\n    start_urls: [http://a.example/]\n    mirror_files: true\n    mirror_dir: files\n"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := filepath.Abs("files")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Sources[0]; got.MirrorDir != want || got.MaxFileSize != DefaultMaxFileSize {
		t.Errorf("mirror_dir %q, max_file_size %d; want %q, %d", got.MirrorDir, got.MaxFileSize, want, int64(DefaultMaxFileSize))
	}
}

// TestCheckLinks: download links are checked unless a source says
// check_links: false.
func TestCheckLinks(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		skip bool
	}{
		{"", false},
		{"    check_links: true\n", false},
		{"    check_links: false\n", true},
	} {
		path := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(path, []byte("sources:\n  - name: a\n    start_urls: [http://a.example/]\n"+tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path)
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if got := cfg.Sources[0].NoLinkCheck; got != tc.skip {
			t.Errorf("%q: NoLinkCheck = %v, want %v", tc.yaml, got, tc.skip)
		}
	}
}
