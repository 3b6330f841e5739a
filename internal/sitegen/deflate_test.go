package sitegen

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDeflateFixed decodes what deflateFixed writes, for inputs that
// reach its edges: empty and tiny inputs, runs longer than a match,
// distances near the window's end, every byte value.
func TestDeflateFixed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	block := random(32700)
	var all []byte
	for i := range 256 {
		all = append(all, byte(i), byte(i), byte(i), byte(i), byte(255-i))
	}
	cases := map[string][]byte{
		"empty":         nil,
		"one":           []byte("a"),
		"three":         []byte("abc"),
		"four":          []byte("abab"),
		"run":           bytes.Repeat([]byte("a"), 10_000),
		"pairs":         bytes.Repeat([]byte("ab"), 777),
		"random":        random(70_000),
		"window edge":   append(append(append([]byte{}, block...), random(68)...), block...),
		"beyond window": append(append(append([]byte{}, block...), random(200)...), block...),
		"every byte":    bytes.Repeat(all, 30),
		"html":          []byte(strings.Repeat(`<li class="menu-item"><a href="http://example.test/tag/x/">Tag</a></li>`+"\n", 300)),
	}
	var table [1 << lzHashBits]int32
	for name, in := range cases {
		z := deflateFixed([]byte("prefix"), in, &table)
		if !bytes.HasPrefix(z, []byte("prefix")) {
			t.Fatalf("%s: output does not extend dst", name)
		}
		z = append(z[len("prefix"):], 3, 0) // a final empty block
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
		if err != nil {
			t.Errorf("%s: inflate: %v", name, err)
			continue
		}
		if !bytes.Equal(got, in) {
			t.Errorf("%s: round trip gave %d bytes, want %d", name, len(got), len(in))
		}
		if name == "run" && len(z) > 200 {
			t.Errorf("run of 10,000 bytes compressed to %d", len(z))
		}
	}
}
