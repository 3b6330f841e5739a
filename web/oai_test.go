package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"harvest"
	"harvest/export"
	"harvest/store/postgres"
	"harvest/store/postgres/pgtest"
	"harvest/store/sqlite"
)

// What a test reads of an OAI-PMH answer.
type oaiDoc struct {
	ResponseDate string `xml:"responseDate"`
	Request      struct {
		Attrs   []xml.Attr `xml:",any,attr"`
		BaseURL string     `xml:",chardata"`
	} `xml:"request"`
	Errors []struct {
		Code    string `xml:"code,attr"`
		Message string `xml:",chardata"`
	} `xml:"error"`
	Identify *struct {
		RepositoryName    string `xml:"repositoryName"`
		BaseURL           string `xml:"baseURL"`
		ProtocolVersion   string `xml:"protocolVersion"`
		AdminEmail        string `xml:"adminEmail"`
		EarliestDatestamp string `xml:"earliestDatestamp"`
		DeletedRecord     string `xml:"deletedRecord"`
		Granularity       string `xml:"granularity"`
	} `xml:"Identify"`
	Formats *struct {
		Prefixes []string `xml:"metadataFormat>metadataPrefix"`
	} `xml:"ListMetadataFormats"`
	Sets *struct {
		Sets []struct {
			Spec string `xml:"setSpec"`
			Name string `xml:"setName"`
		} `xml:"set"`
	} `xml:"ListSets"`
	GetRecord *struct {
		Record oaiDocRecord `xml:"record"`
	} `xml:"GetRecord"`
	ListIdentifiers *struct {
		Headers []oaiDocHeader `xml:"header"`
		Token   *oaiDocToken   `xml:"resumptionToken"`
	} `xml:"ListIdentifiers"`
	ListRecords *struct {
		Records []oaiDocRecord `xml:"record"`
		Token   *oaiDocToken   `xml:"resumptionToken"`
	} `xml:"ListRecords"`
}

type oaiDocHeader struct {
	Status     string   `xml:"status,attr"`
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	SetSpecs   []string `xml:"setSpec"`
}

type oaiDocRecord struct {
	Header   oaiDocHeader `xml:"header"`
	Metadata *struct {
		DC struct {
			XMLName     xml.Name
			Title       []string `xml:"http://purl.org/dc/elements/1.1/ title"`
			Creator     []string `xml:"http://purl.org/dc/elements/1.1/ creator"`
			Subject     []string `xml:"http://purl.org/dc/elements/1.1/ subject"`
			Description []string `xml:"http://purl.org/dc/elements/1.1/ description"`
			Publisher   []string `xml:"http://purl.org/dc/elements/1.1/ publisher"`
			Date        []string `xml:"http://purl.org/dc/elements/1.1/ date"`
			Type        []string `xml:"http://purl.org/dc/elements/1.1/ type"`
			Format      []string `xml:"http://purl.org/dc/elements/1.1/ format"`
			Identifier  []string `xml:"http://purl.org/dc/elements/1.1/ identifier"`
			Source      []string `xml:"http://purl.org/dc/elements/1.1/ source"`
			Language    []string `xml:"http://purl.org/dc/elements/1.1/ language"`
			Relation    []string `xml:"http://purl.org/dc/elements/1.1/ relation"`
		} `xml:"http://www.openarchives.org/OAI/2.0/oai_dc/ dc"`
	} `xml:"metadata"`
}

type oaiDocToken struct {
	Token            string `xml:",chardata"`
	Cursor           string `xml:"cursor,attr"`
	CompleteListSize string `xml:"completeListSize,attr"`
}

func (d *oaiDoc) codes() []string {
	var out []string
	for _, e := range d.Errors {
		out = append(out, e.Code)
	}
	return out
}

// validator checks answers against the OAI-PMH and oai_dc schemas with
// xmllint (Debian's libxml2-utils), from the copies in testdata (see
// testdata/SCHEMAS.md), never fetching anything. Without xmllint the
// tests that need it skip, but fail under CI=true.
type validator struct {
	xmllint string
	dir     string
	n       int
}

func newValidator(t *testing.T) *validator {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint not found: install libxml2-utils (the OAI-PMH schema tests must run in CI)")
		}
		t.Skip("xmllint not found (apt-get install libxml2-utils): OAI-PMH schema validation skipped")
	}
	return &validator{xmllint: path, dir: t.TempDir()}
}

// check validates body, an OAI-PMH answer, against OAI-PMH.xsd joined
// with oai_dc.xsd (testdata/combined.xsd: OAI-PMH.xsd checks metadata
// strictly), then each oai_dc:dc element in it on its own against
// oai_dc.xsd.
func (v *validator) check(t *testing.T, what string, body []byte) {
	t.Helper()
	v.n++
	file := filepath.Join(v.dir, fmt.Sprintf("answer-%d.xml", v.n))
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	v.run(t, what, "combined.xsd", file)
	var dcs []string
	rest := string(body)
	for {
		start := strings.Index(rest, "<oai_dc:dc ")
		if start < 0 {
			break
		}
		end := strings.Index(rest[start:], "</oai_dc:dc>")
		if end < 0 {
			t.Fatalf("%s: oai_dc:dc not closed", what)
		}
		end += start + len("</oai_dc:dc>")
		dc := filepath.Join(v.dir, fmt.Sprintf("answer-%d-dc-%d.xml", v.n, len(dcs)))
		if err := os.WriteFile(dc, []byte(xml.Header+rest[start:end]+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		dcs = append(dcs, dc)
		rest = rest[end:]
	}
	if len(dcs) > 0 {
		v.run(t, what+" (oai_dc)", "oai_dc.xsd", dcs...)
	}
}

func (v *validator) run(t *testing.T, what, schema string, files ...string) {
	t.Helper()
	if err := v.validate(schema, files...); err != nil {
		body, _ := os.ReadFile(files[0])
		t.Errorf("%s: %v\n%s", what, err, body)
	}
}

// validate runs xmllint on files with a schema of testdata.
func (v *validator) validate(schema string, files ...string) error {
	abs, err := filepath.Abs(filepath.Join("testdata", schema))
	if err != nil {
		return err
	}
	args := append([]string{"--noout", "--nonet", "--schema", abs}, files...)
	if out, err := exec.Command(v.xmllint, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("not valid against %s: %v\n%s", schema, err, out)
	}
	return nil
}

// TestOAIValidatorRejects makes sure the validation can fail: answers
// the schemas refuse are refused.
func TestOAIValidatorRejects(t *testing.T) {
	v := newValidator(t)
	const head = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2025-03-01T12:00:00Z</responseDate><request verb="GetRecord">http://x.example/oai</request>`
	record := func(header, dc string) string {
		return head + `<GetRecord><record><header>` + header + `</header><metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">` + dc + `</oai_dc:dc></metadata></record></GetRecord></OAI-PMH>`
	}
	good := `<identifier>oai:x.example:1</identifier><datestamp>2025-03-01T12:00:00Z</datestamp>`
	tests := []struct {
		name, doc string
		valid     bool
	}{
		{"valid", record(good, `<dc:title>T</dc:title>`), true},
		{"unknown dc element", record(good, `<dc:colour>red</dc:colour>`), false},
		{"datestamp with a zone", record(`<identifier>oai:x.example:1</identifier><datestamp>2025-03-01T12:00:00+01:00</datestamp>`, ``), false},
		{"set spec with a space", record(good+`<setSpec>source:a b</setSpec>`, ``), false},
		{"unknown error code", head + `<error code="oops">x</error></OAI-PMH>`, false},
		{"no responseDate", `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><request>http://x.example/oai</request><error code="badVerb">x</error></OAI-PMH>`, false},
	}
	for i, tt := range tests {
		file := filepath.Join(v.dir, fmt.Sprintf("doc-%d.xml", i))
		if err := os.WriteFile(file, []byte(tt.doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := v.validate("combined.xsd", file); (err == nil) != tt.valid {
			t.Errorf("%s: validation error %v, want valid %v", tt.name, err, tt.valid)
		}
	}
}

// oaiGet asks srv for /oai with the arguments, checks the answer's
// status, type and (with v) validity, and decodes it.
func oaiGet(t *testing.T, v *validator, srv *httptest.Server, query string) (*oaiDoc, []byte) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/oai?" + query)
	if err != nil {
		t.Fatal(err)
	}
	return oaiRead(t, v, "GET /oai?"+query, resp)
}

func oaiRead(t *testing.T, v *validator, what string, resp *http.Response) (*oaiDoc, []byte) {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %s", what, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	if v != nil {
		v.check(t, what, body)
	}
	var doc oaiDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, body)
	}
	return &doc, body
}

// attrs are the request element's attributes, name=value, sorted.
func (d *oaiDoc) attrs() []string {
	var out []string
	for _, a := range d.Request.Attrs {
		out = append(out, a.Name.Local+"="+a.Value)
	}
	slices.Sort(out)
	return out
}

func oaiID(srv *httptest.Server, id int64) string {
	u, _ := url.Parse(srv.URL)
	return "oai:" + u.Hostname() + ":" + strconv.FormatInt(id, 10)
}

func TestOAIVerbs(t *testing.T) {
	f := newFixture(t)
	v := newValidator(t)
	id := func(n int64) string { return url.QueryEscape(oaiID(f.srv, n)) }

	doc, _ := oaiGet(t, v, f.srv, "verb=Identify")
	idf := doc.Identify
	if idf == nil || idf.BaseURL != f.srv.URL+"/oai" || idf.ProtocolVersion != "2.0" || idf.DeletedRecord != "persistent" ||
		idf.Granularity != "YYYY-MM-DDThh:mm:ssZ" || idf.AdminEmail != "admin@harvest.invalid" || idf.RepositoryName != "harvest catalogue" {
		t.Errorf("Identify = %+v", idf)
	}
	// The earliest last_changed: the first record, saved at t0.
	if idf != nil && idf.EarliestDatestamp != "2025-03-01T12:00:00Z" {
		t.Errorf("earliestDatestamp = %s", idf.EarliestDatestamp)
	}
	if doc.Request.BaseURL != f.srv.URL+"/oai" || !slices.Equal(doc.attrs(), []string{"verb=Identify"}) {
		t.Errorf("request = %q %v", doc.Request.BaseURL, doc.attrs())
	}
	if _, err := time.Parse(time.RFC3339, doc.ResponseDate); err != nil || !strings.HasSuffix(doc.ResponseDate, "Z") {
		t.Errorf("responseDate %q", doc.ResponseDate)
	}

	for _, q := range []string{"verb=ListMetadataFormats", "verb=ListMetadataFormats&identifier=" + id(f.plain)} {
		doc, _ = oaiGet(t, v, f.srv, q)
		if doc.Formats == nil || !slices.Equal(doc.Formats.Prefixes, []string{"oai_dc"}) {
			t.Errorf("%s: formats %+v, errors %v", q, doc.Formats, doc.codes())
		}
	}

	doc, _ = oaiGet(t, v, f.srv, "verb=ListSets")
	var specs []string
	for _, s := range doc.Sets.Sets {
		specs = append(specs, s.Spec+" "+s.Name)
	}
	wantSets := []string{
		`category:guides~22~3E~3Cscript~3Ealert(1)~3C~2Fscript~3E Category: Guides"><script>alert(1)</script>`,
		"category:reports Category: Reports", "source:lantern Source: lantern", "source:other Source: other",
	}
	if !slices.Equal(specs, wantSets) {
		t.Errorf("sets %q, want %q", specs, wantSets)
	}

	// GetRecord: the plain record, the hostile one, the removed one.
	doc, _ = oaiGet(t, v, f.srv, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+id(f.plain))
	rec := doc.GetRecord.Record
	if rec.Header.Identifier != oaiID(f.srv, f.plain) || rec.Header.Datestamp != "2025-03-01T12:00:00Z" || rec.Header.Status != "" ||
		!slices.Equal(rec.Header.SetSpecs, []string{"source:lantern", "category:reports"}) || rec.Metadata == nil {
		t.Fatalf("plain record %+v", rec)
	}
	dc := rec.Metadata.DC
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"title", dc.Title, []string{"Ports and seafarers"}},
		{"creator", dc.Creator, []string{"A. Author"}},
		{"subject", dc.Subject, []string{"Seafarers", "Ports", "Reports"}},
		{"description", dc.Description, []string{"Crew change at ports."}},
		{"publisher", dc.Publisher, []string{"Lantern"}},
		{"date (a year stays a year)", dc.Date, []string{"2021"}},
		{"type", dc.Type, []string{"Text"}},
		{"format", dc.Format, []string{"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}},
		{"identifier", dc.Identifier, []string{"https://lantern.example/resource/ports/", "https://lantern.example/ports.pdf", "https://lantern.example/ports.docx"}},
		{"source", dc.Source, []string{"lantern"}},
		{"language", dc.Language, []string{"en"}},
		{"relation", dc.Relation, []string{"https://publisher.example/reports/ports?a=1&b=2", "https://doi.example/10.1/ports"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("dc:%s = %q, want %q", c.name, c.got, c.want)
		}
	}

	doc, body := oaiGet(t, v, f.srv, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+id(f.evil))
	dc = doc.GetRecord.Record.Metadata.DC
	if !slices.Equal(dc.Title, []string{evilTitle}) || !slices.Equal(dc.Description, []string{evilSummary}) ||
		!slices.Equal(dc.Identifier, []string{"https://lantern.example/resource/evil/", "https://lantern.example/evil.pdf?a=1&b=<x>"}) {
		t.Errorf("hostile record read back as %+v", dc)
	}
	if bytes.Contains(body, []byte("<script")) || bytes.Contains(body, []byte("javascript:")) {
		t.Errorf("hostile text unescaped, or a javascript: URL given:\n%s", body)
	}

	doc, _ = oaiGet(t, v, f.srv, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+id(f.gone))
	if h := doc.GetRecord.Record.Header; h.Status != "deleted" || doc.GetRecord.Record.Metadata != nil || h.Datestamp != "2025-03-01T17:00:00Z" {
		t.Errorf("removed record %+v", doc.GetRecord.Record)
	}

	// Lists: all, by set, by window (either granularity).
	lists := []struct {
		query string
		want  []int64
	}{
		{"", []int64{f.plain, f.evil, f.gone, f.changed}},
		{"&set=source:other", []int64{f.gone, f.changed}},
		{"&set=category:reports", []int64{f.plain}},
		{"&from=2025-03-01T13:00:00Z", []int64{f.evil, f.gone, f.changed}},
		{"&until=2025-03-01T13:00:00Z", []int64{f.plain, f.evil}},
		{"&from=2025-03-01T13:00:01Z&until=2025-03-01T16:00:00Z", []int64{f.changed}},
		{"&from=2025-03-01&until=2025-03-01", []int64{f.plain, f.evil, f.gone, f.changed}},
		{"&until=2025-03-01", []int64{f.plain, f.evil, f.gone, f.changed}},
		{"&from=2025-03-01&set=source:lantern", []int64{f.plain, f.evil}},
	}
	for _, l := range lists {
		for _, verb := range []string{"ListIdentifiers", "ListRecords"} {
			q := "verb=" + verb + "&metadataPrefix=oai_dc" + l.query
			doc, _ := oaiGet(t, v, f.srv, q)
			var headers []oaiDocHeader
			if doc.ListIdentifiers != nil {
				headers = doc.ListIdentifiers.Headers
				if doc.ListIdentifiers.Token != nil {
					t.Errorf("%s: a one-page list has a resumptionToken", q)
				}
			}
			if doc.ListRecords != nil {
				for _, r := range doc.ListRecords.Records {
					headers = append(headers, r.Header)
					if (r.Metadata == nil) != (r.Header.Status == "deleted") {
						t.Errorf("%s: %s: metadata %v, status %q", q, r.Header.Identifier, r.Metadata != nil, r.Header.Status)
					}
				}
			}
			var got []string
			for _, h := range headers {
				got = append(got, h.Identifier)
			}
			var want []string
			for _, n := range l.want {
				want = append(want, oaiID(f.srv, n))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v (errors %v)", q, got, want, doc.codes())
			}
		}
	}

	// POST, a form body: the same answer.
	resp, err := http.Post(f.srv.URL+"/oai", "application/x-www-form-urlencoded",
		strings.NewReader("verb=GetRecord&metadataPrefix=oai_dc&identifier="+id(f.plain)))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ = oaiRead(t, v, "POST /oai", resp)
	if doc.GetRecord == nil || doc.GetRecord.Record.Header.Identifier != oaiID(f.srv, f.plain) {
		t.Errorf("POST: %+v %v", doc.GetRecord, doc.codes())
	}
	// POST stays refused elsewhere, and other methods at /oai.
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodPost, "/api/publications", "GET, HEAD"},
		{http.MethodPut, "/oai", "GET, HEAD, POST"},
		{http.MethodDelete, "/oai", "GET, HEAD, POST"},
	} {
		req, _ := http.NewRequest(c.method, f.srv.URL+c.path, strings.NewReader("verb=Identify"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d, Allow %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}

// TestOAIOptions: the repository's name, address and identifiers as
// configured.
func TestOAIOptions(t *testing.T) {
	f := newFixture(t)
	v := newValidator(t)
	srv := httptest.NewServer(New(f.db, nil, WithOAI(OAIOptions{
		RepositoryName: "Lantern <publications>", AdminEmail: "librarian@lantern.example", RepositoryIdentifier: "lantern.example",
	})))
	defer srv.Close()
	doc, _ := oaiGet(t, v, srv, "verb=Identify")
	if doc.Identify.RepositoryName != "Lantern <publications>" || doc.Identify.AdminEmail != "librarian@lantern.example" {
		t.Errorf("Identify %+v", doc.Identify)
	}
	ident := "oai:lantern.example:" + strconv.FormatInt(f.plain, 10)
	doc, _ = oaiGet(t, v, srv, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(ident))
	if doc.GetRecord == nil || doc.GetRecord.Record.Header.Identifier != ident {
		t.Errorf("GetRecord %s: %+v %v", ident, doc.GetRecord, doc.codes())
	}
	// The host's identifiers are not this repository's.
	doc, _ = oaiGet(t, v, srv, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(oaiID(srv, f.plain)))
	if !slices.Equal(doc.codes(), []string{"idDoesNotExist"}) {
		t.Errorf("another repository's identifier: %v", doc.codes())
	}
}

func TestOAIErrors(t *testing.T) {
	f := newFixture(t)
	v := newValidator(t)
	id := func(n int64) string { return url.QueryEscape(oaiID(f.srv, n)) }
	saved := oaiPageSize
	oaiPageSize = 1
	t.Cleanup(func() { oaiPageSize = saved })
	first, _ := oaiGet(t, v, f.srv, "verb=ListIdentifiers&metadataPrefix=oai_dc")
	token := first.ListIdentifiers.Token.Token
	if token == "" {
		t.Fatal("no resumption token with a page of 1")
	}
	setFirst, _ := oaiGet(t, v, f.srv, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=source:lantern")
	setToken := setFirst.ListIdentifiers.Token.Token
	// A token whose set was changed: the catalogue's cursor is bound to
	// its query, so it is refused.
	var tok oaiToken
	raw, _ := base64.RawURLEncoding.DecodeString(token)
	if err := json.Unmarshal(raw, &tok); err != nil {
		t.Fatal(err)
	}
	tok.Set = "source:other"
	tampered := tok.encode()

	empty := httptest.NewServer(New(newEmptyCatalogue(t), nil))
	defer empty.Close()

	tests := []struct {
		name  string
		srv   *httptest.Server
		query string
		codes []string
		echo  bool // the request's arguments echoed
	}{
		{"no verb", nil, "", []string{"badVerb"}, false},
		{"no verb, arguments", nil, "metadataPrefix=oai_dc", []string{"badVerb"}, false},
		{"unknown verb", nil, "verb=ListEverything", []string{"badVerb"}, false},
		{"verb in lower case", nil, "verb=identify", []string{"badVerb"}, false},
		{"repeated verb", nil, "verb=Identify&verb=Identify", []string{"badVerb"}, false},
		{"Identify with an argument", nil, "verb=Identify&set=source:lantern", []string{"badArgument"}, false},
		{"unknown argument", nil, "verb=ListRecords&metadataPrefix=oai_dc&utm_source=x", []string{"badArgument"}, false},
		{"repeated argument", nil, "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", []string{"badArgument"}, false},
		{"no metadataPrefix", nil, "verb=ListRecords", []string{"badArgument"}, false},
		{"GetRecord without identifier", nil, "verb=GetRecord&metadataPrefix=oai_dc", []string{"badArgument"}, false},
		{"GetRecord without metadataPrefix", nil, "verb=GetRecord&identifier=" + id(f.plain), []string{"badArgument"}, false},
		{"bad from", nil, "verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", []string{"badArgument"}, false},
		{"from with a zone", nil, "verb=ListRecords&metadataPrefix=oai_dc&from=2025-03-01T12:00:00%2B01:00", []string{"badArgument"}, false},
		{"from with fractions", nil, "verb=ListRecords&metadataPrefix=oai_dc&from=2025-03-01T12:00:00.5Z", []string{"badArgument"}, false},
		{"bad until", nil, "verb=ListIdentifiers&metadataPrefix=oai_dc&until=2025-02-30", []string{"badArgument"}, false},
		{"empty from", nil, "verb=ListIdentifiers&metadataPrefix=oai_dc&from=", []string{"badArgument"}, false},
		{"mixed granularities", nil, "verb=ListRecords&metadataPrefix=oai_dc&from=2025-03-01&until=2025-03-02T00:00:00Z", []string{"badArgument"}, false},
		{"from after until", nil, "verb=ListRecords&metadataPrefix=oai_dc&from=2025-03-02&until=2025-03-01", []string{"badArgument"}, false},
		{"set of bad syntax", nil, "verb=ListRecords&metadataPrefix=oai_dc&set=source:a%20b", []string{"badArgument"}, false},
		{"metadataPrefix of bad syntax", nil, "verb=ListRecords&metadataPrefix=oai%20dc", []string{"badArgument"}, false},
		{"identifier of bad syntax", nil, "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:x:%201", []string{"badArgument"}, false},
		{"token with another argument", nil, "verb=ListIdentifiers&metadataPrefix=oai_dc&resumptionToken=" + token, []string{"badArgument"}, false},
		{"token with a set", nil, "verb=ListIdentifiers&set=source:lantern&resumptionToken=" + token, []string{"badArgument"}, false},
		{"empty token", nil, "verb=ListIdentifiers&resumptionToken=", []string{"badArgument"}, false},
		{"garbage token", nil, "verb=ListRecords&resumptionToken=garbage", []string{"badResumptionToken"}, true},
		{"token of JSON not ours", nil, "verb=ListRecords&resumptionToken=eyJ2IjoxfQ", []string{"badResumptionToken"}, true},
		{"token of another verb", nil, "verb=ListRecords&resumptionToken=" + token, []string{"badResumptionToken"}, true},
		{"token with its set changed", nil, "verb=ListIdentifiers&resumptionToken=" + tampered, []string{"badResumptionToken"}, true},
		{"ListSets token", nil, "verb=ListSets&resumptionToken=" + setToken, []string{"badResumptionToken"}, true},
		{"GetRecord in MARC", nil, "verb=GetRecord&metadataPrefix=marc21&identifier=" + id(f.plain), []string{"cannotDisseminateFormat"}, true},
		{"ListRecords in MARC", nil, "verb=ListRecords&metadataPrefix=marc21", []string{"cannotDisseminateFormat"}, true},
		{"ListIdentifiers in MARC", nil, "verb=ListIdentifiers&metadataPrefix=marc21&set=source:lantern", []string{"cannotDisseminateFormat"}, true},
		{"unknown record and format", nil, "verb=GetRecord&metadataPrefix=marc21&identifier=" + id(999), []string{"idDoesNotExist", "cannotDisseminateFormat"}, true},
		{"unknown record", nil, "verb=GetRecord&metadataPrefix=oai_dc&identifier=" + id(999), []string{"idDoesNotExist"}, true},
		{"another repository", nil, "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere.example:1", []string{"idDoesNotExist"}, true},
		{"not canonical", nil, "verb=GetRecord&metadataPrefix=oai_dc&identifier=" + url.QueryEscape(strings.Replace(oaiID(f.srv, f.plain), ":", ":0", 2)), []string{"idDoesNotExist"}, true},
		{"a URL", nil, "verb=ListMetadataFormats&identifier=https://lantern.example/resource/ports/", []string{"idDoesNotExist"}, true},
		{"no formats for a deleted record", nil, "verb=ListMetadataFormats&identifier=" + id(f.gone), []string{"noMetadataFormats"}, true},
		{"nothing since", nil, "verb=ListRecords&metadataPrefix=oai_dc&from=2030-01-01", []string{"noRecordsMatch"}, true},
		{"nothing until", nil, "verb=ListIdentifiers&metadataPrefix=oai_dc&until=2020-01-01T00:00:00Z", []string{"noRecordsMatch"}, true},
		{"unknown set", nil, "verb=ListRecords&metadataPrefix=oai_dc&set=source:nowhere", []string{"noRecordsMatch"}, true},
		{"parent set", nil, "verb=ListRecords&metadataPrefix=oai_dc&set=source", []string{"noRecordsMatch"}, true},
		{"category set not in lower case", nil, "verb=ListRecords&metadataPrefix=oai_dc&set=category:Reports", []string{"noRecordsMatch"}, true},
		{"tag set", nil, "verb=ListRecords&metadataPrefix=oai_dc&set=tag:ports", []string{"noRecordsMatch"}, true},
		{"empty catalogue: no sets", empty, "verb=ListSets", []string{"noSetHierarchy"}, true},
		{"empty catalogue: no records", empty, "verb=ListRecords&metadataPrefix=oai_dc", []string{"noRecordsMatch"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.srv
			if srv == nil {
				srv = f.srv
			}
			doc, body := oaiGet(t, v, srv, tt.query)
			if !slices.Equal(doc.codes(), tt.codes) {
				t.Errorf("codes %v, want %v\n%s", doc.codes(), tt.codes, body)
			}
			if echoed := len(doc.Request.Attrs) > 0; echoed != tt.echo {
				t.Errorf("request echoes %v, want echo %v", doc.attrs(), tt.echo)
			}
			if doc.Request.BaseURL != srv.URL+"/oai" {
				t.Errorf("request base URL %q", doc.Request.BaseURL)
			}
			for _, e := range doc.Errors {
				if strings.TrimSpace(e.Message) == "" {
					t.Errorf("error %s without a message", e.Code)
				}
			}
		})
	}

	// The empty catalogue's Identify: a lower bound all the same.
	doc, _ := oaiGet(t, v, empty, "verb=Identify")
	if doc.Identify.EarliestDatestamp != "1970-01-01T00:00:00Z" {
		t.Errorf("empty catalogue: earliestDatestamp %s", doc.Identify.EarliestDatestamp)
	}
}

func newEmptyCatalogue(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestOAIControlCharacters: text XML 1.0 cannot carry is dropped, and the
// answer stays valid.
func TestOAIControlCharacters(t *testing.T) {
	db := newEmptyCatalogue(t)
	v := newValidator(t)
	p := harvest.Publication{
		Source: "s", URL: "https://s.example/c/", CanonicalURL: "https://s.example/c/",
		Title:   "Bell\x07 and escape\x1b[31m, NUL\x00, C1\u0085, bad UTF-8 \xff\xfe, tab\tkept",
		Summary: "Line\none\r\nFF\x0c; BOM-ish \ufffe\uffff end", Authors: []string{"\x01\x02"}, Tags: []string{"ok\x1f"},
		Categories: []string{"Cat\x0b"},
	}
	res, err := db.Save(t.Context(), p, t0)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(db, nil))
	defer srv.Close()
	doc, body := oaiGet(t, v, srv, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(oaiID(srv, res.ID)))
	got, err := db.Get(t.Context(), res.ID)
	if err != nil {
		t.Fatal(err)
	}
	dc := doc.GetRecord.Record.Metadata.DC
	if len(dc.Title) != 1 || strings.ContainsAny(dc.Title[0], "\x07\x1b\x00\u0085\ufffd") || !strings.Contains(dc.Title[0], "tab\tkept") {
		t.Errorf("title %q (stored %q)\n%s", dc.Title, got.Title, body)
	}
	if len(dc.Creator) != 0 {
		t.Errorf("an author of control characters only is given: %q", dc.Creator)
	}
	// A set spec writes every byte outside its alphabet as ~XX: one of
	// a control character too.
	if want := []string{"source:s", "category:" + setSpecPart(strings.ToLower(got.Categories[0]))}; !slices.Equal(doc.GetRecord.Record.Header.SetSpecs, want) {
		t.Errorf("set specs %q for categories %q", doc.GetRecord.Record.Header.SetSpecs, got.Categories)
	}
	doc, _ = oaiGet(t, v, srv, "verb=ListSets")
	if doc.Sets == nil || len(doc.Sets.Sets) != 2 {
		t.Errorf("sets %+v", doc.Sets)
	}
}

// TestOAIHarvest harvests a SQLite catalogue bigger than a page through
// the resumption tokens while it changes.
func TestOAIHarvest(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "catalogue.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	testOAIHarvest(t, db)
}

// TestOAIHarvestPostgres is TestOAIHarvest on PostgreSQL, when
// HARVEST_TEST_POSTGRES names a server.
func TestOAIHarvestPostgres(t *testing.T) {
	db, err := postgres.Open(t.Context(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	testOAIHarvest(t, db)
}

// harvested is what a harvest learned of a record.
type harvested struct {
	deleted   bool
	datestamp string
	title     string
	sets      []string
}

// harvester pages through one list: verb and its arguments, calling
// between after each page but the last. It checks that no identifier
// comes twice and that the cursor counts the records listed before.
func harvestList(t *testing.T, v *validator, srv *httptest.Server, verb, args string, between func(page int)) map[int64]harvested {
	t.Helper()
	out := map[int64]harvested{}
	query := "verb=" + verb + "&metadataPrefix=oai_dc" + args
	done := 0
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatal("the list does not end")
		}
		doc, body := oaiGet(t, v, srv, query)
		if len(doc.Errors) > 0 {
			if page == 0 && slices.Equal(doc.codes(), []string{"noRecordsMatch"}) {
				return out
			}
			t.Fatalf("%s: %v\n%s", query, doc.codes(), body)
		}
		var records []oaiDocRecord
		var tok *oaiDocToken
		if verb == "ListRecords" {
			records, tok = doc.ListRecords.Records, doc.ListRecords.Token
		} else {
			for _, h := range doc.ListIdentifiers.Headers {
				records = append(records, oaiDocRecord{Header: h})
			}
			tok = doc.ListIdentifiers.Token
		}
		if len(records) > oaiPageSize {
			t.Errorf("%s: %d records in a page of %d", query, len(records), oaiPageSize)
		}
		for _, r := range records {
			n, err := strconv.ParseInt(r.Header.Identifier[strings.LastIndex(r.Header.Identifier, ":")+1:], 10, 64)
			if err != nil {
				t.Fatalf("identifier %q", r.Header.Identifier)
			}
			if _, dup := out[n]; dup {
				t.Errorf("%s: record %d listed twice", args, n)
			}
			h := harvested{deleted: r.Header.Status == "deleted", datestamp: r.Header.Datestamp, sets: r.Header.SetSpecs}
			if r.Metadata != nil && len(r.Metadata.DC.Title) > 0 {
				h.title = r.Metadata.DC.Title[0]
			}
			if verb == "ListRecords" && (r.Metadata == nil) != h.deleted {
				t.Errorf("record %d: deleted %v, metadata %v", n, h.deleted, r.Metadata != nil)
			}
			out[n] = h
		}
		if tok == nil {
			if page > 0 {
				t.Fatalf("%s: page %d has no resumptionToken element", args, page)
			}
			return out
		}
		if tok.Cursor != strconv.Itoa(done) {
			t.Errorf("%s: page %d: cursor %s, want %d", args, page, tok.Cursor, done)
		}
		if n, err := strconv.Atoi(tok.CompleteListSize); err != nil || n < done+len(records) {
			t.Errorf("%s: page %d: completeListSize %q after %d records", args, page, tok.CompleteListSize, done+len(records))
		}
		done += len(records)
		if tok.Token == "" {
			return out // the last page
		}
		if between != nil {
			between(page)
		}
		query = "verb=" + verb + "&resumptionToken=" + url.QueryEscape(tok.Token)
	}
}

// exported is what harvest export writes of the records f selects.
func exported(t *testing.T, db harvest.Catalogue, f harvest.Filter) map[int64]harvest.Publication {
	t.Helper()
	var buf bytes.Buffer
	w, err := export.New(&buf, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Each(t.Context(), f, w.Write); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := map[int64]harvest.Publication{}
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var p harvest.Publication
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		out[p.ID] = p
	}
	return out
}

// sameAsExport compares a harvest with the export: the same records,
// removed ones deleted, with their datestamps, titles and sets.
func sameAsExport(t *testing.T, what string, got map[int64]harvested, want map[int64]harvest.Publication) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d records harvested, %d exported", what, len(got), len(want))
	}
	for id, p := range want {
		h, ok := got[id]
		if !ok {
			t.Errorf("%s: record %d exported, not harvested", what, id)
			continue
		}
		sets := []string{"source:" + p.Source}
		for _, c := range p.Categories {
			if s := "category:" + setSpecPart(strings.ToLower(c)); !slices.Contains(sets, s) {
				sets = append(sets, s)
			}
		}
		if h.deleted != (p.Status == harvest.StatusRemoved) || h.datestamp != p.LastChanged.UTC().Format(time.RFC3339) || !slices.Equal(h.sets, sets) {
			t.Errorf("%s: record %d harvested %+v, exported %s %s %v", what, id, h, p.Status, p.LastChanged, sets)
		}
		if !h.deleted && h.title != "" && h.title != p.Title {
			t.Errorf("%s: record %d harvested title %q, exported %q", what, id, h.title, p.Title)
		}
	}
}

func testOAIHarvest(t *testing.T, db harvest.Catalogue) {
	ctx := t.Context()
	v := newValidator(t)
	saved := oaiPageSize
	oaiPageSize = 7
	t.Cleanup(func() { oaiPageSize = saved })
	srv := httptest.NewServer(New(db, nil))
	defer srv.Close()

	// 60 records of three sources over an hour, some in categories, some
	// removed; each change after that is a second later than the last.
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var ids []int64
	urls := map[int64]string{}
	sources := map[int64]string{}
	n := 0
	add := func(source string, at time.Time) int64 {
		p := harvest.Publication{Source: source, URL: fmt.Sprintf("https://%s.example/p/%d/", source, n), Title: fmt.Sprintf("Record %d", n)}
		p.CanonicalURL = p.URL
		if n%3 == 0 {
			p.Categories = append(p.Categories, "Reports")
		}
		if n%4 == 0 {
			p.Categories = append(p.Categories, "Policy Briefs")
		}
		n++
		res, err := db.Save(ctx, p, at)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ID)
		urls[res.ID], sources[res.ID] = p.URL, source
		return res.ID
	}
	for i := range 60 {
		add([]string{"a", "b", "c"}[i%3], base.Add(time.Duration(i)*time.Minute))
	}
	for i := 5; i < 60; i += 10 {
		if ok, err := db.MarkGone(ctx, sources[ids[i]], urls[ids[i]], base.Add(2*time.Hour)); err != nil || !ok {
			t.Fatalf("MarkGone: %v %v", ok, err)
		}
	}
	clock := base.Add(24 * time.Hour)
	tick := func() time.Time { clock = clock.Add(time.Second); return clock }
	// mutate changes the catalogue between two pages: records added (at
	// the end of the id order), records changed and removed behind the
	// harvest's position and ahead of it.
	mutate := func(page int) {
		if page != 1 && page != 3 {
			return
		}
		for _, src := range []string{"a", "b", "a"} {
			add(src, tick())
		}
		behind, ahead := ids[page], ids[len(ids)-10-page]
		for _, id := range []int64{behind, ahead} {
			p, err := db.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			p.Title += " (changed)"
			if _, err := db.Save(ctx, p, tick()); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range []int64{ids[page+1], ids[len(ids)-12-page]} {
			if _, err := db.MarkGone(ctx, sources[id], urls[id], tick()); err != nil {
				t.Fatal(err)
			}
		}
	}

	tests := []struct {
		verb, set string
		filter    harvest.Filter
	}{
		{"ListRecords", "", harvest.Filter{}},
		{"ListIdentifiers", "", harvest.Filter{}},
		{"ListRecords", "source:a", harvest.Filter{Sources: []string{"a"}}},
		{"ListIdentifiers", "category:policy~20briefs", harvest.Filter{Category: "policy briefs"}},
		{"ListRecords", "category:reports", harvest.Filter{Category: "Reports"}},
	}
	for _, tt := range tests {
		t.Run(tt.verb+" "+tt.set, func(t *testing.T) {
			args := ""
			if tt.set != "" {
				args = "&set=" + tt.set
			}
			// A full harvest while the catalogue changes, then an
			// incremental one from when the changes began: together they
			// are the catalogue as exported.
			start := clock.Add(time.Second)
			full := harvestList(t, v, srv, tt.verb, args, mutate)
			want := exported(t, db, tt.filter)
			for id := range want {
				if _, ok := full[id]; !ok {
					t.Errorf("record %d exported but not in the full harvest", id)
				}
			}
			if len(full) != len(want) {
				t.Errorf("full harvest: %d records, export %d", len(full), len(want))
			}
			incremental := harvestList(t, v, srv, tt.verb, args+"&from="+start.Format(time.RFC3339), nil)
			if len(incremental) == 0 {
				t.Error("the incremental harvest found no changes")
			}
			for id, h := range incremental {
				full[id] = h
			}
			sameAsExport(t, tt.verb+args, full, want)
		})
	}

	// Windows, unchanged catalogue: the same records as the export of
	// the same Since and Until.
	windows := []struct {
		args         string
		since, until time.Time
	}{
		{"&from=2025-03-01T12:10:00Z&until=2025-03-01T12:40:00Z", base.Add(10 * time.Minute), base.Add(40 * time.Minute)},
		{"&from=2025-03-01&until=2025-03-01", base.Add(-12 * time.Hour), base.Add(12*time.Hour - time.Second)},
		{"&from=2025-03-02", base.Add(12 * time.Hour), time.Time{}},
		{"&until=2025-03-01T14:00:00Z", time.Time{}, base.Add(2 * time.Hour)},
		{"&from=2025-03-01T12:30:00Z&set=source:b", base.Add(30 * time.Minute), time.Time{}},
	}
	for _, w := range windows {
		for _, verb := range []string{"ListIdentifiers", "ListRecords"} {
			f := harvest.Filter{Since: w.since, Until: w.until}
			if strings.Contains(w.args, "set=source:b") {
				f.Sources = []string{"b"}
			}
			want := exported(t, db, f)
			if len(want) == 0 {
				t.Fatalf("%s: the export is empty", w.args)
			}
			sameAsExport(t, verb+w.args, harvestList(t, v, srv, verb, w.args, nil), want)
		}
	}
}
