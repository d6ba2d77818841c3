package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestHTML(t *testing.T) {
	r := New()
	for _, tt := range []struct {
		name, src    string
		want, reject []string
	}{
		{"emphasis", "I waited *eleven* hours.", []string{"<p>I waited <em>eleven</em> hours.</p>"}, nil},
		{"link gets rel", "[report](https://example.org/r)", []string{`<a href="https://example.org/r" rel="nofollow ugc noopener">report</a>`}, nil},
		{"autolink gets rel", "see https://example.org/x", []string{`rel="nofollow ugc noopener"`}, nil},
		{"raw script is not HTML", "<script>alert(1)</script>", nil, []string{"<script"}},
		{"inline handler", `<img src=x onerror=alert(1)>`, nil, []string{"<img", "onerror="}},
		{"javascript link", "[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD4=)", nil, []string{"data:"}},
		{"image", "![x](https://example.org/i.png)", nil, []string{"<img"}},
		{"entity-encoded javascript", "[x](&#106;avascript:alert(1))", nil, []string{"avascript:"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := string(r.HTML(tt.src))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
			for _, bad := range tt.reject {
				if strings.Contains(strings.ToLower(got), bad) {
					t.Errorf("got %q, must not contain %q", got, bad)
				}
			}
		})
	}
}

// FuzzHTML checks that no input yields an element or attribute outside the
// allow-list, an event handler, or a link to a script URL.
func FuzzHTML(f *testing.F) {
	for _, s := range []string{"*a*", "<script>x</script>", "[a](javascript:x)", "| a |\n|---|\n| b |", "<a href=\"x\" onclick=\"y\">", "text onerror=x"} {
		f.Add(s)
	}
	r := New()
	allowed := map[string]bool{"p": true, "br": true, "hr": true, "em": true, "strong": true, "del": true, "code": true, "pre": true,
		"blockquote": true, "ul": true, "ol": true, "li": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "a": true}
	// Seeds that make the renderer build far more than they say.
	f.Add(strings.Repeat("|a", 40) + "|\n" + strings.Repeat("|-", 40) + "|\n" + strings.Repeat("x\n", 200))
	f.Add(strings.Repeat(">", 40) + " deep")
	f.Fuzz(func(t *testing.T, src string) {
		out := string(r.HTML(src))
		// Whatever the text, its HTML is bounded by its length.
		if len(out) > MaxOutput(len(src)) {
			t.Fatalf("HTML(%.80q…) is %d bytes from %d, over %d", src, len(out), len(src), MaxOutput(len(src)))
		}
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			if !allowed[tok.Data] {
				t.Fatalf("HTML(%q) = %q has element <%s>", src, out, tok.Data)
			}
			for _, a := range tok.Attr {
				switch {
				case strings.HasPrefix(a.Key, "on"), a.Key == "style", a.Key == "src":
					t.Fatalf("HTML(%q) = %q has attribute %s", src, out, a.Key)
				case a.Key == "href":
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if i := strings.Index(v, ":"); i >= 0 && !strings.HasPrefix(v, "http:") && !strings.HasPrefix(v, "https:") && !strings.HasPrefix(v, "mailto:") && !strings.ContainsAny(v[:i], "/?#") {
						t.Fatalf("HTML(%q) = %q links to %q", src, out, a.Val)
					}
				}
			}
		}
	})
}
