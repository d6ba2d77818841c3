package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

type page struct {
	status   int
	body     string
	location string
}

func get(t *testing.T, c *http.Client, u string) page {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, string(b), resp.Header.Get("Location")}
}

func post(t *testing.T, c *http.Client, u string, v url.Values) page {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, string(b), resp.Header.Get("Location")}
}

// expect fails unless the page has the status and contains every want,
// compared with HTML entities decoded.
func (p page) expect(t *testing.T, status int, want ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d; body %.600s", p.status, status, p.body)
	}
	text := html.UnescapeString(p.body)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func (p page) reject(t *testing.T, unwanted ...string) {
	t.Helper()
	text := html.UnescapeString(p.body)
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("page contains %q", w)
		}
	}
}

func TestMonitoringPages(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testMonitoringPages(t, engine) })
	}
}

func testMonitoringPages(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	ed, user := a.AsUser(t, jigsaw.RoleEditor)
	anon := a.Client
	u := func(path string) string { return a.URL + path }
	gmb := &jigsaw.Organisation{Name: "GMB", Kind: jigsaw.OrgUnion}
	if err := a.DB.CreateOrganisation(ctx, gmb); err != nil {
		t.Fatal(err)
	}
	story := &jigsaw.Story{Title: "Second-class citizens", Body: "b", PublicBody: "b", Kind: jigsaw.StoryStaff, Status: jigsaw.StoryPublished,
		District: "BD20", Area: "Keighley", OrgIDs: []int64{gmb.ID}}
	if err := a.DB.CreateStory(ctx, story, &jigsaw.Person{Name: "Samira Planted-Name", Email: "planted@example.invalid"}); err != nil {
		t.Fatal(err)
	}

	t.Run("editor pages need an editor", func(t *testing.T) {
		for _, path := range []string{"/tracker/new", "/disputes/new", "/organisations/new", "/organisations/gmb/edit", "/organisations/gmb/merge"} {
			get(t, anon, u(path)).expect(t, 303) // sent to sign in
		}
		post(t, anon, u("/organisations/new"), url.Values{"name": {"Sneaky"}, "kind": {"company"}}).expect(t, 401)
		get(t, anon, u("/tracker?drafts=1")).expect(t, 401)
		get(t, anon, u("/tracker")).reject(t, "Record a danger")
		get(t, ed, u("/tracker")).expect(t, 200, "Record a danger")
	})

	t.Run("organisations", func(t *testing.T) {
		get(t, ed, u("/organisations/new")).expect(t, 200, `name="ods_code"`, `data-suggest="/organisations/suggest"`)
		p := post(t, ed, u("/organisations/new"), url.Values{"name": {"Airedale NHS Foundation Trust"}, "kind": {"foundation-trust"},
			"ods_code": {"R!"}, "website": {"javascript:alert(1)"}, "parent": {"Nobody At All"}})
		p.expect(t, 422, "An ODS code is 3 to 10 letters and digits.", "Website must be an http or https address.",
			"No organisation is called “Nobody At All”", `value="R!"`, `value="Nobody At All"`)
		post(t, ed, u("/organisations/new"), url.Values{"name": {"Airedale NHS Foundation Trust"}, "kind": {"foundation-trust"},
			"ods_code": {"rcf"}, "region": {"North East and Yorkshire"}}).expect(t, 303)
		p = post(t, ed, u("/organisations/new"), url.Values{"name": {"AGH Solutions Ltd"}, "kind": {"subsidiary"},
			"company_number": {"10660279"}, "parent": {"RCF"}})
		if p.expect(t, 303); p.location != "/organisations/agh-solutions-ltd" {
			t.Fatalf("redirect to %q", p.location)
		}
		post(t, ed, u("/organisations/new"), url.Values{"name": {"airedale nhs foundation trust"}, "kind": {"nhs-trust"}}).
			expect(t, 409, "An organisation with this name already exists.")
		// An organisation cannot be its own parent, nor its child's child.
		p = post(t, ed, u("/organisations/airedale-nhs-foundation-trust/edit"), url.Values{"name": {"Airedale NHS Foundation Trust"},
			"kind": {"foundation-trust"}, "ods_code": {"RCF"}, "parent": {"Airedale NHS Foundation Trust"}})
		p.expect(t, 422, "An organisation cannot be its own parent.", `value="Airedale NHS Foundation Trust"`)
		post(t, ed, u("/organisations/airedale-nhs-foundation-trust/edit"), url.Values{"name": {"Airedale NHS Foundation Trust"},
			"kind": {"foundation-trust"}, "parent": {"agh-solutions-ltd"}}).expect(t, 422, "its own ancestor")
		get(t, ed, u("/organisations/agh-solutions-ltd/edit")).expect(t, 200, `value="Airedale NHS Foundation Trust"`, `value="10660279"`)
		post(t, ed, u("/organisations/gmb/edit"), url.Values{"name": {"GMB"}, "kind": {"union"}, "coalition_member": {"1"}}).expect(t, 303)
		p = get(t, anon, u("/organisations?members=1"))
		p.expect(t, 200, "GMB", "Coalition member")
		p.reject(t, "Airedale")
		get(t, anon, u("/organisations?region=North+East+and+Yorkshire")).expect(t, 200, "Airedale NHS Foundation Trust")
		get(t, anon, u("/organisations?members=perhaps")).expect(t, 400, "Coalition members only: must be 1")

		// Closures, typed as people write dates, on the page, the list and
		// the timeline.
		post(t, ed, u("/organisations/agh-solutions-ltd/edit"), url.Values{"name": {"AGH Solutions Ltd"}, "kind": {"subsidiary"},
			"opened_on": {"2018-04-01"}, "closed_on": {"31/02/2024"}}).expect(t, 422, "Closed on must be a date")
		post(t, ed, u("/organisations/agh-solutions-ltd/edit"), url.Values{"name": {"AGH Solutions Ltd"}, "kind": {"subsidiary"},
			"opened_on": {"2018-04-01"}, "closed_on": {"2017-01-01"}}).expect(t, 422, "Closed on must not be before the day it opened.")
		post(t, ed, u("/organisations/agh-solutions-ltd/edit"), url.Values{"name": {"AGH Solutions Ltd"}, "kind": {"subsidiary"},
			"company_number": {"10660279"}, "parent": {"RCF"}, "opened_on": {"1/4/2018"}, "closed_on": {"30/09/2024"}}).expect(t, 303)
		get(t, anon, u("/organisations/agh-solutions-ltd")).expect(t, 200, "Closed 30 September 2024", `<time datetime="2018-04-01">1 April 2018</time>`)
		get(t, anon, u("/organisations/airedale-nhs-foundation-trust")).expect(t, 200, `<span class="tag">Closed</span> <a href="/organisations/agh-solutions-ltd">AGH Solutions Ltd</a>`)
		get(t, anon, u("/organisations?q=AGH")).expect(t, 200, "Closed 30 September 2024")
		get(t, ed, u("/organisations/agh-solutions-ltd/edit")).expect(t, 200, `value="2024-09-30"`)
	})

	var itemPath string
	t.Run("dangers", func(t *testing.T) {
		get(t, ed, u("/tracker/new")).expect(t, 200, `name="status_history[0].status"`, `name="sources[1].url"`, `name="key_issues"`)
		base := url.Values{
			"kind": {"subco-transfer"}, "title": {"Staff moved to AGH Solutions"}, "summary": {"Outsourced to a **SubCo**."},
			"status_history[0].status": {"proposed"}, "status_history[0].on": {"2022-11"},
			"status_history[1].status": {"implemented"}, "status_history[1].on": {""}, // a blank row
			"status_history[2].status": {"implemented"}, "status_history[2].on": {"2023-04-01"},
			"organisations[0].organisation": {"Airedale NHS Foundation Trust"}, "organisations[0].role": {"parent"},
			"organisations[1].organisation": {"10660279"}, "organisations[1].role": {"employer"},
			"value_pence": {"£1,234,567.89"}, "staff_affected": {"150"}, "district": {"bd20"}, "area": {"Keighley"},
			"key_issues": {"outsourcing", "pay-and-conditions"}, "stories": {"/stories/" + itoa(story.ID)},
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
		for _, tt := range []struct {
			name string
			v    url.Values
			want []string
		}{
			{"negative value", with("value_pence", "-£5"), []string{"The value cannot be negative.", `value="-£5"`}},
			{"value that is not money", with("value_pence", "lots"), []string{"The value is not a number", `value="lots"`}},
			{"value finer than a penny", with("value_pence", "£1.234"), []string{"finer than a penny"}},
			{"unknown organisation", with("organisations[1].organisation", "Acme Ltd"), []string{"No organisation is called “Acme Ltd”", `value="Acme Ltd"`}},
			{"published without a source", with("published", "1"), []string{"A danger cannot be published without at least one source."}},
			{"bad source address", with("sources[0].url", "not a url"), []string{"The source must be an http or https address.", `id="f-sources-0-url"`}},
			{"missing story", with("stories", "12345"), []string{"There is no story 12345."}},
			{"several mistakes at once", with("title", "", "staff_affected", "many", "status_history[0].on", "yesterday"),
				[]string{"Title is required.", "Staff affected must be a whole number.", "The date must be a date as YYYY-MM-DD", "Please correct the marked fields"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				post(t, ed, u("/tracker/new"), tt.v).expect(t, 422, tt.want...)
			})
		}
		// More rows, without JavaScript: the form comes back with blanks to fill.
		p := post(t, ed, u("/tracker/new"), with("more", "1"))
		p.expect(t, 200, `name="sources[4].url"`, `value="Staff moved to AGH Solutions"`)
		p.reject(t, "Please correct")

		p = post(t, ed, u("/tracker/new"), base)
		p.expect(t, 303)
		itemPath = p.location
		get(t, anon, u(itemPath)).expect(t, 404)
		get(t, ed, u("/tracker?drafts=1")).expect(t, 200, "Staff moved to AGH Solutions", "Draft")
		get(t, ed, u(itemPath)).expect(t, 200, "Draft: only editors see it", "£1,234,567.89", "Implemented since 1 April 2023", "November 2022",
			"Edit history", user.Email)
		// The blank status row was dropped; the edit form shows what is stored.
		p = get(t, ed, u(itemPath+"/edit"))
		p.expect(t, 200, `value="1,234,567.89"`, `value="AGH Solutions Ltd"`, `name="status_history[1].on" type="text" value="2023-04-01"`)
		// Publish with a source.
		v := with("published", "1", "sources[0].url", "https://socialistworker.co.uk/", "sources[0].publisher", "Socialist Worker",
			"sources[0].quote", "They say they feel like second class citizens.", "title", "Staff moved to AGH Solutions Ltd")
		post(t, ed, u(itemPath+"/edit"), v).expect(t, 303)
		p = get(t, anon, u(itemPath))
		p.expect(t, 200, "Staff moved to AGH Solutions Ltd", "<strong>SubCo</strong>", "Socialist Worker", "They say they feel like second class citizens.",
			`href="/areas/BD20"`, `href="/organisations/agh-solutions-ltd"`, "Second-class citizens")
		p.reject(t, "Edit history", user.Email, "Draft")
		get(t, ed, u(itemPath)).expect(t, 200, "Edit history", "title", "Staff moved to AGH Solutions Ltd")
		get(t, anon, u("/tracker?kind=subco-transfer&district=BD20")).expect(t, 200, "Staff moved to AGH Solutions Ltd")
		get(t, anon, u("/tracker?status=defeated")).expect(t, 200, "No dangers match.")
		get(t, anon, u("/tracker?kind=rumour")).expect(t, 400, "Kind must be one of", `<option value="rumour" selected>`)
		get(t, anon, u("/tracker?kind=rumour")).reject(t, "Staff moved to AGH Solutions Ltd")
	})

	var disputePath string
	t.Run("disputes", func(t *testing.T) {
		get(t, ed, u("/disputes/new")).expect(t, 200, `name="parties[0].organisation"`, `<datalist id="workforce-roles">`)
		v := url.Values{"title": {"AGH Solutions: parity with Agenda for Change"}, "status": {"balloting"},
			"parties[0].organisation": {"AGH Solutions Ltd"}, "parties[0].role": {"employer"},
			"parties[1].organisation": {"GMB"}, "parties[1].role": {"union"},
			"workforce[0].role": {"porters"}, "workforce[0].headcount": {"-3"},
			"demands": {"Parity with Agenda for Change\n\nReturn in-house"}, "district": {"BD20"}, "area": {"Keighley"}}
		post(t, ed, u("/disputes/new"), v).expect(t, 422, "The headcount cannot be negative.", `value="-3"`, "Return in-house")
		v.Set("workforce[0].headcount", "1,50")
		post(t, ed, u("/disputes/new"), v).expect(t, 422, "The headcount must be a whole number.")
		v.Set("workforce[0].headcount", "150")
		p := post(t, ed, u("/disputes/new"), v)
		p.expect(t, 303)
		disputePath = p.location
		steps := disputePath + "/steps"
		get(t, ed, u(steps)).expect(t, 200, "No steps yet.", "Add a step")
		for _, tt := range []struct {
			name string
			v    url.Values
			want []string
		}{
			{"turnout above 100 %", url.Values{"kind": {"ballot-closed"}, "date": {"2025-07-29"}, "turnout": {"120"}, "yes_share": {"94"}},
				[]string{"Turnout cannot be above 100%.", `value="120"`}},
			{"turnout that is not a number", url.Values{"kind": {"ballot-closed"}, "date": {"2025-07-29"}, "turnout": {"most"}},
				[]string{"Turnout is not a percentage"}},
			{"strike ending before it starts", url.Values{"kind": {"strike"}, "date": {"2025-09-15"}, "end_date": {"2025-09-14"}},
				[]string{"The strike cannot end before it starts."}},
			{"no date", url.Values{"kind": {"rally"}}, []string{"Give the date."}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				post(t, ed, u(steps), tt.v).expect(t, 422, tt.want...)
			})
		}
		for _, step := range []url.Values{
			{"kind": {"ballot-opened"}, "date": {"2025-07-01"}},
			{"kind": {"ballot-closed"}, "date": {"2025-07-29"}, "turnout": {"73.5%"}, "yes_share": {"94.35"}},
			{"kind": {"strike"}, "date": {"2025-09-15"}, "end_date": {"2025-09-17"}, "note": {"Three-day strike"}},
		} {
			post(t, ed, u(steps), step).expect(t, 303)
		}
		get(t, anon, u("/")).expect(t, 200, "Live disputes", "AGH Solutions: parity with Agenda for Change", "Recent dangers", "Staff moved to AGH Solutions Ltd")
		p = get(t, anon, u(disputePath))
		p.expect(t, 200, "Ballot closed", "turnout 73.5%", "94.35% voted yes", "Strike", "(3 days)", "150 porters", "Parity with Agenda for Change")
		p.reject(t, "Edit history")

		// The outcome.
		v.Set("status", "won")
		v.Set("outcome", "Brought onto **Agenda for Change**.")
		v.Set("outcome_figures[0].people", "150")
		v.Set("outcome_figures[0].label", "workers brought onto Agenda for Change")
		v.Set("outcome_figures[1].label", "back pay each")
		v.Set("outcome_figures[1].pence", "£4,000")
		v.Set("workforce[1].role", "security") // a role without a headcount is kept
		post(t, ed, u(disputePath+"/edit"), v).expect(t, 303)
		p = get(t, anon, u(disputePath))
		p.expect(t, 200, "150 porters, security", "Won", "<strong>150</strong> workers brought onto Agenda for Change", "<strong>£4,000</strong> back pay each", "<strong>Agenda for Change</strong>", "Three-day strike")
		get(t, ed, u(disputePath)).expect(t, 200, "Edit history", "step-add")
		get(t, anon, u("/disputes?live=1")).expect(t, 200, "No disputes match.")
		get(t, anon, u("/disputes?status=won&district=bd20")).expect(t, 200, "AGH Solutions: parity")

		// Editing and deleting a step.
		d, _, _ := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{})
		first := d[0].Steps[0]
		stepPath := steps + "/" + itoa(first.ID)
		get(t, ed, u(stepPath+"/edit")).expect(t, 200, "Change this step", `value="2025-07-01"`)
		post(t, ed, u(stepPath+"/edit"), url.Values{"kind": {"ballot-opened"}, "date": {"2025-07-02"}}).expect(t, 303)
		post(t, ed, u(stepPath+"/delete"), nil).expect(t, 303)
		get(t, ed, u(stepPath+"/edit")).expect(t, 404)
	})

	t.Run("timelines and areas", func(t *testing.T) {
		for _, slug := range []string{"agh-solutions-ltd", "airedale-nhs-foundation-trust"} {
			p := get(t, anon, u("/organisations/"+slug))
			p.expect(t, 200, "Timeline", "AGH Solutions: parity with Agenda for Change", "turnout 73.5%", "Strike", "Staff moved to AGH Solutions Ltd")
			p.reject(t, "Samira", "planted@example.invalid")
		}
		get(t, anon, u("/organisations/airedale-nhs-foundation-trust")).expect(t, 200, "Subsidiaries", "and its subsidiaries")
		get(t, anon, u("/organisations/gmb")).expect(t, 200, "Second-class citizens", "AGH Solutions: parity")
		p := get(t, anon, u("/areas/BD20"))
		p.expect(t, 200, "AGH Solutions: parity with Agenda for Change", "Staff moved to AGH Solutions Ltd", "Second-class citizens")
		p.reject(t, "Samira")
		if p := get(t, anon, u("/areas/bd20")); p.status != 301 || p.location != "/areas/BD20" {
			t.Fatalf("lower-case district: %d %q", p.status, p.location)
		}
		get(t, anon, u("/areas/Keighley")).expect(t, 404, "not a postcode district")
		get(t, anon, u("/areas/SW1A")).expect(t, 200, "No disputes recorded here.")
	})

	t.Run("merge", func(t *testing.T) {
		post(t, ed, u("/organisations/new"), url.Values{"name": {"AGH Solutions"}, "kind": {"company"}, "website": {"https://agh.example"}}).expect(t, 303)
		get(t, ed, u("/organisations/agh-solutions/merge")).expect(t, 200, "Keep this organisation")
		post(t, ed, u("/organisations/agh-solutions/merge"), url.Values{"into": {"AGH Solutions"}}).expect(t, 422, "cannot be merged into itself")
		post(t, ed, u("/organisations/agh-solutions/merge"), url.Values{"into": {""}}).expect(t, 422, "Name the organisation to keep.")
		p := post(t, ed, u("/organisations/agh-solutions/merge"), url.Values{"into": {"AGH Solutions Ltd"}})
		if p.expect(t, 303); p.location != "/organisations/agh-solutions-ltd" {
			t.Fatalf("merge redirects to %q", p.location)
		}
		if p := get(t, anon, u("/organisations/agh-solutions")); p.status != 301 || p.location != "/organisations/agh-solutions-ltd" {
			t.Fatalf("old address: %d %q", p.status, p.location)
		}
		get(t, ed, u("/organisations/agh-solutions-ltd")).expect(t, 200, "https://agh.example", "merge")
	})
}
