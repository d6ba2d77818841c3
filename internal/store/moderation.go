package store

import (
	"context"
	"database/sql"

	"jigsaw"
)

// ModerationView loads everything a moderator sees of a story, and records
// in the audit log that viewer saw the teller's personal data: the record
// and the view are one transaction, so no view goes unrecorded.
func (db *DB) ModerationView(ctx context.Context, id int64, viewer *jigsaw.User, ip string) (_ *jigsaw.ModerationView, err error) {
	defer wrap(&err, "store.ModerationView")
	var v jigsaw.ModerationView
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		s, p := &v.Story, &v.Person
		var publishAs string
		err := tx.QueryRowContext(ctx, `SELECT s.id, s.title, s.body, s.public_body, s.kind, s.district, s.area, s.happened_on, s.status, s.person_id,
				s.byline, s.submitted_at, s.published_at, s.updated_at, s.publish_as, s.confirmed_at, s.withdrawn_at, s.reject_reason, s.channel,
				p.id, p.name, p.email, p.phone, p.postcode, p.email_confirmed_at, p.verified_at, p.verified_note, p.erased_at, p.created_at, p.erasure_requested_at
			FROM stories s JOIN people p ON p.id = s.person_id WHERE s.id = $1`, id).Scan(
			&s.ID, &s.Title, &s.Body, &s.PublicBody, &s.Kind, &s.District, &s.Area, &s.HappenedOn, &s.Status, &s.PersonID,
			&s.Byline, &s.SubmittedAt, nullTime{&s.PublishedAt}, &s.UpdatedAt, &publishAs, nullTime{&v.ConfirmedAt}, nullTime{&v.WithdrawnAt}, &v.RejectReason, &v.Channel,
			&p.ID, &p.Name, &p.Email, &p.Phone, &p.Postcode, nullTime{&p.EmailConfirmedAt}, nullTime{&p.VerifiedAt}, &p.VerifiedNote, nullTime{&p.ErasedAt}, &p.CreatedAt,
			nullTime{&v.ErasureRequestedAt})
		if err == sql.ErrNoRows {
			return storyNotFound(id)
		} else if err != nil {
			return err
		}
		v.PublishAs = jigsaw.PublishAs(publishAs)
		if err := scanAll(ctx, tx, `SELECT kind, value, wording, given_at FROM consents WHERE person_id = $1 ORDER BY given_at, id`, []any{p.ID}, func(r *sql.Rows) error {
			var c jigsaw.Consent
			err := r.Scan(&c.Kind, &c.Value, &c.Wording, &c.GivenAt)
			v.Consents = append(v.Consents, c)
			return err
		}); err != nil {
			return err
		}
		if err := scanAll(ctx, tx, `SELECT r.id, COALESCE(u.email, ''), r.at, r.action, r.title, r.body, r.public_body FROM story_revisions r
			LEFT JOIN users u ON u.id = r.user_id WHERE r.story_id = $1 ORDER BY r.at, r.id`, []any{id}, func(r *sql.Rows) error {
			var rev jigsaw.StoryRevision
			err := r.Scan(&rev.ID, &rev.UserEmail, &rev.At, &rev.Action, &rev.Title, &rev.Body, &rev.PublicBody)
			v.Revisions = append(v.Revisions, rev)
			return err
		}); err != nil {
			return err
		}
		if err := scanAll(ctx, tx, `SELECT COALESCE(u.email, ''), n.at, n.body FROM story_notes n LEFT JOIN users u ON u.id = n.user_id
			WHERE n.story_id = $1 ORDER BY n.at, n.id`, []any{id}, func(r *sql.Rows) error {
			var n jigsaw.Note
			err := r.Scan(&n.UserEmail, &n.At, &n.Body)
			v.Notes = append(v.Notes, n)
			return err
		}); err != nil {
			return err
		}
		if err := scanAll(ctx, tx, `SELECT o.id, o.slug, o.name FROM story_organisations so JOIN organisations o ON o.id = so.organisation_id
			WHERE so.story_id = $1 ORDER BY o.name`, []any{id}, func(r *sql.Rows) error {
			var o jigsaw.OrgRef
			err := r.Scan(&o.ID, &o.Slug, &o.Name)
			v.Orgs = append(v.Orgs, o)
			return err
		}); err != nil {
			return err
		}
		if err := scanAll(ctx, tx, `SELECT key_issue FROM story_key_issues WHERE story_id = $1 ORDER BY key_issue`, []any{id}, func(r *sql.Rows) error {
			var k string
			err := r.Scan(&k)
			s.KeyIssues = append(s.KeyIssues, k)
			return err
		}); err != nil {
			return err
		}
		if v.OtherStories, err = otherStories(ctx, tx, id); err != nil {
			return err
		}
		if v.Attachments, err = attachments(ctx, tx, id); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{UserID: viewer.ID, Actor: viewer.Email, Action: "person-view", ObjectType: "person", ObjectID: p.ID,
			Detail: "story " + itoa(int(id)), IP: ip})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// scanAll runs query in tx and calls fn for each row.
func scanAll(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
