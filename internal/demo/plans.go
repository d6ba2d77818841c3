package demo

import (
	"context"
	"fmt"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// plansLoaded is the setting that records that the demo plans and seats
// exist (they have no natural key to look them up by, as stories have not).
const plansLoaded = "demo.plans_loaded"

// loadPlans adds the demo plans, worked back from election days as the
// coalition's 2012 notes describe, and the seats members hold or seek.
func loadPlans(ctx context.Context, db *store.DB, ids map[string]int64, sum *Summary) error {
	if _, done, err := db.GetSetting(ctx, plansLoaded); err != nil || done {
		return err
	}
	for _, o := range []struct {
		key string
		org jigsaw.Organisation
	}{
		{"healthwatch-bradford", jigsaw.Organisation{Name: "Healthwatch Bradford and District", Kind: jigsaw.OrgHealthwatch, Region: "North East and Yorkshire"}},
		{"bradford-hwb", jigsaw.Organisation{Name: "Bradford Health and Wellbeing Board", Kind: jigsaw.OrgHealthWellbeing, Region: "North East and Yorkshire"}},
	} {
		org := o.org
		org.Normalize()
		existing, err := db.FindOrganisationBySlug(ctx, org.Slug)
		switch jigsaw.ErrorCode(err) {
		case "":
			ids[o.key] = existing.ID
			continue
		case jigsaw.ENOTFOUND:
		default:
			return err
		}
		if err := db.CreateOrganisation(ctx, &org); err != nil {
			return fmt.Errorf("demo organisation %q: %w", org.Name, err)
		}
		ids[o.key] = org.ID
		sum.Organisations++
	}

	m := func(offset int, kind jigsaw.MilestoneKind, title, note string) jigsaw.Milestone {
		return jigsaw.Milestone{OffsetDays: offset, Kind: kind, Title: title, Note: note}
	}
	general := &jigsaw.Plan{
		CampaignSlug: CoalitionCampaign,
		Name:         "General election",
		Description:  "Work back from the election in order to place key activities at the right time: candidates asked to sign the pledge, MPs lobbied, hustings held, and every answer published before polling day.",
		AnchorLabel:  "Election day",
		AnchorDate:   "2029-05-03",
		Milestones: []jigsaw.Milestone{
			m(-365, jigsaw.MilestoneTraining, "Train members to stand for foundation trust, Healthwatch and health and wellbeing board seats", "Train people to stand."),
			m(-270, jigsaw.MilestonePledgeAsk, "Ask ICBs and trusts to sign the KONP pledge", ""),
			m(-180, jigsaw.MilestonePledgeAsk, "Candidates' pledge asks: write to every prospective candidate", "Focus on Conservative and Liberal Democrat seats."),
			m(-150, jigsaw.MilestonePublicMeet, "Meetings across the UK", "Their conclusions feed the coalition's policy."),
			m(-120, jigsaw.MilestoneLobby, "Lobby of MPs at Westminster", ""),
			m(-90, jigsaw.MilestonePublicMeet, "Public meetings in marginal seats", ""),
			m(-60, jigsaw.MilestoneLobby, "Pressure on the boards of private companies moving into the NHS", ""),
			m(-42, jigsaw.MilestoneLeaflet, "Leaflet drop: what the candidates said", ""),
			m(-28, jigsaw.MilestoneHustings, "Hustings round", "A health hustings in every target seat."),
			m(-14, jigsaw.MilestoneDeadline, "Publish the pledge table: who signed, who declined", ""),
			m(0, jigsaw.MilestoneElection, "Election day", ""),
			m(30, jigsaw.MilestonePledgeAsk, "Hold the winners to their pledges", ""),
		},
	}
	local := &jigsaw.Plan{
		Name:        "Local elections",
		Description: "Councillors and the new mayors: ask every candidate where they stand on the NHS in their area.",
		AnchorLabel: "Polling day",
		AnchorDate:  "2028-05-04",
		Milestones: []jigsaw.Milestone{
			m(-120, jigsaw.MilestonePledgeAsk, "Ask council and mayoral candidates to sign the pledge", ""),
			m(-60, jigsaw.MilestonePublicMeet, "Public meeting with the mayoral candidates", ""),
			m(-21, jigsaw.MilestoneHustings, "Hustings round", ""),
			m(-7, jigsaw.MilestoneLeaflet, "Leaflet drop", ""),
			m(0, jigsaw.MilestoneElection, "Polling day", ""),
		},
	}
	for _, p := range []*jigsaw.Plan{general, local} {
		if err := db.CreatePlan(ctx, p); err != nil {
			return fmt.Errorf("demo plan %q: %w", p.Name, err)
		}
		sum.Plans++
	}
	for _, s := range []*jigsaw.Seat{
		{Kind: jigsaw.SeatFTGovernors, Title: "Public governor, Keighley constituency", BodyID: ids["airedale"], Holder: "Jo Whitaker",
			MemberOrgID: ids["konp"], State: jigsaw.SeatSought, Date: "2029-03-12", TermEnd: "2032-03-11", PlanID: general.ID,
			Note: "Members standing for foundation trust councils of governors."},
		{Kind: jigsaw.SeatHealthwatch, Title: "Board member", BodyID: ids["healthwatch-bradford"], Holder: "Amrit Sandhu",
			MemberOrgID: ids["unison"], State: jigsaw.SeatHeld, Date: "2025-10-01", TermEnd: "2028-09-30"},
		{Kind: jigsaw.SeatHWB, Title: "Patient and public representative", BodyID: ids["bradford-hwb"], Holder: "Pat Greenwood",
			MemberOrgID: ids["sha"], State: jigsaw.SeatStanding, Date: "2028-04-27"},
	} {
		if err := db.CreateSeat(ctx, s); err != nil {
			return fmt.Errorf("demo seat %q: %w", s.Title, err)
		}
		sum.Seats++
	}
	return db.SetSetting(ctx, plansLoaded, time.Now().UTC().Format(time.RFC3339))
}
