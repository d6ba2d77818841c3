package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"jigsaw"
)

// Alert subscriptions are never public, so none of their writes changes a
// cached page: they go through QuietTx.

const alertColumns = `id, email, list, filter, frequency, language, created_at, confirmed_at, seen_until, last_sent_at`

func scanAlert(row interface{ Scan(...any) error }) (*jigsaw.AlertSubscription, error) {
	var s jigsaw.AlertSubscription
	if err := row.Scan(&s.ID, &s.Email, &s.List, &s.Filter, &s.Frequency, &s.Language, &s.CreatedAt,
		nullTime{&s.ConfirmedAt}, &s.SeenUntil, nullTime{&s.LastSentAt}); err != nil {
		return nil, err
	}
	s.CreatedAt, s.SeenUntil = s.CreatedAt.UTC(), s.SeenUntil.UTC()
	return &s, nil
}

func alertNotFound() error {
	return jigsaw.Errorf(jigsaw.ENOTFOUND, "This alert is no longer kept: it was unsubscribed, or not confirmed in time.")
}

// SubscribeAlert stores r awaiting confirmation with the mail that mail
// makes (its links name the subscription), in one transaction. The request counts against
// limit under each of limitKeys (the client's address, the email); one past
// the limit is refused with a *jigsaw.RateLimitError and stores nothing.
// Asking again for an alert not yet confirmed sends the mail again (with
// the frequency and language asked last); asking for one already confirmed changes and sends
// nothing, so that no one learns or changes another's alerts. The caller
// answers alike in every case. r must be valid.
func (db *DB) SubscribeAlert(ctx context.Context, r *jigsaw.AlertRequest, limitKeys []string, limit jigsaw.Limit, mail func(id int64) *jigsaw.Mail) (err error) {
	defer wrap(&err, "store.SubscribeAlert")
	return db.mapError(db.QuietTx(ctx, func(tx *sql.Tx) error {
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
		var id int64
		var confirmed sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT id, confirmed_at FROM alert_subscriptions WHERE lower(email) = lower($1) AND list = $2 AND filter = $3`,
			r.Email, r.List, r.Filter).Scan(&id, &confirmed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := tx.QueryRowContext(ctx, `INSERT INTO alert_subscriptions (email, list, filter, frequency, language, created_at, seen_until)
				VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, r.Email, r.List, r.Filter, r.Frequency, r.Language, now).Scan(&id); err != nil {
				return err
			}
		case err != nil:
			return err
		case confirmed.Valid:
			return nil
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE alert_subscriptions SET frequency = $1, language = $2 WHERE id = $3`,
				r.Frequency, r.Language, id); err != nil {
				return err
			}
		}
		return db.enqueueMail(ctx, tx, mail(id))
	}))
}

// AlertByID returns a subscription; ENOTFOUND if there is none.
func (db *DB) AlertByID(ctx context.Context, id int64) (_ *jigsaw.AlertSubscription, err error) {
	defer wrap(&err, "store.AlertByID")
	s, err := scanAlert(db.queryRow(ctx, `SELECT `+alertColumns+` FROM alert_subscriptions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, alertNotFound()
	}
	return s, db.mapError(err)
}

// ConfirmAlert confirms the subscription id: its first digest
// lists what is published from now. Confirming again changes nothing.
// ENOTFOUND if there is no such subscription.
func (db *DB) ConfirmAlert(ctx context.Context, id int64) (_ *jigsaw.AlertSubscription, err error) {
	defer wrap(&err, "store.ConfirmAlert")
	var s *jigsaw.AlertSubscription
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE alert_subscriptions SET confirmed_at = $1, seen_until = $1
			WHERE id = $2 AND confirmed_at IS NULL`, now, id); err != nil {
			return err
		}
		var err error
		s, err = scanAlert(tx.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM alert_subscriptions WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return alertNotFound()
		}
		return err
	})
	return s, db.mapError(err)
}

// AlertsOfAddress lists the subscriptions of the address that holds the
// subscription id, oldest first; ENOTFOUND if there is none.
func (db *DB) AlertsOfAddress(ctx context.Context, id int64) (_ []*jigsaw.AlertSubscription, err error) {
	defer wrap(&err, "store.AlertsOfAddress")
	rows, err := db.query(ctx, `SELECT `+alertColumns+` FROM alert_subscriptions
		WHERE lower(email) = (SELECT lower(email) FROM alert_subscriptions WHERE id = $1) ORDER BY id`, id)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanAlert)
	if err == nil && len(out) == 0 {
		return nil, alertNotFound()
	}
	return out, db.mapError(err)
}

// Unsubscribe deletes, through the link of the subscription own, that
// subscription (id 0), another of the same address (its id), or every
// subscription of the address (all). Once the address holds none, the
// alerts' mails to it are deleted from the outbox too: nothing of it stays.
// It returns how many subscriptions were deleted; ENOTFOUND if the link
// is no longer valid, or id is not of the same address.
func (db *DB) Unsubscribe(ctx context.Context, own, id int64, all bool) (n int64, err error) {
	defer wrap(&err, "store.Unsubscribe")
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT email FROM alert_subscriptions WHERE id = $1`, own).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			return alertNotFound()
		} else if err != nil {
			return err
		}
		switch {
		case all:
			n, err = execCount(ctx, tx, `DELETE FROM alert_subscriptions WHERE lower(email) = lower($1)`, email)
		case id == 0:
			n, err = execCount(ctx, tx, `DELETE FROM alert_subscriptions WHERE id = $1`, own)
		default:
			n, err = execCount(ctx, tx, `DELETE FROM alert_subscriptions WHERE id = $1 AND lower(email) = lower($2)`, id, email)
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return alertNotFound()
		}
		return forgetAlertAddress(ctx, tx, email)
	})
	return n, db.mapError(err)
}

// forgetAlertAddress deletes the alerts' mails to email once no
// subscription holds the address.
func forgetAlertAddress(ctx context.Context, tx *sql.Tx, email string) error {
	var left int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM alert_subscriptions WHERE lower(email) = lower($1)`, email).Scan(&left); err != nil || left > 0 {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE lower(to_addr) = lower($1) AND kind IN ('alert-confirm', 'alert-digest')`, email)
	return err
}

// DueAlerts returns up to limit confirmed subscriptions that are due: daily
// ones seen until before daily, weekly ones until before weekly
// (jigsaw.AlertDue), the longest waiting first.
func (db *DB) DueAlerts(ctx context.Context, daily, weekly time.Time, limit int) (_ []*jigsaw.AlertSubscription, err error) {
	defer wrap(&err, "store.DueAlerts")
	rows, err := db.query(ctx, `SELECT `+alertColumns+` FROM alert_subscriptions
		WHERE confirmed_at IS NOT NULL AND ((frequency = 'daily' AND seen_until < $1) OR (frequency = 'weekly' AND seen_until < $2))
		ORDER BY seen_until, id LIMIT $3`, daily.UTC(), weekly.UTC(), limit)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanAlert)
	return out, db.mapError(err)
}

// RecordAlertDigest moves the subscription s on to until and queues m (nil
// when nothing was new), in one transaction, if s was still seen until
// s.SeenUntil: of two processes building the same digest, only the first
// to record it sends it. It reports whether this one did.
func (db *DB) RecordAlertDigest(ctx context.Context, s *jigsaw.AlertSubscription, until time.Time, m *jigsaw.Mail) (recorded bool, err error) {
	defer wrap(&err, "store.RecordAlertDigest")
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE alert_subscriptions SET seen_until = $1 WHERE id = $2 AND seen_until = $3`
		args := []any{until.UTC().Truncate(time.Microsecond), s.ID, s.SeenUntil.UTC()}
		if m != nil {
			q = `UPDATE alert_subscriptions SET seen_until = $1, last_sent_at = $4 WHERE id = $2 AND seen_until = $3`
			args = append(args, db.now())
		}
		n, err := execCount(ctx, tx, q, args...)
		if err != nil || n == 0 {
			return err
		}
		recorded = true
		if m == nil {
			return nil
		}
		return db.enqueueMail(ctx, tx, m)
	})
	return recorded, db.mapError(err)
}

// AlertCounts says how many subscriptions follow each list, confirmed or
// not, for admins; lists nobody follows are left out.
func (db *DB) AlertCounts(ctx context.Context) (_ []jigsaw.AlertCount, err error) {
	defer wrap(&err, "store.AlertCounts")
	rows, err := db.query(ctx, `SELECT list, count(confirmed_at), count(*) - count(confirmed_at) FROM alert_subscriptions GROUP BY list ORDER BY list`)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, func(r interface{ Scan(...any) error }) (jigsaw.AlertCount, error) {
		var c jigsaw.AlertCount
		err := r.Scan(&c.List, &c.Confirmed, &c.Unconfirmed)
		return c, err
	})
	return out, db.mapError(err)
}

// deleteUnconfirmedAlerts deletes the subscriptions created before before
// and never confirmed: an address never confirmed may not even be its
// holder's. Their mails go too once the address holds no subscription.
func (db *DB) deleteUnconfirmedAlerts(ctx context.Context, tx *sql.Tx, before time.Time, n *jigsaw.RetentionCounts) error {
	var emails []string
	if err := scanAll(ctx, tx, `DELETE FROM alert_subscriptions WHERE confirmed_at IS NULL AND created_at < $1 RETURNING email`,
		[]any{before}, func(r *sql.Rows) error {
			var e string
			err := r.Scan(&e)
			emails = append(emails, e)
			return err
		}); err != nil {
		return err
	}
	n.Alerts += int64(len(emails))
	for _, e := range emails {
		if err := forgetAlertAddress(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}
