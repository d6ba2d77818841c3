package store

import (
	"context"
	"database/sql"
	"time"

	"jigsaw"
)

// GetSetting returns the value stored under key and whether there is one.
func (db *DB) GetSetting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	if err != nil {
		return "", false, db.mapError(err)
	}
	return v, true, nil
}

// SetSetting stores value under key, replacing any value there.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}

// SetSettingIfAbsent stores value under key unless the key has a value;
// of several processes racing, the first wins and all read its value.
func (db *DB) SetSettingIfAbsent(ctx context.Context, key, value string) error {
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, value)
		return err
	})
}

// ClaimPeriodic reports whether the periodic job named key is due (it last
// ran more than every ago, or never) and, if so, records that it runs now.
// The check and the record are one conditional write, so of several
// processes sharing the database exactly one gets true.
func (db *DB) ClaimPeriodic(ctx context.Context, key string, every time.Duration) (bool, error) {
	const layout = "2006-01-02T15:04:05.000000Z" // fixed width: compares as text
	now := db.now()
	var claimed bool
	err := db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE settings.value < $3`,
			key, now.Format(layout), now.Add(-every).Format(layout))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}

// Moderators returns the users who moderate (moderators and admins).
func (db *DB) Moderators(ctx context.Context) ([]*jigsaw.User, error) {
	users, err := db.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	var out []*jigsaw.User
	for _, u := range users {
		if u.Role.AtLeast(jigsaw.RoleModerator) && u.DisabledAt.IsZero() {
			out = append(out, u)
		}
	}
	return out, nil
}
