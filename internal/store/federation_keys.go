package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"jigsaw"
)

// InstanceKey returns the instance actor's current key pair, storing the
// one newKey makes when there is none yet. Two processes starting at once
// may both make a key; the first stored wins and both return it.
func (db *DB) InstanceKey(ctx context.Context, newKey func() (privatePEM, publicPEM string, err error)) (_ *jigsaw.InstanceKey, err error) {
	defer wrap(&err, "store.InstanceKey")
	k, err := db.currentInstanceKey(ctx)
	if !errors.Is(err, sql.ErrNoRows) {
		return k, db.mapError(err)
	}
	priv, pub, err := newKey()
	if err != nil {
		return nil, err
	}
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO federation_keys (private_key_pem, public_key_pem, current_key, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (current_key) DO NOTHING`, priv, pub, true, db.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	k, err = db.currentInstanceKey(ctx)
	return k, db.mapError(err)
}

func (db *DB) currentInstanceKey(ctx context.Context) (*jigsaw.InstanceKey, error) {
	var k jigsaw.InstanceKey
	err := db.queryRow(ctx, `SELECT id, private_key_pem, public_key_pem, created_at FROM federation_keys WHERE current_key`).
		Scan(&k.ID, &k.PrivateKeyPEM, &k.PublicKeyPEM, nullTime{&k.CreatedAt})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// RotateInstanceKey makes the given pair the instance actor's current key
// and retires the one it replaces. Keys retired more than keep ago are
// deleted. Returns the new key.
func (db *DB) RotateInstanceKey(ctx context.Context, privatePEM, publicPEM string, keep time.Duration) (_ *jigsaw.InstanceKey, err error) {
	defer wrap(&err, "store.RotateInstanceKey")
	now := db.now()
	k := &jigsaw.InstanceKey{PrivateKeyPEM: privatePEM, PublicKeyPEM: publicPEM, CreatedAt: now}
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE federation_keys SET current_key = NULL, retired_at = $1 WHERE current_key`, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM federation_keys WHERE retired_at < $1`, now.Add(-keep)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO federation_keys (private_key_pem, public_key_pem, current_key, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, privatePEM, publicPEM, true, now).Scan(&k.ID)
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// InstanceKeys returns the instance actor's keys: the current one first,
// then the retired ones still kept, newest first.
func (db *DB) InstanceKeys(ctx context.Context) (_ []*jigsaw.InstanceKey, err error) {
	defer wrap(&err, "store.InstanceKeys")
	rows, err := db.query(ctx, `SELECT id, private_key_pem, public_key_pem, created_at, retired_at FROM federation_keys
		ORDER BY current_key IS NULL, id DESC`)
	if err != nil {
		return nil, db.mapError(err)
	}
	defer rows.Close()
	var out []*jigsaw.InstanceKey
	for rows.Next() {
		var k jigsaw.InstanceKey
		if err := rows.Scan(&k.ID, &k.PrivateKeyPEM, &k.PublicKeyPEM, nullTime{&k.CreatedAt}, nullTime{&k.RetiredAt}); err != nil {
			return nil, db.mapError(err)
		}
		out = append(out, &k)
	}
	return out, db.mapError(rows.Err())
}

const remoteActorColumns = `id, key_id, public_key_pem, inbox, shared_inbox, preferred_username, domain, fetched_at`

func scanRemoteActor(row interface{ Scan(...any) error }) (*jigsaw.RemoteActor, error) {
	var a jigsaw.RemoteActor
	err := row.Scan(&a.ID, &a.KeyID, &a.PublicKeyPEM, &a.Inbox, &a.SharedInbox, &a.PreferredUsername, &a.Domain, nullTime{&a.FetchedAt})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// FindRemoteActor returns the cached actor whose URL is id; ENOTFOUND if
// it is not cached.
func (db *DB) FindRemoteActor(ctx context.Context, id string) (_ *jigsaw.RemoteActor, err error) {
	defer wrap(&err, "store.FindRemoteActor")
	a, err := scanRemoteActor(db.queryRow(ctx, `SELECT `+remoteActorColumns+` FROM remote_actors WHERE id = $1`, id))
	return a, db.mapError(err)
}

// FindRemoteActorByKeyID returns the cached actor whose key is keyID;
// ENOTFOUND if there is none.
func (db *DB) FindRemoteActorByKeyID(ctx context.Context, keyID string) (_ *jigsaw.RemoteActor, err error) {
	defer wrap(&err, "store.FindRemoteActorByKeyID")
	a, err := scanRemoteActor(db.queryRow(ctx, `SELECT `+remoteActorColumns+` FROM remote_actors WHERE key_id = $1
		ORDER BY fetched_at DESC LIMIT 1`, keyID))
	return a, db.mapError(err)
}

// SaveRemoteActor stores a as the cached copy of its actor, replacing any
// before.
func (db *DB) SaveRemoteActor(ctx context.Context, a *jigsaw.RemoteActor) (err error) {
	defer wrap(&err, "store.SaveRemoteActor")
	if a.ID == "" || a.KeyID == "" || a.Inbox == "" {
		return jigsaw.Errorf(jigsaw.EINVALID, "A remote actor needs an id, a key and an inbox.")
	}
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO remote_actors (`+remoteActorColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, public_key_pem = excluded.public_key_pem,
				inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
				preferred_username = excluded.preferred_username, domain = excluded.domain, fetched_at = excluded.fetched_at`,
			a.ID, a.KeyID, a.PublicKeyPEM, a.Inbox, a.SharedInbox, a.PreferredUsername, a.Domain, a.FetchedAt.UTC())
		return err
	})
}

// publicItemQueries read, for each kind that goes out over ActivityPub,
// its public items with when each became public, newest first: the same
// rules of what is public as the sitemap's.
var publicItemQueries = []struct{ kind, table, at, public string }{
	{"danger", "tracker_items", "published_at", "published_at IS NOT NULL"},
	{"dispute", "disputes", "created_at", "TRUE"},
	{"event", "events", "created_at", "NOT members_only"},
	{"story", "stories", "published_at", "status = 'published'"},
}

// PublicItems returns up to limit public items — published stories and
// dangers, disputes, public events — newest first (by when each became
// public, then kind, then id, descending), starting after before when it
// is not nil: the instance actor's outbox.
func (db *DB) PublicItems(ctx context.Context, before *jigsaw.PublicItemRef, limit int) (_ []jigsaw.PublicItemRef, err error) {
	defer wrap(&err, "store.PublicItems")
	var out []jigsaw.PublicItemRef
	for _, q := range publicItemQueries {
		sqlText := `SELECT id, ` + q.at + ` FROM ` + q.table + ` WHERE ` + q.public
		args := []any{}
		if before != nil {
			// Items of a kind sorted after before's on the same instant
			// may share it; those sorted before it may not.
			switch {
			case q.kind > before.Kind:
				sqlText += ` AND ` + q.at + ` <= $1`
				args = append(args, before.At.UTC())
			case q.kind == before.Kind:
				sqlText += ` AND (` + q.at + `, id) < ($1, $2)`
				args = append(args, before.At.UTC(), before.ID)
			default:
				sqlText += ` AND ` + q.at + ` < $1`
				args = append(args, before.At.UTC())
			}
		}
		sqlText += ` ORDER BY ` + q.at + ` DESC, id DESC LIMIT ` + itoa(limit)
		rows, err := db.query(ctx, sqlText, args...)
		if err != nil {
			return nil, db.mapError(err)
		}
		for rows.Next() {
			r := jigsaw.PublicItemRef{Kind: q.kind}
			if err := rows.Scan(&r.ID, nullTime{&r.At}); err != nil {
				rows.Close()
				return nil, db.mapError(err)
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.mapError(err)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.At.Equal(b.At) {
			return a.At.After(b.At)
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.ID > b.ID
	})
	return out[:min(len(out), limit)], nil
}

// CountPublicItems returns how many public items of each kind there are
// (see PublicItems).
func (db *DB) CountPublicItems(ctx context.Context) (_ map[string]int, err error) {
	defer wrap(&err, "store.CountPublicItems")
	out := map[string]int{}
	for _, q := range publicItemQueries {
		var n int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM `+q.table+` WHERE `+q.public).Scan(&n); err != nil {
			return nil, db.mapError(err)
		}
		out[q.kind] = n
	}
	return out, nil
}
