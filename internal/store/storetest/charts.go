package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/chart"
	"jigsaw/internal/store"
)

// chartFixture stores known dangers, disputes and stories, drafts and
// stories not published among them, for the charts to count.
func chartFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := mustFixture(t, db) // adds a published story without key issues and one awaiting review
	src := []jigsaw.Source{{URL: "https://news.example/"}}
	danger := func(kind jigsaw.TrackerKind, reported, decided, district string, pence int64, published bool, issues []string, orgs ...jigsaw.TrackerOrg) {
		t.Helper()
		it := &jigsaw.TrackerItem{Kind: kind, Title: fmt.Sprintf("%s %s", kind, reported), Sources: src, Published: published,
			History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: reported}}, DecidedOn: decided,
			District: district, ValuePence: pence, KeyIssues: issues, Organisations: orgs}
		if err := db.CreateTrackerItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	company := jigsaw.TrackerOrg{OrgID: f.company.ID, Role: jigsaw.RoleSupplier}
	sub := jigsaw.TrackerOrg{OrgID: f.sub.ID, Role: jigsaw.RoleSupplier}
	danger(jigsaw.TrackerOutsourcing, "2025-01-10", "2025-01-05", "BD20", 100_000_000, true, []string{"outsourcing"}, company)
	// Two suppliers, one private: counted once.
	danger(jigsaw.TrackerOutsourcing, "2025-01", "2024-12-20", "", 250_000, true, []string{"safety"}, company, sub)
	// The trust's own subsidiary is not a private company.
	danger(jigsaw.TrackerCut, "2025-03-02", "", "", 999, true, nil, sub)
	// A year alone gives no month.
	danger(jigsaw.TrackerClosure, "2024", "", "", 0, true, nil)
	danger(jigsaw.TrackerContractAward, "2025-01-15", "", "BD20", 5_000_000_00, false, []string{"safety"}, company) // a draft
	danger(jigsaw.TrackerContractAward, "2023-06-01", "", "LS6", 777, true, nil, jigsaw.TrackerOrg{OrgID: f.company.ID, Role: jigsaw.RoleBuyer}, company)

	if err := db.CreateDispute(ctx, aghDispute(f)); err != nil { // BD20: ballots in July, a strike 15–17 September
		t.Fatal(err)
	}
	other := &jigsaw.Dispute{Title: "Leeds porters", Status: jigsaw.DisputeAction, District: "LS6",
		Parties: []jigsaw.DisputeParty{{OrgID: f.union.ID, Role: jigsaw.PartyUnion}},
		Steps: []jigsaw.DisputeStep{{Kind: jigsaw.StepStrike, Date: "2025-08-30", EndDate: "2025-09-02"},
			{Kind: jigsaw.StepLobby, Date: "2025-09-20"}}}
	if err := db.CreateDispute(ctx, other); err != nil {
		t.Fatal(err)
	}

	for _, s := range []struct {
		title, district string
		status          jigsaw.StoryStatus
		published       time.Time
		issues          []string
		orgs            []int64
	}{
		{"Safety and cuts", "BD20", jigsaw.StoryPublished, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), []string{"safety", "cuts"}, nil},
		{"Safety in Leeds", "LS6", jigsaw.StoryPublished, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), []string{"safety"}, []int64{f.sub.ID}},
		{"Waiting for review", "BD20", jigsaw.StoryAwaitingReview, time.Time{}, []string{"safety", "private-patients"}, nil},
	} {
		st := newStory(s.title, s.status, s.published)
		st.story.District, st.story.KeyIssues, st.story.OrgIDs = s.district, s.issues, s.orgs
		mustCreateStory(t, db, &st)
	}
	return f
}

// chartText writes what the charts count, a line per figure, leaving out
// key issues without stories.
func chartText(d *chart.Data) string {
	var out []string
	for _, m := range d.Dangers {
		out = append(out, fmt.Sprintf("danger %s %s %d", m.Month, m.Kind, m.Count))
	}
	for _, m := range d.Disputes {
		out = append(out, fmt.Sprintf("disputes %s %d strike days %d", m.Month, m.Disputes, m.StrikeDays))
	}
	for _, k := range d.Stories {
		if k.Stories > 0 {
			out = append(out, fmt.Sprintf("stories %s %d", k.Slug, k.Stories))
		}
	}
	for _, y := range d.Contracts {
		out = append(out, fmt.Sprintf("contracts %s %d pence %d", y.Year, y.Pence, y.Items))
	}
	return strings.Join(out, "\n")
}

func (s *suite) testCharts(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := chartFixture(t, db)
	for _, tt := range []struct {
		name string
		f    chart.Filter
		want string
	}{
		{"everything", chart.Filter{}, `danger 2023-06 contract-award 1
danger 2025-01 outsourcing 2
danger 2025-03 cut 1
disputes 2025-07 1 strike days 0
disputes 2025-08 1 strike days 2
disputes 2025-09 2 strike days 5
stories safety 2
stories cuts 1
contracts 2023 777 pence 1
contracts 2024 250000 pence 1
contracts 2025 100000000 pence 1`},
		{"a range of months", chart.Filter{From: "2025-01", To: "2025-08"}, `danger 2025-01 outsourcing 2
danger 2025-03 cut 1
disputes 2025-07 1 strike days 0
disputes 2025-08 1 strike days 2
stories safety 2
stories cuts 1
contracts 2025 100000000 pence 1`},
		{"a strike begun before the range", chart.Filter{From: "2025-09"}, `disputes 2025-09 2 strike days 5`},
		{"a key issue", chart.Filter{KeyIssue: "safety"}, `danger 2025-01 outsourcing 1
stories safety 2
stories cuts 1
contracts 2024 250000 pence 1`},
		{"a district", chart.Filter{District: "BD20"}, `danger 2025-01 outsourcing 1
disputes 2025-07 1 strike days 0
disputes 2025-09 1 strike days 3
stories safety 1
stories cuts 1
contracts 2025 100000000 pence 1`},
		{"an organisation", chart.Filter{OrgID: f.sub.ID}, `danger 2025-01 outsourcing 1
danger 2025-03 cut 1
disputes 2025-07 1 strike days 0
disputes 2025-09 1 strike days 3
stories safety 1
contracts 2024 250000 pence 1`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := db.ChartData(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := chartText(d); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if len(d.Stories) != len(jigsaw.DefaultKeyIssues) || d.Stories[0].Name == "" {
				t.Errorf("stories by key issue list %d issues (%+v), want every one of the site's %d, named", len(d.Stories), d.Stories, len(jigsaw.DefaultKeyIssues))
			}
		})
	}
}
