package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"jigsaw"
)

// FuzzSubmission feeds arbitrary form bodies through the reading, tidying
// and checking of a story submission: nothing may panic, every refusal is
// a field error, and tidying is stable.
func FuzzSubmission(f *testing.F) {
	f.Add("title=Hi&body=" + strings.Repeat("x", 30) + "&kind=patient&name=A&email=a%40b.org&publish_as=without-name&agree=yes")
	f.Add("organisations=1&organisations=x&key_issues=safety&happened_on=2024-02-30&postcode=bd206td")
	f.Add("email=%22%3Cx%3E%22%40x&phone=%2B44+(0)+7700&district=SW1A&area=" + strings.Repeat("%F0%9F%92%A9", 50))
	known := map[string]bool{"safety": true, "cuts": true}
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		s, problems := submissionFromForm(v)
		s.Normalize()
		again := *s
		again.Normalize()
		if again.Title != s.Title || again.Body != s.Body || again.District != s.District || again.Postcode != s.Postcode {
			t.Fatalf("Normalize is not stable: %+v then %+v", s, again)
		}
		err = s.Validate(func(k string) bool { return known[k] }, time.Now())
		if err != nil && (jigsaw.ErrorCode(err) != jigsaw.EINVALID || len(jigsaw.FieldErrors(err)) == 0) {
			t.Fatalf("refusal without field errors: %v", err)
		}
		for field := range problems {
			if field != "organisations" {
				t.Fatalf("form reading reported field %q", field)
			}
		}
	})
}
