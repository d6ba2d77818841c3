package store

import (
	"context"
	"time"

	"jigsaw"
)

// sitemapQueries are, for each kind of public record, the public rows whose
// ids fall in a range, with when each last changed. The range is on the
// primary key, so each query is a short walk of one index on either
// engine however many records there are.
var sitemapQueries = map[string]string{
	"stories":         `SELECT id, '', published_at FROM stories WHERE id >= $1 AND id < $2 AND status = 'published' ORDER BY id`,
	"tracker":         `SELECT id, '', updated_at FROM tracker_items WHERE id >= $1 AND id < $2 AND published_at IS NOT NULL ORDER BY id`,
	"disputes":        `SELECT id, '', updated_at FROM disputes WHERE id >= $1 AND id < $2 ORDER BY id`,
	"organisations":   `SELECT id, slug, updated_at FROM organisations WHERE id >= $1 AND id < $2 ORDER BY id`,
	"representatives": `SELECT id, '', updated_at FROM representatives WHERE id >= $1 AND id < $2 ORDER BY id`,
	"plans":           `SELECT id, '', updated_at FROM plans WHERE id >= $1 AND id < $2 ORDER BY id`,
	"campaigns":       `SELECT id, slug, updated_at FROM campaigns WHERE id >= $1 AND id < $2 ORDER BY id`,
	"topics":          `SELECT id, '', updated_at FROM topics WHERE id >= $1 AND id < $2 ORDER BY id`,
	"events":          `SELECT id, '', updated_at FROM events WHERE id >= $1 AND id < $2 AND NOT members_only ORDER BY id`,
	"pledges":         `SELECT id, '', updated_at FROM pledges WHERE id >= $1 AND id < $2 ORDER BY id`,
	"resources":       `SELECT id, '', updated_at FROM resources WHERE id >= $1 AND id < $2 ORDER BY id`,
}

// sitemapTables are the tables behind each kind, for SitemapMaxIDs.
var sitemapTables = map[string]string{
	"stories": "stories", "tracker": "tracker_items", "disputes": "disputes", "organisations": "organisations",
	"campaigns": "campaigns", "topics": "topics",
	"representatives": "representatives",
	"plans":           "plans",
	"events":          "events",
	"pledges":         "pledges",
	"resources":       "resources",
}

// SitemapMaxIDs returns, for each kind of public record ("stories",
// "tracker", "disputes", "organisations"), the highest id of any record of
// that kind, public or not (0 if there is none): the end of the id ranges a
// sitemap index lists. The highest id of the table, not of its public rows,
// because that is read from the end of the primary key at once.
func (db *DB) SitemapMaxIDs(ctx context.Context) (_ map[string]int64, err error) {
	defer wrap(&err, "store.SitemapMaxIDs")
	max := map[string]int64{}
	for kind, table := range sitemapTables {
		var id *int64
		if err := db.queryRow(ctx, `SELECT MAX(id) FROM `+table).Scan(&id); err != nil {
			return nil, db.mapError(err)
		}
		if id != nil {
			max[kind] = *id
		}
	}
	return max, nil
}

// SitemapRange calls fn, in order of id, with the id, the slug (for
// organisations; "" for the others) and the time of the last public change
// of each public record of kind whose id is in [from,
// to): published stories, published dangers, and all disputes and
// organisations. Returns EINVALID for an unknown kind.
func (db *DB) SitemapRange(ctx context.Context, kind string, from, to int64, fn func(id int64, slug string, modified time.Time)) (err error) {
	defer wrap(&err, "store.SitemapRange")
	q, ok := sitemapQueries[kind]
	if !ok {
		return jigsaw.Errorf(jigsaw.EINVALID, "There is no sitemap of %q.", kind)
	}
	rows, err := db.query(ctx, q, from, to)
	if err != nil {
		return db.mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var slug string
		var at time.Time
		if err := rows.Scan(&id, &slug, nullTime{&at}); err != nil {
			return err
		}
		fn(id, slug, at)
	}
	return rows.Err()
}
