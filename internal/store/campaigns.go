package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"jigsaw"
)

var _ jigsaw.CampaignService = (*DB)(nil)

const campaignColumns = `id, slug, name, aim, status, started_on, ended_on, district, area, version, created_at, updated_at`

func scanCampaign(row interface{ Scan(...any) error }) (*jigsaw.Campaign, error) {
	var c jigsaw.Campaign
	if err := row.Scan(&c.ID, &c.Slug, &c.Name, &c.Aim, &c.Status, &c.StartedOn, &c.EndedOn, &c.District, &c.Area,
		&c.Version, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// CreateCampaign implements jigsaw.CampaignService.
func (db *DB) CreateCampaign(ctx context.Context, c *jigsaw.Campaign) (err error) {
	defer wrap(&err, "store.CreateCampaign")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkCampaign(ctx, tx, c); err != nil {
			return err
		}
		now := db.now()
		c.CreatedAt, c.UpdatedAt, c.Version = now, now, 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO campaigns (slug, name, aim, status, started_on, ended_on, district, area, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			c.Slug, c.Name, c.Aim, c.Status, c.StartedOn, c.EndedOn, c.District, c.Area, now, now).Scan(&c.ID); err != nil {
			return slugTaken(err)
		}
		if err := writeCampaignLists(ctx, tx, c); err != nil {
			return err
		}
		after, err := findCampaign(ctx, tx, "id = $1", c.ID)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectCampaign, c.ID, "create", diff(nil, campaignSnapshot(after)))
	})
}

// UpdateCampaign implements jigsaw.CampaignService.
func (db *DB) UpdateCampaign(ctx context.Context, c *jigsaw.Campaign) (err error) {
	defer wrap(&err, "store.UpdateCampaign")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findCampaign(ctx, tx, "id = $1", c.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("campaign", c.Version, before.Version); err != nil {
			return err
		}
		if err := checkCampaign(ctx, tx, c); err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = before.CreatedAt, db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET slug = $1, name = $2, aim = $3, status = $4, started_on = $5,
			ended_on = $6, district = $7, area = $8, updated_at = $9, version = version + 1 WHERE id = $10`,
			c.Slug, c.Name, c.Aim, c.Status, c.StartedOn, c.EndedOn, c.District, c.Area, c.UpdatedAt, c.ID); err != nil {
			return slugTaken(err)
		}
		for _, table := range []string{"campaign_organisations", "campaign_tracker_items", "campaign_disputes"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE campaign_id = $1`, c.ID); err != nil {
				return err
			}
		}
		if err := writeCampaignLists(ctx, tx, c); err != nil {
			return err
		}
		after, err := findCampaign(ctx, tx, "id = $1", c.ID)
		if err != nil {
			return err
		}
		c.Version = after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectCampaign, c.ID, "update", diff(campaignSnapshot(before), campaignSnapshot(after)))
	})
}

// slugTaken names the field of a campaign's slug that another campaign
// already has; the engines' unique violation is otherwise an ECONFLICT
// without a field.
func slugTaken(err error) error {
	if err == nil {
		return nil
	}
	msg := strings.ToLower(err.Error())
	if strings.Contains(msg, "unique") && strings.Contains(msg, "slug") {
		return &jigsaw.Error{Code: jigsaw.ECONFLICT, Message: "Another campaign has this slug.",
			Fields: map[string]string{"slug": "Another campaign has this slug: choose another."}}
	}
	return err
}

func checkCampaign(ctx context.Context, tx *sql.Tx, c *jigsaw.Campaign) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	p := jigsaw.Problems{}
	for i, o := range c.Organisations {
		if !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, o.OrgID) {
			p.Add(fmt.Sprintf("organisations[%d].organisation", i), "No such organisation.")
		}
	}
	for i, l := range c.TrackerItems {
		if !exists(ctx, tx, `SELECT count(*) FROM tracker_items WHERE id = $1`, l.ID) {
			p.Add(fmt.Sprintf("tracker_items[%d]", i), fmt.Sprintf("There is no danger %d.", l.ID))
		}
	}
	for i, l := range c.Disputes {
		if !exists(ctx, tx, `SELECT count(*) FROM disputes WHERE id = $1`, l.ID) {
			p.Add(fmt.Sprintf("disputes[%d]", i), fmt.Sprintf("There is no dispute %d.", l.ID))
		}
	}
	return p.Err()
}

// writeCampaignLists writes each of the campaign's lists with one
// statement; repeated links are written once.
func writeCampaignLists(ctx context.Context, tx *sql.Tx, c *jigsaw.Campaign) error {
	var rows multiRow
	for i, o := range c.Organisations {
		rows.add(c.ID, o.OrgID, o.Role, i)
	}
	if err := rows.insert(ctx, tx, `campaign_organisations (campaign_id, organisation_id, role, position)`); err != nil {
		return err
	}
	for _, l := range uniqueLinks(c.TrackerItems) {
		rows.add(c.ID, l)
	}
	if err := rows.insert(ctx, tx, `campaign_tracker_items (campaign_id, tracker_id)`); err != nil {
		return err
	}
	for _, l := range uniqueLinks(c.Disputes) {
		rows.add(c.ID, l)
	}
	return rows.insert(ctx, tx, `campaign_disputes (campaign_id, dispute_id)`)
}

func findCampaign(ctx context.Context, q querier, cond string, arg any) (*jigsaw.Campaign, error) {
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE `+cond, arg))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Campaign %v not found.", arg)
	} else if err != nil {
		return nil, err
	}
	return c, attachCampaignLists(ctx, q, []*jigsaw.Campaign{c})
}

// FindCampaignByID implements jigsaw.PublicCampaignService.
func (db *DB) FindCampaignByID(ctx context.Context, id int64) (_ *jigsaw.Campaign, err error) {
	defer wrap(&err, "store.FindCampaignByID")
	c, err := findCampaign(ctx, readQuerier{db}, "id = $1", id)
	return c, db.mapError(err)
}

// FindCampaignBySlug implements jigsaw.PublicCampaignService.
func (db *DB) FindCampaignBySlug(ctx context.Context, slug string) (_ *jigsaw.Campaign, err error) {
	defer wrap(&err, "store.FindCampaignBySlug")
	c, err := findCampaign(ctx, readQuerier{db}, "slug = $1", slug)
	return c, db.mapError(err)
}

// campaignWhere is the one translation of a campaign filter to SQL.
func campaignWhere(f jigsaw.CampaignFilter) where {
	var w where
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM campaign_organisations o WHERE o.campaign_id = campaigns.id AND o.organisation_id = ?)", f.OrgID)
	}
	if f.KeyIssue != "" {
		// A campaign is about the key issues of what it gathers.
		w.add(`(EXISTS (SELECT 1 FROM campaign_tracker_items l JOIN tracker_key_issues k ON k.tracker_id = l.tracker_id
				JOIN tracker_items t ON t.id = l.tracker_id
				WHERE l.campaign_id = campaigns.id AND k.key_issue = ? AND t.published_at IS NOT NULL)
			OR EXISTS (SELECT 1 FROM campaign_disputes l JOIN dispute_key_issues k ON k.dispute_id = l.dispute_id
				WHERE l.campaign_id = campaigns.id AND k.key_issue = ?))`, f.KeyIssue, f.KeyIssue)
	}
	return w
}

// campaignOrder is the order of lists of campaigns, active ones first,
// then by name: jigsaw.Campaign.SortKey in lower case.
const campaignOrder = `lower(CASE WHEN status = 'active' THEN '0' ELSE '1' END || name)`

// FindCampaigns implements jigsaw.PublicCampaignService.
func (db *DB) FindCampaigns(ctx context.Context, f jigsaw.CampaignFilter) (_ []*jigsaw.Campaign, _ int, err error) {
	defer wrap(&err, "store.FindCampaigns")
	w := campaignWhere(f)
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "campaigns", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if f.After != nil {
		w.after(campaignOrder, "id", "lower(?)", false, f.After, f.After.Key)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE `+cond+
		` ORDER BY `+campaignOrder+`, id`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanCampaign)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	return out, total, db.mapError(attachCampaignLists(ctx, readQuerier{db}, out))
}

// attachCampaignLists loads the lists of campaigns in one query per list.
// Linked dangers are the published ones only: campaigns are public.
func attachCampaignLists(ctx context.Context, q querier, campaigns []*jigsaw.Campaign) error {
	if len(campaigns) == 0 {
		return nil
	}
	byID := make(map[int64]*jigsaw.Campaign, len(campaigns))
	ids := make([]any, len(campaigns))
	for i, c := range campaigns {
		byID[c.ID] = c
		ids[i] = c.ID
	}
	link := func(list func(c *jigsaw.Campaign) *[]jigsaw.LinkRef) func(*sql.Rows) error {
		return func(rows *sql.Rows) error {
			var id int64
			var l jigsaw.LinkRef
			if err := rows.Scan(&id, &l.ID, &l.Title); err != nil {
				return err
			}
			refs := list(byID[id])
			*refs = append(*refs, l)
			return nil
		}
	}
	loads := []struct {
		query string
		scan  func(*sql.Rows) error
	}{
		{`SELECT c.campaign_id, c.organisation_id, c.role, o.slug, o.name FROM campaign_organisations c
			JOIN organisations o ON o.id = c.organisation_id WHERE c.campaign_id IN (?) ORDER BY c.campaign_id, c.position`,
			func(rows *sql.Rows) error {
				var id int64
				var o jigsaw.CampaignOrg
				if err := rows.Scan(&id, &o.OrgID, &o.Role, &o.Slug, &o.Name); err != nil {
					return err
				}
				byID[id].Organisations = append(byID[id].Organisations, o)
				return nil
			}},
		{`SELECT l.campaign_id, t.id, t.title FROM campaign_tracker_items l JOIN tracker_items t ON t.id = l.tracker_id
			WHERE l.campaign_id IN (?) AND t.published_at IS NOT NULL ORDER BY l.campaign_id, t.reported_on DESC, t.id`,
			link(func(c *jigsaw.Campaign) *[]jigsaw.LinkRef { return &c.TrackerItems })},
		{`SELECT l.campaign_id, d.id, d.title FROM campaign_disputes l JOIN disputes d ON d.id = l.dispute_id
			WHERE l.campaign_id IN (?) ORDER BY l.campaign_id, d.last_step_on DESC, d.id`,
			link(func(c *jigsaw.Campaign) *[]jigsaw.LinkRef { return &c.Disputes })},
	}
	for _, l := range loads {
		if err := eachRow(ctx, q, l.query, ids, l.scan); err != nil {
			return err
		}
	}
	return nil
}

// campaignSnapshot is the campaign as the edit history compares it.
func campaignSnapshot(c *jigsaw.Campaign) snapshot {
	var s snapshot
	s.add("slug", c.Slug)
	s.add("name", c.Name)
	s.add("aim", c.Aim)
	s.add("status", string(c.Status))
	s.add("started_on", c.StartedOn)
	s.add("ended_on", c.EndedOn)
	s.add("district", c.District)
	s.add("area", c.Area)
	var lines []string
	for _, o := range c.Organisations {
		lines = append(lines, fmt.Sprintf("%s (%s)", o.Name, o.Role))
	}
	s.add("organisations", strings.Join(lines, "\n"))
	s.add("tracker_items", linkIDs(c.TrackerItems))
	s.add("disputes", linkIDs(c.Disputes))
	return s
}

// EachCampaign calls fn with every campaign f selects, in the list's
// order, as EachPublicStory reads stories.
func (db *DB) EachCampaign(ctx context.Context, f jigsaw.CampaignFilter, fn func(*jigsaw.Campaign) error) (err error) {
	defer wrap(&err, "store.EachCampaign")
	w := campaignWhere(f)
	return eachBatch(batchSize(f.Limit), func(after []any, limit int) ([]*jigsaw.Campaign, []any, error) {
		cond, page, args := batchWhere(w, campaignOrder+", id", ">", after, limit)
		rows, err := db.query(ctx, `SELECT `+campaignColumns+`, `+campaignOrder+` FROM campaigns WHERE `+cond+
			` ORDER BY `+campaignOrder+`, id`+page, args...)
		if err != nil {
			return nil, nil, db.mapError(err)
		}
		var sortKey string
		var key []any
		out, err := collect(rows, func(row interface{ Scan(...any) error }) (*jigsaw.Campaign, error) {
			c, err := scanCampaign(keyScanner{row, []any{&sortKey}})
			if err == nil {
				key = []any{sortKey, c.ID}
			}
			return c, err
		})
		if err != nil || len(out) == 0 {
			return out, nil, db.mapError(err)
		}
		if err := attachCampaignLists(ctx, readQuerier{db}, out); err != nil {
			return nil, nil, db.mapError(err)
		}
		return out, key, nil
	}, fn)
}
