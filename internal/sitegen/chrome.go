package sitegen

import (
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"strconv"
)

// chrome is the furniture every HTML page shares, for one base URL: the
// head up to the page's own metadata, the header and menus, and the
// sidebar, footer and scripts. Each part is kept raw and as deflate
// blocks ending in a sync flush, ready to be spliced into a gzip stream.
type chrome struct {
	base                 string
	key                  uint32 // mixed into ETags: the furniture differs per base
	head, header, footer part
}

// part is a piece of a response body. z, when set, is raw compressed
// into deflate blocks that end on a byte boundary and are not final; nil
// means compress on the fly.
type part struct {
	raw, z []byte
}

func staticPart(raw []byte) part {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		panic(err) // only for an invalid level
	}
	w.Write(raw)
	w.Flush()
	return part{raw: raw, z: b.Bytes()}
}

// maxChromes bounds the furniture cache: one entry per host name the site
// is reached by (tests and benchmarks use one).
const maxChromes = 16

// chrome returns the furniture for base, building it on first use.
func (s *Site) chrome(base string) *chrome {
	s.chromeMu.Lock()
	c, ok := s.chromes[base]
	s.chromeMu.Unlock()
	if ok {
		return c
	}
	c = s.buildChrome(base)
	s.chromeMu.Lock()
	if len(s.chromes) < maxChromes {
		if old, ok := s.chromes[base]; ok {
			c = old
		} else {
			s.chromes[base] = c
		}
	}
	s.chromeMu.Unlock()
	return c
}

func (s *Site) buildChrome(base string) *chrome {
	c := &chrome{base: base, key: crc32.ChecksumIEEE([]byte(base))}
	var p page
	writeHead(&p, base)
	c.head = staticPart(p.b)
	p = page{}
	s.writeHeader(&p, base)
	c.header = staticPart(p.b)
	p = page{}
	s.writeFooter(&p, base)
	c.footer = staticPart(p.b)
	return c
}

// The theme's palette, type scale and spacing, as WordPress prints them
// in its global-styles inline style.
var (
	palette = []struct{ name, hex string }{
		{"black", "#000000"}, {"cyan-bluish-gray", "#abb8c3"}, {"white", "#ffffff"}, {"pale-pink", "#f78da7"},
		{"vivid-red", "#cf2e2e"}, {"luminous-vivid-orange", "#ff6900"}, {"luminous-vivid-amber", "#fcb900"},
		{"light-green-cyan", "#7bdcb5"}, {"vivid-green-cyan", "#00d084"}, {"pale-cyan-blue", "#8ed1fc"},
		{"vivid-cyan-blue", "#0693e3"}, {"vivid-purple", "#9b51e0"}, {"primary", "#12355b"}, {"secondary", "#8a3b12"},
		{"tertiary", "#f4efe6"}, {"accent", "#d9a441"}, {"base", "#fbfaf7"}, {"contrast", "#1d1d1b"},
		{"muted", "#6b6b66"}, {"border", "#dcd7cc"},
	}
	gradients = []struct{ name, css string }{
		{"vivid-cyan-blue-to-vivid-purple", "linear-gradient(135deg,rgba(6,147,227,1) 0%,rgb(155,81,224) 100%)"},
		{"light-green-cyan-to-vivid-green-cyan", "linear-gradient(135deg,rgb(122,220,180) 0%,rgb(0,208,130) 100%)"},
		{"luminous-vivid-amber-to-luminous-vivid-orange", "linear-gradient(135deg,rgba(252,185,0,1) 0%,rgba(255,105,0,1) 100%)"},
		{"luminous-vivid-orange-to-vivid-red", "linear-gradient(135deg,rgba(255,105,0,1) 0%,rgb(207,46,46) 100%)"},
		{"very-light-gray-to-cyan-bluish-gray", "linear-gradient(135deg,rgb(238,238,238) 0%,rgb(169,184,195) 100%)"},
		{"cool-to-warm-spectrum", "linear-gradient(135deg,rgb(74,234,220) 0%,rgb(151,120,209) 20%,rgb(207,42,186) 40%,rgb(238,44,130) 60%,rgb(251,105,98) 80%,rgb(254,248,76) 100%)"},
		{"blush-light-purple", "linear-gradient(135deg,rgb(255,206,236) 0%,rgb(152,150,240) 100%)"},
		{"blush-bordeaux", "linear-gradient(135deg,rgb(254,205,165) 0%,rgb(254,45,45) 50%,rgb(107,0,62) 100%)"},
		{"luminous-dusk", "linear-gradient(135deg,rgb(255,203,112) 0%,rgb(199,81,192) 50%,rgb(65,88,208) 100%)"},
		{"pale-ocean", "linear-gradient(135deg,rgb(255,245,203) 0%,rgb(182,227,212) 50%,rgb(51,167,181) 100%)"},
		{"electric-grass", "linear-gradient(135deg,rgb(202,248,128) 0%,rgb(113,206,126) 100%)"},
		{"midnight", "linear-gradient(135deg,rgb(2,3,129) 0%,rgb(40,116,252) 100%)"},
	}
	fontSizes = []struct{ name, size string }{
		{"small", "13px"}, {"medium", "20px"}, {"large", "36px"}, {"x-large", "42px"}, {"xx-large", "clamp(2.5rem, 4vw, 3.25rem)"},
	}
	fontFamilies = []struct{ name, stack string }{
		{"system-sans", "-apple-system, BlinkMacSystemFont, \"Segoe UI\", Roboto, Oxygen-Sans, Ubuntu, Cantarell, \"Helvetica Neue\", sans-serif"},
		{"source-serif", "\"Source Serif 4\", Georgia, \"Times New Roman\", serif"},
		{"mono", "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"},
	}
)

// writeHead writes the start of every page's head: charset, viewport,
// stylesheets, the global-styles and theme inline styles and the inline
// scripts of the plugins. The page's title and metadata follow.
func writeHead(p *page, base string) {
	p.s("<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<meta charset=\"UTF-8\">\n")
	p.s("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<link rel=\"profile\" href=\"https://gmpg.org/xfn/11\">\n")
	p.s("<link rel=\"dns-prefetch\" href=\"//fonts.googleapis.com\">\n<link rel=\"dns-prefetch\" href=\"//stats.wp.com\">\n")
	fmt.Fprintf(p, "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"%s &raquo; Feed\" href=\"%s/feed/\">\n", siteName, base)
	styles := []struct{ id, href string }{
		{"wp-block-library", "/wp-includes/css/dist/block-library/style.min.css?ver=6.5.3"},
		{"classic-theme-styles", "/wp-includes/css/classic-themes.min.css?ver=6.5.3"},
		{"contact-form-7", "/wp-content/plugins/contact-form-7/includes/css/styles.css?ver=5.9.5"},
		{"cookie-notice-front", "/wp-content/plugins/cookie-notice/css/front.min.css?ver=2.4.16"},
		{"ai1ec-calendar", "/wp-content/plugins/all-in-one-event-calendar/public/themes-ai1ec/vortex/css/ai1ec_parsed_css.css?ver=3.0.0"},
		{"jetpack-sharing", "/wp-content/plugins/jetpack/modules/sharedaddy/sharing.css?ver=13.4"},
		{"northstar-fonts", "/wp-content/themes/northstar/assets/fonts/fonts.css?ver=2.1.0"},
		{"northstar-style", "/wp-content/themes/northstar/style.css?ver=2.1.0"},
		{"northstar-print", "/wp-content/themes/northstar/assets/css/print.css?ver=2.1.0"},
	}
	for _, st := range styles {
		fmt.Fprintf(p, "<link rel=\"stylesheet\" id=\"%s-css\" href=\"%s%s\" media=\"all\">\n", st.id, base, st.href)
	}
	p.s("<style id=\"global-styles-inline-css\">\nbody{")
	for _, c := range palette {
		fmt.Fprintf(p, "--wp--preset--color--%s: %s;", c.name, c.hex)
	}
	for _, g := range gradients {
		fmt.Fprintf(p, "--wp--preset--gradient--%s: %s;", g.name, g.css)
	}
	for _, f := range fontSizes {
		fmt.Fprintf(p, "--wp--preset--font-size--%s: %s;", f.name, f.size)
	}
	for _, f := range fontFamilies {
		fmt.Fprintf(p, "--wp--preset--font-family--%s: %s;", f.name, f.stack)
	}
	for k := 2; k <= 8; k++ {
		fmt.Fprintf(p, "--wp--preset--spacing--%d0: %.2frem;", k, 0.22*float64(k*k)/2)
	}
	p.s("--wp--preset--shadow--natural: 6px 6px 9px rgba(0, 0, 0, 0.2);--wp--preset--shadow--deep: 12px 12px 50px rgba(0, 0, 0, 0.4);--wp--preset--shadow--sharp: 6px 6px 0px rgba(0, 0, 0, 0.2);--wp--preset--shadow--outlined: 6px 6px 0px -3px rgba(255, 255, 255, 1), 6px 6px rgba(0, 0, 0, 1);--wp--preset--shadow--crisp: 6px 6px 0px rgba(0, 0, 0, 1);}\n")
	p.s(":where(.is-layout-flex){gap: 0.5em;}:where(.is-layout-grid){gap: 0.5em;}body .is-layout-flex{display: flex;}.is-layout-flex{flex-wrap: wrap;align-items: center;}.is-layout-flex > :is(*, div){margin: 0;}body .is-layout-grid{display: grid;}.is-layout-grid > :is(*, div){margin: 0;}:where(.wp-block-columns.is-layout-flex){gap: 2em;}:where(.wp-block-columns.is-layout-grid){gap: 2em;}:where(.wp-block-post-template.is-layout-flex){gap: 1.25em;}:where(.wp-block-post-template.is-layout-grid){gap: 1.25em;}\n")
	for _, prop := range []struct{ class, css string }{{"color", "color"}, {"background-color", "background-color"}} {
		for _, c := range palette {
			fmt.Fprintf(p, ".has-%s-%s{%s: var(--wp--preset--color--%s) !important;}", c.name, prop.class, prop.css, c.name)
		}
		p.s("\n")
	}
	for _, g := range gradients {
		fmt.Fprintf(p, ".has-%s-gradient-background{background: var(--wp--preset--gradient--%s) !important;}", g.name, g.name)
	}
	p.s("\n")
	for _, f := range fontSizes {
		fmt.Fprintf(p, ".has-%s-font-size{font-size: var(--wp--preset--font-size--%s) !important;}", f.name, f.name)
	}
	for _, f := range fontFamilies {
		fmt.Fprintf(p, ".has-%s-font-family{font-family: var(--wp--preset--font-family--%s) !important;}", f.name, f.name)
	}
	p.s("\n.wp-block-navigation a:where(:not(.wp-element-button)){color: inherit;}\n:where(.wp-block-post-template.is-layout-flex){gap: 1.25em;}:where(.wp-block-post-template.is-layout-grid){gap: 1.25em;}\n.wp-block-pullquote{font-size: 1.5em;line-height: 1.6;}\n</style>\n")
	p.s("<style id=\"northstar-style-inline-css\">\n")
	for k, c := range palette[12:14] {
		fmt.Fprintf(p, ".ns-theme-%d .site-header{background-color:%s;border-bottom:3px solid var(--wp--preset--color--accent);}", k, c.hex)
		fmt.Fprintf(p, ".ns-theme-%d .resource-type{color:%s;}", k, c.hex)
		fmt.Fprintf(p, ".ns-theme-%d .button,.ns-theme-%d .read-more{background:%s;color:#fff;border-radius:2px;padding:.2em .6em;}\n", k, k, c.hex)
	}
	p.s("\n@media (max-width: 782px){.site-content{flex-direction:column;}.widget-area{order:2;}.main-navigation .sub-menu{position:static;box-shadow:none;}.menu-toggle{display:block;}}\n")
	p.s("@media print{.site-header,.site-footer,.widget-area,.sharedaddy,#cookie-notice,.related-resources{display:none !important;}}\n")
	p.s(".screen-reader-text{border:0;clip:rect(1px,1px,1px,1px);clip-path:inset(50%);height:1px;margin:-1px;overflow:hidden;padding:0;position:absolute !important;width:1px;word-wrap:normal !important;}\n")
	p.s("</style>\n")
	p.s("<script>\nwindow._wpemojiSettings = {\"baseUrl\":\"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/72x72\\/\",\"ext\":\".png\",\"svgUrl\":\"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/svg\\/\",\"svgExt\":\".svg\",\"source\":{\"concatemoji\":\"")
	p.s(jsURL(base + "/wp-includes/js/wp-emoji-release.min.js?ver=6.5.3"))
	p.s("\"}};\n")
	p.s(emojiLoader)
	p.s("</script>\n")
	p.s("<script id=\"exactmetrics-frontend-script-js-extra\">\nvar exactmetrics_frontend = {\"js_events_tracking\":\"true\",\"download_extensions\":\"doc,pdf,ppt,zip,xls,docx,pptx,xlsx\",\"inbound_paths\":\"[{\\\"path\\\":\\\"\\\\/go\\\\/\\\",\\\"label\\\":\\\"affiliate\\\"},{\\\"path\\\":\\\"\\\\/recommend\\\\/\\\",\\\"label\\\":\\\"affiliate\\\"}]\",\"home_url\":\"")
	p.s(jsURL(base))
	p.s("\",\"hash_tracking\":\"false\",\"v4_id\":\"G-7Q2NSX4LKE\"};\n</script>\n")
	fmt.Fprintf(p, "<script src=\"%s/wp-includes/js/jquery/jquery.min.js?ver=3.7.1\" id=\"jquery-core-js\"></script>\n", base)
	fmt.Fprintf(p, "<script src=\"%s/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1\" id=\"jquery-migrate-js\"></script>\n", base)
	fmt.Fprintf(p, "<script src=\"%s/wp-content/plugins/google-analytics-dashboard-for-wp/assets/js/frontend-gtag.min.js?ver=8.1.0\" id=\"exactmetrics-frontend-script-js\" async data-wp-strategy=\"async\"></script>\n", base)
	p.s("<script>\nvar ai1ec_config = {\"calendar_url\":\"")
	p.s(jsURL(base + "/events/"))
	p.s("\",\"week_start_day\":\"1\",\"month_word_wrap\":\"\",\"agenda_reveal_on_hover\":\"\",\"language\":\"en-US\",\"ajax_url\":\"")
	p.s(jsURL(base + "/wp-admin/admin-ajax.php"))
	p.s("\"};\nvar wpcf7 = {\"api\":{\"root\":\"")
	p.s(jsURL(base + "/wp-json/"))
	p.s("\",\"namespace\":\"contact-form-7\\/v1\"}};\n</script>\n")
	fmt.Fprintf(p, "<link rel=\"https://api.w.org/\" href=\"%s/wp-json/\">\n<meta name=\"generator\" content=\"WordPress 6.5.3\">\n", base)
	p.s("<style>.recentcomments a{display:inline !important;padding:0 !important;margin:0 !important;}</style>\n")
	fmt.Fprintf(p, "<link rel=\"icon\" href=\"%s/wp-content/uploads/2019/03/cropped-northstar-icon-32x32.png\" sizes=\"32x32\">\n", base)
	fmt.Fprintf(p, "<link rel=\"icon\" href=\"%s/wp-content/uploads/2019/03/cropped-northstar-icon-192x192.png\" sizes=\"192x192\">\n", base)
	fmt.Fprintf(p, "<link rel=\"apple-touch-icon\" href=\"%s/wp-content/uploads/2019/03/cropped-northstar-icon-180x180.png\">\n", base)
}

// Write lets fmt.Fprintf write into a page.
func (p *page) Write(b []byte) (int, error) {
	p.b = append(p.b, b...)
	return len(b), nil
}

// jsURL escapes slashes the way wp_json_encode does.
func jsURL(u string) string {
	var b bytes.Buffer
	for i := 0; i < len(u); i++ {
		if u[i] == '/' {
			b.WriteByte('\\')
		}
		b.WriteByte(u[i])
	}
	return b.String()
}

// emojiLoader is a small loader in the manner of WordPress's emoji
// detection script (written for this generator).
const emojiLoader = `/*! This file is auto-generated */
!function(d,w,s){var f=d.createElement("canvas"),c=f.getContext&&f.getContext("2d"),t=String.fromCharCode;function p(e,a){c.clearRect(0,0,f.width,f.height);c.fillText(e,0,0);e=f.toDataURL();c.clearRect(0,0,f.width,f.height);c.fillText(a,0,0);return e===f.toDataURL()}function u(e){if(!c||!c.fillText)return!1;c.textBaseline="top";c.font="600 32px Arial";switch(e){case"flag":return!p("\ud83c\udff3\ufe0f\u200d\u26a7\ufe0f","\ud83c\udff3\ufe0f\u200b\u26a7\ufe0f")&&!p("\ud83c\uddfa\ud83c\uddf3","\ud83c\uddfa\u200b\ud83c\uddf3");case"emoji":return!p("\ud83d\udc26\u200d\u2b1b","\ud83d\udc26\u200b\u2b1b")}return!1}function l(e){var a=d.createElement("script");a.src=e;a.defer=!0;d.head.appendChild(a)}s.supports={everything:!0,everythingExceptFlag:!0};["flag","emoji"].forEach(function(e){s.supports[e]=u(e);s.supports.everything=s.supports.everything&&s.supports[e];"flag"!==e&&(s.supports.everythingExceptFlag=s.supports.everythingExceptFlag&&s.supports[e])});s.supports.everythingExceptFlag=s.supports.everythingExceptFlag&&!s.supports.flag;s.DOMReady=!1;s.readyCallback=function(){s.DOMReady=!0};s.supports.everything||(s.readyCallback(),s.source&&(s.source.concatemoji?l(s.source.concatemoji):s.source.wpemoji&&s.source.twemoji&&(l(s.source.twemoji),l(s.source.wpemoji))))}(document,window,window._wpemojiSettings);
`

// typeSlugs and tagSlugs are the terms' slugs, in the order of their names.
var (
	typeSlugs = slugsOf(typeNames)
	tagSlugs  = slugsOf(tagNames)
)

func slugsOf(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = slugify(n)
	}
	return out
}

// typeID and tagID are the WordPress term IDs of the site's taxonomies.
func typeID(t int) int { return 3 + t }
func tagID(t int) int  { return 20 + t }

// writeHeader writes the skip link, the site header with the main menu
// and the search form, and opens the content area.
func (s *Site) writeHeader(p *page, base string) {
	p.s("<div id=\"page\" class=\"site\">\n<a class=\"skip-link screen-reader-text\" href=\"#primary\">Skip to content</a>\n")
	p.s("<div class=\"top-bar\"><div class=\"top-bar__inner\"><span class=\"top-bar__contact\">Questions? <a href=\"mailto:info@northstar.example\">info@northstar.example</a> · +44 20 7946 0321</span>")
	p.s("</div></div>\n")
	p.s("<header id=\"masthead\" class=\"site-header\">\n\t<div class=\"site-branding\">\n")
	fmt.Fprintf(p, "\t\t<a href=\"%s/\" class=\"custom-logo-link\" rel=\"home\"><img width=\"240\" height=\"64\" src=\"%s/wp-content/uploads/2019/03/northstar-logo.svg\" class=\"custom-logo\" alt=\"%s\" decoding=\"async\"></a>\n", base, base, siteName)
	fmt.Fprintf(p, "\t\t<p class=\"site-title\"><a href=\"%s/\" rel=\"home\">%s</a></p>\n\t\t<p class=\"site-description\">%s</p>\n\t</div>\n", base, siteName, siteTagline)
	{
		const id = "site-navigation"
		fmt.Fprintf(p, "\t<nav id=\"%s\" class=\"main-navigation\" aria-label=\"Primary menu\">\n", id)
		fmt.Fprintf(p, "\t\t<button class=\"menu-toggle\" aria-controls=\"%s-menu\" aria-expanded=\"false\"><svg class=\"icon icon-menu\" aria-hidden=\"true\" viewBox=\"0 0 24 24\"><path d=\"M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z\"/></svg><span>Menu</span></button>\n", id)
		fmt.Fprintf(p, "\t\t<ul id=\"%s-menu\" class=\"menu nav-menu\">\n", id)
		item := 101
		li := func(href, text string, sub func()) {
			cls := "menu-item menu-item-type-post_type menu-item-object-page"
			if sub != nil {
				cls += " menu-item-has-children"
			}
			fmt.Fprintf(p, "\t\t\t<li id=\"menu-item-%d\" class=\"%s menu-item-%d\"><a href=\"%s%s\">%s</a>", item, cls, item, base, href, text)
			item++
			if sub != nil {
				p.s("\n\t\t\t\t<ul class=\"sub-menu\">\n")
				sub()
				p.s("\t\t\t\t</ul>\n\t\t\t")
			}
			p.s("</li>\n")
		}
		subLi := func(href, text string) {
			fmt.Fprintf(p, "\t\t\t\t\t<li id=\"menu-item-%d\" class=\"menu-item menu-item-type-taxonomy menu-item-%d\"><a href=\"%s%s\">%s</a></li>\n", item, item, base, href, text)
			item++
		}
		li("/", "Home", nil)
		li("/resources/", "Resources", func() {
			subLi("/resources/", "All resources")
			for t, name := range typeNames {
				subLi("/resource-type/"+slugify(name)+"/", typeNames[t])
			}
		})
		li("/tag/supply-chains/", "Topics", func() {
			for t := gSupplyChains; t < len(tagNames); t++ {
				subLi("/tag/"+tagSlugs[t]+"/", tagNames[t])
			}
		})
		li("/tag/global/", "Regions", func() {
			for t := gGlobal; t < gSupplyChains; t++ {
				subLi("/tag/"+tagSlugs[t]+"/", tagNames[t])
			}
		})
		li("/events/", "Events", nil)
		li("/about/", "About", func() {
			subLi("/about/", "About the network")
			subLi("/about/members/", "Our members")
			subLi("/newsletter/", "Newsletter")
		})
		li("/contact/", "Contact", nil)
		p.s("\t\t</ul>\n\t</nav>\n")
	}
	fmt.Fprintf(p, "\t<form role=\"search\" method=\"get\" class=\"search-form\" action=\"%s/\">\n\t\t<label><span class=\"screen-reader-text\">Search for:</span>\n\t\t<input type=\"search\" class=\"search-field\" placeholder=\"Search …\" value=\"\" name=\"s\"></label>\n\t\t<button type=\"submit\" class=\"search-submit\"><svg class=\"icon icon-search\" aria-hidden=\"true\" viewBox=\"0 0 24 24\"><path d=\"M10 2a8 8 0 0 1 6.32 12.9l5.39 5.4-1.41 1.41-5.4-5.39A8 8 0 1 1 10 2zm0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12z\"/></svg><span class=\"screen-reader-text\">Search</span></button>\n\t</form>\n", base)
	p.s("</header>\n\n<div id=\"content\" class=\"site-content\">\n<div id=\"primary\" class=\"content-area\">\n<main id=\"main\" class=\"site-main\">\n")
}

// socialIcons are the footer's profile links; their icons come from the
// theme's SVG sprite.
var socialIcons = []struct{ name, href string }{
	{"LinkedIn", "https://www.linkedin.com/company/northstar-network-example"},
	{"X", "https://x.com/northstar_example"},
	{"YouTube", "https://www.youtube.com/@northstar-example"},
	{"Facebook", "https://www.facebook.com/northstar.example"},
}

func writeSocial(p *page) {
	for _, sc := range socialIcons {
		fmt.Fprintf(p, "<li class=\"social-%s\"><a href=\"%s\" target=\"_blank\" rel=\"noopener\"><svg class=\"icon\" aria-hidden=\"true\"><use href=\"#icon-%s\"></use></svg><span class=\"screen-reader-text\">%s</span></a></li>", slugify(sc.name), sc.href, slugify(sc.name), sc.name)
	}
}

// writeFooter closes the content area and writes the sidebar widgets,
// the footer, the cookie banner and the scripts at the end of the body.
func (s *Site) writeFooter(p *page, base string) {
	p.s("</main>\n</div>\n\n<aside id=\"secondary\" class=\"widget-area\" aria-label=\"Sidebar\">\n")
	fmt.Fprintf(p, "\t<section id=\"search-2\" class=\"widget widget_search\"><form role=\"search\" method=\"get\" class=\"search-form\" action=\"%s/\"><label><span class=\"screen-reader-text\">Search for:</span><input type=\"search\" class=\"search-field\" placeholder=\"Search resources …\" value=\"\" name=\"s\"></label><input type=\"submit\" class=\"search-submit\" value=\"Search\"></form></section>\n", base)
	p.s("\t<section id=\"categories-2\" class=\"widget widget_categories\">\n\t\t<h2 class=\"widget-title\">Resource types</h2>\n\t\t<ul>\n")
	for t, name := range typeNames {
		fmt.Fprintf(p, "\t\t\t<li class=\"cat-item cat-item-%d\"><a href=\"%s/resource-type/%s/\">%s</a> (%s)</li>\n", typeID(t), base, slugify(name), name, thousands(s.typeCount[t]))
	}
	p.s("\t\t</ul>\n\t</section>\n")
	p.s("\t<section id=\"tag_cloud-2\" class=\"widget widget_tag_cloud\">\n\t\t<h2 class=\"widget-title\">Popular tags</h2>\n\t\t<div class=\"tagcloud\">")
	lo, hi := -1, 0
	for _, n := range s.tagCount {
		if lo < 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	for t, name := range tagNames {
		n := s.tagCount[t]
		size := 8.0
		if hi > lo {
			size += 14 * float64(n-lo) / float64(hi-lo)
		}
		items := "items"
		if n == 1 {
			items = "item"
		}
		fmt.Fprintf(p, "<a href=\"%s/tag/%s/\" class=\"tag-cloud-link tag-link-%d tag-link-position-%d\" style=\"font-size: %spt;\" aria-label=\"%s (%s %s)\">%s</a>\n\t\t", base, slugify(name), tagID(t), t+1, strconv.FormatFloat(size, 'f', 3, 64), name, thousands(n), items, name)
	}
	p.s("</div>\n\t</section>\n")
	fmt.Fprintf(p, "\t<section id=\"ai1ec_agenda_widget-2\" class=\"widget widget_ai1ec_agenda_widget\">\n\t\t<h2 class=\"widget-title\">Upcoming events</h2>\n\t\t<div class=\"timely ai1ec-agenda-widget-view ai1ec-clearfix\"><p class=\"ai1ec-no-results\">There are no upcoming events.</p><div class=\"ai1ec-subscribe-buttons-widget\"><a class=\"ai1ec-btn ai1ec-btn-default ai1ec-btn-xs ai1ec-pull-right ai1ec-calendar-link\" href=\"%s/events/\">View Calendar <i class=\"ai1ec-fa ai1ec-fa-arrow-right\"></i></a></div></div>\n\t</section>\n", base)
	fmt.Fprintf(p, "\t<section id=\"mc4wp_form_widget-2\" class=\"widget widget_mc4wp_form_widget\">\n\t\t<h2 class=\"widget-title\">Stay informed</h2>\n\t\t<form id=\"mc4wp-form-1\" class=\"mc4wp-form mc4wp-form-412\" method=\"post\" data-id=\"412\" data-name=\"Newsletter\"><div class=\"mc4wp-form-fields\"><p>Monthly news on guidance, tools and events from the network and its partners.</p><p><label for=\"mc4wp-email\">Email address</label><input id=\"mc4wp-email\" type=\"email\" name=\"EMAIL\" placeholder=\"you@company.example\" required></p><p><label><input name=\"AGREE_TO_TERMS\" type=\"checkbox\" value=\"1\" required> I have read and agree to the <a href=\"%s/privacy-policy/\">privacy policy</a></label></p><p><input type=\"submit\" value=\"Sign up\"></p></div><label style=\"display: none !important;\">Leave this field empty if you're human: <input type=\"text\" name=\"_mc4wp_honeypot\" value=\"\" tabindex=\"-1\" autocomplete=\"off\"></label><input type=\"hidden\" name=\"_mc4wp_timestamp\" value=\"1717200000\"><input type=\"hidden\" name=\"_mc4wp_form_id\" value=\"412\"><input type=\"hidden\" name=\"_mc4wp_form_element_id\" value=\"mc4wp-form-1\"><div class=\"mc4wp-response\"></div></form>\n\t</section>\n", base)
	p.s("\t<section id=\"text-3\" class=\"widget widget_text\">\n\t\t<h2 class=\"widget-title\">About the network</h2>\n\t\t<div class=\"textwidget\"><p>The " + siteFullName + " brings together companies, investors and expert organisations to prevent, detect and remedy forced labour in their operations and supply chains. Members share guidance, tools and lessons learned, and work with trade unions and civil society on solutions that put workers first.</p>\n")
	fmt.Fprintf(p, "<p><a href=\"%s/about/members/\">See our members</a></p></div>\n\t</section>\n</aside>\n</div>\n\n", base)

	p.s("<footer id=\"colophon\" class=\"site-footer\">\n\t<div class=\"footer-widgets\">\n")
	cols := []struct {
		title string
		links [][2]string
	}{
		{"The network", [][2]string{{"/about/", "About us"}, {"/about/members/", "Members"}, {"/events/", "Events"}, {"/newsletter/", "Newsletter"}, {"/contact/", "Contact"}}},
		{"Resources", nil},
		{"Legal", [][2]string{{"/privacy-policy/", "Privacy policy"}, {"/cookie-policy/", "Cookie policy"}, {"/feed/", "RSS feed"}}},
	}
	for t := range typeNames {
		cols[1].links = append(cols[1].links, [2]string{"/resource-type/" + typeSlugs[t] + "/", typeNames[t]})
	}
	for k, col := range cols {
		fmt.Fprintf(p, "\t\t<section id=\"nav_menu-%d\" class=\"widget widget_nav_menu\"><h2 class=\"widget-title\">%s</h2><div class=\"menu-footer-%d-container\"><ul class=\"menu\">\n", k+2, col.title, k+1)
		for _, l := range col.links {
			fmt.Fprintf(p, "\t\t\t<li class=\"menu-item\"><a href=\"%s%s\">%s</a></li>\n", base, l[0], l[1])
		}
		p.s("\t\t</ul></div></section>\n")
	}
	p.s("\t</div>\n\t<div class=\"footer-contact\"><address>" + siteFullName + "<br>Unit 4, 18 Harbour Row<br>London EC2A 4XX<br>United Kingdom</address><p>Registered charity no. 1190000. Company limited by guarantee no. 11900000.</p></div>\n")
	p.s("\t<ul class=\"footer-social\">")
	writeSocial(p)
	p.s("</ul>\n")
	fmt.Fprintf(p, "\t<div class=\"site-info\">© 2017–2024 %s. All rights reserved. Content licensed under <a href=\"https://creativecommons.org/licenses/by/4.0/\" rel=\"license\">CC BY 4.0</a> unless stated otherwise.</div>\n</footer>\n</div>\n\n", siteFullName)

	fmt.Fprintf(p, "<div id=\"cookie-notice\" role=\"dialog\" class=\"cookie-notice-hidden cookie-revoke-hidden cn-position-bottom\" aria-label=\"Cookie Notice\" style=\"background-color: rgba(18,53,91,1);\"><div class=\"cookie-notice-container\" style=\"color: #fff\"><span id=\"cn-notice-text\" class=\"cn-text-container\">We use cookies to give you the best experience on our website. If you continue to use this site we will assume that you are happy with it.</span><span id=\"cn-notice-buttons\" class=\"cn-buttons-container\"><a href=\"#\" id=\"cn-accept-cookie\" data-cookie-set=\"accept\" class=\"cn-set-cookie cn-button\" aria-label=\"Ok\" style=\"background-color: #d9a441\">Ok</a><a href=\"#\" id=\"cn-refuse-cookie\" data-cookie-set=\"refuse\" class=\"cn-set-cookie cn-button\" aria-label=\"No\" style=\"background-color: #d9a441\">No</a><a href=\"%s/cookie-policy/\" target=\"_blank\" id=\"cn-more-info\" class=\"cn-more-info cn-button\" aria-label=\"Cookie policy\" style=\"background-color: #d9a441\">Cookie policy</a></span><span id=\"cn-close-notice\" data-cookie-set=\"accept\" class=\"cn-close-icon\" title=\"No\"></span></div></div>\n", base)
	p.s("<script id=\"cookie-notice-front-js-before\">\nvar cnArgs = {\"ajaxUrl\":\"")
	p.s(jsURL(base + "/wp-admin/admin-ajax.php"))
	p.s("\",\"nonce\":\"5d1f0c2a9b\",\"hideEffect\":\"fade\",\"position\":\"bottom\",\"onScroll\":false,\"onScrollOffset\":100,\"onClick\":false,\"cookieName\":\"cookie_notice_accepted\",\"cookieTime\":2592000,\"cookieTimeRejected\":2592000,\"globalCookie\":false,\"redirection\":false,\"cache\":true,\"revokeCookies\":false,\"revokeCookiesOpt\":\"automatic\"};\n</script>\n")
	p.s(cookieScript)
	p.s("<script id=\"sharing-js-js-extra\">\nvar sharing_js_options = {\"lang\":\"en\",\"counts\":\"1\",\"is_stats_active\":\"1\"};\n</script>\n")
	for _, src := range []string{
		"/wp-content/plugins/contact-form-7/includes/swv/js/index.js?ver=5.9.5",
		"/wp-content/plugins/contact-form-7/includes/js/index.js?ver=5.9.5",
		"/wp-content/themes/northstar/assets/js/navigation.js?ver=2.1.0",
		"/wp-content/themes/northstar/assets/js/skip-link-focus-fix.js?ver=2.1.0",
		"/wp-content/plugins/jetpack/_inc/build/sharedaddy/sharing.min.js?ver=13.4",
		"/wp-content/plugins/mailchimp-for-wp/assets/js/forms.js?ver=4.9.13",
		"/wp-includes/js/wp-embed.min.js?ver=6.5.3",
	} {
		fmt.Fprintf(p, "<script src=\"%s%s\" defer></script>\n", base, src)
	}
	p.s(navScript)
	p.s("</body>\n</html>\n")
}

const cookieScript = `<script>
(function () {
	var notice = document.getElementById("cookie-notice");
	function setCookie(value) {
		var expires = new Date();
		expires.setTime(expires.getTime() + (value === "true" ? cnArgs.cookieTime : cnArgs.cookieTimeRejected) * 1000);
		document.cookie = cnArgs.cookieName + "=" + value + ";expires=" + expires.toUTCString() + ";path=/" + (location.protocol === "https:" ? ";secure" : "");
	}
	if (document.cookie.indexOf(cnArgs.cookieName + "=") === -1) {
		notice.className = notice.className.replace("cookie-notice-hidden", "cookie-notice-visible");
	}
	Array.prototype.forEach.call(notice.querySelectorAll(".cn-set-cookie, .cn-close-icon"), function (el) {
		el.addEventListener("click", function (e) {
			e.preventDefault();
			setCookie(el.getAttribute("data-cookie-set") === "accept" ? "true" : "false");
			notice.className = notice.className.replace("cookie-notice-visible", "cookie-notice-hidden");
		});
	});
})();
</script>
`

const navScript = `<script>
(function () {
	var nav = document.getElementById("site-navigation");
	if (!nav) { return; }
	var button = nav.getElementsByTagName("button")[0];
	var menu = nav.getElementsByTagName("ul")[0];
	if (!button || !menu) { return; }
	button.addEventListener("click", function () {
		nav.classList.toggle("toggled");
		button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
	});
	document.addEventListener("click", function (event) {
		if (!nav.contains(event.target)) {
			nav.classList.remove("toggled");
			button.setAttribute("aria-expanded", "false");
		}
	});
	Array.prototype.forEach.call(menu.querySelectorAll(".menu-item-has-children > a"), function (link) {
		link.addEventListener("focus", function () { link.parentNode.classList.add("focus"); });
		link.addEventListener("blur", function () { link.parentNode.classList.remove("focus"); });
	});
})();
</script>
`

// thousands writes n with thousands separators, as WordPress's
// number_format_i18n does.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
