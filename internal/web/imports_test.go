package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

// testdata is the repository's own copy of real published files (see its
// README for where each comes from).
const testdata = "../../testdata"

// upload posts the import form as a browser does: fields first, the file last.
func upload(t *testing.T, c *http.Client, url string, fields map[string]string, name string, file []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, k := range []string{"kind", "nhs_only", "buyers", "since", "ods_kind", "encoding", "dry_run"} {
		if v, ok := fields[k]; ok {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", url, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAdminImportPage(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.MaxBodyBytes, c.MaxImportBytes = 4<<10, 20<<10 })
			admin, _ := a.AsUser(t, jigsaw.RoleAdmin)
			cf, err := os.ReadFile(filepath.Join(testdata, "ocds", "bluetail-cf-raw-88b8ba25-1773-46b0-b5a5-37a8e3c1097a.json"))
			if err != nil {
				t.Fatal(err)
			}
			status, body := upload(t, admin, a.URL+"/admin/imports", map[string]string{"kind": "ocds", "dry_run": "1"}, "notice.json", cf)
			if status != 200 || !strings.Contains(body, "Dry run — nothing was written. notice.json would give: 1 read: 1 created") {
				t.Fatalf("dry run: %d %s", status, body)
			}
			if items, _, _ := a.DB.FindTrackerItems(context.Background(), jigsaw.TrackerFilter{}); len(items) != 0 {
				t.Fatalf("a dry run from the page wrote %d items", len(items))
			}
			status, body = upload(t, admin, a.URL+"/admin/imports", map[string]string{"kind": "ocds", "nhs_only": "1"}, "notice.json", cf)
			if status != 200 || !strings.Contains(body, "Imported notice.json: 1 read: 1 created") {
				t.Fatalf("import: %d %s", status, body)
			}
			resp, err := admin.Get(a.URL + "/admin/imports")
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(page), "<td>notice.json</td>") {
				t.Errorf("the imports log lacks the upload")
			}
			audit, _, _ := a.DB.FindAudit(context.Background(), jigsaw.AuditFilter{Action: "import"})
			if len(audit) != 1 || !strings.Contains(audit[0].Detail, "ocds notice.json: 1 read") {
				t.Errorf("audit = %+v", audit)
			}

			bad := cf[:len(cf)/2]
			status, body = upload(t, admin, a.URL+"/admin/imports", map[string]string{"kind": "ocds"}, "half.json", bad)
			if status != 422 || !strings.Contains(body, "half.json: line ") || !strings.Contains(body, "truncated") {
				t.Errorf("truncated upload: %d %s", status, body)
			}
			status, body = upload(t, admin, a.URL+"/admin/imports", map[string]string{"kind": "pdf"}, "x.pdf", []byte("%PDF"))
			if status != 422 || !strings.Contains(body, "Choose what kind of file") {
				t.Errorf("unknown kind: %d", status)
			}
			// A Windows-1252 file is refused naming its first foreign byte,
			// and read right when its encoding is chosen.
			ods := []byte(`"RXX","YSBYTY M` + "\xd4" + `N","Y63","","","","","","","","20020401","","","","","","","","","","","","","","","",""` + "\r\n")
			status, body = upload(t, admin, a.URL+"/admin/imports", map[string]string{"kind": "ods", "ods_kind": "trust"}, "etr.csv", ods)
			if status != 422 || !strings.Contains(body, "etr.csv: byte 15 (line 1, column 16): 0xD4 is not UTF-8") {
				t.Errorf("a Windows-1252 upload: %d %s", status, body)
			}
			status, body = upload(t, admin, a.URL+"/admin/imports", map[string]string{"kind": "ods", "ods_kind": "trust", "encoding": "windows-1252"}, "etr.csv", ods)
			if o, _ := a.DB.FindOrganisationByODSCode(context.Background(), "RXX"); status != 200 || o == nil || o.Name != "Ysbyty Môn" || o.Slug != "ysbyty-mon" {
				t.Errorf("with its encoding: %d %+v", status, o)
			}
			status, body = upload(t, admin, a.URL+"/admin/imports", map[string]string{"kind": "ods", "encoding": "ebcdic"}, "etr.csv", ods)
			if status != 422 || !strings.Contains(body, "Choose the file") {
				t.Errorf("an unknown encoding: %d", status)
			}
			status, _ = upload(t, admin, a.URL+"/admin/imports", map[string]string{"kind": "ocds"}, "big.json", bytes.Repeat([]byte(" "), 30<<10))
			if status != 413 {
				t.Errorf("over the upload limit: %d, want 413", status)
			}
		})
	}
}
