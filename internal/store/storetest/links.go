package storetest

import (
	"context"
	"reflect"
	"testing"

	"jigsaw"
)

// testStoryLinksFollow checks that the links a public story is read with
// (kept in the story's row by the schema's triggers) follow every change of
// the rows they are made of, whichever way it is made.
func (s *suite) testStoryLinksFollow(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	trust := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust})
	company := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "AGH Solutions", Kind: jigsaw.OrgSubsidiary})
	story := mustCreateLinkedStory(t, db, "Porters moved to the company", jigsaw.StoryPublished, trust.ID, company.ID)
	bare := mustCreateLinkedStory(t, db, "A story about nothing in particular", jigsaw.StoryPublished)
	_, editor := mustUserContext(t, db, "links-editor@example.org")

	orgs := func(id int64) []jigsaw.OrgRef {
		t.Helper()
		got, err := db.FindPublicStoryByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return got.Organisations
	}
	if got := orgs(bare.ID); len(got) != 0 {
		t.Fatalf("story without links: got organisations %+v", got)
	}

	// Renamed: the story shows the new name and slug, in a list and a search too.
	trust.Name, trust.Slug = "Airedale and Craven Trust", "airedale-craven"
	if err := db.UpdateOrganisation(ctx, trust); err != nil {
		t.Fatal(err)
	}
	want := []jigsaw.OrgRef{{ID: company.ID, Slug: company.Slug, Name: company.Name}, {ID: trust.ID, Slug: "airedale-craven", Name: "Airedale and Craven Trust"}}
	if got := orgs(story.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("after a rename: got %+v, want %+v", got, want)
	}
	list, _, err := db.FindPublicStories(ctx, jigsaw.StoryFilter{OrgID: trust.ID})
	if err != nil || len(list) != 1 || !reflect.DeepEqual(list[0].Organisations, want) {
		t.Fatalf("list after a rename: got %+v %v", list, err)
	}
	found, err := db.SearchPublicStories(ctx, "porters", 10)
	if err != nil || len(found) != 1 || !reflect.DeepEqual(found[0].Organisations, want) {
		t.Fatalf("search after a rename: got %+v %v", found, err)
	}

	// A reply appears with its organisation, and follows that
	// organisation's name as well.
	if err := db.AddReply(ctx, story.ID, company.ID, "We deny it.", editor, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	company.Name = "AGH Facilities Ltd"
	if err := db.UpdateOrganisation(ctx, company); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindPublicStoryByID(ctx, story.ID)
	if err != nil || len(got.Replies) != 1 || got.Replies[0].Body != "We deny it." || got.Replies[0].Organisation.Name != "AGH Facilities Ltd" {
		t.Fatalf("reply after its organisation's rename: got %+v %v", got, err)
	}

	// Merged away: the story names the survivor once, and the reply is the
	// survivor's.
	if err := db.MergeOrganisations(ctx, trust.ID, company.ID); err != nil {
		t.Fatal(err)
	}
	got, err = db.FindPublicStoryByID(ctx, story.ID)
	if err != nil || len(got.Organisations) != 1 || got.Organisations[0].ID != trust.ID || len(got.Replies) != 1 || got.Replies[0].Organisation.ID != trust.ID {
		t.Fatalf("after a merge: got %+v %v", got, err)
	}

	// Links written by other means than the services (an instance import,
	// an operator's SQL) are followed too, and so is their removal.
	if err := db.ExecRaw(ctx, `INSERT INTO story_key_issues (story_id, key_issue) VALUES ($1, 'safety')`, bare.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindPublicStoryByID(ctx, bare.ID); err != nil || !reflect.DeepEqual(got.KeyIssues, []string{"safety"}) {
		t.Fatalf("key issue added by SQL: got %+v %v", got, err)
	}
	if err := db.ExecRaw(ctx, `DELETE FROM story_organisations WHERE story_id = $1`, story.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecRaw(ctx, `DELETE FROM story_replies WHERE story_id = $1`, story.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindPublicStoryByID(ctx, story.ID); err != nil || len(got.Organisations) != 0 || len(got.Replies) != 0 {
		t.Fatalf("links deleted by SQL: got %+v %v", got, err)
	}
}

// testStoryLinksMigrate checks that migrating a database made before the
// links were kept with each story fills them in.
func (s *suite) testStoryLinksMigrate(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpenDSN(t, s.newDSN(t))
	if _, err := db.MigrateTo(ctx, nil, 7); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecRaw(ctx, `INSERT INTO organisations (id, slug, name, kind, created_at, updated_at) VALUES (1, 'acme-trust', 'Acme Trust', 'nhs-trust', $1, $1)`, "2025-01-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecRaw(ctx, `INSERT INTO people (id, name, email, created_at) VALUES (1, 'P', 'p@example.invalid', $1)`, "2025-01-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO stories (id, title, body, public_body, kind, status, person_id, submitted_at, published_at, updated_at)
			VALUES (1, 'Old story', 'b', 'b', 'patient', 'published', 1, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`,
		`INSERT INTO story_key_issues (story_id, key_issue) VALUES (1, 'cuts')`,
		`INSERT INTO story_organisations (story_id, organisation_id) VALUES (1, 1)`,
	} {
		if err := db.ExecRaw(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindPublicStoryByID(ctx, 1)
	if err != nil || !reflect.DeepEqual(got.KeyIssues, []string{"cuts"}) || !reflect.DeepEqual(got.Organisations, []jigsaw.OrgRef{{ID: 1, Slug: "acme-trust", Name: "Acme Trust"}}) {
		t.Fatalf("story written before the migration: got %+v %v", got, err)
	}
}
