package store

import (
	"database/sql"
	"strings"
	"time"

	"jigsaw"
)

// where builds a WHERE clause: the one builder of every list's query. In a
// condition each "?" stands for the next of the arguments given with it;
// the placeholders are numbered as both engines expect.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// sql returns the conditions joined with AND ("1 = 1" when there are none).
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return "1 = 1"
	}
	return strings.Join(w.conds, " AND ")
}

// page appends LIMIT and OFFSET arguments and returns their clause.
func (w *where) page(limit, offset int) string {
	w.args = append(w.args, limit, offset)
	return ` LIMIT $` + itoa(len(w.args)-1) + ` OFFSET $` + itoa(len(w.args))
}

// collect scans every row with scan, closing rows.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// after adds the condition of keyset paging to a list ordered by (key, id),
// descending when desc: the rows past the item a. arg is how the key is
// given, with one "?" for it (e.g. "lower(?)", to compare as the order
// does); id must name the list's id column.
func (w *where) after(key, id, arg string, desc bool, a *jigsaw.After, keyValue any) {
	op := " > "
	if desc {
		op = " < "
	}
	w.add("("+key+", "+id+")"+op+"("+arg+", ?)", keyValue, a.ID)
}

// afterTime reads the key of a list ordered by a time: RFC 3339.
func afterTime(a *jigsaw.After) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, a.Key)
	if err != nil {
		return time.Time{}, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Bad query parameter: cursor is not a position in this list.",
			Fields: map[string]string{"cursor": "is not a position in this list."}}
	}
	return t.UTC(), nil
}
