package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"jigsaw"
)

// The social side of federation: who follows this instance, whom it
// follows, the items those send, blocked domains and the activities seen.
// Followers and follows are not public pages' matter and go through
// QuietTx; remote items and blocks change /coalition and go through Tx.

const followerColumns = `id, actor, inbox, shared_inbox, domain, follow_id, accepted_at`

func scanFollower(row interface{ Scan(...any) error }) (*jigsaw.Follower, error) {
	var f jigsaw.Follower
	err := row.Scan(&f.ID, &f.Actor, &f.Inbox, &f.SharedInbox, &f.Domain, &f.FollowID, &f.AcceptedAt)
	f.AcceptedAt = f.AcceptedAt.UTC()
	return &f, err
}

// AddFollower records that f.Actor follows this instance, setting f's ID
// and AcceptedAt. An actor that follows again keeps its first acceptance
// time; its inboxes and Follow id are brought up to date.
func (db *DB) AddFollower(ctx context.Context, f *jigsaw.Follower) (err error) {
	defer wrap(&err, "store.AddFollower")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO ap_followers (actor, inbox, shared_inbox, domain, follow_id, accepted_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (actor) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
				domain = excluded.domain, follow_id = excluded.follow_id
			RETURNING id, accepted_at`,
			f.Actor, f.Inbox, f.SharedInbox, jigsaw.NormalizeDomain(f.Domain), f.FollowID, db.now()).Scan(&f.ID, &f.AcceptedAt)
	})
}

// RemoveFollower removes actor from the followers; false if it was not
// one.
func (db *DB) RemoveFollower(ctx context.Context, actor string) (_ bool, err error) {
	defer wrap(&err, "store.RemoveFollower")
	var n int64
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM ap_followers WHERE actor = $1`, actor)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

// FindFollowers lists followers, newest first, with their total.
func (db *DB) FindFollowers(ctx context.Context, limit, offset int) (_ []*jigsaw.Follower, _ int, err error) {
	defer wrap(&err, "store.FindFollowers")
	limit, offset = clampLimit(limit), max(offset, 0)
	total, err := db.countCapped(ctx, "ap_followers", "1 = 1", nil, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, `SELECT `+followerColumns+` FROM ap_followers ORDER BY accepted_at DESC, id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanFollower)
	return out, total, db.mapError(err)
}

// FollowerInboxes returns the distinct inboxes every public change goes
// to: each follower's shared inbox when it has one, so that a server with
// many followers gets one delivery.
func (db *DB) FollowerInboxes(ctx context.Context) (_ []string, err error) {
	defer wrap(&err, "store.FollowerInboxes")
	rows, err := db.query(ctx, `SELECT DISTINCT CASE WHEN shared_inbox <> '' THEN shared_inbox ELSE inbox END AS target
		FROM ap_followers ORDER BY target`)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, func(row interface{ Scan(...any) error }) (string, error) {
		var s string
		return s, row.Scan(&s)
	})
	return out, db.mapError(err)
}

const followingColumns = `id, actor, inbox, domain, state, follow_id, created_at, updated_at`

func scanFollowing(row interface{ Scan(...any) error }) (*jigsaw.Following, error) {
	var f jigsaw.Following
	err := row.Scan(&f.ID, &f.Actor, &f.Inbox, &f.Domain, &f.State, &f.FollowID, &f.CreatedAt, &f.UpdatedAt)
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return &f, err
}

// AddFollowing records a Follow this instance sends to f.Actor, pending
// until the actor accepts it, with audit (if not nil) in the same
// transaction. Following an actor again (after a refusal, say) records the
// new Follow's id and makes it pending again.
func (db *DB) AddFollowing(ctx context.Context, f *jigsaw.Following, audit *jigsaw.AuditEntry) (err error) {
	defer wrap(&err, "store.AddFollowing")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		f.State = jigsaw.FollowPending
		if err := tx.QueryRowContext(ctx, `INSERT INTO ap_following (actor, inbox, domain, state, follow_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)
			ON CONFLICT (actor) DO UPDATE SET inbox = excluded.inbox, domain = excluded.domain, state = excluded.state,
				follow_id = excluded.follow_id, updated_at = excluded.updated_at
			RETURNING id, created_at, updated_at`,
			f.Actor, f.Inbox, jigsaw.NormalizeDomain(f.Domain), f.State, f.FollowID, now).Scan(&f.ID, &f.CreatedAt, &f.UpdatedAt); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		audit.ObjectID = f.ID
		return db.recordAudit(ctx, tx, audit)
	})
}

// SetFollowingState records actor's answer to our Follow: followID, when
// not "", must be the id of the Follow we sent it (an Accept names what it
// accepts). False if we sent actor no such Follow.
func (db *DB) SetFollowingState(ctx context.Context, actor, followID string, state jigsaw.FollowState) (_ bool, err error) {
	defer wrap(&err, "store.SetFollowingState")
	var n int64
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE ap_following SET state = $1, updated_at = $2
			WHERE actor = $3 AND ($4 = '' OR follow_id = $4)`, state, db.now(), actor, followID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

// RemoveFollowing forgets our follow of actor, with audit (if not nil) in
// the same transaction, and returns what it was (for the Undo to send).
// Returns ENOTFOUND if we do not follow actor. The items it sent stay.
func (db *DB) RemoveFollowing(ctx context.Context, actor string, audit *jigsaw.AuditEntry) (_ *jigsaw.Following, err error) {
	defer wrap(&err, "store.RemoveFollowing")
	var f *jigsaw.Following
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		var err error
		f, err = scanFollowing(tx.QueryRowContext(ctx, `SELECT `+followingColumns+` FROM ap_following WHERE actor = $1`, actor))
		if errors.Is(err, sql.ErrNoRows) {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "This instance does not follow %s.", actor)
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ap_following WHERE id = $1`, f.ID); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		audit.ObjectID = f.ID
		return db.recordAudit(ctx, tx, audit)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// FindFollowing lists the actors this instance follows or asked to,
// newest first. They are few: an admin adds each one.
func (db *DB) FindFollowing(ctx context.Context) (_ []*jigsaw.Following, err error) {
	defer wrap(&err, "store.FindFollowing")
	rows, err := db.query(ctx, `SELECT `+followingColumns+` FROM ap_following ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanFollowing)
	return out, db.mapError(err)
}

// FollowingOf returns our follow of actor. Returns ENOTFOUND if there is
// none.
func (db *DB) FollowingOf(ctx context.Context, actor string) (_ *jigsaw.Following, err error) {
	defer wrap(&err, "store.FollowingOf")
	f, err := scanFollowing(db.queryRow(ctx, `SELECT `+followingColumns+` FROM ap_following WHERE actor = $1`, actor))
	if err != nil {
		return nil, db.mapError(err)
	}
	return f, nil
}

const remoteItemColumns = `id, object_id, actor, domain, kind, type, name, summary, content, plain, url, published, updated, received_at`

func scanRemoteItem(row interface{ Scan(...any) error }) (*jigsaw.RemoteItem, error) {
	var it jigsaw.RemoteItem
	err := row.Scan(&it.ID, &it.ObjectID, &it.Actor, &it.Domain, &it.Kind, &it.Type, &it.Name, &it.Summary, &it.Content, &it.Plain,
		&it.URL, &it.Published, nullTime{&it.Updated}, &it.ReceivedAt)
	it.Published, it.ReceivedAt = it.Published.UTC(), it.ReceivedAt.UTC()
	return &it, err
}

// PutRemoteItem stores an item an instance we follow sent, or brings the
// stored one up to date, setting it.ID. Only the actor that sent an item
// may change it (EFORBIDDEN otherwise). A copy older than the stored one
// (deliveries may cross) changes nothing. A Published that is zero, or
// later than now (which would keep the item first in the list for ever),
// is taken as now.
func (db *DB) PutRemoteItem(ctx context.Context, it *jigsaw.RemoteItem) (err error) {
	defer wrap(&err, "store.PutRemoteItem")
	now := db.now()
	if it.Published.IsZero() || it.Published.After(now) {
		it.Published = now
	}
	it.Domain = jigsaw.NormalizeDomain(it.Domain)
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var actor string
		var published, updated time.Time
		err := tx.QueryRowContext(ctx, `SELECT id, actor, published, updated FROM ap_remote_items WHERE object_id = $1`, it.ObjectID).
			Scan(&id, &actor, &published, nullTime{&updated})
		if errors.Is(err, sql.ErrNoRows) {
			it.ReceivedAt = now
			return tx.QueryRowContext(ctx, `INSERT INTO ap_remote_items (object_id, actor, domain, kind, type, name, summary, content, plain, url,
				published, updated, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
				it.ObjectID, it.Actor, it.Domain, it.Kind, it.Type, it.Name, it.Summary, it.Content, it.Plain, it.URL,
				it.Published.UTC(), timeOrNull(it.Updated), now).Scan(&it.ID)
		} else if err != nil {
			return err
		}
		if actor != it.Actor {
			return jigsaw.Errorf(jigsaw.EFORBIDDEN, "The item %s belongs to another actor.", it.ObjectID)
		}
		it.ID = id
		stored, given := updated, it.Updated
		if stored.IsZero() {
			stored = published
		}
		if given.IsZero() {
			given = it.Published
		}
		if given.Before(stored) {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE ap_remote_items SET kind = $1, type = $2, name = $3, summary = $4, content = $5, plain = $6,
			url = $7, published = $8, updated = $9 WHERE id = $10`,
			it.Kind, it.Type, it.Name, it.Summary, it.Content, it.Plain, it.URL, it.Published.UTC(), timeOrNull(it.Updated), id)
		return err
	})
}

// DeleteRemoteItem deletes the item objectID if actor sent it; false if
// there was none.
func (db *DB) DeleteRemoteItem(ctx context.Context, objectID, actor string) (_ bool, err error) {
	defer wrap(&err, "store.DeleteRemoteItem")
	var n int64
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM ap_remote_items WHERE object_id = $1 AND actor = $2`, objectID, actor)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

// ForgetActor removes everything of an actor deleted on its server: it no
// longer follows us, we no longer follow it, and its items go. False if
// there was nothing of it.
func (db *DB) ForgetActor(ctx context.Context, actor string) (_ bool, err error) {
	defer wrap(&err, "store.ForgetActor")
	var n int64
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, q := range []string{`DELETE FROM ap_followers WHERE actor = $1`, `DELETE FROM ap_following WHERE actor = $1`,
			`DELETE FROM ap_remote_items WHERE actor = $1`} {
			res, err := tx.ExecContext(ctx, q, actor)
			if err != nil {
				return err
			}
			m, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += m
		}
		return nil
	})
	return n > 0, err
}

// KnowsActor reports whether actor follows us, is followed by us or sent
// items we keep: whether there is anything of it to forget.
func (db *DB) KnowsActor(ctx context.Context, actor string) (_ bool, err error) {
	defer wrap(&err, "store.KnowsActor")
	var known bool
	err = db.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ap_followers WHERE actor = $1)
		OR EXISTS (SELECT 1 FROM ap_following WHERE actor = $1)
		OR EXISTS (SELECT 1 FROM ap_remote_items WHERE actor = $1)`, actor).Scan(&known)
	return known, db.mapError(err)
}

// FindRemoteItems lists remote items, newest first, with the total counted
// as jigsaw.CountCap says. A query is read with the site search's rules
// (words of letters and digits, never query syntax); one with no words is
// refused with EINVALID naming q.
func (db *DB) FindRemoteItems(ctx context.Context, f jigsaw.RemoteItemFilter) (_ []*jigsaw.RemoteItem, _ int, err error) {
	defer wrap(&err, "store.FindRemoteItems")
	var w where
	if strings.TrimSpace(f.Query) != "" {
		words := searchWords(f.Query)
		if len(words) == 0 {
			return nil, 0, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The search has no words to look for: use letters or digits.",
				Fields: map[string]string{"q": "has no words to look for: use letters or digits."}}
		}
		queries, err := db.searchQueries(ctx, words)
		if err != nil {
			return nil, 0, db.mapError(err)
		}
		q := queries["english"]
		if q == "" {
			return nil, 0, nil // stop words only: nothing to find
		}
		if db.Engine == Postgres {
			w.add("search @@ ?::tsquery", q)
		} else {
			w.add("id IN (SELECT rowid FROM remote_item_search WHERE remote_item_search MATCH ?)", q)
		}
	}
	if f.Domain != "" {
		w.add("domain = ?", jigsaw.NormalizeDomain(f.Domain))
	}
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "ap_remote_items", w.sql(), w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, `SELECT `+remoteItemColumns+` FROM ap_remote_items WHERE `+w.sql()+
		` ORDER BY published DESC, id DESC`+w.page(limit, offset), w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanRemoteItem)
	return out, total, db.mapError(err)
}

// RemoteDomains lists the origins of remote items with how many each sent,
// by domain.
func (db *DB) RemoteDomains(ctx context.Context) (_ []jigsaw.RemoteDomain, err error) {
	defer wrap(&err, "store.RemoteDomains")
	rows, err := db.query(ctx, `SELECT domain, count(*) FROM ap_remote_items GROUP BY domain ORDER BY domain`)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, func(row interface{ Scan(...any) error }) (jigsaw.RemoteDomain, error) {
		var d jigsaw.RemoteDomain
		return d, row.Scan(&d.Domain, &d.Items)
	})
	return out, db.mapError(err)
}

// BlockDomain blocks b.Domain and its subdomains: their followers and
// remote items are removed in the same transaction, with audit (if not
// nil). Blocking a blocked domain again updates its reason. It returns how
// many followers and items were removed.
func (db *DB) BlockDomain(ctx context.Context, b *jigsaw.DomainBlock, audit *jigsaw.AuditEntry) (followers, items int, err error) {
	defer wrap(&err, "store.BlockDomain")
	if err := b.Validate(); err != nil {
		return 0, 0, err
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		followers, items = 0, 0
		b.BlockedAt = db.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO ap_domain_blocks (domain, reason, blocked_by, blocked_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (domain) DO UPDATE SET reason = excluded.reason, blocked_by = excluded.blocked_by, blocked_at = excluded.blocked_at`,
			b.Domain, b.Reason, b.BlockedBy, b.BlockedAt); err != nil {
			return err
		}
		for _, t := range []struct {
			table string
			n     *int
		}{{"ap_followers", &followers}, {"ap_remote_items", &items}} {
			// The domains present are few; which of them the block covers
			// is decided here, as DomainBlocked decides it.
			rows, err := tx.QueryContext(ctx, `SELECT DISTINCT domain FROM `+t.table)
			if err != nil {
				return err
			}
			domains, err := collect(rows, func(row interface{ Scan(...any) error }) (string, error) {
				var s string
				return s, row.Scan(&s)
			})
			if err != nil {
				return err
			}
			for _, d := range domains {
				if !slices.Contains(jigsaw.DomainAndParents(d), b.Domain) {
					continue
				}
				res, err := tx.ExecContext(ctx, `DELETE FROM `+t.table+` WHERE domain = $1`, d)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				*t.n += int(n)
			}
		}
		if audit == nil {
			return nil
		}
		return db.recordAudit(ctx, tx, audit)
	})
	return followers, items, err
}

// UnblockDomain lifts the block of domain, with audit (if not nil).
// Returns ENOTFOUND if it was not blocked.
func (db *DB) UnblockDomain(ctx context.Context, domain string, audit *jigsaw.AuditEntry) (err error) {
	defer wrap(&err, "store.UnblockDomain")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM ap_domain_blocks WHERE domain = $1`, jigsaw.NormalizeDomain(domain))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "%s is not blocked.", domain)
		}
		if audit == nil {
			return nil
		}
		return db.recordAudit(ctx, tx, audit)
	})
}

// DomainBlocks lists the blocked domains in order.
func (db *DB) DomainBlocks(ctx context.Context) (_ []*jigsaw.DomainBlock, err error) {
	defer wrap(&err, "store.DomainBlocks")
	rows, err := db.query(ctx, `SELECT domain, reason, blocked_by, blocked_at FROM ap_domain_blocks ORDER BY domain`)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, func(row interface{ Scan(...any) error }) (*jigsaw.DomainBlock, error) {
		var b jigsaw.DomainBlock
		err := row.Scan(&b.Domain, &b.Reason, &b.BlockedBy, &b.BlockedAt)
		b.BlockedAt = b.BlockedAt.UTC()
		return &b, err
	})
	return out, db.mapError(err)
}

// DomainBlocked reports whether host (a host name, with or without a port)
// is blocked, itself or through a parent domain. Something that is not a
// host is taken as blocked.
func (db *DB) DomainBlocked(ctx context.Context, host string) (_ bool, err error) {
	defer wrap(&err, "store.DomainBlocked")
	ds := jigsaw.DomainAndParents(host)
	if len(ds) == 0 {
		return true, nil
	}
	args := padIDs(ds)
	var n int
	err = db.queryRow(ctx, `SELECT count(*) FROM ap_domain_blocks WHERE domain IN (`+placeholders(1, len(args))+`)`, args...).Scan(&n)
	return n > 0, db.mapError(err)
}

// SeenActivityTTL is how long an accepted activity's id is remembered:
// signatures older than that are refused as stale anyway.
const SeenActivityTTL = 24 * time.Hour

// SeeActivity records that the inbox accepted the activity id; false if it
// was seen within SeenActivityTTL (a replay). Ids older than that are
// pruned as it goes.
func (db *DB) SeeActivity(ctx context.Context, id string) (fresh bool, err error) {
	defer wrap(&err, "store.SeeActivity")
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM ap_seen_activities WHERE seen_at < $1`, now.Add(-SeenActivityTTL)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO ap_seen_activities (id, seen_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, id, now)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		fresh = n == 1
		return err
	})
	return fresh, err
}

// ForgetActivity forgets that the activity id was seen: its handling
// failed on our side, and the sender's retry must not be taken for a
// replay.
func (db *DB) ForgetActivity(ctx context.Context, id string) (err error) {
	defer wrap(&err, "store.ForgetActivity")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM ap_seen_activities WHERE id = $1`, id)
		return err
	})
}
