package web

import (
	"html/template"
	"strings"
	"testing"
)

// TestOptionsHTMLAsTemplate: the options written without the template
// are the markup the template's range wrote, for hostile values too.
func TestOptionsHTMLAsTemplate(t *testing.T) {
	tmpl := template.Must(template.New("o").Parse(
		`{{range .}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Value}} ({{.Count}})</option>{{end}}`))
	opts := []option{
		{Value: "Ports", Count: 3},
		{Value: `Guides"><script>alert(1)</script>`, Count: 1, Selected: true},
		{Value: "Côte d'Ivoire & <Ghana> +1", Count: 12},
		{Value: "nul\x00byte", Count: 0},
		{Value: "", Count: 2},
		{Value: "\u202eevil", Count: 7},
	}
	var want strings.Builder
	if err := tmpl.Execute(&want, opts); err != nil {
		t.Fatal(err)
	}
	if got := string(optionsHTML(opts)); got != want.String() {
		t.Errorf("optionsHTML =\n%s\nthe template wrote\n%s", got, want.String())
	}
}
