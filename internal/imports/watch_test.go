package imports_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"jigsaw"
	"jigsaw/internal/imports"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

var (
	// Constructed from the shape of Find a Tender's release packages (see
	// testdata/README.md): two pages of a feed, the first linking to the next.
	findATenderPage1 = filepath.Join(data, "ocds", "constructed", "find-a-tender-release-package-page-1.json")
	findATenderPage2 = filepath.Join(data, "ocds", "constructed", "find-a-tender-release-package-page-2.json")
)

// Find a Tender's notices link to its notice pages, and a page of its feed
// says where the next one is.
func TestFindATender(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var pkg imports.OCDSPackage
		c := mustImport(t, db, "ocds", findATenderPage1, imports.Options{OCDS: imports.OCDSOptions{NHSOnly: true, Package: &pkg}})
		if c.Read != 1 || c.Created != 1 {
			t.Fatalf("counts = %+v, want 1 read and created", c)
		}
		if pkg.Next != "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages?cursor=MjAyNi0xMS0zMFQwOTowNToyMQ&updatedFrom=2026-11-30T00:00:00" ||
			pkg.Publisher != "Find a Tender" {
			t.Errorf("package = %+v", pkg)
		}
		item, err := db.FindTrackerItemByID(ctx, drafts(t, db)[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(item.Sources) != 1 || item.Sources[0].URL != "https://www.find-tender.service.gov.uk/Notice/092299-2026" || item.Sources[0].Publisher != "Find a Tender" {
			t.Errorf("sources = %+v", item.Sources)
		}
		if item.ValuePence != 4_200_000_00 || item.Published {
			t.Errorf("item = %+v", item)
		}
		pkg = imports.OCDSPackage{Next: "stale"}
		mustImport(t, db, "ocds", findATenderPage2, imports.Options{OCDS: imports.OCDSOptions{Package: &pkg}})
		if pkg.Next != "" {
			t.Errorf("the last page's next = %q", pkg.Next)
		}
	})
}

// The CPV filter reads the tender's classification and its items'.
func TestCPVFilter(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		health := imports.Options{OCDS: imports.OCDSOptions{CPV: []string{"851"}}}
		// Contracts Finder: the codes are on tender.items[].classification.
		if c := mustImport(t, db, "ocds", countessOfChester, health); c.Created != 1 {
			t.Errorf("Countess of Chester (85100000): %+v", c)
		}
		if c := mustImport(t, db, "ocds", nhsSBS, health); c.Created != 0 || c.Skips["CPV code not selected"] != 1 {
			t.Errorf("NHS SBS (72000000): %+v", c)
		}
		// Skipped by the filter, the release is not marked applied: a wider
		// filter imports it later.
		if c := mustImport(t, db, "ocds", nhsSBS, imports.Options{OCDS: imports.OCDSOptions{CPV: []string{"72"}}}); c.Created != 1 {
			t.Errorf("NHS SBS with 72: %+v", c)
		}
		// Find a Tender: the main code on tender.classification, the lot's
		// in its item's additionalClassifications.
		if c := mustImport(t, db, "ocds", findATenderPage1, imports.Options{OCDS: imports.OCDSOptions{CPV: []string{"8515"}}}); c.Created != 1 {
			t.Errorf("Find a Tender by its item's code: %+v", c)
		}
		if c := mustImport(t, db, "ocds", findATenderPage2, health); c.Created != 0 || c.Skipped != 1 {
			t.Errorf("Find a Tender cleaning (90910000): %+v", c)
		}
		// The fictional example's codes went through a spreadsheet: 45233130.0.
		if c := mustImport(t, db, "ocds", fictional, imports.Options{OCDS: imports.OCDSOptions{CPV: []string{"45233130"}}}); c.Skips["CPV code not selected"] != 0 {
			t.Errorf("fictional: %+v", c)
		}
	})
}

// The region filter reads the buyer's ITL code (Find a Tender) or its
// postcode (Contracts Finder), and leaves the releases it skips unmarked.
func TestRegionFilter(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		in := func(regions ...string) imports.Options {
			return imports.Options{OCDS: imports.OCDSOptions{Regions: regions}}
		}
		// The Countess of Chester's postcode is written CH21UL.
		if c := mustImport(t, db, "ocds", countessOfChester, in("M", "UKE")); c.Created != 0 || c.Skips["buyer outside the regions"] != 1 {
			t.Errorf("Countess of Chester outside M and UKE: %+v", c)
		}
		if c := mustImport(t, db, "ocds", countessOfChester, in("CH2")); c.Created != 1 {
			t.Errorf("Countess of Chester in CH2: %+v", c)
		}
		// NHS SBS is at M50 2UW: in the area M, not in MK.
		if c := mustImport(t, db, "ocds", nhsSBS, in("MK")); c.Created != 0 {
			t.Errorf("NHS SBS in MK: %+v", c)
		}
		if c := mustImport(t, db, "ocds", nhsSBS, in("M")); c.Created != 1 {
			t.Errorf("NHS SBS in M: %+v", c)
		}
		// Find a Tender's buyer is in UKD (North West England).
		if c := mustImport(t, db, "ocds", findATenderPage1, in("UKD4")); c.Created != 0 {
			t.Errorf("Find a Tender in UKD4: %+v", c)
		}
		if c := mustImport(t, db, "ocds", findATenderPage1, in("UKD")); c.Created != 1 {
			t.Errorf("Find a Tender in UKD: %+v", c)
		}
	})
}

// The domain's lists of encodings and ODS kinds, which the admin's form
// offers, are ones the importer reads.
func TestWatchChoicesKnownToImporter(t *testing.T) {
	for _, e := range jigsaw.WatchEncodings {
		if !imports.ValidEncoding(e.Value) {
			t.Errorf("encoding %q unknown to the importer", e.Value)
		}
	}
	for _, k := range jigsaw.WatchODSKinds {
		if k.Value != "" && !slices.Contains(imports.ODSKinds, k.Value) {
			t.Errorf("ODS kind %q unknown to the importer", k.Value)
		}
	}
}
