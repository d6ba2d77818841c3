package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"jigsaw"
)

var _ jigsaw.DisputeService = (*DB)(nil)

const disputeColumns = `id, title, summary, status, district, area, outcome, version, created_at, updated_at, last_step_on`

func scanDispute(row interface{ Scan(...any) error }) (*jigsaw.Dispute, error) {
	var d jigsaw.Dispute
	if err := row.Scan(&d.ID, &d.Title, &d.Summary, &d.Status, &d.District, &d.Area, &d.Outcome, &d.Version, &d.CreatedAt, &d.UpdatedAt, &d.LastStepOn); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return &d, nil
}

const stepColumns = `id, dispute_id, kind, on_date, end_date, note, turnout_bp, yes_bp`

func scanStep(row interface{ Scan(...any) error }) (jigsaw.DisputeStep, error) {
	var s jigsaw.DisputeStep
	err := row.Scan(&s.ID, &s.DisputeID, &s.Kind, &s.Date, &s.EndDate, &s.Note, &s.TurnoutBP, &s.YesBP)
	return s, err
}

// CreateDispute implements jigsaw.DisputeService.
func (db *DB) CreateDispute(ctx context.Context, d *jigsaw.Dispute) (err error) {
	defer wrap(&err, "store.CreateDispute")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkDispute(ctx, tx, d); err != nil {
			return err
		}
		now := db.now()
		d.CreatedAt, d.UpdatedAt = now, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO disputes (title, summary, status, district, area, outcome, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			d.Title, d.Summary, d.Status, d.District, d.Area, d.Outcome, now, now).Scan(&d.ID); err != nil {
			return err
		}
		if err := writeDisputeLists(ctx, tx, d); err != nil {
			return err
		}
		for i := range d.Steps {
			d.Steps[i].ID = 0
			if err := insertStep(ctx, tx, d.ID, &d.Steps[i]); err != nil {
				return err
			}
		}
		if err := touchDispute(ctx, tx, d.ID, now); err != nil {
			return err
		}
		after, err := findDispute(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectDispute, d.ID, "create", diff(nil, disputeSnapshot(after)))
	})
}

// UpdateDispute implements jigsaw.DisputeService.
func (db *DB) UpdateDispute(ctx context.Context, d *jigsaw.Dispute) (err error) {
	defer wrap(&err, "store.UpdateDispute")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findDispute(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("dispute", d.Version, before.Version); err != nil {
			return err
		}
		// Step IDs are checked before checkDispute sorts the steps, so
		// that the field names count steps as the caller listed them.
		if err := checkStepIDs(d, before.Steps); err != nil {
			return err
		}
		if err := checkDispute(ctx, tx, d); err != nil {
			return err
		}
		if d.Steps != nil {
			if err := syncSteps(ctx, tx, d, before.Steps); err != nil {
				return err
			}
		}
		d.CreatedAt, d.UpdatedAt = before.CreatedAt, db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE disputes SET title = $1, summary = $2, status = $3, district = $4, area = $5,
			outcome = $6, updated_at = $7 WHERE id = $8`,
			d.Title, d.Summary, d.Status, d.District, d.Area, d.Outcome, d.UpdatedAt, d.ID); err != nil {
			return err
		}
		for _, table := range []string{"dispute_parties", "dispute_workforce", "dispute_demands", "dispute_key_issues", "dispute_outcome_figures"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE dispute_id = $1`, d.ID); err != nil {
				return err
			}
		}
		if err := writeDisputeLists(ctx, tx, d); err != nil {
			return err
		}
		if err := touchDispute(ctx, tx, d.ID, d.UpdatedAt); err != nil {
			return err
		}
		after, err := findDispute(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		d.Steps, d.Version = after.Steps, after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectDispute, d.ID, "update", diff(disputeSnapshot(before), disputeSnapshot(after)))
	})
}

// checkStepIDs refuses step IDs that are not the dispute's own.
func checkStepIDs(d *jigsaw.Dispute, stored []jigsaw.DisputeStep) error {
	have := map[int64]bool{}
	for _, s := range stored {
		have[s.ID] = true
	}
	p := jigsaw.Problems{}
	for i, s := range d.Steps {
		if s.ID != 0 && !have[s.ID] {
			p.Add(fmt.Sprintf("steps[%d].id", i), fmt.Sprintf("Dispute %d has no step %d.", d.ID, s.ID))
		}
	}
	return p.Err()
}

// syncSteps makes the stored steps exactly d.Steps: listed IDs are
// updated, new steps added, unlisted ones removed.
func syncSteps(ctx context.Context, tx *sql.Tx, d *jigsaw.Dispute, stored []jigsaw.DisputeStep) error {
	keep := map[int64]bool{}
	for _, s := range d.Steps {
		keep[s.ID] = true
	}
	for _, s := range stored {
		if !keep[s.ID] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM dispute_steps WHERE id = $1`, s.ID); err != nil {
				return err
			}
		}
	}
	for i := range d.Steps {
		s := &d.Steps[i]
		if s.ID == 0 {
			if err := insertStep(ctx, tx, d.ID, s); err != nil {
				return err
			}
		} else if err := updateStep(ctx, tx, s); err != nil {
			return err
		}
	}
	return nil
}

func checkDispute(ctx context.Context, tx *sql.Tx, d *jigsaw.Dispute) error {
	d.Normalize()
	if err := d.Validate(); err != nil {
		return err
	}
	jigsaw.SortSteps(d.Steps)
	p := jigsaw.Problems{}
	for i, o := range d.Parties {
		if !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, o.OrgID) {
			p.Add(fmt.Sprintf("parties[%d].organisation", i), "No such organisation.")
		}
	}
	checkKeyIssues(ctx, tx, p, d.KeyIssues)
	return p.Err()
}

// writeDisputeLists writes each of the dispute's lists with one statement
// (see multiRow).
func writeDisputeLists(ctx context.Context, tx *sql.Tx, d *jigsaw.Dispute) error {
	var rows multiRow
	for i, o := range d.Parties {
		rows.add(d.ID, o.OrgID, o.Role, i)
	}
	if err := rows.insert(ctx, tx, `dispute_parties (dispute_id, organisation_id, role, position)`); err != nil {
		return err
	}
	for i, w := range d.Workforce {
		rows.add(d.ID, i, w.Role, w.Headcount)
	}
	if err := rows.insert(ctx, tx, `dispute_workforce (dispute_id, position, role, headcount)`); err != nil {
		return err
	}
	for i, dm := range d.Demands {
		rows.add(d.ID, i, dm)
	}
	if err := rows.insert(ctx, tx, `dispute_demands (dispute_id, position, demand)`); err != nil {
		return err
	}
	for _, k := range d.KeyIssues {
		rows.add(d.ID, k)
	}
	if err := rows.insert(ctx, tx, `dispute_key_issues (dispute_id, key_issue)`); err != nil {
		return err
	}
	for i, f := range d.OutcomeFigures {
		rows.add(d.ID, i, f.Label, f.People, f.Pence)
	}
	return rows.insert(ctx, tx, `dispute_outcome_figures (dispute_id, position, label, people, pence)`)
}

func insertStep(ctx context.Context, tx *sql.Tx, disputeID int64, s *jigsaw.DisputeStep) error {
	s.DisputeID = disputeID
	return tx.QueryRowContext(ctx, `INSERT INTO dispute_steps (dispute_id, kind, on_date, end_date, note, turnout_bp, yes_bp)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		disputeID, s.Kind, s.Date, s.EndDate, s.Note, s.TurnoutBP, s.YesBP).Scan(&s.ID)
}

func updateStep(ctx context.Context, tx *sql.Tx, s *jigsaw.DisputeStep) error {
	_, err := tx.ExecContext(ctx, `UPDATE dispute_steps SET kind = $1, on_date = $2, end_date = $3, note = $4, turnout_bp = $5, yes_bp = $6
		WHERE id = $7`, s.Kind, s.Date, s.EndDate, s.Note, s.TurnoutBP, s.YesBP, s.ID)
	return err
}

// touchDispute refreshes the dispute's latest step date and update time,
// and counts the change in its version: a change of its steps is a change
// of the dispute.
func touchDispute(ctx context.Context, tx *sql.Tx, id int64, at any) error {
	_, err := tx.ExecContext(ctx, `UPDATE disputes SET updated_at = $1, version = version + 1,
		last_step_on = COALESCE((SELECT max(CASE WHEN end_date <> '' THEN end_date ELSE on_date END) FROM dispute_steps WHERE dispute_id = $2), '')
		WHERE id = $2`, at, id)
	return err
}

// AddDisputeStep implements jigsaw.DisputeService.
func (db *DB) AddDisputeStep(ctx context.Context, s *jigsaw.DisputeStep) (err error) {
	defer wrap(&err, "store.AddDisputeStep")
	return db.changeStep(ctx, s.DisputeID, "step-add", func(tx *sql.Tx) error {
		s.Normalize()
		if err := s.Validate(); err != nil {
			return err
		}
		return insertStep(ctx, tx, s.DisputeID, s)
	})
}

// UpdateDisputeStep implements jigsaw.DisputeService.
func (db *DB) UpdateDisputeStep(ctx context.Context, s *jigsaw.DisputeStep) (err error) {
	defer wrap(&err, "store.UpdateDisputeStep")
	return db.changeStep(ctx, s.DisputeID, "step-update", func(tx *sql.Tx) error {
		if !exists(ctx, tx, `SELECT count(*) FROM dispute_steps WHERE id = $1 AND dispute_id = $2`, s.ID, s.DisputeID) {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "Dispute %d has no step %d.", s.DisputeID, s.ID)
		}
		s.Normalize()
		if err := s.Validate(); err != nil {
			return err
		}
		return updateStep(ctx, tx, s)
	})
}

// DeleteDisputeStep implements jigsaw.DisputeService.
func (db *DB) DeleteDisputeStep(ctx context.Context, disputeID, stepID int64) (err error) {
	defer wrap(&err, "store.DeleteDisputeStep")
	return db.changeStep(ctx, disputeID, "step-delete", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM dispute_steps WHERE id = $1 AND dispute_id = $2`, stepID, disputeID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "Dispute %d has no step %d.", disputeID, stepID)
		}
		return nil
	})
}

// changeStep runs change on one step of a dispute and records the
// dispute's revision, in one transaction.
func (db *DB) changeStep(ctx context.Context, disputeID int64, action string, change func(tx *sql.Tx) error) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findDispute(ctx, tx, disputeID)
		if err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		if err := touchDispute(ctx, tx, disputeID, db.now()); err != nil {
			return err
		}
		after, err := findDispute(ctx, tx, disputeID)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectDispute, disputeID, action, diff(disputeSnapshot(before), disputeSnapshot(after)))
	})
}

func findDispute(ctx context.Context, q querier, id int64) (*jigsaw.Dispute, error) {
	d, err := scanDispute(q.QueryRowContext(ctx, `SELECT `+disputeColumns+` FROM disputes WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Dispute %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	return d, attachDisputeLists(ctx, q, []*jigsaw.Dispute{d})
}

// FindDisputeByID implements jigsaw.PublicDisputeService.
func (db *DB) FindDisputeByID(ctx context.Context, id int64) (_ *jigsaw.Dispute, err error) {
	defer wrap(&err, "store.FindDisputeByID")
	d, err := findDispute(ctx, readQuerier{db}, id)
	return d, db.mapError(err)
}

// disputeWhere is the condition on the disputes table of the disputes
// that f selects (its paging aside): the one translation of a dispute
// filter to SQL.
func disputeWhere(f jigsaw.DisputeFilter) where {
	var w where
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	if f.Live {
		live := make([]any, len(jigsaw.LiveDisputeStatuses))
		for i, s := range jigsaw.LiveDisputeStatuses {
			live[i] = s
		}
		w.add("status IN ("+marks(len(live))+")", live...)
	}
	if f.District != "" {
		w.add("district = ?", jigsaw.NormalizeDistrict(f.District))
	}
	// EXISTS probes, as the stories' and dangers' filters are.
	if f.KeyIssue != "" {
		w.add("EXISTS (SELECT 1 FROM dispute_key_issues k WHERE k.dispute_id = disputes.id AND k.key_issue = ?)", f.KeyIssue)
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM dispute_parties p WHERE p.dispute_id = disputes.id AND p.organisation_id = ?)", f.OrgID)
	}
	if !f.PublishedAfter.IsZero() {
		w.add("created_at > ?", f.PublishedAfter.UTC())
	}
	return w
}

// FindDisputes implements jigsaw.PublicDisputeService.
func (db *DB) FindDisputes(ctx context.Context, f jigsaw.DisputeFilter) (_ []*jigsaw.Dispute, _ int, err error) {
	defer wrap(&err, "store.FindDisputes")
	w := disputeWhere(f)
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "disputes", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if f.After != nil {
		w.after("last_step_on", "id", "?", true, f.After, f.After.Key)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+disputeColumns+` FROM disputes WHERE `+cond+
		` ORDER BY last_step_on DESC, id DESC`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	defer rows.Close()
	var out []*jigsaw.Dispute
	for rows.Next() {
		d, err := scanDispute(rows)
		if err != nil {
			return nil, 0, db.mapError(err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, db.mapError(err)
	}
	rows.Close()
	return out, total, db.mapError(attachDisputeLists(ctx, readQuerier{db}, out))
}

// attachDisputeLists loads the lists of disputes in one query per list.
// Linked dangers are the published ones only: disputes are public.
func attachDisputeLists(ctx context.Context, q querier, disputes []*jigsaw.Dispute) error {
	if len(disputes) == 0 {
		return nil
	}
	byID := make(map[int64]*jigsaw.Dispute, len(disputes))
	ids := make([]any, len(disputes))
	for i, d := range disputes {
		byID[d.ID] = d
		ids[i] = d.ID
		d.Steps = []jigsaw.DisputeStep{}
	}
	loads := []struct {
		query string
		scan  func(*sql.Rows) error
	}{
		{`SELECT p.dispute_id, p.organisation_id, p.role, o.slug, o.name FROM dispute_parties p
			JOIN organisations o ON o.id = p.organisation_id WHERE p.dispute_id IN (?) ORDER BY p.dispute_id, p.position`,
			func(rows *sql.Rows) error {
				var id int64
				var o jigsaw.DisputeParty
				if err := rows.Scan(&id, &o.OrgID, &o.Role, &o.Slug, &o.Name); err != nil {
					return err
				}
				byID[id].Parties = append(byID[id].Parties, o)
				return nil
			}},
		{`SELECT dispute_id, role, headcount FROM dispute_workforce WHERE dispute_id IN (?) ORDER BY dispute_id, position`,
			func(rows *sql.Rows) error {
				var id int64
				var w jigsaw.Workforce
				if err := rows.Scan(&id, &w.Role, &w.Headcount); err != nil {
					return err
				}
				byID[id].Workforce = append(byID[id].Workforce, w)
				return nil
			}},
		{`SELECT dispute_id, demand FROM dispute_demands WHERE dispute_id IN (?) ORDER BY dispute_id, position`,
			func(rows *sql.Rows) error {
				var id int64
				var dm string
				if err := rows.Scan(&id, &dm); err != nil {
					return err
				}
				byID[id].Demands = append(byID[id].Demands, dm)
				return nil
			}},
		{`SELECT d.dispute_id, d.key_issue FROM dispute_key_issues d JOIN key_issues k ON k.slug = d.key_issue
			WHERE d.dispute_id IN (?) ORDER BY d.dispute_id, k.position, k.slug`,
			func(rows *sql.Rows) error {
				var id int64
				var k string
				if err := rows.Scan(&id, &k); err != nil {
					return err
				}
				byID[id].KeyIssues = append(byID[id].KeyIssues, k)
				return nil
			}},
		{`SELECT ` + stepColumns + ` FROM dispute_steps WHERE dispute_id IN (?) ORDER BY dispute_id, on_date, id`,
			func(rows *sql.Rows) error {
				s, err := scanStep(rows)
				if err != nil {
					return err
				}
				byID[s.DisputeID].Steps = append(byID[s.DisputeID].Steps, s)
				return nil
			}},
		{`SELECT dispute_id, label, people, pence FROM dispute_outcome_figures WHERE dispute_id IN (?) ORDER BY dispute_id, position`,
			func(rows *sql.Rows) error {
				var id int64
				var f jigsaw.OutcomeFigure
				if err := rows.Scan(&id, &f.Label, &f.People, &f.Pence); err != nil {
					return err
				}
				byID[id].OutcomeFigures = append(byID[id].OutcomeFigures, f)
				return nil
			}},
		{`SELECT l.dispute_id, t.id, t.title FROM tracker_disputes l JOIN tracker_items t ON t.id = l.tracker_id
			WHERE l.dispute_id IN (?) AND t.published_at IS NOT NULL ORDER BY l.dispute_id, t.reported_on DESC, t.id`,
			func(rows *sql.Rows) error {
				var id int64
				var l jigsaw.LinkRef
				if err := rows.Scan(&id, &l.ID, &l.Title); err != nil {
					return err
				}
				byID[id].TrackerItems = append(byID[id].TrackerItems, l)
				return nil
			}},
	}
	for _, l := range loads {
		if err := eachRow(ctx, q, l.query, ids, l.scan); err != nil {
			return err
		}
	}
	return nil
}

// disputeSnapshot is the dispute as the edit history compares it.
func disputeSnapshot(d *jigsaw.Dispute) snapshot {
	var s snapshot
	s.add("title", d.Title)
	s.add("summary", d.Summary)
	s.add("status", string(d.Status))
	var lines []string
	for _, o := range d.Parties {
		lines = append(lines, fmt.Sprintf("%s (%s)", o.Name, o.Role))
	}
	s.add("parties", strings.Join(lines, "\n"))
	lines = nil
	for _, w := range d.Workforce {
		lines = append(lines, fmt.Sprintf("%s: %d", w.Role, w.Headcount))
	}
	s.add("workforce", strings.Join(lines, "\n"))
	s.add("demands", strings.Join(d.Demands, "\n"))
	s.add("district", d.District)
	s.add("area", d.Area)
	s.add("key_issues", strings.Join(d.KeyIssues, ", "))
	lines = nil
	for _, st := range d.Steps {
		lines = append(lines, stepLine(st))
	}
	s.add("steps", strings.Join(lines, "\n"))
	s.add("outcome", d.Outcome)
	lines = nil
	for _, f := range d.OutcomeFigures {
		line := f.Label
		if f.People != 0 {
			line = strconv.Itoa(f.People) + " " + line
		}
		if f.Pence != 0 {
			line += " " + jigsaw.FormatPence(f.Pence)
		}
		lines = append(lines, line)
	}
	s.add("outcome_figures", strings.Join(lines, "\n"))
	return s
}

func stepLine(st jigsaw.DisputeStep) string {
	line := st.Date
	if st.EndDate != "" {
		line += " to " + st.EndDate
	}
	line += " " + string(st.Kind)
	if st.TurnoutBP != 0 {
		line += " turnout " + jigsaw.FormatBasisPoints(st.TurnoutBP) + "%"
	}
	if st.YesBP != 0 {
		line += " yes " + jigsaw.FormatBasisPoints(st.YesBP) + "%"
	}
	if st.Note != "" {
		line += ": " + st.Note
	}
	return line
}
