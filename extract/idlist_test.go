package extract

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

func TestIsIdentifierRun(t *testing.T) {
	tests := []struct {
		tokens []string
		want   bool
	}{
		{[]string{"post", "page", "attachment", "revision", "nav_menu_item", "custom_css"}, true},
		{[]string{"product", "shop_order", "shop_coupon", "tribe_events"}, true},
		{[]string{"acf-field", "acf-field-group", "mec-events", "give_forms"}, true},
		{[]string{"post", "page", "nav_menu_item"}, false},                                         // too short
		{[]string{"health", "labour", "migration", "children", "gender"}, false},                   // plain words
		{[]string{"health", "labour", "migration", "children", "gender", "wp_block"}, false},       // one joined token in six
		{[]string{"post", "page", "Attachment", "nav_menu_item"}, false},                           // capitalised
		{[]string{"post", "page", "forced labour", "nav_menu_item"}, false},                        // two words
		{[]string{"event", "event_series", "faq", "testimonial", "team_member", "resource"}, true}, // two of six joined
	}
	for _, tt := range tests {
		if got := isIdentifierRun(tt.tokens); got != tt.want {
			t.Errorf("isIdentifierRun(%q) = %v, want %v", tt.tokens, got, tt.want)
		}
	}
}

// TestStripIdentifierLists checks each way a leaked list is rendered, and
// lists of ordinary words that must stay.
func TestStripIdentifierLists(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // the body's text afterwards
		lines      int
	}{
		{
			"paragraphs",
			"<p>Intro text.</p><p>post</p><p>page</p><p>attachment</p><p>nav_menu_item</p><p>wp_block</p><p>Outro.</p>",
			"Intro text. Outro.", 5,
		},
		{
			"br block after text",
			"<p>Intro text.<br>post<br>page<br>\nwp_template<br>wp_template_part<br>acf-field</p>",
			"Intro text.", 5,
		},
		{
			"newlines in one text node",
			"<div>\nproduct\nproduct_variation\n\nshop_order\nshop_coupon\n</div><p>Kept.</p>",
			"Kept.", 4,
		},
		{
			"spans",
			"<div><span>tribe_events</span>\n<span>tribe_venue</span> <span>tribe_organizer</span>\n<span>elementor_library</span></div>",
			"", 4,
		},
		{
			"list items",
			"<ul><li>event</li><li>event_series</li><li>mec-events</li><li>faq</li></ul><p>After.</p>",
			"After.", 4,
		},
		{
			"divs holding paragraphs",
			"<div><p>post</p></div><div><p>page</p></div><div><p>user_request</p></div><div><p>oembed_cache</p></div>",
			"", 4,
		},
		{
			"run broken by text",
			"<p>post</p><p>page</p><p>A real sentence sits here.</p><p>wp_block</p><p>wp_template</p>",
			"post page A real sentence sits here. wp_block wp_template", 0,
		},
		{
			"plain words",
			"<ul><li>health</li><li>labour</li><li>migration</li><li>children</li><li>gender</li></ul>",
			"health labour migration children gender", 0,
		},
		{
			"terms with capitals",
			"<p><a href='/t/a'>Forced-Labour</a> <a href='/t/b'>Child-Labour</a> <a href='/t/c'>Supply-Chains</a> <a href='/t/d'>Due-Diligence</a></p>",
			"Forced-Labour Child-Labour Supply-Chains Due-Diligence", 0,
		},
		{
			"three lines",
			"<p>nav_menu_item<br>wp_block<br>wp_template</p>",
			"nav_menu_item wp_block wp_template", 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := html.Parse(strings.NewReader("<html><body>" + tt.body + "</body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			var log noiseLog
			stripIdentifierLists(root, &log)
			if got := nodeText(findBody(goquery.NewDocumentFromNode(root)).Nodes[0]); got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
			if got := log.items[noiseIdentifiers]; got != tt.lines {
				t.Errorf("lines removed = %d, want %d", got, tt.lines)
			}
		})
	}
}
