package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"jigsaw"
)

// ApplyRetention drops the personal data that r keeps only for a while, as
// of now, in one transaction, and says how much it dropped:
//
//   - the addresses in audit entries and on sessions older than r.IPs are
//     blanked (the entries stay: the audit log only loses the address);
//   - the subject and body of mail sent longer ago than r.MailBodies are
//     blanked (the row stays: to whom, when, what kind);
//   - stories still awaiting confirmation that were submitted longer ago
//     than r.Unconfirmed are deleted with their consents, revisions, notes,
//     links and form tokens, their teller unless the teller has another
//     story, and every mail to the teller's address, sent or queued, unless
//     another teller or a user has that address;
//   - tips still awaiting confirmation that were sent longer ago than
//     r.Unconfirmed are deleted, with the mail to their address on the
//     same terms (deleteUnconfirmedTips);
//   - alert subscriptions never confirmed, made longer ago than
//     r.Unconfirmed, are deleted (deleteUnconfirmedAlerts).
//
// A zero period drops nothing of its kind. An unconfirmed story is on no
// public page, so cached pages stay valid.
func (db *DB) ApplyRetention(ctx context.Context, now time.Time, r jigsaw.Retention) (n jigsaw.RetentionCounts, err error) {
	defer wrap(&err, "store.ApplyRetention")
	now = now.UTC()
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		n = jigsaw.RetentionCounts{}
		if r.IPs > 0 {
			before := now.Add(-r.IPs)
			for _, q := range []string{
				`UPDATE audit_log SET ip = '' WHERE at < $1 AND ip <> ''`,
				`UPDATE sessions SET ip = '' WHERE created_at < $1 AND ip <> ''`,
			} {
				c, err := execCount(ctx, tx, q, before)
				if err != nil {
					return err
				}
				n.IPs += c
			}
		}
		if r.MailBodies > 0 {
			// The condition on the text is the partial index's (outbox_text_kept).
			// The headers go too: a digest's hold its unsubscribe link.
			c, err := execCount(ctx, tx, `UPDATE outbox SET subject = '', body = '', headers = ''
				WHERE sent_at < $1 AND (subject <> '' OR body <> '')`, now.Add(-r.MailBodies))
			if err != nil {
				return err
			}
			n.MailBodies = c
		}
		if r.Unconfirmed > 0 {
			if err := db.deleteUnconfirmed(ctx, tx, now.Add(-r.Unconfirmed), &n); err != nil {
				return err
			}
			if err := db.deleteUnconfirmedTips(ctx, tx, now.Add(-r.Unconfirmed), &n); err != nil {
				return err
			}
			if err := db.deleteUnconfirmedAlerts(ctx, tx, now.Add(-r.Unconfirmed), &n); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// deleteUnconfirmed deletes the stories awaiting confirmation since before
// it, with everything that is theirs (see ApplyRetention).
func (db *DB) deleteUnconfirmed(ctx context.Context, tx *sql.Tx, before time.Time, n *jigsaw.RetentionCounts) error {
	type doomed struct {
		story, person int64
	}
	var stories []doomed
	if err := scanAll(ctx, tx, `SELECT id, person_id FROM stories WHERE status = $1 AND submitted_at < $2 ORDER BY id`,
		[]any{jigsaw.StoryAwaitingConfirmation, before}, func(r *sql.Rows) error {
			var d doomed
			err := r.Scan(&d.story, &d.person)
			stories = append(stories, d)
			return err
		}); err != nil {
		return err
	}
	if len(stories) == 0 {
		return nil
	}
	// A story's consents first: deleting the story would only unlink them
	// (ON DELETE SET NULL). Its revisions, notes, links and form token go
	// with it (ON DELETE CASCADE).
	for _, d := range stories {
		if _, err := tx.ExecContext(ctx, `DELETE FROM consents WHERE story_id = $1`, d.story); err != nil {
			return err
		}
		// Counted as deleted here, not as found: another process may have
		// deleted it meanwhile.
		c, err := execCount(ctx, tx, `DELETE FROM stories WHERE id = $1`, d.story)
		if err != nil {
			return err
		}
		n.Stories += c
	}
	seen := map[int64]bool{}
	emails := map[string]bool{}
	for _, d := range stories {
		if seen[d.person] {
			continue
		}
		seen[d.person] = true
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM stories WHERE person_id = $1`, d.person).Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			continue // the teller of another story stays
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM consents WHERE person_id = $1`, d.person); err != nil {
			return err
		}
		var email string
		if err := tx.QueryRowContext(ctx, `DELETE FROM people WHERE id = $1 RETURNING email`, d.person).Scan(&email); err == sql.ErrNoRows {
			continue
		} else if err != nil {
			return err
		}
		n.People++
		if email != "" {
			emails[email] = true
		}
	}
	var gone []any
	for email := range emails {
		var kept int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM people WHERE lower(email) = lower($1))
			+ (SELECT count(*) FROM users WHERE lower(email) = lower($1))`, email).Scan(&kept); err != nil {
			return err
		}
		if kept == 0 { // else the address is still someone's: a teller's or a user's
			gone = append(gone, email)
		}
	}
	// The outbox has no index of addresses: one pass over it for many.
	for len(gone) > 0 {
		batch := gone[:min(len(gone), 200)]
		gone = gone[len(batch):]
		marks := make([]string, len(batch))
		for i := range batch {
			marks[i] = "lower($" + itoa(i+1) + ")"
		}
		c, err := execCount(ctx, tx, `DELETE FROM outbox WHERE lower(to_addr) IN (`+strings.Join(marks, ", ")+`)`, batch...)
		if err != nil {
			return err
		}
		n.Mails += c
	}
	return nil
}

// execCount runs a statement in tx and returns how many rows it changed.
func execCount(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
