package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// fixture is a small world for the monitoring tests: a trust with its
// subsidiary, a union, a company, a published and an unpublished story.
type fixture struct {
	trust, sub, union, company *jigsaw.Organisation
	story, pending             *jigsaw.Story
}

func mustFixture(tb testing.TB, db *store.DB) *fixture {
	tb.Helper()
	f := &fixture{}
	f.trust = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RCF"})
	f.sub = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "AGH Solutions Ltd", Kind: jigsaw.OrgSubsidiary, ParentID: f.trust.ID, CompanyNumber: "10660279"})
	f.union = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "GMB", Kind: jigsaw.OrgUnion, CoalitionMember: true})
	f.company = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "DHL", Kind: jigsaw.OrgCompany})
	f.story = mustCreateLinkedStory(tb, db, "Second-class citizens", jigsaw.StoryPublished, f.sub.ID)
	f.pending = mustCreateLinkedStory(tb, db, "Private title awaiting review", jigsaw.StoryAwaitingReview, f.sub.ID)
	return f
}

func mustCreateLinkedStory(tb testing.TB, db *store.DB, title string, status jigsaw.StoryStatus, orgs ...int64) *jigsaw.Story {
	tb.Helper()
	s := &jigsaw.Story{Title: title, Body: "body", PublicBody: "body", Kind: jigsaw.StoryStaff, Status: status, OrgIDs: orgs,
		HappenedOn: "2025-02"}
	if status == jigsaw.StoryPublished {
		s.PublishedAt = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	}
	if err := db.CreateStory(context.Background(), s, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
		tb.Fatal(err)
	}
	return s
}

// mustUserContext returns a context signed in as a new editor.
func mustUserContext(tb testing.TB, db *store.DB, email string) (context.Context, *jigsaw.User) {
	tb.Helper()
	u := &jigsaw.User{Email: email, Role: jigsaw.RoleEditor}
	if err := db.CreateUser(context.Background(), u); err != nil {
		tb.Fatal(err)
	}
	return jigsaw.NewContextWithUser(context.Background(), u), u
}

func subCoItem(f *fixture) *jigsaw.TrackerItem {
	return &jigsaw.TrackerItem{
		Kind: jigsaw.TrackerSubCoTransfer, Title: "  Porters,  cleaners and caterers moved to AGH Solutions ",
		Summary: "Staff **outsourced** to a wholly owned subsidiary.",
		History: []jigsaw.StatusChange{
			{Status: jigsaw.TrackerImplemented, On: "2023-04-01", Note: "Staff transferred"},
			{Status: jigsaw.TrackerProposed, On: "2022-11"},
		},
		ValuePence: 2_000_000_000_000, StaffAffected: 150, District: " bd20 ", Area: "Keighley",
		KeyIssues:     []string{"outsourcing", "pay-and-conditions", "outsourcing"},
		Organisations: []jigsaw.TrackerOrg{{OrgID: f.trust.ID, Role: jigsaw.RoleParent}, {OrgID: f.sub.ID, Role: jigsaw.RoleEmployer}},
		Stories:       []jigsaw.LinkRef{{ID: f.story.ID}, {ID: f.pending.ID}},
	}
}

func (s *suite) testTrackerCreateFind(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	item := subCoItem(f)
	if err := db.CreateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
	if item.ID == 0 || item.Status != jigsaw.TrackerImplemented || item.StatusOn != "2023-04-01" || item.ReportedOn != "2022-11" || item.Published {
		t.Fatalf("created: id %d status %s on %s reported %s published %v; want the latest status and the first date as reported",
			item.ID, item.Status, item.StatusOn, item.ReportedOn, item.Published)
	}
	if _, err := db.FindPublicTrackerItemByID(ctx, item.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("public read of a draft: got %v, want ENOTFOUND", err)
	}
	got, err := db.FindTrackerItemByID(ctx, item.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Porters, cleaners and caterers moved to AGH Solutions" || got.ValuePence != 2_000_000_000_000 || got.Value() != "£20,000,000,000" ||
		got.District != "BD20" || got.StaffAffected != 150 || got.Kind != jigsaw.TrackerSubCoTransfer {
		t.Fatalf("draft read back: %+v", got)
	}
	wantHistory := []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2022-11"}, {Status: jigsaw.TrackerImplemented, On: "2023-04-01", Note: "Staff transferred"}}
	if !reflect.DeepEqual(got.History, wantHistory) {
		t.Fatalf("history: got %+v, want %+v", got.History, wantHistory)
	}
	if !reflect.DeepEqual(got.KeyIssues, []string{"outsourcing", "pay-and-conditions"}) {
		t.Fatalf("key issues: got %v", got.KeyIssues)
	}
	if len(got.Organisations) != 2 || got.Organisations[1].Name != "AGH Solutions Ltd" || got.Organisations[1].Role != jigsaw.RoleEmployer || got.Organisations[1].Slug != "agh-solutions-ltd" {
		t.Fatalf("organisations: got %+v", got.Organisations)
	}
	// Editors see that an unpublished story is linked, never its title.
	if len(got.Stories) != 2 || got.Stories[0].Title != "Second-class citizens" || got.Stories[1].ID != f.pending.ID || got.Stories[1].Title != "" {
		t.Fatalf("stories of the draft: got %+v", got.Stories)
	}

	// Publishing needs a source.
	got.Published = true
	err = db.UpdateTrackerItem(ctx, got)
	if jigsaw.ErrorCode(err) != jigsaw.EINVALID || !strings.Contains(jigsaw.FieldErrors(err)["sources"], "at least one source") {
		t.Fatalf("publish without a source: got %v, want EINVALID on sources", err)
	}
	got.Sources = []jigsaw.Source{{URL: "https://socialistworker.co.uk/", Publisher: "Socialist Worker", PublishedOn: "2025-09", Quote: "They say they feel like second class citizens."}}
	if err := db.UpdateTrackerItem(ctx, got); err != nil {
		t.Fatal(err)
	}
	pub, err := db.FindPublicTrackerItemByID(ctx, item.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Published || pub.PublishedAt.IsZero() || len(pub.Sources) != 1 || pub.Sources[0].Quote != "They say they feel like second class citizens." {
		t.Fatalf("published: %+v", pub)
	}
	if len(pub.Stories) != 1 || pub.Stories[0].ID != f.story.ID {
		t.Fatalf("public stories: got %+v, want the published story only", pub.Stories)
	}
	// Saving again keeps the first publication time; unpublishing clears it.
	first := pub.PublishedAt
	pub.Title = "Renamed"
	if err := db.UpdateTrackerItem(ctx, pub); err != nil {
		t.Fatal(err)
	}
	again, _ := db.FindTrackerItemByID(ctx, item.ID)
	if !again.PublishedAt.Equal(first) || again.Title != "Renamed" {
		t.Fatalf("re-save: published %v (want %v), title %q", again.PublishedAt, first, again.Title)
	}
	again.Published = false
	if err := db.UpdateTrackerItem(ctx, again); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindPublicTrackerItemByID(ctx, item.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("after unpublishing: got %v, want ENOTFOUND", err)
	}
	if err := db.UpdateTrackerItem(ctx, &jigsaw.TrackerItem{ID: 987654, Kind: jigsaw.TrackerCut, Title: "x",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025"}}}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("update of a missing item: got %v, want ENOTFOUND", err)
	}
}

// Lists are written several rows a statement; one longer than a statement
// holds must still arrive whole and in order.
func (s *suite) testTrackerLongLists(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	item := subCoItem(f)
	for i := 0; i < 250; i++ {
		item.Sources = append(item.Sources, jigsaw.Source{URL: fmt.Sprintf("https://example.org/board-papers/%d", i), Publisher: "Trust board"})
	}
	if err := db.CreateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindTrackerItemByID(ctx, item.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sources) != 250 {
		t.Fatalf("read back %d sources, want 250", len(got.Sources))
	}
	for i, src := range got.Sources {
		if want := fmt.Sprintf("https://example.org/board-papers/%d", i); src.URL != want {
			t.Fatalf("source %d: got %s, want %s", i, src.URL, want)
		}
	}
	if len(got.Organisations) != 2 || got.Organisations[0].OrgID != f.trust.ID || got.Organisations[1].OrgID != f.sub.ID {
		t.Fatalf("organisations: got %+v", got.Organisations)
	}
}

func (s *suite) testTrackerValidation(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	for _, tt := range []struct {
		name   string
		change func(*jigsaw.TrackerItem)
		field  string
		msg    string
	}{
		{"negative value", func(i *jigsaw.TrackerItem) { i.ValuePence = -1 }, "value_pence", "cannot be negative"},
		{"negative staff", func(i *jigsaw.TrackerItem) { i.StaffAffected = -3 }, "staff_affected", "negative"},
		{"unknown kind", func(i *jigsaw.TrackerItem) { i.Kind = "privatisation-lite" }, "kind", "Choose"},
		{"no title", func(i *jigsaw.TrackerItem) { i.Title = "  " }, "title", "required"},
		{"no status", func(i *jigsaw.TrackerItem) { i.History = nil }, "status_history", "status"},
		{"bad status", func(i *jigsaw.TrackerItem) { i.History[1].Status = "rumoured" }, "status_history[1].status", "Choose"},
		{"bad status date", func(i *jigsaw.TrackerItem) { i.History[0].On = "2023-02-30" }, "status_history[0].on", "YYYY-MM-DD"},
		{"ends before it starts", func(i *jigsaw.TrackerItem) { i.EffectiveOn, i.EndsOn = "2026-04-01", "2025" }, "ends_on", "cannot end before"},
		{"bad source address", func(i *jigsaw.TrackerItem) {
			i.Sources = []jigsaw.Source{{URL: "https://ok.example/"}, {URL: "javascript:alert(1)"}}
		}, "sources[1].url", "http"},
		{"missing organisation", func(i *jigsaw.TrackerItem) { i.Organisations[1].OrgID = 999999 }, "organisations[1].organisation", "No such organisation"},
		{"bad role", func(i *jigsaw.TrackerItem) { i.Organisations[0].Role = "owner" }, "organisations[0].role", "role"},
		{"same organisation twice in a role", func(i *jigsaw.TrackerItem) {
			i.Organisations = append(i.Organisations, jigsaw.TrackerOrg{OrgID: f.trust.ID, Role: jigsaw.RoleParent})
		}, "organisations[2].organisation", "already"},
		{"unknown key issue", func(i *jigsaw.TrackerItem) { i.KeyIssues = []string{"weather"} }, "key_issues", "weather"},
		{"missing story", func(i *jigsaw.TrackerItem) { i.Stories = []jigsaw.LinkRef{{ID: f.story.ID}, {ID: 424242}} }, "stories[1]", "no story 424242"},
		{"missing dispute", func(i *jigsaw.TrackerItem) { i.Disputes = []jigsaw.LinkRef{{ID: 424242}} }, "disputes[0]", "no dispute"},
		{"bad district", func(i *jigsaw.TrackerItem) { i.District = "Keighley" }, "district", "postcode district"},
		{"published without source", func(i *jigsaw.TrackerItem) { i.Published = true }, "sources", "at least one source"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			item := subCoItem(f)
			tt.change(item)
			err := db.CreateTrackerItem(ctx, item)
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || !strings.Contains(jigsaw.FieldErrors(err)[tt.field], tt.msg) {
				t.Fatalf("got %v, want EINVALID with %q on %q", err, tt.msg, tt.field)
			}
		})
	}
	if _, n, _ := db.FindTrackerItems(ctx, jigsaw.TrackerFilter{}); n != 0 {
		t.Fatalf("refused items were stored: %d", n)
	}
}

func (s *suite) testTrackerFilters(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	src := []jigsaw.Source{{URL: "https://news.example/a"}}
	items := []*jigsaw.TrackerItem{
		{Kind: jigsaw.TrackerSubCoTransfer, Title: "SubCo", ReportedOn: "2025-09-10", District: "BD20", KeyIssues: []string{"outsourcing"},
			Organisations: []jigsaw.TrackerOrg{{OrgID: f.sub.ID, Role: jigsaw.RoleEmployer}}, Sources: src, Published: true},
		{Kind: jigsaw.TrackerContractAward, Title: "Logistics", ReportedOn: "2006-05", KeyIssues: []string{"wasting-money"},
			Organisations: []jigsaw.TrackerOrg{{OrgID: f.company.ID, Role: jigsaw.RoleSupplier}}, Sources: src, Published: true},
		{Kind: jigsaw.TrackerCut, Title: "Savings", ReportedOn: "2010-09-02", Sources: src, Published: true},
		{Kind: jigsaw.TrackerContractAward, Title: "Imported draft", ReportedOn: "2026-01-05", SourceKey: "ocds:ocds-b5fd17-1/1"},
	}
	for _, it := range items {
		it.History = []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: it.ReportedOn}}
		if it.Title == "Savings" {
			it.History = []jigsaw.StatusChange{{Status: jigsaw.TrackerImplemented, On: it.ReportedOn}}
		}
		if err := db.CreateTrackerItem(ctx, it); err != nil {
			t.Fatalf("%s: %v", it.Title, err)
		}
	}
	titles := func(list []*jigsaw.TrackerItem) string {
		var out []string
		for _, i := range list {
			out = append(out, i.Title)
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct {
		name   string
		f      jigsaw.TrackerFilter
		public bool
		want   string
		total  int
	}{
		{"public, newest reported first", jigsaw.TrackerFilter{}, true, "SubCo,Savings,Logistics", 3},
		{"all, drafts included", jigsaw.TrackerFilter{}, false, "Imported draft,SubCo,Savings,Logistics", 4},
		{"drafts only", jigsaw.TrackerFilter{Drafts: true}, false, "Imported draft", 1},
		{"drafts are never public", jigsaw.TrackerFilter{Drafts: true}, true, "SubCo,Savings,Logistics", 3},
		{"kind", jigsaw.TrackerFilter{Kind: jigsaw.TrackerContractAward}, true, "Logistics", 1},
		{"status", jigsaw.TrackerFilter{Status: jigsaw.TrackerImplemented}, true, "Savings", 1},
		{"key issue", jigsaw.TrackerFilter{KeyIssue: "outsourcing"}, true, "SubCo", 1},
		{"district", jigsaw.TrackerFilter{District: "bd20"}, true, "SubCo", 1},
		{"organisation", jigsaw.TrackerFilter{OrgID: f.company.ID}, true, "Logistics", 1},
		{"paged", jigsaw.TrackerFilter{Limit: 1, Offset: 1}, true, "Savings", 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			find := db.FindTrackerItems
			if tt.public {
				find = db.FindPublicTrackerItems
			}
			got, total, err := find(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if titles(got) != tt.want || total != tt.total {
				t.Fatalf("got %q (total %d), want %q (total %d)", titles(got), total, tt.want, tt.total)
			}
		})
	}

	byKey, err := db.FindTrackerItemBySourceKey(ctx, "ocds:ocds-b5fd17-1/1")
	if err != nil || byKey.Title != "Imported draft" || byKey.SourceKey != "ocds:ocds-b5fd17-1/1" {
		t.Fatalf("FindTrackerItemBySourceKey: %+v %v", byKey, err)
	}
	if _, err := db.FindTrackerItemBySourceKey(ctx, "ocds:other/1"); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("unknown source key: got %v, want ENOTFOUND", err)
	}
	dup := &jigsaw.TrackerItem{Kind: jigsaw.TrackerContractAward, Title: "Again", SourceKey: "ocds:ocds-b5fd17-1/1",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: "2026"}}}
	if err := db.CreateTrackerItem(ctx, dup); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT || jigsaw.FieldErrors(err)["source_key"] == "" {
		t.Fatalf("duplicate source key: got %v, want ECONFLICT on source_key", err)
	}
}

// Dangers are counted as stories are: exactly up to the cap, or to the end
// of the page asked for.
func (s *suite) testTrackerRevisions(t *testing.T) {
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	ctx, u := mustUserContext(t, db, "editor@example.org")
	item := subCoItem(f)
	if err := db.CreateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
	item.Title = "Moved to AGH Solutions"
	item.ValuePence = 123456
	if err := db.UpdateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
	// Saving without a change records nothing.
	if err := db.UpdateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
	revs, err := db.FindRevisions(ctx, jigsaw.ObjectTrackerItem, item.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Action != "update" || revs[1].Action != "create" {
		t.Fatalf("revisions: got %+v, want an update after a create", revs)
	}
	upd := revs[0]
	if upd.UserID != u.ID || upd.Actor != "editor@example.org" || upd.At.IsZero() {
		t.Fatalf("update revision: by %d %q at %v", upd.UserID, upd.Actor, upd.At)
	}
	want := []jigsaw.FieldChange{
		{Field: "title", Old: "Porters, cleaners and caterers moved to AGH Solutions", New: "Moved to AGH Solutions"},
		{Field: "value", Old: "£20,000,000,000", New: "£1,234.56"},
	}
	if !reflect.DeepEqual(upd.Changes, want) {
		t.Fatalf("changes: got %+v, want %+v", upd.Changes, want)
	}
	created := map[string]string{}
	for _, c := range revs[1].Changes {
		created[c.Field] = c.New
	}
	if created["organisations"] != "Airedale NHS Foundation Trust (parent)\nAGH Solutions Ltd (employer)" || created["published"] != "no" {
		t.Fatalf("create revision: got %v", created)
	}
	// Without a signed-in user the system is the author.
	item.Area = "Steeton"
	if err := db.UpdateTrackerItem(context.Background(), item); err != nil {
		t.Fatal(err)
	}
	revs, _ = db.FindRevisions(ctx, jigsaw.ObjectTrackerItem, item.ID)
	if revs[0].Actor != "system" || revs[0].UserID != 0 {
		t.Fatalf("system revision: %+v", revs[0])
	}
}

// A story's page links back to the published dangers citing it, newest
// first, and to their disputes, each once; drafts and their disputes stay
// hidden.
func (s *suite) testLinksToStory(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	dispute := aghDispute(f)
	if err := db.CreateDispute(ctx, dispute); err != nil {
		t.Fatal(err)
	}
	hidden := aghDispute(f)
	hidden.Title = "Only a draft links it"
	if err := db.CreateDispute(ctx, hidden); err != nil {
		t.Fatal(err)
	}
	source := []jigsaw.Source{{URL: "https://example.org/news"}}
	older, newer, draft := subCoItem(f), subCoItem(f), subCoItem(f)
	older.Title, older.Published, older.Sources, older.Disputes = "Older", true, source, []jigsaw.LinkRef{{ID: dispute.ID}}
	newer.Title, newer.Published, newer.Sources, newer.Disputes = "Newer", true, source, []jigsaw.LinkRef{{ID: dispute.ID}}
	newer.History = []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2024-01-01"}}
	draft.Title, draft.Disputes = "Draft", []jigsaw.LinkRef{{ID: hidden.ID}}
	for _, item := range []*jigsaw.TrackerItem{older, newer, draft} {
		if err := db.CreateTrackerItem(ctx, item); err != nil {
			t.Fatal(err)
		}
	}
	page, err := db.FindPublicStoryPage(ctx, f.story.ID)
	if err != nil {
		t.Fatal(err)
	}
	dangers, disputes := page.Dangers, page.Disputes
	want := []jigsaw.LinkRef{{ID: newer.ID, Title: "Newer"}, {ID: older.ID, Title: "Older"}}
	if !slices.Equal(dangers, want) {
		t.Errorf("dangers %v, want %v", dangers, want)
	}
	if wantD := []jigsaw.LinkRef{{ID: dispute.ID, Title: dispute.Title}}; !slices.Equal(disputes, wantD) {
		t.Errorf("disputes %v, want %v", disputes, wantD)
	}
	alone := mustCreateLinkedStory(t, db, "Nothing links this one", jigsaw.StoryPublished)
	if page, err := db.FindPublicStoryPage(ctx, alone.ID); err != nil || page.Dangers != nil || page.Disputes != nil {
		t.Errorf("a story nothing links: %+v, %v; want no links", page, err)
	}
}
