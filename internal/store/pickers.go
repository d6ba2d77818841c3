package store

import (
	"context"
	"strings"

	"jigsaw"
)

// The pickers of the forms find records by the first letters of the words
// people type, a few at a time, as they type: organisations by name or
// code, stories and disputes by title.

// maxSuggestions caps what one search for a picker returns.
const maxSuggestions = 50

func suggestionLimit(limit int) int {
	if limit <= 0 || limit > maxSuggestions {
		return maxSuggestions
	}
	return limit
}

// SearchOrganisations returns organisations whose name or codes hold words
// beginning with each word of q: an exact ODS code or Companies House
// number first, then names that begin with q, then the rest by name. Each
// engine finds the matches through an index (schema step 19); punctuation
// and search operators in q are plain text.
func (db *DB) SearchOrganisations(ctx context.Context, q string, limit int) (_ []*jigsaw.Organisation, err error) {
	defer wrap(&err, "store.SearchOrganisations")
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	// The matches, found through the index, are few enough (thousands at
	// most) to rank them all.
	match, query := `id IN (SELECT rowid FROM organisation_search WHERE organisation_search MATCH $1)`, ftsPrefixQuery(words, "")
	if db.Engine == Postgres {
		match, query = `search @@ to_tsquery('simple', $1)`, prefixQuery(words, "")
	}
	code := strings.ToUpper(strings.Join(words, ""))
	prefix := likeEscape(strings.ToLower(strings.Join(strings.Fields(q), " "))) + "%"
	rows, err := db.query(ctx, `SELECT `+orgColumns+` FROM organisations WHERE `+match+`
		ORDER BY CASE WHEN ods_code = $2 OR company_number = $2 THEN 0 WHEN lower(name) LIKE $3 ESCAPE '\' THEN 1 ELSE 2 END,
			lower(name), id LIMIT $4`, query, code, prefix, suggestionLimit(limit))
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanOrganisation)
	return out, db.mapError(err)
}

// prefixQuery is a tsquery text that matches words beginning with each of
// words (letters and digits only), in the vector's parts of weight (all
// when "").
func prefixQuery(words []string, weight string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = "'" + w + "':*" + weight
	}
	return strings.Join(parts, " & ")
}

// ftsPrefixQuery is an FTS5 query that matches words beginning with each
// of words (letters and digits only), in column (all when "").
func ftsPrefixQuery(words []string, column string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + w + `"*`
		if column != "" {
			parts[i] = column + " : " + parts[i]
		}
	}
	return strings.Join(parts, " AND ")
}

// SearchPublicStoryTitles returns published stories whose titles hold
// words beginning with each word of q, newest first: their numbers and
// titles only. Unpublished stories are never found, whoever asks.
func (db *DB) SearchPublicStoryTitles(ctx context.Context, q string, limit int) (_ []jigsaw.LinkRef, err error) {
	defer wrap(&err, "store.SearchPublicStoryTitles")
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	var query, arg string
	if db.Engine == Postgres {
		// The title has weight A in the search vector (schema step 1).
		query = `SELECT id, title FROM stories WHERE status = 'published' AND search @@ to_tsquery('english', $1)
			ORDER BY id DESC LIMIT $2`
		arg = prefixQuery(words, "A")
	} else {
		query = `SELECT s.id, s.title FROM story_search f JOIN stories s ON s.id = f.rowid
			WHERE story_search MATCH $1 AND s.status = 'published' ORDER BY f.rowid DESC LIMIT $2`
		arg = ftsPrefixQuery(words, "title")
	}
	rows, err := db.query(ctx, query, arg, suggestionLimit(limit))
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanLinkRef)
	return out, db.mapError(err)
}

// SearchDisputeTitles returns disputes whose titles hold each word of q,
// newest first: their numbers and titles only. Disputes are few (hundreds
// at most), so their titles are read rather than indexed.
func (db *DB) SearchDisputeTitles(ctx context.Context, q string, limit int) (_ []jigsaw.LinkRef, err error) {
	defer wrap(&err, "store.SearchDisputeTitles")
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	var w where
	for _, word := range words {
		w.add(`lower(title) LIKE ? ESCAPE '\'`, "%"+likeEscape(strings.ToLower(word))+"%")
	}
	cond := w.sql()
	w.args = append(w.args, suggestionLimit(limit))
	rows, err := db.query(ctx, `SELECT id, title FROM disputes WHERE `+cond+` ORDER BY id DESC LIMIT $`+itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanLinkRef)
	return out, db.mapError(err)
}

func scanLinkRef(row interface{ Scan(...any) error }) (jigsaw.LinkRef, error) {
	var l jigsaw.LinkRef
	return l, row.Scan(&l.ID, &l.Title)
}
