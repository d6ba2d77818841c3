package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"jigsaw"
)

var _ jigsaw.WebhookService = (*DB)(nil)

const webhookColumns = `h.id, h.name, h.url, h.secret, h.kinds, h.actions, h.active, coalesce(h.organisation_id, 0), coalesce(o.name, ''),
	coalesce(h.created_by, 0), coalesce(u.email, ''), h.created_at, h.updated_at, h.version`

const webhookJoins = ` FROM webhooks h LEFT JOIN organisations o ON o.id = h.organisation_id
	LEFT JOIN users u ON u.id = h.created_by`

func scanWebhook(row interface{ Scan(...any) error }) (*jigsaw.Webhook, error) {
	var h jigsaw.Webhook
	var kinds, actions string
	if err := row.Scan(&h.ID, &h.Name, &h.URL, &h.Secret, &kinds, &actions, &h.Active, &h.OrgID, &h.OrgName,
		&h.CreatedBy, &h.CreatedByEmail, &h.CreatedAt, &h.UpdatedAt, &h.Version); err != nil {
		return nil, err
	}
	h.Kinds, h.Actions = strings.Fields(kinds), strings.Fields(actions)
	h.CreatedAt, h.UpdatedAt = h.CreatedAt.UTC(), h.UpdatedAt.UTC()
	return &h, nil
}

func findWebhook(ctx context.Context, q querier, id int64) (*jigsaw.Webhook, error) {
	h, err := scanWebhook(q.QueryRowContext(ctx, `SELECT `+webhookColumns+webhookJoins+` WHERE h.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Webhook %d not found.", id)
	}
	return h, err
}

// webhookSnapshot is what the edit history keeps of a webhook: never its
// secret, whose rotation is recorded as an action of its own.
func webhookSnapshot(h *jigsaw.Webhook) snapshot {
	var s snapshot
	s.add("name", h.Name)
	s.add("url", h.URL)
	s.add("kinds", strings.Join(h.Kinds, " "))
	s.add("actions", strings.Join(h.Actions, " "))
	s.add("active", map[bool]string{true: "yes", false: "no"}[h.Active])
	s.add("organisation", h.OrgName)
	return s
}

// checkWebhook tidies and checks h, and that its organisation exists.
func checkWebhook(ctx context.Context, tx *sql.Tx, h *jigsaw.Webhook) error {
	h.Normalize()
	if err := h.Validate(); err != nil {
		return err
	}
	if h.OrgID != 0 && !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, h.OrgID) {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "No such organisation.", Fields: map[string]string{"organisation": "No such organisation."}}
	}
	return nil
}

// CreateWebhook implements jigsaw.WebhookService. The user in ctx is its
// maker.
func (db *DB) CreateWebhook(ctx context.Context, h *jigsaw.Webhook) (err error) {
	defer wrap(&err, "store.CreateWebhook")
	var by int64
	if u := jigsaw.UserFromContext(ctx); u != nil {
		by = u.ID
	}
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		if err := checkWebhook(ctx, tx, h); err != nil {
			return err
		}
		now := db.now()
		h.Secret, h.CreatedBy, h.CreatedAt, h.UpdatedAt, h.Version = jigsaw.NewWebhookSecret(), by, now, now, 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO webhooks (name, url, secret, kinds, actions, active, organisation_id, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			h.Name, h.URL, h.Secret, strings.Join(h.Kinds, " "), strings.Join(h.Actions, " "), h.Active, idOrNull(h.OrgID), idOrNull(by), now, now).Scan(&h.ID); err != nil {
			return err
		}
		after, err := findWebhook(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		h.OrgName, h.CreatedByEmail = after.OrgName, after.CreatedByEmail
		return db.recordRevision(ctx, tx, jigsaw.ObjectWebhook, h.ID, "create", diff(nil, webhookSnapshot(after)))
	})
}

// UpdateWebhook implements jigsaw.WebhookService.
func (db *DB) UpdateWebhook(ctx context.Context, h *jigsaw.Webhook) (err error) {
	defer wrap(&err, "store.UpdateWebhook")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		before, err := findWebhook(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("webhook", h.Version, before.Version); err != nil {
			return err
		}
		if err := checkWebhook(ctx, tx, h); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET name = $1, url = $2, kinds = $3, actions = $4, active = $5,
			organisation_id = $6, updated_at = $7, version = version + 1 WHERE id = $8`,
			h.Name, h.URL, strings.Join(h.Kinds, " "), strings.Join(h.Actions, " "), h.Active, idOrNull(h.OrgID), db.now(), h.ID); err != nil {
			return err
		}
		after, err := findWebhook(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		*h = *after
		return db.recordRevision(ctx, tx, jigsaw.ObjectWebhook, h.ID, "update", diff(webhookSnapshot(before), webhookSnapshot(after)))
	})
}

// RotateWebhookSecret implements jigsaw.WebhookService.
func (db *DB) RotateWebhookSecret(ctx context.Context, id int64) (_ string, err error) {
	defer wrap(&err, "store.RotateWebhookSecret")
	secret := jigsaw.NewWebhookSecret()
	err = db.QuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET secret = $1, updated_at = $2 WHERE id = $3`, secret, db.now(), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = jigsaw.Errorf(jigsaw.ENOTFOUND, "Webhook %d not found.", id)
			}
			return err
		}
		// The version stays: a form open meanwhile does not hold the
		// secret, so saving it loses nothing. The history says when, and
		// by whom; never what.
		return db.recordRevision(ctx, tx, jigsaw.ObjectWebhook, id, "rotate-secret", nil)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// DeleteWebhook implements jigsaw.WebhookService. Its deliveries stay in
// the queue's log; those not yet made are dropped by the channel, which
// finds no webhook to send them to.
func (db *DB) DeleteWebhook(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "store.DeleteWebhook")
	return db.QuietTx(ctx, func(tx *sql.Tx) error {
		before, err := findWebhook(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1`, id); err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectWebhook, id, "delete", diff(webhookSnapshot(before), nil))
	})
}

// FindWebhook implements jigsaw.WebhookService.
func (db *DB) FindWebhook(ctx context.Context, id int64) (_ *jigsaw.Webhook, err error) {
	defer wrap(&err, "store.FindWebhook")
	h, err := findWebhook(ctx, db.read, id)
	return h, db.mapError(err)
}

// FindWebhooks implements jigsaw.WebhookService. An instance has a
// handful of webhooks, which every editor may see, so the list is read
// whole.
func (db *DB) FindWebhooks(ctx context.Context) (_ []*jigsaw.Webhook, err error) {
	defer wrap(&err, "store.FindWebhooks")
	rows, err := db.read.QueryContext(ctx, `SELECT `+webhookColumns+webhookJoins+` ORDER BY h.id DESC LIMIT 1000`)
	if err != nil {
		return nil, db.mapError(err)
	}
	hooks, err := collect(rows, scanWebhook)
	for _, h := range hooks {
		h.Secret = ""
	}
	return hooks, db.mapError(err)
}

// RetryWebhookDelivery is RetryDelivery for the log of one webhook: it
// makes delivery id due now if it is a delivery to webhook hookID, and is
// ENOTFOUND otherwise, so that an editor's page can retry nothing else.
func (db *DB) RetryWebhookDelivery(ctx context.Context, hookID, id int64) (err error) {
	defer wrap(&err, "store.RetryWebhookDelivery")
	if !exists(ctx, db.read, `SELECT count(*) FROM deliveries WHERE id = $1 AND channel = 'webhook' AND target = $2`, id, strconv.FormatInt(hookID, 10)) {
		return jigsaw.Errorf(jigsaw.ENOTFOUND, "Webhook %d has no delivery %d.", hookID, id)
	}
	return db.RetryDelivery(ctx, id)
}
