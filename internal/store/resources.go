package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"jigsaw"
)

var _ jigsaw.ResourceService = (*DB)(nil)

// resourceColumns read a resource with the names of its organisation and
// campaign, from resources r joined as resourceJoins does.
const resourceColumns = `r.id, r.title, r.kind, r.summary, r.organisation_id, o.slug, o.name,
	COALESCE(r.campaign_id, 0), COALESCE(c.slug, ''), COALESCE(c.name, ''), r.version, r.created_at, r.updated_at`

const resourceJoins = ` FROM resources r JOIN organisations o ON o.id = r.organisation_id
	LEFT JOIN campaigns c ON c.id = r.campaign_id`

func scanResource(row interface{ Scan(...any) error }) (*jigsaw.Resource, error) {
	var r jigsaw.Resource
	if err := row.Scan(&r.ID, &r.Title, &r.Kind, &r.Summary, &r.OrgID, &r.OrgSlug, &r.OrgName,
		&r.CampaignID, &r.CampaignSlug, &r.CampaignName, &r.Version, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// versionColumns read a version without its file's bytes.
const versionColumns = `id, resource_id, number, note, link, file_name, content_type, size, sha256, created_at`

func scanVersion(row interface{ Scan(...any) error }) (jigsaw.ResourceVersion, error) {
	var v jigsaw.ResourceVersion
	var f jigsaw.ResourceFile
	if err := row.Scan(&v.ID, &v.ResourceID, &v.Number, &v.Note, &v.Link, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &v.CreatedAt); err != nil {
		return v, err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	if f.Name != "" {
		v.File = &f
	}
	return v, nil
}

// CreateResource implements jigsaw.ResourceService.
func (db *DB) CreateResource(ctx context.Context, r *jigsaw.Resource) (err error) {
	defer wrap(&err, "store.CreateResource")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkResource(ctx, tx, r); err != nil {
			return err
		}
		now := db.now()
		r.CreatedAt, r.UpdatedAt, r.Version = now, now, 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO resources (title, kind, summary, organisation_id, campaign_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			r.Title, r.Kind, r.Summary, r.OrgID, nullID(r.CampaignID), now, now).Scan(&r.ID); err != nil {
			return err
		}
		if err := db.writeResourceKeyIssues(ctx, tx, r); err != nil {
			return err
		}
		after, err := findResource(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectResource, r.ID, "create", diff(nil, resourceSnapshot(after)))
	})
}

// UpdateResource implements jigsaw.ResourceService.
func (db *DB) UpdateResource(ctx context.Context, r *jigsaw.Resource) (err error) {
	defer wrap(&err, "store.UpdateResource")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findResource(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("resource", r.Version, before.Version); err != nil {
			return err
		}
		if err := checkResource(ctx, tx, r); err != nil {
			return err
		}
		r.CreatedAt, r.UpdatedAt = before.CreatedAt, db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE resources SET title = $1, kind = $2, summary = $3, organisation_id = $4,
			campaign_id = $5, updated_at = $6, version = version + 1 WHERE id = $7`,
			r.Title, r.Kind, r.Summary, r.OrgID, nullID(r.CampaignID), r.UpdatedAt, r.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM resource_key_issues WHERE resource_id = $1`, r.ID); err != nil {
			return err
		}
		if err := db.writeResourceKeyIssues(ctx, tx, r); err != nil {
			return err
		}
		after, err := findResource(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		r.Version, r.Versions = after.Version, after.Versions
		return db.recordRevision(ctx, tx, jigsaw.ObjectResource, r.ID, "update", diff(resourceSnapshot(before), resourceSnapshot(after)))
	})
}

func checkResource(ctx context.Context, tx *sql.Tx, r *jigsaw.Resource) error {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	p := jigsaw.Problems{}
	if !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, r.OrgID) {
		p.Add("organisation", "No such organisation.")
	}
	if r.CampaignID != 0 && !exists(ctx, tx, `SELECT count(*) FROM campaigns WHERE id = $1`, r.CampaignID) {
		p.Add("campaign", "No such campaign.")
	}
	checkKeyIssues(ctx, tx, p, r.KeyIssues)
	return p.Err()
}

func (db *DB) writeResourceKeyIssues(ctx context.Context, tx *sql.Tx, r *jigsaw.Resource) error {
	rows := db.newRows()
	for _, k := range r.KeyIssues {
		rows.add(r.ID, k)
	}
	return rows.insert(ctx, tx, `resource_key_issues (resource_id, key_issue)`)
}

// AddResourceVersion implements jigsaw.ResourceService. The version row
// and the file's bytes are written in one transaction, so a failure leaves
// neither.
func (db *DB) AddResourceVersion(ctx context.Context, v *jigsaw.ResourceVersion) (err error) {
	defer wrap(&err, "store.AddResourceVersion")
	v.Normalize()
	if v.File != nil {
		// The type is found again from the bytes whoever built the file,
		// so no caller can store HTML under a PDF's name.
		f, err := jigsaw.NewResourceFile("file", v.File.Name, v.File.Data, int64(len(v.File.Data)))
		if err != nil {
			return err
		}
		v.File = f
	}
	if err := v.Validate(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		v.CreatedAt = now
		// Touching the resource first holds its row until the end, so
		// that two versions added at once get numbers one after the other
		// rather than one refused for taking the same number.
		if _, err := tx.ExecContext(ctx, `UPDATE resources SET updated_at = $1, version = version + 1 WHERE id = $2`, now, v.ResourceID); err != nil {
			return err
		}
		before, err := findResource(ctx, tx, v.ResourceID)
		if err != nil {
			return err
		}
		var f jigsaw.ResourceFile
		if v.File != nil {
			f = *v.File
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO resource_versions (resource_id, number, note, link, file_name, content_type, size, sha256, created_at)
			VALUES ($1, (SELECT COALESCE(max(number), 0) + 1 FROM resource_versions WHERE resource_id = $1), $2, $3, $4, $5, $6, $7, $8)
			RETURNING id, number`,
			v.ResourceID, v.Note, v.Link, f.Name, f.ContentType, f.Size, f.SHA256, now).Scan(&v.ID, &v.Number); err != nil {
			return err
		}
		if v.File != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO resource_files (version_id, data) VALUES ($1, $2)`, v.ID, f.Data); err != nil {
				return err
			}
		}
		after, err := findResource(ctx, tx, v.ResourceID)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectResource, v.ResourceID, "version-add", diff(resourceSnapshot(before), resourceSnapshot(after)))
	})
}

func findResource(ctx context.Context, q querier, id int64) (*jigsaw.Resource, error) {
	r, err := scanResource(q.QueryRowContext(ctx, `SELECT `+resourceColumns+resourceJoins+` WHERE r.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Resource %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	return r, attachResourceLists(ctx, q, []*jigsaw.Resource{r})
}

// FindResourceByID implements jigsaw.PublicResourceService.
func (db *DB) FindResourceByID(ctx context.Context, id int64) (_ *jigsaw.Resource, err error) {
	defer wrap(&err, "store.FindResourceByID")
	r, err := findResource(ctx, readQuerier{db}, id)
	return r, db.mapError(err)
}

// FindResourceFile implements jigsaw.PublicResourceService.
func (db *DB) FindResourceFile(ctx context.Context, id int64, number int) (_ *jigsaw.ResourceVersion, err error) {
	defer wrap(&err, "store.FindResourceFile")
	v, err := scanVersion(db.queryRow(ctx, `SELECT `+versionColumns+` FROM resource_versions WHERE resource_id = $1 AND number = $2`, id, number))
	if err == sql.ErrNoRows || (err == nil && v.File == nil) {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Resource %d has no file version %d.", id, number)
	} else if err != nil {
		return nil, db.mapError(err)
	}
	if err := db.queryRow(ctx, `SELECT data FROM resource_files WHERE version_id = $1`, v.ID).Scan(&v.File.Data); err != nil {
		return nil, db.mapError(err)
	}
	return &v, nil
}

// resourceWhere is the one translation of a resource filter to SQL, on
// resources r.
func resourceWhere(f jigsaw.ResourceFilter) where {
	var w where
	if f.Kind != "" {
		w.add("r.kind = ?", f.Kind)
	}
	if f.OrgID != 0 {
		w.add("r.organisation_id = ?", f.OrgID)
	}
	if f.CampaignID != 0 {
		w.add("r.campaign_id = ?", f.CampaignID)
	}
	if f.KeyIssue != "" {
		w.add("EXISTS (SELECT 1 FROM resource_key_issues k WHERE k.resource_id = r.id AND k.key_issue = ?)", f.KeyIssue)
	}
	return w
}

// FindResources implements jigsaw.PublicResourceService.
func (db *DB) FindResources(ctx context.Context, f jigsaw.ResourceFilter) (_ []*jigsaw.Resource, _ int, err error) {
	defer wrap(&err, "store.FindResources")
	w := resourceWhere(f)
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "resources r", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if f.After != nil {
		w.add("r.id < ?", f.After.ID)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT `+resourceColumns+resourceJoins+` WHERE `+cond+` ORDER BY r.id DESC`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanResource)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	return out, total, db.mapError(attachResourceLists(ctx, readQuerier{db}, out))
}

// attachResourceLists loads the key issues and versions of resources, one
// query each.
func attachResourceLists(ctx context.Context, q querier, resources []*jigsaw.Resource) error {
	if len(resources) == 0 {
		return nil
	}
	byID := make(map[int64]*jigsaw.Resource, len(resources))
	ids := make([]any, len(resources))
	for i, r := range resources {
		byID[r.ID] = r
		ids[i] = r.ID
		r.Versions = []jigsaw.ResourceVersion{}
	}
	if err := eachRow(ctx, q, `SELECT d.resource_id, d.key_issue FROM resource_key_issues d JOIN key_issues k ON k.slug = d.key_issue
		WHERE d.resource_id IN (?) ORDER BY d.resource_id, k.position, k.slug`, ids, func(rows *sql.Rows) error {
		var id int64
		var k string
		if err := rows.Scan(&id, &k); err != nil {
			return err
		}
		byID[id].KeyIssues = append(byID[id].KeyIssues, k)
		return nil
	}); err != nil {
		return err
	}
	return eachRow(ctx, q, `SELECT `+versionColumns+` FROM resource_versions WHERE resource_id IN (?) ORDER BY resource_id, number DESC`,
		ids, func(rows *sql.Rows) error {
			v, err := scanVersion(rows)
			if err != nil {
				return err
			}
			byID[v.ResourceID].Versions = append(byID[v.ResourceID].Versions, v)
			return nil
		})
}

// resourceSnapshot is the resource as the edit history compares it.
func resourceSnapshot(r *jigsaw.Resource) snapshot {
	var s snapshot
	s.add("title", r.Title)
	s.add("kind", string(r.Kind))
	s.add("summary", r.Summary)
	s.add("organisation", r.OrgName)
	s.add("campaign", r.CampaignName)
	s.add("key_issues", strings.Join(r.KeyIssues, ", "))
	var lines []string
	for i := len(r.Versions) - 1; i >= 0; i-- {
		v := r.Versions[i]
		line := "v" + strconv.Itoa(v.Number) + ": "
		if v.File != nil {
			line += fmt.Sprintf("%s (%s, sha256 %s)", v.File.Name, jigsaw.FormatBytes(v.File.Size), v.File.SHA256)
		} else {
			line += v.Link
		}
		if v.Note != "" {
			line += " — " + v.Note
		}
		lines = append(lines, line)
	}
	s.add("versions", strings.Join(lines, "\n"))
	return s
}

// EachResource calls fn with every resource f selects, newest first,
// reading f.Limit of them at a time (a few hundred when 0), without the
// files' bytes; f.Offset is ignored. It stops at fn's first error.
func (db *DB) EachResource(ctx context.Context, f jigsaw.ResourceFilter, fn func(*jigsaw.Resource) error) (err error) {
	defer wrap(&err, "store.EachResource")
	w := resourceWhere(f)
	return eachBatch(batchSize(f.Limit), func(after []any, limit int) ([]*jigsaw.Resource, []any, error) {
		b := where{conds: slices.Clone(w.conds), args: slices.Clone(w.args)}
		if after != nil {
			b.add("r.id < ?", after...)
		}
		page := b.page(limit, 0)
		rows, err := db.query(ctx, `SELECT `+resourceColumns+resourceJoins+` WHERE `+b.sql()+` ORDER BY r.id DESC`+page, b.args...)
		if err != nil {
			return nil, nil, db.mapError(err)
		}
		out, err := collect(rows, scanResource)
		if err != nil || len(out) == 0 {
			return out, nil, db.mapError(err)
		}
		if err := attachResourceLists(ctx, readQuerier{db}, out); err != nil {
			return nil, nil, db.mapError(err)
		}
		return out, []any{out[len(out)-1].ID}, nil
	}, fn)
}
