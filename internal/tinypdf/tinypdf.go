// Package tinypdf makes small valid PDF files for the sample sites.
package tinypdf

import (
	"fmt"
	"strings"
)

// New returns a one-page PDF showing title, with a correct xref table:
// a small valid document for the sample sites' download links.
func New(title string) []byte {
	var t strings.Builder
	for _, r := range title {
		switch {
		case r == '(' || r == ')' || r == '\\':
			t.WriteString(`\` + string(r))
		case r < 0x20 || r > 0x7e:
			t.WriteByte('?')
		default:
			t.WriteRune(r)
		}
	}
	content := "BT /F1 14 Tf 56 780 Td (" + t.String() + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}
