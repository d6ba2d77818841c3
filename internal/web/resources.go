package web

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

const resourcesPerPage = 30

// ResourceListView is the view of /resources, the library.
type ResourceListView struct {
	Page
	Resources    []*jigsaw.Resource
	Pager        Pager
	Filter       jigsaw.ResourceFilter
	Organisation *jigsaw.Organisation
	Query        url.Values
	Kinds        []jigsaw.Choice[jigsaw.ResourceKind]
	KeyIssues    []jigsaw.KeyIssue
	Form         *Form // the filters typed, with a message for each refused one
}

// resourceFilterLabels names the fields of the library's filter form.
var resourceFilterLabels = map[string]string{"kind": "Kind", "issue": "Key issue", "organisation": "Organisation"}

// HandleResourceList serves /resources with its filters.
func (p *Pages) HandleResourceList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	f, list, err := listparams.Resources(ctx, p.Store, r.URL.Query(), resourcesPerPage)
	view := ResourceListView{Page: p.page(r, tr(r).Sprintf("Resources")), Query: r.URL.Query(), Kinds: jigsaw.ResourceKinds,
		KeyIssues: issues, Organisation: list.Organisation, Form: newForm(r.URL.Query())}
	if err != nil {
		// A refused filter shows on the form, over no resources (see
		// HandleStoryList).
		form, ok := filterForm(r.URL.Query(), err, resourceFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Filter, view.Form = f, form
		p.Render(w, r, http.StatusBadRequest, "resources", view)
		return
	}
	resources, total, err := p.Store.FindResources(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Resources, view.Filter = resources, f
	view.Pager = newPager(list, total, r.URL.Query())
	p.Render(w, r, http.StatusOK, "resources", view)
}

// HandleResource serves /resources/{id} with every version, and the edit
// history for editors.
func (p *Pages) HandleResource(w http.ResponseWriter, r *http.Request) {
	showRecord(p, w, r, "resource", jigsaw.ObjectResource,
		func(ctx context.Context, id int64, _ bool) (*jigsaw.Resource, error) {
			return p.Store.FindResourceByID(ctx, id)
		},
		func(res *jigsaw.Resource) string { return res.Title })
}

// HandleResourceFile serves /resources/{id}/files/{version}/{filename}:
// the file as stored, with the type found in its bytes when it was added.
// Only PDFs and pictures are shown in the browser; everything else is a
// download, and nothing is sniffed again by the browser, so no file can
// run as a page of this site. Versions never change, so the answer may be
// kept; the ETag is the file's SHA-256.
func (p *Pages) HandleResourceFile(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	number, ok2 := positiveID(r.PathValue("version"))
	if !ok || !ok2 || number > 1<<30 {
		p.NotFound(w, r)
		return
	}
	v, err := p.Store.FindResourceFile(r.Context(), id, int(number))
	if err != nil {
		p.Error(w, r, err)
		return
	}
	if r.PathValue("filename") != v.File.Name {
		http.Redirect(w, r, v.FilePath(), http.StatusMovedPermanently)
		return
	}
	h := w.Header()
	disposition := "attachment"
	if t, ok := jigsaw.FileTypeOf(v.File.ContentType); !ok {
		h.Set("Content-Type", "application/octet-stream")
	} else {
		h.Set("Content-Type", t.ContentType)
		if t.Inline {
			disposition = "inline"
		}
	}
	// The name is safe in a header: SafeFileName keeps ASCII letters,
	// digits, dots, dashes and underscores only.
	h.Set("Content-Disposition", disposition+`; filename="`+v.File.Name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+v.File.SHA256+`"`)
	h.Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "", v.CreatedAt, bytes.NewReader(v.File.Data))
}

// ResourceFormView is the view of the form that creates or edits a
// resource.
type ResourceFormView struct {
	EditForm
	Resource  *jigsaw.Resource // nil for a new one
	Kinds     []jigsaw.Choice[jigsaw.ResourceKind]
	KeyIssues []jigsaw.KeyIssue
}

// ResourceForms are the forms that record and edit resources; their
// versions are added on a page of their own.
func (p *Pages) ResourceForms() FormRoutes { return formRoutes(p, p.resources) }

// resources is the edit flow of the library's records.
func (p *Pages) resources() *recordKind[*jigsaw.Resource] {
	return &recordKind[*jigsaw.Resource]{
		template: "resource_form", noun: "resource",
		blank: func() *Form { return newForm(url.Values{"kind": {string(jigsaw.ResourceGuidance)}}) },
		find:  p.editedResource,
		values: func(_ context.Context, res *jigsaw.Resource) (url.Values, error) {
			v := url.Values{}
			set := formValues(v).set
			set("title", res.Title)
			set("kind", string(res.Kind))
			set("summary", res.Summary)
			set("organisation", res.OrgName)
			v["key_issues"] = append([]string(nil), res.KeyIssues...)
			v.Set(versionField, strconv.FormatInt(res.Version, 10))
			return v, nil
		},
		read: func(ctx context.Context, v url.Values, old *jigsaw.Resource) (*jigsaw.Resource, *Form) {
			form := newForm(v)
			rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
			res := &jigsaw.Resource{
				Title:     rd.text("title"),
				Kind:      jigsaw.ResourceKind(rd.text("kind")),
				Summary:   v.Get("summary"),
				OrgID:     rd.organisation(ctx, p.Store, "organisation"),
				KeyIssues: v["key_issues"],
				Version:   formVersion(v),
			}
			if old != nil {
				// The form does not offer the campaign yet: an edit
				// keeps the one set through the API.
				res.ID, res.CampaignID = old.ID, old.CampaignID
			}
			addChecks(form, rd.p, res)
			return res, form
		},
		create:  p.Edit.CreateResource,
		update:  p.Edit.UpdateResource,
		address: func(res *jigsaw.Resource) string { return resourcePath(res.ID) },
		formAddress: func(res *jigsaw.Resource) string {
			if res == nil {
				return "/resources/new"
			}
			return resourcePath(res.ID) + "/edit"
		},
		title: func(res *jigsaw.Resource) string { return res.Title },
		view: func(ctx context.Context, ef EditForm, res *jigsaw.Resource) (any, error) {
			issues, err := p.formChoices(ctx)
			if err != nil {
				return nil, err
			}
			return ResourceFormView{EditForm: ef, Resource: res, Kinds: jigsaw.ResourceKinds, KeyIssues: issues}, nil
		},
	}
}

func resourcePath(id int64) string { return "/resources/" + strconv.FormatInt(id, 10) }

// editedResource returns the resource of the path.
func (p *Pages) editedResource(r *http.Request) (*jigsaw.Resource, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
	}
	return p.Edit.FindResourceByID(r.Context(), id)
}

// ResourceVersionView is the view of /resources/{id}/versions: the form
// that adds a version, a file or a link.
type ResourceVersionView struct {
	Page
	Resource *jigsaw.Resource
	Form     *Form
	MaxSize  string // the largest file, for people: "10 MB"
	Accepted string // the types of file taken
}

// HandleResourceVersionNew shows the form that adds a version.
func (p *Pages) HandleResourceVersionNew(w http.ResponseWriter, r *http.Request) {
	res, err := p.editedResource(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.renderVersionForm(w, r, http.StatusOK, res, newForm(nil))
}

// HandleResourceVersionAdd adds a version from the posted multipart form.
// A file of a type the library does not take is refused with 400, one
// over the limit with 413, each with the form shown again and the message
// on the file's field; nothing is stored.
func (p *Pages) HandleResourceVersionAdd(w http.ResponseWriter, r *http.Request) {
	res, err := p.editedResource(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	v, form, err := p.readVersionForm(r, res.ID)
	if err == nil {
		if err = p.Edit.AddResourceVersion(r.Context(), v); err == nil {
			http.Redirect(w, r, resourcePath(res.ID), http.StatusSeeOther)
			return
		}
	}
	switch jigsaw.ErrorCode(err) {
	case jigsaw.EINVALID, jigsaw.ETOOLARGE:
	default:
		p.Error(w, r, err)
		return
	}
	pr := tr(r)
	form.addErrors(translateErrors(pr, jigsaw.FieldErrors(err)))
	if len(form.Errors) == 0 {
		form.Errors["form"] = pr.Text(jigsaw.ErrorMessage(err))
	}
	p.renderVersionForm(w, r, respond.Status(err), res, form)
}

// readVersionForm reads the note, link and file of a posted version. The
// body limit of the route (server.ResourceUploadLimit) lets a file a little
// over p.MaxResourceBytes through, so that it is refused here naming the
// field and the limit; a larger one is cut off by the limit, and refused
// the same.
func (p *Pages) readVersionForm(r *http.Request, resourceID int64) (*jigsaw.ResourceVersion, *Form, error) {
	form := newForm(url.Values{})
	tooLarge := func() error {
		msg := tr(r).Sprintf("The file is larger than %s, the most a file may be.", jigsaw.FormatBytes(p.MaxResourceBytes))
		return &jigsaw.Error{Code: jigsaw.ETOOLARGE, Message: msg, Fields: map[string]string{"file": msg}}
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, form, tooLarge()
		}
		return nil, form, jigsaw.Errorf(jigsaw.EINVALID, "The form could not be read: send it as multipart/form-data.")
	}
	defer r.MultipartForm.RemoveAll()
	for name, vals := range r.MultipartForm.Value {
		for _, s := range vals {
			if strings.ContainsRune(name+s, 0) {
				return nil, form, jigsaw.Errorf(jigsaw.EINVALID, "The form must not contain a NUL character.")
			}
		}
		form.Values[name] = vals
	}
	v := &jigsaw.ResourceVersion{ResourceID: resourceID, Note: form.Get("note"), Link: form.Get("link")}
	if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
		data, err := readUpload(fhs[0], p.MaxResourceBytes)
		if err != nil {
			return nil, form, err
		}
		if data == nil {
			return nil, form, tooLarge()
		}
		if v.File, err = jigsaw.NewResourceFile("file", fhs[0].Filename, data, p.MaxResourceBytes); err != nil {
			return nil, form, err
		}
	}
	v.Normalize()
	return v, form, v.Validate()
}

// readUpload reads an uploaded file, nil when it holds more than max
// bytes.
func readUpload(fh *multipart.FileHeader, max int64) ([]byte, error) {
	if fh.Size > max {
		return nil, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil || int64(len(data)) > max {
		return nil, err
	}
	return data, nil
}

func (p *Pages) renderVersionForm(w http.ResponseWriter, r *http.Request, status int, res *jigsaw.Resource, form *Form) {
	p.Render(w, r, status, "resource_version", ResourceVersionView{Page: p.page(r, tr(r).Sprintf("New version: %s", res.Title)),
		Resource: res, Form: form, MaxSize: jigsaw.FormatBytes(p.MaxResourceBytes), Accepted: jigsaw.AcceptedFileTypes()})
}

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v ResourceListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// resourceExportColumns are the columns of /resources.csv: the resource
// and its newest version.
func resourceExportColumns(base string) []column[*jigsaw.Resource] {
	latest := func(res *jigsaw.Resource) *jigsaw.ResourceVersion {
		if v := res.Latest(); v != nil {
			return v
		}
		return &jigsaw.ResourceVersion{}
	}
	return []column[*jigsaw.Resource]{
		{"id", func(res *jigsaw.Resource) string { return id(res.ID) }},
		{"url", func(res *jigsaw.Resource) string { return base + resourcePath(res.ID) }},
		{"title", func(res *jigsaw.Resource) string { return res.Title }},
		{"kind", func(res *jigsaw.Resource) string { return string(res.Kind) }},
		{"organisation", func(res *jigsaw.Resource) string { return res.OrgSlug }},
		{"campaign", func(res *jigsaw.Resource) string { return res.CampaignSlug }},
		{"key_issues", func(res *jigsaw.Resource) string { return joinSlugs(res.KeyIssues) }},
		{"versions", func(res *jigsaw.Resource) string { return strconv.Itoa(len(res.Versions)) }},
		{"latest_file", func(res *jigsaw.Resource) string {
			if v := latest(res); v.File != nil {
				return base + v.FilePath()
			}
			return ""
		}},
		{"latest_link", func(res *jigsaw.Resource) string { return latest(res).Link }},
		{"latest_note", func(res *jigsaw.Resource) string { return latest(res).Note }},
		{"created_at", func(res *jigsaw.Resource) string { return timestamp(res.CreatedAt) }},
		{"updated_at", func(res *jigsaw.Resource) string { return timestamp(res.UpdatedAt) }},
		{"summary", func(res *jigsaw.Resource) string { return res.Summary }},
	}
}
