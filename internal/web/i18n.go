package web

import (
	"net/http"
	"strings"

	"jigsaw"
	"jigsaw/internal/i18n"
)

// The pages in the reader's language. The templates' text goes through t
// (funcs); the text made in Go goes through tr(r). Both look the English
// up in the catalogue of internal/i18n.

// tr is the request's printer: text made in Go for a page goes through it
// (tr(r).Sprintf("Sign in")), as the templates' text goes through t.
func tr(r *http.Request) *i18n.Printer { return i18n.FromContext(r.Context()).Printer() }

// translateChoices is choices with their labels in pr's language.
func translateChoices[T ~string](pr *i18n.Printer, choices []jigsaw.Choice[T]) []jigsaw.Choice[T] {
	out := make([]jigsaw.Choice[T], len(choices))
	for i, c := range choices {
		out[i] = jigsaw.Choice[T]{Value: c.Value, Label: pr.Text(c.Label)}
	}
	return out
}

// translateWording is the consent wording in pr's language. What is kept
// with a consent is the English wording (jigsaw.ConsentWording).
func translateWording(pr *i18n.Printer, wording map[string]string) map[string]string {
	out := make(map[string]string, len(wording))
	for k, v := range wording {
		if strings.Contains(v, "%s") {
			out[k] = pr.Format(v) // filled in later, with the name chosen
		} else {
			out[k] = pr.Text(v)
		}
	}
	return out
}

// translateForm is f with its messages, which the domain writes in
// English, in pr's language where the catalogue has them.
func translateForm(pr *i18n.Printer, f SimpleForm) SimpleForm {
	if pr.Lang() == i18n.English {
		return f
	}
	f.Message = pr.Text(f.Message)
	f.Errors = translateErrors(pr, f.Errors)
	return f
}

// translateErrors is the messages of the fields in pr's language where
// the catalogue has them.
func translateErrors(pr *i18n.Printer, fields map[string]string) map[string]string {
	if pr.Lang() == i18n.English || fields == nil {
		return fields
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[k] = pr.Text(v)
	}
	return out
}
