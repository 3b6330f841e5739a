package web

import (
	"mime"
	"strings"
)

// fileKinds names the media types of download files as people call them.
var fileKinds = map[string]string{
	"application/pdf":    "PDF",
	"application/msword": "Word",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
	"application/vnd.ms-word.document.macroenabled.12":                        "Word",
	"application/vnd.oasis.opendocument.text":                                 "OpenDocument text",
	"application/rtf":          "RTF",
	"text/rtf":                 "RTF",
	"application/vnd.ms-excel": "Excel",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
	"application/vnd.ms-excel.sheet.macroenabled.12":                    "Excel",
	"application/vnd.oasis.opendocument.spreadsheet":                    "OpenDocument spreadsheet",
	"text/csv":                      "CSV",
	"application/vnd.ms-powerpoint": "PowerPoint",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
	"application/vnd.oasis.opendocument.presentation":                           "OpenDocument presentation",
	"application/epub+zip":         "EPUB",
	"application/zip":              "ZIP",
	"application/x-zip-compressed": "ZIP",
	"application/json":             "JSON",
	"application/xml":              "XML",
	"text/xml":                     "XML",
	"text/plain":                   "text",
	"text/html":                    "web page",
}

// fileKind is the name people use for a download's media type ("Word",
// "PDF", "Excel"); for a type it does not know, the subtype of images,
// audio and video ("PNG image"), else the media type itself.
func fileKind(mediaType string) string {
	t, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		t = strings.ToLower(strings.TrimSpace(mediaType))
	}
	if k, ok := fileKinds[t]; ok {
		return k
	}
	if top, sub, ok := strings.Cut(t, "/"); ok && sub != "" && !strings.ContainsAny(sub, ".+-") {
		switch top {
		case "image", "audio", "video":
			return strings.ToUpper(sub) + " " + top
		}
	}
	return mediaType
}
