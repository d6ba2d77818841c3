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
//
// Relevance is ranked among the searchWindow newest matches rather than all
// of them: ranking every match of a common word in a million stories takes
// hundreds of milliseconds, while the newest few hundred can be found by
// walking the index backwards and stopping early. On SQLite the rank is how
// often the words occur (in the title twice as much), for the body relative
// to its length — not FTS5's bm25(), which reads every match in the whole
// index to weigh the words (20–50 ms at a million stories, whatever the
// window): every story in the window holds every word, so that weighing
// changes little.
func (db *DB) SearchPublicStories(ctx context.Context, q string, limit int) ([]*jigsaw.PublicStory, error) {
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	var query string
	var arg any
	if db.Engine == Postgres {
		query = `SELECT ` + db.publicStorySelect("s") + ` FROM (
				SELECT id, ts_rank(search, plainto_tsquery('english', $1)) AS score FROM (
					SELECT id, search FROM stories WHERE status = 'published' AND search @@ plainto_tsquery('english', $1)
					ORDER BY id DESC LIMIT ` + itoa(searchWindow) + `) recent
				ORDER BY score DESC, id DESC LIMIT $2) best
			JOIN stories s ON s.id = best.id
			ORDER BY best.score DESC, s.id DESC`
		arg = strings.Join(words, " ")
	} else {
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = `"` + w + `"`
		}
		// story_search holds published stories only (see the triggers), so
		// the status check is a second wall, not a filter that thins results.
		// Only the best few are joined with their stories: reading the text
		// of the whole window was most of the time.
		query = `SELECT ` + db.publicStorySelect("s") + ` FROM (
				SELECT id, score FROM (
					SELECT rowid AS id, ` + SQLiteSearchScore + ` AS score FROM story_search
					WHERE story_search MATCH $1 ORDER BY rowid DESC LIMIT ` + itoa(searchWindow) + `)
				ORDER BY score DESC, id DESC LIMIT $2) best
			JOIN stories s ON s.id = best.id
			WHERE s.status = 'published'
			ORDER BY best.score DESC, s.id DESC`
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
	return out, nil
}

// SQLiteSearchScore scores a row of story_search: highlight() marks each
// matched word with one character, so the growth in length counts them.
const SQLiteSearchScore = `(length(highlight(story_search, 0, char(1), '')) - length(title)) * 2.0 +
	(length(highlight(story_search, 1, char(1), '')) - length(body)) / (1.0 + length(body) / 1000.0)`

// searchWindow is how many of the newest matches are ranked.
const searchWindow = 300

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
