package demo

import (
	"context"
	"fmt"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// CoalitionCampaign is the slug of the demo's coalition campaign, which
// the other parts of the demo link to.
const CoalitionCampaign = "keep-our-nhs-public"

// topicsLoaded is the setting that records that the demo topic board
// exists: topics have no natural key, as stories have none.
const topicsLoaded = "demo.topics_loaded"

// loadCampaigns adds the coalition campaign of the meeting of 5 April 2012
// (SHA, KONP, Unite and UNISON), gathering the demo's dangers and disputes,
// and the topic board the meeting divided between them. Each part is
// skipped when an earlier run made it.
func loadCampaigns(ctx context.Context, db *store.DB, ids map[string]int64, sum *Summary) error {
	c, err := db.FindCampaignBySlug(ctx, CoalitionCampaign)
	switch jigsaw.ErrorCode(err) {
	case "":
	case jigsaw.ENOTFOUND:
		if c, err = coalitionCampaign(ctx, db, ids); err != nil {
			return err
		}
		if err := db.CreateCampaign(ctx, c); err != nil {
			return fmt.Errorf("demo campaign: %w", err)
		}
		sum.Campaigns++
	default:
		return err
	}
	if _, done, err := db.GetSetting(ctx, topicsLoaded); err != nil || done {
		return err
	}
	for _, t := range demoTopics(ids, c.ID) {
		if err := db.CreateTopic(ctx, t); err != nil {
			return fmt.Errorf("demo topic %q: %w", t.Title, err)
		}
		sum.Topics++
	}
	return db.SetSetting(ctx, topicsLoaded, time.Now().UTC().Format(time.RFC3339))
}

// coalitionCampaign is the campaign, linked to every demo danger and
// dispute: in the demo they are all what it fights.
func coalitionCampaign(ctx context.Context, db *store.DB, ids map[string]int64) (*jigsaw.Campaign, error) {
	c := &jigsaw.Campaign{
		Slug:   CoalitionCampaign,
		Name:   "Keep Our NHS Public: stop the privatisation of our NHS",
		Status: jigsaw.CampaignActive,
		Aim: `A collaborative campaign to defend the NHS against the damage caused by the Health and Social Care Act,
agreed by the Socialist Health Association, Keep Our NHS Public, Unite and UNISON on 5 April 2012.

- Protect services and patient safety.
- Make sure the population understands the threat to the NHS, and keep the NHS on the front pages.
- Combat privatisation: put pressure on the boards of private companies moving into the NHS.

We see ourselves as part of a jigsaw: loose coordination, all groups heading in a generally similar
direction without central control.`,
		StartedOn: "2012-04-05",
		Organisations: []jigsaw.CampaignOrg{
			{OrgID: ids["sha"], Role: jigsaw.CampaignLead},
			{OrgID: ids["konp"], Role: jigsaw.CampaignLead},
			{OrgID: ids["unite"], Role: jigsaw.CampaignPartner},
			{OrgID: ids["unison"], Role: jigsaw.CampaignPartner},
		},
	}
	items, _, err := db.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: 100})
	if err != nil {
		return nil, err
	}
	for _, t := range items {
		c.TrackerItems = append(c.TrackerItems, jigsaw.LinkRef{ID: t.ID})
	}
	disputes, _, err := db.FindDisputes(ctx, jigsaw.DisputeFilter{Limit: 100})
	if err != nil {
		return nil, err
	}
	for _, d := range disputes {
		c.Disputes = append(c.Disputes, jigsaw.LinkRef{ID: d.ID})
	}
	return c, nil
}

// demoTopics is the board the meeting divided between its four
// organisations: one left for anyone to take, one done.
func demoTopics(ids map[string]int64, campaign int64) []*jigsaw.Topic {
	orgs := func(keys ...string) []jigsaw.TopicOrg {
		var out []jigsaw.TopicOrg
		for _, k := range keys {
			out = append(out, jigsaw.TopicOrg{OrgID: ids[k]})
		}
		return out
	}
	return []*jigsaw.Topic{
		{Title: "Conflicts of interest of GPs", State: jigsaw.TopicInProgress, Organisations: orgs("sha"), CampaignID: campaign,
			Notes: "GPs who commission care from companies they have a stake in. Gather the declarations of interests of each CCG's board."},
		{Title: "Update TUPE guidance", State: jigsaw.TopicTaken, Organisations: orgs("unison", "unite"), CampaignID: campaign,
			Notes: "Guidance for staff whose jobs are moved to a private company or a subsidiary: what the transfer keeps, and what it does not.",
			Links: []jigsaw.TopicLink{{URL: "https://www.gov.uk/transfers-takeovers", Label: "Transfers of undertakings (TUPE) on GOV.UK"}}},
		{Title: "The KONP pledge for CCGs", State: jigsaw.TopicInProgress, Organisations: orgs("konp"), CampaignID: campaign,
			Notes: "The pledge commits a CCG to the parts of the Act all would agree with: integration, patient involvement, privatisation held in check. When the dangers become apparent, a CCG committed to the pledge can more easily mount a fight."},
		{Title: "Work with councillors and MPs", State: jigsaw.TopicOpen, CampaignID: campaign,
			Notes: "Hold meetings with councillors, give them information on NHS issues, and work with MPs. No one has taken this yet."},
		{Title: "Train people to stand for Foundation Trust and Healthwatch seats", State: jigsaw.TopicTaken, Organisations: orgs("unite", "konp"),
			CampaignID: campaign,
			Notes:      "Members standing for Foundation Trust councils of governors, CCGs, Health and Wellbeing Boards and Healthwatch need training: we shall need to train people to stand."},
		{Title: "Summary of the meeting of 5 April 2012", State: jigsaw.TopicDone, Organisations: orgs("sha"), CampaignID: campaign,
			Notes: "The conclusions of the meeting between the Socialist Health Association, KONP, Unite and UNISON, written up and shared as the first step of the campaign."},
	}
}
