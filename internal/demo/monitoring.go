package demo

import (
	"context"
	"fmt"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// monitoringLoaded is the setting that records that the demo dangers and
// disputes exist; like storiesLoaded, it is set only once they all
// committed.
const monitoringLoaded = "demo.monitoring_loaded"

// The seeds are articles without addresses: each source links to its
// publisher and quotes the seed. Where a seed dates an event only as "last
// week" or "this week", the day given here is illustrative, within the
// month the article appeared.
const (
	bbc               = "https://news.bbc.co.uk/"
	socialistWorker   = "https://socialistworker.co.uk/"
	solidarity        = "https://www.workersliberty.org/"
	socialistHealth   = "https://www.sochealth.co.uk/"
	publisherBBC      = "BBC News"
	publisherSW       = "Socialist Worker"
	publisherSolidary = "Solidarity"
)

// loadMonitoring adds the dangers and disputes of the seeds. ids maps the
// demo organisations' keys to their IDs.
func loadMonitoring(ctx context.Context, db *store.DB, ids map[string]int64, sum *Summary) error {
	if _, done, err := db.GetSetting(ctx, monitoringLoaded); err != nil || done {
		return err
	}
	stories, err := storyIDs(ctx, db)
	if err != nil {
		return err
	}
	org := func(key string, role jigsaw.OrgRole) jigsaw.TrackerOrg {
		return jigsaw.TrackerOrg{OrgID: ids[key], Role: role}
	}
	party := func(key string, role jigsaw.PartyRole) jigsaw.DisputeParty {
		return jigsaw.DisputeParty{OrgID: ids[key], Role: role}
	}
	story := func(title string) []jigsaw.LinkRef {
		if id, ok := stories[title]; ok {
			return []jigsaw.LinkRef{{ID: id}}
		}
		return nil
	}

	disputes := map[string]*jigsaw.Dispute{
		"dorset": {
			Title:   "Dorset: no to the SubCo",
			Summary: "UNISON members at three Dorset trusts ballot for strikes against the transfer of porters, cleaners, caterers and other staff to a wholly owned subsidiary. The mood to fight back is strong and spreading, with large union meetings and groups being formed.",
			Status:  jigsaw.DisputeBalloting,
			Parties: []jigsaw.DisputeParty{party("dorset-healthcare", jigsaw.PartyEmployer), party("dorset-county", jigsaw.PartyEmployer),
				party("uhd", jigsaw.PartyEmployer), party("unison", jigsaw.PartyUnion)},
			Workforce: []jigsaw.Workforce{{Role: "porters"}, {Role: "cleaners"}, {Role: "caterers"}},
			Demands:   []string{"No transfer to a subsidiary company", "Stay NHS employees on Agenda for Change pay, terms and pensions"},
			District:  "DT1", Area: "Dorset", KeyIssues: []string{"outsourcing", "pay-and-conditions"},
			Steps: []jigsaw.DisputeStep{{Kind: jigsaw.StepBallotOpened, Date: "2025-09-08", Note: "UNISON opens a formal strike ballot."}},
		},
		"agh": {
			Title:     "AGH Solutions: equal terms with the NHS",
			Summary:   "Porters, domestics, caterers and security workers outsourced by Airedale NHS Foundation Trust to its wholly owned subsidiary AGH Solutions are on far worse conditions than staff employed directly by the NHS. They say they feel like second-class citizens.",
			Status:    jigsaw.DisputeAction,
			Parties:   []jigsaw.DisputeParty{party("agh", jigsaw.PartyEmployer), party("gmb", jigsaw.PartyUnion)},
			Workforce: []jigsaw.Workforce{{Role: "porters, domestics, caterers and security workers", Headcount: 150}},
			Demands:   []string{"Parity with Agenda for Change: pay, holiday pay, sick pay and pensions"},
			District:  "BD20", Area: "Keighley", KeyIssues: []string{"outsourcing", "pay-and-conditions"},
			Steps: []jigsaw.DisputeStep{{Kind: jigsaw.StepStrike, Date: "2025-09-15", EndDate: "2025-09-17",
				Note: "Around 150 GMB members begin a three-day strike on Monday."}},
		},
		"pathology": {
			Title:     "HSL and TDL pathology: the same pay for the same job",
			Summary:   "Unite members employed by Health Services Laboratories and The Doctors Laboratory, who provide 70 percent of the diagnostic work across seven London hospitals, are fighting different pay rates for people doing the same job.",
			Status:    jigsaw.DisputeAction,
			Parties:   []jigsaw.DisputeParty{party("hsl", jigsaw.PartyEmployer), party("tdl", jigsaw.PartyEmployer), party("unite", jigsaw.PartyUnion)},
			Workforce: []jigsaw.Workforce{{Role: "pathology staff"}},
			Demands:   []string{"The same pay for the same job"},
			District:  "WC1E", Area: "Camden", KeyIssues: []string{"outsourcing", "pay-and-conditions"},
			Steps: []jigsaw.DisputeStep{
				{Kind: jigsaw.StepStrike, Date: "2025-09-16", EndDate: "2025-09-18", Note: "Hundreds of laboratory workers strike for three days and picket all seven hospitals."},
				{Kind: jigsaw.StepMarch, Date: "2025-09-18", Note: "Strikers march to the steps of University College Hospital: “We don't want your pizza, we don't want your cake — give us fair pay now, we know how much you make!” An IWGB representative says HSL couriers could soon join them."},
			},
		},
		"uvw": {
			Title:     "South London: cleaners, porters and caterers lobby the board",
			Summary:   "Some 300 UVW members voted to strike for pay and conditions equal to those on the Agenda for Change NHS contract. If the board does not vote for equality, the union says it will name strike dates.",
			Status:    jigsaw.DisputeBalloting,
			Parties:   []jigsaw.DisputeParty{party("uvw", jigsaw.PartyUnion)},
			Workforce: []jigsaw.Workforce{{Role: "cleaners, porters and caterers", Headcount: 300}},
			Demands:   []string{"Pay and conditions equal to Agenda for Change"},
			District:  "SE1", Area: "South London", KeyIssues: []string{"outsourcing", "pay-and-conditions"},
			Steps: []jigsaw.DisputeStep{
				{Kind: jigsaw.StepBallotClosed, Date: "2025-09-26", Note: "Members vote to strike; the figures were not published."},
				{Kind: jigsaw.StepLobby, Date: "2025-10-28", Note: "Lobby of the board meeting: strike dates will be named if the board does not vote for equality."},
			},
		},
		"worcs": {
			Title:     "Worcestershire healthcare assistants: band 3 pay for band 3 work",
			Summary:   "Healthcare assistants at Worcestershire Acute Hospitals NHS Trust did band 3 work — taking bloods, observations, ECGs — on band 2 pay.",
			Status:    jigsaw.DisputeWon,
			Parties:   []jigsaw.DisputeParty{party("worcs", jigsaw.PartyEmployer), party("unison", jigsaw.PartyUnion)},
			Workforce: []jigsaw.Workforce{{Role: "healthcare assistants", Headcount: 1000}},
			Demands:   []string{"Re-banding from band 2 to band 3 of Agenda for Change", "Back pay for the years of band 3 work"},
			District:  "WR5", Area: "Worcester", KeyIssues: []string{"pay-and-conditions"},
			Steps: []jigsaw.DisputeStep{
				{Kind: jigsaw.StepOther, Date: "2025-04-01", Note: "The six-month campaign begins."},
				{Kind: jigsaw.StepSettlement, Date: "2025-10-01", Note: "The trust agrees to re-band the healthcare assistants with back pay."},
			},
			Outcome: "About a thousand healthcare assistants are re-banded from band 2 to band 3 of the Agenda for Change pay scale, with back pay.",
			OutcomeFigures: []jigsaw.OutcomeFigure{
				{Label: "healthcare assistants re-banded from band 2 to band 3", People: 1000},
				{Label: "back pay each", Pence: 400000},
			},
		},
	}
	for _, key := range []string{"worcs", "dorset", "agh", "pathology", "uvw"} {
		d := disputes[key]
		if err := db.CreateDispute(ctx, d); err != nil {
			return fmt.Errorf("demo dispute %q: %w", d.Title, err)
		}
		sum.Disputes++
	}
	dispute := func(key string) []jigsaw.LinkRef { return []jigsaw.LinkRef{{ID: disputes[key].ID}} }

	items := []*jigsaw.TrackerItem{
		{
			Kind: jigsaw.TrackerSubCoTransfer, Title: "Three Dorset trusts plan to move staff into a wholly owned subsidiary",
			Summary:       "Dorset HealthCare, Dorset County Hospital and University Hospitals Dorset want to transfer staff, including porters, cleaners and catering workers, to a wholly owned subsidiary (a “SubCo”). They say it is only about lowering the trusts' tax bills and that pay and conditions will be untouched.\n\nOutsourced staff often have lower pay and worse conditions than those employed directly by the NHS, and less access to NHS pensions. Transferred workers often keep their old terms for a period, but new workers come in on worse contracts.",
			History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2025-09", Note: "The plan is reported as UNISON opens a strike ballot."}},
			Organisations: []jigsaw.TrackerOrg{org("dorset-healthcare", jigsaw.RoleEmployer), org("dorset-county", jigsaw.RoleEmployer), org("uhd", jigsaw.RoleEmployer)},
			District:      "DT1", Area: "Dorset", KeyIssues: []string{"outsourcing", "pay-and-conditions"},
			Sources: []jigsaw.Source{{URL: socialistWorker, Publisher: publisherSW, PublishedOn: "2025-09",
				Quote: "Health bosses at Dorset HealthCare NHS, Dorset County Hospital and University Hospitals Dorset want to transfer staff, including porters, cleaners and catering workers, to a wholly owned subsidiary."}},
			Stories: story("We voted yes: no to the SubCo"), Disputes: dispute("dorset"), Published: true,
		},
		{
			Kind: jigsaw.TrackerSubCoTransfer, Title: "Airedale outsources porters, domestics, caterers and security to AGH Solutions",
			Summary:       "Airedale NHS Foundation Trust moved porters, domestics, caterers and security workers into its wholly owned subsidiary, AGH Solutions, on far worse conditions than staff employed directly by the NHS. The gap with Agenda for Change grows every year: pay, holiday pay, sick pay, pensions.",
			History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerImplemented, On: "2023", Note: "A striker says he joined “shortly after the AGH was set up”, about two and a half years before the 2025 strike."}},
			Organisations: []jigsaw.TrackerOrg{org("airedale", jigsaw.RoleParent), org("agh", jigsaw.RoleEmployer)},
			District:      "BD20", Area: "Keighley", KeyIssues: []string{"outsourcing", "pay-and-conditions"},
			Sources: []jigsaw.Source{{URL: socialistWorker, Publisher: publisherSW, PublishedOn: "2025-09",
				Quote: "The GMB union members have been outsourced to a wholly-owned subsidiary called AGH Solutions on far worse conditions than staff employed directly by the NHS."}},
			Stories: story("Second-class citizens in our own hospital"), Disputes: dispute("agh"), Published: true,
		},
		{
			Kind: jigsaw.TrackerOutsourcing, Title: "Pathology for seven London hospitals done by private laboratory companies",
			Summary:       "Health Services Laboratories and The Doctors Laboratory provide 70 percent of the diagnostic work across seven London hospitals, with different pay rates for people doing the same job.",
			History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerImplemented, On: "2025-09", Note: "In place when the laboratory workers strike."}},
			Organisations: []jigsaw.TrackerOrg{org("uclh", jigsaw.RoleBuyer), org("hsl", jigsaw.RoleSupplier), org("tdl", jigsaw.RoleSupplier)},
			District:      "WC1E", Area: "Camden", KeyIssues: []string{"outsourcing", "pay-and-conditions"},
			Sources: []jigsaw.Source{{URL: socialistWorker, Publisher: publisherSW, PublishedOn: "2025-09",
				Quote: "The Unite union members provide 70 percent of diagnostic work across seven London hospitals."}},
			Stories: story("We don't want your pizza"), Disputes: dispute("pathology"), Published: true,
		},
		{
			Kind: jigsaw.TrackerOutsourcing, Title: "NHS Logistics and part of NHS PASA to be handed to Novation and DHL",
			Summary:       "The supply agency NHS Logistics and part of the NHS Purchasing and Supply Agency are to be transferred to a US/German consortium of Novation and DHL: almost the entire responsibility for buying and distributing everything from medical equipment to food to hospitals and family doctors handed to the private sector. Ministers say it could save money to be “reinvested into patient care”.",
			History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2006", Note: "The Health Minister says the plans are not finalised; UNISON announces a ballot over the transfer."}},
			Organisations: []jigsaw.TrackerOrg{org("dh", jigsaw.RoleBuyer), org("logistics", jigsaw.RoleEmployer), org("pasa", jigsaw.RoleEmployer), org("novation", jigsaw.RoleSupplier), org("dhl", jigsaw.RoleSupplier)},
			Area:          "England", KeyIssues: []string{"outsourcing", "wasting-money"},
			Sources: []jigsaw.Source{{URL: bbc, Publisher: publisherBBC, PublishedOn: "2006",
				Quote: "Unison announced it would ballot its members over the transfer of supply agency, NHS Logistics, and part of the buying organisation, the NHS Purchasing and Supply Agency to a US / German consortium of Novation and DHL."}},
			Stories: story("Savings for whom?"), Published: true,
		},
		{
			Kind: jigsaw.TrackerCommissioningChange, Title: "Firms invited to take on the commissioning of care",
			Summary:       "Ministers placed an advert in a leading European journal asking firms to put forward offers to take on the commissioning responsibility from local health bosses. Critics warn of a conflict of interest: private firms in charge of buying care from private hospitals and GP services.",
			History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerProposed, On: "2006"}},
			Organisations: []jigsaw.TrackerOrg{org("dh", jigsaw.RoleCommissioner)},
			Area:          "England", KeyIssues: []string{"conflicts-of-interest"},
			Sources: []jigsaw.Source{{URL: bbc, Publisher: publisherBBC, PublishedOn: "2006",
				Quote: "Critics believe the move will create a potential conflict of interest with private firms in charge of buying care from private hospitals and GP services."}},
			Published: true,
		},
		{
			Kind: jigsaw.TrackerCut, Title: "£20 billion of “efficiency savings” in three years",
			Summary:       "The programme of “efficiency savings” lined up by the previous government, to the tune of £20 billion in three years, with trust managements introducing “efficiencies” before the cuts come in.",
			History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: "2010", Note: "Trusts are already introducing “efficiencies” ahead of 2011."}},
			Organisations: []jigsaw.TrackerOrg{org("dh", jigsaw.RoleCommissioner)},
			ValuePence:    2_000_000_000_000, Area: "England", KeyIssues: []string{"cuts", "safety"},
			Sources: []jigsaw.Source{{URL: solidarity, Publisher: publisherSolidary, PublishedOn: "2010-10",
				Quote: "the previous government’s planned programme of “efficiency savings”, to the tune of £20 billion in 3 years"}},
			Stories: story("No budget for respite"), Published: true,
		},
		{
			Kind: jigsaw.TrackerPartnershipAgreement, Title: "MARS: a Mutually Agreed Resignation Scheme agreed in “partnership”",
			Summary: "A national Mutually Agreed Resignation Scheme, developed with the NHS Social Partnership Forum “to help employers manage cost reductions and the workforce implications of redesigning services”. Staff are encouraged to leave on terms below redundancy pay; it applies in England and not to foundation trusts, and was written into the NHS conditions of service book.",
			History: []jigsaw.StatusChange{
				{Status: jigsaw.TrackerDecided, On: "2010-09-02", Note: "Published by the NHS after agreement at the Social Partnership Forum."},
				{Status: jigsaw.TrackerImplemented, On: "2010-09", Note: "Open from the middle of September to the end of October."},
			},
			Organisations: []jigsaw.TrackerOrg{org("spf", jigsaw.RoleSignatory), org("unison", jigsaw.RoleSignatory)},
			Area:          "England", KeyIssues: []string{"cuts", "pay-and-conditions"},
			Sources: []jigsaw.Source{{URL: solidarity, Publisher: publisherSolidary, PublishedOn: "2010-10",
				Quote: "The national MARS has been developed in partnership with the Social Partnership Forum, to help employers manage cost reductions and the workforce implications of redesigning services."}},
			Published: true,
		},
	}
	for _, it := range items {
		if err := db.CreateTrackerItem(ctx, it); err != nil {
			return fmt.Errorf("demo danger %q: %w", it.Title, err)
		}
		sum.TrackerItems++
	}
	return db.SetSetting(ctx, monitoringLoaded, time.Now().UTC().Format(time.RFC3339))
}

// storyIDs maps the titles of the published demo stories to their IDs, so
// dangers can link to stories loaded by an earlier run.
func storyIDs(ctx context.Context, db *store.DB) (map[string]int64, error) {
	list, _, err := db.FindPublicStories(ctx, jigsaw.StoryFilter{Limit: 500})
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(list))
	for _, s := range list {
		out[s.Title] = s.ID
	}
	return out, nil
}
