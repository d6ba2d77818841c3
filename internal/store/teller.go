package store

import (
	"context"
	"database/sql"
	"strings"

	"jigsaw"
)

// personOf returns the person who told story id: every record made with the
// same email address (one person, whatever name they gave each time), or
// the story's own record when it has no address (an erased one).
func personOf(ctx context.Context, q querier, id int64) (email string, people []int64, err error) {
	var personID int64
	if err := q.QueryRowContext(ctx, `SELECT p.id, p.email FROM stories s JOIN people p ON p.id = s.person_id WHERE s.id = $1`, id).
		Scan(&personID, &email); err == sql.ErrNoRows {
		return "", nil, storyNotFound(id)
	} else if err != nil {
		return "", nil, err
	}
	if email == "" {
		return "", []int64{personID}, nil
	}
	people, err = int64s(ctx, q, `SELECT id FROM people WHERE lower(email) = lower($1) ORDER BY id`, email)
	return email, people, err
}

// TellerStories returns the ids of every story told by the person who
// told story id (see personOf), oldest first.
func (db *DB) TellerStories(ctx context.Context, id int64) (_ []int64, err error) {
	defer wrap(&err, "store.TellerStories")
	q := readQuerier{db}
	_, people, err := personOf(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return int64s(ctx, q, `SELECT id FROM stories WHERE person_id IN (`+idList(people)+`) ORDER BY id`)
}

// TellerData returns everything held about the person who told story id,
// for their own page and their download. It is the teller's own data, read
// through a link mailed to them: it is not a moderator's view and is not
// audited as one.
func (db *DB) TellerData(ctx context.Context, id int64) (_ *jigsaw.TellerData, err error) {
	defer wrap(&err, "store.TellerData")
	var d jigsaw.TellerData
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		email, people, err := personOf(ctx, tx, id)
		if err != nil {
			return err
		}
		d.Email = email
		in := idList(people)
		if err := scanAll(ctx, tx, `SELECT id, name, email, phone, postcode, email_confirmed_at, verified_at, erased_at, created_at
			FROM people WHERE id IN (`+in+`) ORDER BY id`, nil, func(r *sql.Rows) error {
			var p jigsaw.Person
			err := r.Scan(&p.ID, &p.Name, &p.Email, &p.Phone, &p.Postcode, nullTime{&p.EmailConfirmedAt}, nullTime{&p.VerifiedAt},
				nullTime{&p.ErasedAt}, &p.CreatedAt)
			d.People = append(d.People, p)
			return err
		}); err != nil {
			return err
		}
		if err := scanAll(ctx, tx, `SELECT id, title, body, public_body, kind, district, area, happened_on, status, person_id, byline,
				submitted_at, published_at, updated_at, publish_as, publish_name, reject_reason
			FROM stories WHERE person_id IN (`+in+`) ORDER BY submitted_at, id`, nil, func(r *sql.Rows) error {
			var s jigsaw.TellerStory
			err := r.Scan(&s.ID, &s.Title, &s.Body, &s.PublicBody, &s.Kind, &s.District, &s.Area, &s.HappenedOn, &s.Status, &s.PersonID,
				&s.Byline, &s.SubmittedAt, nullTime{&s.PublishedAt}, &s.UpdatedAt, &s.PublishAs, &s.PublishName, &s.RejectReason)
			d.Stories = append(d.Stories, s)
			return err
		}); err != nil {
			return err
		}
		for i := range d.Stories {
			s := &d.Stories[i]
			if err := scanAll(ctx, tx, `SELECT id, at, action, title, body, public_body FROM story_revisions WHERE story_id = $1 ORDER BY at, id`,
				[]any{s.ID}, func(r *sql.Rows) error {
					var rev jigsaw.StoryRevision
					err := r.Scan(&rev.ID, &rev.At, &rev.Action, &rev.Title, &rev.Body, &rev.PublicBody)
					s.Revisions = append(s.Revisions, rev)
					return err
				}); err != nil {
				return err
			}
		}
		if err := scanAll(ctx, tx, `SELECT COALESCE(story_id, 0), kind, value, wording, given_at FROM consents
			WHERE person_id IN (`+in+`) ORDER BY given_at, id`, nil, func(r *sql.Rows) error {
			var c jigsaw.Consent
			err := r.Scan(&c.StoryID, &c.Kind, &c.Value, &c.Wording, &c.GivenAt)
			d.Consents = append(d.Consents, c)
			return err
		}); err != nil {
			return err
		}
		if err := scanAll(ctx, tx, `SELECT a.id, a.story_id, a.filename, a.content_type, a.size, a.created_at FROM mail_in_attachments a
			JOIN stories s ON s.id = a.story_id WHERE s.person_id IN (`+in+`) ORDER BY a.id`, nil, func(r *sql.Rows) error {
			var a jigsaw.Attachment
			err := r.Scan(&a.ID, &a.StoryID, &a.Filename, &a.ContentType, &a.Size, &a.CreatedAt)
			d.Attachments = append(d.Attachments, a)
			return err
		}); err != nil {
			return err
		}
		if email != "" {
			if err := scanAll(ctx, tx, `SELECT id, list, filter, frequency, language, created_at, confirmed_at, last_sent_at
				FROM alert_subscriptions WHERE lower(email) = lower($1) ORDER BY id`, []any{email}, func(r *sql.Rows) error {
				a := jigsaw.AlertSubscription{Email: email}
				err := r.Scan(&a.ID, &a.List, &a.Filter, &a.Frequency, &a.Language, &a.CreatedAt, nullTime{&a.ConfirmedAt}, nullTime{&a.LastSentAt})
				d.Alerts = append(d.Alerts, a)
				return err
			}); err != nil {
				return err
			}
			if err := scanAll(ctx, tx, `SELECT `+mailColumns+` FROM outbox WHERE lower(to_addr) = lower($1) ORDER BY id`, []any{email},
				func(r *sql.Rows) error {
					m, err := scanMail(r)
					if err == nil {
						d.Mails = append(d.Mails, *m)
					}
					return err
				}); err != nil {
				return err
			}
		}
		// Moderators' views of their details; the viewer is named (the
		// teller may ask who read them), their address is not.
		return scanAll(ctx, tx, `SELECT id, at, actor, action, object_type, COALESCE(object_id, 0), detail FROM audit_log
			WHERE action = 'person-view' AND object_type = 'person' AND object_id IN (`+in+`) ORDER BY at, id`, nil, func(r *sql.Rows) error {
			var e jigsaw.AuditEntry
			err := r.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail)
			d.Views = append(d.Views, e)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// SetNaming changes how story id is to be named: a new publish-as consent
// with its wording and time (the earlier ones are kept), and the byline of
// a published story follows at once. ip is where the teller asked from.
func (db *DB) SetNaming(ctx context.Context, id int64, as jigsaw.PublishAs, publishName, ip string) (err error) {
	defer wrap(&err, "store.SetNaming")
	sub := &jigsaw.Submission{PublishAs: as, PublishName: strings.Join(strings.Fields(publishName), " ")}
	if !jigsaw.Valid(jigsaw.PublishAsChoices, as) {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Choose how your story may be published.", Fields: map[string]string{"publish_as": "Choose one."}}
	}
	if as == jigsaw.PublishFirstNameArea && (sub.PublishName == "" || len([]rune(sub.PublishName)) > 60) {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Give the name to publish with your story, such as your first name (at most 60 characters).",
			Fields: map[string]string{"publish_name": "Required."}}
	}
	if as != jigsaw.PublishFirstNameArea {
		sub.PublishName = ""
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var personID int64
		var status jigsaw.StoryStatus
		var name, area string
		var kind jigsaw.StoryKind
		if err := tx.QueryRowContext(ctx, `SELECT s.person_id, s.status, p.name, s.area, s.kind FROM stories s JOIN people p ON p.id = s.person_id
			WHERE s.id = $1`, id).Scan(&personID, &status, &name, &area, &kind); err == sql.ErrNoRows {
			return storyNotFound(id)
		} else if err != nil {
			return err
		}
		byline := ""
		if status == jigsaw.StoryPublished {
			byline = jigsaw.Byline(as, name, sub.PublishName, kind, area)
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET publish_as = $1, publish_name = $2, updated_at = $3,
			byline = CASE WHEN status = 'published' THEN $4 ELSE byline END WHERE id = $5`,
			as, sub.PublishName, now, byline, id); err != nil {
			return err
		}
		if err := db.logChange(ctx, tx, jigsaw.ChangeStory, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO consents (person_id, story_id, kind, value, wording, given_at) VALUES ($1, $2, 'publish-as', $3, $4, $5)`,
			personID, id, string(as), sub.PublishAsWording(), now); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{Actor: "story teller", Action: "naming-change", ObjectType: "story", ObjectID: id,
			Detail: string(as), IP: ip})
	})
}

// otherStories lists the stories told from the same email address as story
// id, except id itself, for moderators.
func otherStories(ctx context.Context, tx *sql.Tx, id int64) ([]jigsaw.QueueItem, error) {
	email, people, err := personOf(ctx, tx, id)
	if err != nil || email == "" {
		return nil, err
	}
	var out []jigsaw.QueueItem
	err = scanAll(ctx, tx, `SELECT id, title, kind, status, area, submitted_at FROM stories
		WHERE person_id IN (`+idList(people)+`) AND id <> $1 ORDER BY submitted_at, id`, []any{id}, func(r *sql.Rows) error {
		var q jigsaw.QueueItem
		err := r.Scan(&q.ID, &q.Title, &q.Kind, &q.Status, &q.Area, &q.SubmittedAt)
		out = append(out, q)
		return err
	})
	return out, err
}
