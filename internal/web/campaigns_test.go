package web_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

func TestCampaignPages(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testCampaignPages(t, engine) })
	}
}

func testCampaignPages(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	ed, _ := a.AsUser(t, jigsaw.RoleEditor)
	anon := a.Client
	u := func(path string) string { return a.URL + path }
	for _, o := range []*jigsaw.Organisation{{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup},
		{Name: "UNISON", Kind: jigsaw.OrgUnion}, {Name: "Unite", Kind: jigsaw.OrgUnion}} {
		if err := a.DB.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	danger := &jigsaw.TrackerItem{Kind: jigsaw.TrackerContractAward, Title: "Community services to a private provider", ReportedOn: "2025-01-10",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: "2025-01"}}, Sources: []jigsaw.Source{{URL: "https://news.example/a"}},
		Published: true, KeyIssues: []string{"outsourcing"}}
	if err := a.DB.CreateTrackerItem(ctx, danger); err != nil {
		t.Fatal(err)
	}

	t.Run("editor pages need an editor", func(t *testing.T) {
		for _, path := range []string{"/campaigns/new", "/topics/new"} {
			get(t, anon, u(path)).expect(t, 303)
		}
		post(t, anon, u("/campaigns/new"), url.Values{"name": {"Sneaky"}}).expect(t, 401)
		get(t, anon, u("/campaigns")).reject(t, "Start a campaign")
	})

	t.Run("a campaign", func(t *testing.T) {
		get(t, ed, u("/campaigns/new")).expect(t, 200, `name="organisations[0].organisation"`, `data-suggest="/tracker/suggest"`)
		// Refused: no lead, a danger that does not exist, a bad date.
		p := post(t, ed, u("/campaigns/new"), url.Values{"name": {"Keep Our NHS Public"}, "status": {"active"},
			"organisations[0].organisation": {"Keep Our NHS Public"}, "organisations[0].role": {"partner"},
			"tracker": {"No Such Danger At All"}, "started_on": {"spring"}})
		p.expect(t, 422, "Name at least one organisation that leads the campaign.", "No published danger is titled “No Such Danger At All”.",
			"Started on must be a date", `value="Keep Our NHS Public"`)
		p = post(t, ed, u("/campaigns/new"), url.Values{"name": {"Keep Our NHS Public"}, "status": {"active"}, "aim": {"Stop the **privatisation** of our NHS."},
			"organisations[0].organisation": {"Keep Our NHS Public"}, "organisations[0].role": {"lead"},
			"organisations[1].organisation": {"unison"}, "organisations[1].role": {"partner"},
			"organisations[2].organisation": {""}, "organisations[2].role": {"supporter"},
			"tracker": {"Community services to a private provider"}, "started_on": {"1/4/2012"}})
		if p.expect(t, 303); p.location != "/campaigns/keep-our-nhs-public" {
			t.Fatalf("redirect to %q", p.location)
		}
		page := get(t, anon, u("/campaigns/keep-our-nhs-public"))
		page.expect(t, 200, "<strong>privatisation</strong>", "Led by", "Partners", "UNISON", "Community services to a private provider", "1 April 2012")
		c, err := a.DB.FindCampaignBySlug(ctx, "keep-our-nhs-public")
		if err != nil {
			t.Fatal(err)
		}
		if p := get(t, anon, u("/campaigns/"+strconv.FormatInt(c.ID, 10))); p.status != 301 || p.location != "/campaigns/keep-our-nhs-public" {
			t.Fatalf("by number: %d to %q", p.status, p.location)
		}
		get(t, anon, u("/campaigns/no-such-campaign")).expect(t, 404)
		get(t, ed, u("/campaigns/keep-our-nhs-public/edit")).expect(t, 200, `value="Keep Our NHS Public"`, "Community services to a private provider (#")
		get(t, anon, u("/campaigns?status=won")).expect(t, 200, "No campaigns match.")
		get(t, anon, u("/campaigns?issue=outsourcing")).expect(t, 200, "Keep Our NHS Public")
		get(t, anon, u("/campaigns?status=paused")).expect(t, 400, "must be one of active, won, lost, ended.")
		get(t, anon, u("/campaigns?organisation=unite")).expect(t, 200, "No campaigns match.")
		get(t, anon, u("/organisations/unison")).expect(t, 200, "Campaigns and topics", "Keep Our NHS Public", "Partner")
	})

	t.Run("the topic board", func(t *testing.T) {
		// Taken without an organisation is refused, naming the field.
		p := post(t, ed, u("/topics/new"), url.Values{"title": {"Update TUPE guidance"}, "state": {"taken"}, "campaign": {""}})
		p.expect(t, 422, "A topic that is taken needs the organisation that took it.", `value="Update TUPE guidance"`)
		c, _ := a.DB.FindCampaignBySlug(ctx, "keep-our-nhs-public")
		p = post(t, ed, u("/topics/new"), url.Values{"title": {"Update TUPE guidance"}, "state": {"taken"},
			"campaign": {strconv.FormatInt(c.ID, 10)}, "organisations[0].organisation": {"Unite"},
			"links[0].url": {"https://example.org/tupe"}, "links[0].label": {"Current guidance"}})
		p.expect(t, 303)
		post(t, ed, u("/topics/new"), url.Values{"title": {"Conflicts of interest of GPs"}, "state": {"open"}}).expect(t, 303)
		get(t, anon, u(p.location)).expect(t, 200, "Update TUPE guidance", "Unite", "Current guidance", "Keep Our NHS Public")
		board := get(t, anon, u("/topics"))
		board.expect(t, 200, "Open", "Taken", "Conflicts of interest of GPs", "Update TUPE guidance", "Not taken yet")
		untaken := get(t, anon, u("/topics?untaken=1"))
		untaken.expect(t, 200, "Conflicts of interest of GPs")
		untaken.reject(t, "Update TUPE guidance")
		get(t, anon, u("/topics?campaign=keep-our-nhs-public&untaken=1")).expect(t, 200, "Every topic has been taken.")
		get(t, anon, u("/topics?organisation=unite")).expect(t, 200, "Update TUPE guidance")
		get(t, anon, u("/topics?campaign=nowhere")).expect(t, 400, "is not a known campaign")
		get(t, anon, u("/campaigns/keep-our-nhs-public")).expect(t, 200, "Update TUPE guidance")
		get(t, anon, u("/organisations/unite")).expect(t, 200, "Topics it took:", "Update TUPE guidance")
	})

	t.Run("feeds and exports", func(t *testing.T) {
		get(t, anon, u("/campaigns.atom")).expect(t, 200, "Keep Our NHS Public", "/campaigns/keep-our-nhs-public")
		get(t, anon, u("/topics.rss?untaken=1")).expect(t, 200, "Conflicts of interest of GPs")
		get(t, anon, u("/topics.rss?untaken=1")).reject(t, "Update TUPE guidance")
		get(t, anon, u("/campaigns.csv")).expect(t, 200, "id,url,slug,name,status", "keep-our-nhs-public,Keep Our NHS Public,active,2012-04-01")
		get(t, anon, u("/topics.csv?organisation=unite")).expect(t, 200, "Update TUPE guidance,taken,unite,keep-our-nhs-public")
		get(t, anon, u("/topics.json")).expect(t, 200, `"title":"Conflicts of interest of GPs"`)
		get(t, anon, u("/campaigns.json?status=paused")).expect(t, 400, "status")
		get(t, anon, u("/sitemaps/campaigns-0.xml")).expect(t, 200, "/campaigns/keep-our-nhs-public</loc>")
		get(t, anon, u("/sitemap.xml")).expect(t, 200, "/sitemaps/campaigns-0.xml", "/sitemaps/topics-0.xml")
		get(t, anon, u("/search?q=privatisation")).expect(t, 200, `href="/campaigns/keep-our-nhs-public"`)
	})
}
