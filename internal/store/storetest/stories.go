package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// storyFixture is a story with a distinctive submitter, so tests can assert
// the submitter's details appear in no public view.
type storyFixture struct {
	story  jigsaw.Story
	person jigsaw.Person
}

func newStory(title string, status jigsaw.StoryStatus, published time.Time) storyFixture {
	return storyFixture{
		story: jigsaw.Story{
			Title: title, Body: "Original text naming Zebedee Quistorp-Vane.", PublicBody: "The text of " + title + ".",
			Kind: jigsaw.StoryPatient, District: "BD20", Area: "Keighley", HappenedOn: "2024-03",
			Status: status, Byline: "A patient in Keighley", PublishedAt: published,
		},
		person: jigsaw.Person{Name: "Zebedee Quistorp-Vane", Email: "zebedee.qv@example.invalid", Phone: "07700 900123", Postcode: "BD20 6TD"},
	}
}

func mustCreateStory(tb testing.TB, db *store.DB, f *storyFixture) {
	tb.Helper()
	if err := db.CreateStory(context.Background(), &f.story, &f.person); err != nil {
		tb.Fatalf("create story %q: %v", f.story.Title, err)
	}
}

func (s *suite) testStoryPublicViews(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	org := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust})
	sub := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Airedale Healthcare Services Ltd", Kind: jigsaw.OrgSubsidiary})
	pub := newStory("Waiting eleven hours", jigsaw.StoryPublished, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	pub.story.KeyIssues = []string{"safety", "cuts"}
	pub.story.OrgIDs = []int64{org.ID, sub.ID}
	mustCreateStory(t, db, &pub)
	// Replies, at times to the microsecond, the later one added first.
	_, editor := mustUserContext(t, db, "reply-editor@example.org")
	at := time.Date(2025, 2, 3, 4, 5, 6, 789012000, time.UTC)
	for i, r := range []struct {
		org  int64
		body string
		at   time.Time
	}{{org.ID, "The trust's answer.", at.Add(time.Hour)}, {sub.ID, "The company's answer.", at}} {
		db.Now = func() time.Time { return r.at }
		if err := db.AddReply(ctx, pub.story.ID, r.org, r.body, editor, "192.0.2.1"); err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
	}
	for _, st := range []jigsaw.StoryStatus{jigsaw.StoryAwaitingConfirmation, jigsaw.StoryAwaitingReview, jigsaw.StoryRejected, jigsaw.StoryWithdrawn} {
		f := newStory("Hidden "+string(st), st, time.Time{})
		mustCreateStory(t, db, &f)
		if _, err := db.FindPublicStoryByID(ctx, f.story.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
			t.Errorf("story in status %s: got %v, want ENOTFOUND", st, err)
		}
		if _, err := db.FindPublicStoryPage(ctx, f.story.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
			t.Errorf("story page in status %s: got %v, want ENOTFOUND", st, err)
		}
	}

	got, err := db.FindPublicStoryByID(ctx, pub.story.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := &jigsaw.PublicStory{
		ID: pub.story.ID, Title: "Waiting eleven hours", Body: "The text of Waiting eleven hours.", Kind: jigsaw.StoryPatient,
		KeyIssues: []string{"cuts", "safety"}, District: "BD20", Area: "Keighley", HappenedOn: "2024-03",
		Byline:        "A patient in Keighley",
		Organisations: []jigsaw.OrgRef{{ID: sub.ID, Slug: sub.Slug, Name: sub.Name}, {ID: org.ID, Slug: org.Slug, Name: org.Name}},
		Replies: []jigsaw.Reply{
			{Organisation: jigsaw.OrgRef{ID: sub.ID, Slug: sub.Slug, Name: sub.Name}, Body: "The company's answer.", At: at},
			{Organisation: jigsaw.OrgRef{ID: org.ID, Slug: org.Slug, Name: org.Name}, Body: "The trust's answer.", At: at.Add(time.Hour)},
		},
		PublishedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	if len(got.Replies) == 2 {
		want.Replies[0].ID, want.Replies[1].ID = got.Replies[0].ID, got.Replies[1].ID
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("FindPublicStoryByID:\n got %+v\nwant %+v", got, want)
	}
	// A story stored without its HTML (before migration 0006) shows its
	// Markdown, rendered as it is read.
	if page, err := db.FindPublicStoryPage(ctx, pub.story.ID); err != nil || !reflect.DeepEqual(page, want) {
		t.Fatalf("FindPublicStoryPage without stored HTML:\n got %+v %v\nwant %+v", page, err, want)
	}
	list, total, err := db.FindPublicStories(ctx, jigsaw.StoryFilter{})
	if err != nil || total != 1 || len(list) != 1 || !reflect.DeepEqual(list[0], want) {
		t.Fatalf("FindPublicStories: got %d %+v %v; want only the published story", total, list, err)
	}
	found, err := db.SearchPublicStories(ctx, "eleven hours", 10)
	if err != nil || len(found) != 1 || !reflect.DeepEqual(found[0], want) {
		t.Fatalf("SearchPublicStories: got %+v %v; want the published story", found, err)
	}
	// Whatever the public type holds, none of it is the submitter's.
	dump := fmt.Sprintf("%+v %+v", got, list)
	for _, secret := range []string{"Zebedee", "Quistorp", "example.invalid", "07700", "BD20 6TD", "Original text"} {
		if strings.Contains(dump, secret) {
			t.Errorf("public view carries private %q: %s", secret, dump)
		}
	}

	// With its HTML stored, a story page reads the HTML alone.
	db.RenderHTML = func(md string) string { return "<p>" + md + "</p>" }
	html := newStory("Rendered once", jigsaw.StoryPublished, time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC))
	mustCreateStory(t, db, &html)
	full, err := db.FindPublicStoryByID(ctx, html.story.ID)
	if err != nil || full.Body != "The text of Rendered once." || full.BodyHTML != "<p>The text of Rendered once.</p>" {
		t.Fatalf("FindPublicStoryByID with stored HTML: got %+v %v", full, err)
	}
	page, err := db.FindPublicStoryPage(ctx, html.story.ID)
	if err != nil {
		t.Fatal(err)
	}
	full.Body = ""
	if !reflect.DeepEqual(page, full) {
		t.Fatalf("FindPublicStoryPage with stored HTML:\n got %+v\nwant %+v", page, full)
	}
}

// testStoryPagesAtOnce: story pages asked for all at once (which
// PostgreSQL reads several to a query) each get their own story, and a story
// not published is not found, even when read in the same query as others.
func (s *suite) testStoryPagesAtOnce(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	want := map[int64]string{} // id → title; "" when not published
	for i := range 24 {
		status := jigsaw.StoryPublished
		if i%4 == 3 {
			status = jigsaw.StoryAwaitingReview
		}
		f := newStory(fmt.Sprintf("Story number %d", i), status, time.Date(2025, 2, 1, 0, i, 0, 0, time.UTC))
		mustCreateStory(t, db, &f)
		if status == jigsaw.StoryPublished {
			want[f.story.ID] = f.story.Title
		} else {
			want[f.story.ID] = ""
		}
	}
	want[999999] = "" // no such story
	ids := make([]int64, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	for round := 0; ; round++ {
		var wg sync.WaitGroup
		errs := make(chan error, 48*len(ids))
		for g := range 48 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range ids {
					id := ids[(g+k)%len(ids)]
					page, err := db.FindPublicStoryPage(ctx, id)
					switch {
					case want[id] == "" && jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND:
						errs <- fmt.Errorf("story %d is not published, yet its page gave %+v, %v", id, page, err)
					case want[id] != "" && (err != nil || page.ID != id || page.Title != want[id] || page.BodyHTML == "" && page.Body == ""):
						errs <- fmt.Errorf("story %d (%q): got %+v, %v", id, want[id], page, err)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		queries, pages := db.StoryPageReads()
		if db.Engine == store.SQLite {
			if queries != 0 || pages != 0 {
				t.Fatalf("SQLite counted %d page queries for %d pages; it batches none", queries, pages)
			}
			return
		}
		if pages > queries {
			return // some query read several pages: the batched path was met
		}
		if round == 10 {
			t.Fatalf("%d rounds of 48 readers at once: %d queries for %d pages, none read two", round+1, queries, pages)
		}
	}
}

func (s *suite) testStoryFilters(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	trust := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Dorset HealthCare", Kind: jigsaw.OrgFoundationTrust})
	day := func(d int) time.Time { return time.Date(2025, 6, d, 12, 0, 0, 0, time.UTC) }
	stories := []storyFixture{
		newStory("one", jigsaw.StoryPublished, day(1)),
		newStory("two", jigsaw.StoryPublished, day(2)),
		newStory("three", jigsaw.StoryPublished, day(3)),
		newStory("four", jigsaw.StoryPublished, day(4)),
	}
	stories[1].story.Kind = jigsaw.StoryStaff
	stories[1].story.KeyIssues = []string{"outsourcing"}
	stories[1].story.OrgIDs = []int64{trust.ID}
	stories[2].story.District = "DT1"
	stories[3].story.KeyIssues = []string{"outsourcing", "pay-and-conditions"}
	for i := range stories {
		mustCreateStory(t, db, &stories[i])
	}
	titles := func(l []*jigsaw.PublicStory) string {
		var out []string
		for _, s := range l {
			out = append(out, s.Title)
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct {
		name  string
		f     jigsaw.StoryFilter
		want  string
		total int
	}{
		{"newest first", jigsaw.StoryFilter{}, "four,three,two,one", 4},
		{"kind", jigsaw.StoryFilter{Kind: jigsaw.StoryStaff}, "two", 1},
		{"key issue", jigsaw.StoryFilter{KeyIssue: "outsourcing"}, "four,two", 2},
		{"district, any case", jigsaw.StoryFilter{District: "dt1"}, "three", 1},
		{"organisation", jigsaw.StoryFilter{OrgID: trust.ID}, "two", 1},
		{"date range", jigsaw.StoryFilter{Since: day(2), Until: day(4)}, "three,two", 2},
		{"page", jigsaw.StoryFilter{Limit: 2, Offset: 1}, "three,two", 4},
		{"nothing", jigsaw.StoryFilter{KeyIssue: "no-such-issue"}, "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.FindPublicStories(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if titles(got) != tt.want || total != tt.total {
				t.Fatalf("got %q (total %d), want %q (total %d)", titles(got), total, tt.want, tt.total)
			}
		})
	}
}

func (s *suite) testStoryCreateIsAtomic(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := newStory("half written", jigsaw.StoryPublished, time.Now())
	f.story.KeyIssues = []string{"safety", "no-such-issue"}
	if err := db.CreateStory(ctx, &f.story, &f.person); jigsaw.ErrorCode(err) != jigsaw.EINVALID {
		t.Fatalf("story with an unknown key issue: got %v, want EINVALID", err)
	}
	// Neither the story nor the person was kept.
	if _, n, _ := db.FindPublicStories(ctx, jigsaw.StoryFilter{}); n != 0 {
		t.Fatalf("refused story was stored: %d public stories", n)
	}
	ok := newStory("whole", jigsaw.StoryPublished, time.Now())
	mustCreateStory(t, db, &ok)
	if ok.person.ID != 1 && db.Engine == store.SQLite {
		t.Fatalf("person ID %d: the refused submission's person was kept", ok.person.ID)
	}
}

func (s *suite) testKeyIssues(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	got, err := db.KeyIssues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, jigsaw.DefaultKeyIssues) {
		t.Fatalf("KeyIssues of a new instance:\n got %v\nwant %v", got, jigsaw.DefaultKeyIssues)
	}
	extra := append(append([]jigsaw.KeyIssue{}, jigsaw.DefaultKeyIssues...), jigsaw.KeyIssue{Slug: "mental-health", Name: "Mental health"})
	extra[0].Name = "renamed by ensure"
	if err := db.EnsureKeyIssues(ctx, extra); err != nil {
		t.Fatal(err)
	}
	got, _ = db.KeyIssues(ctx)
	if len(got) != len(jigsaw.DefaultKeyIssues)+1 || got[0].Name != "Conflicts of interest" || got[len(got)-1].Slug != "mental-health" {
		t.Fatalf("after EnsureKeyIssues: %v", got)
	}
}

func (s *suite) testFullTextIndex(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	a := newStory("Porters outsourced to a subsidiary", jigsaw.StoryPublished, time.Now())
	a.story.PublicBody = "The porters were transferred to a wholly owned subsidiary company."
	b := newStory("Cancelled operations", jigsaw.StoryPublished, time.Now())
	b.story.PublicBody = "My operation was cancelled three times."
	hidden := newStory("Subsidiary plan leaked", jigsaw.StoryAwaitingReview, time.Time{})
	for _, f := range []*storyFixture{&a, &b, &hidden} {
		mustCreateStory(t, db, f)
	}
	for _, tt := range []struct {
		q    string
		want []int64
	}{
		{"subsidiary", []int64{a.story.ID}},
		{"PORTERS transferred", []int64{a.story.ID}},
		{"operations", []int64{b.story.ID}}, // stemmed: "operation" in the body
		{`cancel" OR "porters`, nil},        // operators are plain words
		{"Zebedee", nil},                    // the private body is not indexed
		{"", nil},
	} {
		got, err := db.SearchPublicStories(ctx, tt.q, 10)
		if err != nil {
			t.Fatalf("search %q: %v", tt.q, err)
		}
		var ids []int64
		for _, s := range got {
			ids = append(ids, s.ID)
		}
		if !reflect.DeepEqual(ids, tt.want) {
			t.Errorf("search %q: got %v, want %v", tt.q, ids, tt.want)
		}
	}

	// Relevance before recency: the story about corridors (older, the word
	// in its title and throughout) comes before the newer one that only
	// mentions a corridor once in passing.
	about := newStory("Eleven hours in a corridor", jigsaw.StoryPublished, time.Now().Add(-48*time.Hour))
	about.story.PublicBody = "The corridor was full. Trolleys lined the corridor from end to end; the corridor was where we waited."
	passing := newStory("Discharge delayed", jigsaw.StoryPublished, time.Now())
	passing.story.PublicBody = "My discharge was delayed by two days while they found a bed in a care home; I walked the corridor once a day and otherwise read, slept and waited for news from social services."
	mustCreateStory(t, db, &about)
	mustCreateStory(t, db, &passing)
	got, err := db.SearchPublicStories(ctx, "corridor", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != about.story.ID || got[1].ID != passing.story.ID {
		var ids []int64
		for _, s := range got {
			ids = append(ids, s.ID)
		}
		t.Errorf("search corridor: got %v, want the story about corridors (%d) before the passing mention (%d)", ids, about.story.ID, passing.story.ID)
	}

	// A match far older than the newest stories is still found, however
	// the engine narrows its search to the newest first.
	old := newStory("Pathology samples lost", jigsaw.StoryPublished, time.Now().Add(-1000*time.Hour))
	newest := newStory("Car parking fees", jigsaw.StoryPublished, time.Now())
	mustCreateStory(t, db, &old)
	mustCreateStory(t, db, &newest)
	if err := db.ExecRaw(ctx, `UPDATE stories SET id = $1 WHERE id = $2`, old.story.ID+250000, newest.story.ID); err != nil {
		t.Fatal(err)
	}
	got, err = db.SearchPublicStories(ctx, "pathology samples", 10)
	if err != nil || len(got) != 1 || got[0].ID != old.story.ID {
		t.Fatalf("search for a story 250,000 ids older than the newest: got %+v, %v; want story %d", got, err, old.story.ID)
	}
	// And with a match among the newest too, so that the search goes on
	// from where the newest ended at the density it found there.
	recent := newStory("Pathology samples again", jigsaw.StoryPublished, time.Now())
	mustCreateStory(t, db, &recent)
	recentID := old.story.ID + 250001
	if err := db.ExecRaw(ctx, `UPDATE stories SET id = $1 WHERE id = $2`, recentID, recent.story.ID); err != nil {
		t.Fatal(err)
	}
	got, err = db.SearchPublicStories(ctx, "pathology samples", 10)
	if err != nil || len(got) != 2 || got[0].ID+got[1].ID != old.story.ID+recentID {
		t.Fatalf("search for the newest story and one 250,000 ids older: got %d stories, %v; want stories %d and %d", len(got), err, recentID, old.story.ID)
	}

	// Relevance is ranked among the newest store.SearchWindow matches, or
	// as many as are asked for: asking for more than the window reaches a
	// better match that is older than the window's.
	best := newStory("Rota rota rota", jigsaw.StoryPublished, time.Now().Add(-2000*time.Hour))
	best.story.PublicBody = "The rota, the rota and nothing but the rota."
	mustCreateStory(t, db, &best)
	n := store.SearchWindow + 20
	if err := db.ExecRaw(ctx, `INSERT INTO stories (title, body, public_body, kind, status, person_id, submitted_at, published_at, updated_at)
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
		SELECT 'Staffing', 'b', 'The rota changed again.', 'staff', 'published', $2, $3, $3, $3 FROM seq`, n, best.person.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err = db.SearchPublicStories(ctx, "rota", n+1)
	if err != nil || len(got) != n+1 || got[0].ID != best.story.ID {
		t.Fatalf("search rota for %d: got %d stories, first %v, %v; want %d, the story about rotas (%d) first", n+1, len(got), firstID(got), err, n+1, best.story.ID)
	}
	got, err = db.SearchPublicStories(ctx, "rota", 10)
	if err != nil || len(got) != 10 {
		t.Fatalf("search rota for 10: got %d stories, %v", len(got), err)
	}

	// Words matching several of the newest stories, one a few thousand ids
	// older and one far older: PostgreSQL finds the first ones walking the
	// newest stories, then the last through the index in ranges sized from
	// the density the walk found.
	// The ids lie above and between all the stories made so far.
	base := old.story.ID + 300000
	var wantIDs []int64
	// All are made before any is moved: a story moved away leaves rows
	// keyed by its old id, which the next story made would be given.
	var made []int64
	for i := range 12 {
		f := newStory(fmt.Sprintf("Phlebotomy queue %d", i), jigsaw.StoryPublished, time.Now())
		mustCreateStory(t, db, &f)
		made = append(made, f.story.ID)
	}
	for i, at := range []int64{base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7, base + 8, base + 9, base + 10, base - 2500, old.story.ID + 100000} {
		// Setting the title too moves the story's entry in SQLite's index.
		if err := db.ExecRaw(ctx, `UPDATE stories SET id = $1, title = title WHERE id = $2`, at, made[i]); err != nil {
			t.Fatal(err)
		}
		wantIDs = append(wantIDs, at)
	}
	got, err = db.SearchPublicStories(ctx, "phlebotomy queue", 20)
	var gotIDs []int64
	for _, st := range got {
		gotIDs = append(gotIDs, st.ID)
	}
	slices.Sort(gotIDs)
	slices.Sort(wantIDs)
	if err != nil || !slices.Equal(gotIDs, wantIDs) {
		t.Fatalf("search phlebotomy queue: got %v, %v; want %v", gotIDs, err, wantIDs)
	}
}

// testSearchWindow checks that a search ranks exactly the newest
// store.SearchWindow published matches, on a corpus where each word occurs
// in a known share of the stories, once the database has gathered its
// statistics. On PostgreSQL, which chooses how to find them from those
// statistics (postgresSearchWindow), the queries take each way: walking the
// newest stories, the full-text index over a range of ids, over all of them,
// and a walk or a range that falls short of its estimate and goes on.
func (s *suite) testSearchWindow(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	owner := newStory("Owner", jigsaw.StoryPublished, time.Now())
	mustCreateStory(t, db, &owner)
	// Story i at id 1+i, after the owner's: PostgreSQL takes the newest id
	// for the number of stories.
	const n, first = 3000, 1
	type word struct {
		text string
		in   func(i int) bool
		sql  string
	}
	words := []word{
		{"porter", func(i int) bool { return i%2 == 0 }, "i % 2 = 0"},
		{"theatre", func(i int) bool { return i%5 != 0 }, "i % 5 <> 0"},
		{"midwife", func(i int) bool { return i%7 <= 1 }, "i % 7 <= 1"},
		{"pharmacy", func(i int) bool { return i%11 <= 2 }, "i % 11 <= 2"},
		{"audiologist", func(i int) bool { return i%97 == 0 }, "i % 97 = 0"},
		// In the older half only: a walk of the newest finds none.
		{"locum", func(i int) bool { return i%4 != 0 && i <= 1500 }, "i % 4 <> 0 AND i <= 1500"},
		// In the older two thirds only, with one in every third story:
		// the first range holds fewer than its estimate.
		{"radiology", func(i int) bool { return i%4 <= 1 && i <= 2000 }, "i % 4 <= 1 AND i <= 2000"},
		{"sepsis", func(i int) bool { return i%3 == 0 }, "i % 3 = 0"},
	}
	published := func(i int) bool { return i%13 != 0 }
	body := "'Story'"
	for _, w := range words {
		body += " || CASE WHEN " + w.sql + " THEN ' " + w.text + "' ELSE '' END"
	}
	if err := db.ExecRaw(ctx, `INSERT INTO stories (id, title, body, public_body, kind, status, person_id, submitted_at, published_at, updated_at)
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
		SELECT $2 + i, 'Staffing', 'b', `+body+`, 'staff', CASE WHEN i % 13 = 0 THEN 'awaiting-review' ELSE 'published' END, $3, $4, $4, $4 FROM seq`,
		n, first, owner.person.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecRaw(ctx, `ANALYZE stories`); err != nil {
		t.Fatal(err)
	}
	byText := map[string]word{}
	for _, w := range words {
		byText[w.text] = w
	}
	for _, q := range []string{"porter theatre", "midwife pharmacy", "audiologist", "locum", "radiology sepsis", "porter"} {
		var want []int64
		for i := n; i >= 1 && len(want) < store.SearchWindow; i-- {
			match := published(i)
			for _, text := range strings.Fields(q) {
				match = match && byText[text].in(i)
			}
			if match {
				want = append(want, int64(first+i))
			}
		}
		got, err := db.SearchPublicStories(ctx, q, store.SearchWindow)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		var ids []int64
		for _, st := range got {
			ids = append(ids, st.ID)
		}
		slices.Sort(ids)
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("search %q: got %d stories %v…, want the newest %d matches %v…", q, len(ids), ids[:min(5, len(ids))], len(want), want[:min(5, len(want))])
		}
	}
}

func firstID(stories []*jigsaw.PublicStory) int64 {
	if len(stories) == 0 {
		return 0
	}
	return stories[0].ID
}

// checkCountCap asks find (a list of n > CountCap rows) for three pages of 20:
// the total is counted up to the cap only, unless the page reaches past it.
func checkCountCap(t *testing.T, n int, find func(limit, offset int) (got, total int, err error)) {
	t.Helper()
	for _, tt := range []struct {
		name      string
		offset    int
		wantTotal int
	}{
		{"first page stops at the cap", 0, jigsaw.CountCap + 1},
		{"a page inside the cap", 900, jigsaw.CountCap + 1},
		{"a page reaching past the cap counts exactly", n - 20, n},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := find(20, tt.offset)
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.wantTotal || got != 20 {
				t.Fatalf("got total %d and %d rows, want %d and 20", total, got, tt.wantTotal)
			}
		})
	}
}

// testCountCaps checks every list counted as jigsaw.CountCap says, each
// with CountCap+10 rows made by one statement (made one by one, the test
// would be slow without testing anything more).
func (s *suite) testCountCaps(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	n := jigsaw.CountCap + 10
	const seq = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1) `
	for _, tt := range []struct {
		name   string
		insert string // $1 the number of rows, $2 a time, $3 (stories only) a person
		find   func(db *store.DB, limit, offset int) (got, total int, err error)
	}{
		{"stories", `INSERT INTO stories (title, body, public_body, kind, status, person_id, submitted_at, published_at, updated_at) ` + seq +
			`SELECT 'bulk', 'b', 'b', 'patient', 'published', $3, $2, $2, $2 FROM seq`,
			func(db *store.DB, limit, offset int) (int, int, error) {
				list, total, err := db.FindPublicStories(ctx, jigsaw.StoryFilter{Limit: limit, Offset: offset})
				return len(list), total, err
			}},
		{"dangers", `INSERT INTO tracker_items (kind, title, status, status_on, reported_on, published_at, created_at, updated_at) ` + seq +
			`SELECT 'cut', 'bulk', 'decided', '2025-01-01', '2025-01-01', $2, $2, $2 FROM seq`,
			func(db *store.DB, limit, offset int) (int, int, error) {
				list, total, err := db.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: limit, Offset: offset})
				return len(list), total, err
			}},
		{"disputes", `INSERT INTO disputes (title, status, last_step_on, created_at, updated_at) ` + seq +
			`SELECT 'bulk', 'balloting', '2025-01-01', $2, $2 FROM seq`,
			func(db *store.DB, limit, offset int) (int, int, error) {
				list, total, err := db.FindDisputes(ctx, jigsaw.DisputeFilter{Limit: limit, Offset: offset})
				return len(list), total, err
			}},
		// An ODS import brings thousands of organisations.
		{"organisations", `INSERT INTO organisations (slug, name, kind, created_at, updated_at) ` + seq +
			`SELECT 'bulk-' || i, 'Bulk ' || i, 'nhs-trust', $2, $2 FROM seq`,
			func(db *store.DB, limit, offset int) (int, int, error) {
				list, total, err := db.FindOrganisations(ctx, jigsaw.OrganisationFilter{Limit: limit, Offset: offset})
				return len(list), total, err
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := s.mustOpen(t)
			args := []any{n, at}
			if tt.name == "stories" {
				seed := newStory("seed", jigsaw.StoryAwaitingReview, time.Time{}) // not listed
				mustCreateStory(t, db, &seed)
				args = append(args, seed.person.ID)
			}
			if err := db.ExecRaw(ctx, tt.insert, args...); err != nil {
				t.Fatal(err)
			}
			checkCountCap(t, n, func(limit, offset int) (int, int, error) { return tt.find(db, limit, offset) })
		})
	}
}
