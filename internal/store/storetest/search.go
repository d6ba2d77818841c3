package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// searchWorld is a small world for the site's search: public and private
// records of every kind, all about porters.
type searchWorld struct {
	trust, sub, union      *jigsaw.Organisation
	story, draft, withdraw storyFixture
	danger, draftDanger    *jigsaw.TrackerItem
	dispute                *jigsaw.Dispute
}

func mustSearchWorld(tb testing.TB, db *store.DB) *searchWorld {
	tb.Helper()
	ctx := context.Background()
	w := &searchWorld{}
	w.trust = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RCF"})
	w.sub = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "AGH Solutions Ltd", Kind: jigsaw.OrgSubsidiary, ParentID: w.trust.ID})
	w.union = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "GMB", Kind: jigsaw.OrgUnion})

	// The story's private body and its teller (newStory) name Zebedee
	// Quistorp-Vane; its public text holds markup that must stay text.
	w.story = newStory("Porters moved out of the NHS", jigsaw.StoryPublished, time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	w.story.story.PublicBody = "The porters were moved to a <b>subsidiary</b> & <script>alert(1)</script> paid less."
	w.story.story.KeyIssues = []string{"outsourcing"}
	w.story.story.OrgIDs = []int64{w.sub.ID}
	w.draft = newStory("Porters secret draft", jigsaw.StoryAwaitingReview, time.Time{})
	w.draft.story.PublicBody = "Porters awaiting review."
	w.withdraw = newStory("Porters story later withdrawn", jigsaw.StoryPublished, time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC))
	for _, f := range []*storyFixture{&w.story, &w.draft, &w.withdraw} {
		mustCreateStory(tb, db, f)
	}

	w.danger = &jigsaw.TrackerItem{Kind: jigsaw.TrackerSubCoTransfer, Title: "Porters transferred to AGH Solutions",
		Summary: "Porters and cleaners transferred to a wholly owned subsidiary.",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerImplemented, On: "2023-04-01"}}, District: "BD20",
		KeyIssues: []string{"outsourcing"}, Organisations: []jigsaw.TrackerOrg{{OrgID: w.sub.ID, Role: jigsaw.RoleEmployer}},
		Sources: []jigsaw.Source{{URL: "https://example.org/agh", Publisher: "Keighley News"}}, Published: true}
	w.draftDanger = &jigsaw.TrackerItem{Kind: jigsaw.TrackerCut, Title: "Porters draft danger", Summary: "Porters unconfirmed.",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025-01-01"}}}
	for _, d := range []*jigsaw.TrackerItem{w.danger, w.draftDanger} {
		if err := db.CreateTrackerItem(ctx, d); err != nil {
			tb.Fatal(err)
		}
	}
	w.dispute = &jigsaw.Dispute{Title: "AGH Solutions porters: parity with Agenda for Change",
		Summary: "Porters and domestics on strike.", Outcome: "Back pay won for every porter.", Status: jigsaw.DisputeWon,
		Parties:  []jigsaw.DisputeParty{{OrgID: w.sub.ID, Role: jigsaw.PartyEmployer}, {OrgID: w.union.ID, Role: jigsaw.PartyUnion}},
		District: "BD20", KeyIssues: []string{"pay-and-conditions"},
		Steps: []jigsaw.DisputeStep{{Kind: jigsaw.StepStrike, Date: "2025-09-15"}}}
	if err := db.CreateDispute(ctx, w.dispute); err != nil {
		tb.Fatal(err)
	}
	// Withdrawn after it was indexed: it must leave the index at once.
	if err := db.ExecRaw(ctx, `UPDATE stories SET status = 'withdrawn' WHERE id = $1`, w.withdraw.story.ID); err != nil {
		tb.Fatal(err)
	}
	return w
}

// hitKeys names hits as type:id, in order.
func hitKeys(hits []jigsaw.SearchHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s:%d", h.Type, h.ID))
	}
	return out
}

func key(t jigsaw.SearchType, id int64) string { return fmt.Sprintf("%s:%d", t, id) }

func mustSearch(tb testing.TB, db *store.DB, f jigsaw.SearchFilter) *jigsaw.SearchResult {
	tb.Helper()
	res, err := db.SearchPublic(context.Background(), f)
	if err != nil {
		tb.Fatalf("search %+v: %v", f, err)
	}
	return res
}

// sameSet reports whether got and want hold the same keys, in any order.
func sameSet(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[string]int{}
	for _, k := range got {
		seen[k]++
	}
	for _, k := range want {
		seen[k]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func (s *suite) testSearchPublic(t *testing.T) {
	db := s.mustOpen(t)
	w := mustSearchWorld(t, db)
	story, danger, dispute := key(jigsaw.SearchStory, w.story.story.ID), key(jigsaw.SearchDanger, w.danger.ID), key(jigsaw.SearchDispute, w.dispute.ID)
	since := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		f    jigsaw.SearchFilter
		want []string
	}{
		// Drafts, the story awaiting review and the withdrawn one never.
		{"every public kind", jigsaw.SearchFilter{Query: "porters"}, []string{story, danger, dispute}},
		{"stemmed", jigsaw.SearchFilter{Query: "PORTER"}, []string{story, danger, dispute}},
		{"every word must match", jigsaw.SearchFilter{Query: "porters subsidiary"}, []string{story, danger}},
		{"outcome", jigsaw.SearchFilter{Query: "back pay"}, []string{dispute}},
		{"type story", jigsaw.SearchFilter{Query: "porters", Type: jigsaw.SearchStory}, []string{story}},
		{"type danger", jigsaw.SearchFilter{Query: "porters", Type: jigsaw.SearchDanger}, []string{danger}},
		{"type dispute", jigsaw.SearchFilter{Query: "porters", Type: jigsaw.SearchDispute}, []string{dispute}},
		{"organisation by name", jigsaw.SearchFilter{Query: "airedale"}, []string{key(jigsaw.SearchOrganisation, w.trust.ID)}},
		{"organisation by code", jigsaw.SearchFilter{Query: "RCF", Type: jigsaw.SearchOrganisation}, []string{key(jigsaw.SearchOrganisation, w.trust.ID)}},
		{"names across kinds", jigsaw.SearchFilter{Query: "AGH solutions"}, []string{danger, dispute, key(jigsaw.SearchOrganisation, w.sub.ID)}},
		{"key issue", jigsaw.SearchFilter{Query: "porters", KeyIssue: "outsourcing"}, []string{story, danger}},
		{"key issue leaves organisations out", jigsaw.SearchFilter{Query: "AGH", KeyIssue: "outsourcing"}, []string{danger}},
		{"district", jigsaw.SearchFilter{Query: "porters", District: "bd20"}, []string{story, danger, dispute}},
		{"another district", jigsaw.SearchFilter{Query: "porters", District: "LS1"}, nil},
		{"organisation", jigsaw.SearchFilter{Query: "porters", OrgID: w.sub.ID}, []string{story, danger, dispute}},
		{"organisation's own", jigsaw.SearchFilter{Query: "AGH", OrgID: w.trust.ID, Type: jigsaw.SearchOrganisation}, []string{key(jigsaw.SearchOrganisation, w.sub.ID)}},
		{"organisation not concerned", jigsaw.SearchFilter{Query: "porters", OrgID: w.union.ID}, []string{dispute}},
		{"since", jigsaw.SearchFilter{Query: "porters", Since: since}, []string{story, dispute}},
		{"until", jigsaw.SearchFilter{Query: "porters", Until: since.AddDate(0, 0, -1)}, []string{danger}},
		{"until the day, included", jigsaw.SearchFilter{Query: "porters", Since: w.story.story.PublishedAt, Until: w.story.story.PublishedAt}, []string{story}},
		// Personal data: the teller's name, email, phone and postcode, and
		// the story's private body, are never indexed.
		{"teller's name", jigsaw.SearchFilter{Query: "Zebedee"}, nil},
		{"teller's surname", jigsaw.SearchFilter{Query: "Quistorp Vane"}, nil},
		{"teller's email", jigsaw.SearchFilter{Query: "zebedee.qv@example.invalid"}, nil},
		{"teller's phone", jigsaw.SearchFilter{Query: "07700 900123"}, nil},
		{"teller's postcode", jigsaw.SearchFilter{Query: "6TD"}, nil},
		{"private body", jigsaw.SearchFilter{Query: "original text naming"}, nil},
		{"draft story", jigsaw.SearchFilter{Query: "secret draft"}, nil},
		{"draft danger", jigsaw.SearchFilter{Query: "unconfirmed"}, nil},
		{"withdrawn story", jigsaw.SearchFilter{Query: "withdrawn"}, nil},
		{"nothing", jigsaw.SearchFilter{Query: ""}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, db, tt.f)
			if got := hitKeys(res.Hits); !sameSet(got, tt.want) || res.Total != len(tt.want) || res.More {
				t.Errorf("got %v (total %d, more %v), want %v", got, res.Total, res.More, tt.want)
			}
		})
	}
}

func (s *suite) testSearchHits(t *testing.T) {
	db := s.mustOpen(t)
	w := mustSearchWorld(t, db)
	res := mustSearch(t, db, jigsaw.SearchFilter{Query: "porters", Type: jigsaw.SearchStory})
	if len(res.Hits) != 1 {
		t.Fatalf("got %v, want the story", hitKeys(res.Hits))
	}
	h := res.Hits[0]
	if h.Title != w.story.story.Title || h.Date != "2025-03-01" || h.Path() != fmt.Sprintf("/stories/%d", w.story.story.ID) {
		t.Errorf("hit: %+v", h)
	}
	// The stored text is escaped, then the match marked. (PostgreSQL's
	// ts_headline drops what looks like a tag; FTS5 keeps it as text.)
	if !strings.Contains(h.Snippet, "<mark>porters</mark>") || !strings.Contains(h.Snippet, "subsidiary") || !strings.Contains(h.Snippet, " &amp; ") ||
		strings.Contains(h.Snippet, "<b>") || strings.Contains(h.Snippet, "<script") || strings.Count(h.Snippet, "<") != 2 {
		t.Errorf("snippet %q: want the text escaped and porters marked", h.Snippet)
	}
	for _, tt := range []struct {
		f    jigsaw.SearchFilter
		date string
		path string
		mark string
	}{
		{jigsaw.SearchFilter{Query: "cleaners", Type: jigsaw.SearchDanger}, "2023-04-01", fmt.Sprintf("/tracker/%d", w.danger.ID), "<mark>cleaners</mark>"},
		{jigsaw.SearchFilter{Query: "domestics", Type: jigsaw.SearchDispute}, "2025-09-15", fmt.Sprintf("/disputes/%d", w.dispute.ID), "<mark>domestics</mark>"},
		{jigsaw.SearchFilter{Query: "airedale"}, "", "/organisations/" + w.trust.Slug, "<mark>Airedale</mark>"},
	} {
		res := mustSearch(t, db, tt.f)
		if len(res.Hits) != 1 || res.Hits[0].Date != tt.date || res.Hits[0].Path() != tt.path || !strings.Contains(res.Hits[0].Snippet, tt.mark) {
			t.Errorf("search %+v: got %+v, want one hit dated %q at %s with %s", tt.f, res.Hits, tt.date, tt.path, tt.mark)
		}
	}

	// Paging: pages of one are the whole list's hits in turn.
	all := hitKeys(mustSearch(t, db, jigsaw.SearchFilter{Query: "porters"}).Hits)
	var paged []string
	for offset := range 4 {
		res := mustSearch(t, db, jigsaw.SearchFilter{Query: "porters", Limit: 1, Offset: offset})
		if res.Total != 3 {
			t.Errorf("page at %d: total %d, want 3", offset, res.Total)
		}
		paged = append(paged, hitKeys(res.Hits)...)
	}
	if !reflect.DeepEqual(paged, all) {
		t.Errorf("pages of one: %v, want %v", paged, all)
	}

	// Relevance: the danger about ambulances, the word in its title and
	// throughout, before the newer story that mentions one in passing.
	about := &jigsaw.TrackerItem{Kind: jigsaw.TrackerSafety, Title: "Ambulance handover delays",
		Summary: "Ambulance crews wait hours; ambulance queues outside the hospital every night.",
		History: []jigsaw.StatusChange{{Status: jigsaw.TrackerImplemented, On: "2024-01-01"}},
		Sources: []jigsaw.Source{{URL: "https://example.org/amb"}}, Published: true}
	if err := db.CreateTrackerItem(context.Background(), about); err != nil {
		t.Fatal(err)
	}
	passing := newStory("Discharge delayed", jigsaw.StoryPublished, time.Now())
	passing.story.PublicBody = "I waited two days for a bed in a care home; an ambulance took me there in the end, and the staff were kind throughout."
	mustCreateStory(t, db, &passing)
	got := hitKeys(mustSearch(t, db, jigsaw.SearchFilter{Query: "ambulance"}).Hits)
	if want := []string{key(jigsaw.SearchDanger, about.ID), key(jigsaw.SearchStory, passing.story.ID)}; !reflect.DeepEqual(got, want) {
		t.Errorf("search ambulance: got %v, want %v", got, want)
	}

	// Unpublished, a danger leaves the results at once.
	if err := db.ExecRaw(context.Background(), `UPDATE tracker_items SET published_at = NULL WHERE id = $1`, about.ID); err != nil {
		t.Fatal(err)
	}
	if got := hitKeys(mustSearch(t, db, jigsaw.SearchFilter{Query: "ambulance handover"}).Hits); len(got) != 0 {
		t.Errorf("unpublished danger: got %v, want nothing", got)
	}
}

// testSearchHostileQueries checks that query syntax of either engine is
// read as plain words, and a query of no words is refused naming q.
func (s *suite) testSearchHostileQueries(t *testing.T) {
	db := s.mustOpen(t)
	w := mustSearchWorld(t, db)
	story := []string{key(jigsaw.SearchStory, w.story.story.ID)}
	for _, tt := range []struct {
		q    string
		want []string // nil: nothing; "any": either, as the engines' stop words differ
		any  bool
	}{
		{q: `"unbalanced`},
		{q: `AND OR`, any: true},
		{q: `NOT porters`, any: true},
		{q: `NEAR(`},
		{q: `NEAR(porters subsidiary, 2)`},
		{q: `title:porters`},
		{q: `porters*`, want: story},
		{q: `porters"`, want: story},
		{q: `(porters`, want: story},
		{q: `^porters`, want: story},
		{q: `porters:*`, want: story},
		{q: `{porters}`, want: story},
		{q: `'porters'`, want: story},
		{q: `porters & | !`, want: story},
		{q: `porters -subsidiary`, want: story},
		{q: `"porters" + "subsidiary"`, want: story},
		{q: "porters\x00", want: story},
		{q: strings.Repeat("porters ", 40), want: story},
	} {
		res, err := db.SearchPublic(context.Background(), jigsaw.SearchFilter{Query: tt.q, Type: jigsaw.SearchStory})
		if err != nil {
			t.Errorf("search %q: %v", tt.q, err)
			continue
		}
		if got := hitKeys(res.Hits); !tt.any && !sameSet(got, tt.want) {
			t.Errorf("search %q: got %v, want %v", tt.q, got, tt.want)
		}
	}
	for _, q := range []string{`*`, `-`, `"`, `()`, `:`, `^`, `&|!`, `""`, ` - * `} {
		_, err := db.SearchPublic(context.Background(), jigsaw.SearchFilter{Query: q})
		var e *jigsaw.Error
		if !errors.As(err, &e) || e.Code != jigsaw.EINVALID || e.Fields["q"] == "" {
			t.Errorf("search %q: got %v, want EINVALID naming q", q, err)
		}
	}
}
