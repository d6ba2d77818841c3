package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"jigsaw"
)

// GetSetting returns the value stored under key and whether there is one.
func (db *DB) GetSetting(ctx context.Context, key string) (_ string, _ bool, err error) {
	defer wrap(&err, "store.GetSetting")
	var v string
	err = db.queryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	if err != nil {
		return "", false, db.mapError(err)
	}
	return v, true, nil
}

// SetSetting stores value under key, replacing any value there.
func (db *DB) SetSetting(ctx context.Context, key, value string) (err error) {
	defer wrap(&err, "store.SetSetting")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}

// SetSettingIfAbsent stores value under key unless the key has a value;
// of several processes racing, the first wins and all read its value.
func (db *DB) SetSettingIfAbsent(ctx context.Context, key, value string) (err error) {
	defer wrap(&err, "store.SetSettingIfAbsent")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, value)
		return err
	})
}

// ClaimPeriodic reports whether the periodic job named key is due (it last
// ran more than every ago, or never) and, if so, records that it runs now.
// The check and the record are one conditional write, so of several
// processes sharing the database exactly one gets true.
func (db *DB) ClaimPeriodic(ctx context.Context, key string, every time.Duration) (_ bool, err error) {
	defer wrap(&err, "store.ClaimPeriodic")
	const layout = "2006-01-02T15:04:05.000000Z" // fixed width: compares as text
	now := db.now()
	var claimed bool
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
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
func (db *DB) Moderators(ctx context.Context) (_ []*jigsaw.User, err error) {
	defer wrap(&err, "store.Moderators")
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

// Site settings an admin edits.
const (
	settingSiteName        = "site.name"
	settingSiteDescription = "site.description"
	settingSiteContact     = "site.contact"
	settingSiteAbout       = "site.about"
	settingSitePrivacy     = "site.privacy"
)

// siteSettingKeys pairs each site setting's key with its field in s.
func siteSettingKeys(s *jigsaw.SiteSettings) map[string]*string {
	return map[string]*string{settingSiteName: &s.Name, settingSiteDescription: &s.Description, settingSiteContact: &s.Contact,
		settingSiteAbout: &s.About, settingSitePrivacy: &s.Privacy}
}

// SiteSettings returns the instance's name, description, contact and
// notices (empty where not set), kept for a few seconds like the key
// issues.
func (db *DB) SiteSettings(ctx context.Context) (_ jigsaw.SiteSettings, err error) {
	defer wrap(&err, "store.SiteSettings")
	return db.site.get(ctx, keyIssuesTTL, db.loadSiteSettings)
}

func (db *DB) loadSiteSettings(ctx context.Context) (jigsaw.SiteSettings, error) {
	var s jigsaw.SiteSettings
	fields := siteSettingKeys(&s)
	rows, err := db.query(ctx, `SELECT key, value FROM settings WHERE key LIKE 'site.%'`)
	if err != nil {
		return s, db.mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, v string
		if err := rows.Scan(&key, &v); err != nil {
			return s, db.mapError(err)
		}
		if dst, ok := fields[key]; ok {
			*dst = v
		}
	}
	return s, db.mapError(rows.Err())
}

// SaveSiteSettings stores the site settings and the audit entry together.
func (db *DB) SaveSiteSettings(ctx context.Context, s jigsaw.SiteSettings, audit *jigsaw.AuditEntry) (err error) {
	defer wrap(&err, "store.SaveSiteSettings")
	if err := s.Validate(); err != nil {
		return err
	}
	defer db.site.forget()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for key, v := range siteSettingKeys(&s) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, *v); err != nil {
				return err
			}
		}
		return db.recordAudit(ctx, tx, audit)
	})
}

// SaveKeyIssue adds a key issue or renames one.
func (db *DB) SaveKeyIssue(ctx context.Context, k jigsaw.KeyIssue, audit *jigsaw.AuditEntry) (err error) {
	defer wrap(&err, "store.SaveKeyIssue")
	k.Name = strings.TrimSpace(k.Name)
	if k.Slug == "" {
		k.Slug = jigsaw.Slugify(k.Name)
	}
	if k.Name == "" || len(k.Name) > 100 || k.Slug == "" {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "A key issue needs a name of up to 100 characters.", Fields: map[string]string{"name": "Required."}}
	}
	defer db.keyIssues.forget()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO key_issues (slug, name, position) VALUES ($1, $2, (SELECT COALESCE(max(position), 0) + 1 FROM key_issues))
			ON CONFLICT (slug) DO UPDATE SET name = excluded.name`, k.Slug, k.Name); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx, audit)
	})
}
