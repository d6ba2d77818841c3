package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"jigsaw"
)

var _ jigsaw.PlanService = (*DB)(nil)

const planColumns = `p.id, p.name, p.description, p.anchor_label, p.anchor_on, COALESCE(c.slug, ''), COALESCE(c.name, ''),
	p.version, p.created_at, p.updated_at`

// planFrom joins a plan's campaign, whose slug and name reads show.
const planFrom = ` FROM plans p LEFT JOIN campaigns c ON c.id = p.campaign_id`

func scanPlan(row interface{ Scan(...any) error }) (*jigsaw.Plan, error) {
	var p jigsaw.Plan
	if err := row.Scan(&p.ID, &p.Name, &p.Description, &p.AnchorLabel, &p.AnchorDate, &p.CampaignSlug, &p.CampaignName,
		&p.Version, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

// CreatePlan implements jigsaw.PlanService.
func (db *DB) CreatePlan(ctx context.Context, p *jigsaw.Plan) (err error) {
	defer wrap(&err, "store.CreatePlan")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		campaign, err := checkPlan(ctx, tx, p)
		if err != nil {
			return err
		}
		now := db.now()
		p.CreatedAt, p.UpdatedAt, p.Version = now, now, 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO plans (name, description, anchor_label, anchor_on, campaign_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			p.Name, p.Description, p.AnchorLabel, p.AnchorDate, idOrNull(campaign), now, now).Scan(&p.ID); err != nil {
			return err
		}
		for i := range p.Milestones {
			p.Milestones[i].ID = 0
			if err := insertMilestone(ctx, tx, p.ID, &p.Milestones[i]); err != nil {
				return err
			}
		}
		after, err := findPlan(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectPlan, p.ID, "create", diff(nil, planSnapshot(after)))
	})
}

// UpdatePlan implements jigsaw.PlanService.
func (db *DB) UpdatePlan(ctx context.Context, p *jigsaw.Plan) (err error) {
	defer wrap(&err, "store.UpdatePlan")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findPlan(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("plan", p.Version, before.Version); err != nil {
			return err
		}
		// Milestone IDs are checked before checkPlan sorts them, so that
		// the field names count milestones as the caller listed them.
		if err := checkMilestoneIDs(p, before.Milestones); err != nil {
			return err
		}
		campaign, err := checkPlan(ctx, tx, p)
		if err != nil {
			return err
		}
		if p.Milestones != nil {
			if err := syncMilestones(ctx, tx, p, before.Milestones); err != nil {
				return err
			}
		}
		p.CreatedAt, p.UpdatedAt = before.CreatedAt, db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET name = $1, description = $2, anchor_label = $3, anchor_on = $4,
			campaign_id = $5, updated_at = $6, version = version + 1 WHERE id = $7`,
			p.Name, p.Description, p.AnchorLabel, p.AnchorDate, idOrNull(campaign), p.UpdatedAt, p.ID); err != nil {
			return err
		}
		after, err := findPlan(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		p.Milestones, p.Version = after.Milestones, after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectPlan, p.ID, "update", diff(planSnapshot(before), planSnapshot(after)))
	})
}

// AddMilestone implements jigsaw.PlanService.
func (db *DB) AddMilestone(ctx context.Context, m *jigsaw.Milestone) (err error) {
	defer wrap(&err, "store.AddMilestone")
	m.Normalize()
	if err := m.Validate(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findPlan(ctx, tx, m.PlanID)
		if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
			return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "A milestone belongs to a plan: there is no plan " + strconv.FormatInt(m.PlanID, 10) + ".",
				Fields: map[string]string{"plan_id": "There is no such plan."}}
		} else if err != nil {
			return err
		}
		if err := insertMilestone(ctx, tx, m.PlanID, m); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET updated_at = $1, version = version + 1 WHERE id = $2`, db.now(), m.PlanID); err != nil {
			return err
		}
		after, err := findPlan(ctx, tx, m.PlanID)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectPlan, m.PlanID, "milestone-add", diff(planSnapshot(before), planSnapshot(after)))
	})
}

// checkPlan tidies and checks p, and returns the ID of its campaign (0
// for none).
func checkPlan(ctx context.Context, tx *sql.Tx, p *jigsaw.Plan) (int64, error) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return 0, err
	}
	jigsaw.SortMilestones(p.Milestones)
	if p.CampaignSlug == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM campaigns WHERE slug = $1`, p.CampaignSlug).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "There is no such campaign.",
			Fields: map[string]string{"campaign": "There is no campaign " + strconv.Quote(p.CampaignSlug) + "."}}
	}
	return id, err
}

// checkMilestoneIDs refuses milestone IDs that are not the plan's own.
func checkMilestoneIDs(p *jigsaw.Plan, stored []jigsaw.Milestone) error {
	have := map[int64]bool{}
	for _, m := range stored {
		have[m.ID] = true
	}
	pr := jigsaw.Problems{}
	for i, m := range p.Milestones {
		if m.ID != 0 && !have[m.ID] {
			pr.Add(fmt.Sprintf("milestones[%d].id", i), fmt.Sprintf("Plan %d has no milestone %d.", p.ID, m.ID))
		}
	}
	return pr.Err()
}

// syncMilestones makes the stored milestones exactly p.Milestones, keeping
// the IDs of those listed (calendar entries are known by them).
func syncMilestones(ctx context.Context, tx *sql.Tx, p *jigsaw.Plan, stored []jigsaw.Milestone) error {
	keep := map[int64]bool{}
	for _, m := range p.Milestones {
		keep[m.ID] = true
	}
	for _, m := range stored {
		if !keep[m.ID] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM plan_milestones WHERE id = $1`, m.ID); err != nil {
				return err
			}
		}
	}
	for i := range p.Milestones {
		m := &p.Milestones[i]
		if m.ID == 0 {
			if err := insertMilestone(ctx, tx, p.ID, m); err != nil {
				return err
			}
			continue
		}
		m.PlanID = p.ID
		if _, err := tx.ExecContext(ctx, `UPDATE plan_milestones SET title = $1, offset_days = $2, kind = $3, note = $4 WHERE id = $5`,
			m.Title, m.OffsetDays, m.Kind, m.Note, m.ID); err != nil {
			return err
		}
	}
	return nil
}

func insertMilestone(ctx context.Context, tx *sql.Tx, planID int64, m *jigsaw.Milestone) error {
	m.PlanID = planID
	return tx.QueryRowContext(ctx, `INSERT INTO plan_milestones (plan_id, title, offset_days, kind, note)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, planID, m.Title, m.OffsetDays, m.Kind, m.Note).Scan(&m.ID)
}

func findPlan(ctx context.Context, q querier, id int64) (*jigsaw.Plan, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planColumns+planFrom+` WHERE p.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Plan %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	return p, attachMilestones(ctx, q, []*jigsaw.Plan{p})
}

// FindPlanByID implements jigsaw.PublicPlanService. The plan's seats are
// those that name it and those whose date falls within its span.
func (db *DB) FindPlanByID(ctx context.Context, id int64) (_ *jigsaw.Plan, err error) {
	defer wrap(&err, "store.FindPlanByID")
	q := readQuerier{db}
	p, err := findPlan(ctx, q, id)
	if err != nil {
		return nil, db.mapError(err)
	}
	first, last := p.Span()
	p.Seats, err = findSeats(ctx, q, `s.plan_id = $1 OR (s.decided_on <> '' AND s.decided_on BETWEEN $2 AND $3)`,
		[]any{p.ID, first, last}, ` ORDER BY s.decided_on, s.id`)
	return p, db.mapError(err)
}

// FindPlans implements jigsaw.PublicPlanService.
func (db *DB) FindPlans(ctx context.Context, f jigsaw.PlanFilter) (_ []*jigsaw.Plan, _ int, err error) {
	defer wrap(&err, "store.FindPlans")
	var w where
	if f.CampaignSlug != "" {
		w.add("p.campaign_id = (SELECT id FROM campaigns WHERE slug = ?)", f.CampaignSlug)
	}
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "plans p", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	if f.After != nil {
		w.after("p.anchor_on", "p.id", "?", false, f.After, f.After.Key)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+planColumns+planFrom+` WHERE `+cond+` ORDER BY p.anchor_on, p.id`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	defer rows.Close()
	var out []*jigsaw.Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, 0, db.mapError(err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, db.mapError(err)
	}
	rows.Close()
	return out, total, db.mapError(attachMilestones(ctx, readQuerier{db}, out))
}

// attachMilestones loads the milestones of plans in one query.
func attachMilestones(ctx context.Context, q querier, plans []*jigsaw.Plan) error {
	if len(plans) == 0 {
		return nil
	}
	byID := make(map[int64]*jigsaw.Plan, len(plans))
	ids := make([]any, len(plans))
	for i, p := range plans {
		byID[p.ID] = p
		ids[i] = p.ID
		p.Milestones = []jigsaw.Milestone{}
	}
	return eachRow(ctx, q, `SELECT id, plan_id, title, offset_days, kind, note FROM plan_milestones
		WHERE plan_id IN (?) ORDER BY plan_id, offset_days, id`, ids, func(rows *sql.Rows) error {
		var m jigsaw.Milestone
		if err := rows.Scan(&m.ID, &m.PlanID, &m.Title, &m.OffsetDays, &m.Kind, &m.Note); err != nil {
			return err
		}
		byID[m.PlanID].Milestones = append(byID[m.PlanID].Milestones, m)
		return nil
	})
}

// planSnapshot is the plan as the edit history compares it. Milestones
// are kept as offsets: moving the anchor is one change, not one per
// milestone.
func planSnapshot(p *jigsaw.Plan) snapshot {
	var s snapshot
	s.add("name", p.Name)
	s.add("description", p.Description)
	s.add("anchor_label", p.AnchorLabel)
	s.add("anchor_date", p.AnchorDate)
	s.add("campaign", p.CampaignSlug)
	var lines []string
	for _, m := range p.Milestones {
		line := strconv.Itoa(m.OffsetDays) + " " + m.Title
		if m.Kind != "" {
			line += " (" + string(m.Kind) + ")"
		}
		if m.Note != "" {
			line += ": " + m.Note
		}
		lines = append(lines, line)
	}
	s.add("milestones", strings.Join(lines, "\n"))
	return s
}
