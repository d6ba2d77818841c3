package store

import (
	"context"
	"database/sql"

	"jigsaw"
)

// insertAttachments stores the files that came with an emailed story, in
// the transaction that stores the story: a message is acknowledged only
// once all of it is on disk.
func insertAttachments(ctx context.Context, tx Execer, storyID int64, as []jigsaw.Attachment, now any) error {
	for _, a := range as {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mail_in_attachments (story_id, filename, content_type, size, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, storyID, a.Filename, a.ContentType, len(a.Data), a.Data, now); err != nil {
			return err
		}
	}
	return nil
}

// attachments lists a story's attachments, without their data.
func attachments(ctx context.Context, tx *sql.Tx, storyID int64) ([]jigsaw.Attachment, error) {
	var out []jigsaw.Attachment
	err := scanAll(ctx, tx, `SELECT id, story_id, filename, content_type, size, created_at FROM mail_in_attachments
		WHERE story_id = $1 ORDER BY id`, []any{storyID}, func(r *sql.Rows) error {
		var a jigsaw.Attachment
		err := r.Scan(&a.ID, &a.StoryID, &a.Filename, &a.ContentType, &a.Size, &a.CreatedAt)
		out = append(out, a)
		return err
	})
	return out, err
}

// Attachment returns one attachment of story storyID with its data, and
// records in the audit log that viewer opened it, in one transaction: like
// a teller's contact details, no view goes unrecorded. Returns ENOTFOUND.
func (db *DB) Attachment(ctx context.Context, storyID, id int64, viewer *jigsaw.User, ip string) (_ *jigsaw.Attachment, err error) {
	defer wrap(&err, "store.Attachment")
	var a jigsaw.Attachment
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, story_id, filename, content_type, size, data, created_at FROM mail_in_attachments
			WHERE id = $1 AND story_id = $2`, id, storyID).Scan(&a.ID, &a.StoryID, &a.Filename, &a.ContentType, &a.Size, &a.Data, &a.CreatedAt)
		if err == sql.ErrNoRows {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "Attachment %d of story %d not found.", id, storyID)
		} else if err != nil {
			return err
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{UserID: viewer.ID, Actor: viewer.Email, Action: "attachment-view",
			ObjectType: "story", ObjectID: storyID, Detail: "attachment " + itoa(int(id)), IP: ip})
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// StoryChannel returns how a story came (jigsaw.ChannelWeb or
// ChannelEmail). Returns ENOTFOUND.
func (db *DB) StoryChannel(ctx context.Context, id int64) (_ string, err error) {
	defer wrap(&err, "store.StoryChannel")
	var ch string
	err = db.queryRow(ctx, `SELECT channel FROM stories WHERE id = $1`, id).Scan(&ch)
	if err == sql.ErrNoRows {
		return "", jigsaw.Errorf(jigsaw.ENOTFOUND, "This story no longer exists.")
	}
	return ch, db.mapError(err)
}

// ConfirmEmailStory confirms a story that came by email with what its
// teller gave on the confirmation page — kind, place, how it may be
// published, the consents — in one transaction: the story moves to
// awaiting-review only with its consents recorded. Confirming again
// changes nothing. Returns ENOTFOUND, and EINVALID for a story from the
// form (its consents came with it).
func (db *DB) ConfirmEmailStory(ctx context.Context, id int64, c *jigsaw.Submission) (err error) {
	defer wrap(&err, "store.ConfirmEmailStory")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var st jigsaw.StoryStatus
		var personID int64
		var channel string
		if err := tx.QueryRowContext(ctx, `SELECT status, person_id, channel FROM stories WHERE id = $1`, id).Scan(&st, &personID, &channel); err == sql.ErrNoRows {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "This story no longer exists.")
		} else if err != nil {
			return err
		}
		if st != jigsaw.StoryAwaitingConfirmation {
			return nil
		}
		if channel != jigsaw.ChannelEmail {
			return jigsaw.Errorf(jigsaw.EINVALID, "This story came with its consents: confirm it with the button alone.")
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET kind = $1, district = $2, area = $3, publish_as = $4, publish_name = $5 WHERE id = $6`,
			c.Kind, c.District, c.Area, c.PublishAs, c.PublishName, id); err != nil {
			return err
		}
		if err := insertConsents(ctx, tx, personID, id, c, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE people SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL`, now, personID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE stories SET status = $1, confirmed_at = $2, updated_at = $2 WHERE id = $3`, jigsaw.StoryAwaitingReview, now, id)
		return err
	})
}
