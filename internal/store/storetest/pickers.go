package storetest

import (
	"context"
	"fmt"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
)

// testPickers checks the searches behind the forms' pickers: organisations
// by the first letters of their words or by code, among thousands, and
// stories and disputes by title, unpublished stories never.
func (s *suite) testPickers(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	f := mustFixture(t, db)
	// Thousands of organisations, as after a full ODS import.
	err := db.Import(ctx, &jigsaw.ImportRun{Kind: "ods", Source: "test"}, false, func(it *store.ImportTx) error {
		for i := range 3000 {
			o := &jigsaw.Organisation{Name: fmt.Sprintf("Practice %04d Surgery", i), Kind: jigsaw.OrgGPPractice, ODSCode: fmt.Sprintf("B%05d", i)}
			if err := it.CreateOrganisation(o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	renamed := mustCreateOrg(t, db, &jigsaw.Organisation{Name: "Old Name Trust", Kind: jigsaw.OrgNHSTrust})
	renamed.Name = "Bradford District Care NHS Foundation Trust"
	if err := db.UpdateOrganisation(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	names := func(list []*jigsaw.Organisation) []string {
		out := make([]string, len(list))
		for i, o := range list {
			out[i] = o.Name
		}
		return out
	}
	for _, tt := range []struct {
		q     string
		limit int
		want  []string
	}{
		{"aire", 10, []string{"Airedale NHS Foundation Trust"}},
		{"AIREDALE trust", 10, []string{"Airedale NHS Foundation Trust"}},
		{"foundation", 10, []string{"Airedale NHS Foundation Trust", "Bradford District Care NHS Foundation Trust"}},
		{"solutions", 10, []string{"AGH Solutions Ltd"}},
		{"rcf", 10, []string{"Airedale NHS Foundation Trust"}},
		{"10660279", 10, []string{"AGH Solutions Ltd"}},
		{"b01234", 10, []string{"Practice 1234 Surgery"}},
		{"practice 2999", 10, []string{"Practice 2999 Surgery"}},
		{"surgery", 3, []string{"Practice 0000 Surgery", "Practice 0001 Surgery", "Practice 0002 Surgery"}},
		{"old name", 10, nil},
		{"care", 10, []string{"Bradford District Care NHS Foundation Trust"}},
		{`"; DROP TABLE x --`, 10, nil},
		{"NEAR(a b) OR * :", 10, nil},
		{"   ", 10, nil},
		// Names that begin with the words come before those that hold them.
		{"d", 2, []string{"DHL", "Bradford District Care NHS Foundation Trust"}},
	} {
		got, err := db.SearchOrganisations(ctx, tt.q, tt.limit)
		if err != nil {
			t.Fatalf("SearchOrganisations(%q): %v", tt.q, err)
		}
		if fmt.Sprint(names(got)) != fmt.Sprint(tt.want) {
			t.Errorf("SearchOrganisations(%q) = %q; want %q", tt.q, names(got), tt.want)
		}
	}

	// Whatever is typed is plain text to both engines' query syntax.
	for _, q := range []string{`a'b`, `ab\`, "ǅx", "e\u0301", "١٢٣", "ﬁn", "straße", "İstanbul", "😀 trust", "x:*", "a & !b | c",
		"(a", `"a`, "NOT", "AND OR", "a-b", "a.b", "1.5", "a_b", "日本語", "\u200bzero"} {
		if _, err := db.SearchOrganisations(ctx, q, 10); err != nil {
			t.Errorf("SearchOrganisations(%q): %v", q, err)
		}
		if _, err := db.SearchPublicStoryTitles(ctx, q, 10); err != nil {
			t.Errorf("SearchPublicStoryTitles(%q): %v", q, err)
		}
		if _, err := db.SearchDisputeTitles(ctx, q, 10); err != nil {
			t.Errorf("SearchDisputeTitles(%q): %v", q, err)
		}
	}

	stories, err := db.SearchPublicStoryTitles(ctx, "second cit", 10)
	if err != nil || len(stories) != 1 || stories[0].ID != f.story.ID || stories[0].Title != "Second-class citizens" {
		t.Fatalf("SearchPublicStoryTitles: got %+v %v; want the published story", stories, err)
	}
	for _, q := range []string{"private title", "awaiting", "Zebedee", "text"} {
		if got, err := db.SearchPublicStoryTitles(ctx, q, 10); err != nil || len(got) != 0 {
			t.Errorf("SearchPublicStoryTitles(%q) = %+v %v; want nothing (unpublished, or not the title)", q, got, err)
		}
	}
	d := aghDispute(f)
	if err := db.CreateDispute(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"agh parity", "AGENDA", "change"} {
		if got, err := db.SearchDisputeTitles(ctx, q, 10); err != nil || len(got) != 1 || got[0].ID != d.ID || got[0].Title != d.Title {
			t.Errorf("SearchDisputeTitles(%q) = %+v %v; want the dispute", q, got, err)
		}
	}
	if got, err := db.SearchDisputeTitles(ctx, "100%", 10); err != nil || len(got) != 0 {
		t.Errorf("SearchDisputeTitles(100%%) = %+v %v; want nothing", got, err)
	}
}
