package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"jigsaw"
)

var _ jigsaw.RepresentativeService = (*DB)(nil)

// The organisation is joined in for its slug and name: a person's
// organisation may be gone (ON DELETE SET NULL), so the join is outer.
const representativeColumns = `r.id, r.name, r.role, r.party, COALESCE(r.organisation_id, 0), COALESCE(o.slug, ''), COALESCE(o.name, ''),
	r.area, r.district, r.from_on, r.to_on, r.office_email, r.office_phone, r.office_address, r.website,
	r.version, r.created_at, r.updated_at`

const representativeFrom = ` FROM representatives r LEFT JOIN organisations o ON o.id = r.organisation_id`

func scanRepresentative(row interface{ Scan(...any) error }) (*jigsaw.Representative, error) {
	var r jigsaw.Representative
	if err := row.Scan(&r.ID, &r.Name, &r.Role, &r.Party, &r.OrgID, &r.OrgSlug, &r.OrgName,
		&r.Area, &r.District, &r.FromOn, &r.ToOn, &r.OfficeEmail, &r.OfficePhone, &r.OfficeAddress, &r.Website,
		&r.Version, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// nullID is an optional reference: 0 is NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateRepresentative implements jigsaw.RepresentativeService.
func (db *DB) CreateRepresentative(ctx context.Context, r *jigsaw.Representative) (err error) {
	defer wrap(&err, "store.CreateRepresentative")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkRepresentative(ctx, tx, r); err != nil {
			return err
		}
		now := db.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO representatives (name, role, party, organisation_id, area, district, from_on, to_on,
			office_email, office_phone, office_address, website, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			r.Name, r.Role, r.Party, nullID(r.OrgID), r.Area, r.District, r.FromOn, r.ToOn,
			r.OfficeEmail, r.OfficePhone, r.OfficeAddress, r.Website, now).Scan(&r.ID); err != nil {
			return err
		}
		after, err := findRepresentative(ctx, tx, r.ID, false)
		if err != nil {
			return err
		}
		r.CreatedAt, r.UpdatedAt, r.Version = after.CreatedAt, after.UpdatedAt, after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectRepresentative, r.ID, "create", diff(nil, representativeSnapshot(after)))
	})
}

// UpdateRepresentative implements jigsaw.RepresentativeService.
func (db *DB) UpdateRepresentative(ctx context.Context, r *jigsaw.Representative) (err error) {
	defer wrap(&err, "store.UpdateRepresentative")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findRepresentative(ctx, tx, r.ID, false)
		if err != nil {
			return err
		}
		if err := checkVersion("person", r.Version, before.Version); err != nil {
			return err
		}
		if err := checkRepresentative(ctx, tx, r); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE representatives SET name = $1, role = $2, party = $3, organisation_id = $4, area = $5,
			district = $6, from_on = $7, to_on = $8, office_email = $9, office_phone = $10, office_address = $11, website = $12,
			updated_at = $13, version = version + 1 WHERE id = $14`,
			r.Name, r.Role, r.Party, nullID(r.OrgID), r.Area, r.District, r.FromOn, r.ToOn,
			r.OfficeEmail, r.OfficePhone, r.OfficeAddress, r.Website, db.now(), r.ID); err != nil {
			return err
		}
		after, err := findRepresentative(ctx, tx, r.ID, false)
		if err != nil {
			return err
		}
		r.CreatedAt, r.UpdatedAt, r.Version = after.CreatedAt, after.UpdatedAt, after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectRepresentative, r.ID, "update", diff(representativeSnapshot(before), representativeSnapshot(after)))
	})
}

func checkRepresentative(ctx context.Context, tx *sql.Tx, r *jigsaw.Representative) error {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	if r.OrgID != 0 && !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, r.OrgID) {
		p := jigsaw.Problems{}
		p.Add("organisation", "No such organisation.")
		return p.Err()
	}
	return nil
}

// findRepresentative reads one person; with interests, their declared
// interests too.
func findRepresentative(ctx context.Context, q querier, id int64, interests bool) (*jigsaw.Representative, error) {
	r, err := scanRepresentative(q.QueryRowContext(ctx, `SELECT `+representativeColumns+representativeFrom+` WHERE r.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Person %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	if interests {
		r.Interests, err = findInterests(ctx, q, `i.representative_id = $1`, id)
	}
	return r, err
}

// FindRepresentativeByID implements jigsaw.PublicRepresentativeService.
func (db *DB) FindRepresentativeByID(ctx context.Context, id int64) (_ *jigsaw.Representative, err error) {
	defer wrap(&err, "store.FindRepresentativeByID")
	r, err := findRepresentative(ctx, readQuerier{db}, id, true)
	return r, db.mapError(err)
}

// representativeWhere is the condition of the people f selects (its
// paging aside): the list's and the export's.
func representativeWhere(f jigsaw.RepresentativeFilter) where {
	var w where
	if f.Role != "" {
		w.add("r.role = ?", f.Role)
	}
	if f.Party != "" {
		w.add("lower(r.party) = lower(?)", f.Party)
	}
	if f.OrgID != 0 {
		w.add("r.organisation_id = ?", f.OrgID)
	}
	if f.District != "" {
		w.add("r.district = ?", jigsaw.NormalizeDistrict(f.District))
	}
	if f.Area != "" {
		w.add("lower(r.area) = lower(?)", f.Area)
	}
	return w
}

// FindRepresentatives implements jigsaw.PublicRepresentativeService.
func (db *DB) FindRepresentatives(ctx context.Context, f jigsaw.RepresentativeFilter) (_ []*jigsaw.Representative, _ int, err error) {
	defer wrap(&err, "store.FindRepresentatives")
	w := representativeWhere(f)
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "representatives r", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if f.After != nil {
		// lower() as the order has it, as the organisations' list does.
		w.after("lower(r.name)", "r.id", "lower(?)", false, f.After, f.After.Key)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+representativeColumns+representativeFrom+` WHERE `+cond+` ORDER BY lower(r.name), r.id`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanRepresentative)
	return out, total, db.mapError(err)
}

// The interest's danger is named only when it is published: the person's
// page is public, and a draft's title is the editors' own.
const interestSelect = `SELECT i.id, i.representative_id, i.kind, i.description, i.declared_on, i.source_url,
	COALESCE(i.organisation_id, 0), COALESCE(o.slug, ''), COALESCE(o.name, ''),
	COALESCE(i.tracker_id, 0), COALESCE(CASE WHEN t.published_at IS NOT NULL THEN t.title END, ''),
	r.name, r.role
	FROM representative_interests i
	JOIN representatives r ON r.id = i.representative_id
	LEFT JOIN organisations o ON o.id = i.organisation_id
	LEFT JOIN tracker_items t ON t.id = i.tracker_id`

func findInterests(ctx context.Context, q querier, cond string, args ...any) ([]jigsaw.Interest, error) {
	rows, err := q.QueryContext(ctx, interestSelect+` WHERE `+cond+` ORDER BY i.declared_on DESC, i.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []jigsaw.Interest{}
	for rows.Next() {
		var i jigsaw.Interest
		if err := rows.Scan(&i.ID, &i.RepresentativeID, &i.Kind, &i.Description, &i.DeclaredOn, &i.SourceURL,
			&i.OrgID, &i.OrgSlug, &i.OrgName, &i.TrackerID, &i.TrackerTitle, &i.RepresentativeName, &i.RepresentativeRole); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// FindInterestsByTracker implements jigsaw.PublicRepresentativeService.
func (db *DB) FindInterestsByTracker(ctx context.Context, trackerID int64) (_ []jigsaw.Interest, err error) {
	defer wrap(&err, "store.FindInterestsByTracker")
	out, err := findInterests(ctx, readQuerier{db}, `i.tracker_id = $1`, trackerID)
	return out, db.mapError(err)
}

// AddInterest implements jigsaw.RepresentativeService.
func (db *DB) AddInterest(ctx context.Context, i *jigsaw.Interest) (err error) {
	defer wrap(&err, "store.AddInterest")
	return db.changeInterests(ctx, i.RepresentativeID, "interest-add", func(tx *sql.Tx) error {
		if err := checkInterest(ctx, tx, i); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO representative_interests (representative_id, kind, description, declared_on, source_url,
			organisation_id, tracker_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			i.RepresentativeID, i.Kind, i.Description, i.DeclaredOn, i.SourceURL, nullID(i.OrgID), nullID(i.TrackerID)).Scan(&i.ID)
	})
}

// UpdateInterest implements jigsaw.RepresentativeService.
func (db *DB) UpdateInterest(ctx context.Context, i *jigsaw.Interest) (err error) {
	defer wrap(&err, "store.UpdateInterest")
	return db.changeInterests(ctx, i.RepresentativeID, "interest-update", func(tx *sql.Tx) error {
		if !exists(ctx, tx, `SELECT count(*) FROM representative_interests WHERE id = $1 AND representative_id = $2`, i.ID, i.RepresentativeID) {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "Person %d has no interest %d.", i.RepresentativeID, i.ID)
		}
		if err := checkInterest(ctx, tx, i); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE representative_interests SET kind = $1, description = $2, declared_on = $3, source_url = $4,
			organisation_id = $5, tracker_id = $6 WHERE id = $7`,
			i.Kind, i.Description, i.DeclaredOn, i.SourceURL, nullID(i.OrgID), nullID(i.TrackerID), i.ID)
		return err
	})
}

// DeleteInterest implements jigsaw.RepresentativeService.
func (db *DB) DeleteInterest(ctx context.Context, representativeID, interestID int64) (err error) {
	defer wrap(&err, "store.DeleteInterest")
	return db.changeInterests(ctx, representativeID, "interest-delete", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM representative_interests WHERE id = $1 AND representative_id = $2`, interestID, representativeID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "Person %d has no interest %d.", representativeID, interestID)
		}
		return nil
	})
}

func checkInterest(ctx context.Context, tx *sql.Tx, i *jigsaw.Interest) error {
	i.Normalize()
	if err := i.Validate(); err != nil {
		return err
	}
	p := jigsaw.Problems{}
	if i.OrgID != 0 && !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, i.OrgID) {
		p.Add("organisation", "No such organisation.")
	}
	if i.TrackerID != 0 && !exists(ctx, tx, `SELECT count(*) FROM tracker_items WHERE id = $1`, i.TrackerID) {
		p.Add("tracker", "No such danger.")
	}
	return p.Err()
}

// changeInterests runs change on a person's interests and records it as a
// revision of the person, in one transaction: a declared interest is part
// of the person's record, and counts in their version.
func (db *DB) changeInterests(ctx context.Context, id int64, action string, change func(tx *sql.Tx) error) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findRepresentative(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE representatives SET updated_at = $1, version = version + 1 WHERE id = $2`, db.now(), id); err != nil {
			return err
		}
		after, err := findRepresentative(ctx, tx, id, true)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectRepresentative, id, action, diff(representativeSnapshot(before), representativeSnapshot(after)))
	})
}

// representativeSnapshot is the person as the edit history compares them.
func representativeSnapshot(r *jigsaw.Representative) snapshot {
	var s snapshot
	s.add("name", r.Name)
	s.add("role", string(r.Role))
	s.add("party", r.Party)
	s.add("organisation", r.OrgName)
	s.add("area", r.Area)
	s.add("district", r.District)
	s.add("from_on", r.FromOn)
	s.add("to_on", r.ToOn)
	s.add("office_email", r.OfficeEmail)
	s.add("office_phone", r.OfficePhone)
	s.add("office_address", r.OfficeAddress)
	s.add("website", r.Website)
	var lines []string
	for _, i := range r.Interests {
		line := fmt.Sprintf("%s %s: %s", i.DeclaredOn, i.Kind, i.Description)
		if i.OrgName != "" {
			line += " (" + i.OrgName + ")"
		}
		if i.TrackerID != 0 {
			line += fmt.Sprintf(" danger #%d", i.TrackerID)
		}
		if i.SourceURL != "" {
			line += " " + i.SourceURL
		}
		lines = append(lines, strings.TrimSpace(line))
	}
	s.add("interests", strings.Join(lines, "\n"))
	return s
}

// SearchPublicTrackerTitles returns published dangers whose titles hold
// each word of q, newest first: their numbers and titles only, for the
// picker of the danger a declared interest touches. Drafts are never
// found, whoever asks (an editor may still give a draft's number).
func (db *DB) SearchPublicTrackerTitles(ctx context.Context, q string, limit int) (_ []jigsaw.LinkRef, err error) {
	defer wrap(&err, "store.SearchPublicTrackerTitles")
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	var w where
	w.add("published_at IS NOT NULL")
	for _, word := range words {
		w.add(`lower(title) LIKE ? ESCAPE '\'`, "%"+likeEscape(strings.ToLower(word))+"%")
	}
	cond := w.sql()
	w.args = append(w.args, suggestionLimit(limit))
	rows, err := db.query(ctx, `SELECT id, title FROM tracker_items WHERE `+cond+` ORDER BY id DESC LIMIT $`+itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, db.mapError(err)
	}
	out, err := collect(rows, scanLinkRef)
	return out, db.mapError(err)
}

// EachRepresentative calls fn with every person f selects, by name, as
// EachOrganisation does: f.Limit at a time, f.Offset ignored. Their
// interests are left out, as in lists.
func (db *DB) EachRepresentative(ctx context.Context, f jigsaw.RepresentativeFilter, fn func(*jigsaw.Representative) error) (err error) {
	defer wrap(&err, "store.EachRepresentative")
	w := representativeWhere(f)
	return eachBatch(batchSize(f.Limit), func(after []any, limit int) ([]*jigsaw.Representative, []any, error) {
		cond, page, args := batchWhere(w, "lower(r.name), r.id", ">", after, limit)
		rows, err := db.query(ctx, `SELECT `+representativeColumns+`, lower(r.name)`+representativeFrom+` WHERE `+cond+
			` ORDER BY lower(r.name), r.id`+page, args...)
		if err != nil {
			return nil, nil, db.mapError(err)
		}
		// The sort key is the database's lower(), not Go's.
		var lower string
		var key []any
		out, err := collect(rows, func(row interface{ Scan(...any) error }) (*jigsaw.Representative, error) {
			r, err := scanRepresentative(keyScanner{row, []any{&lower}})
			if err == nil {
				key = []any{lower, r.ID}
			}
			return r, err
		})
		return out, key, db.mapError(err)
	}, fn)
}
