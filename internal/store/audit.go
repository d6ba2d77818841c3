package store

import (
	"context"
	"database/sql"
	"strings"

	"jigsaw"
)

// RecordAudit appends e to the audit log and sets its ID and time.
func (db *DB) RecordAudit(ctx context.Context, e *jigsaw.AuditEntry) error {
	return db.QuietTx(ctx, func(tx *sql.Tx) error { return db.recordAudit(ctx, tx, e) })
}

// recordAudit appends e inside tx, so that an action and its audit entry
// commit together or not at all.
func (db *DB) recordAudit(ctx context.Context, tx *sql.Tx, e *jigsaw.AuditEntry) error {
	e.At = db.now()
	if e.Actor == "" {
		e.Actor = "system"
	}
	return tx.QueryRowContext(ctx, `INSERT INTO audit_log (at, user_id, actor, action, object_type, object_id, detail, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.At, idOrNull(e.UserID), e.Actor, e.Action, e.ObjectType, idOrNull(e.ObjectID), e.Detail, e.IP).Scan(&e.ID)
}

// FindAudit returns matching audit entries, newest first, and the total.
func (db *DB) FindAudit(ctx context.Context, f jigsaw.AuditFilter) ([]*jigsaw.AuditEntry, int, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+itoa(len(args))))
	}
	if f.UserID != 0 {
		add("user_id = ?", f.UserID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != 0 {
		add("object_id = ?", f.ObjectID)
	}
	if !f.Since.IsZero() {
		add("at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		add("at < ?", f.Until.UTC())
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM audit_log WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, db.mapError(err)
	}
	args = append(args, clampLimit(f.Limit), max(f.Offset, 0))
	rows, err := db.query(ctx, `SELECT id, at, COALESCE(user_id, 0), actor, action, object_type, COALESCE(object_id, 0), detail, ip
		FROM audit_log WHERE `+cond+` ORDER BY at DESC, id DESC LIMIT $`+itoa(len(args)-1)+` OFFSET $`+itoa(len(args)), args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	defer rows.Close()
	var out []*jigsaw.AuditEntry
	for rows.Next() {
		var e jigsaw.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.IP); err != nil {
			return nil, 0, db.mapError(err)
		}
		e.At = e.At.UTC()
		out = append(out, &e)
	}
	return out, total, db.mapError(rows.Err())
}
