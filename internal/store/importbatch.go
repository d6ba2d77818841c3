package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"jigsaw"
)

// importBatch is what an import has written but not yet sent to the
// database, and what it knows of the database in advance.
//
// New organisations and tracker items wait here, with their revisions and
// the OCDS releases marked applied, and are written together: a few
// multi-row statements a batch instead of several statements a record.
// Nothing reads the database for them before they are written: a lookup
// that could meet them either finds them in what is known in advance
// (kept up to date with every write) or writes them first.
type importBatch struct {
	orgs      []*jigsaw.Organisation
	items     []*jigsaw.TrackerItem
	keys      map[string]bool // source keys of items
	marks     multiRow        // rows of ocds_releases
	revisions multiRow        // rows of revisions, of items and organisations

	// What is known of the database and the batch, looked up in advance by
	// Prefetch or on the way, and dropped at the next Prefetch (which keeps
	// it as small as a batch): releases by ocid, whether a source key is
	// taken, whether a slug is.
	releases map[string]*releaseState
	taken    map[string]bool
	slugs    map[string]bool
	// Organisations by ODS code, company number and lower-case name (the
	// oldest, for the last two); nil for one looked up and not found.
	byODS, byNumber, byName map[string]*jigsaw.Organisation

	orgNames map[int64][2]string // organisation id → slug, name
	lastID   map[string]int64    // SQLite: the largest id given in a table
	idPool   map[string][]int64  // PostgreSQL: ids taken from a sequence, not used yet
}

func newImportBatch(db *DB) importBatch {
	return importBatch{keys: map[string]bool{}, marks: db.newRows(), revisions: db.newRows(),
		releases: map[string]*releaseState{}, taken: map[string]bool{}, slugs: map[string]bool{},
		orgNames: map[int64][2]string{}, lastID: map[string]int64{}, idPool: map[string][]int64{}}
}

// releaseState is what is applied of one OCDS process: its releases' ids
// and the newest date.
type releaseState struct {
	ids    []string
	newest string
}

// Batch sizes: flushAt new items or marked releases are written at once
// even without a flush asked for; an IN list asks for inList values.
const (
	flushAt = 1024
	inList  = 100
)

// Prefetch is what the next records of a file will look up one at a time.
type Prefetch struct {
	OCIDs      []string // OCDS processes: which releases are applied
	SourceKeys []string // tracker items' source keys: which are taken
	// Organisations, by ODS code, company number or name.
	ODSCodes, CompanyNumbers, Names []string
}

// Prefetch writes what waits, then looks up in a few queries what p says
// the next records will ask.
func (it *ImportTx) Prefetch(p Prefetch) error {
	if err := it.flush(); err != nil {
		return err
	}
	if it.db.Engine == Postgres {
		// A plan of these lookups made and kept early in an import is made
		// for tables the import has barely begun to fill: by the end it
		// scans them whole (17 ms a lookup, not 0.2). Planned each time,
		// they use the indexes.
		if _, err := it.tx.ExecContext(it.ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
			return err
		}
		defer it.tx.ExecContext(it.ctx, `SET LOCAL plan_cache_mode = auto`)
	}
	b := &it.batch
	b.releases = make(map[string]*releaseState, len(p.OCIDs))
	for _, ocid := range p.OCIDs {
		b.releases[ocid] = &releaseState{}
	}
	err := it.inQuery(`SELECT ocid, release_id, release_date FROM ocds_releases WHERE ocid IN `, p.OCIDs, func(row scanner) error {
		var ocid, id, date string
		if err := row.Scan(&ocid, &id, &date); err != nil {
			return err
		}
		b.releases[ocid].add(id, date)
		return nil
	})
	if err != nil {
		return err
	}
	if b.taken, err = it.prefetchTaken(`SELECT source_key FROM tracker_items WHERE source_key IN `, p.SourceKeys); err != nil {
		return err
	}
	return it.prefetchOrganisations(p)
}

// prefetchTaken runs query, a lookup of values by inQuery, and says of each
// value whether it found it.
func (it *ImportTx) prefetchTaken(query string, values []string) (map[string]bool, error) {
	taken := make(map[string]bool, len(values))
	for _, v := range values {
		taken[v] = false
	}
	err := it.inQuery(query, values, func(row scanner) error {
		var v string
		err := row.Scan(&v)
		taken[v] = true
		return err
	})
	return taken, err
}

// taken says whether value is taken: from known, looked up in advance, or
// else by asking the database with query (a COUNT of value).
func (it *ImportTx) taken(known map[string]bool, query, value string) (bool, error) {
	if taken, ok := known[value]; ok {
		return taken, nil
	}
	var n int
	err := it.tx.QueryRowContext(it.ctx, query, value).Scan(&n)
	return n > 0, err
}

// A query for ImportTx.taken.
const (
	sourceKeyCount = `SELECT COUNT(*) FROM tracker_items WHERE source_key = $1`
	slugCount      = `SELECT COUNT(*) FROM organisations WHERE slug = $1`
)

func (it *ImportTx) prefetchOrganisations(p Prefetch) error {
	b := &it.batch
	b.byODS, b.byNumber, b.byName = map[string]*jigsaw.Organisation{}, map[string]*jigsaw.Organisation{}, map[string]*jigsaw.Organisation{}
	var names, slugs []string
	for _, n := range p.Names {
		slugs = append(slugs, jigsaw.Slugify(n))
		// Only names whose lower case both databases and Go agree on.
		if n = asciiLower(n); n != "" {
			names = append(names, n)
		}
	}
	var err error
	if b.slugs, err = it.prefetchTaken(`SELECT slug FROM organisations WHERE slug IN `, slugs); err != nil {
		return err
	}
	for _, q := range []struct {
		m      map[string]*jigsaw.Organisation
		keys   []string
		column string // the value that is the key, then the condition
	}{
		{b.byODS, p.ODSCodes, `ods_code, ` + orgColumns + ` FROM organisations WHERE ods_code <> '' AND ods_code IN `},
		{b.byNumber, p.CompanyNumbers, `company_number, ` + orgColumns + ` FROM organisations WHERE company_number <> '' AND company_number IN `},
		{b.byName, names, `lower(name), ` + orgColumns + ` FROM organisations WHERE lower(name) IN `},
	} {
		for _, k := range q.keys {
			q.m[k] = nil
		}
		err := it.inQuery(`SELECT `+q.column, q.keys, func(row scanner) error {
			var key string
			o, err := scanOrganisation(keyed{row, &key})
			if err == nil && (q.m[key] == nil || o.ID < q.m[key].ID) {
				q.m[key] = o
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// asciiLower is s in lower case if it is all ASCII, else "".
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ""
		}
	}
	return strings.ToLower(s)
}

// OrganisationByODSCode returns the organisation with code, or nil.
func (it *ImportTx) OrganisationByODSCode(code string) (*jigsaw.Organisation, error) {
	code = strings.ToUpper(code)
	if o, known := it.batch.byODS[code]; known {
		return o, nil
	}
	return it.optionalOrg(byODSCode, code)
}

// OrganisationByCompanyNumber returns the organisation with number, or nil.
func (it *ImportTx) OrganisationByCompanyNumber(number string) (*jigsaw.Organisation, error) {
	number = strings.ToUpper(number)
	if o, known := it.batch.byNumber[number]; known {
		return o, nil
	}
	return it.optionalOrg(byCompanyNumber, number)
}

// OrganisationByName returns the organisation named name, ignoring case, or
// nil. When several share the name, the oldest wins, so repeated imports keep
// linking to the same one.
func (it *ImportTx) OrganisationByName(name string) (*jigsaw.Organisation, error) {
	if o, known := it.batch.byName[asciiLower(name)]; known {
		return o, nil
	}
	return it.optionalOrg("lower(name) = lower($1) ORDER BY id LIMIT 1", name)
}

func (it *ImportTx) optionalOrg(where string, arg any) (*jigsaw.Organisation, error) {
	if len(it.batch.orgs) > 0 {
		if err := it.flush(); err != nil {
			return nil, err
		}
	}
	o, err := findOrganisation(it.ctx, it.tx, where, arg)
	if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
		return nil, nil
	}
	if err == nil {
		it.nameOrg(o)
	}
	return o, err
}

// CreateOrganisation adds o, giving it a free slug when its name's is taken
// (two companies may share a name; their numbers tell them apart). It is
// checked and given its ID at once, and written with the next batch.
func (it *ImportTx) CreateOrganisation(o *jigsaw.Organisation) error {
	b := &it.batch
	o.Normalize()
	if err := o.Validate(); err != nil {
		return err
	}
	base := o.Slug
	for n := 2; ; n++ {
		taken, err := it.taken(b.slugs, slugCount, o.Slug)
		if err != nil {
			return err
		}
		if !taken {
			break
		}
		o.Slug = fmt.Sprintf("%s-%d", base, n)
	}
	if o.ParentID != 0 {
		// Rare in an import: written at once, after what waits, so that
		// the parent is checked as anywhere else.
		if err := it.flush(); err != nil {
			return err
		}
		if err := it.db.createOrganisation(it.ctx, it.tx, o); err != nil {
			return err
		}
		delete(b.lastID, "organisations") // the database gave this one its id
	} else {
		ids, err := it.newIDs("organisations", 1)
		if err != nil {
			return err
		}
		now := it.db.now()
		o.ID, o.CreatedAt, o.UpdatedAt, o.Version = ids[0], now, now, 1
		b.orgs = append(b.orgs, o)
		after, err := orgSnapshot(it.ctx, it.tx, o)
		if err != nil {
			return err
		}
		if err := it.addRevision(jigsaw.ObjectOrganisation, o.ID, "create", diff(nil, after)); err != nil {
			return err
		}
	}
	it.changed = true
	b.slugs[o.Slug] = true
	it.organisationChanged(o)
	if len(b.orgs) >= flushAt {
		return it.flush()
	}
	return nil
}

// UpdateOrganisation saves o, which must have been read in this import.
func (it *ImportTx) UpdateOrganisation(o *jigsaw.Organisation) error {
	if err := it.flush(); err != nil {
		return err
	}
	it.changed = true
	if err := it.db.updateOrganisation(it.ctx, it.tx, o); err != nil {
		return err
	}
	it.organisationChanged(o)
	return nil
}

// organisationChanged brings what is known in advance up to date with o,
// just written.
func (it *ImportTx) organisationChanged(o *jigsaw.Organisation) {
	b := &it.batch
	it.nameOrg(o)
	if _, known := b.byODS[o.ODSCode]; known && o.ODSCode != "" {
		b.byODS[o.ODSCode] = o
	}
	if old, known := b.byNumber[o.CompanyNumber]; known && o.CompanyNumber != "" && (old == nil || o.ID < old.ID) {
		b.byNumber[o.CompanyNumber] = o
	}
	if k := asciiLower(o.Name); k != "" {
		if old, known := b.byName[k]; known && (old == nil || o.ID < old.ID) {
			b.byName[k] = o
		}
	}
}

// addRevision adds a revision to the batch.
func (it *ImportTx) addRevision(objectType string, id int64, action string, changes []jigsaw.FieldChange) error {
	b := &it.batch
	if err := it.db.addRevision(it.ctx, &b.revisions, objectType, id, action, changes); err != nil {
		return err
	}
	if b.revisions.rows >= flushAt {
		return it.flush()
	}
	return nil
}

type scanner interface{ Scan(...any) error }

// keyed scans a row's first column into key and the rest as row would.
type keyed struct {
	row scanner
	key *string
}

func (k keyed) Scan(dest ...any) error { return k.row.Scan(append([]any{k.key}, dest...)...) }

// inQuery runs query, which ends in "IN ", for values inList at a time,
// calling fn for each row. Each list is filled up to inList with its first
// value, so that the statement is prepared once.
func (it *ImportTx) inQuery(query string, values []string, fn func(scanner) error) error {
	values = slices.Compact(slices.Sorted(slices.Values(values)))
	args := make([]any, inList)
	for first := 0; first < len(values); first += inList {
		chunk := values[first:min(first+inList, len(values))]
		for i := range args {
			args[i] = chunk[0]
			if i < len(chunk) {
				args[i] = chunk[i]
			}
		}
		rows, err := it.tx.QueryContext(it.ctx, query+"("+placeholders(1, inList)+")", args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := fn(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (s *releaseState) add(id, date string) {
	s.ids = append(s.ids, id)
	s.newest = max(s.newest, date)
}

// OCDSRelease says whether the release (ocid, id) was applied before, and
// the date of the newest release of ocid applied so far ("" if none).
func (it *ImportTx) OCDSRelease(ocid, id string) (applied bool, newest string, err error) {
	s, err := it.releaseState(ocid)
	if err != nil {
		return false, "", err
	}
	return slices.Contains(s.ids, id), s.newest, nil
}

func (it *ImportTx) releaseState(ocid string) (*releaseState, error) {
	b := &it.batch
	if s, ok := b.releases[ocid]; ok {
		return s, nil
	}
	s := &releaseState{}
	rows, err := it.tx.QueryContext(it.ctx, `SELECT release_id, release_date FROM ocds_releases WHERE ocid = $1`, ocid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, date string
		if err := rows.Scan(&id, &date); err != nil {
			return nil, err
		}
		s.add(id, date)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	b.releases[ocid] = s
	return s, nil
}

// MarkOCDSRelease records that the release (ocid, id) dated date was applied.
func (it *ImportTx) MarkOCDSRelease(ocid, id, date string) error {
	s, err := it.releaseState(ocid)
	if err != nil {
		return err
	}
	s.add(id, date)
	it.batch.marks.add(ocid, id, date, it.db.now())
	if it.batch.marks.rows >= flushAt {
		return it.flush()
	}
	return nil
}

// TrackerItemBySourceKey returns the item an earlier import (or this one)
// made under key, or nil.
func (it *ImportTx) TrackerItemBySourceKey(key string) (*jigsaw.TrackerItem, error) {
	if it.batch.keys[key] {
		if err := it.flush(); err != nil {
			return nil, err
		}
	} else if taken, err := it.taken(it.batch.taken, sourceKeyCount, key); err != nil || !taken {
		// Most keys of a first import are new: ask cheaply before reading all.
		return nil, err
	}
	t, err := findTrackerItem(it.ctx, it.tx, false, "source_key = $1", key)
	if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
		return nil, nil
	}
	return t, err
}

// CreateTrackerItem adds t (a draft, unless the caller says otherwise). It
// is checked at once and written with the next batch: its ID is set then,
// by the time the import commits.
func (it *ImportTx) CreateTrackerItem(t *jigsaw.TrackerItem) error {
	b := &it.batch
	if err := checkTrackerItem(it.ctx, it.tx, t, b.orgNames); err != nil {
		return err
	}
	if t.SourceKey != "" {
		// Refused now, not when the batch is written: the error belongs to
		// this record.
		taken, err := it.taken(b.taken, sourceKeyCount, t.SourceKey)
		if err != nil {
			return err
		}
		if b.keys[t.SourceKey] || taken {
			return sourceKeyConflict(jigsaw.Errorf(jigsaw.ECONFLICT, "source key %q taken", t.SourceKey))
		}
	}
	it.changed = true
	now := it.db.now()
	t.CreatedAt, t.UpdatedAt, t.PublishedAt, t.Version = now, now, time.Time{}, 1
	if t.Published {
		t.PublishedAt = now
	}
	b.items = append(b.items, t)
	if t.SourceKey != "" {
		b.keys[t.SourceKey] = true
	}
	if len(b.items) >= flushAt {
		return it.flush()
	}
	return nil
}

// UpdateTrackerItem saves t, which must have been read in this import.
func (it *ImportTx) UpdateTrackerItem(t *jigsaw.TrackerItem) error {
	if err := it.flush(); err != nil {
		return err
	}
	it.changed = true
	return it.db.updateTrackerItem(it.ctx, it.tx, t)
}

// flush writes what waits: organisations first, which items name.
func (it *ImportTx) flush() error {
	b := &it.batch
	if len(b.orgs) > 0 {
		if err := it.writeOrganisations(b.orgs); err != nil {
			return err
		}
		clear(b.orgs)
		b.orgs = b.orgs[:0]
	}
	if len(b.items) > 0 {
		if err := it.writeItems(b.items); err != nil {
			return err
		}
		for _, t := range b.items {
			if _, known := b.taken[t.SourceKey]; known {
				b.taken[t.SourceKey] = true
			}
		}
		clear(b.items)
		b.items = b.items[:0]
		clear(b.keys)
	}
	if err := it.db.insertRevisions(it.ctx, it.tx, &b.revisions); err != nil {
		return err
	}
	return b.marks.insert(it.ctx, it.tx, `ocds_releases (ocid, release_id, release_date, imported_at)`)
}

func (it *ImportTx) writeOrganisations(orgs []*jigsaw.Organisation) error {
	rows := it.db.newRows()
	for _, o := range orgs {
		rows.add(o.ID, o.Slug, o.Name, o.Kind, o.ODSCode, o.CompanyNumber, idOrNull(o.ParentID), o.Region, o.Website,
			o.CoalitionMember, o.OpenedOn, o.ClosedOn, o.CreatedAt, o.UpdatedAt)
	}
	err := rows.insert(it.ctx, it.tx, `organisations (id, slug, name, kind, ods_code, company_number, parent_id, region, website,
		coalition_member, opened_on, closed_on, created_at, updated_at)`)
	return it.db.mapError(err)
}

func (it *ImportTx) writeItems(items []*jigsaw.TrackerItem) error {
	ctx, tx := it.ctx, it.tx
	ids, err := it.newIDs("tracker_items", len(items))
	if err != nil {
		return err
	}
	rows := it.db.newRows()
	for i, t := range items {
		t.ID = ids[i]
		rows.add(t.ID, t.Kind, t.Title, t.Summary, t.Status, t.StatusOn, t.ReportedOn, t.DecidedOn, t.EffectiveOn, t.EndsOn,
			t.ValuePence, t.StaffAffected, t.District, t.Area, textOrNull(t.SourceKey), timeOrNull(t.PublishedAt), t.CreatedAt, t.UpdatedAt)
	}
	err = rows.insert(ctx, tx, `tracker_items (id, kind, title, summary, status, status_on, reported_on, decided_on, effective_on, ends_on,
		value_pence, staff_affected, district, area, source_key, published_at, created_at, updated_at)`)
	if err != nil {
		return sourceKeyConflict(it.db.mapError(err))
	}
	if err := it.db.writeTrackerLists(ctx, tx, items...); err != nil {
		return err
	}
	for _, t := range items {
		if err := it.db.addRevision(ctx, &it.batch.revisions, jigsaw.ObjectTrackerItem, t.ID, "create", diff(nil, trackerSnapshot(t))); err != nil {
			return err
		}
	}
	return nil
}

// newIDs returns n ids for new rows of table. SQLite's follow the largest
// in the table or given in this import (which holds the only write
// transaction); PostgreSQL's come from the column's sequence, which other
// processes share, a few dozen at a time.
func (it *ImportTx) newIDs(table string, n int) ([]int64, error) {
	b := &it.batch
	ids := make([]int64, 0, n)
	if it.db.Engine == SQLite {
		last, ok := b.lastID[table]
		if !ok {
			if err := it.tx.QueryRowContext(it.ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
				return nil, err
			}
		}
		for range n {
			last++
			ids = append(ids, last)
		}
		b.lastID[table] = last
		return ids, nil
	}
	if pool := b.idPool[table]; len(pool) < n {
		rows, err := it.tx.QueryContext(it.ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, max(n-len(pool), 64))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			pool = append(pool, id)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		b.idPool[table] = pool
	}
	pool := b.idPool[table]
	if len(pool) < n {
		return nil, fmt.Errorf("asked for %d ids of %s, got %d", n, table, len(pool))
	}
	ids = append(ids, pool[:n]...)
	b.idPool[table] = pool[n:]
	return ids, nil
}

// nameOrg remembers o's slug and name for the items that name it.
func (it *ImportTx) nameOrg(o *jigsaw.Organisation) {
	it.batch.orgNames[o.ID] = [2]string{o.Slug, o.Name}
}
