package store

import (
	"database/sql"
	"strings"
)

// where builds a WHERE clause from conditions written with one "?" for
// their argument, numbering the placeholders as both engines expect.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.ReplaceAll(cond, "?", "$"+itoa(len(w.args))))
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
