package jigsaw

import (
	"slices"
	"strings"
	"time"
)

// The channels a story arrives by.
const (
	ChannelWeb   = "web"   // the story form or the API
	ChannelEmail = "email" // the mail-in listener (internal/mailin)
)

// MailKindEmailConfirm is the kind of the mail that answers a story sent by
// email: it asks the teller to complete and confirm their story.
const MailKindEmailConfirm = "story-confirm-email"

// Attachment is a file that came with a story by email. It is for
// moderators only: never on a public page, feed, export of lists or API
// answer.
type Attachment struct {
	ID          int64
	StoryID     int64
	Filename    string
	ContentType string
	Size        int64
	Data        []byte // empty in lists
	CreatedAt   time.Time
}

// Limits on what an emailed story may bring.
const (
	MaxAttachments     = 5
	MaxAttachmentBytes = 5 << 20
)

// AttachmentTypes are the kinds of file kept for moderators: pictures
// (a letter, a sign, a ward) and PDF documents. Others are refused and the
// reply says so.
var AttachmentTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "application/pdf": true,
}

// ConsentFields are the fields of a Submission that the teller of a story
// sent by email gives on the confirmation page: an email says who sent it
// and what happened, not how it may be published.
var ConsentFields = []string{"kind", "district", "area", "publish_as", "publish_name", "agree"}

// ValidateConsents reports the wrong fields among ConsentFields only.
func (s *Submission) ValidateConsents(now time.Time) error {
	p := Problems{}
	all := FieldErrors(s.Validate(func(string) bool { return true }, now))
	for _, f := range ConsentFields {
		if m, ok := all[f]; ok {
			p.Add(f, m)
		}
	}
	return p.Err()
}

// ValidateEmailed reports the wrong fields of a story sent by email, all
// but ConsentFields, which its teller gives later.
func (s *Submission) ValidateEmailed(now time.Time) error {
	p := Problems{}
	for f, m := range FieldErrors(s.Validate(func(string) bool { return true }, now)) {
		if !slices.Contains(ConsentFields, f) {
			p.Add(f, m)
		}
	}
	return p.Err()
}

// SafeFilename keeps a file's name to what is harmless in a download
// header and a page: no path, no control characters, at most 100
// characters.
func SafeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	if name == "" || name == "." || name == ".." {
		name = "attachment"
	}
	return name
}
