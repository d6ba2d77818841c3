package storetest

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// eventNow is the present of the events' tests: a day in late spring.
var eventNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// londonAt returns the instant of a London wall-clock time, or fails.
func londonAt(tb testing.TB, day, clock string) time.Time {
	tb.Helper()
	t, msg := jigsaw.ParseLondonTime(day, clock)
	if msg != "" {
		tb.Fatalf("ParseLondonTime(%q, %q): %s", day, clock, msg)
	}
	return t
}

// eventFixture is a database at eventNow with two organisers, a campaign
// and a topic.
type eventFixture struct {
	db                  *store.DB
	konp, unison        *jigsaw.Organisation
	campaignID, topicID int64
}

func (s *suite) mustEventFixture(tb testing.TB) *eventFixture {
	tb.Helper()
	db := s.mustOpen(tb)
	db.Now = func() time.Time { return eventNow }
	f := &eventFixture{db: db}
	f.konp = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup, CoalitionMember: true})
	f.unison = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "UNISON", Kind: jigsaw.OrgUnion, CoalitionMember: true})
	// Campaigns and topics are another part's; rows of them are all the
	// events need.
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		if err := tx.QueryRow(`INSERT INTO campaigns (slug, name, created_at, updated_at) VALUES ('keep', 'Keep our NHS public', $1, $1) RETURNING id`,
			eventNow).Scan(&f.campaignID); err != nil {
			return err
		}
		return tx.QueryRow(`INSERT INTO topics (title, created_at, updated_at) VALUES ('Conflicts of interest of GPs', $1, $1) RETURNING id`,
			eventNow).Scan(&f.topicID)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func (f *eventFixture) mustCreate(tb testing.TB, e *jigsaw.Event) *jigsaw.Event {
	tb.Helper()
	if err := f.db.CreateEvent(context.Background(), e); err != nil {
		tb.Fatalf("create event %q: %v", e.Title, err)
	}
	return e
}

func eventTitles(events []*jigsaw.Event) []string {
	out := []string{}
	for _, e := range events {
		out = append(out, e.Title)
	}
	return out
}

func (s *suite) testEventCreateFind(t *testing.T) {
	ctx := context.Background()
	f := s.mustEventFixture(t)
	// 19:00 in summer (BST, UTC+1) and in winter (GMT) are both 19:00 in
	// London, an hour apart in UTC.
	summer := f.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventPublicMeeting, Title: "  Save  our hospital ",
		Start: londonAt(t, "2026-07-09", "19:00"), End: londonAt(t, "2026-07-09", "21:00"), Venue: "Keighley Library",
		Postcode: "bd21 3sx", Organisers: []jigsaw.EventOrganiser{{OrgID: f.konp.ID}, {OrgID: f.unison.ID}},
		CampaignID: f.campaignID, TopicID: f.topicID})
	winter := f.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventLobby, Title: "Lobby the board",
		Start: londonAt(t, "27/01/2027", "19:00"), End: londonAt(t, "27/01/2027", "20:30"), Organisers: []jigsaw.EventOrganiser{{OrgID: f.unison.ID}}})
	got, err := f.db.FindPublicEventByID(ctx, summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Save our hospital" || got.Postcode != "BD21 3SX" || got.District != "BD21" || got.Version != 1 ||
		got.Campaign == nil || got.Campaign.Title != "Keep our NHS public" || got.Topic == nil || got.Topic.ID != f.topicID ||
		len(got.Organisers) != 2 || got.Organisers[0].Name != "Keep Our NHS Public" || got.Organisers[1].Slug != "unison" {
		t.Fatalf("read back: %+v", got)
	}
	if got.Start.Hour() != 18 || got.LocalStart().Hour() != 19 || got.LocalStart().Format("15:04") != "19:00" {
		t.Fatalf("summer start: UTC %v, London %v; want 18:00 UTC, 19:00 London", got.Start, got.LocalStart())
	}
	w, _ := f.db.FindPublicEventByID(ctx, winter.ID)
	if w.Start.Hour() != 19 || w.LocalStart().Format("15:04") != "19:00" || w.Campaign != nil || w.Topic != nil {
		t.Fatalf("winter start: UTC %v, London %v; want 19:00 both, no campaign or topic", w.Start, w.LocalStart())
	}

	got.Title, got.Organisers = "Save Airedale hospital", []jigsaw.EventOrganiser{{OrgID: f.unison.ID}}
	if err := f.db.UpdateEvent(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := f.db.FindEventByID(ctx, summer.ID)
	if again.Title != "Save Airedale hospital" || len(again.Organisers) != 1 || again.Version != 2 {
		t.Fatalf("after update: %+v", again)
	}
	got.Version = 1
	if err := f.db.UpdateEvent(ctx, got); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("update from an old version: got %v, want ECONFLICT", err)
	}
	if err := f.db.UpdateEvent(ctx, &jigsaw.Event{ID: 987654}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("update of no event: got %v, want ENOTFOUND", err)
	}
	revs, err := f.db.FindRevisions(ctx, jigsaw.ObjectEvent, summer.ID)
	if err != nil || len(revs) != 2 || revs[0].Action != "update" {
		t.Fatalf("revisions: %+v, %v", revs, err)
	}
	// Organisers follow a merge of their organisation.
	if err := f.db.MergeOrganisations(ctx, f.konp.ID, f.unison.ID); err != nil {
		t.Fatal(err)
	}
	if m, _ := f.db.FindEventByID(ctx, winter.ID); len(m.Organisers) != 1 || m.Organisers[0].OrgID != f.konp.ID {
		t.Fatalf("organisers after a merge: %+v", m.Organisers)
	}
}

func (s *suite) testEventValidation(t *testing.T) {
	ctx := context.Background()
	f := s.mustEventFixture(t)
	good := func() *jigsaw.Event {
		return &jigsaw.Event{Kind: jigsaw.EventPicket, Title: "Picket", Start: londonAt(t, "2026-03-02", "07:00"),
			End: londonAt(t, "2026-03-02", "09:00"), Organisers: []jigsaw.EventOrganiser{{OrgID: f.unison.ID}}}
	}
	for _, tt := range []struct {
		name, field string
		change      func(e *jigsaw.Event)
	}{
		{"ends before it starts", "end", func(e *jigsaw.Event) { e.End = e.Start.Add(-time.Minute) }},
		{"no start", "start", func(e *jigsaw.Event) { e.Start = time.Time{} }},
		{"no kind", "kind", func(e *jigsaw.Event) { e.Kind = "party" }},
		{"no title", "title", func(e *jigsaw.Event) { e.Title = " " }},
		{"bad postcode", "postcode", func(e *jigsaw.Event) { e.Postcode = "Keighley" }},
		{"unknown organisation", "organisers[0]", func(e *jigsaw.Event) { e.Organisers[0].OrgID = 98765 }},
		{"organiser twice", "organisers[1]", func(e *jigsaw.Event) { e.Organisers = append(e.Organisers, e.Organisers[0]) }},
		{"unknown campaign", "campaign", func(e *jigsaw.Event) { e.CampaignID = 98765 }},
		{"unknown topic", "topic", func(e *jigsaw.Event) { e.TopicID = 98765 }},
		{"conclusions before it starts", "conclusions", func(e *jigsaw.Event) {
			e.Start, e.End = eventNow.Add(time.Hour), eventNow.Add(2*time.Hour)
			e.Conclusions = "We decided."
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := good()
			tt.change(e)
			err := f.db.CreateEvent(ctx, e)
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tt.field] == "" {
				t.Fatalf("got %v, want EINVALID naming %s", err, tt.field)
			}
		})
	}
	// A past event takes conclusions.
	e := good()
	e.Conclusions = "Write to every GP practice."
	f.mustCreate(t, e)
}

func (s *suite) testEventMembersOnly(t *testing.T) {
	ctx := context.Background()
	f := s.mustEventFixture(t)
	day := func(d string) (time.Time, time.Time) { return londonAt(t, d, "10:00"), londonAt(t, d, "16:00") }
	start, end := day("2026-06-13")
	open := f.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventTraining, Title: "Open training", Start: start, End: end,
		CampaignID: f.campaignID, TopicID: f.topicID, Organisers: []jigsaw.EventOrganiser{{OrgID: f.unison.ID}}})
	closed := f.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventTraining, Title: "Closed training zebra", Start: start, End: end,
		CampaignID: f.campaignID, TopicID: f.topicID, MembersOnly: true, Organisers: []jigsaw.EventOrganiser{{OrgID: f.unison.ID}}})
	pastStart, pastEnd := day("2026-04-01")
	f.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventMeeting, Title: "Closed meeting zebra", Start: pastStart, End: pastEnd,
		TopicID: f.topicID, MembersOnly: true, Conclusions: "Members' secret."})
	f.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventMeeting, Title: "Open meeting", Start: pastStart, End: pastEnd,
		TopicID: f.topicID, Conclusions: "Ask the CCG to sign."})

	if _, err := f.db.FindPublicEventByID(ctx, closed.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("public read of a members-only event: got %v, want ENOTFOUND", err)
	}
	if e, err := f.db.FindEventByID(ctx, closed.ID); err != nil || !e.MembersOnly {
		t.Fatalf("editors' read: %+v, %v", e, err)
	}
	lists := map[string]func() ([]*jigsaw.Event, error){
		"FindPublicEvents": func() ([]*jigsaw.Event, error) {
			l, _, err := f.db.FindPublicEvents(ctx, jigsaw.EventFilter{MembersOnly: true})
			return l, err
		},
		"FindPublicEvents past": func() ([]*jigsaw.Event, error) {
			l, _, err := f.db.FindPublicEvents(ctx, jigsaw.EventFilter{Past: true})
			return l, err
		},
		"UpcomingPublicEvents": func() ([]*jigsaw.Event, error) { return f.db.UpcomingPublicEvents(ctx, 10) },
		"CampaignPublicEvents": func() ([]*jigsaw.Event, error) { return f.db.CampaignPublicEvents(ctx, f.campaignID) },
		"TopicEventConclusions": func() ([]*jigsaw.Event, error) {
			return f.db.TopicEventConclusions(ctx, f.topicID)
		},
	}
	for name, list := range lists {
		got, err := list()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range got {
			if e.MembersOnly {
				t.Fatalf("%s lists the members-only %q", name, e.Title)
			}
		}
		if len(got) == 0 {
			t.Fatalf("%s lists nothing", name)
		}
	}
	if got, _ := f.db.TopicEventConclusions(ctx, f.topicID); len(got) != 1 || got[0].Conclusions != "Ask the CCG to sign." {
		t.Fatalf("topic's conclusions: %v", eventTitles(got))
	}
	if got, n, _ := f.db.FindEvents(ctx, jigsaw.EventFilter{MembersOnly: true}); n != 2 || len(got) != 2 || got[0].ID != open.ID {
		t.Fatalf("editors' upcoming list: %v (%d)", eventTitles(got), n)
	}
	res, err := f.db.SearchPublic(ctx, jigsaw.SearchFilter{Query: "zebra"})
	if err != nil || res.Total != 0 {
		t.Fatalf("search finds members-only events: %+v, %v", res, err)
	}
	res, err = f.db.SearchPublic(ctx, jigsaw.SearchFilter{Query: "training", Type: jigsaw.SearchEvent})
	if err != nil || res.Total != 1 || res.Hits[0].ID != open.ID {
		t.Fatalf("search of public events: %+v, %v", res, err)
	}
	// Made public, the event is found; made members-only again, it is not.
	closed.MembersOnly, closed.Version = false, 0
	if err := f.db.UpdateEvent(ctx, closed); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.db.SearchPublic(ctx, jigsaw.SearchFilter{Query: "zebra"}); res.Total != 1 {
		t.Fatalf("search after publishing: %d hits, want 1", res.Total)
	}
	closed.MembersOnly = true
	if err := f.db.UpdateEvent(ctx, closed); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.db.SearchPublic(ctx, jigsaw.SearchFilter{Query: "zebra"}); res.Total != 0 {
		t.Fatalf("search after closing: %d hits, want 0", res.Total)
	}
}

func (s *suite) testEventFilters(t *testing.T) {
	ctx := context.Background()
	f := s.mustEventFixture(t)
	mk := func(title string, kind jigsaw.EventKind, day, postcode string, org *jigsaw.Organisation, campaign int64) {
		f.mustCreate(t, &jigsaw.Event{Kind: kind, Title: title, Start: londonAt(t, day, "18:00"), End: londonAt(t, day, "20:00"),
			Postcode: postcode, Organisers: []jigsaw.EventOrganiser{{OrgID: org.ID}}, CampaignID: campaign})
	}
	mk("April meeting", jigsaw.EventMeeting, "2026-04-20", "BD21 3SX", f.konp, 0)
	mk("May rally", jigsaw.EventRally, "2026-05-16", "LS1 1UR", f.unison, f.campaignID)
	mk("June picket", jigsaw.EventPicket, "2026-06-01", "BD21 3SX", f.unison, 0)
	// 00:30 on 1 June in London is still 31 May in UTC: the month is
	// London's.
	f.mustCreate(t, &jigsaw.Event{Kind: jigsaw.EventStall, Title: "Midnight stall", Start: londonAt(t, "2026-06-01", "00:30"),
		End: londonAt(t, "2026-06-01", "01:30")})
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, tt := range []struct {
		name string
		f    jigsaw.EventFilter
		want []string
	}{
		{"upcoming", jigsaw.EventFilter{}, []string{"May rally", "Midnight stall", "June picket"}},
		{"past", jigsaw.EventFilter{Past: true}, []string{"April meeting"}},
		{"kind", jigsaw.EventFilter{Kind: jigsaw.EventPicket}, []string{"June picket"}},
		{"district", jigsaw.EventFilter{District: "bd21"}, []string{"June picket"}},
		{"district past", jigsaw.EventFilter{District: "BD21", Past: true}, []string{"April meeting"}},
		{"organisation", jigsaw.EventFilter{OrgID: f.unison.ID}, []string{"May rally", "June picket"}},
		{"campaign", jigsaw.EventFilter{CampaignID: f.campaignID}, []string{"May rally"}},
		{"month of June", jigsaw.EventFilter{From: day("2026-06-01"), To: day("2026-06-30")}, []string{"Midnight stall", "June picket"}},
		{"from April", jigsaw.EventFilter{From: day("2026-04-01")}, []string{"April meeting", "May rally", "Midnight stall", "June picket"}},
		{"to May", jigsaw.EventFilter{To: day("2026-05-31")}, []string{"April meeting", "May rally"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := f.db.FindPublicEvents(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if titles := eventTitles(got); n != len(tt.want) || !slices.Equal(titles, tt.want) {
				t.Fatalf("got %v (%d), want %v", titles, n, tt.want)
			}
		})
	}
}
