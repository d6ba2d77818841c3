package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"jigsaw"
)

var _ jigsaw.PledgeService = (*DB)(nil)

const pledgeColumns = `p.id, p.slug, p.title, p.kind, p.summary, COALESCE(p.campaign_id, 0), COALESCE(c.slug, ''), COALESCE(c.name, ''),
	COALESCE(p.keeper_id, 0), COALESCE(k.name, ''), COALESCE(k.slug, ''), p.version, p.created_at, p.updated_at,
	(SELECT count(*) FROM pledge_targets t WHERE t.pledge_id = p.id),
	(SELECT count(*) FROM pledge_targets t WHERE t.pledge_id = p.id AND t.state = 'signed')`

const pledgeFrom = ` FROM pledges p LEFT JOIN campaigns c ON c.id = p.campaign_id LEFT JOIN organisations k ON k.id = p.keeper_id`

func scanPledge(row interface{ Scan(...any) error }) (*jigsaw.Pledge, error) {
	var p jigsaw.Pledge
	if err := row.Scan(&p.ID, &p.Slug, &p.Title, &p.Kind, &p.Summary, &p.CampaignID, &p.CampaignSlug, &p.CampaignName,
		&p.KeeperID, &p.KeeperName, &p.KeeperSlug, &p.Version, &p.CreatedAt, &p.UpdatedAt, &p.Targets, &p.Signed); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

// CreatePledge implements jigsaw.PledgeService.
func (db *DB) CreatePledge(ctx context.Context, p *jigsaw.Pledge) (err error) {
	defer wrap(&err, "store.CreatePledge")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		p.ID = 0
		if err := checkPledge(ctx, tx, p); err != nil {
			return err
		}
		now := db.now()
		p.CreatedAt, p.UpdatedAt = now, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO pledges (slug, title, kind, summary, campaign_id, keeper_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			p.Slug, p.Title, p.Kind, p.Summary, idOrNull(p.CampaignID), idOrNull(p.KeeperID), now, now).Scan(&p.ID); err != nil {
			return err
		}
		if err := addPledgeVersion(ctx, tx, p.ID, p.NewVersion, nil); err != nil {
			return err
		}
		after, err := findPledge(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		p.Versions, p.Version = after.Versions, after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectPledge, p.ID, "create", diff(nil, pledgeSnapshot(after)))
	})
}

// UpdatePledge implements jigsaw.PledgeService.
func (db *DB) UpdatePledge(ctx context.Context, p *jigsaw.Pledge) (err error) {
	defer wrap(&err, "store.UpdatePledge")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findPledge(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("pledge", p.Version, before.Version); err != nil {
			return err
		}
		if err := checkPledge(ctx, tx, p); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = before.CreatedAt, db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE pledges SET slug = $1, title = $2, kind = $3, summary = $4, campaign_id = $5,
			keeper_id = $6, updated_at = $7, version = version + 1 WHERE id = $8`,
			p.Slug, p.Title, p.Kind, p.Summary, idOrNull(p.CampaignID), idOrNull(p.KeeperID), p.UpdatedAt, p.ID); err != nil {
			return err
		}
		if err := addPledgeVersion(ctx, tx, p.ID, p.NewVersion, before.Current()); err != nil {
			return err
		}
		after, err := findPledge(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		p.Versions, p.Version = after.Versions, after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectPledge, p.ID, "update", diff(pledgeSnapshot(before), pledgeSnapshot(after)))
	})
}

// checkPledge checks p and what it refers to, and finds its campaign by
// slug when it is named so.
func checkPledge(ctx context.Context, tx *sql.Tx, p *jigsaw.Pledge) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	pr := jigsaw.Problems{}
	if p.CampaignSlug != "" {
		if err := tx.QueryRowContext(ctx, `SELECT id FROM campaigns WHERE slug = $1`, p.CampaignSlug).Scan(&p.CampaignID); err == sql.ErrNoRows {
			pr.Add("campaign", "No such campaign.")
		} else if err != nil {
			return err
		}
	} else if p.CampaignID != 0 && !exists(ctx, tx, `SELECT count(*) FROM campaigns WHERE id = $1`, p.CampaignID) {
		pr.Add("campaign", "No such campaign.")
	}
	if p.KeeperID != 0 && !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, p.KeeperID) {
		pr.Add("keeper", "No such organisation.")
	}
	if err := pr.Err(); err != nil {
		return err
	}
	if exists(ctx, tx, `SELECT count(*) FROM pledges WHERE slug = $1 AND id <> $2`, p.Slug, p.ID) {
		return &jigsaw.Error{Code: jigsaw.ECONFLICT, Message: "Another pledge has this address.",
			Fields: map[string]string{"slug": "Another pledge has this address; choose another."}}
	}
	return nil
}

// addPledgeVersion adds v as the pledge's next wording, unless v is nil or
// its text is that of the current wording.
func addPledgeVersion(ctx context.Context, tx *sql.Tx, pledgeID int64, v, current *jigsaw.PledgeVersion) error {
	if v == nil || (current != nil && current.Text == v.Text) {
		return nil
	}
	if current != nil && jigsaw.DateBefore(v.AdoptedOn, current.AdoptedOn) {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "A new wording cannot be adopted before the current one.",
			Fields: map[string]string{"adopted_on": "A new wording cannot be adopted before the current one (" + current.AdoptedOn + ")."}}
	}
	v.PledgeID = pledgeID
	return tx.QueryRowContext(ctx, `INSERT INTO pledge_versions (pledge_id, number, text, adopted_on, note)
		VALUES ($1, (SELECT COALESCE(max(number), 0) + 1 FROM pledge_versions WHERE pledge_id = $1), $2, $3, $4) RETURNING id, number`,
		pledgeID, v.Text, v.AdoptedOn, v.Note).Scan(&v.ID, &v.Number)
}

func findPledge(ctx context.Context, q querier, id int64) (*jigsaw.Pledge, error) {
	return findPledgeWhere(ctx, q, "p.id = $1", id)
}

// findPledgeWhere reads the pledge that cond, on p with one argument,
// selects, with its wordings.
func findPledgeWhere(ctx context.Context, q querier, cond string, arg any) (*jigsaw.Pledge, error) {
	p, err := scanPledge(q.QueryRowContext(ctx, `SELECT `+pledgeColumns+pledgeFrom+` WHERE `+cond, arg))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Pledge %v not found.", arg)
	} else if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, pledge_id, number, text, adopted_on, note FROM pledge_versions WHERE pledge_id = $1 ORDER BY number`, p.ID)
	if err != nil {
		return nil, err
	}
	p.Versions, err = collect(rows, func(r interface{ Scan(...any) error }) (jigsaw.PledgeVersion, error) {
		var v jigsaw.PledgeVersion
		err := r.Scan(&v.ID, &v.PledgeID, &v.Number, &v.Text, &v.AdoptedOn, &v.Note)
		return v, err
	})
	return p, err
}

// FindPledgeByID implements jigsaw.PublicPledgeService.
func (db *DB) FindPledgeByID(ctx context.Context, id int64) (_ *jigsaw.Pledge, err error) {
	defer wrap(&err, "store.FindPledgeByID")
	p, err := findPledge(ctx, readQuerier{db}, id)
	return p, db.mapError(err)
}

// FindPledgeBySlug implements jigsaw.PublicPledgeService.
func (db *DB) FindPledgeBySlug(ctx context.Context, slug string) (_ *jigsaw.Pledge, err error) {
	defer wrap(&err, "store.FindPledgeBySlug")
	p, err := findPledgeWhere(ctx, readQuerier{db}, "p.slug = $1", slug)
	return p, db.mapError(err)
}

// FindPledges implements jigsaw.PublicPledgeService.
func (db *DB) FindPledges(ctx context.Context, f jigsaw.PledgeFilter) (_ []*jigsaw.Pledge, _ int, err error) {
	defer wrap(&err, "store.FindPledges")
	var w where
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.CampaignID != 0 {
		w.add("campaign_id = ?", f.CampaignID)
	}
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "pledges", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if f.After != nil {
		w.after("lower(title)", "id", "lower(?)", false, f.After, f.After.Key)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+pledgeColumns+pledgeFrom+
		` WHERE p.id IN (SELECT id FROM pledges WHERE `+cond+`) ORDER BY lower(p.title), p.id`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanPledge)
	return out, total, db.mapError(err)
}

// pledgeSnapshot is the pledge as the edit history compares it.
func pledgeSnapshot(p *jigsaw.Pledge) snapshot {
	var s snapshot
	s.add("title", p.Title)
	s.add("slug", p.Slug)
	s.add("kind", string(p.Kind))
	s.add("summary", p.Summary)
	s.add("campaign", p.CampaignName)
	s.add("keeper", p.KeeperName)
	if v := p.Current(); v != nil {
		s.add("text", fmt.Sprintf("version %d, adopted %s:\n%s", v.Number, v.AdoptedOn, v.Text))
	}
	return s
}

// The targets.

const targetColumns = `t.id, t.pledge_id, COALESCE(t.organisation_id, 0), COALESCE(t.representative_id, 0), t.kind, t.state, t.state_on,
	t.evidence_url, t.evidence_note, COALESCE(t.version_id, 0), COALESCE(v.number, 0), t.area, t.district, COALESCE(t.party_id, 0),
	COALESCE(o.name, r.name, ''), COALESCE(o.slug, ''), COALESCE(pa.name, ''), COALESCE(pa.slug, ''), p.title, p.slug, t.version, t.updated_at`

const targetFrom = ` FROM pledge_targets t JOIN pledges p ON p.id = t.pledge_id
	LEFT JOIN organisations o ON o.id = t.organisation_id LEFT JOIN representatives r ON r.id = t.representative_id
	LEFT JOIN organisations pa ON pa.id = t.party_id LEFT JOIN pledge_versions v ON v.id = t.version_id`

func scanTarget(row interface{ Scan(...any) error }) (*jigsaw.PledgeTarget, error) {
	var t jigsaw.PledgeTarget
	err := row.Scan(&t.ID, &t.PledgeID, &t.OrgID, &t.RepresentativeID, &t.Kind, &t.State, &t.StateOn,
		&t.EvidenceURL, &t.EvidenceNote, &t.VersionID, &t.VersionNumber, &t.Area, &t.District, &t.PartyID,
		&t.Name, &t.Slug, &t.PartyName, &t.PartySlug, &t.PledgeTitle, &t.PledgeSlug, &t.Version, &t.UpdatedAt)
	t.UpdatedAt = t.UpdatedAt.UTC()
	return &t, err
}

// findTargets reads the targets a condition on t selects, by name, with
// their history.
func findTargets(ctx context.Context, q querier, w where, order string) ([]*jigsaw.PledgeTarget, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+targetColumns+targetFrom+` WHERE `+w.sql()+` ORDER BY `+order, w.args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanTarget)
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := make(map[int64]*jigsaw.PledgeTarget, len(out))
	ids := make([]any, len(out))
	for i, t := range out {
		byID[t.ID], ids[i] = t, t.ID
	}
	return out, eachRow(ctx, q, `SELECT target_id, state, state_on, evidence_url, evidence_note, COALESCE(version_id, 0)
		FROM pledge_target_history WHERE target_id IN (?) ORDER BY target_id, id`, ids, func(rows *sql.Rows) error {
		var id int64
		var c jigsaw.PledgeStateChange
		if err := rows.Scan(&id, &c.State, &c.On, &c.EvidenceURL, &c.EvidenceNote, &c.VersionID); err != nil {
			return err
		}
		byID[id].History = append(byID[id].History, c)
		return nil
	})
}

// FindPledgeTargets implements jigsaw.PublicPledgeService.
func (db *DB) FindPledgeTargets(ctx context.Context, f jigsaw.PledgeTargetFilter) (_ []*jigsaw.PledgeTarget, err error) {
	defer wrap(&err, "store.FindPledgeTargets")
	var w where
	w.add("t.pledge_id = ?", f.PledgeID)
	if f.State != "" {
		w.add("t.state = ?", f.State)
	}
	if f.Kind != "" {
		w.add("t.kind = ?", f.Kind)
	}
	if f.Area != "" {
		w.add("lower(t.area) = lower(?)", f.Area)
	}
	if f.District != "" {
		w.add("t.district = ?", jigsaw.NormalizeDistrict(f.District))
	}
	if f.PartyID != 0 {
		w.add("t.party_id = ?", f.PartyID)
	}
	out, err := findTargets(ctx, readQuerier{db}, w, `lower(COALESCE(o.name, r.name, '')), t.id`)
	return out, db.mapError(err)
}

// FindPledgeTargetByID implements jigsaw.PledgeService.
func (db *DB) FindPledgeTargetByID(ctx context.Context, pledgeID, id int64) (_ *jigsaw.PledgeTarget, err error) {
	defer wrap(&err, "store.FindPledgeTargetByID")
	t, err := findTarget(ctx, readQuerier{db}, pledgeID, id)
	return t, db.mapError(err)
}

func findTarget(ctx context.Context, q querier, pledgeID, id int64) (*jigsaw.PledgeTarget, error) {
	var w where
	w.add("t.id = ? AND t.pledge_id = ?", id, pledgeID)
	out, err := findTargets(ctx, q, w, "t.id")
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Pledge %d has no target %d.", pledgeID, id)
	}
	return out[0], nil
}

// PledgeTargetsOfOrganisation implements jigsaw.PublicPledgeService.
func (db *DB) PledgeTargetsOfOrganisation(ctx context.Context, orgID int64) (_ []*jigsaw.PledgeTarget, err error) {
	defer wrap(&err, "store.PledgeTargetsOfOrganisation")
	var w where
	w.add("t.organisation_id = ?", orgID)
	out, err := findTargets(ctx, readQuerier{db}, w, "lower(p.title), t.id")
	return out, db.mapError(err)
}

// PledgeTargetsOfRepresentative implements jigsaw.PublicPledgeService.
func (db *DB) PledgeTargetsOfRepresentative(ctx context.Context, repID int64) (_ []*jigsaw.PledgeTarget, err error) {
	defer wrap(&err, "store.PledgeTargetsOfRepresentative")
	var w where
	w.add("t.representative_id = ?", repID)
	out, err := findTargets(ctx, readQuerier{db}, w, "lower(p.title), t.id")
	return out, db.mapError(err)
}

// FindPledgeShares implements jigsaw.PublicPledgeService.
func (db *DB) FindPledgeShares(ctx context.Context, pledgeID int64) (_ *jigsaw.PledgeShares, err error) {
	defer wrap(&err, "store.FindPledgeShares")
	scan := func(r interface{ Scan(...any) error }) (jigsaw.PledgeShare, error) {
		var s jigsaw.PledgeShare
		err := r.Scan(&s.Label, &s.Slug, &s.Targets, &s.Signed)
		return s, err
	}
	var out jigsaw.PledgeShares
	for _, g := range []struct {
		query string
		into  *[]jigsaw.PledgeShare
	}{
		{`SELECT min(area), '', count(*), sum(CASE WHEN state = 'signed' THEN 1 ELSE 0 END) FROM pledge_targets
			WHERE pledge_id = $1 GROUP BY lower(area) ORDER BY count(*) DESC, lower(area)`, &out.ByArea},
		{`SELECT COALESCE(o.name, ''), COALESCE(o.slug, ''), count(*), sum(CASE WHEN t.state = 'signed' THEN 1 ELSE 0 END)
			FROM pledge_targets t LEFT JOIN organisations o ON o.id = t.party_id
			WHERE t.pledge_id = $1 GROUP BY o.id, o.name, o.slug ORDER BY count(*) DESC, COALESCE(o.name, '')`, &out.ByParty},
	} {
		rows, err := db.query(ctx, g.query, pledgeID)
		if err != nil {
			return nil, db.mapError(err)
		}
		if *g.into, err = collect(rows, scan); err != nil {
			return nil, db.mapError(err)
		}
	}
	return &out, nil
}

// AddPledgeTarget implements jigsaw.PledgeService.
func (db *DB) AddPledgeTarget(ctx context.Context, t *jigsaw.PledgeTarget) (err error) {
	defer wrap(&err, "store.AddPledgeTarget")
	return db.changeTargets(ctx, t.PledgeID, "target-add", func(tx *sql.Tx) (string, string, error) {
		if err := checkTarget(ctx, tx, t, nil); err != nil {
			return "", "", err
		}
		now := db.now()
		t.UpdatedAt = now
		if err := tx.QueryRowContext(ctx, `INSERT INTO pledge_targets (pledge_id, organisation_id, representative_id, kind, state, state_on,
			evidence_url, evidence_note, version_id, area, district, party_id, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id, version`,
			t.PledgeID, idOrNull(t.OrgID), idOrNull(t.RepresentativeID), t.Kind, t.State, t.StateOn, t.EvidenceURL, t.EvidenceNote,
			idOrNull(t.VersionID), t.Area, t.District, idOrNull(t.PartyID), now).Scan(&t.ID, &t.Version); err != nil {
			return "", "", err
		}
		if err := addTargetHistory(ctx, tx, t, now); err != nil {
			return "", "", err
		}
		stored, err := findTarget(ctx, tx, t.PledgeID, t.ID)
		if err != nil {
			return "", "", err
		}
		return "", targetLine(stored), nil
	})
}

// UpdatePledgeTarget implements jigsaw.PledgeService.
func (db *DB) UpdatePledgeTarget(ctx context.Context, t *jigsaw.PledgeTarget) (err error) {
	defer wrap(&err, "store.UpdatePledgeTarget")
	return db.changeTargets(ctx, t.PledgeID, "target-update", func(tx *sql.Tx) (string, string, error) {
		before, err := findTarget(ctx, tx, t.PledgeID, t.ID)
		if err != nil {
			return "", "", err
		}
		if err := checkVersion("target", t.Version, before.Version); err != nil {
			return "", "", err
		}
		if err := checkTarget(ctx, tx, t, before); err != nil {
			return "", "", err
		}
		now := db.now()
		t.UpdatedAt = now
		if err := tx.QueryRowContext(ctx, `UPDATE pledge_targets SET organisation_id = $1, representative_id = $2, kind = $3, state = $4,
			state_on = $5, evidence_url = $6, evidence_note = $7, version_id = $8, area = $9, district = $10, party_id = $11,
			updated_at = $12, version = version + 1 WHERE id = $13 RETURNING version`,
			idOrNull(t.OrgID), idOrNull(t.RepresentativeID), t.Kind, t.State, t.StateOn, t.EvidenceURL, t.EvidenceNote,
			idOrNull(t.VersionID), t.Area, t.District, idOrNull(t.PartyID), now, t.ID).Scan(&t.Version); err != nil {
			return "", "", err
		}
		if t.State != before.State || t.StateOn != before.StateOn || t.EvidenceURL != before.EvidenceURL ||
			t.EvidenceNote != before.EvidenceNote || t.VersionID != before.VersionID {
			if err := addTargetHistory(ctx, tx, t, now); err != nil {
				return "", "", err
			}
		}
		after, err := findTarget(ctx, tx, t.PledgeID, t.ID)
		if err != nil {
			return "", "", err
		}
		return targetLine(before), targetLine(after), nil
	})
}

// checkTarget checks t against the stored target before (nil for a new
// one) and what it refers to, and fills in what the editor may leave out:
// the date of an unchanged state, the kind and area of an organisation,
// the wording signed.
func checkTarget(ctx context.Context, tx *sql.Tx, t *jigsaw.PledgeTarget, before *jigsaw.PledgeTarget) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	p := jigsaw.Problems{}
	changed := before == nil || before.State != t.State
	switch {
	case before != nil && !changed && t.StateOn == "":
		t.StateOn = before.StateOn
	case t.StateOn == "" && (before != nil || t.State != jigsaw.PledgeNotAsked):
		label := jigsaw.LabelOf(jigsaw.PledgeStates, t.State)
		p.Add("state_on", "Give the date it became "+lowerFirst(label)+": a change of state needs its date.")
	}
	if t.OrgID != 0 {
		var kind jigsaw.OrgKind
		var region string
		err := tx.QueryRowContext(ctx, `SELECT kind, region FROM organisations WHERE id = $1`, t.OrgID).Scan(&kind, &region)
		switch {
		case err == sql.ErrNoRows:
			p.Add("organisation", "No such organisation.")
		case err != nil:
			return err
		default:
			if t.Kind == "" {
				t.Kind = jigsaw.TargetKindOfOrg(kind)
			}
			if t.Area == "" {
				t.Area = region
			}
			if t.PartyID == 0 && kind == jigsaw.OrgParty {
				t.PartyID = t.OrgID
			}
		}
		if exists(ctx, tx, `SELECT count(*) FROM pledge_targets WHERE pledge_id = $1 AND organisation_id = $2 AND id <> $3`, t.PledgeID, t.OrgID, t.ID) {
			p.Add("organisation", "This organisation is already a target of this pledge.")
		}
	}
	if t.RepresentativeID != 0 {
		if !exists(ctx, tx, `SELECT count(*) FROM representatives WHERE id = $1`, t.RepresentativeID) {
			p.Add("representative", "No such person.")
		}
		if t.Kind == "" {
			p.Add("kind", "Choose the kind of target.")
		}
		if exists(ctx, tx, `SELECT count(*) FROM pledge_targets WHERE pledge_id = $1 AND representative_id = $2 AND id <> $3`, t.PledgeID, t.RepresentativeID, t.ID) {
			p.Add("representative", "This person is already a target of this pledge.")
		}
	}
	if t.PartyID != 0 && !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1 AND kind = 'party'`, t.PartyID) {
		p.Add("party", "No such party.")
	}
	if t.VersionID != 0 && !exists(ctx, tx, `SELECT count(*) FROM pledge_versions WHERE id = $1 AND pledge_id = $2`, t.VersionID, t.PledgeID) {
		p.Add("version_id", "This pledge has no such wording.")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if t.VersionID == 0 && t.State == jigsaw.PledgeSigned {
		// The wording in force on the day it was signed: the latest
		// adopted by then, or the first if it was signed before any.
		return tx.QueryRowContext(ctx, `SELECT id FROM pledge_versions WHERE pledge_id = $1
			ORDER BY CASE WHEN adopted_on <= $2 THEN 0 ELSE 1 END, CASE WHEN adopted_on <= $2 THEN -number ELSE number END LIMIT 1`,
			t.PledgeID, t.StateOn).Scan(&t.VersionID)
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

func addTargetHistory(ctx context.Context, tx *sql.Tx, t *jigsaw.PledgeTarget, at any) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO pledge_target_history (target_id, state, state_on, evidence_url, evidence_note, version_id, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.State, t.StateOn, t.EvidenceURL, t.EvidenceNote, idOrNull(t.VersionID), at)
	return err
}

// changeTargets runs change on a target of a pledge and records it as a
// revision of the pledge (the target's line before and after), bumping the
// pledge's version: its table is part of it.
func (db *DB) changeTargets(ctx context.Context, pledgeID int64, action string, change func(tx *sql.Tx) (before, after string, err error)) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if !exists(ctx, tx, `SELECT count(*) FROM pledges WHERE id = $1`, pledgeID) {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "Pledge %d not found.", pledgeID)
		}
		before, after, err := change(tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pledges SET version = version + 1, updated_at = $1 WHERE id = $2`, db.now(), pledgeID); err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectPledge, pledgeID, action, []jigsaw.FieldChange{{Field: "target", Old: before, New: after}})
	})
}

// targetLine is a target as the edit history shows it.
func targetLine(t *jigsaw.PledgeTarget) string {
	line := t.Name + ": " + string(t.State)
	if t.StateOn != "" {
		line += " on " + t.StateOn
	}
	if t.VersionNumber != 0 {
		line += " (version " + strconv.Itoa(t.VersionNumber) + ")"
	}
	if t.EvidenceURL != "" {
		line += " " + t.EvidenceURL
	}
	if t.EvidenceNote != "" {
		line += " — " + t.EvidenceNote
	}
	return line
}
