package storetest

import (
	"context"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
)

// campaignFixture is a published danger, a draft danger and a dispute for
// campaigns to gather, on top of the suite's organisations.
type campaignFixture struct {
	*fixture
	danger, draft *jigsaw.TrackerItem
	dispute       *jigsaw.Dispute
}

func mustCampaignFixture(t *testing.T, ctx context.Context, db interface {
	jigsaw.TrackerService
	jigsaw.DisputeService
}, f *fixture) *campaignFixture {
	t.Helper()
	cf := &campaignFixture{fixture: f, danger: subCoItem(f), dispute: aghDispute(f)}
	cf.danger.Published = true
	cf.danger.Sources = []jigsaw.Source{{URL: "https://news.example/agh"}}
	must(t, db.CreateTrackerItem(ctx, cf.danger))
	cf.draft = subCoItem(f)
	cf.draft.Title = "A draft danger nobody may see"
	cf.draft.KeyIssues = []string{"cuts"}
	must(t, db.CreateTrackerItem(ctx, cf.draft))
	must(t, db.CreateDispute(ctx, cf.dispute))
	return cf
}

func konpCampaign(cf *campaignFixture) *jigsaw.Campaign {
	return &jigsaw.Campaign{
		Name:      "  Keep Our NHS   Public ",
		Aim:       "Stop the **privatisation** of our NHS.",
		Status:    jigsaw.CampaignActive,
		StartedOn: "1/4/2012",
		District:  "bd20",
		Organisations: []jigsaw.CampaignOrg{
			{OrgID: cf.union.ID, Role: jigsaw.CampaignLead},
			{OrgID: cf.trust.ID, Role: jigsaw.CampaignSupporter},
		},
		TrackerItems: []jigsaw.LinkRef{{ID: cf.danger.ID}, {ID: cf.draft.ID}, {ID: cf.danger.ID}},
		Disputes:     []jigsaw.LinkRef{{ID: cf.dispute.ID}},
	}
}

func (s *suite) testCampaignCreateFind(t *testing.T) {
	db := s.mustOpen(t)
	ctx, _ := mustUserContext(t, db, "editor@example.org")
	cf := mustCampaignFixture(t, ctx, db, mustFixture(t, db))
	c := konpCampaign(cf)
	must(t, db.CreateCampaign(ctx, c))
	if c.ID == 0 || c.Slug != "keep-our-nhs-public" {
		t.Fatalf("created: id %d slug %q", c.ID, c.Slug)
	}
	checkCampaignValidation(t, ctx, db, cf)
	got, err := db.FindCampaignBySlug(ctx, "keep-our-nhs-public")
	must(t, err)
	if got.ID != c.ID || got.Name != "Keep Our NHS Public" || got.StartedOn != "2012-04-01" || got.District != "BD20" || got.Version != 1 {
		t.Fatalf("read back: %+v", got)
	}
	if leads := got.OrgsInRole(jigsaw.CampaignLead); len(leads) != 1 || leads[0].Name != "GMB" || leads[0].Slug != "gmb" {
		t.Fatalf("leads: got %+v", leads)
	}
	// The draft danger is linked but not shown: campaigns are public.
	if len(got.TrackerItems) != 1 || got.TrackerItems[0].ID != cf.danger.ID || got.TrackerItems[0].Title == "" {
		t.Fatalf("dangers: got %+v, want the published one only", got.TrackerItems)
	}
	if len(got.Disputes) != 1 || got.Disputes[0].Title != cf.dispute.Title {
		t.Fatalf("disputes: got %+v", got.Disputes)
	}

	// An update replaces the lists and counts a version; a stale one is refused.
	got.Status, got.EndedOn = jigsaw.CampaignWon, "2014"
	got.Organisations = append(got.Organisations, jigsaw.CampaignOrg{OrgID: cf.company.ID, Role: jigsaw.CampaignPartner})
	got.Disputes = nil
	must(t, db.UpdateCampaign(ctx, got))
	again, err := db.FindCampaignByID(ctx, c.ID)
	must(t, err)
	if again.Status != jigsaw.CampaignWon || again.Version != 2 || len(again.Organisations) != 3 || len(again.Disputes) != 0 {
		t.Fatalf("after update: %+v", again)
	}
	got.Version = 1
	if err := db.UpdateCampaign(ctx, got); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("stale update: got %v, want ECONFLICT", err)
	}
	if _, err := db.FindCampaignBySlug(ctx, "no-such-campaign"); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("unknown slug: got %v", err)
	}
	if err := db.UpdateCampaign(ctx, &jigsaw.Campaign{ID: 98765, Name: "x", Status: jigsaw.CampaignActive,
		Organisations: []jigsaw.CampaignOrg{{OrgID: cf.union.ID, Role: jigsaw.CampaignLead}}}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("unknown campaign: got %v", err)
	}
	revs, err := db.FindRevisions(ctx, jigsaw.ObjectCampaign, c.ID)
	must(t, err)
	if len(revs) != 2 || revs[0].Action != "update" || revs[0].Actor != "editor@example.org" {
		t.Fatalf("revisions: got %+v", revs)
	}
	changed := map[string]bool{}
	for _, ch := range revs[0].Changes {
		changed[ch.Field] = true
	}
	if !changed["status"] || !changed["organisations"] || !changed["disputes"] || changed["name"] {
		t.Fatalf("changes: got %+v", revs[0].Changes)
	}

	// Organisations merged away follow into the campaign.
	dup := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "GMB Union", Kind: jigsaw.OrgUnion})
	c2 := &jigsaw.Campaign{Name: "Save Airedale", Status: jigsaw.CampaignActive,
		Organisations: []jigsaw.CampaignOrg{{OrgID: dup.ID, Role: jigsaw.CampaignLead}, {OrgID: cf.union.ID, Role: jigsaw.CampaignPartner}}}
	must(t, db.CreateCampaign(ctx, c2))
	must(t, db.MergeOrganisations(ctx, cf.union.ID, dup.ID))
	merged, err := db.FindCampaignByID(ctx, c2.ID)
	must(t, err)
	if len(merged.Organisations) != 1 || merged.Organisations[0].OrgID != cf.union.ID {
		t.Fatalf("after merge: got %+v", merged.Organisations)
	}
}

// checkCampaignValidation refuses campaigns with each kind of mistake,
// beside the one campaign the database holds (named as konpCampaign).
func checkCampaignValidation(t *testing.T, ctx context.Context, db jigsaw.CampaignService, cf *campaignFixture) {
	for _, tt := range []struct {
		name   string
		change func(c *jigsaw.Campaign)
		code   string
		field  string
	}{
		{"no lead", func(c *jigsaw.Campaign) { c.Organisations[0].Role = jigsaw.CampaignPartner }, jigsaw.EINVALID, "organisations"},
		{"bad role", func(c *jigsaw.Campaign) { c.Organisations[1].Role = "boss" }, jigsaw.EINVALID, "organisations[1].role"},
		{"twice", func(c *jigsaw.Campaign) { c.Organisations[1].OrgID = c.Organisations[0].OrgID }, jigsaw.EINVALID, "organisations[1].organisation"},
		{"unknown organisation", func(c *jigsaw.Campaign) { c.Organisations[1].OrgID = 99999 }, jigsaw.EINVALID, "organisations[1].organisation"},
		{"no name", func(c *jigsaw.Campaign) { c.Name = " " }, jigsaw.EINVALID, "name"},
		{"bad status", func(c *jigsaw.Campaign) { c.Status = "paused" }, jigsaw.EINVALID, "status"},
		{"ends first", func(c *jigsaw.Campaign) { c.EndedOn = "2011-12" }, jigsaw.EINVALID, "ended_on"},
		{"bad date", func(c *jigsaw.Campaign) { c.StartedOn = "April" }, jigsaw.EINVALID, "started_on"},
		{"bad district", func(c *jigsaw.Campaign) { c.District = "Keighley" }, jigsaw.EINVALID, "district"},
		{"bad slug", func(c *jigsaw.Campaign) { c.Slug = "Keep Our NHS" }, jigsaw.EINVALID, "slug"},
		{"unknown danger", func(c *jigsaw.Campaign) { c.TrackerItems = []jigsaw.LinkRef{{ID: 4242}} }, jigsaw.EINVALID, "tracker_items[0]"},
		{"unknown dispute", func(c *jigsaw.Campaign) { c.Disputes = []jigsaw.LinkRef{{ID: 4242}} }, jigsaw.EINVALID, "disputes[0]"},
		{"slug taken", func(c *jigsaw.Campaign) {}, jigsaw.ECONFLICT, "slug"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := konpCampaign(cf)
			if tt.name != "slug taken" {
				c.Name = "Another campaign"
			}
			tt.change(c)
			err := db.CreateCampaign(ctx, c)
			if jigsaw.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			if _, ok := jigsaw.FieldErrors(err)[tt.field]; !ok {
				t.Fatalf("fields: got %v, want %q", jigsaw.FieldErrors(err), tt.field)
			}
		})
	}
	if _, n, _ := db.FindCampaigns(ctx, jigsaw.CampaignFilter{}); n != 1 {
		t.Fatalf("refused campaigns were stored: %d campaigns", n)
	}
}

func (s *suite) testCampaignFilters(t *testing.T) {
	db := s.mustOpen(t)
	ctx := context.Background()
	cf := mustCampaignFixture(t, ctx, db, mustFixture(t, db))
	konp := konpCampaign(cf)
	must(t, db.CreateCampaign(ctx, konp))
	won := &jigsaw.Campaign{Name: "Airedale staff back in-house", Status: jigsaw.CampaignWon,
		Organisations: []jigsaw.CampaignOrg{{OrgID: cf.company.ID, Role: jigsaw.CampaignLead}},
		TrackerItems:  []jigsaw.LinkRef{{ID: cf.draft.ID}}}
	must(t, db.CreateCampaign(ctx, won))
	names := func(f jigsaw.CampaignFilter) []string {
		t.Helper()
		list, n, err := db.FindCampaigns(ctx, f)
		must(t, err)
		out := []string{}
		for _, c := range list {
			out = append(out, c.Name)
		}
		if n != len(out) {
			t.Fatalf("%+v: total %d for %d campaigns", f, n, len(out))
		}
		return out
	}
	first, _, err := db.FindCampaigns(ctx, jigsaw.CampaignFilter{Limit: 1})
	must(t, err)
	rest, _, err := db.FindCampaigns(ctx, jigsaw.CampaignFilter{After: &jigsaw.After{Key: first[0].SortKey(), ID: first[0].ID}})
	must(t, err)
	if len(rest) != 1 || rest[0].Name != "Airedale staff back in-house" {
		t.Fatalf("past the first by cursor: got %+v", rest)
	}
	for _, tt := range []struct {
		name string
		f    jigsaw.CampaignFilter
		want []string
	}{
		{"all, active first", jigsaw.CampaignFilter{}, []string{"Keep Our NHS Public", "Airedale staff back in-house"}},
		{"status", jigsaw.CampaignFilter{Status: jigsaw.CampaignWon}, []string{"Airedale staff back in-house"}},
		{"organisation", jigsaw.CampaignFilter{OrgID: cf.trust.ID}, []string{"Keep Our NHS Public"}},
		{"key issue of a dispute", jigsaw.CampaignFilter{KeyIssue: "pay-and-conditions"}, []string{"Keep Our NHS Public"}},
		// The only danger on cuts is a draft: it says nothing in public.
		{"key issue of a draft", jigsaw.CampaignFilter{KeyIssue: "cuts"}, []string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(tt.f); !equalStrings(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	checkCampaignSearch(t, ctx, db, cf, konp)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (s *suite) testTopicBoard(t *testing.T) {
	db := s.mustOpen(t)
	ctx, _ := mustUserContext(t, db, "editor@example.org")
	cf := mustFixture(t, db)
	konp := &jigsaw.Campaign{Name: "Keep Our NHS Public", Status: jigsaw.CampaignActive,
		Organisations: []jigsaw.CampaignOrg{{OrgID: cf.union.ID, Role: jigsaw.CampaignLead}}}
	must(t, db.CreateCampaign(ctx, konp))

	tupe := &jigsaw.Topic{Title: " Update  TUPE guidance ", Notes: "For staff moved to SubCos.", State: jigsaw.TopicTaken,
		Organisations: []jigsaw.TopicOrg{{OrgID: cf.union.ID}}, CampaignID: konp.ID,
		Links: []jigsaw.TopicLink{{URL: " https://example.org/tupe ", Label: "Current guidance"}}}
	must(t, db.CreateTopic(ctx, tupe))
	gps := &jigsaw.Topic{Title: "Conflicts of interest of GPs", State: jigsaw.TopicOpen}
	must(t, db.CreateTopic(ctx, gps))
	done := &jigsaw.Topic{Title: "Briefing for councillors", State: jigsaw.TopicDone, CampaignID: konp.ID}
	must(t, db.CreateTopic(ctx, done))

	got, err := db.FindTopicByID(ctx, tupe.ID)
	must(t, err)
	if got.Title != "Update TUPE guidance" || got.CampaignSlug != "keep-our-nhs-public" || len(got.Organisations) != 1 ||
		got.Organisations[0].Name != "GMB" || len(got.Links) != 1 || got.Links[0].URL != "https://example.org/tupe" {
		t.Fatalf("read back: %+v", got)
	}

	// Taken or in progress without an organisation is refused, naming the field.
	for _, st := range []jigsaw.TopicState{jigsaw.TopicTaken, jigsaw.TopicInProgress} {
		bad := &jigsaw.Topic{Title: "Work with councillors and MPs", State: st}
		err := db.CreateTopic(ctx, bad)
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)["organisations"] == "" {
			t.Fatalf("%s without an organisation: got %v", st, err)
		}
	}
	for _, tt := range []struct {
		name  string
		topic jigsaw.Topic
		field string
	}{
		{"bad link", jigsaw.Topic{Title: "x", State: jigsaw.TopicOpen, Links: []jigsaw.TopicLink{{URL: "javascript:alert(1)"}}}, "links[0].url"},
		{"bad state", jigsaw.Topic{Title: "x", State: "stuck"}, "state"},
		{"unknown campaign", jigsaw.Topic{Title: "x", State: jigsaw.TopicOpen, CampaignID: 4242}, "campaign"},
		{"unknown organisation", jigsaw.Topic{Title: "x", State: jigsaw.TopicTaken, Organisations: []jigsaw.TopicOrg{{OrgID: 4242}}}, "organisations[0].organisation"},
		{"no title", jigsaw.Topic{State: jigsaw.TopicOpen}, "title"},
	} {
		err := db.CreateTopic(ctx, &tt.topic)
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tt.field] == "" {
			t.Fatalf("%s: got %v, want EINVALID on %s", tt.name, err, tt.field)
		}
	}

	titles := func(f jigsaw.TopicFilter) []string {
		t.Helper()
		list, n, err := db.FindTopics(ctx, f)
		must(t, err)
		out := []string{}
		for _, tp := range list {
			out = append(out, tp.Title)
		}
		if n != len(out) {
			t.Fatalf("%+v: total %d for %d topics", f, n, len(out))
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    jigsaw.TopicFilter
		want []string
	}{
		{"board order", jigsaw.TopicFilter{}, []string{"Conflicts of interest of GPs", "Update TUPE guidance", "Briefing for councillors"}},
		{"untaken", jigsaw.TopicFilter{Untaken: true}, []string{"Conflicts of interest of GPs"}},
		{"untaken in a campaign", jigsaw.TopicFilter{Untaken: true, CampaignID: konp.ID}, []string{}},
		{"campaign", jigsaw.TopicFilter{CampaignID: konp.ID}, []string{"Update TUPE guidance", "Briefing for councillors"}},
		{"organisation", jigsaw.TopicFilter{OrgID: cf.union.ID}, []string{"Update TUPE guidance"}},
		{"state", jigsaw.TopicFilter{State: jigsaw.TopicDone}, []string{"Briefing for councillors"}},
	} {
		if got := titles(tt.f); !equalStrings(got, tt.want) {
			t.Fatalf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}

	// Paged by cursor, one at a time, the board comes in the same order.
	var walked []string
	var after *jigsaw.After
	for range 5 {
		page, _, err := db.FindTopics(ctx, jigsaw.TopicFilter{Limit: 1, After: after})
		must(t, err)
		if len(page) == 0 {
			break
		}
		walked = append(walked, page[0].Title)
		after = &jigsaw.After{Key: page[0].SortKey(), ID: page[0].ID}
	}
	if want := titles(jigsaw.TopicFilter{}); !equalStrings(walked, want) {
		t.Fatalf("by cursor: got %q, want %q", walked, want)
	}

	// Taking a topic: an update with versions and history.
	gps.State, gps.Organisations = jigsaw.TopicInProgress, []jigsaw.TopicOrg{{OrgID: cf.trust.ID}, {OrgID: cf.union.ID}}
	must(t, db.UpdateTopic(ctx, gps))
	if gps.Version != 2 {
		t.Fatalf("version after update: got %d, want 2", gps.Version)
	}
	if got := titles(jigsaw.TopicFilter{Untaken: true}); len(got) != 0 {
		t.Fatalf("untaken after taking: got %q", got)
	}
	gps.Version = 1
	if err := db.UpdateTopic(ctx, gps); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("stale update: got %v, want ECONFLICT", err)
	}
	revs, err := db.FindRevisions(ctx, jigsaw.ObjectTopic, gps.ID)
	must(t, err)
	if len(revs) != 2 || revs[0].Action != "update" {
		t.Fatalf("revisions: got %+v", revs)
	}
	if _, err := db.FindTopicByID(ctx, 424242); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("unknown topic: got %v", err)
	}
}

// checkCampaignSearch finds c, konpCampaign as stored, through the
// site's search and its filters.
func checkCampaignSearch(t *testing.T, ctx context.Context, db *store.DB, cf *campaignFixture, c *jigsaw.Campaign) {
	for _, tt := range []struct {
		name string
		f    jigsaw.SearchFilter
		want int
	}{
		{"by aim", jigsaw.SearchFilter{Query: "privatisation", Type: jigsaw.SearchCampaign}, 1},
		{"by name, stemmed", jigsaw.SearchFilter{Query: "keeping public"}, 1},
		{"by organisation", jigsaw.SearchFilter{Query: "privatisation", OrgID: cf.trust.ID}, 1},
		{"by another organisation", jigsaw.SearchFilter{Query: "privatisation", OrgID: cf.company.ID}, 0},
		{"by key issue", jigsaw.SearchFilter{Query: "privatisation", KeyIssue: "pay-and-conditions"}, 1},
		{"by district", jigsaw.SearchFilter{Query: "privatisation", District: "LS6"}, 0},
	} {
		res, err := db.SearchPublic(ctx, tt.f)
		must(t, err)
		n := 0
		for _, h := range res.Hits {
			if h.Type == jigsaw.SearchCampaign {
				n++
				if h.Path() != "/campaigns/keep-our-nhs-public" || h.Title != "Keep Our NHS Public" || h.Date != "2012-04-01" {
					t.Fatalf("%s: hit %+v at %s", tt.name, h, h.Path())
				}
			}
		}
		if n != tt.want {
			t.Fatalf("%s: %d campaigns found, want %d", tt.name, n, tt.want)
		}
	}
	// A renamed campaign is found by its new name only.
	c.Name, c.Aim = "Save our hospitals", "Keep them open."
	must(t, db.UpdateCampaign(ctx, c))
	if res, err := db.SearchPublic(ctx, jigsaw.SearchFilter{Query: "privatisation", Type: jigsaw.SearchCampaign}); err != nil || len(res.Hits) != 0 {
		t.Fatalf("old words: %v %v", res, err)
	}
	if res, err := db.SearchPublic(ctx, jigsaw.SearchFilter{Query: "hospitals", Type: jigsaw.SearchCampaign}); err != nil || len(res.Hits) != 1 {
		t.Fatalf("new words: %v %v", res, err)
	}
}
