package storetest

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"jigsaw"
)

func aghDispute(f *fixture) *jigsaw.Dispute {
	return &jigsaw.Dispute{
		Title:   "AGH Solutions: parity with Agenda for Change",
		Summary: "Porters, domestics, caterers and security staff outsourced to a SubCo.",
		Status:  jigsaw.DisputeAction,
		Parties: []jigsaw.DisputeParty{{OrgID: f.sub.ID, Role: jigsaw.PartyEmployer}, {OrgID: f.union.ID, Role: jigsaw.PartyUnion}},
		Workforce: []jigsaw.Workforce{{Role: "porters", Headcount: 60}, {Role: " domestics ", Headcount: 50},
			{Role: "caterers", Headcount: 25}, {Role: "security", Headcount: 15}},
		Demands:   []string{"Parity with Agenda for Change", "Return in-house", ""},
		District:  "bd20",
		Area:      "Keighley",
		KeyIssues: []string{"outsourcing", "pay-and-conditions"},
		Steps: []jigsaw.DisputeStep{
			{Kind: jigsaw.StepStrike, Date: "2025-09-15", EndDate: "2025-09-17", Note: "Three-day strike"},
			{Kind: jigsaw.StepBallotOpened, Date: "2025-07-01"},
			{Kind: jigsaw.StepBallotClosed, Date: "2025-07-29", TurnoutBP: 7350, YesBP: 9450},
		},
	}
}

func (s *suite) testDisputeCreateFind(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	d := aghDispute(f)
	if err := db.CreateDispute(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindDisputeByID(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Headcount() != 150 || got.District != "BD20" || got.Workforce[1].Role != "domestics" ||
		!reflect.DeepEqual(got.Demands, []string{"Parity with Agenda for Change", "Return in-house"}) {
		t.Fatalf("read back: %+v", got)
	}
	var kinds []string
	for _, st := range got.Steps {
		kinds = append(kinds, string(st.Kind))
		if st.ID == 0 || st.DisputeID != d.ID {
			t.Fatalf("step without IDs: %+v", st)
		}
	}
	if strings.Join(kinds, ",") != "ballot-opened,ballot-closed,strike" {
		t.Fatalf("steps in order: got %v", kinds)
	}
	if b := got.Steps[1]; b.TurnoutBP != 7350 || b.YesBP != 9450 {
		t.Fatalf("ballot result: got %+v", b)
	}
	if st := got.LatestStep(); st.Days() != 3 || st.Note != "Three-day strike" {
		t.Fatalf("latest step: %+v, %d days", st, st.Days())
	}
	if e := got.PartiesInRole(jigsaw.PartyEmployer); len(e) != 1 || e[0].Name != "AGH Solutions Ltd" || e[0].Slug != "agh-solutions-ltd" {
		t.Fatalf("employers: got %+v", e)
	}

	// Outcome figures and a status change; steps left alone when nil.
	got.Status = jigsaw.DisputeWon
	got.Outcome = "Re-banded with back pay."
	got.OutcomeFigures = []jigsaw.OutcomeFigure{{Label: "re-banded from band 2 to band 3", People: 1000}, {Label: "back pay each", Pence: 400000}}
	got.Steps = nil
	if err := db.UpdateDispute(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := db.FindDisputeByID(ctx, d.ID)
	if again.Status != jigsaw.DisputeWon || len(again.Steps) != 3 || len(again.OutcomeFigures) != 2 || again.OutcomeFigures[1].Pence != 400000 {
		t.Fatalf("after update: %+v", again)
	}
	if err := db.UpdateDispute(ctx, &jigsaw.Dispute{ID: 987654, Title: "x", Status: jigsaw.DisputeWon,
		Parties: []jigsaw.DisputeParty{{OrgID: f.union.ID, Role: jigsaw.PartyUnion}}}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("update of a missing dispute: got %v, want ENOTFOUND", err)
	}

	// A published danger linked to the dispute shows on it; a draft does not.
	for _, pub := range []bool{true, false} {
		it := &jigsaw.TrackerItem{Kind: jigsaw.TrackerSubCoTransfer, Title: "SubCo published " + map[bool]string{true: "yes", false: "no"}[pub],
			History: []jigsaw.StatusChange{{Status: jigsaw.TrackerImplemented, On: "2023"}}, Sources: []jigsaw.Source{{URL: "https://x.example/"}},
			Disputes: []jigsaw.LinkRef{{ID: d.ID}}, Published: pub}
		if err := db.CreateTrackerItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	again, _ = db.FindDisputeByID(ctx, d.ID)
	if len(again.TrackerItems) != 1 || again.TrackerItems[0].Title != "SubCo published yes" {
		t.Fatalf("linked dangers: got %+v, want the published one", again.TrackerItems)
	}
}

func (s *suite) testDisputeValidation(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	for _, tt := range []struct {
		name   string
		change func(*jigsaw.Dispute)
		field  string
		msg    string
	}{
		{"turnout above 100 %", func(d *jigsaw.Dispute) { d.Steps[2].TurnoutBP = 10001 }, "steps[2].turnout", "above 100%"},
		{"yes share above 100 %", func(d *jigsaw.Dispute) { d.Steps[2].YesBP = 12000 }, "steps[2].yes_share", "above 100%"},
		{"turnout of a strike", func(d *jigsaw.Dispute) { d.Steps[0].TurnoutBP = 5000 }, "steps[0].turnout", "Only a closed ballot"},
		{"strike ending before it starts", func(d *jigsaw.Dispute) { d.Steps[0].EndDate = "2025-09-14" }, "steps[0].end_date", "The strike cannot end before it starts."},
		{"step without a date", func(d *jigsaw.Dispute) { d.Steps[1].Date = "" }, "steps[1].date", "Give the date"},
		{"step with half a date", func(d *jigsaw.Dispute) { d.Steps[1].Date = "2025-07" }, "steps[1].date", "YYYY-MM-DD"},
		{"unknown step", func(d *jigsaw.Dispute) { d.Steps[1].Kind = "party" }, "steps[1].kind", "Choose"},
		{"no parties", func(d *jigsaw.Dispute) { d.Parties = nil }, "parties", "at least one"},
		{"missing organisation", func(d *jigsaw.Dispute) { d.Parties[1].OrgID = 999999 }, "parties[1].organisation", "No such organisation"},
		{"bad side", func(d *jigsaw.Dispute) { d.Parties[0].Role = "referee" }, "parties[0].role", "employer or union"},
		{"negative headcount", func(d *jigsaw.Dispute) { d.Workforce[3].Headcount = -1 }, "workforce[3].headcount", "negative"},
		{"workforce without a role", func(d *jigsaw.Dispute) { d.Workforce[0].Role = " " }, "workforce[0].role", "required"},
		{"bad status", func(d *jigsaw.Dispute) { d.Status = "simmering" }, "status", "Choose"},
		{"figure without a number", func(d *jigsaw.Dispute) { d.OutcomeFigures = []jigsaw.OutcomeFigure{{Label: "a win"}} }, "outcome_figures[0].people", "Give a number"},
		{"negative figure", func(d *jigsaw.Dispute) { d.OutcomeFigures = []jigsaw.OutcomeFigure{{Label: "back pay", Pence: -5}} }, "outcome_figures[0].pence", "negative"},
		{"unknown key issue", func(d *jigsaw.Dispute) { d.KeyIssues = []string{"weather"} }, "key_issues", "weather"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := aghDispute(f)
			tt.change(d)
			err := db.CreateDispute(ctx, d)
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || !strings.Contains(jigsaw.FieldErrors(err)[tt.field], tt.msg) {
				t.Fatalf("got %v, want EINVALID with %q on %q", err, tt.msg, tt.field)
			}
		})
	}
	if _, n, _ := db.FindDisputes(ctx, jigsaw.DisputeFilter{}); n != 0 {
		t.Fatalf("refused disputes were stored: %d", n)
	}
}

func (s *suite) testDisputeSteps(t *testing.T) {
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	ctx, _ := mustUserContext(t, db, "steps@example.org")
	d := aghDispute(f)
	d.Steps = nil
	if err := db.CreateDispute(ctx, d); err != nil {
		t.Fatal(err)
	}
	ballot := &jigsaw.DisputeStep{DisputeID: d.ID, Kind: jigsaw.StepBallotClosed, Date: "2025-07-29", TurnoutBP: 7350, YesBP: 9450}
	if err := db.AddDisputeStep(ctx, ballot); err != nil || ballot.ID == 0 {
		t.Fatalf("AddDisputeStep: id %d, %v", ballot.ID, err)
	}
	bad := &jigsaw.DisputeStep{DisputeID: d.ID, Kind: jigsaw.StepBallotClosed, Date: "2025-07-29", TurnoutBP: 10500}
	if err := db.AddDisputeStep(ctx, bad); jigsaw.ErrorCode(err) != jigsaw.EINVALID || !strings.Contains(jigsaw.FieldErrors(err)["turnout"], "100%") {
		t.Fatalf("turnout over 100%%: got %v, want EINVALID on turnout", err)
	}
	strike := &jigsaw.DisputeStep{DisputeID: d.ID, Kind: jigsaw.StepStrike, Date: "2025-09-15", EndDate: "2025-09-17"}
	if err := db.AddDisputeStep(ctx, strike); err != nil {
		t.Fatal(err)
	}
	strike.EndDate = "2025-09-12"
	if err := db.UpdateDisputeStep(ctx, strike); jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)["end_date"] == "" {
		t.Fatalf("strike ending before it starts: got %v, want EINVALID on end_date", err)
	}
	strike.EndDate = "2025-09-19"
	if err := db.UpdateDisputeStep(ctx, strike); err != nil {
		t.Fatal(err)
	}
	other := aghDispute(f)
	other.Title = "Another dispute"
	other.Steps = nil
	if err := db.CreateDispute(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateDisputeStep(ctx, &jigsaw.DisputeStep{ID: strike.ID, DisputeID: other.ID, Kind: jigsaw.StepRally, Date: "2025-01-01"}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("step of another dispute: got %v, want ENOTFOUND", err)
	}
	if err := db.DeleteDisputeStep(ctx, other.ID, strike.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("delete of another dispute's step: got %v, want ENOTFOUND", err)
	}
	if err := db.AddDisputeStep(ctx, &jigsaw.DisputeStep{DisputeID: 987654, Kind: jigsaw.StepRally, Date: "2025-01-01"}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("step of a missing dispute: got %v, want ENOTFOUND", err)
	}

	// The dispute list sorts by the latest step, the end of a strike counting.
	other.Steps = []jigsaw.DisputeStep{{Kind: jigsaw.StepLobby, Date: "2025-09-18"}}
	if err := db.UpdateDispute(ctx, other); err != nil {
		t.Fatal(err)
	}
	list, _, _ := db.FindDisputes(ctx, jigsaw.DisputeFilter{})
	if len(list) != 2 || list[0].ID != d.ID {
		t.Fatalf("order: got %v first, want the dispute whose strike ends on the 19th", list[0].Title)
	}

	// Syncing steps: update by ID, add new, drop unlisted; foreign IDs refused.
	got, _ := db.FindDisputeByID(ctx, d.ID)
	got.Steps = []jigsaw.DisputeStep{
		{ID: ballot.ID, Kind: jigsaw.StepBallotClosed, Date: "2025-07-30", TurnoutBP: 7400, YesBP: 9450},
		{Kind: jigsaw.StepSettlement, Date: "2025-11-01", Note: "Offer accepted"},
	}
	if err := db.UpdateDispute(ctx, got); err != nil {
		t.Fatal(err)
	}
	got, _ = db.FindDisputeByID(ctx, d.ID)
	if len(got.Steps) != 2 || got.Steps[0].ID != ballot.ID || got.Steps[0].TurnoutBP != 7400 || got.Steps[1].Kind != jigsaw.StepSettlement {
		t.Fatalf("synced steps: %+v", got.Steps)
	}
	foreign := *got
	foreign.Steps = []jigsaw.DisputeStep{{Kind: jigsaw.StepRally, Date: "2025-12-01"}, {ID: other.Steps[0].ID, Kind: jigsaw.StepLobby, Date: "2025-09-18"}}
	if err := db.UpdateDispute(ctx, &foreign); jigsaw.ErrorCode(err) != jigsaw.EINVALID || jigsaw.FieldErrors(err)["steps[1].id"] == "" {
		t.Fatalf("another dispute's step ID: got %v, want EINVALID on steps[1].id", err)
	}
	if err := db.DeleteDisputeStep(ctx, d.ID, ballot.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = db.FindDisputeByID(ctx, d.ID)
	if len(got.Steps) != 1 {
		t.Fatalf("after delete: %+v", got.Steps)
	}
	revs, _ := db.FindRevisions(ctx, jigsaw.ObjectDispute, d.ID)
	var actions []string
	for _, r := range revs {
		actions = append(actions, r.Action)
	}
	if strings.Join(actions, ",") != "step-delete,update,step-update,step-add,step-add,create" {
		t.Fatalf("revisions: got %v", actions)
	}
	if c := revs[0].Changes; len(c) != 1 || c[0].Field != "steps" || !strings.Contains(c[0].Old, "turnout 74%") {
		t.Fatalf("step-delete changes: %+v", c)
	}

	// Live disputes.
	got.Status = jigsaw.DisputeSettled
	got.Steps = nil
	if err := db.UpdateDispute(ctx, got); err != nil {
		t.Fatal(err)
	}
	live, n, _ := db.FindDisputes(ctx, jigsaw.DisputeFilter{Live: true})
	if n != 1 || live[0].ID != other.ID {
		t.Fatalf("live disputes: %d, want the other one", n)
	}
	if _, n, _ := db.FindDisputes(ctx, jigsaw.DisputeFilter{OrgID: f.union.ID, District: "BD20", KeyIssue: "outsourcing"}); n != 2 {
		t.Fatalf("filtered by organisation, district and issue: %d, want 2", n)
	}
	if _, n, _ := db.FindDisputes(ctx, jigsaw.DisputeFilter{OrgID: f.company.ID}); n != 0 {
		t.Fatalf("filtered by an unrelated organisation: %d, want 0", n)
	}
}
