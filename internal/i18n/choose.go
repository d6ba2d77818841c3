package i18n

import (
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// CookieName is the cookie that keeps a reader's choice of language.
const CookieName = "lang"

// QueryParam, on any page's address (?lang=cy), serves the page in that
// language and keeps the choice in the cookie.
const QueryParam = "lang"

var matcher = language.NewMatcher([]language.Tag{langInfo[English].tag, langInfo[Welsh].tag})

// FromAcceptLanguage is the language offered that best fits an
// Accept-Language header; English when none fits.
func FromAcceptLanguage(h string) Lang {
	// Most readers ask for no Welsh at all: they need no parsing.
	if !containsFold(h, "cy") {
		return English
	}
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No || i < 0 || i >= len(All) {
		return English
	}
	return All[i]
}

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// Choose is the language r is to be answered in: the one asked for with
// ?lang=, else the one kept in the cookie, else the best fit to the
// browser's Accept-Language, else English. set reports that ?lang= asked
// for a language the cookie does not already keep, so the answer should
// set the cookie.
func Choose(r *http.Request) (l Lang, set bool) {
	kept, hasCookie := fromCookie(r)
	if strings.Contains(r.URL.RawQuery, QueryParam+"=") {
		if asked, ok := Parse(r.URL.Query().Get(QueryParam)); ok {
			return asked, !hasCookie || asked != kept
		}
	}
	if hasCookie {
		return kept, false
	}
	return FromAcceptLanguage(r.Header.Get("Accept-Language")), false
}

func fromCookie(r *http.Request) (Lang, bool) {
	if !strings.Contains(r.Header.Get("Cookie"), CookieName+"=") {
		return English, false
	}
	c, err := r.Cookie(CookieName)
	if err != nil {
		return English, false
	}
	return Parse(c.Value)
}

// Cookie is the cookie that keeps l for a year; secure when the site is
// served over HTTPS.
func Cookie(l Lang, secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: l.Code(), Path: "/", MaxAge: 365 * 24 * 60 * 60,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}

// Handler puts the language chosen for each request (Choose) in its
// context, and sets the cookie when ?lang= changed the choice.
func Handler(next http.Handler, secure bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, set := Choose(r)
		if set {
			http.SetCookie(w, Cookie(l, secure))
		}
		if l != English {
			r = r.WithContext(NewContext(r.Context(), l))
		}
		next.ServeHTTP(w, r)
	})
}
