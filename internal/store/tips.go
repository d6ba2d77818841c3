package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"jigsaw"
)

// Tips are never public, so none of their writes changes a cached page:
// they go through QuietTx.

// SubmitTip stores a tip awaiting confirmation and the mail that mail makes
// (its link names the tip), in one transaction. The tip counts against
// limit under each of limitKeys (the address, the email); one past the
// limit is refused with a *jigsaw.RateLimitError and stores nothing. A
// second submit of the same form (same scoped Token) stores nothing and
// returns the first tip's ID.
func (db *DB) SubmitTip(ctx context.Context, s *jigsaw.TipSubmission, limitKeys []string, limit jigsaw.Limit, mail func(id int64) *jigsaw.Mail) (id int64, err error) {
	defer wrap(&err, "store.SubmitTip")
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		if s.Token != "" {
			err := tx.QueryRowContext(ctx, `SELECT id FROM tips WHERE token = $1`, s.Token).Scan(&id)
			if err == nil || !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		now := db.now()
		for _, key := range limitKeys {
			n, end, err := db.hit(ctx, tx, key, limit.Window)
			if err != nil {
				return err
			}
			if err := limit.Check(n, end, now); err != nil {
				return err
			}
		}
		var token any
		if s.Token != "" {
			token = s.Token
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO tips (kind, what, district, area, organisation, source_url, name, email, contact, status, token, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			s.Kind, s.What, s.District, s.Area, s.Organisation, s.SourceURL, s.Name, s.Email, s.Contact, jigsaw.TipAwaitingConfirmation, token, now,
		).Scan(&id); err != nil {
			return err
		}
		return db.enqueueMail(ctx, tx, mail(id))
	})
	if err != nil {
		return 0, db.mapError(err)
	}
	return id, nil
}

func tipNotFound() error { return jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no such tip.") }

// ConfirmTip records that the tipster confirmed their address: the tip
// joins the editors' queue. Confirming again changes nothing.
func (db *DB) ConfirmTip(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "store.ConfirmTip")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		var st jigsaw.TipStatus
		if err := tx.QueryRowContext(ctx, `SELECT status FROM tips WHERE id = $1`, id).Scan(&st); errors.Is(err, sql.ErrNoRows) {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "This tip is no longer kept: tips not confirmed within a week are deleted. Please send it again.")
		} else if err != nil {
			return err
		}
		if st != jigsaw.TipAwaitingConfirmation {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE tips SET status = $1, confirmed_at = $2 WHERE id = $3`, jigsaw.TipNew, db.now(), id)
		return err
	})
}

// TipQueue lists tips in status, or every confirmed tip when status is "",
// oldest first, with the total counted as jigsaw.CountCap says.
func (db *DB) TipQueue(ctx context.Context, status jigsaw.TipStatus, limit, offset int) (_ []jigsaw.TipQueueItem, _ int, err error) {
	defer wrap(&err, "store.TipQueue")
	cond, args := "status <> $1", []any{jigsaw.TipAwaitingConfirmation}
	if status != "" {
		cond, args = "status = $1", []any{status}
	}
	limit, offset = clampLimit(limit), max(offset, 0)
	total, err := db.countCapped(ctx, "tips", cond, args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, `SELECT id, kind, what, area, district, status, submitted_at FROM tips WHERE `+cond+`
		ORDER BY submitted_at, id LIMIT $2 OFFSET $3`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	defer rows.Close()
	var out []jigsaw.TipQueueItem
	for rows.Next() {
		var q jigsaw.TipQueueItem
		if err := rows.Scan(&q.ID, &q.Kind, &q.What, &q.Area, &q.District, &q.Status, &q.SubmittedAt); err != nil {
			return nil, 0, db.mapError(err)
		}
		if r := []rune(q.What); len(r) > 160 {
			q.What = strings.TrimSpace(string(r[:160])) + "…"
		}
		out = append(out, q)
	}
	return out, total, db.mapError(rows.Err())
}

// ViewTip returns a tip with its tipster's details, and records in the
// audit log that viewer saw them, in the same transaction.
func (db *DB) ViewTip(ctx context.Context, id int64, viewer *jigsaw.User, ip string) (_ *jigsaw.Tip, err error) {
	defer wrap(&err, "store.ViewTip")
	var t jigsaw.Tip
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		t = jigsaw.Tip{}
		err := tx.QueryRowContext(ctx, `SELECT t.id, t.kind, t.what, t.district, t.area, t.organisation, t.source_url, t.name, t.email, t.contact,
				t.status, t.submitted_at, t.confirmed_at, t.handled_at, COALESCE(u.email, '')
			FROM tips t LEFT JOIN users u ON u.id = t.handled_by WHERE t.id = $1`, id).Scan(
			&t.ID, &t.Kind, &t.What, &t.District, &t.Area, &t.Organisation, &t.SourceURL, &t.Name, &t.Email, &t.Contact,
			&t.Status, &t.SubmittedAt, nullTime{&t.ConfirmedAt}, nullTime{&t.HandledAt}, &t.HandledBy)
		if errors.Is(err, sql.ErrNoRows) {
			return tipNotFound()
		} else if err != nil {
			return err
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{UserID: viewer.ID, Actor: viewer.Email, Action: "tip-view", ObjectType: "tip", ObjectID: id, IP: ip})
	})
	if err != nil {
		return nil, db.mapError(err)
	}
	return &t, nil
}

// ActOnTip records an editor's action on a confirmed tip: a draft made
// from it, or its dismissal; audited with the change.
func (db *DB) ActOnTip(ctx context.Context, id int64, action jigsaw.TipAction, by *jigsaw.User, ip string) (err error) {
	defer wrap(&err, "store.ActOnTip")
	status := map[jigsaw.TipAction]jigsaw.TipStatus{jigsaw.TipDraftDanger: jigsaw.TipDrafted, jigsaw.TipDraftDispute: jigsaw.TipDrafted,
		jigsaw.TipDismiss: jigsaw.TipDismissed}[action]
	if status == "" {
		return jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no action %q on tips: use draft-danger, draft-dispute or dismiss.", action)
	}
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tips SET status = $1, handled_at = $2, handled_by = $3 WHERE id = $4 AND status <> $5`,
			status, db.now(), idOrNull(by.ID), id, jigsaw.TipAwaitingConfirmation)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return tipNotFound()
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{UserID: by.ID, Actor: by.Email, Action: "tip-" + string(action), ObjectType: "tip", ObjectID: id, IP: ip})
	})
}

// deleteUnconfirmedTips deletes the tips awaiting confirmation since
// before, and the mail asking to confirm them unless their address is
// still someone's (another tip's, a teller's or a user's), as
// deleteUnconfirmed does for stories.
func (db *DB) deleteUnconfirmedTips(ctx context.Context, tx *sql.Tx, before time.Time, n *jigsaw.RetentionCounts) error {
	var emails []string
	if err := scanAll(ctx, tx, `DELETE FROM tips WHERE status = $1 AND submitted_at < $2 RETURNING email`,
		[]any{jigsaw.TipAwaitingConfirmation, before}, func(r *sql.Rows) error {
			var e string
			err := r.Scan(&e)
			emails = append(emails, e)
			return err
		}); err != nil {
		return err
	}
	n.Tips += int64(len(emails))
	seen := map[string]bool{}
	for _, email := range emails {
		if seen[strings.ToLower(email)] {
			continue
		}
		seen[strings.ToLower(email)] = true
		var kept int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM tips WHERE lower(email) = lower($1))
			+ (SELECT count(*) FROM people WHERE lower(email) = lower($1))
			+ (SELECT count(*) FROM users WHERE lower(email) = lower($1))`, email).Scan(&kept); err != nil {
			return err
		}
		if kept > 0 {
			continue
		}
		c, err := execCount(ctx, tx, `DELETE FROM outbox WHERE lower(to_addr) = lower($1)`, email)
		if err != nil {
			return err
		}
		n.Mails += c
	}
	return nil
}
