package web

import (
	"net/http"
	"net/url"

	"jigsaw"
	"jigsaw/internal/server/respond"
)

// Form is what a form page needs to show itself again after a mistake: the
// values as typed, a message per field, and one for the whole form.
type Form struct {
	Values  url.Values
	Errors  map[string]string
	Message string
}

// Value returns the typed value of a field.
func (f Form) Value(name string) string { return f.Values.Get(name) }

// Has reports whether a checkbox or option was chosen.
func (f Form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// formFromError fills a Form from a failed action's error.
func formFromError(values url.Values, err error) Form {
	return Form{Values: values, Errors: jigsaw.FieldErrors(err), Message: respond.Message(err)}
}

// formStatus is the status of a page showing a refused form: 422 for field
// mistakes (the form itself was readable), the error's own status otherwise.
func formStatus(err error) int {
	if jigsaw.ErrorCode(err) == jigsaw.EINVALID {
		return http.StatusUnprocessableEntity
	}
	return respond.Status(err)
}

// parseForm reads a posted form; a body that cannot be read is the caller's
// mistake (or too large), never ours.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		if respond.Status(err) == http.StatusRequestEntityTooLarge {
			return err
		}
		return jigsaw.Errorf(jigsaw.EINVALID, "The form could not be read.")
	}
	return nil
}
