package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jigsaw"
)

// recordKind is one kind of record that editors keep through a form:
// dangers, disputes, organisations. Its fields, checks and template are its
// own; showing the form, reading it, saving, and showing it again with every
// mistake marked is the flow below, the same for every kind.
type recordKind[T comparable] struct {
	template string // the form's template
	noun     string // "danger": the page of a new one is "New danger"
	// blank returns the form of a new record.
	blank func() *Form
	// more is how many blank rows of each list the form offers when the
	// editor asks for more.
	more int
	// find returns the stored record named by the request's path.
	find func(r *http.Request) (T, error)
	// values fills a form with a stored record.
	values func(ctx context.Context, rec T) (url.Values, error)
	// read reads a record from a posted form: the form's errors are those
	// of reading it and, when there are any, the record's own checks, so
	// that every mistake shows at once. old is the record edited (zero
	// for a new one), for what the form does not carry, such as its ID.
	read func(ctx context.Context, v url.Values, old T) (T, *Form)
	// create and update store the record.
	create, update func(ctx context.Context, rec T) error
	// address is where a stored record is shown; formAddress where its
	// form is posted (for a zero rec, the new record's form).
	address, formAddress func(rec T) string
	// fixErrors moves messages from the store's field names to the
	// inputs of the form that hold them.
	fixErrors func(fields map[string]string)
	// view builds the page's view around what every form shows.
	view func(ctx context.Context, ef EditForm, rec T) (any, error)
	// title names a stored record.
	title func(rec T) string
}

// EditForm is what every editor's form shows, whatever it edits.
type EditForm struct {
	Page
	Form   *Form
	Action string
}

// versionField is the form's hidden input carrying the version of the
// record the editor opened, so that saving over another editor's change is
// refused (jigsaw's ECONFLICT) rather than silently overwriting it.
const versionField = "version"

// formVersion reads the version the form was opened at.
func formVersion(v url.Values) int64 {
	n, _ := strconv.ParseInt(v.Get(versionField), 10, 64)
	return max(n, 0)
}

// FormRoutes are the handlers of one kind's forms: the new record's form
// and its post, a stored record's form and its post.
type FormRoutes struct {
	New, Create, Edit, Update http.HandlerFunc
}

func formRoutes[T comparable](p *Pages, kind func() *recordKind[T]) FormRoutes {
	return FormRoutes{
		New:    func(w http.ResponseWriter, r *http.Request) { editNew(p, kind(), w, r) },
		Create: func(w http.ResponseWriter, r *http.Request) { editSave(p, kind(), w, r, false) },
		Edit:   func(w http.ResponseWriter, r *http.Request) { editOpen(p, kind(), w, r) },
		Update: func(w http.ResponseWriter, r *http.Request) { editSave(p, kind(), w, r, true) },
	}
}

// DangerForms are the forms that record and edit dangers.
func (p *Pages) DangerForms() FormRoutes { return formRoutes(p, p.dangers) }

// DisputeForms are the forms that record and edit disputes; their steps
// have a page of their own.
func (p *Pages) DisputeForms() FormRoutes { return formRoutes(p, p.disputes) }

// OrganisationForms are the forms that add and edit organisations.
func (p *Pages) OrganisationForms() FormRoutes { return formRoutes(p, p.organisations) }

// editNew shows the form for a new record.
func editNew[T comparable](p *Pages, k *recordKind[T], w http.ResponseWriter, r *http.Request) {
	var zero T
	renderEdit(p, k, w, r, http.StatusOK, k.blank(), zero)
}

// editOpen shows the form for a stored record.
func editOpen[T comparable](p *Pages, k *recordKind[T], w http.ResponseWriter, r *http.Request) {
	rec, err := k.find(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	v, err := k.values(r.Context(), rec)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	renderEdit(p, k, w, r, http.StatusOK, newForm(v), rec)
}

// editSave stores a posted form: a new record, or (edit) the one of the
// path. A mistake shows the form again with every message, the values as
// typed, and status 422 (409 when the record changed meanwhile).
func editSave[T comparable](p *Pages, k *recordKind[T], w http.ResponseWriter, r *http.Request, edit bool) {
	ctx := r.Context()
	var old T
	if edit {
		var err error
		if old, err = k.find(r); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	v, err := parseForm(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	rec, form := k.read(ctx, v, old)
	if v.Get("more") != "" {
		form.Errors, form.Extra = map[string]string{}, k.more
		renderEdit(p, k, w, r, http.StatusOK, form, old)
		return
	}
	status, done := p.saveForm(w, r, form, func() (string, error) {
		save := k.create
		if edit {
			save = k.update
		}
		if err := save(ctx, rec); err != nil {
			return "", err
		}
		return k.address(rec), nil
	})
	if done {
		return
	}
	if k.fixErrors != nil {
		k.fixErrors(form.Errors)
	}
	renderEdit(p, k, w, r, status, form, old)
}

func renderEdit[T comparable](p *Pages, k *recordKind[T], w http.ResponseWriter, r *http.Request, status int, form *Form, rec T) {
	var zero T
	ef := EditForm{Page: p.page(r, "New "+k.noun), Form: form, Action: k.formAddress(rec)}
	if rec != zero {
		ef.Title = "Edit: " + k.title(rec)
	}
	view, err := k.view(r.Context(), ef, rec)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, status, k.template, view)
}

// saveForm runs save when the form was read without mistakes. Saved, it
// redirects to the address save returns. A mistake of the editor's
// (EINVALID, ECONFLICT) is added to the form, which the caller shows again
// with the status returned; any other error gets the error page. done
// reports that an answer was sent.
func (p *Pages) saveForm(w http.ResponseWriter, r *http.Request, form *Form, save func() (string, error)) (status int, done bool) {
	if len(form.Errors) > 0 {
		return http.StatusUnprocessableEntity, false
	}
	to, err := save()
	if err == nil {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return 0, true
	}
	if !formError(err) {
		p.Error(w, r, err)
		return 0, true
	}
	pr := tr(r)
	form.addErrors(translateErrors(pr, jigsaw.FieldErrors(err)))
	if _, ok := form.Errors[versionField]; ok {
		// The version is a hidden input: its message goes at the top.
		delete(form.Errors, versionField)
		form.Errors["form"] = pr.Text(jigsaw.ErrorMessage(err))
	}
	if len(form.Errors) == 0 {
		form.Errors["form"] = pr.Text(jigsaw.ErrorMessage(err))
	}
	return formStatus(err), false
}

// checkable is a record that tidies and checks itself.
type checkable[T any] interface {
	*T
	Normalize()
	Validate() error
}

// addChecks adds to form the problems found reading it and, when there are
// any, the record's own checks on a tidied copy, so that every mistake
// shows at once rather than the reading's first.
func addChecks[T any, P checkable[T]](form *Form, read jigsaw.Problems, rec P) {
	form.addErrors(read)
	if len(form.Errors) > 0 {
		check := P(new(T))
		*check = *rec
		check.Normalize()
		form.addErrors(jigsaw.FieldErrors(check.Validate()))
	}
}

// formValues fills a form with a stored record's values.
type formValues url.Values

// set sets name to s, unless s is empty.
func (v formValues) set(name, s string) {
	if s != "" {
		url.Values(v).Set(name, s)
	}
}

// formChoices are what the forms of dangers and disputes offer: the
// instance's key issues, and the names of organisations to pick from.
func (p *Pages) formChoices(ctx context.Context) ([]jigsaw.KeyIssue, error) {
	return p.Store.KeyIssues(ctx)
}

// RecordView is the view of a record's own page: the record, the names of
// the instance's key issues, and for editors the record's edit history.
type RecordView[T any] struct {
	Page
	Record    T
	KeyIssues map[string]string
	Revisions []*jigsaw.Revision // for editors only
}

// showRecord serves the page of the record whose number is the path's
// {id}. find reads it as the caller may see it: editors see drafts, and
// the edit history of objectType.
func showRecord[T any](p *Pages, w http.ResponseWriter, r *http.Request, template, objectType string,
	find func(ctx context.Context, id int64, editor bool) (T, error), title func(T) string) {
	ctx := r.Context()
	id, ok := pathID(r)
	if !ok {
		p.NotFound(w, r)
		return
	}
	editor := canEdit(jigsaw.UserFromContext(ctx))
	rec, err := find(ctx, id, editor)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	names, err := p.keyIssueNames(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view := RecordView[T]{Page: p.page(r, title(rec)), Record: rec, KeyIssues: names}
	if editor {
		if view.Revisions, err = p.Edit.FindRevisions(ctx, objectType, id); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	p.Render(w, r, http.StatusOK, template, view)
}
