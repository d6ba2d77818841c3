package store

import (
	"context"
	"strings"
	"unicode"

	"jigsaw"
)

// SearchPublicStories returns published stories matching the words of q,
// best match first. Each engine uses its own full-text index: FTS5 on
// SQLite, a tsvector with a GIN index on PostgreSQL. Every word must match;
// punctuation and search operators in q are treated as plain text.
func (db *DB) SearchPublicStories(ctx context.Context, q string, limit int) ([]*jigsaw.PublicStory, error) {
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	var query string
	var arg any
	if db.Engine == Postgres {
		query = `SELECT ` + publicStoryColumns + ` FROM stories
			WHERE status = 'published' AND search @@ plainto_tsquery('english', $1)
			ORDER BY ts_rank(search, plainto_tsquery('english', $1)) DESC, id DESC LIMIT $2`
		arg = strings.Join(words, " ")
	} else {
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = `"` + w + `"`
		}
		query = `SELECT ` + prefixed("s.", publicStoryColumns) + ` FROM story_search
			JOIN stories s ON s.id = story_search.rowid
			WHERE story_search MATCH $1 AND s.status = 'published'
			ORDER BY bm25(story_search, 2.0, 1.0), s.id DESC LIMIT $2`
		arg = strings.Join(quoted, " ")
	}
	rows, err := db.query(ctx, query, arg, clampLimit(limit))
	if err != nil {
		return nil, db.mapError(err)
	}
	defer rows.Close()
	var out []*jigsaw.PublicStory
	for rows.Next() {
		s, err := scanPublicStory(rows)
		if err != nil {
			return nil, db.mapError(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, db.mapError(err)
	}
	rows.Close()
	return out, db.attachStoryLinks(ctx, out)
}

// searchWords splits q into words of letters and digits, so that no input
// can be read as query syntax by either engine.
func searchWords(q string) []string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 16 {
		words = words[:16]
	}
	return words
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = p + c
	}
	return strings.Join(cols, ", ")
}
