package mirror

import (
	"mime"
	"net/http"
	"path"
	"strings"
)

// extByType is the allow-list of file extensions, by media type. A file
// of any other type is stored without an extension.
var extByType = map[string]string{
	"application/pdf":    ".pdf",
	"application/msword": ".doc",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.ms-excel": ".xls",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.ms-powerpoint":                                             ".ppt",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.oasis.opendocument.text":                                   ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":                            ".ods",
	"application/vnd.oasis.opendocument.presentation":                           ".odp",
	"application/rtf":      ".rtf",
	"text/rtf":             ".rtf",
	"application/epub+zip": ".epub",
	"application/zip":      ".zip",
	"text/plain":           ".txt",
	"text/csv":             ".csv",
	"application/json":     ".json",
	"application/xml":      ".xml",
	"text/xml":             ".xml",
	"image/jpeg":           ".jpg",
	"image/png":            ".png",
	"image/gif":            ".gif",
	"image/webp":           ".webp",
	"audio/mpeg":           ".mp3",
	"video/mp4":            ".mp4",
}

// allowedExt holds the extensions a URL may give a file: those of
// extByType, and a few other spellings of them.
var allowedExt = func() map[string]bool {
	m := map[string]bool{".jpeg": true}
	for _, e := range extByType {
		m[e] = true
	}
	return m
}()

// zipBased are extensions of formats whose files are ZIP archives, which
// servers and sniffing often call application/zip.
var zipBased = map[string]bool{
	".docx": true, ".xlsx": true, ".pptx": true, ".odt": true, ".ods": true, ".odp": true, ".epub": true,
}

// generic are media types that say nothing about the content.
var generic = map[string]bool{
	"":                           true,
	"application/octet-stream":   true,
	"binary/octet-stream":        true,
	"application/download":       true,
	"application/force-download": true,
	"application/x-download":     true,
	"application/unknown":        true,
}

// mediaType is the Content-Type header's media type, or, when the header
// is missing or generic, the type sniffed from the first bytes of the
// body (when that says more).
func mediaType(header string, head []byte) string {
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		mt = ""
	}
	if !generic[mt] {
		return mt
	}
	if len(head) > 0 {
		if s, _, err := mime.ParseMediaType(http.DetectContentType(head)); err == nil && !generic[s] {
			return s
		}
	}
	return mt
}

// extension is the allow-listed extension for a file of media type mt
// fetched from a URL with the given (decoded) path: by media type first,
// by the URL's extension when the type says nothing (or only "a ZIP
// archive"), else none.
func extension(mt, urlPath string) string {
	fromURL := strings.ToLower(path.Ext(urlPath))
	if !allowedExt[fromURL] {
		fromURL = ""
	}
	if fromURL == ".jpeg" {
		fromURL = ".jpg"
	}
	if (mt == "application/zip" || mt == "application/x-zip-compressed") && zipBased[fromURL] {
		return fromURL
	}
	if e, ok := extByType[mt]; ok {
		return e
	}
	return fromURL
}
