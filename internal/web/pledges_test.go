package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

func TestPledgePages(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testPledgePages(t, engine) })
	}
}

func testPledgePages(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	ed, _ := a.AsUser(t, jigsaw.RoleEditor)
	anon := a.Client
	u := func(path string) string { return a.URL + path }
	org := func(name string, kind jigsaw.OrgKind, region string) *jigsaw.Organisation {
		o := &jigsaw.Organisation{Name: name, Kind: kind, Region: region}
		if err := a.DB.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	org("Keep Our NHS Public", jigsaw.OrgCampaignGroup, "")
	org("NHS West Yorkshire ICB", jigsaw.OrgICB, "North East and Yorkshire")
	org("NHS Dorset ICB", jigsaw.OrgICB, "South West")
	org("Airedale NHS Foundation Trust", jigsaw.OrgFoundationTrust, "North East and Yorkshire")
	org("Labour Party", jigsaw.OrgParty, "")

	t.Run("editors only", func(t *testing.T) {
		get(t, anon, u("/pledges/new")).expect(t, 303)
		post(t, anon, u("/pledges/new"), url.Values{"title": {"Sneaky"}}).expect(t, 401)
	})

	var path string
	t.Run("record a pledge", func(t *testing.T) {
		p := post(t, ed, u("/pledges/new"), url.Values{"title": {"The KONP pledge"}, "kind": {"ask"}, "keeper": {"Keep Our NHS Public"}})
		p.expect(t, 422, "The text of the pledge is required.", "Give the day this wording was adopted.")
		p = post(t, ed, u("/pledges/new"), url.Values{"title": {"The KONP pledge"}, "kind": {"ask"}, "keeper": {"Keep Our NHS Public"},
			"text": {"We will not tender."}, "adopted_on": {"12/04/2012"}})
		p.expect(t, 303)
		path = p.location
		// A new text is a new version; the first is kept.
		post(t, ed, u(path+"/edit"), url.Values{"title": {"The KONP pledge"}, "kind": {"ask"}, "keeper": {"Keep Our NHS Public"},
			"text": {"We will keep services in the NHS."}, "adopted_on": {"2022-07-01"}, "note": {"ICBs replaced CCGs"}}).expect(t, 303)
		get(t, anon, u(path)).expect(t, 200, "We will keep services in the NHS.", "Version 2, adopted 1 July 2022", "Earlier versions",
			"We will not tender.", "Kept by", "No one has been asked yet.")
	})

	t.Run("targets and their states", func(t *testing.T) {
		add := func(v url.Values) page { return post(t, ed, u(path+"/targets/new"), v) }
		// A state without its date is refused, naming the field.
		add(url.Values{"organisation": {"NHS West Yorkshire ICB"}, "state": {"signed"}}).
			expect(t, 422, "Give the date it became signed: a change of state needs its date.", `id="f-state-on" name="state_on"`)
		add(url.Values{"organisation": {"NHS West Yorkshire ICB"}, "state": {"signed"}, "state_on": {"02/05/2024"},
			"evidence_url": {"https://example.org/minutes"}}).expect(t, 303)
		add(url.Values{"organisation": {"NHS Dorset ICB"}, "state": {"asked"}, "state_on": {"2024-05-01"}, "district": {"BH1"}}).expect(t, 303)
		add(url.Values{"organisation": {"Airedale NHS Foundation Trust"}, "state": {"not-asked"}}).expect(t, 303)
		add(url.Values{"organisation": {"Labour Party"}, "state": {"broken"}, "state_on": {"2025-01-03"}}).expect(t, 303)

		list, err := a.DB.PledgeTargetsOfOrganisation(ctx, mustOrgID(t, a, "nhs-dorset-icb"))
		if err != nil || len(list) != 1 {
			t.Fatalf("targets of Dorset: %v %v", list, err)
		}
		edit := u(path + "/targets/" + itoa(list[0].ID) + "/edit")
		get(t, ed, edit).expect(t, 200, "Change the state of NHS Dorset ICB", "Now:")
		// Changing the state without a new date is refused; with one it
		// is recorded, and the history shows both.
		post(t, ed, edit, url.Values{"organisation": {"NHS Dorset ICB"}, "state": {"declined"}}).
			expect(t, 422, "Give the date it became declined")
		post(t, ed, edit, url.Values{"organisation": {"NHS Dorset ICB"}, "state": {"declined"}, "state_on": {"2024-06-01"},
			"evidence_note": {"Board minutes, item 7"}, "district": {"BH1"}, "area": {"South West"}}).expect(t, 303)

		p := get(t, anon, u(path))
		p.expect(t, 200, "NHS West Yorkshire ICB", "NHS Dorset ICB", "Declined", "History", "Board minutes, item 7",
			"no evidence yet", "Share signed", "North East and Yorkshire", "Labour Party")
		p.reject(t, "Change state")
		get(t, ed, u(path)).expect(t, 200, "Change state", "Edit history")
		get(t, anon, u("/pledges")).expect(t, 200, "The KONP pledge", "1 of 4 targets signed")
		get(t, anon, u("/organisations/nhs-west-yorkshire-icb")).expect(t, 200, "Pledges", "The KONP pledge", "Signed")
	})

	t.Run("table filters", func(t *testing.T) {
		for _, tt := range []struct {
			name, query string
			want, not   []string
		}{
			{"state", "state=signed", []string{"NHS West Yorkshire ICB"}, []string{"NHS Dorset ICB", "Airedale NHS"}},
			{"kind", "kind=trust", []string{"Airedale NHS Foundation Trust"}, []string{"NHS Dorset ICB"}},
			{"area", "area=south+west", []string{"NHS Dorset ICB"}, []string{"NHS West Yorkshire ICB"}},
			{"district", "district=bh1", []string{"NHS Dorset ICB"}, []string{"NHS West Yorkshire ICB"}},
			{"party", "party=labour-party", []string{"Labour Party"}, []string{"NHS Dorset ICB"}},
			{"nothing matches", "state=declined&kind=trust", []string{"No targets match."}, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				p := get(t, anon, u(path+"?"+tt.query))
				p.expect(t, 200, tt.want...)
				// The shares name every area; only the table is filtered.
				body := p.body[strings.Index(p.body, `id="targets"`):]
				page{p.status, body, ""}.reject(t, tt.not...)
			})
		}
		for _, tt := range []struct{ query, want string }{
			{"state=maybe", "State must be one of not-asked, asked, signed, declined, broken."},
			{"district=nowhere", "Postcode district must be a postcode district"},
			{"party=nhs-dorset-icb", "Party is not a political party."},
			{"party=nobody", "Party is not a known organisation"},
		} {
			get(t, anon, u(path+"?"+tt.query)).expect(t, 400, tt.want)
		}
		get(t, anon, u(path+"?colour=red")).expect(t, 400, "colour")
		get(t, anon, u("/pledges?kind=wish")).expect(t, 400, "Kind must be one of ask, promise.")
		get(t, anon, u("/pledges/987654")).expect(t, 404)
	})

	t.Run("feeds and exports", func(t *testing.T) {
		get(t, anon, u("/pledges.csv")).expect(t, 200, "id,url,slug,title,kind,keeper", "The KONP pledge,ask,keep-our-nhs-public")
		get(t, anon, u("/pledges.atom")).expect(t, 200, "<title>The KONP pledge</title>")
		get(t, anon, u("/pledges.json?kind=promise")).expect(t, 200, "[]")
		p := get(t, anon, u(path+"/targets.csv?state=signed"))
		p.expect(t, 200, "id,pledge,name,organisation", "NHS West Yorkshire ICB,nhs-west-yorkshire-icb,,icb,signed,2024-05-02,2,")
		p.reject(t, "Dorset")
		get(t, anon, u(path+"/targets.json?party=labour-party")).expect(t, 200, `"state":"broken"`)
		get(t, anon, u(path+"/targets.csv?state=maybe")).expect(t, 400, "state")
		get(t, anon, u("/sitemap.xml")).expect(t, 200, "/sitemaps/pledges-0.xml")
		get(t, anon, u("/sitemaps/pledges-0.xml")).expect(t, 200, path+"</loc>")
	})
}

func mustOrgID(t *testing.T, a *testrig.TestApp, slug string) int64 {
	t.Helper()
	o, err := a.DB.FindOrganisationBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}
