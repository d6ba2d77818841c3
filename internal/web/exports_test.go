package web_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
	"jigsaw/internal/web"
)

// readCSV parses an export with encoding/csv, which holds it to RFC 4180
// (every row as long as the header), and returns the rows by column name.
func readCSV(t *testing.T, path, body string) (header []string, rows []map[string]string) {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("%s: not CSV: %v", path, err)
	}
	if len(records) == 0 {
		t.Fatalf("%s: no header row", path)
	}
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range records[0] {
			row[name] = rec[i]
		}
		rows = append(rows, row)
	}
	return records[0], rows
}

// TestExports reads every list's CSV and JSON exports with encoding/csv
// and encoding/json, on both databases: every item the filter selects,
// not a page; the documented columns; the API's objects; a formula
// neutralised; no personal data.
func TestExports(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.Demo = true })
			// More stories than a page holds, one titled as a formula, told
			// by someone whose details must never show.
			for i := range 25 {
				title := "Story number " + strconv.Itoa(i)
				if i == 7 {
					title = `=HYPERLINK("https://evil.example","Click")`
				}
				s := &jigsaw.Story{Title: title, Body: "Private text of Quentin Leakwell", PublicBody: "- a list item\n\n@someone said, 1, 2",
					Kind: jigsaw.StoryStaff, KeyIssues: []string{"cuts"}, District: "LS6", Status: jigsaw.StoryPublished,
					PublishedAt: time.Date(2025, 5, 1, 0, 0, i, 0, time.UTC)}
				if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "Quentin Leakwell", Email: "quentin.leakwell@example.invalid",
					Phone: "07700 900555", Postcode: "LS6 1AA"}); err != nil {
					t.Fatal(err)
				}
			}
			stories, _, err := a.DB.FindPublicStories(ctx, jigsaw.StoryFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			cuts, _, _ := a.DB.FindPublicStories(ctx, jigsaw.StoryFilter{KeyIssue: "cuts", District: "LS6", Limit: 100})
			items, _, _ := a.DB.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: 100})
			disputes, _, _ := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{Limit: 100})
			live, _, _ := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{Live: true, Limit: 100})
			orgs, _, _ := a.DB.FindOrganisations(ctx, jigsaw.OrganisationFilter{Limit: 100})
			unions, _, _ := a.DB.FindOrganisations(ctx, jigsaw.OrganisationFilter{Kind: jigsaw.OrgUnion, Limit: 100})
			if len(stories) <= 20 || len(cuts) != 25 || len(live) == 0 || len(live) == len(disputes) || len(unions) == 0 {
				t.Fatalf("fixtures: %d stories, %d of cuts in LS6, %d of %d disputes live, %d unions", len(stories), len(cuts), len(live), len(disputes), len(unions))
			}
			ids := func(n int, id func(i int) int64) []string {
				out := make([]string, n)
				for i := range n {
					out[i] = strconv.FormatInt(id(i), 10)
				}
				return out
			}
			for _, tc := range []struct {
				list, query string
				want        []string // the ids, in the list's order
			}{
				{"stories", "", ids(len(stories), func(i int) int64 { return stories[i].ID })},
				{"stories", "?issue=cuts&district=ls6", ids(len(cuts), func(i int) int64 { return cuts[i].ID })},
				{"tracker", "", ids(len(items), func(i int) int64 { return items[i].ID })},
				{"disputes", "", ids(len(disputes), func(i int) int64 { return disputes[i].ID })},
				{"disputes", "?live=1", ids(len(live), func(i int) int64 { return live[i].ID })},
				{"organisations", "", ids(len(orgs), func(i int) int64 { return orgs[i].ID })},
				{"organisations", "?kind=union", ids(len(unions), func(i int) int64 { return unions[i].ID })},
			} {
				path := "/" + tc.list + ".csv" + tc.query
				resp, body := getWith(t, a, path)
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8; header=present" ||
					resp.Header.Get("Content-Disposition") != `attachment; filename="`+tc.list+`.csv"` || resp.Header.Get("X-Cache") != "" {
					t.Fatalf("%s: %d, %q, %q, X-Cache %q", path, resp.StatusCode, resp.Header.Get("Content-Type"),
						resp.Header.Get("Content-Disposition"), resp.Header.Get("X-Cache"))
				}
				if !strings.Contains(body, "\r\n") {
					t.Errorf("%s: rows do not end in CRLF", path)
				}
				header, rows := readCSV(t, path, body)
				if !slices.Equal(header, web.ExportColumns(tc.list)) {
					t.Errorf("%s: header %v, want %v", path, header, web.ExportColumns(tc.list))
				}
				var got []string
				for _, row := range rows {
					got = append(got, row["id"])
					if row["url"] == "" || !strings.HasPrefix(row["url"], a.URL+"/"+tc.list+"/") {
						t.Errorf("%s: row %s: url %q", path, row["id"], row["url"])
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s: ids %v, want the list's %v", path, got, tc.want)
				}

				path = "/" + tc.list + ".json" + tc.query
				resp, body = getWith(t, a, path)
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
					resp.Header.Get("Content-Disposition") != `attachment; filename="`+tc.list+`.json"` {
					t.Fatalf("%s: %d, %q, %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
				}
				var objects []map[string]any
				if err := json.Unmarshal([]byte(body), &objects); err != nil {
					t.Fatalf("%s: not a JSON array: %v", path, err)
				}
				got = nil
				for _, o := range objects {
					got = append(got, strconv.FormatFloat(o["id"].(float64), 'f', -1, 64))
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s: ids %v, want the list's %v", path, got, tc.want)
				}
			}

			// The JSON objects are the API's, field for field.
			_, body := getWith(t, a, "/tracker.json")
			var exported []json.RawMessage
			json.Unmarshal([]byte(body), &exported)
			_, body = getWith(t, a, "/api/v1/tracker/"+strconv.FormatInt(items[0].ID, 10))
			if string(exported[0]) != strings.TrimSpace(body) {
				t.Errorf("/tracker.json's first object:\n%s\nthe API's:\n%s", exported[0], body)
			}

			// A cell a spreadsheet would run is text; the JSON keeps it.
			_, body = getWith(t, a, "/stories.csv?issue=cuts")
			_, rows := readCSV(t, "/stories.csv", body)
			var formula map[string]string
			for _, row := range rows {
				if strings.Contains(row["title"], "HYPERLINK") {
					formula = row
				}
				for col, cell := range row {
					if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("row %s: %s %q begins as a formula", row["id"], col, cell)
					}
				}
			}
			if formula == nil || formula["title"] != `'=HYPERLINK("https://evil.example","Click")` || formula["body"] != "'- a list item\n\n@someone said, 1, 2" {
				t.Errorf("the formula's row: %q", formula)
			}
			if _, body := getWith(t, a, "/stories.json?issue=cuts"); !strings.Contains(body, `"title":"=HYPERLINK(`) {
				t.Errorf("/stories.json changed the title")
			}

			// Personal data: in no export, in no format.
			for _, path := range []string{"/stories.csv", "/stories.json", "/stories.atom", "/stories.rss", "/tracker.csv", "/tracker.json"} {
				_, body := getWith(t, a, path)
				for _, secret := range []string{"Quentin", "Leakwell", "example.invalid", "07700 900", "LS6 1AA", "Private text"} {
					if strings.Contains(body, secret) {
						t.Errorf("%s shows %q", path, secret)
					}
				}
			}

			// Refused: a bad filter, paging, drafts; each named, in the
			// export's own format.
			for path, params := range map[string][]string{
				"/stories.csv?limit=5":          {"limit"},
				"/tracker.csv?drafts=1&page=2":  {"drafts", "page"},
				"/disputes.json?status=x":       {"status"},
				"/organisations.json?offset=10": {"offset"},
			} {
				resp, body := getWith(t, a, path)
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Disposition") != "" {
					t.Errorf("%s: %d, Content-Disposition %q: want 400 and no file", path, resp.StatusCode, resp.Header.Get("Content-Disposition"))
				}
				if strings.Contains(path, ".json") {
					// The API's problem details (RFC 9457).
					var e struct{ Fields map[string]string }
					if err := json.Unmarshal([]byte(body), &e); err != nil || len(e.Fields) != len(params) || resp.Header.Get("Content-Type") != "application/problem+json" {
						t.Errorf("%s: %v %s", path, err, body)
					}
				}
				for _, p := range params {
					if !strings.Contains(body, p+": ") {
						t.Errorf("%s does not name %s: %s", path, p, body)
					}
				}
			}
		})
	}
}

// watchedStore is the store with its stories' export watched: it notes how
// much of the answer was written when the last story was handed on.
type watchedStore struct {
	*store.DB
	rec         *httptest.ResponseRecorder
	rows        int
	writtenLast int
}

func (s *watchedStore) EachPublicStory(ctx context.Context, f jigsaw.StoryFilter, fn func(*jigsaw.PublicStory) error) error {
	return s.DB.EachPublicStory(ctx, f, func(st *jigsaw.PublicStory) error {
		s.rows++
		s.writtenLast = s.rec.Body.Len()
		return fn(st)
	})
}

// TestExportStreams: an export writes its rows as the store hands them on,
// rather than gathering them all first; the memory it takes stays that of
// a batch however long the list (the benchmark harness measures a million
// rows).
func TestExportStreams(t *testing.T) {
	ctx := context.Background()
	db := testrig.MustOpenDB(t, "sqlite")
	for i := range 60 {
		s := &jigsaw.Story{Title: "Story " + strconv.Itoa(i), Body: "b", PublicBody: strings.Repeat("Words of a public story. ", 8),
			Kind: jigsaw.StoryPatient, Status: jigsaw.StoryPublished, PublishedAt: time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)}
		if err := db.CreateStory(ctx, s, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"/stories.csv", "/stories.json"} {
		rec := httptest.NewRecorder()
		st := &watchedStore{DB: db, rec: rec}
		pages, err := web.New(web.Config{Store: st, Site: web.Site{Name: "Test", BaseURL: "http://test.invalid"}, Log: testrig.Logger()})
		if err != nil {
			t.Fatal(err)
		}
		pages.HandleExport("stories")(rec, httptest.NewRequestWithContext(ctx, "GET", path, nil))
		if rec.Code != 200 || st.rows != 60 {
			t.Fatalf("%s: %d, %d rows read", path, rec.Code, st.rows)
		}
		if st.writtenLast == 0 || st.writtenLast >= rec.Body.Len() {
			t.Errorf("%s: %d of %d bytes written when the last story was read: want the rows before it already sent",
				path, st.writtenLast, rec.Body.Len())
		}
	}
}

// TestExportColumnsDocumented holds docs/exports.md to the exports: each
// list's table names its CSV columns, in their order.
func TestExportColumnsDocumented(t *testing.T) {
	f, err := os.Open("../../docs/exports.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	documented := map[string][]string{}
	list := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if h, ok := strings.CutPrefix(line, "### "); ok {
			list = ""
			if i, j := strings.Index(h, "`/"), strings.Index(h, ".csv`"); i >= 0 && j > i {
				list = h[i+2 : j]
			}
			continue
		}
		if list == "" || !strings.HasPrefix(line, "| `") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
		documented[list] = append(documented[list], name)
	}
	for _, list := range []string{"stories", "tracker", "disputes", "organisations", "representatives", "plan", "seats", "campaigns", "topics", "events", "pledges", "pledge-targets", "resources"} {
		if got, want := documented[list], web.ExportColumns(list); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("docs/exports.md documents /%s.csv as %v; its columns are %v", list, got, want)
		}
	}
}

// TestExportHead: a HEAD of an export answers its headers without reading
// the list.
func TestExportHead(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	resp, err := a.Client.Head(a.URL + "/organisations.csv?kind=union")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != `attachment; filename="organisations.csv"` {
		t.Fatalf("HEAD: %d, %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	if resp, _ := a.Client.Head(a.URL + "/organisations.csv?kind=club"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("HEAD with a bad filter: %d, want 400", resp.StatusCode)
	}
}
