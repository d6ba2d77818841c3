package store

import (
	"context"
	"database/sql"
	"sort"
	"time"

	"jigsaw"
)

var _ jigsaw.TimelineService = (*DB)(nil)

// OrganisationTimeline implements jigsaw.TimelineService.
func (db *DB) OrganisationTimeline(ctx context.Context, orgID int64, limit int) (_ []*jigsaw.TimelineEntry, err error) {
	defer wrap(&err, "store.OrganisationTimeline")
	limit = clampLimit(limit)
	if _, err := findOrganisation(ctx, db.read, "id = $1", orgID); err != nil {
		return nil, db.mapError(err)
	}
	var family []any
	rows, err := db.read.QueryContext(ctx, `WITH RECURSIVE family(id) AS (
			SELECT id FROM organisations WHERE id = $1
			UNION SELECT o.id FROM organisations o JOIN family f ON o.parent_id = f.id)
		SELECT id FROM family`, orgID)
	if err != nil {
		return nil, db.mapError(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, db.mapError(err)
		}
		family = append(family, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.mapError(err)
	}

	// An entry about several organisations of the family comes back once
	// per organisation; byKey gathers them into one entry.
	type key struct {
		kind    jigsaw.TimelineKind
		id, sub int64
	}
	byKey := map[key]*jigsaw.TimelineEntry{}
	var out []*jigsaw.TimelineEntry
	collect := func(k key, e *jigsaw.TimelineEntry, org jigsaw.OrgRef) {
		have, ok := byKey[k]
		if !ok {
			byKey[k], have = e, e
			out = append(out, e)
		}
		for _, o := range have.Organisations {
			if o.ID == org.ID {
				return
			}
		}
		have.Organisations = append(have.Organisations, org)
	}

	err = eachRow(ctx, readQuerier{db}, `SELECT t.id, t.title, h.position, h.status, h.on_date, h.note, o.id, o.slug, o.name
		FROM tracker_status_history h
		JOIN tracker_items t ON t.id = h.tracker_id
		JOIN tracker_organisations l ON l.tracker_id = t.id
		JOIN organisations o ON o.id = l.organisation_id
		WHERE t.published_at IS NOT NULL AND l.organisation_id IN (?)`, family, func(rows *sql.Rows) error {
		e := &jigsaw.TimelineEntry{Kind: jigsaw.TimelineDanger}
		var pos int64
		var o jigsaw.OrgRef
		if err := rows.Scan(&e.ObjectID, &e.Title, &pos, &e.Status, &e.Date, &e.Note, &o.ID, &o.Slug, &o.Name); err != nil {
			return err
		}
		collect(key{e.Kind, e.ObjectID, pos}, e, o)
		return nil
	})
	if err != nil {
		return nil, db.mapError(err)
	}

	err = eachRow(ctx, readQuerier{db}, `SELECT d.id, d.title, s.id, s.kind, s.on_date, s.end_date, s.note, s.turnout_bp, s.yes_bp, o.id, o.slug, o.name
		FROM dispute_steps s
		JOIN disputes d ON d.id = s.dispute_id
		JOIN dispute_parties p ON p.dispute_id = d.id
		JOIN organisations o ON o.id = p.organisation_id
		WHERE p.organisation_id IN (?)`, family, func(rows *sql.Rows) error {
		e := &jigsaw.TimelineEntry{Kind: jigsaw.TimelineDisputeStep}
		var stepID int64
		var o jigsaw.OrgRef
		if err := rows.Scan(&e.ObjectID, &e.Title, &stepID, &e.Step, &e.Date, &e.EndDate, &e.Note, &e.TurnoutBP, &e.YesBP, &o.ID, &o.Slug, &o.Name); err != nil {
			return err
		}
		collect(key{e.Kind, e.ObjectID, stepID}, e, o)
		return nil
	})
	if err != nil {
		return nil, db.mapError(err)
	}

	// Stories are the one kind that may run to thousands for a big trust:
	// only the newest published are read, enough to fill the timeline.
	args := append(append([]any(nil), family...), limit*4)
	err = eachRow(ctx, readQuerier{db}, `SELECT s.id, s.title, s.happened_on, s.published_at, o.id, o.slug, o.name
		FROM stories s
		JOIN story_organisations l ON l.story_id = s.id
		JOIN organisations o ON o.id = l.organisation_id
		WHERE s.status = 'published' AND s.id IN (
			SELECT n.story_id FROM story_organisations n JOIN stories p ON p.id = n.story_id
			WHERE p.status = 'published' AND n.organisation_id IN (?)
			ORDER BY p.published_at DESC LIMIT $`+itoa(len(args))+`)
		AND l.organisation_id IN (`+placeholders(1, len(family))+`)`, args, func(rows *sql.Rows) error {
		e := &jigsaw.TimelineEntry{Kind: jigsaw.TimelineStory}
		var published time.Time
		var o jigsaw.OrgRef
		if err := rows.Scan(&e.ObjectID, &e.Title, &e.Date, nullTime{&published}, &o.ID, &o.Slug, &o.Name); err != nil {
			return err
		}
		if e.Date == "" {
			e.Date = published.Format("2006-01-02")
		}
		collect(key{e.Kind, e.ObjectID, 0}, e, o)
		return nil
	})
	if err != nil {
		return nil, db.mapError(err)
	}

	// The organisations' own openings and closures: ObjectID is the
	// organisation.
	err = eachRow(ctx, readQuerier{db}, `SELECT id, slug, name, opened_on, closed_on FROM organisations
		WHERE (opened_on <> '' OR closed_on <> '') AND id IN (?)`, family, func(rows *sql.Rows) error {
		var o jigsaw.OrgRef
		var opened, closed string
		if err := rows.Scan(&o.ID, &o.Slug, &o.Name, &opened, &closed); err != nil {
			return err
		}
		for kind, day := range map[jigsaw.TimelineKind]string{jigsaw.TimelineOpened: opened, jigsaw.TimelineClosed: closed} {
			if day != "" {
				collect(key{kind, o.ID, 0}, &jigsaw.TimelineEntry{Kind: kind, Date: day, ObjectID: o.ID, Title: o.Name}, o)
			}
		}
		return nil
	})
	if err != nil {
		return nil, db.mapError(err)
	}

	// Newest first; within a day, the newer danger, dispute or story first.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date > out[j].Date
		}
		return out[i].ObjectID > out[j].ObjectID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
