package web

import (
	"net/http"
	"net/url"

	"jigsaw"
	"jigsaw/internal/server/respond"
)

// SimpleForm is what the flat forms (sign-in, story submission,
// moderation, admin) need to show themselves again after a mistake: the
// values as typed, a message per field, and one for the whole form. The
// editors' forms with rows of inputs use Form.
type SimpleForm struct {
	Values  url.Values
	Errors  map[string]string
	Message string
}

// Value returns the typed value of a field.
func (f SimpleForm) Value(name string) string { return f.Values.Get(name) }

// Has reports whether a checkbox or option was chosen.
func (f SimpleForm) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// formFromError fills a SimpleForm from a failed action's error, its
// messages, which the domain writes in English, in the request's language
// where the catalogue has them (internal/i18n).
func formFromError(r *http.Request, values url.Values, err error) SimpleForm {
	return translateForm(tr(r), SimpleForm{Values: values, Errors: jigsaw.FieldErrors(err), Message: respond.Message(err)})
}

// refusalStatus is the status of a page showing a refused flat form: 422
// for field mistakes (the form itself was readable), the error's own
// status otherwise (409, 429…).
func refusalStatus(err error) int {
	if jigsaw.ErrorCode(err) == jigsaw.EINVALID {
		return http.StatusUnprocessableEntity
	}
	return respond.Status(err)
}

// readForm reads a posted form for the flat forms.
func readForm(r *http.Request) error {
	_, err := parseForm(r)
	return err
}
