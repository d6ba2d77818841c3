package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/imports"
)

// Importer imports one file; the server wires it to imports.Import.
type Importer func(ctx context.Context, kind string, src *imports.Source, opt imports.Options) (*jigsaw.ImportRun, error)

// ImportsView is the admin's import page: the form, the result of the last
// upload and the imports that committed.
type ImportsView struct {
	Page
	Runs      []*jigsaw.ImportRun
	Result    *jigsaw.ImportRun
	DryRun    bool
	Message   string // what was wrong with the upload
	ODSKinds  []string
	Encodings []string
	// WatchedSources, with their last results, fill the "watched-sources"
	// partial.
	WatchedSources []*jigsaw.WatchedSource
}

// HandleImports shows the import form and the log of imports.
func (p *Pages) HandleImports(w http.ResponseWriter, r *http.Request) {
	p.renderImports(w, r, http.StatusOK, ImportsView{})
}

func (p *Pages) renderImports(w http.ResponseWriter, r *http.Request, status int, v ImportsView) {
	runs, err := p.ImportRuns.FindImportRuns(r.Context(), 20)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	v.Page, v.Runs, v.ODSKinds, v.Encodings = p.page(r, "Imports"), runs, imports.ODSKinds, imports.Encodings
	if p.Watch != nil {
		if v.WatchedSources, err = p.Watch.FindWatchedSources(r.Context()); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	p.Render(w, r, status, "admin_imports", v)
}

// HandleImportPost imports the uploaded file as it arrives: the form's
// fields come before the file, so the file is streamed into the import
// without being kept, however large.
func (p *Pages) HandleImportPost(w http.ResponseWriter, r *http.Request) {
	u := jigsaw.UserFromContext(r.Context())
	fail := func(status int, msg string) {
		p.renderImports(w, r, status, ImportsView{Message: msg})
	}
	mr, err := r.MultipartReader()
	if err != nil {
		fail(http.StatusBadRequest, "The upload could not be read: send the form as multipart/form-data.")
		return
	}
	form := map[string]string{}
	var run *jigsaw.ImportRun
	var body *watchedReader
	for run == nil && err == nil {
		part, perr := mr.NextPart()
		if perr == io.EOF {
			break
		}
		if perr != nil {
			err = perr
			break
		}
		if part.FileName() == "" {
			b, _ := io.ReadAll(io.LimitReader(part, 1000))
			form[part.FormName()] = strings.TrimSpace(string(b))
			continue
		}
		if part.FormName() != "file" {
			continue
		}
		kind := form["kind"]
		if !slices.Contains(imports.Kinds, kind) {
			fail(http.StatusUnprocessableEntity, "Choose what kind of file this is: OCDS, ODS or CSV.")
			return
		}
		opt := imports.Options{UserID: u.ID, DryRun: form["dry_run"] != "", Encoding: form["encoding"]}
		if !imports.ValidEncoding(opt.Encoding) {
			fail(http.StatusUnprocessableEntity, "Choose the file's encoding from the list.")
			return
		}
		opt.OCDS.NHSOnly = form["nhs_only"] != ""
		opt.OCDS.Since = form["since"]
		for _, b := range strings.Split(form["buyers"], ",") {
			if b = strings.TrimSpace(b); b != "" {
				opt.OCDS.Buyers = append(opt.OCDS.Buyers, b)
			}
		}
		opt.ODS.Kind = form["ods_kind"]
		if opt.ODS.Kind != "" && !slices.Contains(imports.ODSKinds, opt.ODS.Kind) {
			fail(http.StatusUnprocessableEntity, "Choose what the ODS file lists.")
			return
		}
		if opt.OCDS.Since != "" && !imports.ValidDay(opt.OCDS.Since) {
			fail(http.StatusUnprocessableEntity, fmt.Sprintf("“Since” must be a day, YYYY-MM-DD (got %q).", opt.OCDS.Since))
			return
		}
		body = &watchedReader{r: part}
		src, serr := imports.NewSource(part.FileName(), body, -1)
		if serr != nil {
			err = serr
			break
		}
		run, err = p.Import(r.Context(), kind, src, opt)
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe) || (body != nil && body.tooLarge):
		fail(http.StatusRequestEntityTooLarge, "The file is larger than this server accepts for an upload; import it with jigsaw import on the server instead.")
		return
	case err != nil && jigsaw.ErrorCode(err) == jigsaw.EINVALID:
		fail(http.StatusUnprocessableEntity, jigsaw.ErrorMessage(err))
		return
	case err != nil:
		p.Error(w, r, err)
		return
	case run == nil:
		fail(http.StatusUnprocessableEntity, "Choose a file to import.")
		return
	}
	dry := form["dry_run"] != ""
	if !dry {
		p.Private.RecordAudit(r.Context(), &jigsaw.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "import", ObjectType: "import",
			ObjectID: run.ID, Detail: run.Kind + " " + run.Source + ": " + run.ImportCounts.String(), IP: auth.ClientIP(r)})
	}
	p.renderImports(w, r, http.StatusOK, ImportsView{Result: run, DryRun: dry})
}

// watchedReader notes when the body hit the server's size limit, whatever
// the importer makes of the read error.
type watchedReader struct {
	r        io.Reader
	tooLarge bool
}

func (w *watchedReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		w.tooLarge = true
	}
	return n, err
}
