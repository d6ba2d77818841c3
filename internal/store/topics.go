package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"jigsaw"
)

var _ jigsaw.TopicService = (*DB)(nil)

const topicColumns = `t.id, t.title, t.notes, t.state, COALESCE(t.campaign_id, 0), COALESCE(c.slug, ''), COALESCE(c.name, ''),
	t.version, t.created_at, t.updated_at`

const topicFrom = ` FROM topics t LEFT JOIN campaigns c ON c.id = t.campaign_id`

func scanTopic(row interface{ Scan(...any) error }) (*jigsaw.Topic, error) {
	var t jigsaw.Topic
	if err := row.Scan(&t.ID, &t.Title, &t.Notes, &t.State, &t.CampaignID, &t.CampaignSlug, &t.CampaignName,
		&t.Version, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

// CreateTopic implements jigsaw.TopicService.
func (db *DB) CreateTopic(ctx context.Context, t *jigsaw.Topic) (err error) {
	defer wrap(&err, "store.CreateTopic")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkTopic(ctx, tx, t); err != nil {
			return err
		}
		now := db.now()
		t.CreatedAt, t.UpdatedAt, t.Version = now, now, 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO topics (title, notes, state, campaign_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			t.Title, t.Notes, t.State, idOrNull(t.CampaignID), now, now).Scan(&t.ID); err != nil {
			return err
		}
		if err := writeTopicLists(ctx, tx, t); err != nil {
			return err
		}
		after, err := findTopic(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectTopic, t.ID, "create", diff(nil, topicSnapshot(after)))
	})
}

// UpdateTopic implements jigsaw.TopicService.
func (db *DB) UpdateTopic(ctx context.Context, t *jigsaw.Topic) (err error) {
	defer wrap(&err, "store.UpdateTopic")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findTopic(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("topic", t.Version, before.Version); err != nil {
			return err
		}
		if err := checkTopic(ctx, tx, t); err != nil {
			return err
		}
		t.CreatedAt, t.UpdatedAt = before.CreatedAt, db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE topics SET title = $1, notes = $2, state = $3, campaign_id = $4,
			updated_at = $5, version = version + 1 WHERE id = $6`,
			t.Title, t.Notes, t.State, idOrNull(t.CampaignID), t.UpdatedAt, t.ID); err != nil {
			return err
		}
		for _, table := range []string{"topic_organisations", "topic_links"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE topic_id = $1`, t.ID); err != nil {
				return err
			}
		}
		if err := writeTopicLists(ctx, tx, t); err != nil {
			return err
		}
		after, err := findTopic(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		t.Version = after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectTopic, t.ID, "update", diff(topicSnapshot(before), topicSnapshot(after)))
	})
}

func checkTopic(ctx context.Context, tx *sql.Tx, t *jigsaw.Topic) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	p := jigsaw.Problems{}
	for i, o := range t.Organisations {
		if !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, o.OrgID) {
			p.Add(fmt.Sprintf("organisations[%d].organisation", i), "No such organisation.")
		}
	}
	if t.CampaignID != 0 && !exists(ctx, tx, `SELECT count(*) FROM campaigns WHERE id = $1`, t.CampaignID) {
		p.Add("campaign", "No such campaign.")
	}
	return p.Err()
}

func writeTopicLists(ctx context.Context, tx *sql.Tx, t *jigsaw.Topic) error {
	var rows multiRow
	for i, o := range t.Organisations {
		rows.add(t.ID, o.OrgID, i)
	}
	if err := rows.insert(ctx, tx, `topic_organisations (topic_id, organisation_id, position)`); err != nil {
		return err
	}
	for i, l := range t.Links {
		rows.add(t.ID, i, l.URL, l.Label)
	}
	return rows.insert(ctx, tx, `topic_links (topic_id, position, url, label)`)
}

func findTopic(ctx context.Context, q querier, id int64) (*jigsaw.Topic, error) {
	t, err := scanTopic(q.QueryRowContext(ctx, `SELECT `+topicColumns+topicFrom+` WHERE t.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Topic %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	return t, attachTopicLists(ctx, q, []*jigsaw.Topic{t})
}

// FindTopicByID implements jigsaw.PublicTopicService.
func (db *DB) FindTopicByID(ctx context.Context, id int64) (_ *jigsaw.Topic, err error) {
	defer wrap(&err, "store.FindTopicByID")
	t, err := findTopic(ctx, readQuerier{db}, id)
	return t, db.mapError(err)
}

// topicWhere is the one translation of a topic filter to SQL.
func topicWhere(f jigsaw.TopicFilter) where {
	var w where
	if f.State != "" {
		w.add("t.state = ?", f.State)
	}
	if f.CampaignID != 0 {
		w.add("t.campaign_id = ?", f.CampaignID)
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM topic_organisations o WHERE o.topic_id = t.id AND o.organisation_id = ?)", f.OrgID)
	}
	if f.Untaken {
		w.add("t.state <> 'done' AND NOT EXISTS (SELECT 1 FROM topic_organisations o WHERE o.topic_id = t.id)")
	}
	return w
}

// topicOrder lists topics as the board shows them, by state, then by
// title: jigsaw.Topic.SortKey in lower case.
const topicOrder = `lower(CASE t.state WHEN 'open' THEN '0' WHEN 'taken' THEN '1' WHEN 'in-progress' THEN '2' ELSE '3' END || t.title)`

// FindTopics implements jigsaw.PublicTopicService.
func (db *DB) FindTopics(ctx context.Context, f jigsaw.TopicFilter) (_ []*jigsaw.Topic, _ int, err error) {
	defer wrap(&err, "store.FindTopics")
	w := topicWhere(f)
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "topics t", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if f.After != nil {
		w.after(topicOrder, "t.id", "lower(?)", false, f.After, f.After.Key)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+topicColumns+topicFrom+` WHERE `+cond+` ORDER BY `+topicOrder+`, t.id`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanTopic)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	return out, total, db.mapError(attachTopicLists(ctx, readQuerier{db}, out))
}

// attachTopicLists loads the organisations and links of topics in one
// query per list.
func attachTopicLists(ctx context.Context, q querier, topics []*jigsaw.Topic) error {
	if len(topics) == 0 {
		return nil
	}
	byID := make(map[int64]*jigsaw.Topic, len(topics))
	ids := make([]any, len(topics))
	for i, t := range topics {
		byID[t.ID] = t
		ids[i] = t.ID
	}
	if err := eachRow(ctx, q, `SELECT t.topic_id, t.organisation_id, o.slug, o.name FROM topic_organisations t
		JOIN organisations o ON o.id = t.organisation_id WHERE t.topic_id IN (?) ORDER BY t.topic_id, t.position`, ids,
		func(rows *sql.Rows) error {
			var id int64
			var o jigsaw.TopicOrg
			if err := rows.Scan(&id, &o.OrgID, &o.Slug, &o.Name); err != nil {
				return err
			}
			byID[id].Organisations = append(byID[id].Organisations, o)
			return nil
		}); err != nil {
		return err
	}
	return eachRow(ctx, q, `SELECT topic_id, url, label FROM topic_links WHERE topic_id IN (?) ORDER BY topic_id, position`, ids,
		func(rows *sql.Rows) error {
			var id int64
			var l jigsaw.TopicLink
			if err := rows.Scan(&id, &l.URL, &l.Label); err != nil {
				return err
			}
			byID[id].Links = append(byID[id].Links, l)
			return nil
		})
}

// topicSnapshot is the topic as the edit history compares it.
func topicSnapshot(t *jigsaw.Topic) snapshot {
	var s snapshot
	s.add("title", t.Title)
	s.add("notes", t.Notes)
	s.add("state", string(t.State))
	s.add("campaign", t.CampaignName)
	var lines []string
	for _, o := range t.Organisations {
		lines = append(lines, o.Name)
	}
	s.add("organisations", strings.Join(lines, "\n"))
	lines = nil
	for _, l := range t.Links {
		lines = append(lines, strings.TrimSpace(l.Label+" "+l.URL))
	}
	s.add("links", strings.Join(lines, "\n"))
	return s
}

// EachTopic calls fn with every topic f selects, in the board's order, as
// EachPublicStory reads stories.
func (db *DB) EachTopic(ctx context.Context, f jigsaw.TopicFilter, fn func(*jigsaw.Topic) error) (err error) {
	defer wrap(&err, "store.EachTopic")
	w := topicWhere(f)
	return eachBatch(batchSize(f.Limit), func(after []any, limit int) ([]*jigsaw.Topic, []any, error) {
		cond, page, args := batchWhere(w, topicOrder+", t.id", ">", after, limit)
		rows, err := db.query(ctx, `SELECT `+topicColumns+`, `+topicOrder+topicFrom+` WHERE `+cond+` ORDER BY `+topicOrder+`, t.id`+page, args...)
		if err != nil {
			return nil, nil, db.mapError(err)
		}
		var sortKey string
		var key []any
		out, err := collect(rows, func(row interface{ Scan(...any) error }) (*jigsaw.Topic, error) {
			t, err := scanTopic(keyScanner{row, []any{&sortKey}})
			if err == nil {
				key = []any{sortKey, t.ID}
			}
			return t, err
		})
		if err != nil || len(out) == 0 {
			return out, nil, db.mapError(err)
		}
		if err := attachTopicLists(ctx, readQuerier{db}, out); err != nil {
			return nil, nil, db.mapError(err)
		}
		return out, key, nil
	}, fn)
}
