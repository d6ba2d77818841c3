package store

import (
	"context"
	"database/sql"

	"jigsaw"
)

// RecordAudit appends e to the audit log and sets its ID and time.
func (db *DB) RecordAudit(ctx context.Context, e *jigsaw.AuditEntry) (err error) {
	defer wrap(&err, "store.RecordAudit")
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

// FindAudit returns matching audit entries, newest first, and the total
// counted as jigsaw.CountCap says.
func (db *DB) FindAudit(ctx context.Context, f jigsaw.AuditFilter) (_ []*jigsaw.AuditEntry, _ int, err error) {
	defer wrap(&err, "store.FindAudit")
	var w where
	if f.UserID != 0 {
		w.add("user_id = ?", f.UserID)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		w.add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != 0 {
		w.add("object_id = ?", f.ObjectID)
	}
	if !f.Since.IsZero() {
		w.add("at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		w.add("at < ?", f.Until.UTC())
	}
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "audit_log", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT id, at, COALESCE(user_id, 0), actor, action, object_type, COALESCE(object_id, 0), detail, ip
		FROM audit_log WHERE `+cond+` ORDER BY at DESC, id DESC`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, func(r interface{ Scan(...any) error }) (*jigsaw.AuditEntry, error) {
		var e jigsaw.AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.UserID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.IP)
		e.At = e.At.UTC()
		return &e, err
	})
	return out, total, db.mapError(err)
}
