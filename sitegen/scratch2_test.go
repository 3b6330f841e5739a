package sitegen_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"harvest/demosite"
)

func TestScratchSize(t *testing.T) {
	srv := httptest.NewServer(demosite.Handler())
	defer srv.Close()
	for _, p := range []string{"/resource/fair-recruitment-roadmap/", "/resources/", "/resources/page/2/"} {
		resp, _ := http.Get(srv.URL + p)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("%s %d", p, len(b))
		os.WriteFile("/tmp/demo"+string(rune('a'+len(p)%26))+".html", b, 0o644)
	}
}
