package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"harvest"
)

// OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html)
// at /oai, for library systems and aggregators that collect metadata by
// it: the six verbs, oai_dc records, one set per source and per category,
// deleted records kept for good, seconds granularity, and resumption
// tokens that hold through a catalogue that changes while it is paged.
//
// Decisions:
//   - Identifiers are oai:<repository identifier>:<record id>. The
//     repository identifier is WithOAI's RepositoryIdentifier, else the
//     host the request came to (without port, lower case): set it when
//     the catalogue is reached under several names, since harvesters key
//     records by identifier.
//   - Datestamps are last_changed (UTC, to the second): a record's new,
//     changed, removed or back-again time, as the catalogue's Since reads.
//   - Removed records are deleted records (header status="deleted", no
//     metadata). The catalogue never deletes a row, so deletedRecord is
//     "persistent".
//   - Sets: source:<name> and category:<name>, the category's name in
//     ASCII lower case (the category filter ignores ASCII case), each
//     character outside the setSpec alphabet written ~XX (its UTF-8
//     bytes in hex; "~" itself too), so that the set names the filter
//     exactly. There is no parent set "source" or "category": ListSets
//     lists the leaves only, and a set it does not list matches nothing.
//   - Lists are in ascending id order. A resumption token holds the
//     request's fixed arguments (verb, metadataPrefix, set, from, until),
//     the catalogue's cursor after the page's last record, and how many
//     records came before: records added meanwhile have higher ids and
//     come at the end, and no record is listed twice. A record that
//     changes after its page was read is not listed again; its new
//     datestamp brings it to the next incremental harvest (from). Tokens
//     do not expire.
//   - Answers are not cached and carry no validators: responseDate is the
//     time of each answer, and a POST's arguments are not in its URL.

// Namespaces and schemas.
const (
	oaiNS         = "http://www.openarchives.org/OAI/2.0/"
	oaiSchema     = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
	oaiDCNS       = "http://www.openarchives.org/OAI/2.0/oai_dc/"
	oaiDCSchema   = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
	dcNS          = "http://purl.org/dc/elements/1.1/"
	xsiNS         = "http://www.w3.org/2001/XMLSchema-instance"
	oaiDCPrefix   = "oai_dc"
	oaiGranuleFmt = "2006-01-02T15:04:05Z"
	oaiDayFmt     = "2006-01-02"
)

// oaiPageSize is how many records or headers a list answer holds (a
// variable for tests).
var oaiPageSize = 100

// OAIOptions describe the OAI-PMH repository.
type OAIOptions struct {
	// RepositoryName is Identify's repositoryName; default "harvest
	// catalogue".
	RepositoryName string
	// AdminEmail is Identify's adminEmail; default admin@harvest.invalid,
	// a placeholder that names nobody (.invalid is reserved, RFC 2606).
	AdminEmail string
	// RepositoryIdentifier is the middle of every record identifier
	// (oai:<it>:<id>), a domain name; default the request's host.
	RepositoryIdentifier string
}

// WithOAI sets what Identify says and the identifiers' repository part.
func WithOAI(o OAIOptions) Option {
	return func(s *server) { s.oaiOpts = o }
}

const (
	defaultRepositoryName = "harvest catalogue"
	defaultAdminEmail     = "admin@harvest.invalid"
)

// The response document. encoding/xml writes the prefixed names (oai_dc:dc,
// dc:title, xsi:schemaLocation) as given, and the namespace declarations
// are attributes, so the document reads as the protocol's examples do.

type oaiResponse struct {
	XMLName        xml.Name `xml:"OAI-PMH"`
	NS             string   `xml:"xmlns,attr"`
	XSI            string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
	ResponseDate   string   `xml:"responseDate"`
	Request        oaiRequest
	Errors         []oaiError              `xml:"error"`
	Identify       *oaiIdentify            `xml:"Identify"`
	Formats        *oaiListMetadataFormats `xml:"ListMetadataFormats"`
	Sets           *oaiListSets            `xml:"ListSets"`
	GetRecord      *oaiGetRecord           `xml:"GetRecord"`
	Identifiers    *oaiListIdentifiers     `xml:"ListIdentifiers"`
	Records        *oaiListRecords         `xml:"ListRecords"`
}

// oaiRequest echoes the request: the base URL and, but for badVerb and
// badArgument, its arguments.
type oaiRequest struct {
	XMLName         xml.Name `xml:"request"`
	Verb            string   `xml:"verb,attr,omitempty"`
	Identifier      string   `xml:"identifier,attr,omitempty"`
	MetadataPrefix  string   `xml:"metadataPrefix,attr,omitempty"`
	From            string   `xml:"from,attr,omitempty"`
	Until           string   `xml:"until,attr,omitempty"`
	Set             string   `xml:"set,attr,omitempty"`
	ResumptionToken string   `xml:"resumptionToken,attr,omitempty"`
	BaseURL         string   `xml:",chardata"`
}

type oaiError struct {
	Code    string `xml:"code,attr"`
	Message string `xml:",chardata"`
}

type oaiIdentify struct {
	RepositoryName    string `xml:"repositoryName"`
	BaseURL           string `xml:"baseURL"`
	ProtocolVersion   string `xml:"protocolVersion"`
	AdminEmail        string `xml:"adminEmail"`
	EarliestDatestamp string `xml:"earliestDatestamp"`
	DeletedRecord     string `xml:"deletedRecord"`
	Granularity       string `xml:"granularity"`
}

type oaiMetadataFormat struct {
	MetadataPrefix    string `xml:"metadataPrefix"`
	Schema            string `xml:"schema"`
	MetadataNamespace string `xml:"metadataNamespace"`
}

type oaiListMetadataFormats struct {
	Formats []oaiMetadataFormat `xml:"metadataFormat"`
}

type oaiSet struct {
	Spec string `xml:"setSpec"`
	Name string `xml:"setName"`
}

type oaiListSets struct {
	Sets []oaiSet `xml:"set"`
}

type oaiHeader struct {
	Status     string   `xml:"status,attr,omitempty"`
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	SetSpecs   []string `xml:"setSpec"`
}

type oaiRecord struct {
	Header   oaiHeader    `xml:"header"`
	Metadata *oaiMetadata `xml:"metadata"`
}

type oaiMetadata struct {
	DC oaiDC `xml:"oai_dc:dc"`
}

// oaiDC is a record in unqualified Dublin Core: the elements in the order
// oai_dc lists them (any order is valid; this one reads best).
type oaiDC struct {
	NSOAIDC        string   `xml:"xmlns:oai_dc,attr"`
	NSDC           string   `xml:"xmlns:dc,attr"`
	NSXSI          string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
	Title          []string `xml:"dc:title"`
	Creator        []string `xml:"dc:creator"`
	Subject        []string `xml:"dc:subject"`
	Description    []string `xml:"dc:description"`
	Publisher      []string `xml:"dc:publisher"`
	Date           []string `xml:"dc:date"`
	Type           []string `xml:"dc:type"`
	Format         []string `xml:"dc:format"`
	Identifier     []string `xml:"dc:identifier"`
	Source         []string `xml:"dc:source"`
	Language       []string `xml:"dc:language"`
	Relation       []string `xml:"dc:relation"`
}

type oaiGetRecord struct {
	Record oaiRecord `xml:"record"`
}

type oaiResumptionToken struct {
	CompleteListSize int    `xml:"completeListSize,attr,omitempty"`
	Cursor           int    `xml:"cursor,attr"`
	Token            string `xml:",chardata"`
}

type oaiListIdentifiers struct {
	Headers         []oaiHeader         `xml:"header"`
	ResumptionToken *oaiResumptionToken `xml:"resumptionToken"`
}

type oaiListRecords struct {
	Records         []oaiRecord         `xml:"record"`
	ResumptionToken *oaiResumptionToken `xml:"resumptionToken"`
}

// Error codes.
const (
	oaiBadArgument             = "badArgument"
	oaiBadResumptionToken      = "badResumptionToken"
	oaiBadVerb                 = "badVerb"
	oaiCannotDisseminateFormat = "cannotDisseminateFormat"
	oaiIDDoesNotExist          = "idDoesNotExist"
	oaiNoRecordsMatch          = "noRecordsMatch"
	oaiNoMetadataFormats       = "noMetadataFormats"
	oaiNoSetHierarchy          = "noSetHierarchy"
)

// oaiVerbs are the verbs and the arguments each takes: required ones,
// optional ones, and the exclusive one (resumptionToken).
var oaiVerbs = map[string]struct {
	required, optional []string
	exclusive          string
}{
	"Identify":            {},
	"ListMetadataFormats": {optional: []string{"identifier"}},
	"ListSets":            {exclusive: "resumptionToken"},
	"GetRecord":           {required: []string{"identifier", "metadataPrefix"}},
	"ListIdentifiers":     {required: []string{"metadataPrefix"}, optional: []string{"from", "until", "set"}, exclusive: "resumptionToken"},
	"ListRecords":         {required: []string{"metadataPrefix"}, optional: []string{"from", "until", "set"}, exclusive: "resumptionToken"},
}

// Argument syntax, from the OAI-PMH schema.
var (
	metadataPrefixRE = regexp.MustCompile(`^[A-Za-z0-9\-_.!~*'()]+$`)
	setSpecRE        = regexp.MustCompile(`^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$`)
	publishedRE      = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)
)

// oaiReq is one request being answered.
type oaiReq struct {
	s    *server
	r    *http.Request
	args map[string]string
	resp *oaiResponse
}

func (q *oaiReq) fail(code, format string, a ...any) {
	q.resp.Errors = append(q.resp.Errors, oaiError{Code: code, Message: xmlSafe(fmt.Sprintf(format, a...))})
}

func (s *server) oai(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	q := &oaiReq{s: s, r: r, resp: &oaiResponse{
		NS: oaiNS, XSI: xsiNS, SchemaLocation: oaiNS + " " + oaiSchema,
		ResponseDate: s.now().UTC().Format(oaiGranuleFmt),
		Request:      oaiRequest{BaseURL: xmlSafe(baseURL(r) + "/oai")},
	}}
	if err := q.answer(); err != nil {
		if r.Context().Err() != nil {
			return // the harvester went away
		}
		// No OAI-PMH error code says "the catalogue failed": HTTP 503
		// with Retry-After, as the protocol's flow control does.
		w.Header().Set("Retry-After", "60")
		s.fail(w, r, http.StatusServiceUnavailable, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(q.resp); err != nil {
		s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("oai: encode: %w", err))
		return
	}
	buf.WriteByte('\n')
	h := w.Header()
	h.Set("Content-Type", "text/xml; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes()) // the harvester went away: nothing to do
}

// answer fills q.resp; an error is the catalogue's, not the request's.
func (q *oaiReq) answer() error {
	// GET's arguments are in the query string, POST's in its body
	// (application/x-www-form-urlencoded); ParseForm reads both, so an
	// argument given in both is a repeated argument.
	if err := q.r.ParseForm(); err != nil {
		q.fail(oaiBadArgument, "the arguments cannot be read: %v", err)
		return nil
	}
	form := q.r.Form
	verbs := form["verb"]
	switch {
	case len(verbs) == 0:
		q.fail(oaiBadVerb, "no verb: give one of Identify, ListMetadataFormats, ListSets, GetRecord, ListIdentifiers, ListRecords")
		return nil
	case len(verbs) > 1:
		q.fail(oaiBadVerb, "verb given %d times: give it once", len(verbs))
		return nil
	}
	verb := verbs[0]
	spec, ok := oaiVerbs[verb]
	if !ok {
		q.fail(oaiBadVerb, "unknown verb %q", verb)
		return nil
	}
	args := map[string]string{}
	var names []string
	for k := range form {
		names = append(names, k)
	}
	slices.Sort(names) // messages in a stable order
	for _, k := range names {
		if k == "verb" {
			continue
		}
		if !slices.Contains(spec.required, k) && !slices.Contains(spec.optional, k) && k != spec.exclusive {
			q.fail(oaiBadArgument, "%s takes no argument %q", verb, k)
			continue
		}
		if n := len(form[k]); n > 1 {
			q.fail(oaiBadArgument, "argument %s given %d times", k, n)
			continue
		}
		if form[k][0] == "" {
			q.fail(oaiBadArgument, "argument %s is empty", k)
			continue
		}
		args[k] = form[k][0]
	}
	if len(q.resp.Errors) > 0 {
		return nil
	}
	if _, ok := args[spec.exclusive]; ok && spec.exclusive != "" {
		// An exclusive argument comes alone: anything else with it is
		// an illegal argument (badArgument), whatever the token holds.
		if len(args) > 1 {
			q.fail(oaiBadArgument, "resumptionToken is exclusive: give it with the verb only")
			return nil
		}
	} else {
		for _, k := range spec.required {
			if _, ok := args[k]; !ok {
				q.fail(oaiBadArgument, "%s needs the argument %s", verb, k)
			}
		}
	}
	// Values of illegal syntax are badArgument; the request is echoed
	// only once every value is of its schema type.
	if v, ok := args["metadataPrefix"]; ok && !metadataPrefixRE.MatchString(v) {
		q.fail(oaiBadArgument, "metadataPrefix %q: not a metadata prefix", v)
	}
	if v, ok := args["set"]; ok && !setSpecRE.MatchString(v) {
		q.fail(oaiBadArgument, "set %q: not a setSpec", v)
	}
	if v, ok := args["identifier"]; ok && !uriSyntax(v) {
		q.fail(oaiBadArgument, "identifier %q: not a URI", v)
	}
	var win window
	if verb == "ListIdentifiers" || verb == "ListRecords" {
		var err error
		if win, err = parseWindow(args["from"], args["until"]); err != nil {
			q.fail(oaiBadArgument, "%v", err)
		}
	}
	if len(q.resp.Errors) > 0 {
		return nil
	}
	q.args = args
	q.resp.Request = oaiRequest{
		BaseURL: q.resp.Request.BaseURL, Verb: verb,
		Identifier: xmlSafe(args["identifier"]), MetadataPrefix: args["metadataPrefix"],
		From: args["from"], Until: args["until"], Set: args["set"],
		ResumptionToken: xmlSafe(args["resumptionToken"]),
	}
	switch verb {
	case "Identify":
		return q.identify()
	case "ListMetadataFormats":
		return q.listMetadataFormats()
	case "ListSets":
		return q.listSets()
	case "GetRecord":
		return q.getRecord()
	default:
		return q.list(verb, win)
	}
}

// uriSyntax reports whether s can be an identifier (an anyURI): no
// spaces or control characters, and a URI by net/url.
func uriSyntax(s string) bool {
	if s == "" || len(s) > 2048 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return false
		}
	}
	_, err := url.Parse(s)
	return err == nil
}

// window is a list's from and until, as the catalogue filters them.
type window struct {
	since, until time.Time
}

// parseWindow reads from and until: each a day (YYYY-MM-DD) or a second
// (YYYY-MM-DDThh:mm:ssZ), both of one granularity, from not after until.
// A day's until is its last second: until=2025-03-01 holds that day.
func parseWindow(from, until string) (window, error) {
	var w window
	var fromDay, untilDay bool
	var err error
	if from != "" {
		if w.since, fromDay, err = parseOAITime(from); err != nil {
			return w, fmt.Errorf("from: %w", err)
		}
	}
	if until != "" {
		if w.until, untilDay, err = parseOAITime(until); err != nil {
			return w, fmt.Errorf("until: %w", err)
		}
		if untilDay {
			w.until = w.until.Add(24*time.Hour - time.Second)
		}
	}
	if from != "" && until != "" {
		if fromDay != untilDay {
			return w, errors.New("from and until are of different granularities: give both as days (YYYY-MM-DD) or both to the second (YYYY-MM-DDThh:mm:ssZ)")
		}
		if w.since.After(w.until) {
			return w, fmt.Errorf("from %s is after until %s", from, until)
		}
	}
	return w, nil
}

// parseOAITime reads a day or a UTC second, strictly.
func parseOAITime(s string) (time.Time, bool, error) {
	if t, err := time.Parse(oaiDayFmt, s); err == nil && len(s) == len(oaiDayFmt) {
		return t, true, nil
	}
	if t, err := time.Parse(oaiGranuleFmt, s); err == nil && len(s) == len(oaiGranuleFmt) {
		return t, false, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not a date (YYYY-MM-DD) or a UTC time to the second (YYYY-MM-DDThh:mm:ssZ)", s)
}

func (q *oaiReq) repositoryID() string {
	if id := q.s.oaiOpts.RepositoryIdentifier; id != "" {
		return id
	}
	host := q.r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if host == "" {
		host = "localhost"
	}
	return host
}

func (q *oaiReq) identifier(id int64) string {
	return xmlSafe("oai:" + q.repositoryID() + ":" + strconv.FormatInt(id, 10))
}

// recordID reads an identifier of this repository: its record id, or
// false for any other identifier (another repository's, a non-canonical
// number).
func (q *oaiReq) recordID(ident string) (int64, bool) {
	rest, ok := strings.CutPrefix(ident, "oai:"+q.repositoryID()+":")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != rest {
		return 0, false
	}
	return id, true
}

func (q *oaiReq) identify() error {
	earliest, err := q.s.db.EarliestChange(q.r.Context())
	if err != nil {
		return fmt.Errorf("oai identify: %w", err)
	}
	if earliest.IsZero() {
		// An empty catalogue: any record it gets will be later.
		earliest = time.Unix(0, 0)
	}
	o := q.s.oaiOpts
	name, email := o.RepositoryName, o.AdminEmail
	if name == "" {
		name = defaultRepositoryName
	}
	if email == "" {
		email = defaultAdminEmail
	}
	q.resp.Identify = &oaiIdentify{
		RepositoryName:    xmlSafe(name),
		BaseURL:           q.resp.Request.BaseURL,
		ProtocolVersion:   "2.0",
		AdminEmail:        xmlSafe(email),
		EarliestDatestamp: earliest.UTC().Format(oaiGranuleFmt),
		DeletedRecord:     "persistent",
		Granularity:       "YYYY-MM-DDThh:mm:ssZ",
	}
	return nil
}

var oaiDCFormat = oaiMetadataFormat{MetadataPrefix: oaiDCPrefix, Schema: oaiDCSchema, MetadataNamespace: oaiDCNS}

func (q *oaiReq) listMetadataFormats() error {
	if ident, ok := q.args["identifier"]; ok {
		p, found, err := q.record(ident)
		if err != nil || !found {
			return err
		}
		// A deleted record has no metadata to disseminate in any format.
		if p.Status == harvest.StatusRemoved {
			q.fail(oaiNoMetadataFormats, "%s is a deleted record: it has no metadata", ident)
			return nil
		}
	}
	q.resp.Formats = &oaiListMetadataFormats{Formats: []oaiMetadataFormat{oaiDCFormat}}
	return nil
}

// record reads the record an identifier names, answering idDoesNotExist
// when there is none.
func (q *oaiReq) record(ident string) (harvest.Publication, bool, error) {
	id, ok := q.recordID(ident)
	if !ok {
		q.fail(oaiIDDoesNotExist, "%s is not an identifier of this repository (oai:%s:<number>)", ident, q.repositoryID())
		return harvest.Publication{}, false, nil
	}
	p, err := q.s.db.Get(q.r.Context(), id)
	if errors.Is(err, harvest.ErrNotFound) {
		q.fail(oaiIDDoesNotExist, "no record %s", ident)
		return harvest.Publication{}, false, nil
	}
	if err != nil {
		return harvest.Publication{}, false, fmt.Errorf("oai: read record %d: %w", id, err)
	}
	return p, true, nil
}

func (q *oaiReq) listSets() error {
	if _, ok := q.args["resumptionToken"]; ok {
		q.fail(oaiBadResumptionToken, "ListSets answers in one piece: it issues no resumption tokens")
		return nil
	}
	facets, err := q.s.db.Facets(q.r.Context(), "")
	if err != nil {
		return fmt.Errorf("oai list sets: %w", err)
	}
	var sets []oaiSet
	seen := map[string]bool{}
	add := func(spec, name string) {
		// Facets come most common first, so a category spelled two ways
		// is named by its commonest spelling.
		if spec == "" || seen[spec] {
			return
		}
		seen[spec] = true
		sets = append(sets, oaiSet{Spec: spec, Name: xmlSafe(name)})
	}
	for _, t := range facets.Sources {
		add(sourceSet(t.Value), "Source: "+t.Value)
	}
	for _, t := range facets.Categories {
		add(categorySet(t.Value), "Category: "+t.Value)
	}
	if len(sets) == 0 {
		// The schema wants at least one set; an empty catalogue has
		// none, which is what noSetHierarchy says.
		q.fail(oaiNoSetHierarchy, "the catalogue is empty: it has no sets yet")
		return nil
	}
	slices.SortFunc(sets, func(a, b oaiSet) int { return strings.Compare(a.Spec, b.Spec) })
	q.resp.Sets = &oaiListSets{Sets: sets}
	return nil
}

// setSpecPart writes s in the setSpec alphabet: every byte outside it,
// and "~", as ~XX. Empty for an empty s, which makes no set.
func setSpecPart(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '~' && strings.IndexByte("-_.!*'()", c) >= 0 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "~%02X", c)
	}
	return b.String()
}

// unsetSpecPart reverses setSpecPart; false for anything it does not
// write (a bad escape, lower-case hex).
func unsetSpecPart(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '~' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(n))
		i += 2
	}
	out := b.String()
	return out, setSpecPart(out) == s // one spelling per set
}

func sourceSet(name string) string {
	if strings.TrimSpace(name) == "" {
		return ""
	}
	return "source:" + setSpecPart(name)
}

func categorySet(name string) string {
	if strings.TrimSpace(name) == "" {
		return ""
	}
	return "category:" + setSpecPart(asciiLower(name))
}

// asciiLower folds ASCII letters only, as the catalogue's category filter
// compares.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// setFilter is the filter of a set, or false for a set this repository
// does not have (one ListSets would not list).
func setFilter(spec string) (harvest.Filter, bool) {
	kind, rest, ok := strings.Cut(spec, ":")
	if !ok || strings.Contains(rest, ":") {
		return harvest.Filter{}, false
	}
	name, ok := unsetSpecPart(rest)
	if !ok || strings.TrimSpace(name) == "" {
		return harvest.Filter{}, false
	}
	switch kind {
	case "source":
		return harvest.Filter{Sources: []string{name}}, true
	case "category":
		if asciiLower(name) != name {
			return harvest.Filter{}, false // categories' sets are lower case
		}
		return harvest.Filter{Category: name}, true
	}
	return harvest.Filter{}, false
}

func (q *oaiReq) getRecord() error {
	prefixOK := q.args["metadataPrefix"] == oaiDCPrefix
	p, found, err := q.record(q.args["identifier"])
	if err != nil {
		return err
	}
	if !prefixOK {
		q.fail(oaiCannotDisseminateFormat, "metadataPrefix %q: this repository has oai_dc only", q.args["metadataPrefix"])
	}
	if !found || !prefixOK {
		return nil
	}
	q.resp.GetRecord = &oaiGetRecord{Record: q.oaiRecord(p)}
	return nil
}

// oaiToken is what a resumption token holds.
type oaiToken struct {
	V      int    `json:"v"`
	Verb   string `json:"verb"`
	Prefix string `json:"prefix"`
	Set    string `json:"set,omitempty"`
	From   string `json:"from,omitempty"`
	Until  string `json:"until,omitempty"`
	// Cursor is the catalogue's search cursor after the last record
	// listed (harvest.Results.Next): bound by the catalogue to this
	// filter and id order.
	Cursor string `json:"cursor"`
	// Done is how many records the earlier pages listed (the cursor
	// attribute of the next page).
	Done int `json:"done"`
}

func (t oaiToken) encode() string {
	b, _ := json.Marshal(t) // strings and ints: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken reads a token this server issued for verb, or fails.
func decodeToken(s, verb string) (oaiToken, error) {
	var t oaiToken
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return t, errors.New("not a resumption token of this repository")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil || dec.More() || t.V != 1 || t.Cursor == "" || t.Done < 0 {
		return t, errors.New("not a resumption token of this repository")
	}
	if t.Verb != verb {
		return t, fmt.Errorf("a resumption token of %s, not of %s", t.Verb, verb)
	}
	if t.Prefix != oaiDCPrefix || (t.Set != "" && !setSpecRE.MatchString(t.Set)) {
		return t, errors.New("not a resumption token of this repository")
	}
	if _, err := parseWindow(t.From, t.Until); err != nil {
		return t, errors.New("not a resumption token of this repository")
	}
	return t, nil
}

// list answers ListIdentifiers and ListRecords: one page of the records
// the arguments (or the token's) select, in id order.
func (q *oaiReq) list(verb string, win window) error {
	tok := oaiToken{V: 1, Verb: verb, Prefix: q.args["metadataPrefix"], Set: q.args["set"], From: q.args["from"], Until: q.args["until"]}
	resumed := false
	if raw, ok := q.args["resumptionToken"]; ok {
		t, err := decodeToken(raw, verb)
		if err != nil {
			q.fail(oaiBadResumptionToken, "%v", err)
			return nil
		}
		tok, resumed = t, true
		win, _ = parseWindow(tok.From, tok.Until) // checked by decodeToken
	}
	if tok.Prefix != oaiDCPrefix {
		q.fail(oaiCannotDisseminateFormat, "metadataPrefix %q: this repository has oai_dc only", tok.Prefix)
		return nil
	}
	var f harvest.Filter
	if tok.Set != "" {
		var ok bool
		if f, ok = setFilter(tok.Set); !ok {
			q.fail(oaiNoRecordsMatch, "no set %q (ListSets lists the sets)", tok.Set)
			return nil
		}
	}
	f.Since, f.Until = win.since, win.until
	res, err := q.s.db.Search(q.r.Context(), harvest.Query{Filter: f, Order: harvest.OrderID, Limit: oaiPageSize, Cursor: tok.Cursor})
	if errors.Is(err, harvest.ErrBadCursor) {
		q.fail(oaiBadResumptionToken, "not a resumption token of this repository")
		return nil
	}
	if err != nil {
		return fmt.Errorf("oai %s: %w", verb, err)
	}
	if len(res.Publications) == 0 {
		// Also when a resumed list finds nothing more: the records it
		// would have listed changed out of its window meanwhile.
		q.fail(oaiNoRecordsMatch, "no records match")
		return nil
	}
	var rt *oaiResumptionToken
	if res.Next != "" || resumed {
		rt = &oaiResumptionToken{Cursor: tok.Done}
		// The total is the catalogue's count for the filter (kept per
		// catalogue version); it grows as records are added meanwhile.
		if res.Total > 0 {
			rt.CompleteListSize = max(res.Total, tok.Done+len(res.Publications))
		}
		if res.Next != "" {
			next := tok
			next.Cursor, next.Done = res.Next, tok.Done+len(res.Publications)
			rt.Token = next.encode()
		}
		// On the last page of a resumed list the token is empty: the
		// list is complete.
	}
	if verb == "ListIdentifiers" {
		out := &oaiListIdentifiers{ResumptionToken: rt}
		for _, p := range res.Publications {
			out.Headers = append(out.Headers, q.header(p))
		}
		q.resp.Identifiers = out
		return nil
	}
	out := &oaiListRecords{ResumptionToken: rt}
	for _, p := range res.Publications {
		out.Records = append(out.Records, q.oaiRecord(p))
	}
	q.resp.Records = out
	return nil
}

func (q *oaiReq) header(p harvest.Publication) oaiHeader {
	h := oaiHeader{Identifier: q.identifier(p.ID), Datestamp: p.LastChanged.UTC().Format(oaiGranuleFmt)}
	if p.Status == harvest.StatusRemoved {
		h.Status = "deleted"
	}
	for _, spec := range append([]string{sourceSet(p.Source)}, categorySets(p.Categories)...) {
		if spec != "" && !slices.Contains(h.SetSpecs, spec) {
			h.SetSpecs = append(h.SetSpecs, spec)
		}
	}
	return h
}

func categorySets(cats []string) []string {
	var out []string
	for _, c := range cats {
		out = append(out, categorySet(c))
	}
	return out
}

// oaiRecord is a record: a deleted one is its header alone.
func (q *oaiReq) oaiRecord(p harvest.Publication) oaiRecord {
	rec := oaiRecord{Header: q.header(p)}
	if p.Status != harvest.StatusRemoved {
		rec.Metadata = &oaiMetadata{DC: dublinCore(p)}
	}
	return rec
}

// dublinCore maps a record to unqualified Dublin Core:
//
//	title        the title
//	creator      each author
//	subject      each tag, then each category
//	description  the summary
//	publisher    the publisher
//	date         published, as the record has it (YYYY, YYYY-MM or
//	             YYYY-MM-DD: a year stays a year)
//	type         the record's type (report, guide…), then the DCMI type:
//	             Dataset for a dataset, else Text
//	format       each download's media type, once
//	identifier   the page's URL, then each download's URL (the full
//	             texts, where aggregators such as BASE look for them)
//	source       the site's name, else the source's
//	language     the language
//	relation     each link to the publication elsewhere (the publisher's
//	             page, a DOI)
//
// Empty values are left out; only http and https URLs are given.
func dublinCore(p harvest.Publication) oaiDC {
	dc := oaiDC{NSOAIDC: oaiDCNS, NSDC: dcNS, NSXSI: xsiNS, SchemaLocation: oaiDCNS + " " + oaiDCSchema}
	add := func(list *[]string, vals ...string) {
		for _, v := range vals {
			v = strings.TrimSpace(xmlSafe(v))
			if v != "" && !slices.Contains(*list, v) {
				*list = append(*list, v)
			}
		}
	}
	add(&dc.Title, p.Title)
	add(&dc.Creator, p.Authors...)
	add(&dc.Subject, p.Tags...)
	add(&dc.Subject, p.Categories...)
	add(&dc.Description, p.Summary)
	add(&dc.Publisher, p.Publisher)
	if publishedRE.MatchString(p.Published) {
		add(&dc.Date, p.Published)
	}
	add(&dc.Type, p.Type)
	if t := strings.ToLower(p.Type); t == "dataset" || t == "data" {
		add(&dc.Type, "Dataset")
	} else {
		add(&dc.Type, "Text")
	}
	if webURL(p.URL) {
		add(&dc.Identifier, p.URL)
	}
	for _, d := range p.Downloads {
		if webURL(d.URL) {
			add(&dc.Identifier, d.URL)
			add(&dc.Format, d.MediaType)
		}
	}
	if p.SiteName != "" {
		add(&dc.Source, p.SiteName)
	} else {
		add(&dc.Source, p.Source)
	}
	add(&dc.Language, p.Language)
	for _, l := range p.ExternalLinks {
		if webURL(l.URL) {
			add(&dc.Relation, l.URL)
		}
	}
	return dc
}

// xmlSafe drops what XML 1.0 cannot carry (C0 controls but tab, newline
// and carriage return; surrogates; U+FFFE and U+FFFF; bytes that are not
// UTF-8) and the C1 controls, which no text means. encoding/xml would
// write the former as U+FFFD; a control character in harvested text is
// noise, so it goes.
func xmlSafe(s string) string {
	clean := true
	for _, r := range s {
		if !xmlChar(r) {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && n == 1) && xmlChar(r) {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return false
	case r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
		return false
	}
	return r <= 0x10ffff
}
