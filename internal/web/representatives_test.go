package web_test

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// TestRepresentativePages covers people in public roles through the web:
// the editors' forms and their refusals, the public list and its filters,
// the person's page, and a declared interest shown on the danger it
// touches and the organisation it is at.
func TestRepresentativePages(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testRepresentativePages(t, engine) })
	}
}

func testRepresentativePages(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	ed, user := a.AsUser(t, jigsaw.RoleEditor)
	anon := a.Client
	u := func(path string) string { return a.URL + path }

	company := &jigsaw.Organisation{Name: "Example Pathology Ltd", Kind: jigsaw.OrgCompany}
	if err := a.DB.CreateOrganisation(ctx, company); err != nil {
		t.Fatal(err)
	}
	contract := &jigsaw.TrackerItem{Kind: jigsaw.TrackerContractAward, Title: "Pathology contract awarded to Example Pathology",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: "2025-01-10"}},
		Sources: []jigsaw.Source{{URL: "https://example.invalid/award"}}, Published: true}
	if err := a.DB.CreateTrackerItem(ctx, contract); err != nil {
		t.Fatal(err)
	}

	form := url.Values{"name": {"Pat Example"}, "role": {"director"}, "organisation": {"Example Pathology Ltd"},
		"district": {"bd20"}, "area": {"Keighley"}, "from_on": {"1/4/2023"},
		"office_email": {"board@example.invalid"}, "office_phone": {"01632 960000"}, "website": {"https://example.invalid/board"}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, vs := range form {
			v[k] = append([]string(nil), vs...)
		}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	p := get(t, ed, u("/representatives/new"))
	p.expect(t, 200, "public office contact only", `name="office_email"`, `data-suggest="/organisations/suggest"`)
	p.reject(t, `name="home_address"`, `name="personal_phone"`, `name="email"`)
	for _, tt := range []struct {
		name string
		v    url.Values
		want []string
	}{
		{"no name", with("name", ""), []string{"Name is required."}},
		{"unknown role", with("role", "king"), []string{"Choose the public role."}},
		{"ends before it began", with("to_on", "2019-12-12"), []string{"The role cannot end before it began."}},
		{"bad office email", with("office_email", "not an address"), []string{"Give an office email address"}},
		{"unknown organisation", with("organisation", "Nobody Ltd"), []string{"No organisation is called “Nobody Ltd”"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			post(t, ed, u("/representatives/new"), tt.v).expect(t, 422, tt.want...)
		})
	}
	p = post(t, ed, u("/representatives/new"), form)
	p.expect(t, 303)
	personPath := p.location
	post(t, ed, u("/representatives/new"), url.Values{"name": {"Morgan Sample"}, "role": {"mp"}, "party": {"Conservative"},
		"area": {"Keighley"}}).expect(t, 303)

	t.Run("list and filters", func(t *testing.T) {
		get(t, anon, u("/representatives")).expect(t, 200, "Pat Example", "Morgan Sample", "Director", "Example Pathology Ltd")
		p := get(t, anon, u("/representatives?role=mp"))
		p.expect(t, 200, "Morgan Sample")
		p.reject(t, "Pat Example")
		p = get(t, anon, u("/representatives?party=conservative&area=keighley"))
		p.expect(t, 200, "Morgan Sample")
		p.reject(t, "Pat Example")
		p = get(t, anon, u("/representatives?organisation="+company.Slug))
		p.expect(t, 200, "Pat Example")
		p.reject(t, "Morgan Sample")
		get(t, anon, u("/representatives?role=king")).expect(t, 400, "must be one of mp, councillor")
		get(t, anon, u("/representatives?district=Keighley")).expect(t, 400, "must be a postcode district")
		get(t, anon, u("/representatives?colour=blue")).expect(t, 400, "is not a filter of this list")
	})

	t.Run("feeds and exports", func(t *testing.T) {
		p := get(t, anon, u("/representatives.csv?role=director"))
		p.expect(t, 200, "id,url,name,role,party,organisation,area,district,from_on,to_on,office_email", "Pat Example,director",
			"board@example.invalid")
		p.reject(t, "Morgan Sample")
		get(t, anon, u("/representatives.json?party=Conservative")).expect(t, 200, `"name":"Morgan Sample"`, `"role":"mp"`)
		get(t, anon, u("/representatives.atom")).expect(t, 200, "Pat Example", "Director, Example Pathology Ltd")
		get(t, anon, u("/representatives.rss?role=mp")).expect(t, 200, "Morgan Sample")
		get(t, anon, u("/representatives.csv?role=king")).expect(t, 400, "role")
		get(t, anon, u("/representatives")).expect(t, 200, `href="/representatives.atom"`)
	})

	t.Run("declared interest", func(t *testing.T) {
		get(t, ed, u(personPath+"/interests/new")).expect(t, 200, `data-suggest="/tracker/suggest"`)
		post(t, ed, u(personPath+"/interests/new"), url.Values{"kind": {"directorship"}, "description": {"x"},
			"tracker": {"No such contract"}}).expect(t, 422, "No published danger is titled “No such contract”.")
		post(t, ed, u(personPath+"/interests/new"), url.Values{"kind": {""}, "description": {""},
			"source_url": {"javascript:alert(1)"}}).expect(t, 422, "Choose the kind of interest.", "Description is required.",
			"The source must be an http or https address.")
		post(t, ed, u(personPath+"/interests/new"), url.Values{"kind": {"shareholding"}, "description": {"Shares in the supplier"},
			"declared_on": {"2/5/2024"}, "organisation": {"Example Pathology Ltd"},
			"tracker": {"pathology contract awarded to example pathology"}}).expect(t, 303)

		p := get(t, anon, u(personPath))
		p.expect(t, 200, "Pat Example", "Shareholding", "Shares in the supplier", "Pathology contract awarded to Example Pathology",
			"board@example.invalid", "01632 960000", "declared 2 May 2024")
		p.reject(t, user.Email, "Edit history") // the editor's name is for editors
		get(t, ed, u(personPath)).expect(t, 200, "Edit history", user.Email, "Edit this interest")

		p = get(t, anon, u("/tracker/"+itoa(contract.ID)))
		p.expect(t, 200, "Declared interests", `href="`+personPath+`"`, "Pat Example", "Shares in the supplier")
		get(t, anon, u("/organisations/"+company.Slug)).expect(t, 200, "People in public roles", "Pat Example")

		// The edit form names the danger as the picker does; removing it
		// takes it off the danger's page.
		m := regexp.MustCompile(`/interests/[0-9]+`).FindString(get(t, ed, u(personPath)).body)
		interestPath := personPath + m
		get(t, ed, u(interestPath+"/edit")).expect(t, 200, "Pathology contract awarded to Example Pathology (#"+itoa(contract.ID)+")")
		post(t, ed, u(interestPath+"/delete"), url.Values{}).expect(t, 303)
		get(t, anon, u("/tracker/"+itoa(contract.ID))).reject(t, "Declared interests")
	})

	t.Run("sitemap", func(t *testing.T) {
		get(t, anon, u("/sitemap.xml")).expect(t, 200, "/sitemaps/representatives-0.xml")
		get(t, anon, u("/sitemaps/representatives-0.xml")).expect(t, 200, personPath+"</loc>")
	})

	t.Run("stale edit", func(t *testing.T) {
		p := get(t, ed, u(personPath+"/edit"))
		p.expect(t, 200, `value="Pat Example"`, `value="Example Pathology Ltd"`, `value="2023-04-01"`)
		post(t, ed, u(personPath+"/edit"), with("version", "1", "party", "Independent")).expect(t, 409, "changed by someone else")
	})
}
