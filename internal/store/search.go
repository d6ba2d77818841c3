package store

import (
	"cmp"
	"context"
	"html"
	"slices"
	"strings"
	"time"
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
// common word in a large archive reads all of them, while the newest
// hundred can be found without reading the rest. Ranking reads each
// match's text, a page read apiece when the matches lie far apart; the
// window is kept small for that reason (its cost grows with its size, and
// search latency is a goal in docs/benchmarks.md). On SQLite the rank is how
// often the words occur (in the title twice as much), for the body relative
// to its length — not FTS5's bm25(), which reads every match in the whole
// index to weigh the words, whatever the window: every story in the window
// holds every word, so that weighing changes little.
func (db *DB) SearchPublicStories(ctx context.Context, q string, limit int) (_ []*jigsaw.PublicStory, err error) {
	defer wrap(&err, "store.SearchPublicStories")
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	limit = clampLimit(limit)
	size := max(SearchWindow, limit)
	var window []scoredID
	if db.Engine == Postgres {
		window, err = db.postgresSearchWindow(ctx, words, size)
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
// of ids so that no more of the table is read than the window needs. There
// are two ways to find them, and the cheaper is chosen from how often the
// words occur (PostgreSQL's statistics, see lexemeStats):
//
//   - Walking the newest stories in order through the primary key and
//     checking each one's search vector: the cost is the stories walked,
//     about size / density of them. It wins for words that occur together
//     often, where the full-text index would yield every match in the table.
//   - The full-text index, for a range of ids sized to hold the window at
//     that density, which a BRIN index of ids narrows to its pages (schema
//     step 12). The index reads the posting lists of the words, skipping
//     through the common ones by the rarest: the cost follows the rarest
//     word's matches in the whole table.
//
// The costs of each (walkCost and the rest) were measured at a million
// stories; where the two ways cost about the same, neither is cheap: words
// that are each fairly common but rarely found together are slow to find
// either way. Whatever remains after a walk,
// or after a range that held fewer matches than estimated, is searched
// through the index, each range sized from the density seen so far. The
// result is the same as searching everything at once.
func (db *DB) postgresSearchWindow(ctx context.Context, words []string, size int) ([]scoredID, error) {
	// The query is parsed once, here, and passed as a tsquery constant:
	// plainto_tsquery is not immutable, so written into the statement it
	// was parsed again for every row checked. Each word is
	// parsed alone too, for its lexemes (see wordFrequency); a word is
	// letters and digits, so no tsquery of one holds a line break.
	var query, wordQueries string
	var newest int64
	if err := db.queryRow(ctx, `SELECT plainto_tsquery('english', $1)::text,
		array_to_string(ARRAY(SELECT plainto_tsquery('english', w)::text FROM unnest($2::text[]) WITH ORDINALITY u(w, i) ORDER BY i), E'\n'),
		COALESCE((SELECT max(id) FROM stories), 0)`,
		strings.Join(words, " "), words).Scan(&query, &wordQueries, &newest); err != nil {
		return nil, err
	}
	if query == "" || newest == 0 {
		return nil, nil // stop words only, or no stories
	}
	stats, err := db.searchStats.get(ctx, searchStatsAge, db.readLexemeStats)
	if err != nil {
		return nil, err
	}
	density, rarest := 1.0, 1.0
	for _, wq := range strings.Split(wordQueries, "\n") {
		if f, ok := stats.wordFrequency(wq); ok {
			density *= f
			rarest = min(rarest, f)
		}
	}
	stories := float64(newest)
	walk := float64(size) / density // stories walked to fill the window
	// The rank is computed for the rows kept only, outside the subquery:
	// ts_rank costs more than checking a match.
	const rank = `SELECT id, ts_rank(search, $1::tsquery) FROM (SELECT id, search FROM stories WHERE status = 'published' AND `
	var window []scoredID
	hi := newest
	// Without statistics (the table was never analysed) the density is
	// unknown: a walk of the newest stories measures it.
	known := len(stats.freq) > 0
	if !known || walk*walkCost <= rarest*stories*indexCost {
		// Twice the stories expected to hold the window: the walk stops
		// when it is full, and the range bounds it when the estimate was
		// too high. COALESCE keeps the condition away from the full-text
		// index, so the stories are walked through the primary key.
		span := 2 * walk
		if !known {
			span = unknownWalk
		}
		lo := max(newest-int64(span), 0)
		window, err = db.scoredIDs(ctx, rank+`COALESCE(search @@ $1::tsquery, false) AND id > $2 AND id <= $3
			ORDER BY id DESC LIMIT $4) m`, query, lo, newest, size)
		if err != nil {
			return nil, err
		}
		hi = lo
	}
	for len(window) < size && hi > 0 {
		if len(window) > 0 {
			density = float64(len(window)) / float64(newest-hi)
		}
		// Enough ids for the matches still missing at that density, and
		// half as many again; everything left when none matched so far
		// beyond the first range (the words are rarer than estimated).
		lo := max(hi-int64(1.5*float64(size-len(window))/density), 0)
		if len(window) == 0 && hi < newest {
			lo = 0
		}
		// The BRIN index costs by the pages of the range; without it every
		// match below hi is read from the table to learn its id. For rare
		// words the range is wide and the matches few: then the matches are
		// read (id + 0 keeps the BRIN index out).
		cond := `search @@ $1::tsquery AND id > $2 AND id <= $3`
		if lo == 0 || float64(hi-lo)*rangeCost >= density*float64(hi)*fetchCost {
			lo = 0
			cond = `search @@ $1::tsquery AND id + 0 > $2 AND id <= $3`
		}
		// Planned for these words and this range every time (an unnamed
		// statement): a plan made once for any words reads the whole index
		// for common ones, far slower than walking the range.
		part, err := db.scoredIDs(ctx, rank+cond+` ORDER BY id DESC LIMIT $4) m`,
			pgx.QueryExecModeCacheDescribe, query, lo, hi, size-len(window))
		if err != nil {
			return nil, err
		}
		window = append(window, part...)
		hi = lo
	}
	return window, nil
}

// The costs, in microseconds, of finding matches by walking the newest
// stories (per story walked), through the full-text index (per match of
// the rarest word in the whole table), of narrowing the index's matches to a
// range of ids with the BRIN index (per id in the range) and of reading a
// match from the table instead (per match), measured at a million stories.
const (
	walkCost  = 1.6
	indexCost = 0.8
	rangeCost = 0.014
	fetchCost = 10
)

// unknownWalk is how many of the newest stories are walked when there are
// no statistics to estimate from.
const unknownWalk = 4000

// searchStatsAge is how long PostgreSQL's word statistics are kept before
// they are read again. They change when the table is analysed, which
// autovacuum does as a tenth of it changes.
const searchStatsAge = 10 * time.Minute

// lexemeStats holds what PostgreSQL's statistics know of the lexemes in
// stories' search vectors (ANALYZE samples them): the share of stories
// that hold each of the most common, and for any other lexeme a share it is
// assumed not to exceed, as the planner assumes.
type lexemeStats struct {
	freq  map[string]float64
	other float64
}

func (db *DB) readLexemeStats(ctx context.Context) (lexemeStats, error) {
	// most_common_elem_freqs holds a share for each element, then the least
	// and the greatest of them.
	rows, err := db.query(ctx, `SELECT u.e, u.f, s.most_common_elem_freqs[cardinality(s.most_common_elem_freqs) - 1]
		FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(e, f)
		WHERE s.schemaname = current_schema() AND s.tablename = 'stories' AND s.attname = 'search' AND u.e IS NOT NULL`)
	if err != nil {
		return lexemeStats{}, err
	}
	defer rows.Close()
	// With no statistics yet (a new or small table), PostgreSQL's own
	// default share of matches.
	st := lexemeStats{freq: map[string]float64{}, other: 0.005}
	for rows.Next() {
		var e string
		var f, least float64
		if err := rows.Scan(&e, &f, &least); err != nil {
			return lexemeStats{}, err
		}
		st.freq[e] = f
		st.other = min(0.005, least/2)
	}
	return st, rows.Err()
}

// wordFrequency estimates the share of stories holding a word, given as the
// tsquery PostgreSQL made of it alone ('x-ray' & 'x' & 'ray'); false for a
// stop word. The lexemes of one word occur together, so the word is as
// frequent as its rarest lexeme, not their product.
func (st lexemeStats) wordFrequency(wordQuery string) (float64, bool) {
	f, found := 1.0, false
	for _, lexeme := range tsqueryLexemes(wordQuery) {
		lf, ok := st.freq[lexeme]
		if !ok {
			lf = st.other
		}
		f, found = min(f, lf), true
	}
	return f, found
}

// tsqueryLexemes returns the quoted lexemes of a tsquery's text, in which a
// quote within a lexeme is doubled.
func tsqueryLexemes(q string) []string {
	var out []string
	for {
		start := strings.IndexByte(q, '\'')
		if start < 0 {
			return out
		}
		q = q[start+1:]
		var b strings.Builder
		for {
			end := strings.IndexByte(q, '\'')
			if end < 0 {
				return out // unterminated: not from PostgreSQL
			}
			b.WriteString(q[:end])
			if strings.HasPrefix(q[end:], "''") {
				b.WriteByte('\'')
				q = q[end+2:]
				continue
			}
			q = q[end+1:]
			break
		}
		out = append(out, b.String())
	}
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

// searchWords splits q into words of letters and digits, so that no input
// can be read as query syntax by either engine.
func searchWords(q string) []string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 16 {
		words = words[:16]
	}
	return words
}

// searchKind is how one kind of public record is searched. Conditions are
// written on the record's table as t, each "?" standing for an argument
// (see where).
type searchKind struct {
	typ   jigsaw.SearchType
	table string
	// fts is SQLite's FTS5 index of the kind's public text, holding only
	// public records; score scores one of its rows, as SQLiteSearchScore
	// does for stories.
	fts, score string
	// public is the condition that makes a record public ("" when all are).
	public string
	// issue, district and org filter by key issue, postcode district and
	// organisation; "" when the kind has no such thing.
	issue, district, org string
	// date is the record's date: a timestamp when dateIsTime, otherwise a
	// text date (YYYY-MM-DD, YYYY-MM or YYYY; '' when not known).
	date       string
	dateIsTime bool
	// title and body are its public text, from which PostgreSQL's snippet
	// is made; config is the text search configuration of its tsvector.
	title, body, config string
}

// titleBodyScore scores a row of an FTS5 index with columns title and body.
func titleBodyScore(fts string) string {
	return strings.ReplaceAll(SQLiteSearchScore, "story_search", fts)
}

// SQLiteSearchScoreOf is how SearchPublic scores a row of the FTS5 index
// fts: for the benchmark's raw queries, which rank as Jigsaw does.
func SQLiteSearchScoreOf(fts string) string {
	for _, k := range searchKinds {
		if k.fts == fts {
			return k.score
		}
	}
	return ""
}

// searchKinds are the kinds of record SearchPublic finds, in the order
// equal scores are listed in.
var searchKinds = []searchKind{{
	typ: jigsaw.SearchStory, table: "stories", fts: "story_search", score: SQLiteSearchScore,
	public:   "t.status = 'published'",
	issue:    "EXISTS (SELECT 1 FROM story_key_issues k WHERE k.story_id = t.id AND k.key_issue = ?)",
	district: "t.district = ?",
	org:      "EXISTS (SELECT 1 FROM story_organisations o WHERE o.story_id = t.id AND o.organisation_id = ?)",
	date:     "t.published_at", dateIsTime: true,
	title: "t.title", body: "t.public_body", config: "english",
}, {
	typ: jigsaw.SearchDanger, table: "tracker_items", fts: "tracker_search", score: titleBodyScore("tracker_search"),
	public:   "t.published_at IS NOT NULL",
	issue:    "EXISTS (SELECT 1 FROM tracker_key_issues k WHERE k.tracker_id = t.id AND k.key_issue = ?)",
	district: "t.district = ?",
	org:      "EXISTS (SELECT 1 FROM tracker_organisations o WHERE o.tracker_id = t.id AND o.organisation_id = ?)",
	date:     "t.reported_on",
	title:    "t.title", body: "t.summary", config: "english",
}, {
	typ: jigsaw.SearchDispute, table: "disputes", fts: "dispute_search", score: titleBodyScore("dispute_search"),
	issue:    "EXISTS (SELECT 1 FROM dispute_key_issues k WHERE k.dispute_id = t.id AND k.key_issue = ?)",
	district: "t.district = ?",
	org:      "EXISTS (SELECT 1 FROM dispute_parties o WHERE o.dispute_id = t.id AND o.organisation_id = ?)",
	date:     "t.last_step_on",
	title:    "t.title", body: "t.summary || ' ' || t.outcome", config: "english",
}, {
	// Organisations are found through the pickers' index of names and
	// codes (schema step 19): words, not stems.
	typ: jigsaw.SearchOrganisation, table: "organisations", fts: "organisation_search",
	score: `(length(highlight(organisation_search, 0, char(1), '')) - length(name)) * 2.0 +
		(length(highlight(organisation_search, 1, char(1), '')) - length(codes)) * 2.0`,
	org:   "(t.id = ? OR t.parent_id = ?)",
	title: "t.name", body: "t.name || ' ' || t.ods_code || ' ' || t.company_number", config: "simple",
}, {
	// Campaigns are public whole (schema step 24); their date is when
	// they started.
	typ: jigsaw.SearchCampaign, table: "campaigns", fts: "campaign_search", score: titleBodyScore("campaign_search"),
	issue: `(EXISTS (SELECT 1 FROM campaign_tracker_items l JOIN tracker_key_issues k ON k.tracker_id = l.tracker_id
			JOIN tracker_items d ON d.id = l.tracker_id WHERE l.campaign_id = t.id AND k.key_issue = ? AND d.published_at IS NOT NULL)
		OR EXISTS (SELECT 1 FROM campaign_disputes l JOIN dispute_key_issues k ON k.dispute_id = l.dispute_id
			WHERE l.campaign_id = t.id AND k.key_issue = ?))`,
	district: "t.district = ?",
	org:      "EXISTS (SELECT 1 FROM campaign_organisations o WHERE o.campaign_id = t.id AND o.organisation_id = ?)",
	date:     "t.started_on",
	title:    "t.name", body: "t.aim", config: "english",
}, {
	// Public events only: members-only ones are kept out of the index.
	typ: jigsaw.SearchEvent, table: "events", fts: "event_search", score: titleBodyScore("event_search"),
	public:   "NOT t.members_only",
	district: "t.district = ?",
	org:      "EXISTS (SELECT 1 FROM event_organisers o WHERE o.event_id = t.id AND o.organisation_id = ?)",
	date:     "t.starts_at", dateIsTime: true,
	title: "t.title", body: "t.description || ' ' || t.venue || ' ' || t.conclusions", config: "english",
}, {
	typ: jigsaw.SearchTopic, table: "topics", fts: "topic_search", score: titleBodyScore("topic_search"),
	org:   "EXISTS (SELECT 1 FROM topic_organisations o WHERE o.topic_id = t.id AND o.organisation_id = ?)",
	title: "t.title", body: "t.notes", config: "english",
}, {
	typ: jigsaw.SearchPledge, table: "pledges", fts: "pledge_search", score: titleBodyScore("pledge_search"),
	org:   "(t.keeper_id = ? OR EXISTS (SELECT 1 FROM pledge_targets o WHERE o.pledge_id = t.id AND o.organisation_id = ?))",
	title: "t.title", body: "t.summary", config: "english",
}, {
	typ: jigsaw.SearchRepresentative, table: "representatives", fts: "representative_search", score: titleBodyScore("representative_search"),
	district: "t.district = ?",
	org:      "t.organisation_id = ?",
	title:    "t.name", body: "t.role || ' ' || t.party || ' ' || t.area", config: "english",
}, {
	typ: jigsaw.SearchResource, table: "resources", fts: "resource_search", score: titleBodyScore("resource_search"),
	issue: "EXISTS (SELECT 1 FROM resource_key_issues k WHERE k.resource_id = t.id AND k.key_issue = ?)",
	org:   "t.organisation_id = ?",
	title: "t.title", body: "t.summary", config: "english",
}, {
	typ: jigsaw.SearchPlan, table: "plans", fts: "plan_search", score: titleBodyScore("plan_search"),
	title: "t.name", body: "t.description || ' ' || t.anchor_label", config: "english",
}}

// conds adds the filter's conditions for the kind to w; false if the
// filter asks for something the kind does not have.
func (k *searchKind) conds(w *where, f jigsaw.SearchFilter) bool {
	if f.Type != "" && f.Type != k.typ {
		return false
	}
	for _, c := range []struct {
		cond  string
		arg   any
		given bool
	}{
		{k.issue, f.KeyIssue, f.KeyIssue != ""},
		{k.district, jigsaw.NormalizeDistrict(f.District), f.District != ""},
		{k.org, f.OrgID, f.OrgID != 0},
	} {
		if !c.given {
			continue
		}
		if c.cond == "" {
			return false
		}
		args := make([]any, strings.Count(c.cond, "?"))
		for i := range args {
			args[i] = c.arg
		}
		w.add(c.cond, args...)
	}
	if f.Since.IsZero() && f.Until.IsZero() {
		return true
	}
	if k.date == "" {
		return false
	}
	if k.dateIsTime {
		if !f.Since.IsZero() {
			w.add(k.date+" >= ?", f.Since.UTC())
		}
		if !f.Until.IsZero() {
			w.add(k.date+" < ?", f.Until.UTC().AddDate(0, 0, 1))
		}
		return true
	}
	// Text dates sort as times do; a date known to the month or year
	// compares before its month's or year's days.
	w.add(k.date + " <> ''")
	if !f.Since.IsZero() {
		w.add(k.date+" >= ?", f.Since.Format("2006-01-02"))
	}
	if !f.Until.IsZero() {
		w.add(k.date+" <= ?", f.Until.Format("2006-01-02"))
	}
	return true
}

// searchMatch is a record a search matched and its relevance.
type searchMatch struct {
	kind int // index in searchKinds
	scoredID
}

// SearchPublic implements jigsaw.SearchService. Each kind is searched
// through its engine's own index and its newest matches ranked, as
// SearchPublicStories ranks stories: SearchWindow of them, or as many as
// the page asked for needs. The ranked matches of every kind are then
// ordered by relevance together, and only the page's records are read for
// their titles and snippets.
func (db *DB) SearchPublic(ctx context.Context, f jigsaw.SearchFilter) (_ *jigsaw.SearchResult, err error) {
	defer wrap(&err, "store.SearchPublic")
	words := searchWords(f.Query)
	if len(words) == 0 {
		if strings.TrimSpace(f.Query) != "" {
			return nil, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The search has no words to look for: use letters or digits.",
				Fields: map[string]string{"q": "has no words to look for: use letters or digits."}}
		}
		return &jigsaw.SearchResult{}, nil
	}
	limit, offset := min(clampLimit(f.Limit), jigsaw.SearchDepth), min(max(f.Offset, 0), jigsaw.SearchDepth)
	size := max(SearchWindow, offset+limit)
	queries, err := db.searchQueries(ctx, words)
	if err != nil {
		return nil, db.mapError(err)
	}
	res := &jigsaw.SearchResult{}
	var all []searchMatch
	for i := range searchKinds {
		k := &searchKinds[i]
		// The query is the first argument, $1, the filters' the rest.
		w := where{args: []any{queries[k.config]}}
		if queries[k.config] == "" || !k.conds(&w, f) {
			continue
		}
		ms, err := db.searchKind(ctx, k, words, w, size+1)
		if err != nil {
			return nil, db.mapError(err)
		}
		if len(ms) > size {
			res.More = true
			ms = ms[:size]
		}
		for _, m := range ms {
			all = append(all, searchMatch{i, m})
		}
	}
	slices.SortFunc(all, func(a, b searchMatch) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.kind, b.kind), cmp.Compare(b.id, a.id))
	})
	res.Total = len(all)
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	if res.Hits, err = db.searchHits(ctx, page, queries); err != nil {
		return nil, db.mapError(err)
	}
	return res, nil
}

// searchQueries returns the query each text search configuration makes of
// the words: on SQLite, the FTS5 query of them quoted, each a plain word;
// on PostgreSQL, each configuration's tsquery as text, "" when it has no
// lexemes (stop words only). It is parsed once here and passed as a
// constant, as postgresSearchWindow does.
func (db *DB) searchQueries(ctx context.Context, words []string) (map[string]string, error) {
	if db.Engine != Postgres {
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = `"` + w + `"`
		}
		q := strings.Join(quoted, " ")
		return map[string]string{"english": q, "simple": q}, nil
	}
	var english, simple string
	err := db.queryRow(ctx, `SELECT plainto_tsquery('english', $1)::text, plainto_tsquery('simple', $1)::text`,
		strings.Join(words, " ")).Scan(&english, &simple)
	return map[string]string{"english": english, "simple": simple}, err
}

// searchKind returns the newest size matches of a kind, scored. w holds the
// filter's conditions, and the query as its first argument.
func (db *DB) searchKind(ctx context.Context, k *searchKind, words []string, w where, size int) ([]scoredID, error) {
	conds := w.conds
	if k.typ == jigsaw.SearchStory && len(conds) == 0 {
		// Unfiltered, stories are searched as SearchPublicStories does.
		if db.Engine == Postgres {
			return db.postgresSearchWindow(ctx, words, size)
		}
		return db.sqliteSearchWindow(ctx, words, size)
	}
	if k.public != "" && db.Engine == Postgres {
		conds = append(conds, k.public)
	}
	args := append(w.args, size)
	limit := "$" + itoa(len(args))
	if db.Engine == Postgres {
		rank := "ts_rank(search, $1::tsquery)"
		if k.typ == jigsaw.SearchOrganisation {
			rank = "ts_rank(setweight(search, 'A'), $1::tsquery)" // a name is a title
		}
		// Ranked outside the subquery, for the rows kept only; planned for
		// these words every time, as postgresSearchWindow explains.
		return db.scoredIDs(ctx, `SELECT id, `+rank+` FROM (SELECT t.id, t.search FROM `+k.table+` t
			WHERE `+strings.Join(append([]string{"t.search @@ $1::tsquery"}, conds...), " AND ")+`
			ORDER BY t.id DESC LIMIT `+limit+`) m`, append([]any{pgx.QueryExecModeCacheDescribe}, args...)...)
	}
	// The FTS5 index holds public records only; the filters are checked
	// on each match's record, newest first, until the window is full.
	cond := k.fts + " MATCH $1"
	if len(conds) > 0 {
		cond += ` AND EXISTS (SELECT 1 FROM ` + k.table + ` t WHERE t.id = ` + k.fts + `.rowid AND ` + strings.Join(conds, " AND ") + `)`
	}
	return db.scoredIDs(ctx, `SELECT rowid, `+k.score+` FROM `+k.fts+` WHERE `+cond+` ORDER BY rowid DESC LIMIT `+limit, args...)
}

// Snippets mark each match between these characters, which the engines'
// snippet functions are given and markSnippet turns into <mark>.
const (
	snippetOpen  = "\x01"
	snippetClose = "\x02"
)

// headlineOptions are ts_headline's for a snippet of about the length of
// FTS5's (snippetTokens words).
const headlineOptions = "StartSel=" + snippetOpen + ", StopSel=" + snippetClose +
	`, MaxWords=30, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`

// snippetTokens is how many words FTS5's snippets hold.
const snippetTokens = "24"

// searchHits reads the title, snippet and date of each match, in order.
func (db *DB) searchHits(ctx context.Context, page []searchMatch, queries map[string]string) ([]jigsaw.SearchHit, error) {
	hits := make([]jigsaw.SearchHit, len(page))
	type key struct {
		kind int
		id   int64
	}
	at := map[key]int{}
	byKind := map[int][]int64{}
	for i, m := range page {
		at[key{m.kind, m.id}] = i
		byKind[m.kind] = append(byKind[m.kind], m.id)
	}
	for kind, ids := range byKind {
		k := &searchKinds[kind]
		slug, date := "''", "''"
		if k.typ == jigsaw.SearchOrganisation || k.typ == jigsaw.SearchCampaign {
			slug = "t.slug"
		}
		if k.date != "" {
			date = k.date
		}
		args := append([]any{queries[k.config]}, padIDs(ids)...)
		in := placeholders(2, len(args)-1)
		var query string
		if db.Engine == Postgres {
			args = append(args, headlineOptions)
			cond := "t.id IN (" + in + ")"
			if k.public != "" {
				cond += " AND " + k.public
			}
			query = `SELECT t.id, ` + slug + `, ` + k.title + `, ts_headline('` + k.config + `', ` + k.body + `, $1::tsquery, $` + itoa(len(args)) + `), ` +
				date + ` FROM ` + k.table + ` t WHERE ` + cond
		} else {
			// The page's matches are walked once, over the range of ids
			// they span (which FTS5 seeks to), and only the page's are
			// read: matched one id at a time, FTS5 started its query again
			// for each, and that was most of a search's time.
			snippet := `snippet(` + k.fts + `, 1, char(1), char(2), '…', ` + snippetTokens + `)`
			if k.typ == jigsaw.SearchOrganisation {
				snippet = `highlight(organisation_search, 0, char(1), char(2))`
			}
			lo, hi := slices.Min(ids), slices.Max(ids)
			args = append(args, lo, hi)
			query = `WITH m AS MATERIALIZED (SELECT rowid AS id, CASE WHEN rowid IN (` + in + `) THEN ` + snippet + ` END AS snippet
				FROM ` + k.fts + ` WHERE ` + k.fts + ` MATCH $1 AND rowid BETWEEN $` + itoa(len(args)-1) + ` AND $` + itoa(len(args)) + `)
				SELECT t.id, ` + slug + `, ` + k.title + `, m.snippet, ` + date + ` FROM m JOIN ` + k.table + ` t ON t.id = m.id WHERE m.snippet IS NOT NULL`
		}
		rows, err := db.query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			h := jigsaw.SearchHit{Type: k.typ}
			var snippet string
			var d any
			if err := rows.Scan(&h.ID, &h.Slug, &h.Title, &snippet, &d); err != nil {
				rows.Close()
				return nil, err
			}
			h.Snippet = markSnippet(snippet)
			switch d := d.(type) {
			case time.Time:
				h.Date = d.UTC().Format("2006-01-02")
			case string:
				h.Date = d
			case []byte:
				h.Date = string(d)
			}
			hits[at[key{kind, h.ID}]] = h
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// A record made private between the ranking and this read is left out.
	return slices.DeleteFunc(hits, func(h jigsaw.SearchHit) bool { return h.ID == 0 }), nil
}

// markSnippet makes HTML of a passage with each match between snippetOpen
// and snippetClose: the text is escaped, so stored text never becomes
// markup, and the marks become <mark> elements, balanced whatever the text
// itself holds.
func markSnippet(s string) string {
	var b strings.Builder
	open := false
	for {
		i := strings.IndexAny(s, snippetOpen+snippetClose)
		if i < 0 {
			b.WriteString(html.EscapeString(s))
			break
		}
		b.WriteString(html.EscapeString(s[:i]))
		switch {
		case s[i] == snippetOpen[0] && !open:
			b.WriteString("<mark>")
			open = true
		case s[i] == snippetClose[0] && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+1:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
