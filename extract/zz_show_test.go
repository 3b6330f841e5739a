package extract

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestZZShow(t *testing.T) {
	names := strings.Fields(os.Getenv("SHOW"))
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", n+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var g Golden
		json.Unmarshal(b, &g)
		body, _ := os.ReadFile(filepath.Join("testdata", n+".html"))
		res, err := Page(g.URL, body, g.ContentType, Rules{})
		if err != nil {
			t.Fatal(err)
		}
		got := GoldenOf(g.URL, g.ContentType, res)
		fmt.Println("==", n, got.Kind, got.Reason)
		if got.Publication != nil {
			p := got.Publication
			full := os.Getenv("FULL") != ""
			show := func(k string, v any) { bb, _ := json.Marshal(v); fmt.Printf("  %-10s %s\n", k, bb) }
			if full {
				show("title", p.Title)
				show("summary", p.Summary)
				show("cats", p.Categories)
				show("tags", p.Tags)
				show("downloads", p.Downloads)
				show("publisher", p.Publisher)
				show("published", p.Published)
				show("language", p.Language)
			}
			show("authors", p.Authors)
			show("image", p.Image)
			show("site_name", p.SiteName)
			show("type", p.Type)
			show("sources", got.Sources)
		}
		if os.Getenv("NOISE") != "" {
			fmt.Println("  noise", got.Noise)
		}
	}
}
