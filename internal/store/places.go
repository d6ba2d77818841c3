package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/geo"
)

// PlaceCounts counts the public items that f selects in each postcode
// district, the district "" holding those without one: published stories
// and dangers, and disputes (public whole). Most districts first.
//
// Each kind is one GROUP BY district over its list's own filter
// (storyWhere, trackerWhere, disputeWhere). Stories, the large table, are
// counted from stories_district_published (district, status,
// published_at, id, kind), which holds every column the filters by
// status, kind and date read, in district order: an index-only scan that
// needs no sort. The page that shows the counts is cached between writes.
func (db *DB) PlaceCounts(ctx context.Context, f geo.Filter) (_ []geo.Count, err error) {
	defer wrap(&err, "store.PlaceCounts")
	counts := map[string]*geo.Count{}
	count := func(from string, w where, add func(c *geo.Count, n int)) error {
		rows, err := db.query(ctx, `SELECT district, count(*) FROM `+from+` WHERE `+w.sql()+` GROUP BY district`, w.args...)
		if err != nil {
			return db.mapError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var d string
			var n int
			if err := rows.Scan(&d, &n); err != nil {
				return db.mapError(err)
			}
			c := counts[d]
			if c == nil {
				c = &geo.Count{District: d}
				counts[d] = c
			}
			add(c, n)
		}
		return db.mapError(rows.Err())
	}
	if f.All() || f.Stories {
		w := storyWhere(jigsaw.StoryFilter{OrgID: f.OrgID, Since: f.Since, Until: f.Until})
		from := "stories"
		if db.Engine == SQLite {
			// SQLite's sampled statistics (PRAGMA optimize) took the
			// status index for a selective one and read every story's
			// row for its district: 4.6 s at a million, 0.24 s so.
			from = "stories INDEXED BY stories_district_published"
		}
		if f.KeyIssue != "" {
			// From the key issue's links to its stories: the lists'
			// EXISTS probes the links once for every published story,
			// which at a million stories kept the map seconds away.
			from = "story_key_issues k JOIN stories ON stories.id = k.story_id"
			w.add("k.key_issue = ?", f.KeyIssue)
		}
		if err := count(from, w, func(c *geo.Count, n int) { c.Stories += n }); err != nil {
			return nil, err
		}
	}
	if f.All() || f.Dangers {
		w := trackerWhere(jigsaw.TrackerFilter{KeyIssue: f.KeyIssue, OrgID: f.OrgID}, true)
		dateRange(&w, "reported_on", f.Since, f.Until)
		if err := count("tracker_items", w, func(c *geo.Count, n int) { c.Dangers += n }); err != nil {
			return nil, err
		}
	}
	if f.All() || f.Disputes {
		w := disputeWhere(jigsaw.DisputeFilter{KeyIssue: f.KeyIssue, OrgID: f.OrgID})
		dateRange(&w, "last_step_on", f.Since, f.Until)
		if err := count("disputes", w, func(c *geo.Count, n int) { c.Disputes += n }); err != nil {
			return nil, err
		}
	}
	out := make([]geo.Count, 0, len(counts))
	for _, c := range counts {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b geo.Count) int {
		return cmp.Or(cmp.Compare(b.Total(), a.Total()), strings.Compare(a.District, b.District))
	})
	return out, nil
}

// dateRange adds the map's dates to a list without date filters: col is a
// YYYY-MM-DD text column, since inclusive and until exclusive, as the
// stories' filter takes them.
func dateRange(w *where, col string, since, until time.Time) {
	if !since.IsZero() {
		w.add(col+" >= ?", since.Format(time.DateOnly))
	}
	if !until.IsZero() {
		w.add(col+" <> '' AND "+col+" < ?", until.Format(time.DateOnly))
	}
}

// keyIssuesOf is the select expression of the key issues of a row of
// table through its link table, as one comma-separated text. The lists'
// conditions name their tables, which therefore go without aliases.
func (db *DB) keyIssuesOf(table, link, idCol string) string {
	agg := "group_concat(k.key_issue, ',')"
	if db.Engine == Postgres {
		agg = "string_agg(k.key_issue, ',')"
	}
	return "(SELECT " + agg + " FROM " + link + " k WHERE k." + idCol + " = " + table + ".id)"
}

// eachPlace calls fn with each row of sel (a SELECT … FROM a list's
// table) that w selects, newest first by key and then id, as an Item. It
// reads them as the other exports do (eachBatch): a batch at a time, found
// through the list's index, and no rows held open while fn writes to a
// slow client. scan reads a row and returns its value of key.
func (db *DB) eachPlace(ctx context.Context, fn func(*geo.Item) error, sel string, w where, key string,
	scan func(rows *sql.Rows, it *geo.Item, issues *sql.NullString) (any, error)) error {
	return eachBatch(exportBatch, func(after []any, limit int) ([]*geo.Item, []any, error) {
		cond, page, args := batchWhere(w, key+", id", "<", after, limit)
		rows, err := db.query(ctx, sel+` WHERE `+cond+` ORDER BY `+key+` DESC, id DESC`+page, args...)
		if err != nil {
			return nil, nil, db.mapError(err)
		}
		defer rows.Close()
		var out []*geo.Item
		var last any
		for rows.Next() {
			it := &geo.Item{}
			var issues sql.NullString
			if last, err = scan(rows, it, &issues); err != nil {
				return nil, nil, db.mapError(err)
			}
			if issues.String != "" {
				it.KeyIssues = strings.Split(issues.String, ",")
				slices.Sort(it.KeyIssues)
			}
			out = append(out, it)
		}
		if err := rows.Err(); err != nil || len(out) == 0 {
			return out, nil, db.mapError(err)
		}
		return out, []any{last, out[len(out)-1].ID}, nil
	}, fn)
}

// EachPublicStoryPlace calls fn with each published story that f selects
// (its paging aside), in the list's order, newest first. Only public
// columns are read.
func (db *DB) EachPublicStoryPlace(ctx context.Context, f jigsaw.StoryFilter, fn func(*geo.Item) error) (err error) {
	defer wrap(&err, "store.EachPublicStoryPlace")
	w := storyWhere(f)
	return db.eachPlace(ctx, fn, `SELECT id, title, kind, district, area, published_at, `+
		db.keyIssuesOf("stories", "story_key_issues", "story_id")+` FROM stories`, w, "published_at",
		func(rows *sql.Rows, it *geo.Item, issues *sql.NullString) (any, error) {
			var at time.Time
			err := rows.Scan(&it.ID, &it.Title, &it.Kind, &it.District, &it.Area, nullTime{&at}, issues)
			if !at.IsZero() {
				it.Date = at.Format(time.DateOnly)
			}
			return at, err
		})
}

// EachPublicTrackerPlace calls fn with each published danger that f
// selects (its paging aside), most recently reported first.
func (db *DB) EachPublicTrackerPlace(ctx context.Context, f jigsaw.TrackerFilter, fn func(*geo.Item) error) (err error) {
	defer wrap(&err, "store.EachPublicTrackerPlace")
	w := trackerWhere(f, true)
	return db.eachPlace(ctx, fn, `SELECT id, title, kind, status, district, area, reported_on, `+
		db.keyIssuesOf("tracker_items", "tracker_key_issues", "tracker_id")+` FROM tracker_items`, w, "reported_on",
		func(rows *sql.Rows, it *geo.Item, issues *sql.NullString) (any, error) {
			err := rows.Scan(&it.ID, &it.Title, &it.Kind, &it.Status, &it.District, &it.Area, &it.Date, issues)
			return it.Date, err
		})
}

// EachDisputePlace calls fn with each dispute that f selects (its paging
// aside), the latest step first.
func (db *DB) EachDisputePlace(ctx context.Context, f jigsaw.DisputeFilter, fn func(*geo.Item) error) (err error) {
	defer wrap(&err, "store.EachDisputePlace")
	w := disputeWhere(f)
	return db.eachPlace(ctx, fn, `SELECT id, title, status, district, area, last_step_on, `+
		db.keyIssuesOf("disputes", "dispute_key_issues", "dispute_id")+` FROM disputes`, w, "last_step_on",
		func(rows *sql.Rows, it *geo.Item, issues *sql.NullString) (any, error) {
			err := rows.Scan(&it.ID, &it.Title, &it.Status, &it.District, &it.Area, &it.Date, issues)
			return it.Date, err
		})
}
