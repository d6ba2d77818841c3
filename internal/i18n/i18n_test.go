package i18n

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPrinterEnglishIsTheKey(t *testing.T) {
	p := English.Printer()
	for _, c := range []struct {
		key  string
		args []any
		want string
	}{
		{"Tell your story", nil, "Tell your story"},
		{"100%% of them", nil, "100% of them"},
		{"Since %d", []any{2024}, "Since 2024"}, // no digit grouping: fmt's formatting
		{"Contact: %s", []any{"a@b.org"}, "Contact: a@b.org"},
	} {
		if got := p.Sprintf(c.key, c.args...); got != c.want {
			t.Errorf("Sprintf(%q) = %q, want %q", c.key, got, c.want)
		}
	}
	if got := p.Text("50% off"); got != "50% off" {
		t.Errorf("Text = %q", got)
	}
}

func TestPrinterWelsh(t *testing.T) {
	p := Welsh.Printer()
	if got := p.Sprintf("Stories"); got != "Straeon" {
		t.Errorf("Stories = %q", got)
	}
	if got := p.Sprintf("Contact: %s", "a@b.org"); got != "Cyswllt: a@b.org" {
		t.Errorf("Contact = %q", got)
	}
	if got := p.Sprintf("Not in the catalogue %d", 3); got != "Not in the catalogue 3" {
		t.Errorf("missing key = %q, want the English", got)
	}
	if got := p.Text("Patient"); got != "Claf" {
		t.Errorf("Text(Patient) = %q", got)
	}
	if got := p.Text("Contact: %s"); got != "Contact: %s" {
		t.Errorf("Text of a format = %q, want it untouched", got)
	}
}

func TestPlurals(t *testing.T) {
	en := newPrinter(English, nil, map[string]Plural{"%d stories": {One: "%d story", Other: "%d stories"}})
	cy := newPrinter(Welsh, map[string]string{"Stories": "Straeon"},
		map[string]Plural{"%d stories": {Zero: "%d stori (0)", One: "%d stori (1)", Two: "%d stori (2)", Few: "%d stori (3)", Many: "%d stori (6)", Other: "%d o straeon"}})
	for _, c := range []struct {
		p    *Printer
		arg  any
		want string
	}{
		{en, 1, "1 story"}, {en, 0, "0 stories"}, {en, 2, "2 stories"}, {en, int64(21), "21 stories"},
		{cy, 0, "0 stori (0)"}, {cy, 1, "1 stori (1)"}, {cy, 2, "2 stori (2)"}, {cy, 3, "3 stori (3)"},
		{cy, 6, "6 stori (6)"}, {cy, 7, "7 o straeon"}, {cy, 100, "100 o straeon"},
	} {
		if got := c.p.Sprintf("%d stories", c.arg); got != c.want {
			t.Errorf("%s: %v stories = %q, want %q", c.p.Lang(), c.arg, got, c.want)
		}
	}
	// A translation wins over the English plural of its key.
	cy2 := newPrinter(Welsh, map[string]string{"%d days": "%d diwrnod"}, nil, map[string]Plural{"%d days": {One: "%d day", Other: "%d days"}})
	if got := cy2.Sprintf("%d days", 1); got != "1 diwrnod" {
		t.Errorf("Welsh text under an English plural: %q", got)
	}
	// A count already written for people picks the form too.
	en2 := newPrinter(English, nil, map[string]Plural{"%s workers": {One: "%s worker", Other: "%s workers"}})
	if got := en2.Sprintf("%s workers", "1"); got != "1 worker" {
		t.Errorf("1 worker: %q", got)
	}
	if got := en2.Sprintf("%s workers", "1,234"); got != "1,234 workers" {
		t.Errorf("1,234 workers: %q", got)
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for h, want := range map[string]Lang{
		"":                         English,
		"cy":                       Welsh,
		"CY-gb":                    Welsh,
		"cy-GB,cy;q=0.9,en;q=0.8":  Welsh,
		"en-GB,en;q=0.9,cy;q=0.8":  English,
		"fr-FR,fr;q=0.9,cy;q=0.5":  Welsh,
		"en-US":                    English,
		"de":                       English,
		"fancy":                    English,
		"garbage;;;,cy;q=nonsense": English,
		"en;q=0.1, cy;q=0.9":       Welsh,
		"*":                        English,
		"cy;q=0":                   English,
	} {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", h, got, want)
		}
	}
}

func TestChoose(t *testing.T) {
	for _, c := range []struct {
		url, cookie, accept string
		want                Lang
		set                 bool
	}{
		{"/", "", "", English, false},
		{"/", "", "cy", Welsh, false},
		{"/?lang=cy", "", "", Welsh, true},
		{"/?lang=cy", "lang=cy", "", Welsh, false},
		{"/?lang=en", "lang=cy", "cy", English, true},
		{"/?lang=xx", "lang=cy", "", Welsh, false},
		{"/", "lang=cy", "en", Welsh, false},
		{"/", "lang=en", "cy", English, false},
		{"/", "lang=zz", "cy", Welsh, false},
		{"/stories?page=2&lang=CY", "other=1", "", Welsh, true},
	} {
		r := httptest.NewRequest("GET", c.url, nil)
		if c.cookie != "" {
			r.Header.Set("Cookie", c.cookie)
		}
		if c.accept != "" {
			r.Header.Set("Accept-Language", c.accept)
		}
		l, set := Choose(r)
		if l != c.want || set != c.set {
			t.Errorf("%s cookie %q accept %q: %s set=%v, want %s set=%v", c.url, c.cookie, c.accept, l, set, c.want, c.set)
		}
	}
}

func TestTags(t *testing.T) {
	for _, l := range All {
		if l.Tag() != langInfo[l].tag.String() {
			t.Errorf("%s: tag %q, want %q", l, l.Tag(), langInfo[l].tag)
		}
		if got, ok := Parse(l.Tag()); !ok || got != l {
			t.Errorf("Parse(%q) = %s %v", l.Tag(), got, ok)
		}
	}
}

func TestCookie(t *testing.T) {
	s := Cookie(Welsh, true).String()
	for _, want := range []string{"lang=cy", "Path=/", "Max-Age=31536000", "SameSite=Lax", "Secure", "HttpOnly"} {
		if !strings.Contains(s, want) {
			t.Errorf("cookie %q lacks %q", s, want)
		}
	}
}

func TestWelshKeepsTheVerbs(t *testing.T) {
	for k, v := range welsh {
		if verbs(k) != verbs(v) {
			t.Errorf("%q → %q: the verbs differ", k, v)
		}
	}
	for k, pl := range englishPlurals {
		for _, f := range []string{pl.One, pl.Other} {
			if verbs(f) != verbs(k) {
				t.Errorf("%q → %q: the verbs differ", k, f)
			}
		}
	}
	if got := English.Printer().Sprintf("%s workers", "1"); got != "1 worker" {
		t.Errorf("1 worker: %q", got)
	}
	if got := Welsh.Printer().Sprintf("%s workers", "1,200"); got != "1,200 o weithwyr" {
		t.Errorf("1,200 workers in Welsh: %q", got)
	}
	for k, pl := range welshPlurals {
		for _, f := range []string{pl.Zero, pl.One, pl.Two, pl.Few, pl.Many, pl.Other} {
			if f != "" && verbs(f) != verbs(k) {
				t.Errorf("%q → %q: the verbs differ", k, f)
			}
		}
	}
}

// verbs lists the fmt verbs of a format, in order.
func verbs(s string) string {
	var b strings.Builder
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			if s[i+1] == '%' {
				i++
				continue
			}
			b.WriteByte(s[i+1])
		}
	}
	return b.String()
}
