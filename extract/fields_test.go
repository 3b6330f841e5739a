package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestStripSiteName(t *testing.T) {
	names := []string{"Example Institute", "Field Notes"}
	tests := []struct {
		title, host, heading, want string
	}{
		{"Pre-war - Post-war: Labour Migration | Example Institute", "", "", "Pre-war - Post-war: Labour Migration"},
		{"Example Institute | Annual Report 2021", "", "", "Annual Report 2021"},
		{"What We Found &#8211; Field Notes", "", "", "What We Found"},
		{"What We Found – Field Notes", "", "", "What We Found"},
		{"Trade-offs in Sourcing - A Global View", "", "", "Trade-offs in Sourcing - A Global View"},
		{"Report » Example Institute", "", "", "Report"},
		{"Report :: Example Institute", "", "", "Report"},
		{"Beratungsstelle :: Bericht", "", "", "Beratungsstelle :: Bericht"},
		{"Annual Report - Coalition Org", "www.coalition.org", "", "Annual Report"},
		{"Annual Report - Other Org", "coalition.org", "", "Annual Report - Other Org"},
		{"Annual Report | Unknown Site Name", "", "Annual Report", "Annual Report"},
		{"Annual Report - Part Two", "", "Annual Report - Part Two", "Annual Report - Part Two"},
		{"Example Institute", "", "", "Example Institute"},
	}
	for _, tt := range tests {
		if got := stripSiteName(tt.title, names, tt.host, tt.heading); got != tt.want {
			t.Errorf("stripSiteName(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

func TestTitle(t *testing.T) {
	tests := []struct {
		name, page, want, src string
	}{
		{"og:title", `<meta property="og:title" content="The Report – Site"><meta property="og:site_name" content="Site"><h1>The Report</h1>`, "The Report", sigOG},
		{"og:title is the site name", `<meta property="og:title" content="Site"><meta property="og:site_name" content="Site"><title>Site</title><h1 class="entry-title">The Report</h1>`, "The Report", sigHeading},
		{"og:title unrelated to heading", `<meta property="og:title" content="Welcome to our website"><h1>Wage Theft Survey</h1>`, "Wage Theft Survey", sigHeading},
		{"JSON-LD headline", `<script type="application/ld+json">{"@type":"Article","headline":"From JSON-LD"}</script><title>x</title>`, "From JSON-LD", sigJSONLD},
		{"citation_title first", `<meta name="citation_title" content="Exact Title: With Subtitle"><meta property="og:title" content="Exact Title"><h1>Exact Title: With Subtitle</h1>`, "Exact Title: With Subtitle", sigCitation},
		{"heading adds a subtitle", `<meta property="og:title" content="Exact Title"><h1>Exact Title: With Subtitle</h1>`, "Exact Title: With Subtitle", sigHeading},
		{"title tag", `<title>Only &amp; Title | Site</title><meta property="og:site_name" content="Site">`, "Only & Title", sigTitleTag},
		{"whitespace", "<h1>  Spread\n   over\tlines </h1>", "Spread over lines", sigHeading},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := html.Parse(strings.NewReader(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			r, err := newResolver("https://example.org/x/", root)
			if err != nil {
				t.Fatal(err)
			}
			f := newFields(r, readMeta(r.doc), Rules{}, findMainHeading(findBody(r.doc)))
			if got, src := f.title("example.org"); got != tt.want || src != tt.src {
				t.Errorf("title = %q from %s, want %q from %s", got, src, tt.want, tt.src)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := map[string]string{
		"2021-03-04T23:30:00+01:00": "2021-03-04",
		"2021-03-04":                "2021-03-04",
		"2017/03/01":                "2017-03-01",
		"2021-3-4":                  "2021-03-04",
		"2021-02":                   "2021",
		"2021":                      "2021",
		"12 March 2019":             "2019-03-12",
		"March 12, 2019":            "2019-03-12",
		"March 12th, 2019":          "2019-03-12",
		"Tuesday, 12 March 2019":    "2019-03-12",
		"12 Mar 2019":               "2019-03-12",
		"March 2019":                "2019",
		"30.11.2022":                "2022-11-30",
		"25/12/2020":                "2020-12-25",
		"12/25/2020":                "2020-12-25",
		"03/04/2020":                "",
		"2021-02-30":                "",
		"1066":                      "",
		"3000-01-01":                "",
		"yesterday":                 "",
		"":                          "",
		"© 2024 Example":            "",
	}
	for in, want := range tests {
		if got := parseDate(in); got != want {
			t.Errorf("parseDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPublished runs small pages through Page: which date wins.
func TestPublished(t *testing.T) {
	const para = `<p>A paragraph long enough to be the summary of this publication, written for the test of dates.</p>`
	tests := []struct {
		name, head, body, url, want, src string
	}{
		{"meta date", `<meta property="article:published_time" content="2022-02-08T10:00:00Z">`, para, "", "2022-02-08", sigArticleMeta},
		{"citation line year differs", `<meta property="article:published_time" content="2022-02-08T10:00:00Z">`, para + `<p>The Title - Some Publisher, 2021 <a href="/t.pdf">DOWNLOAD</a></p>`, "", "2021", sigCiteLine},
		{"citation line year agrees", `<meta property="article:published_time" content="2021-11-30T10:00:00Z">`, para + `<p>The Title - Some Publisher, 2021 <a href="/t.pdf">DOWNLOAD</a></p>`, "", "2021-11-30", sigArticleMeta},
		{"bibliographic date first", `<meta name="citation_publication_date" content="2019/05/01"><meta property="article:published_time" content="2022-02-08T10:00:00Z">`, para, "", "2019-05-01", sigCitation},
		{"bibliographic year beats another posting year", `<meta name="DCTERMS.issued" content="2019-11"><meta property="article:published_time" content="2022-02-08T10:00:00Z">`, para, "", "2019", sigDublinCore},
		{"deposit date never", `<meta name="DCTERMS.available" content="2020-03-02">`, para, "", "", ""},
		{"published before updated", ``, `<p>Last updated: 5 May 2023</p><p>Published: 2 March 2020</p>` + para, "", "2020-03-02", sigLabelled},
		{"updated only as a last resort", ``, `<p>Last updated: 5 May 2023</p>` + para, "", "2023-05-05", sigLabelled},
		{"printed-on date never", ``, para + `<p>Printed on 27 Nov 2026</p>`, "", "", ""},
		{"url path", ``, para, "https://example.org/2018/04/22/x/", "2018-04-22", sigURLPath},
		{"day first from the page's own dates", `<meta property="og:locale" content="en_US">`, `<p>Date: 04/06/2019</p><p>Review period: 15/03/2018 to 30/11/2018</p>` + para, "", "2019-06-04", sigLabelled},
		{"month first by locale", `<meta property="og:locale" content="en_US">`, `<p>Date: 04/06/2019</p>` + para, "", "2019-04-06", sigLabelled},
		{"ambiguous without locale", ``, `<p>Date: 04/06/2019</p>` + para, "", "2019", sigLabelled},
		// A UTC timestamp gives way to the publisher's day the page shows:
		// the evening of 8 November in Denver is 01:09 on the 9th in UTC,
		// and just after midnight in Rome is the evening before in UTC.
		{"UTC morning, the page shows the day before", `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-09T01:09:55Z"}</script>`,
			`<p>Posted: November 8, 2023</p>` + para, "", "2023-11-08", sigJSONLD},
		{"UTC evening, the page shows the day after", `<meta property="article:published_time" content="2020-12-05T23:15:00+00:00">`,
			`<p>Published: 6 December 2020</p>` + para, "", "2020-12-06", sigArticleMeta},
		{"UTC morning, the page shows the same day", `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-09T01:09:55Z"}</script>`,
			`<p>Posted: November 9, 2023</p>` + para, "", "2023-11-09", sigJSONLD},
		{"UTC morning, the page shows both days", `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-09T01:09:55Z"}</script>`,
			`<p>Posted: November 9, 2023</p><time datetime="2023-11-08">8 Nov</time>` + para, "", "2023-11-09", sigJSONLD},
		{"UTC morning, the page shows the day after (no shift east in the morning)", `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-09T01:09:55Z"}</script>`,
			`<p>Posted: November 10, 2023</p>` + para, "", "2023-11-09", sigJSONLD},
		{"an offset of the publisher's own is kept", `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-09T01:09:55+01:00"}</script>`,
			`<p>Posted: November 8, 2023</p>` + para, "", "2023-11-09", sigJSONLD},
		{"a time element's text is the publisher's day", ``,
			`<time datetime="2023-11-09T06:35:29Z">November 8, 2023</time>` + para, "", "2023-11-08", sigTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url
			if u == "" {
				u = "https://example.org/x/"
			}
			page := `<html><head>` + tt.head + `</head><body class="single"><article><h1>The Title</h1>` + tt.body + `</article></body></html>`
			res, err := Page(u, []byte(page), "", Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if got, src := res.Publication.Published, res.Sources["published"]; got != tt.want || src != tt.src {
				t.Errorf("published = %q from %q, want %q from %q", got, src, tt.want, tt.src)
			}
		})
	}
}

func TestParseCitation(t *testing.T) {
	const title = "Trafficking and Terrorism: Where They Meet"
	tests := []struct {
		line, title string
		loose       bool
		pub, year   string
		ok          bool
	}{
		{"Trafficking and Terrorism: Where They Meet - Office of the Special Representative, 2021", title, false, "Office of the Special Representative", "2021", true},
		{"Trafficking and Terrorism: Where They Meet – Office A, Unit B, 2020.", title, false, "Office A, Unit B", "2020", true},
		{"Trafficking and Terrorism: Where They Meet — Some Body, 2019", title, false, "Some Body", "2019", true},
		{"Pre-war - Post-war: A Study - Example Press, 2018", "Pre-war - Post-war: A Study", false, "Example Press", "2018", true},
		{"Student Workers – A Hidden Workforce - Workers Watch, 2016", "Student Workers – A Hidden Workforce", false, "Workers Watch", "2016", true},
		{"Something else entirely - Some Body, 2019", title, false, "", "", false},
		{"Something else entirely - Some Body, 2019", title, true, "Some Body", "2019", true},
		{"Trafficking and Terrorism: Where They Meet - 2021", title, false, "", "", false},
		{"A sentence - with a dash, and no year at the end", title, true, "", "", false},
	}
	for _, tt := range tests {
		c, ok := parseCitation(tt.line, tt.title, tt.loose)
		if ok != tt.ok || c.publisher != tt.pub || c.year != tt.year {
			t.Errorf("parseCitation(%q) = %+v, %v, want %q, %q, %v", tt.line, c, ok, tt.pub, tt.year, tt.ok)
		}
	}
}

// TestTermsInMarkup checks that adjacent term elements stay separate and
// labelled lines are read in each form.
func TestTermsInMarkup(t *testing.T) {
	tests := []struct {
		name, body string
		cats, tags []string
	}{
		{"adjacent links", `<div class="entry-meta"><a href="/resource-type/guidance/" rel="tag">Guidance</a><a href="/resource-type/publications/" rel="tag">Publications</a></div>`,
			[]string{"Guidance", "Publications"}, nil},
		{"rel category tag", `<span class="cat-links"><a href="/category/a/" rel="category tag">A</a>, <a href="/category/b/" rel="category tag">B</a></span><span class="tags-links"><a href="/tag/x/" rel="tag">X</a><a href="/tag/y/" rel="tag">Y</a></span>`,
			[]string{"A", "B"}, []string{"X", "Y"}},
		{"labelled spans", `<p>Type: <span>Guidance</span><span>Publications</span></p>`,
			[]string{"Guidance", "Publications"}, nil},
		{"labelled text", `<p>TAGS: Global</p><p>Resource types: Guidance; Toolkits</p>`,
			[]string{"Guidance", "Toolkits"}, []string{"Global"}},
		{"label then list", `<dl><dt>Tags</dt><dd><a href="/t/1">One</a><a href="/t/2">Two</a></dd><dt>Category</dt><dd>Reports</dd></dl>`,
			[]string{"Reports"}, []string{"One", "Two"}},
		{"label element", `<p><strong>Tags:</strong> <em>Asia</em>, <em>Europe</em></p>`,
			nil, []string{"Asia", "Europe"}},
		{"in-text taxonomy link is not a term", `<p>See our <a href="/category/guidance/">guidance</a> pages.</p>`,
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := html.Parse(strings.NewReader("<html><body><article>" + tt.body + "</article></body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			r, err := newResolver("https://example.org/item/", root)
			if err != nil {
				t.Fatal(err)
			}
			scope := r.doc.Find("article").Nodes[0]
			mt := termsInMarkup(scope, textLines(scope, nil), r)
			cats, tags := dedupeFold(nil, mt.cats...), dedupeFold(nil, mt.tags...)
			if strings.Join(cats, "|") != strings.Join(tt.cats, "|") {
				t.Errorf("categories = %q, want %q", cats, tt.cats)
			}
			if strings.Join(tags, "|") != strings.Join(tt.tags, "|") {
				t.Errorf("tags = %q, want %q", tags, tt.tags)
			}
		})
	}
}

func TestUTCHour(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want int
	}{
		{"2023-11-09T01:09:55Z", 1}, {"2020-12-05T23:15:0Z", 23}, {"2020-08-25T00:23:33.312Z", 0},
		{"2023-11-09T06:35:29+00:00", 6}, {"2022-05-04 03:37:37 +0000", 3}, {"2023-11-09T18:00 UTC", 18},
		{"2022-02-03T20:17:12+01:00", -1}, {"2023-11-08 18:09:55", -1}, {"2023-11-08", -1}, {"8 November 2023", -1},
	} {
		if got := utcHour(tt.raw); got != tt.want {
			t.Errorf("utcHour(%q) = %d, want %d", tt.raw, got, tt.want)
		}
	}
}

// TestPlaceholderDescriptions: a description a CMS writes when the author
// wrote none is no summary; the page's own first paragraph is.
func TestPlaceholderDescriptions(t *testing.T) {
	const para = "The survey asked 1,200 crew members about shore leave, wages and the contracts they signed at sea."
	for _, desc := range []string{"Visit the post for more.", "Just another WordPress site", "visit the post for more"} {
		page := `<html><head><meta property="og:description" content="` + desc + `"></head><body class="single"><article>` +
			`<h1>Crew welfare survey</h1><p>` + para + `</p><p>A second paragraph of the report's page.</p></article></body></html>`
		res, err := Page("https://example.org/r/crew/", []byte(page), "", Rules{})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Publication.Summary; got != para {
			t.Errorf("og:description %q: summary = %q, want the first paragraph", desc, got)
		}
	}
	if !usableDescription("Visit the post to read about crew welfare at sea.", "") {
		t.Error("a real description that starts like the placeholder was refused")
	}
}

// TestWrittenDescriptionOverDerived: a description the CMS made from the
// content (og:description cut from the first paragraph) gives way to a
// meta description someone wrote; a description naming the site by its
// address is the site's blurb; markup written into a description is not
// text. Expected values written by hand from the pages below.
func TestWrittenDescriptionOverDerived(t *testing.T) {
	const para = "Shore leave was refused to most of the crew members we spoke to in the last two years. Wages were paid late on half of the vessels."
	tests := []struct {
		name, head, want string
	}{
		{
			name: "derived og:description, written meta description",
			head: `<meta property="og:description" content="Shore leave was refused to most of the crew members we spoke to in the last &hellip;">` +
				`<meta name="description" content="What crews told us about shore leave and late wages.">`,
			want: "What crews told us about shore leave and late wages.",
		},
		{
			name: "og:description is the paragraph's first sentence, meta description is written",
			head: `<meta property="og:description" content="Shore leave was refused to most of the crew members we spoke to in the last two years.">` +
				`<meta name="description" content="What crews told us about shore leave and late wages.">`,
			want: "What crews told us about shore leave and late wages.",
		},
		{
			name: "the only other description is the site's blurb, naming its address",
			head: `<meta property="og:description" content="Shore leave was refused to most of the crew members we spoke to in the last &hellip;">` +
				`<meta name="description" content="News from the sea every day at seanews.example! Photos, videos, reports.">`,
			want: para,
		},
		{
			name: "markup in a JSON-LD description",
			head: `<script type="application/ld+json">{"@type":"Article","headline":"Crew welfare at sea","description":"<p>What crews told us about <em>shore leave</em> and late wages.</p>"}</script>`,
			want: "What crews told us about shore leave and late wages.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><head><title>Crew welfare at sea</title>` + tt.head + `</head><body class="single"><article>` +
				`<h1>Crew welfare at sea</h1><p>` + para + `</p><p>A second paragraph of the article.</p></article></body></html>`
			res, err := Page("https://www.seanews.example/2024/crew-welfare/", []byte(page), "", Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Publication.Summary; got != tt.want {
				t.Errorf("summary = %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestDatelineAfterMenus: a dateline opens the second paragraph of prose
// ("29.11.2022 – …", after the lead), below lines of menu words that are
// no prose and do not count among the first paragraphs. Expected value
// written by hand from the page below.
func TestDatelineAfterMenus(t *testing.T) {
	page := `<html><head><title>Price cap: government curbs bioenergy</title></head><body class="single"><article>` +
		`<p>TOP TOPICS Energy prices Heat transition Taxonomy Hydrogen Storage</p>` +
		`<p>MORE TOPICS Wind power Solar power Grids Mobility Efficiency Policy</p>` +
		`<h1>Price cap: government curbs bioenergy</h1>` +
		`<p>Last Friday the government adopted the draft law on the electricity price cap. It still skims off market revenues of renewable plants.</p>` +
		`<p>29.11.2022 – The renewables industry had pointed out the drawbacks of the planned law several times and with vehemence.</p>` +
		`<p>A third paragraph of the article, with more to say about biogas plants.</p></article></body></html>`
	res, err := Page("https://news.example/politics/price-cap/", []byte(page), "", Rules{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Publication.Published; got != "2022-11-29" {
		t.Errorf("published = %q, want 2022-11-29 (the dateline)", got)
	}
}
