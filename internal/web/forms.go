package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/i18n"
)

// Form is an editor's form as typed, with a message for each bad field.
// Field names are the API's JSON paths ("sources[0].url"), so one error
// from the store marks the right input whether it came from a form or
// from JSON. Lists are rows of inputs named list[i].field; the form always
// offers Extra blank rows, which work without JavaScript.
type Form struct {
	Values url.Values
	Errors map[string]string
	Extra  int
}

// maxRows caps how many rows of one list a form may carry.
const maxRows = 100

func newForm(v url.Values) *Form {
	if v == nil {
		v = url.Values{}
	}
	return &Form{Values: v, Errors: map[string]string{}, Extra: 2}
}

// Get returns the value typed for name.
func (f *Form) Get(name string) string { return f.Values.Get(name) }

// Err returns the message for name, or "".
func (f *Form) Err(name string) string { return f.Errors[name] }

// Has reports whether value is among the values of name (checkboxes).
func (f *Form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// ErrorList returns the messages in a stable order, for the summary at the
// top of the form.
func (f *Form) ErrorList() []FieldError {
	out := make([]FieldError, 0, len(f.Errors))
	for k, v := range f.Errors {
		out = append(out, FieldError{Field: k, Message: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// FieldError is one line of a form's error summary.
type FieldError struct{ Field, Message string }

// Rows returns the row numbers to show for list: every row typed, then
// Extra blank ones.
func (f *Form) Rows(list string) []int {
	n := rowCount(f.Values, list)
	out := make([]int, 0, n+f.Extra)
	for i := 0; i < n+f.Extra && i < maxRows; i++ {
		out = append(out, i)
	}
	return out
}

var rowKeyRE = regexp.MustCompile(`^([a-z_]+)\[(\d+)\]\.([a-z_]+)$`)

// rowCount is one more than the highest row number of list in v.
func rowCount(v url.Values, list string) int {
	n := 0
	for k := range v {
		if m := rowKeyRE.FindStringSubmatch(k); m != nil && m[1] == list {
			if i, err := strconv.Atoi(m[2]); err == nil && i < maxRows && i+1 > n {
				n = i + 1
			}
		}
	}
	return n
}

// rowName is the input name of field in row i of list.
func rowName(list string, i int, field string) string {
	return fmt.Sprintf("%s[%d].%s", list, i, field)
}

// compactRows drops the blank rows of list and numbers the rest from 0, so
// that the rows the store sees and the rows shown again agree. A row is
// blank when its typed fields are empty: its selects (choices) always have
// a value and do not count.
func compactRows(v url.Values, list string, fields, choices []string) {
	n := rowCount(v, list)
	fields = append(append([]string(nil), fields...), choices...)
	var rows []map[string]string
	for i := 0; i < n; i++ {
		row := map[string]string{}
		blank := true
		for j, f := range fields {
			s := strings.TrimSpace(v.Get(rowName(list, i, f)))
			row[f] = s
			if s != "" && j < len(fields)-len(choices) {
				blank = false
			}
			v.Del(rowName(list, i, f))
		}
		if !blank {
			rows = append(rows, row)
		}
	}
	for i, row := range rows {
		for _, f := range fields {
			v.Set(rowName(list, i, f), row[f])
		}
	}
}

// parseForm reads a posted form, answering a body that is too large or
// unreadable with the right status.
func parseForm(r *http.Request) (url.Values, error) {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, jigsaw.Errorf(jigsaw.EINVALID, "The form could not be read.")
	}
	// No text of ours holds a NUL character, and PostgreSQL cannot store
	// one: refused here alike on both engines.
	p := jigsaw.Problems{}
	for name, vals := range r.PostForm {
		for _, v := range vals {
			if strings.ContainsRune(name+v, 0) {
				p.Add(strings.ReplaceAll(name, "\x00", "\\0"), "must not contain a NUL character.")
			}
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return r.PostForm, nil
}

// addErrors merges the problems the domain or the store found into those
// found while reading the form; the first message for a field wins.
func (f *Form) addErrors(fields map[string]string) {
	for k, v := range fields {
		if _, ok := f.Errors[k]; !ok {
			f.Errors[k] = v
		}
	}
}

// foldErrors moves the messages of list items ("stories[1]") onto the
// single input that holds the list ("stories").
func foldErrors(fields map[string]string, list string) {
	var msgs []string
	for k, v := range fields {
		if strings.HasPrefix(k, list+"[") {
			msgs = append(msgs, v)
			delete(fields, k)
		}
	}
	if len(msgs) > 0 {
		sort.Strings(msgs)
		if old, ok := fields[list]; ok {
			msgs = append([]string{old}, msgs...)
		}
		fields[list] = strings.Join(msgs, " ")
	}
}

// formStatus is the status to re-show a form with after err.
func formStatus(err error) int {
	if jigsaw.ErrorCode(err) == jigsaw.ECONFLICT {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// formError reports whether err is the caller's mistake that the form can
// show field by field (rather than an error page).
func formError(err error) bool {
	switch jigsaw.ErrorCode(err) {
	case jigsaw.EINVALID, jigsaw.ECONFLICT:
		return true
	}
	return false
}

// reader reads typed values from a form, noting each bad one in the
// language of pr (English when nil).
type reader struct {
	v  url.Values
	p  jigsaw.Problems
	pr *i18n.Printer
}

// msg is the message key in the reader's language.
func (rd *reader) msg(key string, args ...any) string {
	if rd.pr == nil {
		return i18n.English.Printer().Sprintf(key, args...)
	}
	return rd.pr.Sprintf(key, args...)
}

func (rd *reader) text(name string) string { return strings.TrimSpace(rd.v.Get(name)) }

var groupedRE = regexp.MustCompile(`^-?\d{1,3}(,\d{3})+$`)

// int reads a whole number that is not negative, with or without commas
// between thousands; "" is 0.
func (rd *reader) int(name, label string) int {
	s := rd.text(name)
	if s == "" {
		return 0
	}
	if groupedRE.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		rd.p.Add(name, rd.msg("%s must be a whole number.", label))
	case n < 0:
		rd.p.Add(name, rd.msg("%s cannot be negative.", label))
	}
	return max(n, 0)
}

// pence reads a sum of money in pounds; "" is 0.
func (rd *reader) pence(name, label string) int64 {
	s := rd.text(name)
	if s == "" {
		return 0
	}
	p, err := jigsaw.ParsePence(s)
	if errors.Is(err, jigsaw.ErrNegative) {
		rd.p.Add(name, rd.msg("%s cannot be negative.", label))
	} else if err != nil {
		rd.p.Add(name, rd.msg("%s %s: write it as £1,234.56 or £2.5m.", label, err))
	}
	return p
}

// percent reads a percentage as basis points; "" is 0.
func (rd *reader) percent(name, label string) int {
	s := rd.text(name)
	if s == "" {
		return 0
	}
	bp, err := jigsaw.ParseBasisPoints(s)
	if errors.Is(err, jigsaw.ErrNegative) {
		rd.p.Add(name, rd.msg("%s cannot be negative.", label))
	} else if err != nil {
		rd.p.Add(name, rd.msg("%s %s: write it as 47.5 or 47.5%%.", label, err))
	}
	return bp
}

var idListRE = regexp.MustCompile(`\d+`)

// ids reads record numbers separated by commas or spaces; a pasted address
// such as /stories/12 gives 12.
func (rd *reader) ids(name, label string) []jigsaw.LinkRef {
	var out []jigsaw.LinkRef
	for _, part := range strings.FieldsFunc(rd.text(name), func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' || r == '\r' }) {
		nums := idListRE.FindAllString(part, -1)
		if len(nums) == 0 {
			rd.p.Add(name, rd.msg("%s: give numbers separated by commas.", label))
			continue
		}
		id, err := strconv.ParseInt(nums[len(nums)-1], 10, 64)
		if err != nil || id <= 0 {
			rd.p.Add(name, rd.msg("%s: give numbers separated by commas.", label))
			continue
		}
		out = append(out, jigsaw.LinkRef{ID: id})
	}
	return out
}

// lines splits a textarea into its non-empty lines.
func (rd *reader) lines(name string) []string {
	var out []string
	for _, l := range strings.Split(rd.v.Get(name), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// orgFinder finds the organisations editors name in forms.
type orgFinder interface {
	jigsaw.OrganisationService
	PickerStore
}

// organisation finds the organisation an editor named in a form: by
// number, slug, ODS code, Companies House number or exact name. A name
// that names none is refused naming those it may have meant.
func (rd *reader) organisation(ctx context.Context, st orgFinder, name string) int64 {
	s := rd.text(name)
	if s == "" {
		return 0
	}
	o, err := findOrganisationByAnyKey(ctx, st, s)
	if err != nil {
		if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
			rd.p.Add(name, rd.msg("No organisation is called “%s”: check the name, or add the organisation first.", s)+rd.didYouMean(ctx, st, s))
		} else {
			rd.p.Add(name, jigsaw.ErrorMessage(err))
		}
		return 0
	}
	return o.ID
}

func findOrganisationByAnyKey(ctx context.Context, st jigsaw.OrganisationService, s string) (*jigsaw.Organisation, error) {
	try := func(o *jigsaw.Organisation, err error) (*jigsaw.Organisation, bool, error) {
		switch jigsaw.ErrorCode(err) {
		case "":
			return o, true, nil
		case jigsaw.ENOTFOUND:
			return nil, false, nil
		}
		return nil, false, err
	}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if o, ok, err := try(st.FindOrganisationByID(ctx, id)); ok || err != nil {
			return o, err
		}
	}
	for _, slug := range []string{s, jigsaw.Slugify(s)} {
		if o, ok, err := try(st.FindOrganisationBySlug(ctx, slug)); ok || err != nil {
			return o, err
		}
	}
	if o, ok, err := try(st.FindOrganisationByODSCode(ctx, s)); ok || err != nil {
		return o, err
	}
	if o, ok, err := try(st.FindOrganisationByCompanyNumber(ctx, s)); ok || err != nil {
		return o, err
	}
	// Names that slugify alike but differ in case or punctuation.
	list, _, err := st.FindOrganisations(ctx, jigsaw.OrganisationFilter{Query: s, Limit: 20})
	if err != nil {
		return nil, err
	}
	for _, o := range list {
		if strings.EqualFold(o.Name, strings.Join(strings.Fields(s), " ")) {
			return o, nil
		}
	}
	return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Organisation not found.")
}
