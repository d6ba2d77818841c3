package web_test

import (
	"context"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// A story's page links back to the published dangers that cite it, to the
// disputes over those dangers, and to its district's area page; drafts
// stay hidden.
func TestStoryLinksBack(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) { testStoryLinksBack(t, engine) })
	}
}

func testStoryLinksBack(t *testing.T, engine string) {
	ctx := context.Background()
	a := testrig.StartApp(t, engine, nil)
	story := &jigsaw.Story{Title: "Second-class citizens", Body: "b", PublicBody: "b", Kind: jigsaw.StoryStaff,
		Status: jigsaw.StoryPublished, District: "BD20", Area: "Keighley"}
	if err := a.DB.CreateStory(ctx, story, &jigsaw.Person{Name: "Samira", Email: "samira@example.invalid"}); err != nil {
		t.Fatal(err)
	}
	path := "/stories/" + itoa(story.ID)
	get(t, a.Client, a.URL+path).reject(t, "Cited by")

	gmb := &jigsaw.Organisation{Name: "GMB", Kind: jigsaw.OrgUnion}
	if err := a.DB.CreateOrganisation(ctx, gmb); err != nil {
		t.Fatal(err)
	}
	dispute := &jigsaw.Dispute{Title: "AGH Solutions: parity with Agenda for Change", Status: jigsaw.DisputeBalloting,
		Parties: []jigsaw.DisputeParty{{OrgID: gmb.ID, Role: jigsaw.PartyUnion}}}
	if err := a.DB.CreateDispute(ctx, dispute); err != nil {
		t.Fatal(err)
	}
	source := []jigsaw.Source{{URL: "https://example.org/news", Publisher: "News"}}
	for _, d := range []*jigsaw.TrackerItem{
		{Kind: jigsaw.TrackerSubCoTransfer, Title: "Porters moved to AGH Solutions", Published: true, Sources: source,
			History:  []jigsaw.StatusChange{{Status: jigsaw.TrackerImplemented, On: "2023-04-01"}},
			Stories:  []jigsaw.LinkRef{{ID: story.ID}},
			Disputes: []jigsaw.LinkRef{{ID: dispute.ID}}},
		{Kind: jigsaw.TrackerSubCoTransfer, Title: "Cleaners moved to AGH Solutions", Published: true, Sources: source,
			History:  []jigsaw.StatusChange{{Status: jigsaw.TrackerImplemented, On: "2024-04-01"}},
			Stories:  []jigsaw.LinkRef{{ID: story.ID}},
			Disputes: []jigsaw.LinkRef{{ID: dispute.ID}}},
		{Kind: jigsaw.TrackerCut, Title: "A draft nobody may see yet",
			History: []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025-01-01"}},
			Stories: []jigsaw.LinkRef{{ID: story.ID}}},
	} {
		if err := a.DB.CreateTrackerItem(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// The page was cached without links; the writes must reach it.
	p := get(t, a.Client, a.URL+path)
	p.expect(t, 200, "Cited by", `href="/areas/BD20"`, "Porters moved to AGH Solutions", "Cleaners moved to AGH Solutions",
		`href="/disputes/`+itoa(dispute.ID)+`"`, "AGH Solutions: parity with Agenda for Change")
	p.reject(t, "A draft nobody may see yet")
	if n := strings.Count(p.body, `href="/disputes/`+itoa(dispute.ID)+`"`); n != 1 {
		t.Errorf("the dispute is linked %d times, want once", n)
	}
	// The newest danger first.
	if i, j := strings.Index(p.body, "Cleaners moved"), strings.Index(p.body, "Porters moved"); i > j {
		t.Errorf("dangers not newest first")
	}
}
