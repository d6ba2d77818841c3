package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// pickerFixture is what the picker tests find: two organisations, a
// published story, one awaiting review and a dispute.
type pickerFixture struct {
	trust, sub       *jigsaw.Organisation
	story, pending   *jigsaw.Story
	dispute          *jigsaw.Dispute
	tellerName, mail string
}

func newPickerFixture(t *testing.T, a *testrig.TestApp) *pickerFixture {
	t.Helper()
	ctx := context.Background()
	f := &pickerFixture{tellerName: "Perpetua Leakwell-Picker", mail: "perpetua.picker@example.invalid"}
	f.trust = &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RCF"}
	f.sub = &jigsaw.Organisation{Name: "AGH Solutions Ltd", Kind: jigsaw.OrgSubsidiary, CompanyNumber: "10660279"}
	for _, o := range []*jigsaw.Organisation{f.trust, f.sub} {
		if err := a.DB.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	f.story = &jigsaw.Story{Title: "Second-class citizens", Body: "b", PublicBody: "b", Kind: jigsaw.StoryStaff, Status: jigsaw.StoryPublished}
	f.pending = &jigsaw.Story{Title: "Private pending confession", Body: "b", PublicBody: "b", Kind: jigsaw.StoryStaff, Status: jigsaw.StoryAwaitingReview}
	for _, s := range []*jigsaw.Story{f.story, f.pending} {
		if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: f.tellerName, Email: f.mail}); err != nil {
			t.Fatal(err)
		}
	}
	f.dispute = &jigsaw.Dispute{Title: "AGH Solutions: parity with Agenda for Change", Status: jigsaw.DisputeAction,
		Parties: []jigsaw.DisputeParty{{OrgID: f.sub.ID, Role: jigsaw.PartyEmployer}}}
	if err := a.DB.CreateDispute(ctx, f.dispute); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSuggest(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			f := newPickerFixture(t, a)
			ed, _ := a.AsUser(t, jigsaw.RoleEditor)
			suggest := func(path string) []map[string]any {
				t.Helper()
				p := get(t, a.Client, a.URL+path)
				if p.status != 200 {
					t.Fatalf("%s: status %d: %s", path, p.status, p.body)
				}
				var out struct {
					Q       string           `json:"q"`
					Results []map[string]any `json:"results"`
				}
				if err := json.Unmarshal([]byte(p.body), &out); err != nil {
					t.Fatalf("%s: %v: %s", path, err, p.body)
				}
				for _, r := range out.Results {
					for k := range r {
						if !strings.Contains(" id name code kind url ", " "+k+" ") {
							t.Errorf("%s: answers the field %q", path, k)
						}
					}
				}
				return out.Results
			}
			names := func(results []map[string]any) string {
				var out []string
				for _, r := range results {
					out = append(out, fmt.Sprint(r["name"]))
				}
				return strings.Join(out, "|")
			}

			got := suggest("/organisations/suggest?q=aire")
			if len(got) != 1 || got[0]["name"] != f.trust.Name || got[0]["code"] != "RCF" || got[0]["kind"] != "foundation-trust" ||
				got[0]["id"] != float64(f.trust.ID) || got[0]["url"] != "/organisations/airedale-nhs-foundation-trust" {
				t.Fatalf("suggest aire: %+v", got)
			}
			if n := names(suggest("/organisations/suggest?q=10660279")); n != f.sub.Name {
				t.Errorf("by company number: %q", n)
			}
			if n := names(suggest("/organisations/suggest?q=rcf")); n != f.trust.Name {
				t.Errorf("by ODS code: %q", n)
			}
			if n := names(suggest("/organisations/suggest?q=a")); n != f.sub.Name+"|"+f.trust.Name {
				t.Errorf("a: %q", n)
			}
			if n := names(suggest("/stories/suggest?q=second+cla")); n != f.story.Title {
				t.Errorf("published story: %q", n)
			}
			if n := names(suggest("/disputes/suggest?q=parity")); n != f.dispute.Title {
				t.Errorf("dispute: %q", n)
			}
			// Stories awaiting review are not found, by anyone; nor is the
			// teller.
			for _, q := range []string{"private", "pending+confession", "Perpetua", "Leakwell", "b"} {
				if got := suggest("/stories/suggest?q=" + q); len(got) != 0 {
					t.Errorf("stories/suggest?q=%s: %+v", q, got)
				}
				p := get(t, ed, a.URL+"/stories/suggest?q="+q)
				p.reject(t, f.pending.Title, f.tellerName, f.mail)
			}
			// Bad or missing words: a clear 400 in JSON.
			for _, path := range []string{"/organisations/suggest", "/organisations/suggest?q=", "/organisations/suggest?q=+++",
				"/stories/suggest?q=%22%29%28*", "/disputes/suggest?q=" + strings.Repeat("x", 101), "/organisations/suggest?q=%E2%80%94"} {
				p := get(t, a.Client, a.URL+path)
				p.expect(t, 400, `"code":"invalid"`)
				if !strings.Contains(p.body, "search for") {
					t.Errorf("%s: %s", path, p.body)
				}
			}
			// Only pages with a picker load its script.
			for _, path := range []string{"/", "/stories", "/organisations", "/organisations/airedale-nhs-foundation-trust", "/tracker", "/disputes", "/about"} {
				get(t, a.Client, a.URL+path).reject(t, "picker.js")
			}
			for _, path := range []string{"/disputes/new", "/organisations/new", "/organisations/agh-solutions-ltd/edit", "/organisations/agh-solutions-ltd/merge"} {
				get(t, ed, a.URL+path).expect(t, 200, `<script src="/static/picker.js" defer`)
			}
			if p := get(t, a.Client, a.URL+"/static/picker.js"); p.status != 200 || !strings.Contains(p.body, "role', 'combobox'") {
				t.Errorf("picker.js: %d", p.status)
			}
			// FTS and tsquery syntax is plain text.
			for _, q := range []string{"NEAR(a+b)", "a:*", "%27%3B--", "trust+%26+!care", "*"} {
				if p := get(t, a.Client, a.URL+"/organisations/suggest?q="+q); p.status != 200 && p.status != 400 {
					t.Errorf("q=%s: %d %s", q, p.status, p.body)
				}
			}
		})
	}
}

// importPractices adds n GP practices in one import, as a full ODS file
// does.
func importPractices(t *testing.T, a *testrig.TestApp, n int) {
	t.Helper()
	err := a.DB.Import(context.Background(), &jigsaw.ImportRun{Kind: "ods", Source: "test"}, false, func(it *store.ImportTx) error {
		for i := range n {
			o := &jigsaw.Organisation{Name: fmt.Sprintf("Practice %04d Surgery", i), Kind: jigsaw.OrgGPPractice, ODSCode: fmt.Sprintf("B%05d", i)}
			if err := it.CreateOrganisation(o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStoryPickerWithoutScript: among thousands of organisations the story
// form stays small, and the Find button finds them on the form itself
// with everything typed kept.
func TestStoryPickerWithoutScript(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			f := newPickerFixture(t, a)
			importPractices(t, a, 5000)
			practice, err := a.DB.FindOrganisationByODSCode(ctx, "B00042")
			if err != nil {
				t.Fatal(err)
			}

			_, before, _ := a.DB.ModerationQueue(ctx, "", 10, 0)
			p := get(t, a.Client, a.URL+"/stories/new")
			p.expect(t, 200, `name="org_query"`, `name="find"`, `<script src="/static/picker.js" defer`)
			p.reject(t, "Practice 0001", f.trust.Name, "<select id=\"organisations\"")
			if len(p.body) > 100_000 {
				t.Fatalf("the story form is %d bytes with 5,000 organisations", len(p.body))
			}

			// Find: the form again, as typed, with the matches to tick.
			v := storyForm("t-picker")
			v.Set("org_query", "practice 0042")
			v.Set("find", "Find")
			p = post(t, a.Client, a.URL+"/stories/new", v)
			p.expect(t, 200, "Eleven hours on a trolley", planted.name, planted.email, "Keighley", `value="t-picker"`,
				`<input type="checkbox" id="organisation-`+itoa(practice.ID)+`" name="organisations" value="`+itoa(practice.ID)+`"><label for="organisation-`+itoa(practice.ID)+`">Practice 0042 Surgery`,
				"1 organisation matches “practice 0042”", `value="practice 0042"`)
			p.reject(t, "Please correct", "field-error", "Practice 0043")

			// Chosen ones stay chosen across searches.
			v.Set("organisations", itoa(practice.ID))
			v.Set("org_query", "RCF")
			p = post(t, a.Client, a.URL+"/stories/new", v)
			p.expect(t, 200, `value="`+itoa(practice.ID)+`" checked><label for="organisation-`+itoa(practice.ID)+`">Practice 0042 Surgery`,
				`value="`+itoa(f.trust.ID)+`"><label for="organisation-`+itoa(f.trust.ID)+`">Airedale NHS Foundation Trust`)
			v.Add("organisations", itoa(f.trust.ID))
			v.Set("org_query", "zzzz nothing")
			p = post(t, a.Client, a.URL+"/stories/new", v)
			p.expect(t, 200, `value="`+itoa(practice.ID)+`" checked>`, `value="`+itoa(f.trust.ID)+`" checked>`,
				"No organisation matches “zzzz nothing”")
			v.Set("org_query", "!!!")
			post(t, a.Client, a.URL+"/stories/new", v).expect(t, 200, "Type letters or digits to search for.", `value="`+itoa(practice.ID)+`" checked>`)
			if _, n, _ := a.DB.ModerationQueue(ctx, "", 10, 0); n != before {
				t.Fatalf("Find stored %d stories", n-before)
			}

			// An unknown organisation is refused, the known ones kept.
			bad := url.Values{}
			for k, vs := range v {
				bad[k] = vs
			}
			bad.Del("find")
			bad.Add("organisations", "999999")
			post(t, a.Client, a.URL+"/stories/new", bad).expect(t, 422, "One of the organisations does not exist.",
				`value="`+itoa(practice.ID)+`" checked>`)

			// Sent: the story names the organisations chosen.
			v.Del("find")
			v.Set("token", "t-picker-2")
			p = post(t, a.Client, a.URL+"/stories/new", v)
			if p.expect(t, 303); p.location != "/stories/thanks" {
				t.Fatalf("sent to %q", p.location)
			}
			list, _, err := a.DB.FindPublicStories(ctx, jigsaw.StoryFilter{OrgID: practice.ID})
			if err != nil || len(list) != 0 {
				t.Fatalf("an unconfirmed story is public: %+v %v", list, err)
			}
		})
	}
}

// TestEditorPickers: editors name organisations and linked records by
// name; what names nothing, or several, is refused naming what they may
// have meant.
func TestEditorPickers(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			f := newPickerFixture(t, a)
			ed, _ := a.AsUser(t, jigsaw.RoleEditor)
			u := func(path string) string { return a.URL + path }

			for _, path := range []string{"/tracker/new", "/disputes/new", "/organisations/new", "/organisations/agh-solutions-ltd/merge"} {
				p := get(t, ed, u(path))
				p.reject(t, `id="org-names"`, f.trust.Name)
			}
			get(t, ed, u("/tracker/new")).expect(t, 200, `<script src="/static/picker.js" defer`,
				`data-suggest="/organisations/suggest"`, `data-suggest="/stories/suggest"`, `data-suggest="/disputes/suggest"`)

			post(t, ed, u("/organisations/new"), url.Values{"name": {"Airedale Catering Ltd"}, "kind": {"company"}, "parent": {"Airedael Trust"}}).
				expect(t, 422, "No organisation is called “Airedael Trust”", "Did you mean “Airedale NHS Foundation Trust”?")

			base := url.Values{
				"kind": {"subco-transfer"}, "title": {"Staff moved to AGH Solutions"},
				"status_history[0].status": {"proposed"}, "status_history[0].on": {"2022-11"},
				"organisations[0].organisation": {"AGH Solutions Ltd"}, "organisations[0].role": {"employer"},
			}
			with := func(kv ...string) url.Values {
				v := url.Values{}
				for k, vs := range base {
					v[k] = append([]string(nil), vs...)
				}
				for i := 0; i < len(kv); i += 2 {
					v.Set(kv[i], kv[i+1])
				}
				return v
			}
			story, dispute := itoa(f.story.ID), itoa(f.dispute.ID)
			for _, tt := range []struct {
				name string
				v    url.Values
				want []string
			}{
				{"unknown organisation", with("organisations[0].organisation", "AGH Solutons"),
					[]string{"No organisation is called “AGH Solutons”", "Did you mean “AGH Solutions Ltd”?"}},
				{"story title not quite", with("stories", "Second class citizen"),
					[]string{"No published story is titled “Second class citizen”. Did you mean “Second-class citizens” (#" + story + ")?"}},
				{"unpublished story by title", with("stories", "Private pending confession"),
					[]string{"No published story is titled “Private pending confession”."}},
				{"unknown dispute", with("disputes", "Agenda for Change\nNo such dispute"),
					[]string{"No dispute is titled “Agenda for Change”. Did you mean “AGH Solutions: parity with Agenda for Change” (#" + dispute + ")?",
						"No dispute is titled “No such dispute”."}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					post(t, ed, u("/tracker/new"), tt.v).expect(t, 422, tt.want...)
				})
			}
			// By title, by number and by address, one a line.
			p := post(t, ed, u("/tracker/new"), with("stories", "second-class CITIZENS", "disputes",
				"AGH Solutions: parity with Agenda for Change\n"+u("/disputes/"+dispute)))
			p.expect(t, 303)
			item := p.location
			p = get(t, ed, u(item+"/edit"))
			p.expect(t, 200, ">Second-class citizens (#"+story+")</textarea>", ">AGH Solutions: parity with Agenda for Change (#"+dispute+")</textarea>")
			// Saved again as shown, nothing changes.
			v := with("stories", "Second-class citizens (#"+story+")\n#"+itoa(f.pending.ID), "disputes", "#"+dispute)
			v.Set("version", "1")
			post(t, ed, u(item+"/edit"), v).expect(t, 303)
			// A story whose title is not public shows by its number only.
			p = get(t, ed, u(item+"/edit"))
			p.expect(t, 200, "Second-class citizens (#"+story+")\n#"+itoa(f.pending.ID)+"</textarea>")
			p.reject(t, f.pending.Title)

			// Two published stories of one title: the number is asked for.
			twin := &jigsaw.Story{Title: "Second-class citizens", Body: "b", PublicBody: "b", Kind: jigsaw.StoryStaff, Status: jigsaw.StoryPublished}
			if err := a.DB.CreateStory(ctx, twin, &jigsaw.Person{Name: "x", Email: "x@example.invalid"}); err != nil {
				t.Fatal(err)
			}
			post(t, ed, u("/tracker/new"), with("stories", "Second-class citizens")).expect(t, 422,
				"Several published stories are titled “Second-class citizens” (#"+itoa(twin.ID)+" or #"+story+")")
		})
	}
}
