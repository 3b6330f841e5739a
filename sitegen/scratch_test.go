package sitegen_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"harvest/demosite"
	"harvest/extract"
)

func TestScratchDemo(t *testing.T) {
	srv := httptest.NewServer(demosite.Handler())
	defer srv.Close()
	for _, e := range demosite.Truth() {
		resp, err := http.Get(srv.URL + e.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		res, err := extract.Page(srv.URL+e.URL, b, resp.Header.Get("Content-Type"), extract.Rules{})
		if err != nil {
			t.Fatal(err)
		}
		p := res.Publication
		bad := ""
		if p.Title != e.Title { bad += " title:" + p.Title }
		if p.Summary != e.Summary { bad += " summary:" + p.Summary }
		if !slices.Equal(p.Categories, e.Categories) { bad += " cats" }
		if !slices.Equal(p.Tags, e.Tags) { bad += " tags" }
		if p.Publisher != e.Publisher { bad += " publisher:" + p.Publisher }
		if p.Published != e.Published { bad += " published:" + p.Published + " want " + e.Published }
		if len(p.Downloads) != len(e.Downloads) { bad += " downloads" }
		if bad != "" { t.Logf("%s %v:%s", e.URL, res.Kind, bad) }
	}
}
