package store

import (
	"database/sql"
	"strings"
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
