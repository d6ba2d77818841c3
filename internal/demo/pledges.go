package demo

import (
	"context"
	"fmt"

	"jigsaw"
	"jigsaw/internal/store"
)

// pledgeOrgs are the bodies the demo pledges are put to that the rest of
// the demo does not name: ICBs, which replaced CCGs in July 2022, and the
// parties. Another part of the demo may make the same ones first; they are
// found by slug.
var pledgeOrgs = []demoOrg{
	{"icb-dorset", "", jigsaw.Organisation{Name: "NHS Dorset Integrated Care Board", Kind: jigsaw.OrgICB, ODSCode: "QVV", Region: "South West"}},
	{"icb-west-yorkshire", "", jigsaw.Organisation{Name: "NHS West Yorkshire Integrated Care Board", Kind: jigsaw.OrgICB, ODSCode: "QWO", Region: "North East and Yorkshire"}},
	{"icb-worcs", "", jigsaw.Organisation{Name: "NHS Herefordshire and Worcestershire Integrated Care Board", Kind: jigsaw.OrgICB, ODSCode: "QGH", Region: "Midlands"}},
	{"icb-ncl", "", jigsaw.Organisation{Name: "NHS North Central London Integrated Care Board", Kind: jigsaw.OrgICB, ODSCode: "QMJ", Region: "London"}},
	{"labour", "", jigsaw.Organisation{Name: "Labour Party", Kind: jigsaw.OrgParty}},
	{"conservatives", "", jigsaw.Organisation{Name: "Conservative Party", Kind: jigsaw.OrgParty}},
	{"libdems", "", jigsaw.Organisation{Name: "Liberal Democrats", Kind: jigsaw.OrgParty}},
}

// demoPledge is a pledge and its targets, each with the states it went
// through, oldest first.
type demoPledge struct {
	pledge   jigsaw.Pledge
	versions []jigsaw.PledgeVersion // the first makes the pledge
	targets  []demoTarget
}

type demoTarget struct {
	org    string
	states []jigsaw.PledgeTarget // State, StateOn and EvidenceNote
}

func st(state jigsaw.PledgeState, on, note string) jigsaw.PledgeTarget {
	return jigsaw.PledgeTarget{State: state, StateOn: on, EvidenceNote: note}
}

func pledges() []demoPledge {
	return []demoPledge{{
		pledge: jigsaw.Pledge{Title: "The KONP pledge for CCGs and ICBs", Kind: jigsaw.PledgeAsk,
			Summary: "A commitment that local NHS commissioners carry out what everyone agreed with in the 2012 Act — integration, " +
				"patient and public involvement — and hold privatisation in check. A body committed to the pledge can more easily " +
				"mount a fight when the dangers become apparent."},
		versions: []jigsaw.PledgeVersion{
			{Text: "As a clinical commissioning group we pledge to:\n\n" +
				"1. commission services that are integrated, not fragmented;\n" +
				"2. involve patients and the public in every decision that changes a service;\n" +
				"3. keep services with NHS providers, and put none out to tender unless the law leaves us no choice;\n" +
				"4. publish every contract we award, with its value.",
				AdoptedOn: "2012-04-20", Note: "As agreed for CCGs after the 2012 Act."},
			{Text: "As an integrated care board we pledge to:\n\n" +
				"1. keep services in the NHS, with NHS staff on NHS terms;\n" +
				"2. involve patients, the public and staff in every decision that changes a service;\n" +
				"3. award no contract to a private provider where an NHS provider can do the work;\n" +
				"4. publish every contract, and every board member's interests.",
				AdoptedOn: "2022-07-01", Note: "ICBs replaced CCGs on 1 July 2022."},
		},
		targets: []demoTarget{
			{"icb-dorset", []jigsaw.PledgeTarget{st(jigsaw.PledgeAsked, "2022-09-05", "Letter from Dorset KONP"),
				st(jigsaw.PledgeSigned, "2023-03-15", "Agreed at the board's meeting in public, item 9")}},
			{"icb-west-yorkshire", []jigsaw.PledgeTarget{st(jigsaw.PledgeAsked, "2024-02-01", "Put to the board by Calderdale and Bradford campaigners")}},
			{"icb-worcs", []jigsaw.PledgeTarget{st(jigsaw.PledgeAsked, "2023-01-10", ""),
				st(jigsaw.PledgeDeclined, "2023-04-12", "The chair replied that the board does not sign external pledges")}},
			{"icb-ncl", []jigsaw.PledgeTarget{st(jigsaw.PledgeNotAsked, "", "")}},
			{"airedale", []jigsaw.PledgeTarget{st(jigsaw.PledgeAsked, "2012-09-03", ""),
				st(jigsaw.PledgeSigned, "2013-01-17", "Minutes of the trust board, January 2013")}},
			{"worcs", []jigsaw.PledgeTarget{st(jigsaw.PledgeSigned, "2013-02-01", ""),
				st(jigsaw.PledgeBroken, "2019-06-01", "Services put out to tender despite the pledge")}},
			{"dorset-healthcare", []jigsaw.PledgeTarget{st(jigsaw.PledgeAsked, "2024-05-20", "")}},
		},
	}, {
		pledge: jigsaw.Pledge{Title: "Bring NHS services back in-house", Kind: jigsaw.PledgePromise,
			Summary: "A promise to end outsourcing and return services and staff to the NHS, tracked the same way as a pledge: " +
				"who made it, when, and who has broken it."},
		versions: []jigsaw.PledgeVersion{{Text: "We will bring outsourced NHS services, and the staff who provide them, back into " +
			"the NHS on NHS terms and conditions.", AdoptedOn: "2019-11-21", Note: "As put to the parties before the 2019 general election."}},
		targets: []demoTarget{
			{"labour", []jigsaw.PledgeTarget{st(jigsaw.PledgeAsked, "2019-10-01", ""),
				st(jigsaw.PledgeSigned, "2019-11-21", "General election manifesto, 2019")}},
			{"conservatives", []jigsaw.PledgeTarget{st(jigsaw.PledgeAsked, "2024-06-01", "")}},
			{"libdems", []jigsaw.PledgeTarget{st(jigsaw.PledgeAsked, "2024-06-01", "")}},
			{"dh", []jigsaw.PledgeTarget{st(jigsaw.PledgeNotAsked, "", "")}},
		},
	}}
}

// loadPledges adds the demo pledges and their targets, each pledge unless
// it exists. Targets are people's organisations only: the demo's people in
// public roles come from another part of it.
func loadPledges(ctx context.Context, db *store.DB, ids map[string]int64, sum *Summary) error {
	for _, o := range pledgeOrgs {
		org := o.org
		org.Normalize()
		existing, err := db.FindOrganisationByODSCode(ctx, org.ODSCode)
		if org.ODSCode == "" || jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
			existing, err = db.FindOrganisationBySlug(ctx, org.Slug)
		}
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
	for _, d := range pledges() {
		p := d.pledge
		p.Normalize()
		switch _, err := db.FindPledgeBySlug(ctx, p.Slug); jigsaw.ErrorCode(err) {
		case "":
			continue
		case jigsaw.ENOTFOUND:
		default:
			return err
		}
		p.KeeperID = ids["konp"]
		if p.Kind == jigsaw.PledgeAsk {
			p.CampaignSlug = CoalitionCampaign
		}
		for _, v := range d.versions {
			p.NewVersion = &v
			save := db.UpdatePledge
			if p.ID == 0 {
				save = db.CreatePledge
			}
			if err := save(ctx, &p); err != nil {
				return fmt.Errorf("demo pledge %q: %w", p.Title, err)
			}
		}
		for _, dt := range d.targets {
			t := jigsaw.PledgeTarget{PledgeID: p.ID, OrgID: ids[dt.org]}
			for i, s := range dt.states {
				t.State, t.StateOn, t.EvidenceNote = s.State, s.StateOn, s.EvidenceNote
				save := db.UpdatePledgeTarget
				if i == 0 {
					save = db.AddPledgeTarget
				}
				if err := save(ctx, &t); err != nil {
					return fmt.Errorf("demo pledge %q, target %q: %w", p.Title, dt.org, err)
				}
			}
		}
	}
	return nil
}
