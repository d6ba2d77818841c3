package store

import (
	"context"
	"slices"

	"jigsaw"
)

// The exports (/stories.csv, /tracker.json …) read every public record a
// list's filter selects, however many there are, in the list's order. They
// read in batches, each a short query resumed after the sort key of the last
// row read (keyset paging), and hand each record on before the next batch is
// read: memory stays flat whatever the number of rows, no query or
// connection is held while a slow client takes its download, and a batch is
// found through the same index as a page of the list, without an offset.

// exportBatch is how many records an export reads at a time when the
// filter's Limit does not say.
const exportBatch = 250

// batchSize is the size of the batches of an export with limit as its
// filter's Limit.
func batchSize(limit int) int {
	if limit <= 0 || limit > exportBatch {
		return exportBatch
	}
	return limit
}

// keyScanner scans a row whose last columns are the keyset's sort key
// into key, and the others with the scanner given.
type keyScanner struct {
	row interface{ Scan(...any) error }
	key []any
}

func (k keyScanner) Scan(dest ...any) error { return k.row.Scan(append(dest, k.key...)...) }

// eachBatch reads a list batch by batch and calls fn with each record.
// read returns the records of one batch, those after the sort key after
// (nil for the first batch) in the list's order, at most limit of them,
// and the sort key of the last; it must not keep rows open when it returns,
// so that fn may take its time.
func eachBatch[T any](limit int, read func(after []any, limit int) ([]T, []any, error), fn func(T) error) error {
	var after []any
	for {
		batch, last, err := read(after, limit)
		if err != nil {
			return err
		}
		for _, v := range batch {
			if err := fn(v); err != nil {
				return err
			}
		}
		if len(batch) < limit {
			return nil
		}
		after = last
	}
}

// batchWhere is w with the condition of the rows after the sort key after
// (keys compared as a row value; cmp "<" for a list in descending order,
// ">" in ascending) and the LIMIT clause of a batch; it leaves w alone.
func batchWhere(w where, keys, cmp string, after []any, limit int) (cond, page string, args []any) {
	b := where{conds: slices.Clone(w.conds), args: slices.Clone(w.args)}
	if after != nil {
		b.add("("+keys+") "+cmp+" (?, ?)", after...)
	}
	page = b.page(limit, 0)
	return b.sql(), page, b.args
}

// EachPublicStory calls fn with every published story f selects, newest
// first, reading f.Limit of them at a time (a few hundred when 0); f.Offset
// is ignored. It stops at fn's first error and returns it.
func (db *DB) EachPublicStory(ctx context.Context, f jigsaw.StoryFilter, fn func(*jigsaw.PublicStory) error) (err error) {
	defer wrap(&err, "store.EachPublicStory")
	w := storyWhere(f)
	return eachBatch(batchSize(f.Limit), func(after []any, limit int) ([]*jigsaw.PublicStory, []any, error) {
		cond, page, args := batchWhere(w, "published_at, id", "<", after, limit)
		rows, err := db.query(ctx, `SELECT `+db.publicStorySelect()+` FROM (
			SELECT id FROM stories WHERE `+cond+` ORDER BY published_at DESC, id DESC`+page+`) p
			JOIN stories s ON s.id = p.id ORDER BY s.published_at DESC, s.id DESC`, args...)
		if err != nil {
			return nil, nil, db.mapError(err)
		}
		out, err := collect(rows, scanPublicStory)
		if err != nil || len(out) == 0 {
			return out, nil, db.mapError(err)
		}
		last := out[len(out)-1]
		return out, []any{last.PublishedAt, last.ID}, nil
	}, fn)
}

// EachPublicTrackerItem calls fn with every published danger f selects,
// with its lists, most recently reported first, as EachPublicStory reads
// stories; f.Drafts is ignored.
func (db *DB) EachPublicTrackerItem(ctx context.Context, f jigsaw.TrackerFilter, fn func(*jigsaw.TrackerItem) error) (err error) {
	defer wrap(&err, "store.EachPublicTrackerItem")
	w := trackerWhere(f, true)
	return eachBatch(batchSize(f.Limit), func(after []any, limit int) ([]*jigsaw.TrackerItem, []any, error) {
		cond, page, args := batchWhere(w, "reported_on, id", "<", after, limit)
		rows, err := db.query(ctx, `SELECT `+trackerColumns+` FROM tracker_items WHERE `+cond+` ORDER BY reported_on DESC, id DESC`+page, args...)
		if err != nil {
			return nil, nil, db.mapError(err)
		}
		out, err := collect(rows, scanTrackerItem)
		if err != nil || len(out) == 0 {
			return out, nil, db.mapError(err)
		}
		if err := attachTrackerLists(ctx, readQuerier{db}, out, true); err != nil {
			return nil, nil, db.mapError(err)
		}
		last := out[len(out)-1]
		return out, []any{last.ReportedOn, last.ID}, nil
	}, fn)
}

// EachDispute calls fn with every dispute f selects, with its lists, the
// one with the latest step first, as EachPublicStory reads stories.
func (db *DB) EachDispute(ctx context.Context, f jigsaw.DisputeFilter, fn func(*jigsaw.Dispute) error) (err error) {
	defer wrap(&err, "store.EachDispute")
	w := disputeWhere(f)
	return eachBatch(batchSize(f.Limit), func(after []any, limit int) ([]*jigsaw.Dispute, []any, error) {
		cond, page, args := batchWhere(w, "last_step_on, id", "<", after, limit)
		rows, err := db.query(ctx, `SELECT `+disputeColumns+`, last_step_on FROM disputes WHERE `+cond+
			` ORDER BY last_step_on DESC, id DESC`+page, args...)
		if err != nil {
			return nil, nil, db.mapError(err)
		}
		// The dispute type has no field for the date of its latest step
		// as the list orders by it: it is kept beside each dispute.
		var lastStep string
		var key []any
		out, err := collect(rows, func(row interface{ Scan(...any) error }) (*jigsaw.Dispute, error) {
			d, err := scanDispute(keyScanner{row, []any{&lastStep}})
			if err == nil {
				key = []any{lastStep, d.ID}
			}
			return d, err
		})
		if err != nil || len(out) == 0 {
			return out, nil, db.mapError(err)
		}
		if err := attachDisputeLists(ctx, readQuerier{db}, out); err != nil {
			return nil, nil, db.mapError(err)
		}
		return out, key, nil
	}, fn)
}

// EachOrganisation calls fn with every organisation f selects, by name, as
// EachPublicStory reads stories.
func (db *DB) EachOrganisation(ctx context.Context, f jigsaw.OrganisationFilter, fn func(*jigsaw.Organisation) error) (err error) {
	defer wrap(&err, "store.EachOrganisation")
	w := organisationWhere(f)
	return eachBatch(batchSize(f.Limit), func(after []any, limit int) ([]*jigsaw.Organisation, []any, error) {
		cond, page, args := batchWhere(w, "lower(name), id", ">", after, limit)
		rows, err := db.query(ctx, `SELECT `+orgColumns+`, lower(name) FROM organisations WHERE `+cond+` ORDER BY lower(name), id`+page, args...)
		if err != nil {
			return nil, nil, db.mapError(err)
		}
		// The sort key is the database's lower(name), which is not Go's
		// strings.ToLower (SQLite's folds ASCII letters only).
		var lower string
		var key []any
		out, err := collect(rows, func(row interface{ Scan(...any) error }) (*jigsaw.Organisation, error) {
			o, err := scanOrganisation(keyScanner{row, []any{&lower}})
			if err == nil {
				key = []any{lower, o.ID}
			}
			return o, err
		})
		return out, key, db.mapError(err)
	}, fn)
}
