package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds the loader arbitrary YAML: it returns a configuration
// or an error, never panics, and every error it returns names the file.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("..", "config.yaml")); err == nil {
		f.Add(data)
	}
	for _, s := range []string{
		"sources:\n  - name: a\n    start_urls: [http://a.example/]\n",
		"defaults:\n  delay: 1x\n",
		"sources:\n  - name: a\n    schedule: 'CRON_TZ='\n",
		"sources: [\n",
		"db: [1, 2]\n",
		"sources:\n  - name: a\n    start_urls: [http://a.example/]\n    selectors:\n      title: 'h1[['\n",
		"&a [*a]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err == nil {
			if cfg == nil {
				t.Fatal("Parse returned neither a configuration nor an error")
			}
			return
		}
		var ce *Error
		if !errors.As(err, &ce) || ce.File != "fuzz.yaml" {
			t.Fatalf("error %v does not name the file", err)
		}
	})
}
