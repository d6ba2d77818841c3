package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
)

// tupePDF is a small file that is a PDF by its bytes.
var tupePDF = []byte("%PDF-1.4\n% TUPE guidance\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func tupeResource(f *fixture) *jigsaw.Resource {
	return &jigsaw.Resource{
		Title:     "  Updated   TUPE guidance ",
		Kind:      jigsaw.ResourceGuidance,
		Summary:   "What staff keep when they are **transferred**.",
		OrgID:     f.union.ID,
		KeyIssues: []string{"outsourcing", "pay-and-conditions", "outsourcing"},
	}
}

// testResources runs the library's checks on one database, and exports
// it into a second: each database costs a migration, which PostgreSQL
// makes slow.
func (s *suite) testResources(t *testing.T) {
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	t.Run("CreateFind", func(t *testing.T) { testResourceCreateFind(t, db, f) })
	t.Run("Validation", func(t *testing.T) { testResourceValidation(t, db, f) })
	t.Run("VersionsAtOnce", func(t *testing.T) { testResourceVersionsAtOnce(t, db, f) })
	t.Run("ExportRoundTrip", func(t *testing.T) { s.testResourceExportRoundTrip(t, db, f) })
}

// testResourceVersionsAtOnce: versions added at the same moment each get
// a number of their own, none refused.
func testResourceVersionsAtOnce(t *testing.T, db *store.DB, f *fixture) {
	ctx := context.Background()
	r := &jigsaw.Resource{Title: "Leaflet", Kind: jigsaw.ResourceLeaflet, OrgID: f.union.ID}
	if err := db.CreateResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	const n = 4
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- db.AddResourceVersion(ctx, &jigsaw.ResourceVersion{ResourceID: r.ID, Link: fmt.Sprintf("https://example.org/%d", i)})
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.FindResourceByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got.Versions {
		if v.Number != n-i {
			t.Fatalf("version numbers: got %+v", got.Versions)
		}
	}
	if len(got.Versions) != n || got.Version != n+1 {
		t.Fatalf("%d versions, version %d; want %d, %d", len(got.Versions), got.Version, n, n+1)
	}
}

func testResourceCreateFind(t *testing.T, db *store.DB, f *fixture) {
	ctx := context.Background()
	r := tupeResource(f)
	if err := db.CreateResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	// A file version, then a link version: newest first when read.
	file, err := jigsaw.NewResourceFile("file", `C:\Users\me\TUPE guidance (final).exe`, tupePDF, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	v1 := &jigsaw.ResourceVersion{ResourceID: r.ID, Note: "First edition", File: file}
	if err := db.AddResourceVersion(ctx, v1); err != nil {
		t.Fatal(err)
	}
	v2 := &jigsaw.ResourceVersion{ResourceID: r.ID, Note: "Online edition", Link: "https://example.org/tupe"}
	if err := db.AddResourceVersion(ctx, v2); err != nil {
		t.Fatal(err)
	}
	if v1.Number != 1 || v2.Number != 2 {
		t.Fatalf("numbers: got %d, %d, want 1, 2", v1.Number, v2.Number)
	}
	got, err := db.FindResourceByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Updated TUPE guidance" || got.OrgName != "GMB" || len(got.KeyIssues) != 2 || len(got.Versions) != 2 {
		t.Fatalf("read back: %+v", got)
	}
	if l := got.Latest(); l.Number != 2 || l.Link != "https://example.org/tupe" || l.File != nil {
		t.Fatalf("latest version: %+v", l)
	}
	old := got.Versions[1]
	sum := sha256.Sum256(tupePDF)
	if old.File == nil || old.File.Name != "TUPE-guidance-final.pdf" || old.File.ContentType != "application/pdf" ||
		old.File.Size != int64(len(tupePDF)) || old.File.SHA256 != hex.EncodeToString(sum[:]) || old.File.Data != nil {
		t.Fatalf("file version as listed: %+v", old.File)
	}
	// The file round trip: the bytes come back as they went in.
	fv, err := db.FindResourceFile(ctx, r.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fv.File.Data, tupePDF) || fv.Note != "First edition" {
		t.Fatalf("file read back: %q", fv.File.Data)
	}
	for _, n := range []int{2, 3} { // a link has no file; 3 does not exist
		if _, err := db.FindResourceFile(ctx, r.ID, n); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
			t.Errorf("file of version %d: got %v, want ENOTFOUND", n, err)
		}
	}

	// Filters.
	other := &jigsaw.Resource{Title: "Model motion for councils", Kind: jigsaw.ResourceMotion, OrgID: f.trust.ID}
	if err := db.CreateResource(ctx, other); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    jigsaw.ResourceFilter
		want []int64
	}{
		{"all, newest first", jigsaw.ResourceFilter{}, []int64{other.ID, r.ID}},
		{"kind", jigsaw.ResourceFilter{Kind: jigsaw.ResourceMotion}, []int64{other.ID}},
		{"organisation", jigsaw.ResourceFilter{OrgID: f.union.ID}, []int64{r.ID}},
		{"key issue", jigsaw.ResourceFilter{KeyIssue: "outsourcing"}, []int64{r.ID}},
		{"none", jigsaw.ResourceFilter{KeyIssue: "safety"}, nil},
	} {
		list, total, err := db.FindResources(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		if total != len(tc.want) || len(ids) != len(tc.want) || (len(ids) > 0 && ids[0] != tc.want[0]) {
			t.Errorf("%s: got %v (total %d), want %v", tc.name, ids, total, tc.want)
		}
	}

	// Edits keep the versions, count the version, refuse a stale one, and
	// are in the history with the versions added.
	got.Title, got.Kind = "TUPE guidance, 2026", jigsaw.ResourceBriefing
	if err := db.UpdateResource(ctx, got); err != nil {
		t.Fatal(err)
	}
	if len(got.Versions) != 2 {
		t.Fatalf("versions after update: %d", len(got.Versions))
	}
	stale := tupeResource(f)
	stale.ID, stale.Version = r.ID, 1
	if err := db.UpdateResource(ctx, stale); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("stale update: got %v, want ECONFLICT", err)
	}
	revs, err := db.FindRevisions(ctx, jigsaw.ObjectResource, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, rv := range revs {
		actions = append(actions, rv.Action)
	}
	if len(actions) != 4 || actions[0] != "update" || actions[1] != "version-add" || actions[3] != "create" {
		t.Fatalf("revisions: got %v", actions)
	}
}

func testResourceValidation(t *testing.T, db *store.DB, f *fixture) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		r     jigsaw.Resource
		field string
	}{
		{"no title", jigsaw.Resource{Kind: jigsaw.ResourceLeaflet, OrgID: f.union.ID}, "title"},
		{"bad kind", jigsaw.Resource{Title: "x", Kind: "poster", OrgID: f.union.ID}, "kind"},
		{"no organisation", jigsaw.Resource{Title: "x", Kind: jigsaw.ResourceLeaflet}, "organisation"},
		{"unknown organisation", jigsaw.Resource{Title: "x", Kind: jigsaw.ResourceLeaflet, OrgID: 99999}, "organisation"},
		{"unknown campaign", jigsaw.Resource{Title: "x", Kind: jigsaw.ResourceLeaflet, OrgID: f.union.ID, CampaignID: 99999}, "campaign"},
		{"unknown key issue", jigsaw.Resource{Title: "x", Kind: jigsaw.ResourceLeaflet, OrgID: f.union.ID, KeyIssues: []string{"nope"}}, "key_issues"},
	} {
		r := tc.r
		err := db.CreateResource(ctx, &r)
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tc.field] == "" {
			t.Errorf("%s: got %v, want EINVALID on %s", tc.name, err, tc.field)
		}
	}
	r := tupeResource(f)
	if err := db.CreateResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	html := []byte("<!doctype html><script>alert(1)</script>")
	for _, tc := range []struct {
		name  string
		v     jigsaw.ResourceVersion
		field string
		code  string
	}{
		{"neither file nor link", jigsaw.ResourceVersion{ResourceID: r.ID, Note: "x"}, "file", jigsaw.EINVALID},
		{"both", jigsaw.ResourceVersion{ResourceID: r.ID, Link: "https://example.org", File: &jigsaw.ResourceFile{Name: "a.pdf", Data: tupePDF}}, "link", jigsaw.EINVALID},
		{"bad link", jigsaw.ResourceVersion{ResourceID: r.ID, Link: "javascript:alert(1)"}, "link", jigsaw.EINVALID},
		// A caller that builds the file itself cannot store HTML named
		// as a PDF: the store finds the type again.
		{"HTML named as a PDF", jigsaw.ResourceVersion{ResourceID: r.ID, File: &jigsaw.ResourceFile{Name: "guide.pdf", ContentType: "application/pdf", Data: html}}, "file", jigsaw.EINVALID},
		{"no such resource", jigsaw.ResourceVersion{ResourceID: 99999, Link: "https://example.org"}, "", jigsaw.ENOTFOUND},
	} {
		v := tc.v
		err := db.AddResourceVersion(ctx, &v)
		if jigsaw.ErrorCode(err) != tc.code || (tc.field != "" && jigsaw.FieldErrors(err)[tc.field] == "") {
			t.Errorf("%s: got %v, want %s on %q", tc.name, err, tc.code, tc.field)
		}
	}
	got, err := db.FindResourceByID(ctx, r.ID)
	if err != nil || len(got.Versions) != 0 || got.Version != 1 {
		t.Fatalf("after refused versions: %+v, %v; want none stored", got, err)
	}
}

// testResourceExportRoundTrip: the whole-instance export carries the
// files' bytes (base64 in the JSON), and an import restores them exactly.
func (s *suite) testResourceExportRoundTrip(t *testing.T, src *store.DB, f *fixture) {
	ctx := context.Background()
	r := tupeResource(f)
	if err := src.CreateResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	// Bytes that are no valid UTF-8 must survive too.
	png := append([]byte("\x89PNG\r\n\x1a\n"), 0, 0xff, 0xfe, 0x80, 0)
	file, err := jigsaw.NewResourceFile("file", "leaflet.png", png, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.AddResourceVersion(ctx, &jigsaw.ResourceVersion{ResourceID: r.ID, File: file}); err != nil {
		t.Fatal(err)
	}
	var a bytes.Buffer
	if err := src.Export(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(a.Bytes(), []byte(`"resource_files"`)) {
		t.Fatal("the export has no resource_files")
	}
	dst := s.mustOpen(t)
	if _, err := dst.ImportInstance(ctx, bytes.NewReader(a.Bytes()), "a.jsonl"); err != nil {
		t.Fatal(err)
	}
	got, err := dst.FindResourceFile(ctx, r.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.File.Data, png) || got.File.SHA256 != file.SHA256 {
		t.Fatalf("file after import: %x, want %x", got.File.Data, png)
	}
	var b bytes.Buffer
	if err := dst.Export(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("export after import differs")
	}
}
