package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jigsaw"
)

var _ jigsaw.EventService = (*DB)(nil)

const eventColumns = `e.id, e.kind, e.title, e.description, e.starts_at, e.ends_at, e.venue, e.postcode, e.district,
	COALESCE(e.campaign_id, 0), COALESCE(c.name, ''), COALESCE(e.topic_id, 0), COALESCE(tp.title, ''),
	e.members_only, e.conclusions, e.version, e.created_at, e.updated_at`

// eventFrom joins what an event's row names.
const eventFrom = ` FROM events e LEFT JOIN campaigns c ON c.id = e.campaign_id LEFT JOIN topics tp ON tp.id = e.topic_id`

func scanEvent(row interface{ Scan(...any) error }) (*jigsaw.Event, error) {
	var e jigsaw.Event
	var campaign, topic string
	if err := row.Scan(&e.ID, &e.Kind, &e.Title, &e.Description, &e.Start, &e.End, &e.Venue, &e.Postcode, &e.District,
		&e.CampaignID, &campaign, &e.TopicID, &topic, &e.MembersOnly, &e.Conclusions, &e.Version, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return nil, err
	}
	e.Start, e.End, e.CreatedAt, e.UpdatedAt = e.Start.UTC(), e.End.UTC(), e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	if e.CampaignID != 0 {
		e.Campaign = &jigsaw.LinkRef{ID: e.CampaignID, Title: campaign}
	}
	if e.TopicID != 0 {
		e.Topic = &jigsaw.LinkRef{ID: e.TopicID, Title: topic}
	}
	return &e, nil
}

// CreateEvent implements jigsaw.EventService.
func (db *DB) CreateEvent(ctx context.Context, e *jigsaw.Event) (err error) {
	defer wrap(&err, "store.CreateEvent")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkEvent(ctx, tx, e); err != nil {
			return err
		}
		now := db.now()
		e.CreatedAt, e.UpdatedAt, e.Version = now, now, 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO events (kind, title, description, starts_at, ends_at, venue, postcode, district,
			campaign_id, topic_id, members_only, conclusions, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			e.Kind, e.Title, e.Description, e.Start, e.End, e.Venue, e.Postcode, e.District,
			nullID(e.CampaignID), nullID(e.TopicID), e.MembersOnly, e.Conclusions, now, now).Scan(&e.ID); err != nil {
			return err
		}
		if err := writeOrganisers(ctx, tx, e); err != nil {
			return err
		}
		after, err := findEvent(ctx, tx, e.ID, true)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectEvent, e.ID, "create", diff(nil, eventSnapshot(after)))
	})
}

// UpdateEvent implements jigsaw.EventService.
func (db *DB) UpdateEvent(ctx context.Context, e *jigsaw.Event) (err error) {
	defer wrap(&err, "store.UpdateEvent")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findEvent(ctx, tx, e.ID, true)
		if err != nil {
			return err
		}
		if err := checkVersion("event", e.Version, before.Version); err != nil {
			return err
		}
		if err := db.checkEvent(ctx, tx, e); err != nil {
			return err
		}
		e.CreatedAt, e.UpdatedAt = before.CreatedAt, db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE events SET kind = $1, title = $2, description = $3, starts_at = $4, ends_at = $5,
			venue = $6, postcode = $7, district = $8, campaign_id = $9, topic_id = $10, members_only = $11, conclusions = $12,
			updated_at = $13, version = version + 1 WHERE id = $14`,
			e.Kind, e.Title, e.Description, e.Start, e.End, e.Venue, e.Postcode, e.District,
			nullID(e.CampaignID), nullID(e.TopicID), e.MembersOnly, e.Conclusions, e.UpdatedAt, e.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_organisers WHERE event_id = $1`, e.ID); err != nil {
			return err
		}
		if err := writeOrganisers(ctx, tx, e); err != nil {
			return err
		}
		after, err := findEvent(ctx, tx, e.ID, true)
		if err != nil {
			return err
		}
		e.Version = after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectEvent, e.ID, "update", diff(eventSnapshot(before), eventSnapshot(after)))
	})
}

// checkEvent tidies and checks e, then checks that what it names exists.
func (db *DB) checkEvent(ctx context.Context, tx *sql.Tx, e *jigsaw.Event) error {
	e.Normalize()
	if err := e.ValidateAt(db.now()); err != nil {
		return err
	}
	p := jigsaw.Problems{}
	for i, o := range e.Organisers {
		if !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, o.OrgID) {
			p.Add(fmt.Sprintf("organisers[%d]", i), "No such organisation.")
		}
	}
	if e.CampaignID != 0 && !exists(ctx, tx, `SELECT count(*) FROM campaigns WHERE id = $1`, e.CampaignID) {
		p.Add("campaign", "No such campaign.")
	}
	if e.TopicID != 0 && !exists(ctx, tx, `SELECT count(*) FROM topics WHERE id = $1`, e.TopicID) {
		p.Add("topic", "No such topic.")
	}
	return p.Err()
}

func writeOrganisers(ctx context.Context, tx *sql.Tx, e *jigsaw.Event) error {
	var rows multiRow
	for i, o := range e.Organisers {
		rows.add(e.ID, o.OrgID, i)
	}
	return rows.insert(ctx, tx, `event_organisers (event_id, organisation_id, position)`)
}

// findEvent reads one event; a members-only one only when members.
func findEvent(ctx context.Context, q querier, id int64, members bool) (*jigsaw.Event, error) {
	cond := ""
	if !members {
		cond = " AND NOT e.members_only"
	}
	e, err := scanEvent(q.QueryRowContext(ctx, `SELECT `+eventColumns+eventFrom+` WHERE e.id = $1`+cond, id))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Event %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	return e, attachOrganisers(ctx, q, []*jigsaw.Event{e})
}

// FindEventByID implements jigsaw.EventService.
func (db *DB) FindEventByID(ctx context.Context, id int64) (_ *jigsaw.Event, err error) {
	defer wrap(&err, "store.FindEventByID")
	e, err := findEvent(ctx, readQuerier{db}, id, true)
	return e, db.mapError(err)
}

// FindPublicEventByID implements jigsaw.PublicEventService.
func (db *DB) FindPublicEventByID(ctx context.Context, id int64) (_ *jigsaw.Event, err error) {
	defer wrap(&err, "store.FindPublicEventByID")
	e, err := findEvent(ctx, readQuerier{db}, id, false)
	return e, db.mapError(err)
}

// londonDay returns the instant a London day begins: d's calendar day.
func londonDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, jigsaw.London()).UTC()
}

// eventWhere is the condition on events e of the events f selects, and
// their order: the one translation of an event filter to SQL.
func (db *DB) eventWhere(f jigsaw.EventFilter) (where, string) {
	var w where
	if !f.MembersOnly {
		w.add("NOT e.members_only")
	}
	if f.Kind != "" {
		w.add("e.kind = ?", f.Kind)
	}
	if f.District != "" {
		w.add("e.district = ?", jigsaw.NormalizeDistrict(f.District))
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM event_organisers o WHERE o.event_id = e.id AND o.organisation_id = ?)", f.OrgID)
	}
	if f.CampaignID != 0 {
		w.add("e.campaign_id = ?", f.CampaignID)
	}
	if f.TopicID != 0 {
		w.add("e.topic_id = ?", f.TopicID)
	}
	if f.WithConclusions {
		w.add("e.conclusions <> ''")
	}
	if !f.PublishedAfter.IsZero() {
		w.add("e.created_at > ?", f.PublishedAfter.UTC())
	}
	if !f.From.IsZero() {
		w.add("e.ends_at >= ?", londonDay(f.From))
	}
	if !f.To.IsZero() {
		w.add("e.starts_at < ?", londonDay(f.To.AddDate(0, 0, 1)))
	}
	switch {
	case f.Past:
		w.add("e.ends_at < ?", db.now())
		return w, " ORDER BY e.starts_at DESC, e.id DESC"
	case f.From.IsZero() && f.To.IsZero():
		w.add("e.ends_at >= ?", db.now())
	}
	return w, " ORDER BY e.starts_at, e.id"
}

// FindEvents implements jigsaw.EventService.
func (db *DB) FindEvents(ctx context.Context, f jigsaw.EventFilter) (_ []*jigsaw.Event, _ int, err error) {
	defer wrap(&err, "store.FindEvents")
	w, order := db.eventWhere(f)
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "events e", w.sql(), w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	cond := w.sql()
	page := w.page(limit, offset)
	out, err := db.readEvents(ctx, `SELECT `+eventColumns+eventFrom+` WHERE `+cond+order+page, w.args...)
	return out, total, err
}

// FindPublicEvents implements jigsaw.PublicEventService.
func (db *DB) FindPublicEvents(ctx context.Context, f jigsaw.EventFilter) ([]*jigsaw.Event, int, error) {
	f.MembersOnly = false
	return db.FindEvents(ctx, f)
}

// UpcomingPublicEvents implements jigsaw.PublicEventService.
func (db *DB) UpcomingPublicEvents(ctx context.Context, n int) ([]*jigsaw.Event, error) {
	out, _, err := db.FindEvents(ctx, jigsaw.EventFilter{Limit: n})
	return out, err
}

// CampaignPublicEvents implements jigsaw.PublicEventService.
func (db *DB) CampaignPublicEvents(ctx context.Context, campaignID int64) (_ []*jigsaw.Event, err error) {
	defer wrap(&err, "store.CampaignPublicEvents")
	return db.readEvents(ctx, `SELECT `+eventColumns+eventFrom+` WHERE e.campaign_id = $1 AND NOT e.members_only
		ORDER BY CASE WHEN e.ends_at >= $2 THEN 0 ELSE 1 END, CASE WHEN e.ends_at >= $2 THEN e.starts_at END,
		e.starts_at DESC, e.id LIMIT 200`, campaignID, db.now())
}

// TopicEventConclusions implements jigsaw.PublicEventService.
func (db *DB) TopicEventConclusions(ctx context.Context, topicID int64) (_ []*jigsaw.Event, err error) {
	defer wrap(&err, "store.TopicEventConclusions")
	return db.readEvents(ctx, `SELECT `+eventColumns+eventFrom+` WHERE e.topic_id = $1 AND NOT e.members_only
		AND e.conclusions <> '' ORDER BY e.starts_at DESC, e.id DESC LIMIT 200`, topicID)
}

func (db *DB) readEvents(ctx context.Context, query string, args ...any) ([]*jigsaw.Event, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanEvent)
	if err != nil {
		return nil, db.mapError(err)
	}
	return out, db.mapError(attachOrganisers(ctx, readQuerier{db}, out))
}

// attachOrganisers loads the organisers of events in one query.
func attachOrganisers(ctx context.Context, q querier, events []*jigsaw.Event) error {
	if len(events) == 0 {
		return nil
	}
	byID := make(map[int64]*jigsaw.Event, len(events))
	ids := make([]any, len(events))
	for i, e := range events {
		byID[e.ID] = e
		ids[i] = e.ID
	}
	return eachRow(ctx, q, `SELECT eo.event_id, o.id, o.slug, o.name FROM event_organisers eo
		JOIN organisations o ON o.id = eo.organisation_id WHERE eo.event_id IN (?) ORDER BY eo.event_id, eo.position`, ids,
		func(rows *sql.Rows) error {
			var id int64
			var o jigsaw.EventOrganiser
			if err := rows.Scan(&id, &o.OrgID, &o.Slug, &o.Name); err != nil {
				return err
			}
			byID[id].Organisers = append(byID[id].Organisers, o)
			return nil
		})
}

// eventSnapshot is the event as the edit history compares it, its times
// as London reads them.
func eventSnapshot(e *jigsaw.Event) snapshot {
	var s snapshot
	s.add("kind", string(e.Kind))
	s.add("title", e.Title)
	s.add("description", e.Description)
	s.add("start", e.LocalStart().Format("2006-01-02 15:04"))
	s.add("end", e.LocalEnd().Format("2006-01-02 15:04"))
	s.add("venue", e.Venue)
	s.add("postcode", e.Postcode)
	var names []string
	for _, o := range e.Organisers {
		names = append(names, o.Name)
	}
	s.add("organisers", strings.Join(names, "\n"))
	ref := func(l *jigsaw.LinkRef) string {
		if l == nil {
			return ""
		}
		return l.Title + " (" + strconv.FormatInt(l.ID, 10) + ")"
	}
	s.add("campaign", ref(e.Campaign))
	s.add("topic", ref(e.Topic))
	s.add("members_only", strconv.FormatBool(e.MembersOnly))
	s.add("conclusions", e.Conclusions)
	return s
}
