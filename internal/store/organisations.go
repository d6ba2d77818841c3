package store

import (
	"context"
	"database/sql"
	"strings"

	"jigsaw"
)

var _ jigsaw.OrganisationService = (*DB)(nil)

const orgColumns = `id, slug, name, kind, ods_code, company_number, COALESCE(parent_id, 0), region, website, coalition_member, opened_on, closed_on, version, created_at, updated_at`

func scanOrganisation(row interface{ Scan(...any) error }) (*jigsaw.Organisation, error) {
	var o jigsaw.Organisation
	err := row.Scan(&o.ID, &o.Slug, &o.Name, &o.Kind, &o.ODSCode, &o.CompanyNumber, &o.ParentID,
		&o.Region, &o.Website, &o.CoalitionMember, &o.OpenedOn, &o.ClosedOn, &o.Version, &o.CreatedAt, &o.UpdatedAt)
	if err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return &o, nil
}

// CreateOrganisation implements jigsaw.OrganisationService.
func (db *DB) CreateOrganisation(ctx context.Context, o *jigsaw.Organisation) (err error) {
	defer wrap(&err, "store.CreateOrganisation")
	return db.Tx(ctx, func(tx *sql.Tx) error { return db.createOrganisation(ctx, tx, o) })
}

func (db *DB) createOrganisation(ctx context.Context, tx Execer, o *jigsaw.Organisation) error {
	o.Normalize()
	if err := o.Validate(); err != nil {
		return err
	}
	if o.ParentID != 0 {
		if _, err := findOrganisation(ctx, tx, "id = $1", o.ParentID); err != nil {
			return parentMissing(err)
		}
	}
	now := db.now()
	o.CreatedAt, o.UpdatedAt = now, now
	err := tx.QueryRowContext(ctx, `
		INSERT INTO organisations (slug, name, kind, ods_code, company_number, parent_id, region, website, coalition_member,
			opened_on, closed_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		o.Slug, o.Name, o.Kind, o.ODSCode, o.CompanyNumber, idOrNull(o.ParentID), o.Region, o.Website, o.CoalitionMember,
		o.OpenedOn, o.ClosedOn, now, now,
	).Scan(&o.ID)
	if err != nil {
		return err
	}
	after, err := orgSnapshot(ctx, tx, o)
	if err != nil {
		return err
	}
	return db.recordRevision(ctx, tx, jigsaw.ObjectOrganisation, o.ID, "create", diff(nil, after))
}

func parentMissing(err error) error {
	if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The parent organisation does not exist.",
			Fields: map[string]string{"parent_id": "No such organisation."}}
	}
	return err
}

// UpdateOrganisation implements jigsaw.OrganisationService.
func (db *DB) UpdateOrganisation(ctx context.Context, o *jigsaw.Organisation) (err error) {
	defer wrap(&err, "store.UpdateOrganisation")
	return db.Tx(ctx, func(tx *sql.Tx) error { return db.updateOrganisation(ctx, tx, o) })
}

func (db *DB) updateOrganisation(ctx context.Context, tx Execer, o *jigsaw.Organisation) error {
	o.Normalize()
	if err := o.Validate(); err != nil {
		return err
	}
	old, err := findOrganisation(ctx, tx, "id = $1", o.ID)
	if err != nil {
		return err
	}
	if err := checkVersion("organisation", o.Version, old.Version); err != nil {
		return err
	}
	if err := checkParentCycle(ctx, tx, o.ID, o.ParentID); err != nil {
		return err
	}
	o.CreatedAt, o.UpdatedAt, o.Version = old.CreatedAt, db.now(), old.Version+1
	if err := updateOrganisationRow(ctx, tx, o); err != nil {
		return err
	}
	before, err := orgSnapshot(ctx, tx, old)
	if err != nil {
		return err
	}
	after, err := orgSnapshot(ctx, tx, o)
	if err != nil {
		return err
	}
	return db.recordRevision(ctx, tx, jigsaw.ObjectOrganisation, o.ID, "update", diff(before, after))
}

func updateOrganisationRow(ctx context.Context, tx Execer, o *jigsaw.Organisation) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE organisations SET slug = $1, name = $2, kind = $3, ods_code = $4, company_number = $5,
			parent_id = $6, region = $7, website = $8, coalition_member = $9, opened_on = $10, closed_on = $11,
			updated_at = $12, version = version + 1
		WHERE id = $13`,
		o.Slug, o.Name, o.Kind, o.ODSCode, o.CompanyNumber, idOrNull(o.ParentID), o.Region, o.Website,
		o.CoalitionMember, o.OpenedOn, o.ClosedOn, o.UpdatedAt, o.ID)
	return err
}

// orgSnapshot is the organisation as the edit history compares it, its
// parent named.
func orgSnapshot(ctx context.Context, q querier, o *jigsaw.Organisation) (snapshot, error) {
	var s snapshot
	s.add("name", o.Name)
	s.add("slug", o.Slug)
	s.add("kind", string(o.Kind))
	s.add("ods_code", o.ODSCode)
	s.add("company_number", o.CompanyNumber)
	parent := ""
	if o.ParentID != 0 {
		if err := q.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, o.ParentID).Scan(&parent); err != nil {
			return nil, err
		}
	}
	s.add("parent", parent)
	s.add("region", o.Region)
	s.add("website", o.Website)
	s.add("opened_on", o.OpenedOn)
	s.add("closed_on", o.ClosedOn)
	if o.CoalitionMember {
		s.add("coalition_member", "yes")
	} else {
		s.add("coalition_member", "no")
	}
	return s, nil
}

// checkParentCycle refuses a parent that does not exist or that is id
// itself or one of its descendants.
func checkParentCycle(ctx context.Context, tx Execer, id, parent int64) error {
	for seen := 0; parent != 0; seen++ {
		if parent == id {
			return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "An organisation cannot be its own parent or ancestor.",
				Fields: map[string]string{"parent_id": "This would make the organisation its own ancestor."}}
		}
		if seen > 100 {
			return jigsaw.Errorf(jigsaw.EINVALID, "The chain of parents is too deep.")
		}
		p, err := findOrganisation(ctx, tx, "id = $1", parent)
		if err != nil {
			return parentMissing(err)
		}
		parent = p.ParentID
	}
	return nil
}

func findOrganisation(ctx context.Context, q querier, where string, args ...any) (*jigsaw.Organisation, error) {
	o, err := scanOrganisation(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE `+where, args...))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Organisation not found.")
	}
	return o, err
}

// FindOrganisationByID implements jigsaw.OrganisationService.
func (db *DB) FindOrganisationByID(ctx context.Context, id int64) (_ *jigsaw.Organisation, err error) {
	defer wrap(&err, "store.FindOrganisationByID")
	o, err := findOrganisation(ctx, readQuerier{db}, "id = $1", id)
	return o, db.mapError(err)
}

// FindOrganisationBySlug implements jigsaw.OrganisationService.
func (db *DB) FindOrganisationBySlug(ctx context.Context, slug string) (_ *jigsaw.Organisation, err error) {
	defer wrap(&err, "store.FindOrganisationBySlug")
	o, err := findOrganisation(ctx, readQuerier{db}, "slug = $1", slug)
	return o, db.mapError(err)
}

// The codes' indexes are partial (WHERE code <> ”): a query uses them only
// when it repeats that condition, as SQLite cannot know that a parameter is
// not empty.
const (
	byODSCode       = "ods_code = $1 AND ods_code <> ''"
	byCompanyNumber = "id = (SELECT min(id) FROM organisations WHERE company_number = $1 AND company_number <> '')"
)

// FindOrganisationByODSCode implements jigsaw.OrganisationService.
func (db *DB) FindOrganisationByODSCode(ctx context.Context, code string) (_ *jigsaw.Organisation, err error) {
	defer wrap(&err, "store.FindOrganisationByODSCode")
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Organisation not found.")
	}
	o, err := findOrganisation(ctx, db.read, byODSCode, code)
	return o, db.mapError(err)
}

// FindOrganisationByCompanyNumber implements jigsaw.OrganisationService.
func (db *DB) FindOrganisationByCompanyNumber(ctx context.Context, number string) (_ *jigsaw.Organisation, err error) {
	defer wrap(&err, "store.FindOrganisationByCompanyNumber")
	number = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(number), " ", ""))
	if number == "" {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Organisation not found.")
	}
	o, err := findOrganisation(ctx, db.read, byCompanyNumber, number)
	return o, db.mapError(err)
}

// FindOrganisations implements jigsaw.OrganisationService.
func (db *DB) FindOrganisations(ctx context.Context, f jigsaw.OrganisationFilter) (_ []*jigsaw.Organisation, _ int, err error) {
	defer wrap(&err, "store.FindOrganisations")
	w := organisationWhere(f)
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "organisations", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if f.After != nil {
		// lower() of the name as the order has it: the engines' lower()
		// and Go's differ past ASCII.
		w.after("lower(name)", "id", "lower(?)", false, f.After, f.After.Key)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+orgColumns+` FROM organisations WHERE `+cond+` ORDER BY lower(name), id`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanOrganisation)
	return out, total, db.mapError(err)
}

// organisationWhere is the condition on organisations of those f selects
// (its paging aside): the list's and the export's.
func organisationWhere(f jigsaw.OrganisationFilter) where {
	var w where
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.Region != "" {
		w.add("region = ?", f.Region)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w.add("lower(name) LIKE ? ESCAPE '\\'", "%"+likeEscape(strings.ToLower(q))+"%")
	}
	if f.ParentID != 0 {
		w.add("parent_id = ?", f.ParentID)
	}
	if f.Members {
		w.add("coalition_member = ?", true)
	}
	return w
}

// likeEscape escapes LIKE's wildcards so user text matches literally.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
