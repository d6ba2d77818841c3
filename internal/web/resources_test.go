package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

// postFile posts a version form with a file: name and contentType are
// what the client claims, data what it sends.
func postFile(t *testing.T, c *http.Client, u, name, contentType string, data []byte, note string) page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("note", note)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", contentType)
	fw, _ := mw.CreatePart(h)
	fw.Write(data)
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, string(b), resp.Header.Get("Location")}
}

func TestResourceUploadsAndDownloads(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", func(c *config.Config) { c.MaxResourceBytes = 2048 })
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	ctx := context.Background()
	if err := a.DB.CreateOrganisation(ctx, &jigsaw.Organisation{Name: "UNISON", Kind: jigsaw.OrgUnion}); err != nil {
		t.Fatal(err)
	}
	p := post(t, editor, a.URL+"/resources/new", url.Values{"title": {"Updated TUPE guidance"}, "kind": {"guidance"},
		"organisation": {"UNISON"}, "key_issues": {"outsourcing"}})
	p.expect(t, 303)
	res := p.location
	if !strings.HasPrefix(res, "/resources/") {
		t.Fatalf("created at %q", res)
	}
	get(t, editor, a.URL+res+"/versions").expect(t, 200, "At most 2 KB")

	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 500)...)
	for _, tc := range []struct {
		name, file, ct string
		data           []byte
		status         int
		want           string
		form           bool // the form is shown again, the message on its file field
	}{
		{"HTML named and sent as a PDF", "guide.pdf", "application/pdf", []byte("<html><script>alert(1)</script></html>"), 400,
			"This file is not of a type the library takes", true},
		{"SVG sent as a PNG", "logo.png", "image/png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), 400,
			"This file is not of a type the library takes", true},
		{"a program", "tool.pdf", "application/pdf", append([]byte("MZ\x90\x00"), make([]byte, 100)...), 400,
			"This file is not of a type the library takes", true},
		{"over the limit", "big.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), make([]byte, 3000)...), 413,
			"The file is larger than 2 KB, the most a file may be.", true},
		// Refused on its Content-Length, before a byte is read.
		{"over the body limit", "huge.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), make([]byte, 1<<20+1000)...), 413,
			"The file is larger than 2 KB, the most a file may be.", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := []string{tc.want}
			if tc.form {
				want = append(want, `id="f-file-error"`, "note kept")
			}
			postFile(t, editor, a.URL+res+"/versions", tc.file, tc.ct, tc.data, "note kept").expect(t, tc.status, want...)
		})
	}
	// Nothing of the refused uploads was stored.
	get(t, a.Client, a.URL+res).expect(t, 200, "No version yet.")

	postFile(t, editor, a.URL+res+"/versions", "TUPE guidance.exe", "application/x-msdownload", pdf, "First edition").expect(t, 303)
	postFile(t, editor, a.URL+res+"/versions", "notes.html", "text/html", []byte("Plain notes, not a page."), "").expect(t, 303)
	get(t, a.Client, a.URL+res).expect(t, 200, "Updated TUPE guidance", "TUPE-guidance.pdf", "notes.txt", "First edition")

	sum := sha256.Sum256(pdf)
	for _, tc := range []struct {
		path, ct, disposition string
		body                  []byte
	}{
		{res + "/files/1/TUPE-guidance.pdf", "application/pdf", `inline; filename="TUPE-guidance.pdf"`, pdf},
		{res + "/files/2/notes.txt", "text/plain; charset=utf-8", `attachment; filename="notes.txt"`, []byte("Plain notes, not a page.")},
	} {
		resp, err := a.Client.Get(a.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != 200 || h.Get("Content-Type") != tc.ct || h.Get("Content-Disposition") != tc.disposition ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Cache") != "" || !bytes.Equal(b, tc.body) {
			t.Errorf("%s: %d %q %q %q X-Cache %q, %d bytes", tc.path, resp.StatusCode, h.Get("Content-Type"), h.Get("Content-Disposition"),
				h.Get("X-Content-Type-Options"), h.Get("X-Cache"), len(b))
		}
	}
	// The ETag is the stored SHA-256: a browser that has the file gets 304.
	req, _ := http.NewRequest("GET", a.URL+res+"/files/1/TUPE-guidance.pdf", nil)
	req.Header.Set("If-None-Match", `"`+hex.EncodeToString(sum[:])+`"`)
	resp, err := a.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the SHA-256: %d, want 304", resp.StatusCode)
	}
	// Another name for the file leads to its own; a link version or a
	// version that does not exist has no file.
	get(t, a.Client, a.URL+res+"/files/1/other.pdf").expect(t, 301)
	get(t, a.Client, a.URL+res+"/files/9/x.pdf").expect(t, 404)

	// The list and its filters.
	get(t, a.Client, a.URL+"/resources?kind=guidance&organisation=unison").expect(t, 200, "Updated TUPE guidance")
	get(t, a.Client, a.URL+"/resources?kind=poster").expect(t, 400, "Kind must be one of")
	get(t, a.Client, a.URL+"/resources?kind=motion").expect(t, 200, "No resources match.")

	// Feeds and exports, with the list's filters.
	get(t, a.Client, a.URL+"/resources.atom?kind=guidance").expect(t, 200, "Updated TUPE guidance", "UNISON")
	get(t, a.Client, a.URL+"/resources.csv").expect(t, 200, "id,url,title,kind,organisation", "guidance,unison,,outsourcing,2,"+a.URL+res+"/files/2/notes.txt")
	get(t, a.Client, a.URL+"/resources.json").expect(t, 200, `"sha256":"`+hex.EncodeToString(sum[:])+`"`)
	get(t, a.Client, a.URL+"/resources.csv?kind=poster").expect(t, 400, "kind")
}
