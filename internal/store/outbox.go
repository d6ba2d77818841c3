package store

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"time"

	"jigsaw"
)

// EnqueueMail queues m for sending and sets its ID.
func (db *DB) EnqueueMail(ctx context.Context, m *jigsaw.Mail) (err error) {
	defer wrap(&err, "store.EnqueueMail")
	return db.QuietTx(ctx, func(tx *sql.Tx) error { return db.enqueueMail(ctx, tx, m) })
}

// enqueueMail queues m inside tx, so the mail is sent if and only if the
// change that caused it commits.
func (db *DB) enqueueMail(ctx context.Context, tx Execer, m *jigsaw.Mail) error {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return jigsaw.Errorf(jigsaw.EINVALID, "Mail headers may not contain line breaks.")
	}
	headers, err := encodeHeaders(m.Headers)
	if err != nil {
		return err
	}
	now := db.now()
	m.CreatedAt = now
	return tx.QueryRowContext(ctx, `INSERT INTO outbox (kind, to_addr, subject, body, headers, created_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, m.Kind, m.To, m.Subject, m.Body, headers, now, now).Scan(&m.ID)
}

// encodeHeaders keeps a mail's further headers as "Name: value" lines, in
// the order of their names.
func encodeHeaders(h map[string]string) (string, error) {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		if k == "" || strings.ContainsAny(k, "\r\n: ") || strings.ContainsAny(h[k], "\r\n") {
			return "", jigsaw.Errorf(jigsaw.EINVALID, "Mail headers may not contain line breaks.")
		}
		b.WriteString(k + ": " + h[k] + "\n")
	}
	return b.String(), nil
}

func decodeHeaders(s string) map[string]string {
	if s == "" {
		return nil
	}
	h := map[string]string{}
	for line := range strings.Lines(s) {
		if k, v, ok := strings.Cut(strings.TrimSuffix(line, "\n"), ": "); ok {
			h[k] = v
		}
	}
	return h
}

const mailColumns = `id, kind, to_addr, subject, body, headers, created_at, attempts, last_error, sent_at`

func scanMail(row interface{ Scan(...any) error }) (*jigsaw.Mail, error) {
	var m jigsaw.Mail
	var headers string
	if err := row.Scan(&m.ID, &m.Kind, &m.To, &m.Subject, &m.Body, &headers, &m.CreatedAt, &m.Attempts, &m.LastError, nullTime{&m.SentAt}); err != nil {
		return nil, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	m.Headers = decodeHeaders(headers)
	return &m, nil
}

// ClaimMail returns up to limit mails that are due, each locked for lease
// so that another process sharing the database does not send it too. The
// claim is a conditional UPDATE, which works the same on both engines.
func (db *DB) ClaimMail(ctx context.Context, limit int, lease time.Duration) (_ []*jigsaw.Mail, err error) {
	defer wrap(&err, "store.ClaimMail")
	now := db.now()
	rows, err := db.query(ctx, `SELECT id FROM outbox
		WHERE sent_at IS NULL AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
		ORDER BY next_attempt_at, id LIMIT $2`, now, limit)
	if err != nil {
		return nil, db.mapError(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, db.mapError(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.mapError(err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	// One transaction claims the lot: the claim of each mail is conditional,
	// so a mail another process claimed meanwhile is skipped. A claim need
	// not wait for the disk: if a crash forgets it, the mail is claimed
	// again, as it would be once the lease ran out.
	var out []*jigsaw.Mail
	err = db.LazyTx(ctx, func(tx Execer) error {
		out = out[:0]
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE outbox SET locked_until = $1, attempts = attempts + 1
				WHERE id = $2 AND sent_at IS NULL AND (locked_until IS NULL OR locked_until < $3)`, now.Add(lease), id, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // another process took it
			}
			m, err := scanMail(tx.QueryRowContext(ctx, `SELECT `+mailColumns+` FROM outbox WHERE id = $1`, id))
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// MarkMailSent records that the mails ids were delivered, in one
// transaction that does not wait for the disk: only a crash of the machine
// within moments of the delivery could forget it (and send them again), as
// a crash between delivering and recording could anyway.
func (db *DB) MarkMailSent(ctx context.Context, ids ...int64) (err error) {
	defer wrap(&err, "store.MarkMailSent")
	if len(ids) == 0 {
		return nil
	}
	return db.LazyTx(ctx, func(tx Execer) error {
		now := db.now()
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, locked_until = NULL, last_error = '' WHERE id = $2`, now, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkMailFailed records a failed attempt and when to try again.
func (db *DB) MarkMailFailed(ctx context.Context, id int64, reason string, retryAt time.Time) (err error) {
	defer wrap(&err, "store.MarkMailFailed")
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET last_error = $1, next_attempt_at = $2, locked_until = NULL WHERE id = $3`,
			reason, retryAt.UTC(), id)
		return err
	})
}

// FindMail lists the outbox, newest first, for admins; to filters by
// recipient address (any case) when not empty. The total is counted as
// jigsaw.CountCap says, so a large outbox costs no more to page than a
// small one.
func (db *DB) FindMail(ctx context.Context, to string, limit, offset int) (_ []*jigsaw.Mail, _ int, err error) {
	defer wrap(&err, "store.FindMail")
	var w where
	if to != "" {
		w.add("lower(to_addr) = ?", strings.ToLower(to))
	}
	cond := w.sql()
	limit, offset = clampLimit(limit), max(offset, 0)
	total, err := db.countCapped(ctx, "outbox", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+mailColumns+` FROM outbox WHERE `+cond+` ORDER BY id DESC`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanMail)
	return out, total, db.mapError(err)
}

// FindMailByID returns one mail of the outbox, for admins; ENOTFOUND if
// there is none with that ID.
func (db *DB) FindMailByID(ctx context.Context, id int64) (_ *jigsaw.Mail, err error) {
	defer wrap(&err, "store.FindMailByID")
	m, err := scanMail(db.queryRow(ctx, `SELECT `+mailColumns+` FROM outbox WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Mail %d not found.", id)
	}
	if err != nil {
		return nil, db.mapError(err)
	}
	return m, nil
}
