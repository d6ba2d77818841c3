// Package i18n is what makes Jigsaw's pages readable in more than one
// language: the languages offered, the message catalogue, and how a
// request's language is chosen.
//
// Every user-facing string of the web pages is a key in English, written
// as a fmt format ("%d stories", a literal percent sign written %%). A
// Printer turns a key into the reader's language: English is complete by
// construction (the key is the English text), and the other languages
// have entries keyed by the English text (welsh.go). A key without an
// entry is shown in English. A message whose wording depends on a number
// (a Plural) picks its form by that language's plural rules (CLDR, from
// golang.org/x/text/feature/plural) applied to the first integer argument.
//
// Formatting is fmt's, not golang.org/x/text/message's: that printer
// groups the digits of every %d ("since 2,024"), and dates and money are
// written in en-GB in every language by the page's own functions.
//
// The JSON API and the mail sent to tellers stay in English.
package i18n

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Lang is a language the pages are offered in.
type Lang uint8

// The languages offered. English is the default and the first.
const (
	English Lang = iota
	Welsh
)

// All lists every language offered, in the order the language switch
// shows them. It is an array, so that len(All) sizes the tables kept per
// language.
var All = [...]Lang{English, Welsh}

var langInfo = [...]struct {
	tag    language.Tag
	tagStr string // tag as a string, made once: pages ask for it each time
	code   string // ?lang= and the cookie
	name   string // in the language itself
}{
	English: {language.BritishEnglish, "en-GB", "en", "English"},
	Welsh:   {language.MustParse("cy"), "cy", "cy", "Cymraeg"},
}

// Tag is the language's BCP 47 tag, for <html lang>, hreflang and
// Content-Language: "en-GB" or "cy".
func (l Lang) Tag() string { return langInfo[l].tagStr }

// Code is the short name used in ?lang= and the language cookie: "en" or
// "cy".
func (l Lang) Code() string { return langInfo[l].code }

// Name is the language's name in that language, as the switch shows it.
func (l Lang) Name() string { return langInfo[l].name }

func (l Lang) String() string { return l.Code() }

// Parse reads a language code ("cy", "en", "en-GB", any case); ok is false
// for a language not offered.
func Parse(s string) (l Lang, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, l := range All {
		if s == l.Code() || s == strings.ToLower(l.Tag()) {
			return l, true
		}
	}
	return English, false
}

type contextKey struct{}

// NewContext returns ctx carrying l. English is the default, so a request
// in English needs no value of its own.
func NewContext(ctx context.Context, l Lang) context.Context {
	if l == English && ctx.Value(contextKey{}) == nil {
		return ctx
	}
	return context.WithValue(ctx, contextKey{}, l)
}

// FromContext returns the language in ctx, English if none.
func FromContext(ctx context.Context) Lang {
	if l, ok := ctx.Value(contextKey{}).(Lang); ok {
		return l
	}
	return English
}

// Plural is a message whose wording depends on a count: the first integer
// argument of the call. Forms left empty fall back to Other. Welsh uses
// all six forms (0, 1, 2, 3, 6, other); English only One and Other.
type Plural struct {
	Zero, One, Two, Few, Many, Other string
}

func (p Plural) form(tag language.Tag, n int) string {
	if n < 0 {
		n = -n
	}
	var s string
	switch plural.Cardinal.MatchPlural(tag, n%10000000, 0, 0, 0, 0) {
	case plural.Zero:
		s = p.Zero
	case plural.One:
		s = p.One
	case plural.Two:
		s = p.Two
	case plural.Few:
		s = p.Few
	case plural.Many:
		s = p.Many
	}
	if s == "" {
		s = p.Other
	}
	return s
}

// Printer writes messages in one language.
type Printer struct {
	lang    Lang
	tag     language.Tag
	text    map[string]string // key → translation, a fmt format
	plurals map[string]Plural // key → forms, each a fmt format
	plain   map[string]string // key → the translation printed without arguments
}

func newPrinter(l Lang, text map[string]string, plurals ...map[string]Plural) *Printer {
	p := &Printer{lang: l, tag: langInfo[l].tag, text: text, plurals: map[string]Plural{}, plain: map[string]string{}}
	for i := len(plurals) - 1; i >= 0; i-- { // the first map given wins
		for k, v := range plurals[i] {
			_, translated := text[k]
			if i == 0 || !translated { // a translation wins over another language's plural
				p.plurals[k] = v
			}
		}
	}
	for k, v := range text {
		if _, ok := p.plurals[k]; !ok && !hasVerb(k) {
			p.plain[k] = strings.ReplaceAll(v, "%%", "%")
		}
	}
	return p
}

var printers = [...]*Printer{
	English: newPrinter(English, nil, englishPlurals),
	Welsh:   newPrinter(Welsh, welsh, welshPlurals, englishPlurals),
}

// Printer returns the printer of l.
func (l Lang) Printer() *Printer { return printers[l] }

// Lang is the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// Sprintf is the message key in the printer's language, formatted as fmt
// does with args. A key the catalogue lacks is printed as it is: in
// English.
func (p *Printer) Sprintf(key string, args ...any) string {
	if len(args) == 0 {
		if s, ok := p.plain[key]; ok {
			return s
		}
		if _, ok := p.plurals[key]; !ok && strings.IndexByte(key, '%') < 0 {
			return key // most of a page's text: no copy, no formatting
		}
	}
	format := key
	if pl, ok := p.plurals[key]; ok {
		format = pl.form(p.tag, firstInt(args))
	} else if s, ok := p.text[key]; ok {
		format = s
	}
	return fmt.Sprintf(format, args...)
}

// Text is s in the printer's language when the catalogue has it as a key
// without arguments, and s itself otherwise. It is for text that is not a
// format: labels, and the messages of errors made elsewhere, which may hold
// a percent sign of their own.
func (p *Printer) Text(s string) string {
	if t, ok := p.plain[s]; ok {
		return t
	}
	return s
}

// Format is the catalogue's format for key in the printer's language (key
// itself where there is none), unformatted: for a format that is filled in
// later, as a consent's wording is with the name the teller chose.
func (p *Printer) Format(key string) string {
	if t, ok := p.text[key]; ok {
		return t
	}
	return key
}

// Has reports whether the catalogue has an entry of its own for key in
// the printer's language (English has entries only for plurals).
func (p *Printer) Has(key string) bool {
	_, ok := p.text[key]
	if !ok {
		_, ok = p.plurals[key]
	}
	return ok
}

// hasVerb reports whether the format s takes an argument.
func hasVerb(s string) bool { return strings.Contains(strings.ReplaceAll(s, "%%", ""), "%") }

// firstInt is the count a Plural follows: the first argument that is an
// integer, or a string of digits such as a count written for people
// ("1,234").
func firstInt(args []any) int {
	for _, a := range args {
		switch n := a.(type) {
		case int:
			return n
		case int64:
			return int(n % 10000000)
		case int32:
			return int(n)
		case uint:
			return int(n % 10000000)
		case uint64:
			return int(n % 10000000)
		case string:
			if v, ok := digits(n); ok {
				return v
			}
		}
	}
	return 0
}

// digits reads "1,234" or "17" as a number.
func digits(s string) (int, bool) {
	n, seen := 0, false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			n = (n*10 + int(c-'0')) % 10000000
			seen = true
		case c == ',' && seen:
		default:
			return 0, false
		}
	}
	return n, seen
}

// Keys lists every key l's own catalogue has an entry for (Welsh: welsh.go;
// English: its plurals), for the test that keeps the catalogue from
// holding keys no page uses any more.
func Keys(l Lang) []string {
	var out []string
	for k := range ownText[l] {
		out = append(out, k)
	}
	for k := range ownPlurals[l] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var (
	ownText    = [...]map[string]string{Welsh: welsh}
	ownPlurals = [...]map[string]Plural{English: englishPlurals, Welsh: welshPlurals}
)
