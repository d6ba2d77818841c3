package storetest

import (
	"testing"

	"jigsaw"
)

// Of two editors who opened the same record, the second to save is refused
// with ECONFLICT instead of overwriting the first; an update that names no
// version (an import) is not checked, and every change counts.
func (s *suite) testRecordVersions(t *testing.T) {
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	ctx, _ := mustUserContext(t, db, "editor@example.org")
	item := subCoItem(f)
	if err := db.CreateTrackerItem(ctx, item); err != nil {
		t.Fatal(err)
	}
	dispute := aghDispute(f)
	if err := db.CreateDispute(ctx, dispute); err != nil {
		t.Fatal(err)
	}
	org := &jigsaw.Organisation{Name: "Keep Our NHS Public", Kind: jigsaw.OrgCampaignGroup}
	if err := db.CreateOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}

	for _, kind := range []struct {
		name   string
		open   func() (any, int64)                 // a copy as an editor opens it, and its version
		change func(copy any, version int64) error // saves the copy, made from version
	}{
		{"danger", func() (any, int64) {
			c, err := db.FindTrackerItemByID(ctx, item.ID)
			must(t, err)
			return c, c.Version
		}, func(c any, v int64) error {
			t := c.(*jigsaw.TrackerItem)
			t.Title, t.Version = t.Title+" (edited)", v
			return db.UpdateTrackerItem(ctx, t)
		}},
		{"dispute", func() (any, int64) {
			c, err := db.FindDisputeByID(ctx, dispute.ID)
			must(t, err)
			return c, c.Version
		}, func(c any, v int64) error {
			d := c.(*jigsaw.Dispute)
			d.Summary, d.Version = d.Summary+" More.", v
			return db.UpdateDispute(ctx, d)
		}},
		{"organisation", func() (any, int64) {
			c, err := db.FindOrganisationByID(ctx, org.ID)
			must(t, err)
			return c, c.Version
		}, func(c any, v int64) error {
			o := c.(*jigsaw.Organisation)
			o.Website, o.Version = "https://example.org/"+o.Region, v
			o.Region += "x"
			return db.UpdateOrganisation(ctx, o)
		}},
	} {
		t.Run(kind.name, func(t *testing.T) {
			first, v1 := kind.open()
			second, v2 := kind.open()
			if v1 < 1 || v1 != v2 {
				t.Fatalf("two reads give versions %d and %d, want the same one from 1 up", v1, v2)
			}
			if err := kind.change(first, v1); err != nil {
				t.Fatalf("the first editor's save: %v", err)
			}
			err := kind.change(second, v2)
			if jigsaw.ErrorCode(err) != jigsaw.ECONFLICT || jigsaw.FieldErrors(err)["version"] == "" {
				t.Fatalf("the second editor's save: got %v, want ECONFLICT naming the version", err)
			}
			_, now := kind.open()
			if now != v1+1 {
				t.Fatalf("version after one save: got %d, want %d", now, v1+1)
			}
			// An update that names no version is not checked.
			third, _ := kind.open()
			if err := kind.change(third, 0); err != nil {
				t.Fatalf("an unversioned save: %v", err)
			}
			if _, last := kind.open(); last != now+1 {
				t.Fatalf("version after an unversioned save: got %d, want %d", last, now+1)
			}
		})
	}

	// A dispute's steps are part of it: adding one changes its version.
	before, err := db.FindDisputeByID(ctx, dispute.ID)
	must(t, err)
	step := &jigsaw.DisputeStep{DisputeID: dispute.ID, Kind: jigsaw.StepLobby, Date: "2025-03-01"}
	if err := db.AddDisputeStep(ctx, step); err != nil {
		t.Fatal(err)
	}
	after, err := db.FindDisputeByID(ctx, dispute.ID)
	must(t, err)
	if after.Version != before.Version+1 {
		t.Fatalf("version after a step was added: got %d, want %d", after.Version, before.Version+1)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
