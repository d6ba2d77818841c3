package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"jigsaw"
)

// logChange records, in the transaction of a write, that what the public
// sees of an item may have changed. Consumers of the log (ActivityPub,
// webhooks) decide later what, if anything, to announce: a write records
// the item whatever it did to it, so that no path of publication,
// withdrawal or erasure can forget to tell them.
func (db *DB) logChange(ctx context.Context, tx Execer, kind string, id int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, object_id, at) VALUES ($1, $2, $3)`, kind, id, db.now())
	return err
}

// publicNow holds, for each kind of the change log, the query that finds the
// item if the public sees it now: the same conditions as the public pages'.
var publicNow = map[string]string{
	jigsaw.ChangeStory:   `SELECT 1 FROM stories WHERE id = $1 AND status = '` + string(jigsaw.StoryPublished) + `'`,
	jigsaw.ChangeDanger:  `SELECT 1 FROM tracker_items WHERE id = $1 AND published_at IS NOT NULL`,
	jigsaw.ChangeDispute: `SELECT 1 FROM disputes WHERE id = $1`,
	jigsaw.ChangeEvent:   `SELECT 1 FROM events WHERE id = $1 AND NOT members_only`,
}

// ConsumeChanges reads up to limit entries of the change log past
// consumer's cursor, resolves each against what the public sees now and
// what consumer announced before (see jigsaw.Change), hands those that
// announce something to plan, queues what plan returns, and moves the
// cursor — all in one transaction, with the cursor's row locked, so that a
// change is announced once however many processes consume. It returns how
// many entries of the log it read (0 when there was nothing new).
//
// plan runs inside that transaction: it may read through db but must not
// write through it (on SQLite it would wait for the writer it is inside).
func (db *DB) ConsumeChanges(ctx context.Context, consumer string, limit int,
	plan func(ctx context.Context, cs []jigsaw.Change) ([]jigsaw.Outgoing, error)) (n int, err error) {
	defer wrap(&err, "store.ConsumeChanges")
	// Most calls find nothing new: that is learnt without the writer.
	var pending bool
	if err := db.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM changes
		WHERE id > COALESCE((SELECT last_id FROM change_cursors WHERE consumer = $1), 0))`, consumer).Scan(&pending); err != nil {
		return 0, db.mapError(err)
	}
	if !pending {
		return 0, nil
	}
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		n = 0
		if _, err := tx.ExecContext(ctx, `INSERT INTO change_cursors (consumer, last_id) VALUES ($1, 0)
			ON CONFLICT (consumer) DO NOTHING`, consumer); err != nil {
			return err
		}
		lock := ""
		if db.Engine == Postgres {
			lock = " FOR UPDATE"
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT last_id FROM change_cursors WHERE consumer = $1`+lock, consumer).Scan(&last); err != nil {
			return err
		}
		entries, err := readChanges(ctx, tx, last, limit)
		if err != nil || len(entries) == 0 {
			return err
		}
		n = len(entries)
		resolved, err := db.resolveChanges(ctx, tx, consumer, entries)
		if err != nil {
			return err
		}
		if len(resolved) > 0 {
			out, err := plan(ctx, resolved)
			if err != nil {
				return err
			}
			if err := db.enqueueDeliveries(ctx, tx, out); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE change_cursors SET last_id = $1 WHERE consumer = $2`, entries[len(entries)-1].ID, consumer)
		return err
	})
	return n, err
}

func readChanges(ctx context.Context, tx *sql.Tx, after int64, limit int) ([]jigsaw.Change, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, kind, object_id, at FROM changes WHERE id > $1 ORDER BY id LIMIT $2`, after, max(limit, 1))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (jigsaw.Change, error) {
		var c jigsaw.Change
		err := r.Scan(&c.ID, &c.Kind, &c.ObjectID, &c.At)
		return c, err
	})
}

// resolveChanges turns log entries into what consumer announces, keeping
// its record of what it announced up to date. An item written several
// times in the batch is resolved once, at its last entry.
func (db *DB) resolveChanges(ctx context.Context, tx *sql.Tx, consumer string, entries []jigsaw.Change) ([]jigsaw.Change, error) {
	type key struct {
		kind string
		id   int64
	}
	lastOf := map[key]int{}
	for i, c := range entries {
		lastOf[key{c.Kind, c.ObjectID}] = i
	}
	var out []jigsaw.Change
	for i, c := range entries {
		if lastOf[key{c.Kind, c.ObjectID}] != i {
			continue
		}
		public, err := found(ctx, tx, publicNow[c.Kind], c.ObjectID)
		if err != nil {
			return nil, err
		}
		announced, err := found(ctx, tx, `SELECT 1 FROM announced WHERE consumer = $1 AND kind = $2 AND object_id = $3`, consumer, c.Kind, c.ObjectID)
		if err != nil {
			return nil, err
		}
		switch {
		case public && !announced:
			c.Action = jigsaw.ChangeCreate
			_, err = tx.ExecContext(ctx, `INSERT INTO announced (consumer, kind, object_id, at) VALUES ($1, $2, $3, $4)`, consumer, c.Kind, c.ObjectID, c.At)
		case public:
			c.Action = jigsaw.ChangeUpdate
			_, err = tx.ExecContext(ctx, `UPDATE announced SET at = $1 WHERE consumer = $2 AND kind = $3 AND object_id = $4`, c.At, consumer, c.Kind, c.ObjectID)
		case announced:
			c.Action = jigsaw.ChangeDelete
			_, err = tx.ExecContext(ctx, `DELETE FROM announced WHERE consumer = $1 AND kind = $2 AND object_id = $3`, consumer, c.Kind, c.ObjectID)
		default:
			continue // never public, or already announced gone
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// found reports whether query finds a row.
func found(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// EnqueueDeliveries queues payloads that are not announcements of a
// change: the Accept of a Follow, a webhook's test ping.
func (db *DB) EnqueueDeliveries(ctx context.Context, out ...jigsaw.Outgoing) (err error) {
	defer wrap(&err, "store.EnqueueDeliveries")
	return db.QuietTx(ctx, func(tx *sql.Tx) error { return db.enqueueDeliveries(ctx, tx, out) })
}

func (db *DB) enqueueDeliveries(ctx context.Context, tx Execer, out []jigsaw.Outgoing) error {
	now := db.now()
	for _, o := range out {
		if len(o.Targets) == 0 {
			continue
		}
		if o.Channel == "" {
			return fmt.Errorf("a payload without a channel: %q", o.Summary)
		}
		var payload int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO delivery_payloads (channel, content_type, body, summary, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, o.Channel, o.ContentType, o.Body, o.Summary, now).Scan(&payload); err != nil {
			return err
		}
		seen := make(map[string]bool, len(o.Targets))
		for _, t := range o.Targets {
			if seen[t] {
				continue
			}
			seen[t] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO deliveries (payload_id, channel, target, host, next_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $5)`, payload, o.Channel, t, targetHost(t), now); err != nil {
				return err
			}
		}
	}
	return nil
}

// targetHost is the host (with port) of a target that is a URL, so that the
// admins' view can tell which peer holds deliveries up.
func targetHost(t string) string {
	u, err := url.Parse(t)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Host
}

const deliveryColumns = `d.id, d.payload_id, d.channel, d.target, d.host, p.content_type, p.summary, d.state, d.attempts,
	d.last_status, d.last_error, d.created_at, d.next_at, d.finished_at`

func scanDelivery(r interface{ Scan(...any) error }) (*jigsaw.Delivery, error) {
	return scanDeliveryBody(r, false)
}

// scanDeliveryBody scans deliveryColumns, then the payload's body if
// withBody (the list of deliveries leaves it out).
func scanDeliveryBody(r interface{ Scan(...any) error }, withBody bool) (*jigsaw.Delivery, error) {
	var d jigsaw.Delivery
	dest := []any{&d.ID, &d.PayloadID, &d.Channel, &d.Target, &d.Host, &d.ContentType, &d.Summary, &d.State, &d.Attempts,
		&d.LastStatus, &d.LastError, &d.CreatedAt, &d.NextAt, nullTime{&d.FinishedAt}}
	if withBody {
		dest = append(dest, &d.Body)
	}
	return &d, r.Scan(dest...)
}

// ClaimDeliveries returns up to limit due deliveries of the given
// channels, with their payloads, each locked for lease so that no other
// process delivers it meanwhile. On PostgreSQL the rows are taken with SKIP
// LOCKED, so that processes claiming at once take different deliveries
// rather than queueing behind each other.
func (db *DB) ClaimDeliveries(ctx context.Context, channels []string, limit int, lease time.Duration) (_ []*jigsaw.Delivery, err error) {
	defer wrap(&err, "store.ClaimDeliveries")
	if len(channels) == 0 || limit <= 0 {
		return nil, nil
	}
	now := db.now()
	var w where
	w.add("d.state = 'pending'")
	w.add("d.next_at <= ?", now)
	w.add("(d.locked_until IS NULL OR d.locked_until < ?)", now)
	w.add("d.channel IN ("+marks(len(channels))+")", anys(channels)...)
	cond := w.sql()
	// Most calls find nothing due: that is learnt without the writer.
	var due bool
	if err := db.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM deliveries d WHERE `+cond+`)`, w.args...).Scan(&due); err != nil {
		return nil, db.mapError(err)
	}
	if !due {
		return nil, nil
	}
	skip := ""
	if db.Engine == Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	args := append(w.args, limit, now.Add(lease))
	var ids []int64
	err = db.LazyTx(ctx, func(tx Execer) error {
		ids = ids[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE deliveries SET locked_until = $`+itoa(len(args))+`, attempts = attempts + 1
			WHERE id IN (SELECT d.id FROM deliveries d WHERE `+cond+` ORDER BY d.next_at, d.id LIMIT $`+itoa(len(args)-1)+skip+`)
			RETURNING id`, args...)
		if err != nil {
			return err
		}
		ids, err = collect(rows, func(r interface{ Scan(...any) error }) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		return err
	})
	if err != nil || len(ids) == 0 {
		return nil, db.mapError(err)
	}
	var byID where
	byID.add("d.id IN ("+marks(len(ids))+")", anys(ids)...)
	rows, err := db.query(ctx, `SELECT `+deliveryColumns+`, p.body FROM deliveries d JOIN delivery_payloads p ON p.id = d.payload_id
		WHERE `+byID.sql()+` ORDER BY d.next_at, d.id`, byID.args...)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, func(r interface{ Scan(...any) error }) (*jigsaw.Delivery, error) { return scanDeliveryBody(r, true) })
	return out, db.mapError(err)
}

// FinishDeliveries records the outcomes of attempts, in one transaction
// that does not wait for the disk: a crash that forgot one only means the
// delivery is made again once its lease runs out.
func (db *DB) FinishDeliveries(ctx context.Context, results []jigsaw.DeliveryResult) (err error) {
	defer wrap(&err, "store.FinishDeliveries")
	if len(results) == 0 {
		return nil
	}
	now := db.now()
	return db.LazyTx(ctx, func(tx Execer) error {
		for _, r := range results {
			msg := r.Error
			if len(msg) > 1000 {
				msg = msg[:1000]
			}
			var err error
			if r.State == jigsaw.DeliveryPending {
				_, err = tx.ExecContext(ctx, `UPDATE deliveries SET next_at = $1, locked_until = NULL, last_status = $2, last_error = $3
					WHERE id = $4`, r.RetryAt.UTC(), r.Status, msg, r.ID)
			} else {
				_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = $1, finished_at = $2, locked_until = NULL, last_status = $3,
					last_error = $4 WHERE id = $5`, r.State, now, r.Status, msg, r.ID)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// FindDeliveries lists the queue, newest first, for admins and for the log
// of one webhook. The total is counted as jigsaw.CountCap says.
func (db *DB) FindDeliveries(ctx context.Context, f jigsaw.DeliveryFilter, limit, offset int) (_ []*jigsaw.Delivery, _ int, err error) {
	defer wrap(&err, "store.FindDeliveries")
	var w where
	if f.Channel != "" {
		w.add("d.channel = ?", f.Channel)
	}
	if f.State != "" {
		w.add("d.state = ?", f.State)
	}
	if f.Host != "" {
		w.add("d.host = ?", f.Host)
	}
	if f.Target != "" {
		w.add("d.target = ?", f.Target)
	}
	cond := w.sql()
	limit, offset = clampLimit(limit), max(offset, 0)
	total, err := db.countCapped(ctx, "deliveries d", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+deliveryColumns+` FROM deliveries d JOIN delivery_payloads p ON p.id = d.payload_id
		WHERE `+cond+` ORDER BY d.id DESC`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanDelivery)
	return out, total, db.mapError(err)
}

// CountDeliveries counts the queue by channel and state, and by host too
// when byHost is set (only pending and failed deliveries then: those are
// what tells of a peer in trouble).
func (db *DB) CountDeliveries(ctx context.Context, byHost bool) (_ []jigsaw.DeliveryCount, err error) {
	defer wrap(&err, "store.CountDeliveries")
	q := `SELECT channel, '', state, count(*) FROM deliveries GROUP BY channel, state ORDER BY channel, state`
	if byHost {
		q = `SELECT channel, host, state, count(*) FROM deliveries WHERE state <> 'done'
			GROUP BY channel, host, state ORDER BY count(*) DESC, host LIMIT 50`
	}
	rows, err := db.query(ctx, q)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, func(r interface{ Scan(...any) error }) (jigsaw.DeliveryCount, error) {
		var c jigsaw.DeliveryCount
		return c, r.Scan(&c.Channel, &c.Host, &c.State, &c.Count)
	})
	return out, db.mapError(err)
}

// RetryDelivery makes a delivery due now again, a given-up one too. One
// that a worker holds is left to it (ECONFLICT): made due under its lease,
// it could be sent twice.
func (db *DB) RetryDelivery(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "store.RetryDelivery")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', next_at = $1, locked_until = NULL, finished_at = NULL
			WHERE id = $2 AND state <> 'done' AND (locked_until IS NULL OR locked_until < $1)`, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		held, err := found(ctx, tx, `SELECT 1 FROM deliveries WHERE id = $1 AND state = 'pending' AND locked_until >= $2`, id, now)
		if err != nil {
			return err
		}
		if held {
			return jigsaw.Errorf(jigsaw.ECONFLICT, "Delivery %d is being made now.", id)
		}
		return jigsaw.Errorf(jigsaw.ENOTFOUND, "No delivery %d waiting or given up.", id)
	})
}

// PruneDeliveries drops what no one needs any more: deliveries finished
// before cutoff, payloads no delivery points to, and log entries every
// consumer has read. It returns how many deliveries it dropped.
func (db *DB) PruneDeliveries(ctx context.Context, cutoff time.Time) (n int64, err error) {
	defer wrap(&err, "store.PruneDeliveries")
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		if n, err = execCount(ctx, tx, `DELETE FROM deliveries WHERE state <> 'pending' AND finished_at < $1`, cutoff.UTC()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM delivery_payloads WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.payload_id = delivery_payloads.id)`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE id <= (SELECT min(last_id) FROM change_cursors)`)
		return err
	})
	return n, err
}

// marks is n placeholders for where.add, "?, ?, ?".
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// anys is vs as arguments.
func anys[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}
