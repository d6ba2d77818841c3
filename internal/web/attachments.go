package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"jigsaw"
	"jigsaw/internal/auth"
)

// AttachmentStore serves the files that came with stories by email, to
// moderators alone; every download is recorded in the audit log.
type AttachmentStore interface {
	Attachment(ctx context.Context, storyID, id int64, viewer *jigsaw.User, ip string) (*jigsaw.Attachment, error)
}

// HandleAttachment sends one attachment of a story to a moderator, as a
// download: it is never shown inside the site's own pages, where a file
// made to look like a picture could act as a page.
func (p *Pages) HandleAttachment(w http.ResponseWriter, r *http.Request) {
	storyID, ok := storyID(r)
	id, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if !ok || err != nil || id <= 0 {
		p.NotFound(w, r)
		return
	}
	a, err := p.Private.Attachment(r.Context(), storyID, id, jigsaw.UserFromContext(r.Context()), auth.ClientIP(r))
	if err != nil {
		p.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(a.Filename))
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Write(a.Data)
}
