package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"jigsaw"
)

// orgLink is a table whose rows name an organisation: column holds its ID,
// and no two rows may agree on column and every one of same.
type orgLink struct {
	table, column string
	same          []string
}

// orgLinks are the tables MergeOrganisations re-points. A new table that
// refers to organisations must be added here: the store suite compares
// this list with the schema's foreign keys and fails until it is.
var orgLinks = []orgLink{
	{"story_organisations", "organisation_id", []string{"story_id"}},
	{"tracker_organisations", "organisation_id", []string{"tracker_id", "role"}},
	{"dispute_parties", "organisation_id", []string{"dispute_id", "role"}},
	{"story_replies", "organisation_id", []string{"id"}},
	{"campaign_organisations", "organisation_id", []string{"campaign_id"}},
	{"topic_organisations", "organisation_id", []string{"topic_id"}},
	{"representatives", "organisation_id", []string{"id"}},
	{"representative_interests", "organisation_id", []string{"id"}},
	{"seats", "body_id", []string{"id"}},
	{"seats", "member_org_id", []string{"id"}},
	{"event_organisers", "organisation_id", []string{"event_id"}},
	{"pledges", "keeper_id", []string{"id"}},
	{"pledge_targets", "organisation_id", []string{"pledge_id"}},
	{"pledge_targets", "party_id", []string{"id"}},
	{"resources", "organisation_id", []string{"id"}},
	{"webhooks", "organisation_id", []string{"id"}},
}

// OrganisationReferences lists, as "table.column", every reference to an
// organisation MergeOrganisations takes care of: the links above, the
// parent of each organisation, and the record of past merges.
func OrganisationReferences() []string {
	out := []string{"organisations.parent_id", "organisation_merges.survivor_id"}
	for _, l := range orgLinks {
		out = append(out, l.table+"."+l.column)
	}
	return out
}

// ForeignKeysTo lists, as "table.column", every column of the schema that
// is a foreign key to table. It lets the store suite check that code
// handling every reference to a table knows them all.
func (db *DB) ForeignKeysTo(ctx context.Context, table string) (_ []string, err error) {
	defer wrap(&err, "store.ForeignKeysTo")
	var query string
	if db.Engine == Postgres {
		query = `SELECT kcu.table_name || '.' || kcu.column_name
			FROM information_schema.referential_constraints rc
			JOIN information_schema.key_column_usage kcu
				ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
			JOIN information_schema.constraint_column_usage ccu
				ON ccu.constraint_name = rc.unique_constraint_name AND ccu.constraint_schema = rc.unique_constraint_schema
			WHERE rc.constraint_schema = current_schema() AND ccu.table_name = $1
			ORDER BY 1`
	} else {
		query = `SELECT m.name || '.' || p."from" FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) p
			WHERE m.type = 'table' AND p."table" = $1 ORDER BY 1`
	}
	rows, err := db.read.QueryContext(ctx, query, table)
	if err != nil {
		return nil, db.mapError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, db.mapError(err)
		}
		out = append(out, s)
	}
	return out, db.mapError(rows.Err())
}

// MergeOrganisations implements jigsaw.OrganisationService.
func (db *DB) MergeOrganisations(ctx context.Context, survivorID, duplicateID int64) (err error) {
	defer wrap(&err, "store.MergeOrganisations")
	if survivorID == duplicateID {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "An organisation cannot be merged into itself.",
			Fields: map[string]string{"into": "An organisation cannot be merged into itself: choose another."}}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		survivor, err := findOrganisation(ctx, tx, "id = $1", survivorID)
		if err != nil {
			return intoMissing(err)
		}
		dup, err := findOrganisation(ctx, tx, "id = $1", duplicateID)
		if err != nil {
			return err
		}
		before, err := orgSnapshot(ctx, tx, survivor)
		if err != nil {
			return err
		}
		exec := func(query string, args ...any) error {
			_, err := tx.ExecContext(ctx, query, args...)
			return err
		}
		for _, l := range orgLinks {
			// Move the duplicate's rows unless the survivor already has the
			// same one; the rest go with the duplicate's deletion below.
			match := ""
			for _, c := range l.same {
				match += fmt.Sprintf(" AND o.%s = %s.%s", c, l.table, c)
			}
			if err := exec(fmt.Sprintf(`UPDATE %[1]s SET %[2]s = $1 WHERE %[2]s = $2
				AND NOT EXISTS (SELECT 1 FROM %[1]s o WHERE o.%[2]s = $1%[3]s)`, l.table, l.column, match), survivorID, duplicateID); err != nil {
				return err
			}
		}
		if err := exec(`UPDATE organisations SET parent_id = $1, version = version + 1 WHERE parent_id = $2 AND id <> $1`, survivorID, duplicateID); err != nil {
			return err
		}
		// A survivor that was the duplicate's child takes its place under
		// the duplicate's parent; a survivor without a parent adopts the
		// duplicate's, unless that would make a loop.
		if survivor.ParentID == duplicateID || survivor.ParentID == 0 {
			survivor.ParentID = 0
			if dup.ParentID != 0 && checkParentCycle(ctx, tx, survivorID, dup.ParentID) == nil {
				survivor.ParentID = dup.ParentID
			}
		}
		if err := exec(`UPDATE revisions SET object_id = $1 WHERE object_type = $2 AND object_id = $3`,
			survivorID, jigsaw.ObjectOrganisation, duplicateID); err != nil {
			return err
		}
		if err := exec(`UPDATE organisation_merges SET survivor_id = $1 WHERE survivor_id = $2`, survivorID, duplicateID); err != nil {
			return err
		}
		now := db.now()
		if err := exec(`INSERT INTO organisation_merges (old_id, old_slug, survivor_id, merged_at) VALUES ($1, $2, $3, $4)`,
			duplicateID, dup.Slug, survivorID, now); err != nil {
			return err
		}
		// The duplicate goes before the survivor takes its identifiers,
		// which are unique.
		if err := exec(`DELETE FROM organisations WHERE id = $1`, duplicateID); err != nil {
			return err
		}
		fill := func(have *string, from string) {
			if *have == "" {
				*have = from
			}
		}
		fill(&survivor.ODSCode, dup.ODSCode)
		fill(&survivor.CompanyNumber, dup.CompanyNumber)
		fill(&survivor.Region, dup.Region)
		fill(&survivor.Website, dup.Website)
		fill(&survivor.OpenedOn, dup.OpenedOn)
		fill(&survivor.ClosedOn, dup.ClosedOn)
		survivor.CoalitionMember = survivor.CoalitionMember || dup.CoalitionMember
		survivor.UpdatedAt = now
		if err := updateOrganisationRow(ctx, tx, survivor); err != nil {
			return err
		}
		after, err := orgSnapshot(ctx, tx, survivor)
		if err != nil {
			return err
		}
		changes := append([]jigsaw.FieldChange{{Field: "merged", New: fmt.Sprintf("%s (%s, number %d)", dup.Name, dup.Slug, dup.ID)}}, diff(before, after)...)
		if err := db.recordRevision(ctx, tx, jigsaw.ObjectOrganisation, survivorID, "merge", changes); err != nil {
			return err
		}
		e := &jigsaw.AuditEntry{Action: "organisation-merge", ObjectType: jigsaw.ObjectOrganisation, ObjectID: survivorID,
			Detail: "merged " + strconv.Quote(dup.Name) + " (" + strconv.FormatInt(dup.ID, 10) + ") into it"}
		if u := jigsaw.UserFromContext(ctx); u != nil {
			e.UserID, e.Actor = u.ID, u.Email
		}
		return db.recordAudit(ctx, tx, e)
	})
}

func intoMissing(err error) error {
	if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The organisation to merge into does not exist.",
			Fields: map[string]string{"into": "No such organisation."}}
	}
	return err
}

// FindMergedOrganisation implements jigsaw.OrganisationService.
func (db *DB) FindMergedOrganisation(ctx context.Context, key string) (_ *jigsaw.Organisation, err error) {
	defer wrap(&err, "store.FindMergedOrganisation")
	where, arg := "m.old_slug = $1", any(key)
	if id, err := strconv.ParseInt(key, 10, 64); err == nil {
		where, arg = "m.old_id = $1", id
	}
	o, err := findOrganisation(ctx, db.read, `id = (SELECT m.survivor_id FROM organisation_merges m WHERE `+where+`
		ORDER BY m.merged_at DESC LIMIT 1)`, arg)
	return o, db.mapError(err)
}
