package storetest

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// pledgeWorld is a pledge with two wordings, four NHS bodies and two
// parties to ask.
type pledgeWorld struct {
	pledge                  *jigsaw.Pledge
	icbA, icbB, trust, konp *jigsaw.Organisation
	labour, libdem          *jigsaw.Organisation
	rep                     int64
	first, second           jigsaw.PledgeVersion
}

func mustPledgeWorld(tb testing.TB, db *store.DB) *pledgeWorld {
	tb.Helper()
	ctx := context.Background()
	w := &pledgeWorld{}
	w.konp = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup, CoalitionMember: true})
	w.icbA = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "NHS West Yorkshire ICB", Kind: jigsaw.OrgICB, Region: "North East and Yorkshire"})
	w.icbB = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "NHS Dorset ICB", Kind: jigsaw.OrgICB, Region: "South West"})
	w.trust = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, Region: "North East and Yorkshire"})
	w.labour = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "Labour Party", Kind: jigsaw.OrgParty})
	w.libdem = mustCreateOrg(tb, db, &jigsaw.Organisation{Name: "Liberal Democrats", Kind: jigsaw.OrgParty})
	w.pledge = &jigsaw.Pledge{Title: " The KONP  pledge for ICBs ", Kind: jigsaw.PledgeAsk, KeeperID: w.konp.ID,
		NewVersion: &jigsaw.PledgeVersion{Text: "We will not put services out to tender.", AdoptedOn: "12/04/2012", Note: "For CCGs"}}
	if err := db.CreatePledge(ctx, w.pledge); err != nil {
		tb.Fatal(err)
	}
	w.first = w.pledge.Versions[0]
	w.pledge.NewVersion = &jigsaw.PledgeVersion{Text: "We will keep services in the NHS and publish every contract.", AdoptedOn: "2022-07-01", Note: "ICBs replaced CCGs"}
	if err := db.UpdatePledge(ctx, w.pledge); err != nil {
		tb.Fatal(err)
	}
	w.second = w.pledge.Versions[1]
	must(tb, db.Tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO representatives (name, role, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id`,
			"Jane Candidate", "candidate", time.Now()).Scan(&w.rep)
	}))
	return w
}

func mustAddTarget(tb testing.TB, db *store.DB, t *jigsaw.PledgeTarget) *jigsaw.PledgeTarget {
	tb.Helper()
	if err := db.AddPledgeTarget(context.Background(), t); err != nil {
		tb.Fatalf("add target %+v: %v", t, err)
	}
	return t
}

func (s *suite) testPledgeVersions(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	w := mustPledgeWorld(t, db)
	got, err := db.FindPledgeByID(ctx, w.pledge.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "The KONP pledge for ICBs" || got.Slug != "the-konp-pledge-for-icbs" || got.KeeperName != "Keep Our NHS Public" {
		t.Fatalf("read back: %+v", got)
	}
	if len(got.Versions) != 2 || got.Versions[0].Number != 1 || got.Versions[0].AdoptedOn != "2012-04-12" || got.Current().Number != 2 ||
		!strings.Contains(got.Current().Text, "publish every contract") || len(got.Older()) != 1 {
		t.Fatalf("versions: %+v", got.Versions)
	}

	// The same text again adds no version; a wording older than the
	// current one is refused naming its date.
	got.NewVersion = &jigsaw.PledgeVersion{Text: got.Current().Text, AdoptedOn: "2023-01-01"}
	must(t, db.UpdatePledge(ctx, got))
	got.NewVersion = &jigsaw.PledgeVersion{Text: "Another text", AdoptedOn: "2020-01-01"}
	if err := db.UpdatePledge(ctx, got); jigsaw.FieldErrors(err)["adopted_on"] == "" {
		t.Fatalf("wording older than the current one: got %v, want EINVALID on adopted_on", err)
	}
	if again, _ := db.FindPledgeByID(ctx, got.ID); len(again.Versions) != 2 {
		t.Fatalf("versions after refusals: %d, want 2", len(again.Versions))
	}

	// A stale edit is refused.
	stale := *got
	stale.Version, stale.NewVersion = 1, nil
	if err := db.UpdatePledge(ctx, &stale); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("stale update: got %v, want ECONFLICT", err)
	}

	for _, tt := range []struct {
		name  string
		p     *jigsaw.Pledge
		field string
	}{
		{"no text", &jigsaw.Pledge{Title: "X", Kind: jigsaw.PledgeAsk}, "text"},
		{"no date", &jigsaw.Pledge{Title: "X", Kind: jigsaw.PledgeAsk, NewVersion: &jigsaw.PledgeVersion{Text: "t"}}, "adopted_on"},
		{"bad kind", &jigsaw.Pledge{Title: "X", Kind: "wish", NewVersion: &jigsaw.PledgeVersion{Text: "t", AdoptedOn: "2024-01-01"}}, "kind"},
		{"no campaign", &jigsaw.Pledge{Title: "X", Kind: jigsaw.PledgeAsk, CampaignSlug: "nope",
			NewVersion: &jigsaw.PledgeVersion{Text: "t", AdoptedOn: "2024-01-01"}}, "campaign"},
		{"taken slug", &jigsaw.Pledge{Title: "The KONP pledge for ICBs", Kind: jigsaw.PledgeAsk,
			NewVersion: &jigsaw.PledgeVersion{Text: "t", AdoptedOn: "2024-01-01"}}, "slug"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.CreatePledge(ctx, tt.p); jigsaw.FieldErrors(err)[tt.field] == "" {
				t.Fatalf("got %v, want a message on %s", err, tt.field)
			}
		})
	}
	list, total, err := db.FindPledges(ctx, jigsaw.PledgeFilter{Kind: jigsaw.PledgeAsk})
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != w.pledge.ID {
		t.Fatalf("FindPledges: %v %d %v", list, total, err)
	}
	if revs, err := db.FindRevisions(ctx, jigsaw.ObjectPledge, w.pledge.ID); err != nil || len(revs) != 2 {
		t.Fatalf("revisions: %d %v, want 2 (create, new wording)", len(revs), err)
	}
}

func (s *suite) testPledgeTargetStates(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	w := mustPledgeWorld(t, db)
	pid := w.pledge.ID

	// Refusals: a state without its date, nobody, a second row for the
	// same body, an unknown wording, a bad evidence address.
	for _, tt := range []struct {
		name  string
		t     *jigsaw.PledgeTarget
		field string
	}{
		{"asked without a date", &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.icbA.ID, State: jigsaw.PledgeAsked}, "state_on"},
		{"nobody", &jigsaw.PledgeTarget{PledgeID: pid, State: jigsaw.PledgeNotAsked}, "organisation"},
		{"bad state", &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.icbA.ID, State: "maybe"}, "state"},
		{"bad evidence", &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.icbA.ID, State: jigsaw.PledgeSigned, StateOn: "2024-01-01", EvidenceURL: "ftp://x"}, "evidence_url"},
		{"not a party", &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.icbA.ID, PartyID: w.trust.ID}, "party"},
		{"other wording", &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.icbA.ID, VersionID: 987654}, "version_id"},
		{"person without kind", &jigsaw.PledgeTarget{PledgeID: pid, RepresentativeID: w.rep}, "kind"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.AddPledgeTarget(ctx, tt.t); jigsaw.FieldErrors(err)[tt.field] == "" {
				t.Fatalf("got %v, want a message on %s", err, tt.field)
			}
		})
	}
	if err := db.AddPledgeTarget(ctx, &jigsaw.PledgeTarget{PledgeID: 987654, OrgID: w.icbA.ID}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("target of no pledge: got %v, want ENOTFOUND", err)
	}

	a := mustAddTarget(t, db, &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.icbA.ID, State: jigsaw.PledgeNotAsked})
	if err := db.AddPledgeTarget(ctx, &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.icbA.ID}); jigsaw.FieldErrors(err)["organisation"] == "" {
		t.Fatalf("second row for one body: got %v", err)
	}
	got, err := db.FindPledgeTargetByID(ctx, pid, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != jigsaw.TargetICB || got.Area != "North East and Yorkshire" || got.Name != "NHS West Yorkshire ICB" || len(got.History) != 1 {
		t.Fatalf("defaults from the organisation: %+v", got)
	}

	// A change of state without a date is refused and leaves nothing.
	got.State = jigsaw.PledgeAsked
	if err := db.UpdatePledgeTarget(ctx, got); jigsaw.FieldErrors(err)["state_on"] == "" {
		t.Fatalf("state change without a date: got %v, want a message on state_on", err)
	}
	got.StateOn = "2024-03-01"
	must(t, db.UpdatePledgeTarget(ctx, got))
	// Signed: with no wording named, the current one; without evidence,
	// allowed but marked.
	got.State, got.StateOn = jigsaw.PledgeSigned, "2024-05-02"
	must(t, db.UpdatePledgeTarget(ctx, got))
	got, _ = db.FindPledgeTargetByID(ctx, pid, a.ID)
	if got.VersionID != w.second.ID || got.VersionNumber != 2 || !got.NeedsEvidence() {
		t.Fatalf("signed: %+v", got)
	}
	// Evidence added with the state and date unchanged keeps the date.
	got.StateOn, got.EvidenceURL = "", "https://example.org/minutes.pdf"
	must(t, db.UpdatePledgeTarget(ctx, got))
	got, _ = db.FindPledgeTargetByID(ctx, pid, a.ID)
	if got.StateOn != "2024-05-02" || got.NeedsEvidence() {
		t.Fatalf("evidence added: %+v", got)
	}
	var states []string
	for _, h := range got.History {
		states = append(states, string(h.State)+"@"+h.On)
	}
	if strings.Join(states, " ") != "not-asked@ asked@2024-03-01 signed@2024-05-02 signed@2024-05-02" {
		t.Fatalf("history: got %v", states)
	}
	stale := *got
	stale.Version = 1
	if err := db.UpdatePledgeTarget(ctx, &stale); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("stale target: got %v, want ECONFLICT", err)
	}
	// A target who signed the first wording keeps it.
	old := mustAddTarget(t, db, &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.trust.ID, State: jigsaw.PledgeSigned, StateOn: "2013-01-01", VersionID: w.first.ID})
	if o, _ := db.FindPledgeTargetByID(ctx, pid, old.ID); o.VersionNumber != 1 || o.Kind != jigsaw.TargetTrust {
		t.Fatalf("signed the first wording: %+v", o)
	}
	// A person in a public role, with a party.
	p := mustAddTarget(t, db, &jigsaw.PledgeTarget{PledgeID: pid, RepresentativeID: w.rep, Kind: jigsaw.TargetCandidate,
		State: jigsaw.PledgeDeclined, StateOn: "2024-06-01", PartyID: w.libdem.ID, Area: "Bradford"})
	reps, err := db.PledgeTargetsOfRepresentative(ctx, w.rep)
	if err != nil || len(reps) != 1 || reps[0].ID != p.ID || reps[0].Name != "Jane Candidate" || reps[0].PledgeTitle != w.pledge.Title {
		t.Fatalf("PledgeTargetsOfRepresentative: %+v %v", reps, err)
	}
	orgs, err := db.PledgeTargetsOfOrganisation(ctx, w.icbA.ID)
	if err != nil || len(orgs) != 1 || orgs[0].State != jigsaw.PledgeSigned || orgs[0].PledgeSlug != w.pledge.Slug {
		t.Fatalf("PledgeTargetsOfOrganisation: %+v %v", orgs, err)
	}
}

func (s *suite) testPledgeTableAndShares(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	w := mustPledgeWorld(t, db)
	pid := w.pledge.ID
	mustAddTarget(t, db, &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.icbA.ID, State: jigsaw.PledgeSigned, StateOn: "2024-05-02"})
	mustAddTarget(t, db, &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.trust.ID, State: jigsaw.PledgeAsked, StateOn: "2024-05-02"})
	mustAddTarget(t, db, &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.icbB.ID, State: jigsaw.PledgeDeclined, StateOn: "2024-05-03", District: "bh1"})
	mustAddTarget(t, db, &jigsaw.PledgeTarget{PledgeID: pid, OrgID: w.labour.ID, State: jigsaw.PledgeBroken, StateOn: "2025-01-03"})
	mustAddTarget(t, db, &jigsaw.PledgeTarget{PledgeID: pid, RepresentativeID: w.rep, Kind: jigsaw.TargetCandidate,
		State: jigsaw.PledgeSigned, StateOn: "2024-06-01", PartyID: w.libdem.ID, Area: "north east and yorkshire"})

	names := func(f jigsaw.PledgeTargetFilter) string {
		t.Helper()
		f.PledgeID = pid
		list, err := db.FindPledgeTargets(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range list {
			out = append(out, x.Name)
		}
		return strings.Join(out, "; ")
	}
	for _, tt := range []struct {
		name string
		f    jigsaw.PledgeTargetFilter
		want string
	}{
		{"all, by name", jigsaw.PledgeTargetFilter{}, "Airedale NHS Foundation Trust; Jane Candidate; Labour Party; NHS Dorset ICB; NHS West Yorkshire ICB"},
		{"signed", jigsaw.PledgeTargetFilter{State: jigsaw.PledgeSigned}, "Jane Candidate; NHS West Yorkshire ICB"},
		{"ICBs", jigsaw.PledgeTargetFilter{Kind: jigsaw.TargetICB}, "NHS Dorset ICB; NHS West Yorkshire ICB"},
		{"area in any case", jigsaw.PledgeTargetFilter{Area: "NORTH EAST AND YORKSHIRE"}, "Airedale NHS Foundation Trust; Jane Candidate; NHS West Yorkshire ICB"},
		{"district", jigsaw.PledgeTargetFilter{District: "BH1"}, "NHS Dorset ICB"},
		{"party", jigsaw.PledgeTargetFilter{PartyID: w.libdem.ID}, "Jane Candidate"},
		{"a party is its own party", jigsaw.PledgeTargetFilter{PartyID: w.labour.ID}, "Labour Party"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(tt.f); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}

	shares, err := db.FindPledgeShares(ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	var area []string
	for _, s := range shares.ByArea {
		area = append(area, strings.ToLower(s.Label)+" "+strconv.Itoa(s.Signed)+"/"+strconv.Itoa(s.Targets)+" "+strconv.Itoa(s.Percent())+"%")
	}
	if got := strings.Join(area, "; "); got != "north east and yorkshire 2/3 66%;  0/1 0%; south west 0/1 0%" {
		t.Fatalf("shares by area: got %q", got)
	}
	var party []string
	for _, s := range shares.ByParty {
		party = append(party, s.Label+" "+strconv.Itoa(s.Signed)+"/"+strconv.Itoa(s.Targets))
	}
	if got := strings.Join(party, "; "); got != " 1/3; Labour Party 0/1; Liberal Democrats 1/1" {
		t.Fatalf("shares by party: got %q", got)
	}
	list, _, err := db.FindPledges(ctx, jigsaw.PledgeFilter{})
	if err != nil || len(list) != 1 || list[0].Targets != 5 || list[0].Signed != 2 {
		t.Fatalf("pledge counts: %+v %v", list, err)
	}

	// Merging organisations keeps the survivor's own row and moves the
	// duplicate's party.
	dupICB := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "West Yorkshire ICB", Kind: jigsaw.OrgICB})
	mustAddTarget(t, db, &jigsaw.PledgeTarget{PledgeID: pid, OrgID: dupICB.ID, State: jigsaw.PledgeDeclined, StateOn: "2024-01-01"})
	dupParty := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Lib Dems", Kind: jigsaw.OrgParty})
	must(t, db.MergeOrganisations(ctx, w.icbA.ID, dupICB.ID))
	must(t, db.MergeOrganisations(ctx, dupParty.ID, w.libdem.ID))
	if got := names(jigsaw.PledgeTargetFilter{State: jigsaw.PledgeSigned}); got != "Jane Candidate; NHS West Yorkshire ICB" {
		t.Fatalf("signed after merging: %q", got)
	}
	if got := names(jigsaw.PledgeTargetFilter{PartyID: dupParty.ID}); got != "Jane Candidate" {
		t.Fatalf("party after merging: %q", got)
	}
}
