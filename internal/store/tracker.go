package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"jigsaw"
)

var _ jigsaw.TrackerService = (*DB)(nil)

const trackerColumns = `id, kind, title, summary, status, status_on, reported_on, decided_on, effective_on, ends_on,
	value_pence, staff_affected, district, area, COALESCE(source_key, ''), published_at, version, created_at, updated_at`

func scanTrackerItem(row interface{ Scan(...any) error }) (*jigsaw.TrackerItem, error) {
	var t jigsaw.TrackerItem
	err := row.Scan(&t.ID, &t.Kind, &t.Title, &t.Summary, &t.Status, &t.StatusOn, &t.ReportedOn, &t.DecidedOn, &t.EffectiveOn, &t.EndsOn,
		&t.ValuePence, &t.StaffAffected, &t.District, &t.Area, &t.SourceKey, nullTime{&t.PublishedAt}, &t.Version, &t.CreatedAt, &t.UpdatedAt)
	if err != nil {
		return nil, err
	}
	t.Published = !t.PublishedAt.IsZero()
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

// CreateTrackerItem implements jigsaw.TrackerService.
func (db *DB) CreateTrackerItem(ctx context.Context, t *jigsaw.TrackerItem) (err error) {
	defer wrap(&err, "store.CreateTrackerItem")
	return db.Tx(ctx, func(tx *sql.Tx) error { return db.createTrackerItem(ctx, tx, t) })
}

func (db *DB) createTrackerItem(ctx context.Context, tx Execer, t *jigsaw.TrackerItem) error {
	if err := checkTrackerItem(ctx, tx, t, nil); err != nil {
		return err
	}
	now := db.now()
	t.CreatedAt, t.UpdatedAt, t.PublishedAt = now, now, time.Time{}
	if t.Published {
		t.PublishedAt = now
	}
	err := tx.QueryRowContext(ctx, `
			INSERT INTO tracker_items (kind, title, summary, status, status_on, reported_on, decided_on, effective_on, ends_on,
				value_pence, staff_affected, district, area, source_key, published_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		t.Kind, t.Title, t.Summary, t.Status, t.StatusOn, t.ReportedOn, t.DecidedOn, t.EffectiveOn, t.EndsOn,
		t.ValuePence, t.StaffAffected, t.District, t.Area, textOrNull(t.SourceKey), timeOrNull(t.PublishedAt), now, now,
	).Scan(&t.ID)
	if err != nil {
		return sourceKeyConflict(db.mapError(err))
	}
	if err := db.writeTrackerLists(ctx, tx, t); err != nil {
		return err
	}
	// checkTrackerItem named the organisations: t is what was stored.
	return db.recordRevision(ctx, tx, jigsaw.ObjectTrackerItem, t.ID, "create", diff(nil, trackerSnapshot(t)))
}

// UpdateTrackerItem implements jigsaw.TrackerService.
func (db *DB) UpdateTrackerItem(ctx context.Context, t *jigsaw.TrackerItem) (err error) {
	defer wrap(&err, "store.UpdateTrackerItem")
	return db.Tx(ctx, func(tx *sql.Tx) error { return db.updateTrackerItem(ctx, tx, t) })
}

func (db *DB) updateTrackerItem(ctx context.Context, tx Execer, t *jigsaw.TrackerItem) error {
	before, err := findTrackerItem(ctx, tx, false, "id = $1", t.ID)
	if err != nil {
		return err
	}
	if err := checkVersion("danger", t.Version, before.Version); err != nil {
		return err
	}
	if err := checkTrackerItem(ctx, tx, t, nil); err != nil {
		return err
	}
	t.CreatedAt, t.UpdatedAt, t.Version = before.CreatedAt, db.now(), before.Version+1
	switch {
	case !t.Published:
		t.PublishedAt = time.Time{}
	case before.Published:
		t.PublishedAt = before.PublishedAt
	default:
		t.PublishedAt = t.UpdatedAt
	}
	_, err = tx.ExecContext(ctx, `
			UPDATE tracker_items SET kind = $1, title = $2, summary = $3, status = $4, status_on = $5, reported_on = $6,
				decided_on = $7, effective_on = $8, ends_on = $9, value_pence = $10, staff_affected = $11, district = $12,
				area = $13, source_key = $14, published_at = $15, updated_at = $16, version = $18
			WHERE id = $17`,
		t.Kind, t.Title, t.Summary, t.Status, t.StatusOn, t.ReportedOn, t.DecidedOn, t.EffectiveOn, t.EndsOn,
		t.ValuePence, t.StaffAffected, t.District, t.Area, textOrNull(t.SourceKey), timeOrNull(t.PublishedAt), t.UpdatedAt, t.ID, t.Version)
	if err != nil {
		return sourceKeyConflict(db.mapError(err))
	}
	for _, table := range []string{"tracker_status_history", "tracker_organisations", "tracker_key_issues", "tracker_sources", "tracker_stories", "tracker_disputes"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE tracker_id = $1`, t.ID); err != nil {
			return err
		}
	}
	if err := db.writeTrackerLists(ctx, tx, t); err != nil {
		return err
	}
	after, err := findTrackerItem(ctx, tx, false, "id = $1", t.ID)
	if err != nil {
		return err
	}
	return db.recordRevision(ctx, tx, jigsaw.ObjectTrackerItem, t.ID, "update", diff(trackerSnapshot(before), trackerSnapshot(after)))
}

func sourceKeyConflict(err error) error {
	if jigsaw.ErrorCode(err) == jigsaw.ECONFLICT {
		return &jigsaw.Error{Code: jigsaw.ECONFLICT, Message: "Another tracker item has this source key.",
			Fields: map[string]string{"source_key": "This source key is already taken."}}
	}
	return err
}

// checkTrackerItem normalises and validates t, then checks that everything
// it refers to exists, naming the field of each missing reference, and fills
// in the organisations' names (from names where it can; see
// nameOrganisations).
func checkTrackerItem(ctx context.Context, tx Execer, t *jigsaw.TrackerItem, names map[int64][2]string) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	t.OrderHistory()
	p := jigsaw.Problems{}
	if err := nameOrganisations(ctx, tx, p, t.Organisations, names); err != nil {
		return err
	}
	checkKeyIssues(ctx, tx, p, t.KeyIssues)
	for i, s := range t.Stories {
		if !exists(ctx, tx, `SELECT count(*) FROM stories WHERE id = $1`, s.ID) {
			p.Add(fmt.Sprintf("stories[%d]", i), fmt.Sprintf("There is no story %d.", s.ID))
		}
	}
	for i, d := range t.Disputes {
		if !exists(ctx, tx, `SELECT count(*) FROM disputes WHERE id = $1`, d.ID) {
			p.Add(fmt.Sprintf("disputes[%d]", i), fmt.Sprintf("There is no dispute %d.", d.ID))
		}
	}
	return p.Err()
}

// nameOrganisations fills in the slug and name of each organisation, by id;
// an id that names none is a problem. (One query per organisation: on
// PostgreSQL an IN list of them was slower.) Names found are read from
// cache (id → slug, name) and added to it, unless it is nil.
func nameOrganisations(ctx context.Context, tx querier, p jigsaw.Problems, orgs []jigsaw.TrackerOrg, cache map[int64][2]string) error {
	for i := range orgs {
		o := &orgs[i]
		if n, ok := cache[o.OrgID]; ok {
			o.Slug, o.Name = n[0], n[1]
			continue
		}
		err := tx.QueryRowContext(ctx, `SELECT slug, name FROM organisations WHERE id = $1`, o.OrgID).Scan(&o.Slug, &o.Name)
		switch {
		case err == sql.ErrNoRows:
			p.Add(fmt.Sprintf("organisations[%d].organisation", i), "No such organisation.")
		case err != nil:
			return err
		case cache != nil:
			cache[o.OrgID] = [2]string{o.Slug, o.Name}
		}
	}
	return nil
}

// checkKeyIssues adds a problem for each slug that is not one of the site's
// key issues.
func checkKeyIssues(ctx context.Context, tx querier, p jigsaw.Problems, issues []string) {
	for _, k := range issues {
		if !exists(ctx, tx, `SELECT count(*) FROM key_issues WHERE slug = $1`, k) {
			p.Add("key_issues", fmt.Sprintf("%q is not a key issue of this site.", k))
		}
	}
}

// exists runs a count query and reports whether it found any row. A failed
// query counts as not found: the write that follows reports the real error.
func exists(ctx context.Context, q querier, query string, args ...any) bool {
	var n int
	return q.QueryRowContext(ctx, query, args...).Scan(&n) == nil && n > 0
}

// writeTrackerLists writes each of the items' lists with one statement, so
// a bulk import costs a statement per table rather than per row.
func (db *DB) writeTrackerLists(ctx context.Context, tx Execer, items ...*jigsaw.TrackerItem) error {
	rows := db.newRows()
	for _, t := range items {
		for i, h := range t.History {
			rows.add(t.ID, i, h.Status, h.On, h.Note)
		}
	}
	if err := rows.insert(ctx, tx, `tracker_status_history (tracker_id, position, status, on_date, note)`); err != nil {
		return err
	}
	for _, t := range items {
		for i, o := range t.Organisations {
			rows.add(t.ID, o.OrgID, o.Role, i)
		}
	}
	if err := rows.insert(ctx, tx, `tracker_organisations (tracker_id, organisation_id, role, position)`); err != nil {
		return err
	}
	for _, t := range items {
		for _, k := range t.KeyIssues {
			rows.add(t.ID, k)
		}
	}
	if err := rows.insert(ctx, tx, `tracker_key_issues (tracker_id, key_issue)`); err != nil {
		return err
	}
	for _, t := range items {
		for i, s := range t.Sources {
			rows.add(t.ID, i, s.URL, s.Publisher, s.PublishedOn, s.Quote)
		}
	}
	if err := rows.insert(ctx, tx, `tracker_sources (tracker_id, position, url, publisher, published_on, quote)`); err != nil {
		return err
	}
	for _, t := range items {
		for _, s := range uniqueLinks(t.Stories) {
			rows.add(t.ID, s)
		}
	}
	if err := rows.insert(ctx, tx, `tracker_stories (tracker_id, story_id)`); err != nil {
		return err
	}
	for _, t := range items {
		for _, d := range uniqueLinks(t.Disputes) {
			rows.add(t.ID, d)
		}
	}
	return rows.insert(ctx, tx, `tracker_disputes (tracker_id, dispute_id)`)
}

func uniqueLinks(links []jigsaw.LinkRef) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, l := range links {
		if !seen[l.ID] {
			seen[l.ID] = true
			out = append(out, l.ID)
		}
	}
	return out
}

func textOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// findTrackerItem reads one item with its lists; public restricts it to
// published items and their published stories.
func findTrackerItem(ctx context.Context, q querier, public bool, where string, args ...any) (*jigsaw.TrackerItem, error) {
	if public {
		where = "(" + where + ") AND published_at IS NOT NULL"
	}
	t, err := scanTrackerItem(q.QueryRowContext(ctx, `SELECT `+trackerColumns+` FROM tracker_items WHERE `+where, args...))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Tracker item not found.")
	} else if err != nil {
		return nil, err
	}
	return t, attachTrackerLists(ctx, q, []*jigsaw.TrackerItem{t}, public)
}

// FindPublicTrackerItemByID implements jigsaw.PublicTrackerService.
func (db *DB) FindPublicTrackerItemByID(ctx context.Context, id int64) (_ *jigsaw.TrackerItem, err error) {
	defer wrap(&err, "store.FindPublicTrackerItemByID")
	t, err := findTrackerItem(ctx, readQuerier{db}, true, "id = $1", id)
	return t, db.mapError(err)
}

// FindTrackerItemByID implements jigsaw.TrackerService.
func (db *DB) FindTrackerItemByID(ctx context.Context, id int64) (_ *jigsaw.TrackerItem, err error) {
	defer wrap(&err, "store.FindTrackerItemByID")
	t, err := findTrackerItem(ctx, readQuerier{db}, false, "id = $1", id)
	return t, db.mapError(err)
}

// FindTrackerItemBySourceKey implements jigsaw.TrackerService.
func (db *DB) FindTrackerItemBySourceKey(ctx context.Context, key string) (_ *jigsaw.TrackerItem, err error) {
	defer wrap(&err, "store.FindTrackerItemBySourceKey")
	t, err := findTrackerItem(ctx, readQuerier{db}, false, "source_key = $1", strings.TrimSpace(key))
	return t, db.mapError(err)
}

// FindPublicTrackerItems implements jigsaw.PublicTrackerService.
func (db *DB) FindPublicTrackerItems(ctx context.Context, f jigsaw.TrackerFilter) (_ []*jigsaw.TrackerItem, _ int, err error) {
	defer wrap(&err, "store.FindPublicTrackerItems")
	return db.findTrackerItems(ctx, f, true)
}

// FindTrackerItems implements jigsaw.TrackerService.
func (db *DB) FindTrackerItems(ctx context.Context, f jigsaw.TrackerFilter) (_ []*jigsaw.TrackerItem, _ int, err error) {
	defer wrap(&err, "store.FindTrackerItems")
	return db.findTrackerItems(ctx, f, false)
}

// trackerWhere is the condition on the tracker_items table of the items
// that f selects (its paging aside), the published ones only if public:
// the one translation of a danger filter to SQL.
func trackerWhere(f jigsaw.TrackerFilter, public bool) where {
	var w where
	if public {
		w.add("published_at IS NOT NULL")
	} else if f.Drafts {
		w.add("published_at IS NULL")
	}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	// EXISTS, as for stories, lets the planner walk the dangers most
	// recently reported first and probe the link's primary key; with IN,
	// SQLite read and sorted every danger of the key issue for each page
	// (a tenth of them at a hundred thousand dangers: 20 pages a second).
	if f.KeyIssue != "" {
		w.add("EXISTS (SELECT 1 FROM tracker_key_issues k WHERE k.tracker_id = tracker_items.id AND k.key_issue = ?)", f.KeyIssue)
	}
	if f.District != "" {
		w.add("district = ?", jigsaw.NormalizeDistrict(f.District))
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM tracker_organisations o WHERE o.tracker_id = tracker_items.id AND o.organisation_id = ?)", f.OrgID)
	}
	if !f.PublishedAfter.IsZero() {
		w.add("published_at > ?", f.PublishedAfter.UTC())
	}
	return w
}

func (db *DB) findTrackerItems(ctx context.Context, f jigsaw.TrackerFilter, public bool) ([]*jigsaw.TrackerItem, int, error) {
	w := trackerWhere(f, public)
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "tracker_items", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if f.After != nil {
		w.after("reported_on", "id", "?", true, f.After, f.After.Key)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	// The page's ids first, then their items, as for stories: the rows an
	// offset skips are not read.
	rows, err := db.query(ctx, `SELECT `+trackerColumns+` FROM tracker_items WHERE id IN (
		SELECT id FROM tracker_items WHERE `+cond+` ORDER BY reported_on DESC, id DESC`+page+`)
		ORDER BY reported_on DESC, id DESC`, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	defer rows.Close()
	var out []*jigsaw.TrackerItem
	for rows.Next() {
		t, err := scanTrackerItem(rows)
		if err != nil {
			return nil, 0, db.mapError(err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, db.mapError(err)
	}
	rows.Close()
	return out, total, db.mapError(attachTrackerLists(ctx, readQuerier{db}, out, public))
}

// eachRow runs query with the IDs as arguments in place of every IN list
// marker "(?)" (each names the same $1… $n, bound once) and calls scan for
// every row.
func eachRow(ctx context.Context, q querier, query string, ids []any, scan func(*sql.Rows) error) error {
	ids = padIDs(ids)
	rows, err := q.QueryContext(ctx, strings.ReplaceAll(query, "(?)", "("+placeholders(1, len(ids))+")"), ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// trackerLists reads every list of a set of dangers in one query, each
// list a branch of a UNION ALL whose rows say which list they belong to:
// (list, tracker_id, ord, n, a, b, c, d). A danger's page is then two round
// trips to the database, not seven.
const trackerLists = `
	SELECT 1 AS list, tracker_id, position AS ord, 0 AS n, status AS a, on_date AS b, note AS c, '' AS d
		FROM tracker_status_history WHERE tracker_id IN (?)
	UNION ALL SELECT 2, t.tracker_id, t.position, t.organisation_id, t.role, o.slug, o.name, ''
		FROM tracker_organisations t JOIN organisations o ON o.id = t.organisation_id WHERE t.tracker_id IN (?)
	UNION ALL SELECT 3, t.tracker_id, k.position, 0, t.key_issue, '', '', ''
		FROM tracker_key_issues t JOIN key_issues k ON k.slug = t.key_issue WHERE t.tracker_id IN (?)
	UNION ALL SELECT 4, tracker_id, position, 0, url, publisher, published_on, quote
		FROM tracker_sources WHERE tracker_id IN (?)
	UNION ALL SELECT 5, t.tracker_id, 0, s.id, CASE WHEN s.status = 'published' THEN s.title ELSE '' END, '', '', ''
		FROM tracker_stories t JOIN stories s ON s.id = t.story_id WHERE t.tracker_id IN (?) {stories}
	UNION ALL SELECT 6, t.tracker_id, 0, d.id, d.title, '', '', ''
		FROM tracker_disputes t JOIN disputes d ON d.id = t.dispute_id WHERE t.tracker_id IN (?)
	ORDER BY 1, 2, 3, 4, 5`

// attachTrackerLists loads the lists of items, whatever their number, in
// one query (trackerLists). Public reads see published stories only; other
// reads see every linked story's number but the title of published ones
// only, since editors are not moderators.
func attachTrackerLists(ctx context.Context, q querier, items []*jigsaw.TrackerItem, public bool) error {
	if len(items) == 0 {
		return nil
	}
	byID := make(map[int64]*jigsaw.TrackerItem, len(items))
	ids := make([]any, len(items))
	for i, t := range items {
		byID[t.ID] = t
		ids[i] = t.ID
	}
	storyCond := ""
	if public {
		storyCond = "AND s.status = 'published'"
	}
	return eachRow(ctx, q, strings.Replace(trackerLists, "{stories}", storyCond, 1), ids, func(rows *sql.Rows) error {
		var list int
		var id, ord, n int64
		var a, b, c, d string
		if err := rows.Scan(&list, &id, &ord, &n, &a, &b, &c, &d); err != nil {
			return err
		}
		t := byID[id]
		switch list {
		case 1:
			t.History = append(t.History, jigsaw.StatusChange{Status: jigsaw.TrackerStatus(a), On: b, Note: c})
		case 2:
			t.Organisations = append(t.Organisations, jigsaw.TrackerOrg{OrgID: n, Role: jigsaw.OrgRole(a), Slug: b, Name: c})
		case 3:
			t.KeyIssues = append(t.KeyIssues, a)
		case 4:
			t.Sources = append(t.Sources, jigsaw.Source{URL: a, Publisher: b, PublishedOn: c, Quote: d})
		case 5:
			t.Stories = append(t.Stories, jigsaw.LinkRef{ID: n, Title: a})
		case 6:
			t.Disputes = append(t.Disputes, jigsaw.LinkRef{ID: n, Title: a})
		}
		return nil
	})
}

// trackerSnapshot is the item as the edit history compares it.
func trackerSnapshot(t *jigsaw.TrackerItem) snapshot {
	var s snapshot
	s.add("kind", string(t.Kind))
	s.add("title", t.Title)
	s.add("summary", t.Summary)
	var lines []string
	for _, h := range t.History {
		lines = append(lines, strings.TrimSpace(fmt.Sprintf("%s %s %s", h.On, h.Status, h.Note)))
	}
	s.add("status_history", strings.Join(lines, "\n"))
	s.add("reported_on", t.ReportedOn)
	s.add("decided_on", t.DecidedOn)
	s.add("effective_on", t.EffectiveOn)
	s.add("ends_on", t.EndsOn)
	s.add("value", t.Value())
	if t.StaffAffected != 0 {
		s.add("staff_affected", strconv.Itoa(t.StaffAffected))
	} else {
		s.add("staff_affected", "")
	}
	s.add("district", t.District)
	s.add("area", t.Area)
	s.add("key_issues", strings.Join(t.KeyIssues, ", "))
	lines = nil
	for _, o := range t.Organisations {
		lines = append(lines, fmt.Sprintf("%s (%s)", o.Name, o.Role))
	}
	s.add("organisations", strings.Join(lines, "\n"))
	lines = nil
	for _, src := range t.Sources {
		line := src.URL
		if src.Publisher != "" || src.PublishedOn != "" {
			line += " — " + strings.TrimSpace(src.Publisher+" "+src.PublishedOn)
		}
		if src.Quote != "" {
			line += ": “" + src.Quote + "”"
		}
		lines = append(lines, line)
	}
	s.add("sources", strings.Join(lines, "\n"))
	s.add("stories", linkIDs(t.Stories))
	s.add("disputes", linkIDs(t.Disputes))
	s.add("source_key", t.SourceKey)
	if t.Published {
		s.add("published", "yes")
	} else {
		s.add("published", "no")
	}
	return s
}

func linkIDs(links []jigsaw.LinkRef) string {
	parts := make([]string, len(links))
	for i, l := range links {
		parts[i] = strconv.FormatInt(l.ID, 10)
	}
	return strings.Join(parts, ", ")
}

// linksToStories reads, for the stories cond selects ("l.story_id = $1",
// or "l.story_id = ANY($1)" for many at once on PostgreSQL), the published
// dangers linking each and their disputes, in one round trip: both branches
// start from the index on tracker_stories(story_id) and probe primary keys,
// so a story page pays a few index lookups.
func linksToStories(cond string) string {
	return `
	SELECT l.story_id, 1 AS list, t.id, t.title, t.reported_on AS ord
		FROM tracker_stories l JOIN tracker_items t ON t.id = l.tracker_id
		WHERE ` + cond + ` AND t.published_at IS NOT NULL
	UNION ALL SELECT l.story_id, 2, d.id, d.title, d.last_step_on
		FROM tracker_stories l JOIN tracker_items t ON t.id = l.tracker_id
		JOIN tracker_disputes td ON td.tracker_id = t.id JOIN disputes d ON d.id = td.dispute_id
		WHERE ` + cond + ` AND t.published_at IS NOT NULL
	ORDER BY 1, 2, 5 DESC, 3 DESC`
}

var (
	linksToStory    = linksToStories("l.story_id = $1")
	linksToStoryAny = linksToStories("l.story_id = ANY($1)")
)

// addLinksToStories reads into stories (by id) what their pages link back
// to: query is linksToStory with one id or linksToStoryAny with many.
func (db *DB) addLinksToStories(ctx context.Context, query string, arg any, stories map[int64]*jigsaw.PublicStory) error {
	rows, err := db.query(ctx, query, arg)
	if err != nil {
		return db.mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var storyID int64
		var list int
		var l jigsaw.LinkRef
		var ord string
		if err := rows.Scan(&storyID, &list, &l.ID, &l.Title, &ord); err != nil {
			return db.mapError(err)
		}
		s := stories[storyID]
		switch {
		case s == nil:
		case list == 1:
			s.Dangers = append(s.Dangers, l)
		case !slices.ContainsFunc(s.Disputes, func(d jigsaw.LinkRef) bool { return d.ID == l.ID }):
			// A dispute reached through two dangers is listed once.
			s.Disputes = append(s.Disputes, l)
		}
	}
	return db.mapError(rows.Err())
}
