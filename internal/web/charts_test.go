package web_test

import (
	"context"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/chart"
	"jigsaw/internal/testrig"
)

var (
	svgRE   = regexp.MustCompile(`(?s)<svg\b[^>]*class="chart".*?</svg>`)
	rowRE   = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE  = regexp.MustCompile(`(?s)<t[hd]\b[^>]*>(.*?)</t[hd]>`)
	tagRE   = regexp.MustCompile(`<[^>]+>`)
	labelRE = regexp.MustCompile(`aria-labelledby="([^"]+)"`)
)

// chartTable returns the rows of the table with id, each as its cells'
// text, the header row first.
func chartTable(t *testing.T, body, id string) [][]string {
	t.Helper()
	start := strings.Index(body, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no table %s", id)
	}
	end := strings.Index(body[start:], "</table>")
	var rows [][]string
	for _, r := range rowRE.FindAllStringSubmatch(body[start:start+end], -1) {
		var cells []string
		for _, c := range cellRE.FindAllStringSubmatch(r[1], -1) {
			cells = append(cells, strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(c[1], ""))))
		}
		rows = append(rows, cells)
	}
	return rows
}

// wantRow fails unless the table has a row whose cells are want.
func wantRow(t *testing.T, rows [][]string, want ...string) {
	t.Helper()
	for _, r := range rows {
		if strings.Join(r, "|") == strings.Join(want, "|") {
			return
		}
	}
	t.Errorf("no row %q in %q", want, rows)
}

func TestChartsPage(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			// A key issue whose name must be escaped in the SVG and the table.
			if err := a.DB.EnsureKeyIssues(ctx, []jigsaw.KeyIssue{{Slug: "beds", Name: `Beds & <b>"wards"</b>`}}); err != nil {
				t.Fatal(err)
			}
			company := &jigsaw.Organisation{Name: "Serco", Kind: jigsaw.OrgCompany}
			union := &jigsaw.Organisation{Name: "Unison", Kind: jigsaw.OrgUnion}
			for _, o := range []*jigsaw.Organisation{company, union} {
				if err := a.DB.CreateOrganisation(ctx, o); err != nil {
					t.Fatal(err)
				}
			}
			for i, d := range []struct {
				kind     jigsaw.TrackerKind
				on, dist string
				pence    int64
				pub      bool
			}{
				{jigsaw.TrackerOutsourcing, "2025-02-03", "BD20", 1_234_567_89, true},
				{jigsaw.TrackerOutsourcing, "2025-02-20", "LS6", 50_000_00, true},
				{jigsaw.TrackerClosure, "2025-04-01", "BD20", 0, true},
				{jigsaw.TrackerClosure, "2025-04-02", "BD20", 9_999_999_00, false}, // a draft
			} {
				it := &jigsaw.TrackerItem{Kind: d.kind, Title: "Danger " + strconv.Itoa(i), Published: d.pub, District: d.dist, ValuePence: d.pence,
					Sources: []jigsaw.Source{{URL: "https://news.example/"}}, History: []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: d.on}},
					Organisations: []jigsaw.TrackerOrg{{OrgID: company.ID, Role: jigsaw.RoleSupplier}}}
				if err := a.DB.CreateTrackerItem(ctx, it); err != nil {
					t.Fatal(err)
				}
			}
			dispute := &jigsaw.Dispute{Title: "Porters' strike", Status: jigsaw.DisputeAction, District: "BD20",
				Parties: []jigsaw.DisputeParty{{OrgID: union.ID, Role: jigsaw.PartyUnion}},
				Steps:   []jigsaw.DisputeStep{{Kind: jigsaw.StepStrike, Date: "2025-03-30", EndDate: "2025-04-02"}}}
			if err := a.DB.CreateDispute(ctx, dispute); err != nil {
				t.Fatal(err)
			}
			for i, issues := range [][]string{{"beds", "safety"}, {"safety"}} {
				s := &jigsaw.Story{Title: "Story " + strconv.Itoa(i), Body: "b", PublicBody: "b", Kind: jigsaw.StoryPatient, Status: jigsaw.StoryPublished,
					District: "LS6", KeyIssues: issues, PublishedAt: time.Date(2025, 2, 1+i, 0, 0, 0, 0, time.UTC)}
				if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
					t.Fatal(err)
				}
			}

			for _, tt := range []struct {
				query  string
				filter chart.Filter
				months int
			}{
				{"", chart.Filter{}, 24},
				{"?from=2025-01&to=2025&district=bd20", chart.Filter{From: "2025-01", To: "2025-12", District: "BD20"}, 12},
				{"?from=2025-02&to=2025-04&organisation=" + company.Slug, chart.Filter{From: "2025-02", To: "2025-04", OrgID: company.ID}, 3},
			} {
				t.Run(tt.query, func(t *testing.T) {
					p := get(t, a.Client, a.URL+"/charts"+tt.query)
					p.expect(t, http.StatusOK, "Dangers by kind, per month", "Published stories by key issue")
					checkSVGs(t, p.body)
					d, err := a.DB.ChartData(ctx, tt.filter)
					if err != nil {
						t.Fatal(err)
					}
					checkChartTables(t, p.body, d, tt.months)
				})
			}
			// What the filters leave out.
			p := get(t, a.Client, a.URL+"/charts?district=LS6")
			if rows := chartTable(t, p.body, "table-contracts"); len(rows) != 3 || rows[1][0] != "2025" || rows[1][1] != "£50,000" {
				t.Errorf("contracts in LS6: %q, want only £50,000 in 2025", rows)
			}
			p.reject(t, "Porters", "£1,234,567.89")
		})
	}
}

// checkSVGs parses every SVG of the page as XML and checks that each is
// named by an element of the page.
func checkSVGs(t *testing.T, body string) {
	t.Helper()
	svgs := svgRE.FindAllString(body, -1)
	if len(svgs) < 4 {
		t.Fatalf("%d charts, want at least 4", len(svgs))
	}
	for _, s := range svgs {
		dec := xml.NewDecoder(strings.NewReader(s))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("SVG is not well-formed XML: %v\n%s", err, s)
			}
		}
		m := labelRE.FindStringSubmatch(s)
		if m == nil || !strings.Contains(body, `<figcaption id="`+m[1]+`"`) || !strings.Contains(s, `role="img"`) {
			t.Errorf("SVG not labelled by a caption: %.200s", s)
		}
	}
	if strings.Contains(body, `<b>"wards"`) {
		t.Error("a key issue's name is not escaped")
	}
}

// checkChartTables compares each table with the store's figures.
func checkChartTables(t *testing.T, body string, d *chart.Data, months int) {
	t.Helper()
	dangers := chartTable(t, body, "table-dangers")
	total := 0
	for _, m := range d.Dangers {
		total += m.Count
	}
	if total == 0 {
		if !strings.Contains(body, "No dangers were reported in these months.") {
			t.Error("no dangers, and no word of it")
		}
	} else {
		if len(dangers) != months+2 { // the header, a row per month, the total
			t.Errorf("dangers' table has %d rows, want %d months", len(dangers)-2, months)
		}
		if last := dangers[len(dangers)-1]; last[len(last)-1] != strconv.Itoa(total) {
			t.Errorf("dangers in all: %q, want %d", last, total)
		}
	}
	if len(d.Disputes) == 0 {
		if !strings.Contains(body, "No dispute had a step in these months.") {
			t.Error("no disputes, and no word of it")
		}
	} else {
		disputes := chartTable(t, body, "table-disputes")
		if len(disputes) != months+1 {
			t.Errorf("disputes' table has %d rows, want %d months", len(disputes)-1, months)
		}
		for _, m := range d.Disputes {
			wantRow(t, disputes, chart.Month(m.Month).Label(), strconv.Itoa(m.Disputes), strconv.Itoa(m.StrikeDays))
		}
	}
	stories := chartTable(t, body, "table-stories")
	if len(stories) != len(d.Stories)+1 {
		t.Errorf("stories' table has %d rows, want %d", len(stories)-1, len(d.Stories))
	}
	for _, k := range d.Stories {
		wantRow(t, stories, k.Name, strconv.Itoa(k.Stories))
	}
	if len(d.Contracts) > 0 {
		contracts := chartTable(t, body, "table-contracts")
		for _, y := range d.Contracts {
			wantRow(t, contracts, y.Year, jigsaw.FormatPence(y.Pence), strconv.Itoa(y.Items))
		}
	}
}

// A refused filter is marked on the form at status 400; a parameter the
// form has not is refused on the error page.
func TestChartsBadFilters(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	for _, tt := range []struct {
		query, want string
	}{
		{"from=2025-13", "From must be a month such as 2025-03, or a year such as 2025."},
		{"from=2025&to=2024", "To must not be before from."},
		{"from=2000-01&to=2025-01", "To must be at most 10 years after from."},
		{"issue=nope", "Key issue is not a key issue of this site."},
		{"district=B", "Postcode district must be a postcode district"},
	} {
		p := get(t, a.Client, a.URL+"/charts?"+tt.query)
		p.expect(t, http.StatusBadRequest, tt.want, `aria-invalid="true"`, "Correct the marked filter to see the charts.")
		p.reject(t, `<svg xmlns`)
	}
	for _, q := range []string{"page=2", "organisation=no-such-body", "kind=closure"} {
		if p := get(t, a.Client, a.URL+"/charts?"+q); p.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, p.status)
		}
	}
}
