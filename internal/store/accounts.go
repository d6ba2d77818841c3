package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"time"

	"jigsaw"
)

// SetPasswordHash stores the encoded hash of a user's password.
func (db *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) (err error) {
	defer wrap(&err, "store.SetPasswordHash")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "User not found.")
		}
		return nil
	})
}

// PasswordHash returns the user with the given email and their password
// hash. ENOTFOUND if there is no such user.
func (db *DB) PasswordHash(ctx context.Context, email string) (_ *jigsaw.User, _ string, err error) {
	defer wrap(&err, "store.PasswordHash")
	u, err := db.FindUserByEmail(ctx, email)
	if err != nil {
		return nil, "", err
	}
	var hash string
	if err := db.queryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		return nil, "", db.mapError(err)
	}
	return u, hash, nil
}

// SetUserRole changes a user's role and records who did it, together.
func (db *DB) SetUserRole(ctx context.Context, userID int64, role jigsaw.Role, audit *jigsaw.AuditEntry) (err error) {
	defer wrap(&err, "store.SetUserRole")
	if !jigsaw.Valid(jigsaw.Roles, role) {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Role must be admin, moderator or editor.", Fields: map[string]string{"role": "Choose a role."}}
	}
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = $1 WHERE id = $2`, role, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "User not found.")
		}
		return db.recordAudit(ctx, tx, audit)
	})
}

// FindUsers lists every user by email.
func (db *DB) FindUsers(ctx context.Context) (_ []*jigsaw.User, err error) {
	defer wrap(&err, "store.FindUsers")
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY lower(email)`)
	if err != nil {
		return nil, db.mapError(err)
	}
	defer rows.Close()
	var out []*jigsaw.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, db.mapError(err)
		}
		out = append(out, u)
	}
	return out, db.mapError(rows.Err())
}

// CreateSession stores a session under the hash of its token.
func (db *DB) CreateSession(ctx context.Context, idHash string, userID int64, ip, userAgent string) (err error) {
	defer wrap(&err, "store.CreateSession")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $3, $4, $5)`,
			idHash, userID, now, ip, truncate(userAgent, 300))
		return err
	})
}

// Session returns the user of the session with the given token hash and
// when the session started and was last used. ENOTFOUND if there is none
// or the user is disabled.
func (db *DB) Session(ctx context.Context, idHash string) (u *jigsaw.User, created, lastSeen time.Time, err error) {
	defer wrap(&err, "store.Session")
	row := db.queryRow(ctx, `SELECT u.id, u.email, u.name, u.role, u.created_at, u.disabled_at, s.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND u.disabled_at IS NULL`, idHash)
	var user jigsaw.User
	err = row.Scan(&user.ID, &user.Email, &user.Name, &user.Role, &user.CreatedAt, nullTime{&user.DisabledAt}, &created, &lastSeen)
	if err == sql.ErrNoRows {
		return nil, created, lastSeen, jigsaw.Errorf(jigsaw.ENOTFOUND, "No such session.")
	}
	if err != nil {
		return nil, created, lastSeen, db.mapError(err)
	}
	return &user, created.UTC(), lastSeen.UTC(), nil
}

// TouchSession records that the session was used now.
func (db *DB) TouchSession(ctx context.Context, idHash string) (err error) {
	defer wrap(&err, "store.TouchSession")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, db.now(), idHash)
		return err
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, idHash string) (err error) {
	defer wrap(&err, "store.DeleteSession")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
		return err
	})
}

// DeleteUserSessions ends every session of a user (after a password or role
// change).
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) (err error) {
	defer wrap(&err, "store.DeleteUserSessions")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
}

// CreateAPIToken stores the hash of a new bearer token for a user.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name, tokenHash string) (_ int64, err error) {
	defer wrap(&err, "store.CreateAPIToken")
	var id int64
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			userID, name, tokenHash, db.now()).Scan(&id)
	})
	return id, err
}

// APITokenUser returns the user owning the unrevoked token with this hash.
func (db *DB) APITokenUser(ctx context.Context, tokenHash string) (_ *jigsaw.User, err error) {
	defer wrap(&err, "store.APITokenUser")
	var id int64
	err = db.queryRow(ctx, `SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`, tokenHash).Scan(&id)
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.EUNAUTHORIZED, "The API token is not valid.")
	}
	if err != nil {
		return nil, db.mapError(err)
	}
	return db.FindUserByID(ctx, id)
}

// APITokens lists a user's tokens (all users' when userID is 0).
func (db *DB) APITokens(ctx context.Context, userID int64) (_ []jigsaw.APIToken, err error) {
	defer wrap(&err, "store.APITokens")
	rows, err := db.query(ctx, `SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens
		WHERE $1 = 0 OR user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, db.mapError(err)
	}
	defer rows.Close()
	var out []jigsaw.APIToken
	for rows.Next() {
		var t jigsaw.APIToken
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, nullTime{&t.LastUsedAt}, nullTime{&t.RevokedAt}); err != nil {
			return nil, db.mapError(err)
		}
		out = append(out, t)
	}
	return out, db.mapError(rows.Err())
}

// RevokeAPIToken revokes a token; ENOTFOUND if it does not exist.
func (db *DB) RevokeAPIToken(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "store.RevokeAPIToken")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, db.now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "Token not found or already revoked.")
		}
		return nil
	})
}

// Hit counts one event against key in the fixed window of the given length
// containing now, and returns the count including this one. The counters
// live in the database, so every process sharing it enforces one limit.
// They are written lazily: a crash may forget the last few counts, which
// costs nothing, and a request is not held for a commit of its count.
func (db *DB) Hit(ctx context.Context, key string, window time.Duration) (count int, windowEnd time.Time, err error) {
	defer wrap(&err, "store.Hit")
	if db.Engine == Postgres {
		// One statement on a connection that does not wait for the disk,
		// committed on its own: the key's counter row is locked for no round
		// trip to this process.
		count, windowEnd, err = db.hit(ctx, db.lazy, key, window)
		return count, windowEnd, db.mapError(err)
	}
	err = db.LazyTx(ctx, func(tx Execer) error {
		count, windowEnd, err = db.hit(ctx, tx, key, window)
		return err
	})
	return count, windowEnd, err
}

// limitKey is how a rate limit's key is stored: hashed, so that the
// counters keep no client's address (keys such as "submit-ip:198.51.100.7").
func limitKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// ExpireRateLimits deletes the counters of windows that began before
// before. A key's old windows go when it is counted again (hit); the
// counters of addresses never seen again would otherwise stay for ever.
func (db *DB) ExpireRateLimits(ctx context.Context, before time.Time) (n int64, err error) {
	defer wrap(&err, "store.ExpireRateLimits")
	err = db.LazyTx(ctx, func(tx Execer) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE window_start < $1`, before)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return n, err
}

// hit counts one event against key through x and clears the key's old
// windows, which are of no further use (the table stays small without a
// separate job): on PostgreSQL in the same statement, on SQLite (inside a
// group job) in a second one.
func (db *DB) hit(ctx context.Context, x Execer, key string, window time.Duration) (count int, windowEnd time.Time, err error) {
	key = limitKey(key)
	start := db.now().Truncate(window)
	const upsert = `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
	ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`
	const clear = `DELETE FROM rate_limits WHERE key = $1 AND window_start < $2`
	if db.Engine == Postgres {
		err = x.QueryRowContext(ctx, `WITH old AS (`+clear+`) `+upsert, key, start).Scan(&count)
	} else if err = x.QueryRowContext(ctx, upsert, key, start).Scan(&count); err == nil {
		_, err = x.ExecContext(ctx, clear, key, start)
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	return count, start.Add(window), nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// CreatePasswordReset stores the hash of a reset token for a user.
func (db *DB) CreatePasswordReset(ctx context.Context, userID int64, tokenHash string, expires time.Time) (err error) {
	defer wrap(&err, "store.CreatePasswordReset")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			tokenHash, userID, db.now(), expires.UTC())
		return err
	})
}

// UsePasswordReset sets a new password with a reset token: the token must
// be unused and unexpired, and is used up; every session of the user ends.
// All of it is one transaction.
func (db *DB) UsePasswordReset(ctx context.Context, tokenHash, passwordHash, ip string) (_ *jigsaw.User, err error) {
	defer wrap(&err, "store.UsePasswordReset")
	var u *jigsaw.User
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var userID int64
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
			tokenHash, now).Scan(&userID)
		if err == sql.ErrNoRows {
			return jigsaw.Errorf(jigsaw.EINVALID, "This link is not valid, has expired or was used already. Ask for a new one.")
		} else if err != nil {
			return err
		}
		// The link used revokes every other one still outstanding: an
		// older mail found later must not set the password again.
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, now, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, passwordHash, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, userID)); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "password-reset", ObjectType: "user", ObjectID: u.ID, IP: ip})
	})
	return u, err
}

// TOTP returns a user's two-factor secret, whether it is on, and the last
// time step a code was accepted for.
func (db *DB) TOTP(ctx context.Context, userID int64) (secret string, enabled bool, lastStep int64, err error) {
	defer wrap(&err, "store.TOTP")
	err = db.queryRow(ctx, `SELECT totp_secret, totp_enabled, totp_last_step FROM users WHERE id = $1`, userID).Scan(&secret, &enabled, &lastStep)
	return secret, enabled, lastStep, db.mapError(err)
}

// SetTOTP stores a two-factor secret and whether it is on.
func (db *DB) SetTOTP(ctx context.Context, userID int64, secret string, enabled bool, audit *jigsaw.AuditEntry) (err error) {
	defer wrap(&err, "store.SetTOTP")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_enabled = $2 WHERE id = $3`, secret, enabled, userID); err != nil {
			return err
		}
		if audit != nil {
			return db.recordAudit(ctx, tx, audit)
		}
		return nil
	})
}

// UseTOTPStep records that the code of step was used, unless a code of
// this or a later step was used already (then it returns false): a code
// works once, even when two sign-ins race.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) (_ bool, err error) {
	defer wrap(&err, "store.UseTOTPStep")
	var ok bool
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	return ok, err
}
