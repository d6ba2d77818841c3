package jigsaw

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ResourceKind is what a resource of the library is.
type ResourceKind string

// The kinds of resource.
const (
	ResourceGuidance       ResourceKind = "guidance"
	ResourceLeaflet        ResourceKind = "leaflet"
	ResourceBriefing       ResourceKind = "briefing"
	ResourceMotion         ResourceKind = "motion"
	ResourceTemplateLetter ResourceKind = "template-letter"
	ResourceOther          ResourceKind = "other"
)

// ResourceKinds lists every kind of resource with its label.
var ResourceKinds = []Choice[ResourceKind]{
	{ResourceGuidance, "Guidance"},
	{ResourceLeaflet, "Leaflet"},
	{ResourceBriefing, "Briefing"},
	{ResourceMotion, "Motion"},
	{ResourceTemplateLetter, "Template letter"},
	{ResourceOther, "Other"},
}

// Label is the kind's English label.
func (k ResourceKind) Label() string { return LabelOf(ResourceKinds, k) }

// ObjectResource is the object type of a resource's revisions.
const ObjectResource = "resource"

// DefaultMaxResourceBytes is the largest file a resource version may hold
// unless the instance sets another limit.
const DefaultMaxResourceBytes = 10 << 20

// Resource is one item of the coalition's library: guidance, a leaflet, a
// briefing, a model motion. It is public as soon as it is recorded, with
// every version.
type Resource struct {
	ID      int64
	Title   string
	Kind    ResourceKind
	Summary string // Markdown
	// OrgID is the organisation that keeps the resource; OrgSlug and
	// OrgName are filled in by reads.
	OrgID   int64
	OrgSlug string
	OrgName string
	// CampaignID is the campaign the resource serves, 0 for none;
	// CampaignSlug and CampaignName are filled in by reads.
	CampaignID   int64
	CampaignSlug string
	CampaignName string
	KeyIssues    []string

	// Versions are the resource's versions, newest first. Writes of the
	// resource ignore them: versions are added one at a time
	// (AddResourceVersion) and never changed.
	Versions []ResourceVersion

	CreatedAt time.Time
	// Version counts the record's changes (see Dispute.Version).
	Version   int64
	UpdatedAt time.Time
}

// Latest returns the newest version, or nil when there is none.
func (r *Resource) Latest() *ResourceVersion {
	if len(r.Versions) == 0 {
		return nil
	}
	return &r.Versions[0]
}

// Normalize trims what people type loosely.
func (r *Resource) Normalize() {
	r.Title = strings.Join(strings.Fields(r.Title), " ")
	r.Summary = strings.TrimSpace(r.Summary)
	r.KeyIssues = uniqueStrings(r.KeyIssues)
}

// Validate reports every field that is wrong.
func (r *Resource) Validate() error {
	p := Problems{}
	checkText(p, "title", "Title", r.Title, 1, 300)
	if !Valid(ResourceKinds, r.Kind) {
		p.Add("kind", "Choose what kind of resource this is.")
	}
	checkText(p, "summary", "Summary", r.Summary, 0, 20000)
	if r.OrgID <= 0 {
		p.Add("organisation", "Choose the organisation that keeps this resource.")
	}
	if r.CampaignID < 0 {
		p.Add("campaign", "Choose a campaign, or none.")
	}
	return p.Err()
}

// ResourceVersion is one version of a resource: a note on what changed,
// and either a file stored with the database or a link to elsewhere.
type ResourceVersion struct {
	ID         int64
	ResourceID int64
	Number     int // 1 for the first version of its resource, and so on
	Note       string
	Link       string        // an http or https address; "" when the version is a file
	File       *ResourceFile // nil when the version is a link
	CreatedAt  time.Time
}

// ResourceFile is a file of a resource version. Data is read only when the
// file itself is asked for (FindResourceFile); lists and pages carry the
// rest.
type ResourceFile struct {
	Name        string // sanitised, with the extension of its type
	ContentType string // the type found in its bytes, never the one sent
	Size        int64
	SHA256      string // hex
	Data        []byte
}

// FilePath is the address of the version's file, "" for a link: the
// file's name ends it, so that a saved download is named as the file.
func (v ResourceVersion) FilePath() string {
	if v.File == nil {
		return ""
	}
	return "/resources/" + strconv.FormatInt(v.ResourceID, 10) + "/files/" + strconv.Itoa(v.Number) + "/" + v.File.Name
}

// SizeText is the file's size for people: "1.5 MB".
func (f *ResourceFile) SizeText() string { return FormatBytes(f.Size) }

// Normalize trims the version's text.
func (v *ResourceVersion) Normalize() {
	v.Note, v.Link = strings.TrimSpace(v.Note), strings.TrimSpace(v.Link)
}

// Validate reports every field that is wrong. The file's type and name
// are checked where it is made (NewResourceFile); Validate checks that
// there is exactly one of a file and a link.
func (v *ResourceVersion) Validate() error {
	p := Problems{}
	checkText(p, "note", "The note", v.Note, 0, 2000)
	switch {
	case v.File == nil && v.Link == "":
		p.Add("file", "Attach a file or give a link.")
	case v.File != nil && v.Link != "":
		p.Add("link", "Give a file or a link, not both.")
	case v.Link != "" && (len(v.Link) > 2000 || !validWebURL(v.Link)):
		p.Add("link", "The link must be an http or https address.")
	case v.File != nil && v.File.Size == 0:
		p.Add("file", "The file is empty.")
	}
	return p.Err()
}

// FileType is a type of file the library accepts.
type FileType struct {
	ContentType string
	Ext         string // with its dot
	Label       string
	// Inline files are shown by the browser itself (PDFs, pictures);
	// the rest are downloaded.
	Inline bool
}

// FileTypes are the types the library accepts, found in a file's bytes.
var FileTypes = []FileType{
	{"application/pdf", ".pdf", "PDF", true},
	{"application/vnd.oasis.opendocument.text", ".odt", "OpenDocument text", false},
	{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word document", false},
	{"image/png", ".png", "PNG image", true},
	{"image/jpeg", ".jpg", "JPEG image", true},
	{"text/plain; charset=utf-8", ".txt", "Plain text", false},
	{"text/csv; charset=utf-8", ".csv", "CSV", false},
}

// FileTypeOf returns the accepted type of contentType, if it is one.
func FileTypeOf(contentType string) (FileType, bool) {
	for _, t := range FileTypes {
		if t.ContentType == contentType {
			return t, true
		}
	}
	return FileType{}, false
}

// SniffFile finds the type of a file from its bytes alone: never from its
// name or the type a client sent, which anyone can set. It refuses
// anything it does not recognise (executables, archives, HTML, SVG and
// other markup a browser might run). name only tells CSV from plain text,
// both being text.
func SniffFile(name string, data []byte) (FileType, bool) {
	var ct string
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		ct = "application/pdf"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		ct = "image/png"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		ct = "image/jpeg"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		ct = sniffOfficeZip(data)
	case plainText(data):
		ct = "text/plain; charset=utf-8"
		if strings.EqualFold(path.Ext(name), ".csv") {
			ct = "text/csv; charset=utf-8"
		}
	}
	return FileTypeOf(ct)
}

// sniffOfficeZip tells an OpenDocument text or a Word document from any
// other ZIP archive by what it holds.
func sniffOfficeZip(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	var word, types bool
	for _, f := range zr.File {
		switch f.Name {
		case "mimetype":
			rc, err := f.Open()
			if err != nil {
				return ""
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 100))
			rc.Close()
			if string(b) == "application/vnd.oasis.opendocument.text" {
				return string(b)
			}
		case "word/document.xml":
			word = true
		case "[Content_Types].xml":
			types = true
		}
	}
	if word && types {
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	return ""
}

// plainText reports whether data is UTF-8 text without control characters
// (tabs, line and page breaks aside) that does not open as markup or as a
// script: a browser that ignored its type could run HTML or SVG, and a
// "#!" file is a program.
func plainText(data []byte) bool {
	if len(data) == 0 || !utf8.Valid(data) {
		return false
	}
	for _, r := range string(data) {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			return false
		}
	}
	s := strings.TrimLeft(strings.TrimPrefix(string(data), "\ufeff"), " \t\r\n\f")
	if strings.HasPrefix(s, "<") || strings.HasPrefix(s, "#!") {
		return false
	}
	head := strings.ToLower(string(data[:min(len(data), 4096)]))
	for _, tag := range []string{"<script", "<html", "<svg", "<!doctype", "<iframe", "<?xml"} {
		if strings.Contains(head, tag) {
			return false
		}
	}
	return true
}

// AcceptedFileTypes names the accepted types for people: "PDF, …, CSV".
func AcceptedFileTypes() string {
	labels := make([]string, len(FileTypes))
	for i, t := range FileTypes {
		labels[i] = t.Label
	}
	return strings.Join(labels, ", ")
}

// NewResourceFile checks a file sent for a resource version and returns
// it with its type, sanitised name and digest. A file over max bytes is
// refused with ETOOLARGE, one of a type the library does not take with
// EINVALID; both name field.
func NewResourceFile(field, name string, data []byte, max int64) (*ResourceFile, error) {
	if int64(len(data)) > max {
		return nil, &Error{Code: ETOOLARGE, Message: fmt.Sprintf("The file is larger than %s, the most a file may be.", FormatBytes(max)),
			Fields: map[string]string{field: fmt.Sprintf("The file is larger than %s, the most a file may be.", FormatBytes(max))}}
	}
	if len(data) == 0 {
		p := Problems{}
		p.Add(field, "The file is empty.")
		return nil, p.Err()
	}
	t, ok := SniffFile(name, data)
	if !ok {
		p := Problems{}
		p.Add(field, "This file is not of a type the library takes, whatever its name says: send a "+AcceptedFileTypes()+" file.")
		return nil, p.Err()
	}
	sum := sha256.Sum256(data)
	return &ResourceFile{Name: SafeFileName(name, t.Ext), ContentType: t.ContentType, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), Data: data}, nil
}

// SafeFileName makes a file name fit for a path and a Content-Disposition
// header: letters, digits, dots, dashes and underscores only, at most 100
// characters, ending in ext whatever extension it was sent with.
func SafeFileName(name, ext string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.TrimSuffix(name, path.Ext(name))
	var b strings.Builder
	dash := false
	for _, r := range name {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.'):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-.")
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-.")
	}
	if s == "" {
		s = "file"
	}
	return s + ext
}

// FormatBytes writes a size for people: "10 MB", "512 KB", "80 bytes".
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ResourceFilter selects resources. Zero fields do not filter.
type ResourceFilter struct {
	Kind       ResourceKind
	OrgID      int64
	KeyIssue   string
	CampaignID int64
	Limit      int
	Offset     int
	// After starts the list past that resource (by ID: the list is
	// newest first); Key is unused.
	After *After
}

// PublicResourceService reads the library, which is public whole.
type PublicResourceService interface {
	// FindResourceByID returns the resource with its versions (files
	// without their bytes); ENOTFOUND if there is none.
	FindResourceByID(ctx context.Context, id int64) (*Resource, error)
	// FindResources returns resources, newest first, and how many match,
	// counted as FindDisputes counts.
	FindResources(ctx context.Context, f ResourceFilter) ([]*Resource, int, error)
	// FindResourceFile returns version number of resource id with its
	// file's bytes; ENOTFOUND if there is no such version or it is a link.
	FindResourceFile(ctx context.Context, id int64, number int) (*ResourceVersion, error)
}

// ResourceService keeps the library.
type ResourceService interface {
	PublicResourceService
	// CreateResource stores r and sets its ID; EINVALID naming each bad
	// field.
	CreateResource(ctx context.Context, r *Resource) error
	// UpdateResource replaces r's fields, leaving its versions alone;
	// ENOTFOUND, EINVALID, or ECONFLICT if r.Version is set and not the
	// stored version.
	UpdateResource(ctx context.Context, r *Resource) error
	// AddResourceVersion adds v to resource v.ResourceID, with its file if
	// it has one, all or nothing, and sets its ID and Number. The file's
	// type is found again from its bytes. ENOTFOUND if there is no such
	// resource, EINVALID naming each bad field.
	AddResourceVersion(ctx context.Context, v *ResourceVersion) error
}
