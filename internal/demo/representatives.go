package demo

import (
	"context"
	"fmt"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// representativesLoaded is the setting that records that the demo's people
// in public roles were loaded, so that loading again adds nothing.
const representativesLoaded = "demo.representatives_loaded"

// demoContract is the title of the demo's contract award, the danger a
// director of the company that won it declared an interest in.
const demoContract = "Pathology contract for North Central London awarded to Health Services Laboratories"

// loadRepresentatives adds the people in public roles the coalition works
// with (the 2012 notes: councillors, MPs and new mayors, focusing on Tory
// and LibDem areas; candidates; the boards of private companies moving into
// the NHS), and a company director's declared interest linked to a
// contract. Every person is invented, their office contact on
// example.invalid.
func loadRepresentatives(ctx context.Context, db *store.DB, ids map[string]int64, sum *Summary) error {
	if _, done, err := db.GetSetting(ctx, representativesLoaded); err != nil || done {
		return err
	}
	for _, c := range []struct {
		key string
		org jigsaw.Organisation
	}{
		{"wessex-council", jigsaw.Organisation{Name: "Wessex Downs District Council (demo)", Kind: jigsaw.OrgCouncil, Region: "South West"}},
		{"avonmere-council", jigsaw.Organisation{Name: "Avonmere City Council (demo)", Kind: jigsaw.OrgCouncil, Region: "South West"}},
		{"northdale-mayor", jigsaw.Organisation{Name: "Northdale Combined Authority (demo)", Kind: jigsaw.OrgCouncil, Region: "North East and Yorkshire"}},
	} {
		c.org.Normalize()
		o, err := db.FindOrganisationBySlug(ctx, c.org.Slug)
		switch jigsaw.ErrorCode(err) {
		case "":
			ids[c.key] = o.ID
			continue
		case jigsaw.ENOTFOUND:
		default:
			return err
		}
		if err := db.CreateOrganisation(ctx, &c.org); err != nil {
			return fmt.Errorf("demo organisation %q: %w", c.org.Name, err)
		}
		ids[c.key] = c.org.ID
		sum.Organisations++
	}

	contract := &jigsaw.TrackerItem{
		Kind: jigsaw.TrackerContractAward, Title: demoContract,
		Summary: "A demo contract award: pathology for the hospitals of North Central London goes to Health Services Laboratories. " +
			"One of the company's directors declared a shareholding in it while sitting on a local NHS board: a conflict of interest.",
		History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: "2025-06-02", Note: "Contract awarded (demo)."}},
		Organisations: []jigsaw.TrackerOrg{{OrgID: ids["uclh"], Role: jigsaw.RoleBuyer}, {OrgID: ids["hsl"], Role: jigsaw.RoleSupplier}},
		District:      "WC1E", Area: "Camden", KeyIssues: []string{"conflicts-of-interest", "outsourcing"},
		Sources:   []jigsaw.Source{{URL: "https://contracts.example.org/demo/pathology-north-central-london", Publisher: "Demo contract notice", PublishedOn: "2025-06"}},
		Published: true,
	}
	if err := db.CreateTrackerItem(ctx, contract); err != nil {
		return fmt.Errorf("demo danger %q: %w", contract.Title, err)
	}
	sum.TrackerItems++

	office := func(slug string) (string, string) {
		return "office." + slug + "@example.invalid", "https://example.invalid/" + slug
	}
	people := []struct {
		key string
		rep jigsaw.Representative
	}{
		// A Conservative area.
		{"", jigsaw.Representative{Name: "Harriet Example", Role: jigsaw.OfficeMP, Party: "Conservative", Area: "Wessex Downs (demo)", District: "DT1",
			FromOn: "2019-12-12", OfficePhone: "020 7946 0001", OfficeAddress: "House of Commons (demo), London SW1A 0AA"}},
		{"wessex-council", jigsaw.Representative{Name: "Giles Sample", Role: jigsaw.OfficeCouncillor, Party: "Conservative", Area: "Wessex Downs, Castle ward (demo)",
			District: "DT1", FromOn: "2021-05-06"}},
		{"wessex-council", jigsaw.Representative{Name: "Priya Placeholder", Role: jigsaw.OfficeCouncillor, Party: "Conservative", Area: "Wessex Downs, Mill ward (demo)",
			District: "DT1", FromOn: "2021-05-06"}},
		{"", jigsaw.Representative{Name: "Sam Hopeful", Role: jigsaw.OfficeCandidate, Party: "Labour", Area: "Wessex Downs (demo)", District: "DT1"}},
		{"", jigsaw.Representative{Name: "Robin Prospect", Role: jigsaw.OfficeCandidate, Party: "Green", Area: "Wessex Downs (demo)", District: "DT1"}},
		// A Liberal Democrat area.
		{"", jigsaw.Representative{Name: "Rowan Fictional", Role: jigsaw.OfficeMP, Party: "Liberal Democrat", Area: "Avonmere (demo)", District: "BA1",
			FromOn: "2024-07-04", OfficePhone: "020 7946 0002", OfficeAddress: "House of Commons (demo), London SW1A 0AA"}},
		{"avonmere-council", jigsaw.Representative{Name: "Ellis Imaginary", Role: jigsaw.OfficeCouncillor, Party: "Liberal Democrat", Area: "Avonmere, Abbey ward (demo)",
			District: "BA1", FromOn: "2023-05-04"}},
		{"", jigsaw.Representative{Name: "Dana Aspirant", Role: jigsaw.OfficeCandidate, Party: "Independent", Area: "Avonmere (demo)", District: "BA1"}},
		// A new mayor.
		{"northdale-mayor", jigsaw.Representative{Name: "Jordan Example", Role: jigsaw.OfficeMayor, Party: "Labour", Area: "Northdale (demo)", District: "BD20",
			FromOn: "2024-05-02"}},
		// The board of a private company moving into the NHS.
		{"hsl", jigsaw.Representative{Name: "Morgan Boardroom", Role: jigsaw.OfficeChiefExecutive, FromOn: "2020-01"}},
		{"hsl", jigsaw.Representative{Name: "Dr Avery Sample", Role: jigsaw.OfficeDirector, FromOn: "2022-04"}},
		{"hsl", jigsaw.Representative{Name: "Casey Ledger", Role: jigsaw.OfficeNonExecutive, FromOn: "2023-09"}},
	}
	byName := map[string]int64{}
	for _, p := range people {
		rep := p.rep
		rep.OrgID = ids[p.key]
		rep.OfficeEmail, rep.Website = office(jigsaw.Slugify(rep.Name))
		if err := db.CreateRepresentative(ctx, &rep); err != nil {
			return fmt.Errorf("demo person %q: %w", rep.Name, err)
		}
		byName[rep.Name] = rep.ID
	}
	interests := []jigsaw.Interest{
		{RepresentativeID: byName["Dr Avery Sample"], Kind: jigsaw.InterestShareholding, DeclaredOn: "2025-03-14",
			Description: "Holds shares in Health Services Laboratories while a non-executive member of a local NHS trust board that buys its pathology.",
			SourceURL:   "https://example.invalid/demo/register-of-interests", OrgID: ids["hsl"], TrackerID: contract.ID},
		{RepresentativeID: byName["Dr Avery Sample"], Kind: jigsaw.InterestDirectorship, DeclaredOn: "2022-04",
			Description: "Director of Health Services Laboratories.", OrgID: ids["hsl"]},
		{RepresentativeID: byName["Harriet Example"], Kind: jigsaw.InterestConsultancy, DeclaredOn: "2024-11",
			Description: "Paid adviser to a private healthcare group (demo).", SourceURL: "https://example.invalid/demo/members-interests"},
	}
	for i := range interests {
		if err := db.AddInterest(ctx, &interests[i]); err != nil {
			return fmt.Errorf("demo interest %q: %w", interests[i].Description, err)
		}
	}
	return db.SetSetting(ctx, representativesLoaded, time.Now().UTC().Format(time.RFC3339))
}
