package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"

	"jigsaw"
)

// SearchPublicStories returns published stories matching the words of q,
// best match first. Each engine uses its own full-text index: FTS5 on
// SQLite, a tsvector with a GIN index on PostgreSQL. Every word must match;
// punctuation and search operators in q are treated as plain text.
//
// Relevance is ranked among the newest matches (SearchWindow of them, or
// limit when that is more) rather than all of them: ranking every match of a
// common word in a million stories takes hundreds of milliseconds, while the
// newest hundred can be found without reading the rest. Ranking reads each
// match's text, a page read apiece when the matches lie far apart; the
// window is kept small for that reason (300 took 20–40 ms at a million
// stories, 100 takes 5–10). On SQLite the rank is how often the words occur
// (in the title twice as much), for the body relative to its length — not
// FTS5's bm25(), which reads every match in the whole index to weigh the
// words (20–50 ms at a million stories, whatever the window): every story in
// the window holds every word, so that weighing changes little.
func (db *DB) SearchPublicStories(ctx context.Context, q string, limit int) ([]*jigsaw.PublicStory, error) {
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	limit = clampLimit(limit)
	size := max(SearchWindow, limit)
	var window []scoredID
	var err error
	if db.Engine == Postgres {
		window, err = db.postgresSearchWindow(ctx, strings.Join(words, " "), size)
	} else {
		window, err = db.sqliteSearchWindow(ctx, words, size)
	}
	if err != nil {
		return nil, db.mapError(err)
	}
	slices.SortFunc(window, func(a, b scoredID) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(b.id, a.id)) })
	window = window[:min(len(window), limit)]
	if len(window) == 0 {
		return nil, nil
	}
	windowIDs := make([]int64, len(window))
	for i, w := range window {
		windowIDs[i] = w.id
	}
	ids := padIDs(windowIDs)
	rank := make(map[int64]int, len(window))
	for i, w := range window {
		rank[w.id] = i
	}
	// Only the best few are read whole: reading the text of the whole
	// window was most of the time.
	rows, err := db.query(ctx, `SELECT `+db.publicStorySelect()+` FROM stories s
		WHERE s.status = 'published' AND s.id IN (`+placeholders(1, len(ids))+`)`, ids...)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanPublicStory)
	if err != nil {
		return nil, db.mapError(err)
	}
	slices.SortFunc(out, func(a, b *jigsaw.PublicStory) int { return rank[a.ID] - rank[b.ID] })
	return out, nil
}

// scoredID is a match of a search and its relevance.
type scoredID struct {
	id    int64
	score float64
}

// sqliteSearchWindow scores the newest matches. story_search holds
// published stories only (see the triggers); FTS5 walks its index newest
// first and stops when the window is full.
func (db *DB) sqliteSearchWindow(ctx context.Context, words []string, size int) ([]scoredID, error) {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + w + `"`
	}
	return db.scoredIDs(ctx, `SELECT rowid, `+SQLiteSearchScore+` FROM story_search
		WHERE story_search MATCH $1 ORDER BY rowid DESC LIMIT $2`, strings.Join(quoted, " "), size)
}

// postgresSearchWindow scores the newest matches, newest first, in ranges
// of ids so that no more of the table is read than the window needs:
//
//   - The newest searchWalk stories are read in order and checked one by
//     one, without the full-text index: for common words that fills the
//     window at once, where the GIN index would have yielded every match of
//     those words in the table (tens of thousands, 50–100 ms).
//   - Older stories are searched through the index, a range at a time, each
//     range sized from how densely the words matched so far so that it
//     should hold the matches still missing; when none matched yet, all of
//     them at once (the words are rare: the index yields few matches, and
//     each range would read the index again).
//
// The result is the same as searching everything at once.
func (db *DB) postgresSearchWindow(ctx context.Context, text string, size int) ([]scoredID, error) {
	// The query is parsed once, here, and passed as a tsquery constant:
	// plainto_tsquery is not immutable, so written into the statement it
	// was parsed again for every row checked, 10 µs a row.
	var query string
	var newest int64
	if err := db.queryRow(ctx, `SELECT plainto_tsquery('english', $1)::text, COALESCE((SELECT max(id) FROM stories), 0)`,
		text).Scan(&query, &newest); err != nil {
		return nil, err
	}
	if query == "" {
		return nil, nil // stop words only
	}
	// The rank is computed for the rows kept only, outside the subquery:
	// ts_rank costs more than checking a match.
	const rank = `SELECT id, ts_rank(search, $1::tsquery) FROM (SELECT id, search FROM stories WHERE status = 'published' AND `
	// COALESCE keeps the condition away from the GIN index, so the
	// newest stories are walked through the primary key.
	lo := max(newest-searchWalk, 0)
	window, err := db.scoredIDs(ctx, rank+`COALESCE(search @@ $1::tsquery, false) AND id > $2 AND id <= $3
		ORDER BY id DESC LIMIT $4) m`, query, lo, newest, size)
	if err != nil {
		return nil, err
	}
	for len(window) < size && lo > 0 {
		hi := lo
		lo = 0
		if len(window) > 0 {
			// Enough ids for the matches still missing at the density seen
			// so far, and half as many again.
			density := float64(len(window)) / float64(newest-hi)
			lo = max(hi-max(int64(1.5*float64(size-len(window))/density), searchWalk), 0)
		}
		// Planned for these words and this range every time (an unnamed
		// statement): a plan made once for any words reads the whole index
		// for common ones, ten times slower than walking the range.
		part, err := db.scoredIDs(ctx, rank+`search @@ $1::tsquery AND id > $2 AND id <= $3
			ORDER BY id DESC LIMIT $4) m`, pgx.QueryExecModeCacheDescribe, query, lo, hi, size-len(window))
		if err != nil {
			return nil, err
		}
		window = append(window, part...)
	}
	return window, nil
}

func (db *DB) scoredIDs(ctx context.Context, query string, args ...any) ([]scoredID, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (scoredID, error) {
		var s scoredID
		err := row.Scan(&s.id, &s.score)
		return s, err
	})
}

// SQLiteSearchScore scores a row of story_search: highlight() marks each
// matched word with one character, so the growth in length counts them.
const SQLiteSearchScore = `(length(highlight(story_search, 0, char(1), '')) - length(title)) * 2.0 +
	(length(highlight(story_search, 1, char(1), '')) - length(body)) / (1.0 + length(body) / 1000.0)`

// SearchWindow is how many of the newest matches are ranked, unless more
// results are asked for.
const SearchWindow = 100

// searchWalk is how many of the newest stories PostgreSQL checks one by one
// before it turns to the full-text index.
const searchWalk = 4000

// searchWords splits q into words of letters and digits, so that no input
// can be read as query syntax by either engine.
func searchWords(q string) []string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 16 {
		words = words[:16]
	}
	return words
}
