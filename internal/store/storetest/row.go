package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// testStoryRowLayout checks that a story of usual length keeps its public
// text whole in its own row on PostgreSQL (schema step 9), whether written
// before that step or after: neither compressed nor moved to the TOAST
// table, from where every story page had to fetch and decompress it.
// SQLite has no TOAST table; a row there stays together until it outgrows
// a page.
func (s *suite) testStoryRowLayout(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpenDSN(t, s.newDSN(t))
	if db.Engine != store.Postgres {
		return
	}
	if _, err := db.MigrateTo(ctx, nil, 8); err != nil {
		t.Fatal(err)
	}
	// About the length of the harness corpus's stories, and as compressible
	// as prose.
	var b strings.Builder
	for i := 0; b.Len() < 900; i++ {
		fmt.Fprintf(&b, "On visit %d the ward was short of %d nurses and the porters, now employed by the subsidiary, were not told. ", i, i%7+2)
	}
	db.RenderHTML = func(md string) string { return "<p>" + strings.ReplaceAll(md, ". ", ".</p>\n<p>") + "</p>" }
	create := func(title string) int64 {
		st := &jigsaw.Story{Title: title, Body: b.String(), PublicBody: b.String(), Kind: jigsaw.StoryPatient,
			Status: jigsaw.StoryPublished, PublishedAt: time.Now()}
		if err := db.CreateStory(ctx, st, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
			t.Fatal(err)
		}
		return st.ID
	}
	before := create("Written at schema step 8")
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	after := create("Written at schema step 9")

	for _, id := range []int64{before, after} {
		// A value kept whole in the row takes its length and a header;
		// compressed, less; in the TOAST table, just its length.
		var whole bool
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT pg_column_size(public_body) > octet_length(public_body)
				AND pg_column_size(public_html) > octet_length(public_html) FROM stories WHERE id = $1`, id).Scan(&whole)
		})
		if err != nil {
			t.Fatal(err)
		}
		if !whole {
			t.Errorf("story %d: public text compressed or moved out of its row", id)
		}
	}
}
