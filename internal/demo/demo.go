// Package demo loads demo data drawn from public reports of campaigns to
// defend the NHS: the organisations involved, stories a campaign might
// have gathered about them, the dangers and the disputes. The people in it are invented and their contact
// details are obviously fake (example.invalid addresses, 07700 900xxx
// numbers reserved for drama).
package demo

import (
	"context"
	"fmt"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// Summary counts what one Load created.
type Summary struct {
	Organisations int
	Stories       int
	TrackerItems  int
	Disputes      int
	Plans, Seats  int
	Campaigns     int
	Topics        int
	Events        int
	Resources     int
}

// storiesLoaded is the setting that records that the demo stories exist.
// Stories have no natural key to look them up by, so Load records in the
// settings table that it created them, and does so only after they all
// committed: a second Load finds the mark and creates none.
const storiesLoaded = "demo.stories_loaded"

// Load loads the demo data into db. Loading it twice changes nothing.
func Load(ctx context.Context, db *store.DB) (Summary, error) {
	var sum Summary
	ids := map[string]int64{}
	for _, o := range organisations() {
		parent := o.parent
		org := o.org
		if parent != "" {
			org.ParentID = ids[parent]
		}
		org.Normalize()
		existing, err := db.FindOrganisationBySlug(ctx, org.Slug)
		switch jigsaw.ErrorCode(err) {
		case "":
			ids[o.key] = existing.ID
			continue
		case jigsaw.ENOTFOUND:
		default:
			return sum, err
		}
		if err := db.CreateOrganisation(ctx, &org); err != nil {
			return sum, fmt.Errorf("demo organisation %q: %w", org.Name, err)
		}
		ids[o.key] = org.ID
		sum.Organisations++
	}

	if err := loadStories(ctx, db, ids, &sum); err != nil {
		return sum, err
	}
	if err := loadMonitoring(ctx, db, ids, &sum); err != nil {
		return sum, err
	}
	if err := loadCampaigns(ctx, db, ids, &sum); err != nil {
		return sum, err
	}
	if err := loadRepresentatives(ctx, db, ids, &sum); err != nil {
		return sum, err
	}
	if err := loadPlans(ctx, db, ids, &sum); err != nil {
		return sum, err
	}
	if err := loadEvents(ctx, db, ids, &sum); err != nil {
		return sum, err
	}
	if err := loadPledges(ctx, db, ids, &sum); err != nil {
		return sum, err
	}
	return sum, loadResources(ctx, db, ids, &sum)
}

// loadStories adds the demo stories unless an earlier run did.
func loadStories(ctx context.Context, db *store.DB, ids map[string]int64, sum *Summary) error {
	if _, done, err := db.GetSetting(ctx, storiesLoaded); err != nil || done {
		return err
	}
	for i, s := range stories() {
		st := s.story
		for _, k := range s.orgs {
			st.OrgIDs = append(st.OrgIDs, ids[k])
		}
		p := s.person
		if st.Status != jigsaw.StoryAwaitingConfirmation {
			p.EmailConfirmedAt = st.SubmittedAt.Add(time.Hour)
		}
		consent := s.consent
		if err := db.CreateStoryWithConsent(ctx, &st, &p, &consent); err != nil {
			return fmt.Errorf("demo story %d %q: %w", i+1, st.Title, err)
		}
		sum.Stories++
	}
	return db.SetSetting(ctx, storiesLoaded, time.Now().UTC().Format(time.RFC3339))
}

type demoOrg struct {
	key    string
	parent string
	org    jigsaw.Organisation
}

func organisations() []demoOrg {
	return []demoOrg{
		{"dh", "", jigsaw.Organisation{Name: "Department of Health and Social Care", Kind: jigsaw.OrgGovernment, Website: "https://www.gov.uk/government/organisations/department-of-health-and-social-care"}},
		{"nhse", "", jigsaw.Organisation{Name: "NHS England", Kind: jigsaw.OrgNationalBody, ODSCode: "X24", Website: "https://www.england.nhs.uk"}},
		{"logistics", "", jigsaw.Organisation{Name: "NHS Logistics", Kind: jigsaw.OrgNationalBody, Region: "England"}},
		{"pasa", "", jigsaw.Organisation{Name: "NHS Purchasing and Supply Agency", Kind: jigsaw.OrgNationalBody, Region: "England"}},
		{"novation", "", jigsaw.Organisation{Name: "Novation", Kind: jigsaw.OrgCompany}},
		{"dhl", "", jigsaw.Organisation{Name: "DHL", Kind: jigsaw.OrgCompany}},
		{"dorset-healthcare", "", jigsaw.Organisation{Name: "Dorset HealthCare University NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RDY", Region: "South West"}},
		{"dorset-county", "", jigsaw.Organisation{Name: "Dorset County Hospital NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RBD", Region: "South West"}},
		{"uhd", "", jigsaw.Organisation{Name: "University Hospitals Dorset NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "R0D", Region: "South West"}},
		{"airedale", "", jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RCF", Region: "North East and Yorkshire"}},
		{"agh", "airedale", jigsaw.Organisation{Name: "AGH Solutions Ltd", Kind: jigsaw.OrgSubsidiary, Region: "North East and Yorkshire"}},
		{"hsl", "", jigsaw.Organisation{Name: "Health Services Laboratories", Kind: jigsaw.OrgCompany, Region: "London"}},
		{"tdl", "", jigsaw.Organisation{Name: "The Doctors Laboratory", Kind: jigsaw.OrgCompany, Region: "London"}},
		{"uclh", "", jigsaw.Organisation{Name: "University College London Hospitals NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RRV", Region: "London"}},
		{"worcs", "", jigsaw.Organisation{Name: "Worcestershire Acute Hospitals NHS Trust", Kind: jigsaw.OrgNHSTrust, ODSCode: "RWP", Region: "Midlands"}},
		{"unison", "", jigsaw.Organisation{Name: "UNISON", Kind: jigsaw.OrgUnion, CoalitionMember: true, Website: "https://www.unison.org.uk"}},
		{"unite", "", jigsaw.Organisation{Name: "Unite the Union", Kind: jigsaw.OrgUnion, CoalitionMember: true, Website: "https://www.unitetheunion.org"}},
		{"gmb", "", jigsaw.Organisation{Name: "GMB", Kind: jigsaw.OrgUnion, CoalitionMember: true, Website: "https://www.gmb.org.uk"}},
		{"uvw", "", jigsaw.Organisation{Name: "United Voices of the World", Kind: jigsaw.OrgUnion, CoalitionMember: true}},
		{"iwgb", "", jigsaw.Organisation{Name: "IWGB", Kind: jigsaw.OrgUnion}},
		{"bma", "", jigsaw.Organisation{Name: "British Medical Association", Kind: jigsaw.OrgUnion}},
		{"rcn", "", jigsaw.Organisation{Name: "Royal College of Nursing", Kind: jigsaw.OrgUnion}},
		{"konp", "", jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup, CoalitionMember: true}},
		{"sha", "", jigsaw.Organisation{Name: "Socialist Health Association", Kind: jigsaw.OrgCampaignGroup, CoalitionMember: true}},
		{"spf", "", jigsaw.Organisation{Name: "NHS Social Partnership Forum", Kind: jigsaw.OrgNationalBody}},
	}
}

// demoStory is a story, its teller and what they consented to: its byline
// is the one their consent allows, as for a story sent through the form.
type demoStory struct {
	story   jigsaw.Story
	person  jigsaw.Person
	consent jigsaw.Submission
	orgs    []string
}

// consent is what a teller agreed to: to be named as, and to be contacted
// by the coalition and by the media.
func consent(as jigsaw.PublishAs, publishName string, coalition, media bool) jigsaw.Submission {
	return jigsaw.Submission{PublishAs: as, PublishName: publishName, ContactCoalition: coalition, ContactMedia: media, Agree: true}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }

func published(title, body string, kind jigsaw.StoryKind, district, area, happened string, at time.Time, issues []string) jigsaw.Story {
	return jigsaw.Story{
		Title: title, Body: body, PublicBody: body, Kind: kind, District: district, Area: area, HappenedOn: happened,
		Status: jigsaw.StoryPublished, KeyIssues: issues, SubmittedAt: at.Add(-72 * time.Hour), PublishedAt: at,
	}
}

func stories() []demoStory {
	porter := `I have worked as a porter at the hospital for about two and a half years, since shortly after the
company was set up. We were told nothing would change. It has.

Every year the gap between what we get and what colleagues on **Agenda for Change** get grows: pay, holiday pay,
sick pay, pensions. My wages don't last to the end of the month any more.

We do the same job on the same wards. We feel like second-class citizens. That is why I am on the picket line.`

	cleaner := `The trust says moving us into a "SubCo" is only about tax, and that our pay and conditions are safe.

We have heard that before. People transferred keep their terms for a while, but everyone who joins after us will
come in on worse contracts, and then there are two workforces in one hospital.

I have cleaned these wards for eleven years. I voted yes in the ballot.`

	hca := `For years we did band 3 work on band 2 pay: taking bloods, doing observations, ECGs.

After a six-month campaign the trust agreed. About a thousand of us are being re-banded to band 3, with around
**£4,000 back pay** each. It shows what happens when we organise together.`

	pathology := `Our lab does most of the diagnostic work for several London hospitals. People doing exactly the same job
are on different rates of pay depending on which contract they came in on.

We struck for three days. They offered pizza to the people who crossed the picket line. We don't want pizza. We
want fair pay.`

	carer := `My mother has dementia. Since the "efficiency savings" started, her day centre has cut its hours and the
respite beds we relied on have gone. I was told there is no budget.

Nobody asked the families. Nobody explained where the money went. [redacted] I am writing this so others know they
are not alone.`

	carerOriginal := `My mother has dementia. Since the "efficiency savings" started, her day centre has cut its hours and the
respite beds we relied on have gone. I was told there is no budget.

Nobody asked the families. Nobody explained where the money went. The manager at the centre, who I will not name
here, told me off the record that the service is "being wound down". I am writing this so others know they
are not alone.`

	blog := `In April 2012 the Socialist Health Association, Keep Our NHS Public, Unite and UNISON met to plan a
campaign together. The aims were plain: protect services and patient safety, keep the NHS on the front pages.

Two strategies came out of it that this site exists for:

- **Monitoring the dangers** — a central repository where stories and blogs can be placed, and patient stories
  from real, named people.
- **Swarming** — loose coordination, all groups heading in a similar direction without central control. We are
  part of a jigsaw.

The key issues to rally round: conflicts of interest, hospital closures, wasting money, safety, private patients.`

	supply := `I work in hospital supplies. When buying and distribution for the whole NHS was handed to a private
consortium, we were promised savings "reinvested into patient care". What we saw first was the same products at
new prices, and delivery targets written for the contractor, not for the wards.`

	caterer := `Three hundred of us — cleaners, porters, caterers — are going to lobby the board. We voted to strike for
the same pay and conditions as NHS staff. If the board will not vote for equality, we will name the dates.`

	return []demoStory{
		{published("Second-class citizens in our own hospital", porter, jigsaw.StoryStaff, "BD20", "Keighley", "2025",
			day(2025, 9, 16), []string{"outsourcing", "pay-and-conditions"}),
			jigsaw.Person{Name: "Demo Porter", Email: "demo-porter@example.invalid", Phone: "07700 900101", Postcode: "BD20 0AA"},
			consent(jigsaw.PublishFirstNameArea, "Sam", true, true),
			[]string{"agh", "airedale", "gmb"}},
		{published("We voted yes: no to the SubCo", cleaner, jigsaw.StoryStaff, "DT1", "Dorchester", "2025-09",
			day(2025, 9, 20), []string{"outsourcing", "pay-and-conditions"}),
			jigsaw.Person{Name: "Demo Cleaner", Email: "demo-cleaner@example.invalid", Phone: "07700 900102", Postcode: "DT1 0AA"},
			consent(jigsaw.PublishWithoutName, "", true, false),
			[]string{"dorset-county", "dorset-healthcare", "uhd", "unison"}},
		{published("Band 3 work, band 3 pay at last", hca, jigsaw.StoryStaff, "WR5", "Worcester", "2025",
			day(2025, 10, 2), []string{"pay-and-conditions"}),
			jigsaw.Person{Name: "Demo Healthcare-Assistant", Email: "demo-hca@example.invalid", Phone: "07700 900103", Postcode: "WR5 0AA"},
			consent(jigsaw.PublishFullName, "", true, true),
			[]string{"worcs", "unison"}},
		{published("We don't want your pizza", pathology, jigsaw.StoryStaff, "WC1E", "Camden", "2025-09",
			day(2025, 9, 25), []string{"outsourcing", "pay-and-conditions"}),
			jigsaw.Person{Name: "Demo Lab Worker", Email: "demo-lab@example.invalid", Phone: "07700 900104", Postcode: "WC1E 0AA"},
			consent(jigsaw.PublishWithoutName, "", false, false),
			[]string{"hsl", "tdl", "uclh", "unite"}},
		{func() jigsaw.Story {
			s := published("No budget for respite", carerOriginal, jigsaw.StoryCarer, "DT4", "Weymouth", "2024-11",
				day(2024, 12, 5), []string{"cuts", "safety"})
			s.PublicBody = carer
			return s
		}(),
			jigsaw.Person{Name: "Demo Carer", Email: "demo-carer@example.invalid", Phone: "07700 900105", Postcode: "DT4 0AA"},
			consent(jigsaw.PublishFirstNameArea, "Alex", true, false),
			[]string{"dorset-healthcare"}},
		{published("Part of a jigsaw: why this site exists", blog, jigsaw.StoryBlog, "", "England", "2012-04-05",
			day(2024, 3, 1), []string{"conflicts-of-interest", "hospital-closures", "wasting-money", "safety", "private-patients"}),
			jigsaw.Person{Name: "Demo Campaign Writer", Email: "demo-writer@example.invalid"},
			consent(jigsaw.PublishFullName, "", true, true),
			[]string{"sha", "konp", "unite", "unison"}},
		{published("Savings for whom?", supply, jigsaw.StoryStaff, "", "England", "2006",
			day(2024, 6, 12), []string{"outsourcing", "wasting-money"}),
			jigsaw.Person{Name: "Demo Supplies Worker", Email: "demo-supplies@example.invalid", Phone: "07700 900107"},
			consent(jigsaw.PublishWithoutName, "", false, false),
			[]string{"logistics", "pasa", "novation", "dhl"}},
		{jigsaw.Story{Title: "Lobbying the board for equal pay", Body: caterer, Kind: jigsaw.StoryStaff, District: "SE1", Area: "South London",
			HappenedOn: "2025-10", Status: jigsaw.StoryAwaitingReview, KeyIssues: []string{"outsourcing", "pay-and-conditions"},
			SubmittedAt: day(2025, 10, 20)},
			jigsaw.Person{Name: "Demo Caterer", Email: "demo-caterer@example.invalid", Phone: "07700 900108", Postcode: "SE1 0AA"},
			consent(jigsaw.PublishFirstNameArea, "Jo", true, true),
			[]string{"uvw"}},
	}
}
