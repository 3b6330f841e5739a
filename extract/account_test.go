package extract

import (
	"fmt"
	"slices"
	"testing"
)

// TestPostingAccountIsNotAuthor: on a WordPress library page whose citation
// line names the publisher, the account that posted the page ("Resource
// Library Team", linked to /author/admin/) is not the item's author; a
// person in the same byline is. Expected values written by hand.
func TestPostingAccountIsNotAuthor(t *testing.T) {
	const page = `<!DOCTYPE html><html lang="en"><head><title>Fair Fees Checklist - Example Coalition</title></head>
<body class="post-template-default single single-post postid-12"><article class="post-12 post hentry">
<h1 class="entry-title">Fair Fees Checklist</h1>
<div class="entry-meta">Posted by <a href="https://lib.example.org/author/%s/" rel="author">%s</a></div>
<div class="entry-content"><p>This checklist helps buyers verify that workers in their supply chains paid no recruitment fees, with questions for suppliers and agencies at each step.</p>
<p>Fair Fees Checklist - Responsible Sourcing Network, 2021 <a href="https://lib.example.org/wp-content/uploads/fair-fees.pdf">DOWNLOAD</a></p>
</div></article></body></html>`
	for _, tt := range []struct {
		slug, byline string
		want         []string
	}{
		{"admin", "Resource Library Team", nil},
		{"webeditor", "Web Editor", nil},
		{"gwanjiru", "Grace Wanjiru", []string{"Grace Wanjiru"}},
	} {
		res, err := Page("https://lib.example.org/resource/fair-fees-checklist/", []byte(fmt.Sprintf(page, tt.slug, tt.byline)), "text/html; charset=utf-8", Rules{})
		if err != nil {
			t.Fatal(err)
		}
		p := res.Publication
		if p.Publisher != "Responsible Sourcing Network" {
			t.Fatalf("%s: publisher %q, want the citation line's", tt.byline, p.Publisher)
		}
		if !slices.Equal(p.Authors, tt.want) && !(len(p.Authors) == 0 && len(tt.want) == 0) {
			t.Errorf("byline %q: authors %q, want %q", tt.byline, p.Authors, tt.want)
		}
	}
}
