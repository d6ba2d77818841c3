package storetest

import (
	"context"
	"fmt"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
)

// testImportBatch checks that an import's batched writes and lookups made
// in advance answer as the database would: items waiting to be written are
// found by their keys, organisations written after a lookup in advance are
// found, and everything is in the database once the import commits.
func (s *suite) testImportBatch(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	existing := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Acme Cleaning Ltd", Kind: jigsaw.OrgCompany, CompanyNumber: "01234567"})
	item := func(key string) *jigsaw.TrackerItem {
		return &jigsaw.TrackerItem{Kind: jigsaw.TrackerContractAward, Title: "Contract " + key, SourceKey: key,
			History:       []jigsaw.StatusChange{{Status: jigsaw.TrackerDecided, On: "2024-01-02"}},
			Organisations: []jigsaw.TrackerOrg{{OrgID: f.trust.ID, Role: jigsaw.RoleBuyer}}}
	}
	var created []*jigsaw.TrackerItem
	err := db.Import(ctx, &jigsaw.ImportRun{Kind: "ocds", Source: "test"}, false, func(it *store.ImportTx) error {
		err := it.Prefetch(store.Prefetch{OCIDs: []string{"ocds-1", "ocds-2"}, SourceKeys: []string{"k1", "k2"},
			CompanyNumbers: []string{"01234567", "07654321"}, Names: []string{"Acme Cleaning Ltd", "New Co Ltd", "new co ltd"}})
		if err != nil {
			return err
		}
		if o, err := it.OrganisationByCompanyNumber("01234567"); err != nil || o == nil || o.ID != existing.ID {
			return fmt.Errorf("by number, looked up in advance: %v, %v; want %d", o, err, existing.ID)
		}
		if o, err := it.OrganisationByName("NEW CO LTD"); err != nil || o != nil {
			return fmt.Errorf("a name not taken: %v, %v", o, err)
		}
		// Two new companies of one name: the second gets a slug of its own,
		// and a name lookup finds the oldest.
		first := &jigsaw.Organisation{Name: "New Co Ltd", Kind: jigsaw.OrgCompany, CompanyNumber: "07654321"}
		second := &jigsaw.Organisation{Name: "New Co Ltd", Kind: jigsaw.OrgCompany}
		for _, o := range []*jigsaw.Organisation{first, second} {
			if err := it.CreateOrganisation(o); err != nil {
				return err
			}
		}
		if first.Slug == second.Slug {
			return fmt.Errorf("both organisations have slug %q", first.Slug)
		}
		if o, err := it.OrganisationByName("new co ltd"); err != nil || o == nil || o.ID != first.ID {
			return fmt.Errorf("by name after creating it: %v, %v; want %d", o, err, first.ID)
		}
		if o, err := it.OrganisationByCompanyNumber("07654321"); err != nil || o == nil || o.ID != first.ID {
			return fmt.Errorf("by number after creating it: %v, %v; want %d", o, err, first.ID)
		}
		for _, key := range []string{"k1", "k2"} {
			if old, err := it.TrackerItemBySourceKey(key); err != nil || old != nil {
				return fmt.Errorf("key %s before its item: %v, %v", key, old, err)
			}
			t := item(key)
			if err := it.CreateTrackerItem(t); err != nil {
				return err
			}
			created = append(created, t)
		}
		if err := it.MarkOCDSRelease("ocds-1", "r1", "2024-01-02T00:00:00Z"); err != nil {
			return err
		}
		if applied, newest, err := it.OCDSRelease("ocds-1", "r1"); err != nil || !applied || newest != "2024-01-02T00:00:00Z" {
			return fmt.Errorf("a release marked and waiting: %v %q %v", applied, newest, err)
		}
		// An item waiting to be written is found, written, by its key.
		got, err := it.TrackerItemBySourceKey("k1")
		if err != nil || got == nil || got.ID != created[0].ID || got.ID == 0 {
			return fmt.Errorf("waiting item by key: %v, %v", got, err)
		}
		if err := it.CreateTrackerItem(item("k2")); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
			return fmt.Errorf("a second item with a waiting key: %v, want a conflict", err)
		}
		// The next batch sees what this one wrote.
		if err := it.Prefetch(store.Prefetch{OCIDs: []string{"ocds-1"}, SourceKeys: []string{"k2"}}); err != nil {
			return err
		}
		if applied, _, err := it.OCDSRelease("ocds-1", "r1"); err != nil || !applied {
			return fmt.Errorf("a release written: %v %v", applied, err)
		}
		if got, err := it.TrackerItemBySourceKey("k2"); err != nil || got == nil {
			return fmt.Errorf("an item written, by key: %v, %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range created {
		got, err := db.FindTrackerItemByID(ctx, c.ID)
		if err != nil {
			t.Fatalf("item %q (id %d) after the import: %v", c.SourceKey, c.ID, err)
		}
		if got.Title != c.Title || len(got.Organisations) != 1 || got.Organisations[0].Name != f.trust.Name {
			t.Errorf("item %d: %+v", c.ID, got)
		}
		revs, err := db.FindRevisions(ctx, jigsaw.ObjectTrackerItem, c.ID)
		if err != nil || len(revs) != 1 || revs[0].Action != "create" || revs[0].Actor != "import ocds test" {
			t.Errorf("revisions of item %d: %+v, %v", c.ID, revs, err)
		}
	}
	// A later item made outside the import gets an id of its own.
	later := item("k3")
	if err := db.CreateTrackerItem(ctx, later); err != nil {
		t.Fatal(err)
	}
	if later.ID <= created[1].ID {
		t.Errorf("item made after the import has id %d, the import's last %d", later.ID, created[1].ID)
	}
}
