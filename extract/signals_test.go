package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestSplitAuthors(t *testing.T) {
	tests := map[string]string{
		"Jane Smith, Ali Khan and Mei Lin": "Jane Smith|Ali Khan|Mei Lin",
		"Smith, J.; Jones, K.":             "Smith, J.|Jones, K.",
		"Mensah, Abena":                    "Mensah, Abena",
		"Mensah, A., Okafor, C.":           "Mensah, A.|Okafor, C.",
		"A. Novak, T. Mensah":              "A. Novak|T. Mensah",
		"van der Berg, Anna":               "van der Berg, Anna",
		"María José Pérez y Andrés Gómez":  "María José Pérez|Andrés Gómez",
		"admin":                            "",
		"jsmith":                           "",
		"Super User":                       "",
		"Written by Hana Yusuf":            "Hana Yusuf",
		"https://example.org/author/x/":    "",
		"editor@example.org":               "",
		"Example Research Unit":            "Example Research Unit",
	}
	for in, want := range tests {
		if got := strings.Join(splitAuthors(in), "|"); got != want {
			t.Errorf("splitAuthors(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := map[string]string{
		"Reports": "report", "Research Reports": "report", "Policy Briefs": "policy brief", "Guidance": "guide",
		"Monograph (Technical Report)": "report", "technical_report": "report", "Working Paper": "working paper",
		"Informe": "report", "Bericht": "report", "Data protection": "", "Research": "", "Publications": "",
		"Field Reports": "", "Case studies": "case study", "Toolkits": "toolkit",
	}
	for in, want := range tests {
		if got := kindOf(in); got != want {
			t.Errorf("kindOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDateOrder(t *testing.T) {
	tests := []struct {
		in    string
		order dateOrder
		want  string
	}{
		{"03/04/2021", orderUnknown, ""},
		{"03/04/2021", monthFirst, "2021-03-04"},
		{"03/04/2021", dayFirst, "2021-04-03"},
		{"25/12/2020", monthFirst, "2020-12-25"},
		{"04.06.2019", monthFirst, "2019-06-04"},
		{"05/05/2022", orderUnknown, "2022-05-05"},
		{"12 mars 2021", orderUnknown, "2021-03-12"},
		{"3. Februar 2020", orderUnknown, "2020-02-03"},
		{"5 de mayo de 2022", orderUnknown, "2022-05-05"},
		{"Sept. 9, 2019", orderUnknown, "2019-09-09"},
		{"Jan. 2, 2018", orderUnknown, "2018-01-02"},
		{"2019/11", orderUnknown, "2019"},
	}
	for _, tt := range tests {
		if got := parseDateOrder(tt.in, tt.order); got != tt.want {
			t.Errorf("parseDateOrder(%q, %d) = %q, want %q", tt.in, tt.order, got, tt.want)
		}
	}
}

func TestDateInText(t *testing.T) {
	tests := map[string]string{
		"Posted on March 3rd, 2021 by Jane Smith": "2021-03-03",
		"18. Mai 2022 · 2 Min. · Lena Fischer":    "2022-05-18",
		"Publié le 12 mars 2021 par Claire":       "2021-03-12",
		"By Anjali Rao · 8 December 2020":         "2020-12-08",
		"Working paper 2017/4":                    "",
		"In 2019 the ministry changed the rules":  "",
	}
	for in, want := range tests {
		if got := dateInText(in, orderUnknown); got != want {
			t.Errorf("dateInText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURLDate(t *testing.T) {
	tests := map[string]string{
		"/2021/07/14/tracing-cotton.html":       "2021-07-14",
		"/blog/2019/03/subcontracted-cleaners/": "2019",
		"/_posts/2020-05-18-audit-fatigue.html": "2020-05-18",
		"/reports/2021/":                        "",
		"/wp-content/uploads/2021/13/x.pdf":     "",
		"/resource/forced-labour-at-sea/":       "",
	}
	for in, want := range tests {
		if got := urlDate(in); got != want {
			t.Errorf("urlDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRepairJSON(t *testing.T) {
	var j jsonLD
	j.add("{\"@type\": \"Report\", \"headline\": \"Two\nlines\", \"keywords\": [\"a\", \"b\",],}")
	if got := j.str("headline"); got != "Two lines" {
		t.Errorf("headline = %q", got)
	}
	if got := strings.Join(j.strList("keywords"), "|"); got != "a|b" {
		t.Errorf("keywords = %q", got)
	}
}

func TestRepairHyphenationCases(t *testing.T) {
	tests := map[string]string{
		"to pro- tect victims":                   "to protect victims",
		"pre- and post-harvest":                  "pre- and post-harvest",
		"a long- term plan and a long-term view": "a long-term plan and a long-term view",
		"Anti- Trafficking":                      "Anti- Trafficking",
		"mon- itor and re- port, then re- view":  "monitor and report, then review",
		"ends with a dash -":                     "ends with a dash -",
	}
	for in, want := range tests {
		if got := repairHyphenation(in); got != want {
			t.Errorf("repairHyphenation(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDropBoilerplate(t *testing.T) {
	tests := map[string]string{
		"The tool helps processors. Click here to download the full tool.": "The tool helps processors.",
		"We use cookies to improve your experience.":                       "",
		"Share prices fell when the audit was published.":                  "Share prices fell when the audit was published.",
		"Download the report below. It covers six countries.":              "It covers six countries.",
		"Human rights are at the core of this study.":                      "Human rights are at the core of this study.",
	}
	for in, want := range tests {
		if got := dropBoilerplate(in); got != want {
			t.Errorf("dropBoilerplate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNotCover(t *testing.T) {
	for u, want := range map[string]bool{
		"https://x.org/wp-content/uploads/hra-logo-share.png": true,
		"https://x.org/img/og-default.jpg":                    true,
		"https://x.org/img/silicon-valley-report.jpg":         false,
		"https://x.org/sites/default/files/cover.png":         false,
	} {
		if got := notCover(u); got != want {
			t.Errorf("notCover(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestMicrodata(t *testing.T) {
	page := `<html><body><div itemscope itemtype="https://schema.org/Article"><h1 itemprop="headline">Title</h1>
<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Ann Lee</span></span>
<a itemprop="genre" href="/reports">Reports</a><img itemprop="image" src="/c.jpg" alt="Cover">
<meta itemprop="datePublished" content="2020-01-02"></div>
<div itemscope itemtype="https://schema.org/BlogPosting"><h3 itemprop="headline">Other</h3></div></body></html>`
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	r, err := newResolver("https://example.org/a/", root)
	if err != nil {
		t.Fatal(err)
	}
	m := readMeta(r.doc)
	it := mainMicroItem(m.items, findMainHeading(findBody(r.doc)), r)
	if it == nil {
		t.Fatal("no item")
	}
	for prop, want := range map[string]string{"headline": "Title", "author": "Ann Lee", "genre": "Reports", "datepublished": "2020-01-02"} {
		if got := it.first(prop); got != want {
			t.Errorf("%s = %q, want %q", prop, got, want)
		}
	}
	if got := it.firstURL("image"); got != "https://example.org/c.jpg" {
		t.Errorf("image = %q", got)
	}
}
