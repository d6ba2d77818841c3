package storetest

import (
	"context"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// electionPlan is a plan worked back from an election day, its milestones
// listed out of order.
func electionPlan() *jigsaw.Plan {
	return &jigsaw.Plan{
		Name:        " General  election ",
		AnchorLabel: "Election day",
		AnchorDate:  "2029-05-03",
		Milestones: []jigsaw.Milestone{
			{Title: "Hustings round", OffsetDays: -21, Kind: jigsaw.MilestoneHustings},
			{Title: "Candidates' pledge asks", OffsetDays: -90, Kind: jigsaw.MilestonePledgeAsk},
			{Title: "Count the pledges kept", OffsetDays: 30},
			{Title: "Election day", OffsetDays: 0, Kind: jigsaw.MilestoneElection},
		},
	}
}

// testPlanAnchorMoves checks that a milestone's date is the anchor's plus
// its offset: moving the anchor moves every milestone, and nothing else.
func (s *suite) testPlanAnchorMoves(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	p := electionPlan()
	if err := db.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindPlanByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		title, day string
	}{{"Candidates' pledge asks", "2029-02-02"}, {"Hustings round", "2029-04-12"}, {"Election day", "2029-05-03"}, {"Count the pledges kept", "2029-06-02"}}
	if got.Name != "General election" || len(got.Milestones) != len(want) {
		t.Fatalf("read back: %+v", got)
	}
	ids := map[int64]bool{}
	for i, w := range want {
		m := got.Milestones[i]
		if m.Title != w.title || got.DayAt(m.OffsetDays) != w.day || m.PlanID != p.ID || m.ID == 0 {
			t.Errorf("milestone %d: got %q on %s, want %q on %s", i, m.Title, got.DayAt(m.OffsetDays), w.title, w.day)
		}
		ids[m.ID] = true
	}

	// The election is called a month early: the whole plan moves with it,
	// across the clocks going forward on 25 March 2029.
	stale := *got
	stale.Milestones = nil
	got.AnchorDate = "2029-04-05"
	if err := db.UpdatePlan(ctx, got); err != nil {
		t.Fatal(err)
	}
	moved, err := db.FindPlanByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, day := range []string{"2029-01-05", "2029-03-15", "2029-04-05", "2029-05-05"} {
		m := moved.Milestones[i]
		if moved.DayAt(m.OffsetDays) != day || !ids[m.ID] || m.OffsetDays != got.Milestones[i].OffsetDays {
			t.Errorf("after the move, milestone %d %q: got %s (id %d), want %s with its ID kept", i, m.Title, moved.DayAt(m.OffsetDays), m.ID, day)
		}
	}
	if first, last := moved.Span(); first != "2029-01-05" || last != "2029-05-05" {
		t.Errorf("span after the move: %s to %s", first, last)
	}
	if moved.Version != stale.Version+1 {
		t.Errorf("version after the move: got %d, want %d", moved.Version, stale.Version+1)
	}

	// An edit from the old version is refused.
	if err := db.UpdatePlan(ctx, &stale); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Errorf("stale update: got %v, want ECONFLICT", err)
	}

	// Milestones keep their IDs through an edit; a dropped one goes.
	moved.Milestones = moved.Milestones[1:]
	moved.Milestones[0].OffsetDays = -28
	moved.Milestones = append(moved.Milestones, jigsaw.Milestone{Title: "Leaflet drop", OffsetDays: -7, Kind: jigsaw.MilestoneLeaflet})
	if err := db.UpdatePlan(ctx, moved); err != nil {
		t.Fatal(err)
	}
	again, err := db.FindPlanByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, m := range again.Milestones {
		titles = append(titles, again.DayAt(m.OffsetDays)+" "+m.Title)
	}
	if len(titles) != 4 || titles[0] != "2029-03-08 Hustings round" || titles[1] != "2029-03-29 Leaflet drop" {
		t.Errorf("after the edit: %q", titles)
	}
	revs, err := db.FindRevisions(ctx, jigsaw.ObjectPlan, p.ID)
	if err != nil || len(revs) != 3 {
		t.Fatalf("revisions: %d, %v; want 3", len(revs), err)
	}
}

// testPlanRefusals checks the bad input of plans and milestones: each is
// refused naming its field, and nothing is stored.
func (s *suite) testPlanRefusals(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	p := electionPlan()
	if err := db.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		err   error
		field string
	}{
		{"milestone outside any plan", db.AddMilestone(ctx, &jigsaw.Milestone{Title: "Stray", OffsetDays: -3}), "plan_id"},
		{"milestone of a plan that does not exist", db.AddMilestone(ctx, &jigsaw.Milestone{PlanID: p.ID + 100, Title: "Stray"}), "plan_id"},
		{"milestone without a title", db.AddMilestone(ctx, &jigsaw.Milestone{PlanID: p.ID, OffsetDays: 4}), "title"},
		{"milestone too far away", db.AddMilestone(ctx, &jigsaw.Milestone{PlanID: p.ID, Title: "Far", OffsetDays: -4000}), "offset"},
		{"plan without an anchor", db.CreatePlan(ctx, &jigsaw.Plan{Name: "Local elections", AnchorLabel: "Polling day"}), "anchor_date"},
		{"plan with a bad anchor", db.CreatePlan(ctx, &jigsaw.Plan{Name: "Local elections", AnchorLabel: "Polling day", AnchorDate: "2029-02-30"}), "anchor_date"},
		{"plan of an unknown campaign", db.CreatePlan(ctx, &jigsaw.Plan{Name: "Local elections", AnchorLabel: "Polling day", AnchorDate: "2028-05-04", CampaignSlug: "nope"}), "campaign"},
		{"milestone of the second row", db.CreatePlan(ctx, &jigsaw.Plan{Name: "Local elections", AnchorLabel: "Polling day", AnchorDate: "2028-05-04",
			Milestones: []jigsaw.Milestone{{Title: "Fine"}, {Title: "Bad", Kind: "party"}}}), "milestones[1].kind"},
		{"milestone of another plan", db.UpdatePlan(ctx, &jigsaw.Plan{ID: p.ID, Name: "x", AnchorLabel: "y", AnchorDate: "2029-05-03",
			Milestones: []jigsaw.Milestone{{ID: 99999, Title: "Not ours"}}}), "milestones[0].id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if jigsaw.ErrorCode(tt.err) != jigsaw.EINVALID || jigsaw.FieldErrors(tt.err)[tt.field] == "" {
				t.Fatalf("got %v (fields %v), want EINVALID naming %s", tt.err, jigsaw.FieldErrors(tt.err), tt.field)
			}
		})
	}
	if _, n, err := db.FindPlans(ctx, jigsaw.PlanFilter{}); err != nil || n != 1 {
		t.Fatalf("plans after refusals: %d, %v; want 1", n, err)
	}
	got, err := db.FindPlanByID(ctx, p.ID)
	if err != nil || len(got.Milestones) != 4 {
		t.Fatalf("milestones after refusals: %v, %v", got, err)
	}
	// A good milestone is added where its offset puts it.
	m := &jigsaw.Milestone{PlanID: p.ID, Title: "Lobby of MPs", OffsetDays: -60, Kind: jigsaw.MilestoneLobby}
	if err := db.AddMilestone(ctx, m); err != nil || m.ID == 0 {
		t.Fatalf("AddMilestone: %v", err)
	}
	if got, _ := db.FindPlanByID(ctx, p.ID); len(got.Milestones) != 5 || got.Milestones[1].Title != "Lobby of MPs" {
		t.Fatalf("after AddMilestone: %+v", got.Milestones)
	}
	if _, err := db.FindPlanByID(ctx, p.ID+100); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("missing plan: got %v, want ENOTFOUND", err)
	}
}

// testPlanCampaign checks that a plan names its campaign by slug.
func (s *suite) testPlanCampaign(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	if err := db.ExecRaw(ctx, `INSERT INTO campaigns (slug, name, created_at, updated_at) VALUES ('keep-our-nhs-public', 'Keep Our NHS Public', $1, $1)`,
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	p := electionPlan()
	p.CampaignSlug = "keep-our-nhs-public"
	if err := db.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := db.CreatePlan(ctx, &jigsaw.Plan{Name: "Local elections", AnchorLabel: "Polling day", AnchorDate: "2028-05-04"}); err != nil {
		t.Fatal(err)
	}
	plans, n, err := db.FindPlans(ctx, jigsaw.PlanFilter{CampaignSlug: "keep-our-nhs-public"})
	if err != nil || n != 1 || plans[0].CampaignName != "Keep Our NHS Public" || len(plans[0].Milestones) != 4 {
		t.Fatalf("plans of the campaign: %d, %v: %+v", n, err, plans)
	}
	all, n, err := db.FindPlans(ctx, jigsaw.PlanFilter{})
	if err != nil || n != 2 || all[0].Name != "Local elections" {
		t.Fatalf("all plans, earliest anchor first: %d, %v", n, err)
	}
	next, _, err := db.FindPlans(ctx, jigsaw.PlanFilter{After: &jigsaw.After{Key: all[0].AnchorDate, ID: all[0].ID}})
	if err != nil || len(next) != 1 || next[0].ID != p.ID {
		t.Fatalf("plans after the cursor: %d, %v", len(next), err)
	}
}

func mustSeatWorld(tb testing.TB, db *store.DB) (body, member *jigsaw.Organisation) {
	tb.Helper()
	body = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RCF"})
	member = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup, CoalitionMember: true})
	return body, member
}

// testSeats checks seats: their checks, their filters, and how their
// dates feed the plans whose span they fall in.
func (s *suite) testSeats(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	body, member := mustSeatWorld(t, db)
	p := electionPlan()
	if err := db.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	inSpan := &jigsaw.Seat{Kind: jigsaw.SeatFTGovernors, Title: "Public governor", BodyID: body.ID, Holder: "Ann Example",
		MemberOrgID: member.ID, State: jigsaw.SeatSought, Date: "2029-03-01", TermEnd: "2032-02-28"}
	named := &jigsaw.Seat{Kind: jigsaw.SeatHealthwatch, BodyID: body.ID, Holder: "Ben Example", State: jigsaw.SeatHeld,
		Date: "2026-01-10", PlanID: p.ID}
	outside := &jigsaw.Seat{Kind: jigsaw.SeatHWB, BodyID: member.ID, Holder: "Cat Example", State: jigsaw.SeatHeld, Date: "2027-06-01"}
	for _, st := range []*jigsaw.Seat{inSpan, named, outside} {
		if err := db.CreateSeat(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.FindSeatByID(ctx, inSpan.ID)
	if err != nil || got.BodyName != body.Name || got.MemberOrgSlug != member.Slug || got.Label() != "Public governor" {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	seatsOf := func() []string {
		t.Helper()
		pl, err := db.FindPlanByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, st := range pl.Seats {
			out = append(out, st.Holder)
		}
		return out
	}
	if got := seatsOf(); len(got) != 2 || got[0] != "Ben Example" || got[1] != "Ann Example" {
		t.Fatalf("seats of the plan: %q, want Ben (named) and Ann (in its span)", got)
	}
	// Moving the anchor a year on moves the span past Ann's election.
	pl, _ := db.FindPlanByID(ctx, p.ID)
	pl.AnchorDate = "2030-05-02"
	if err := db.UpdatePlan(ctx, pl); err != nil {
		t.Fatal(err)
	}
	if got := seatsOf(); len(got) != 1 || got[0] != "Ben Example" {
		t.Fatalf("seats of the moved plan: %q, want Ben only", got)
	}

	list, n, err := db.FindSeats(ctx, jigsaw.SeatFilter{State: jigsaw.SeatHeld})
	if err != nil || n != 2 || list[0].Holder != "Cat Example" {
		t.Fatalf("held seats, latest first: %d, %v", n, err)
	}
	// By cursor, latest date first, as the API pages them.
	first, _, err := db.FindSeats(ctx, jigsaw.SeatFilter{Limit: 2})
	if err != nil || len(first) != 2 || first[0].Holder != "Ann Example" || first[1].Holder != "Cat Example" {
		t.Fatalf("first page of seats: %v", err)
	}
	rest, _, err := db.FindSeats(ctx, jigsaw.SeatFilter{Limit: 2, After: &jigsaw.After{Key: first[1].Date, ID: first[1].ID}})
	if err != nil || len(rest) != 1 || rest[0].Holder != "Ben Example" {
		t.Fatalf("seats after the cursor: %d, %v", len(rest), err)
	}
	if _, n, _ := db.FindSeats(ctx, jigsaw.SeatFilter{OrgID: member.ID}); n != 2 {
		t.Fatalf("seats of %s: %d, want 2 (a body and a member)", member.Name, n)
	}
	if _, n, _ := db.FindSeats(ctx, jigsaw.SeatFilter{Kind: jigsaw.SeatHealthwatch}); n != 1 {
		t.Fatalf("Healthwatch seats: %d, want 1", n)
	}

	got.State, got.Holder = jigsaw.SeatStanding, "Ann  Example"
	if err := db.UpdateSeat(ctx, got); err != nil {
		t.Fatal(err)
	}
	stale := *got
	stale.Version--
	if err := db.UpdateSeat(ctx, &stale); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("stale update: got %v, want ECONFLICT", err)
	}

	for _, tt := range []struct {
		name  string
		seat  jigsaw.Seat
		field string
	}{
		{"no kind", jigsaw.Seat{BodyID: body.ID, Holder: "X", State: jigsaw.SeatHeld}, "kind"},
		{"no body", jigsaw.Seat{Kind: jigsaw.SeatOther, Holder: "X", State: jigsaw.SeatHeld}, "body"},
		{"unknown body", jigsaw.Seat{Kind: jigsaw.SeatOther, BodyID: 99999, Holder: "X", State: jigsaw.SeatHeld}, "body"},
		{"no holder", jigsaw.Seat{Kind: jigsaw.SeatOther, BodyID: body.ID, State: jigsaw.SeatHeld}, "holder"},
		{"unknown state", jigsaw.Seat{Kind: jigsaw.SeatOther, BodyID: body.ID, Holder: "X", State: "won"}, "state"},
		{"term ends first", jigsaw.Seat{Kind: jigsaw.SeatOther, BodyID: body.ID, Holder: "X", State: jigsaw.SeatHeld, Date: "2026-05-01", TermEnd: "2026-04-01"}, "term_end"},
		{"unknown plan", jigsaw.Seat{Kind: jigsaw.SeatOther, BodyID: body.ID, Holder: "X", State: jigsaw.SeatHeld, PlanID: 99999}, "plan_id"},
		{"unknown person", jigsaw.Seat{Kind: jigsaw.SeatOther, BodyID: body.ID, Holder: "X", State: jigsaw.SeatHeld, RepresentativeID: 99999}, "representative_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := db.CreateSeat(ctx, &tt.seat)
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)[tt.field] == "" {
				t.Fatalf("got %v (fields %v), want EINVALID naming %s", err, jigsaw.FieldErrors(err), tt.field)
			}
		})
	}
	if _, n, _ := db.FindSeats(ctx, jigsaw.SeatFilter{}); n != 3 {
		t.Fatalf("seats after refusals: %d, want 3", n)
	}
}
