package store

import (
	"context"
	"encoding/json"

	"jigsaw"
)

var _ jigsaw.RevisionService = (*DB)(nil)

// snapshot is an object's fields as text, in a fixed order, for the edit
// history: two snapshots of one object diff field by field.
type snapshot []jigsaw.FieldChange

func (s *snapshot) add(field, value string) {
	*s = append(*s, jigsaw.FieldChange{Field: field, New: value})
}

// diff returns the fields whose value differs between before and after;
// before is nil for a new object, whose every non-empty field is listed.
func diff(before, after snapshot) []jigsaw.FieldChange {
	old := map[string]string{}
	for _, f := range before {
		old[f.Field] = f.New
	}
	var out []jigsaw.FieldChange
	seen := map[string]bool{}
	for _, f := range after {
		seen[f.Field] = true
		if o := old[f.Field]; o != f.New {
			out = append(out, jigsaw.FieldChange{Field: f.Field, Old: o, New: f.New})
		}
	}
	for _, f := range before {
		if !seen[f.Field] && f.New != "" {
			out = append(out, jigsaw.FieldChange{Field: f.Field, Old: f.New})
		}
	}
	return out
}

type actorKey struct{}

// withActor names who acts in ctx when no user does, e.g. an import from the
// command line, for the edit history.
func withActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// recordRevision appends a revision inside tx under the user in ctx (the
// system when there is none). An update that changed nothing is not
// recorded.
func (db *DB) recordRevision(ctx context.Context, tx Execer, objectType string, objectID int64, action string, changes []jigsaw.FieldChange) error {
	if len(changes) == 0 && action == "update" {
		return nil
	}
	rows := db.newRows()
	if err := db.addRevision(ctx, &rows, objectType, objectID, action, changes); err != nil {
		return err
	}
	return db.insertRevisions(ctx, tx, &rows)
}

const revisionsTable = `revisions (object_type, object_id, at, user_id, actor, action, changes)`

// changeKinds are the revisions' object types whose items the change log
// follows: every revision of a danger, a dispute or an event may change
// what the public sees of it, whichever path (form, API, import) wrote it.
var changeKinds = map[string]string{
	jigsaw.ObjectTrackerItem: jigsaw.ChangeDanger,
	jigsaw.ObjectDispute:     jigsaw.ChangeDispute,
	jigsaw.ObjectEvent:       jigsaw.ChangeEvent,
}

// insertRevisions writes rows (built by addRevision) to the revisions and
// logs the changes they stand for, emptying rows.
func (db *DB) insertRevisions(ctx context.Context, tx Execer, rows *multiRow) error {
	const cols = 7 // as addRevision adds them
	logged := db.newRows()
	for i := 0; i+cols <= len(rows.args); i += cols {
		if kind, ok := changeKinds[rows.args[i].(string)]; ok {
			logged.add(kind, rows.args[i+1], rows.args[i+2])
		}
	}
	if err := rows.insert(ctx, tx, revisionsTable); err != nil {
		return err
	}
	return logged.insert(ctx, tx, `changes (kind, object_id, at)`)
}

// addRevision adds a row for revisionsTable to rows, under the user in ctx
// (the system when there is none).
func (db *DB) addRevision(ctx context.Context, rows *multiRow, objectType string, objectID int64, action string, changes []jigsaw.FieldChange) error {
	if changes == nil {
		changes = []jigsaw.FieldChange{}
	}
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	var userID int64
	actor, _ := ctx.Value(actorKey{}).(string)
	if actor == "" {
		actor = "system"
	}
	if u := jigsaw.UserFromContext(ctx); u != nil {
		userID, actor = u.ID, u.Email
	}
	rows.add(objectType, objectID, db.now(), idOrNull(userID), actor, action, string(b))
	return nil
}

// FindRevisions implements jigsaw.RevisionService.
func (db *DB) FindRevisions(ctx context.Context, objectType string, objectID int64) (_ []*jigsaw.Revision, err error) {
	defer wrap(&err, "store.FindRevisions")
	rows, err := db.read.QueryContext(ctx, `SELECT id, object_type, object_id, at, COALESCE(user_id, 0), actor, action, changes
		FROM revisions WHERE object_type = $1 AND object_id = $2 ORDER BY at DESC, id DESC LIMIT 500`, objectType, objectID)
	if err != nil {
		return nil, db.mapError(err)
	}
	defer rows.Close()
	var out []*jigsaw.Revision
	for rows.Next() {
		var r jigsaw.Revision
		var changes string
		if err := rows.Scan(&r.ID, &r.ObjectType, &r.ObjectID, &r.At, &r.UserID, &r.Actor, &r.Action, &changes); err != nil {
			return nil, db.mapError(err)
		}
		r.At = r.At.UTC()
		if err := json.Unmarshal([]byte(changes), &r.Changes); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, db.mapError(rows.Err())
}
