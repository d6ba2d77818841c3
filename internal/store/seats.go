package store

import (
	"context"
	"database/sql"
	"strconv"

	"jigsaw"
)

var _ jigsaw.SeatService = (*DB)(nil)

const seatColumns = `s.id, s.kind, s.title, s.body_id, b.slug, b.name, s.holder, COALESCE(s.representative_id, 0), COALESCE(r.name, ''),
	COALESCE(s.member_org_id, 0), COALESCE(m.slug, ''), COALESCE(m.name, ''), s.state, s.decided_on, s.term_end,
	COALESCE(s.plan_id, 0), COALESCE(p.name, ''), s.note, s.version, s.created_at, s.updated_at`

// seatFrom joins the names a seat shows.
const seatFrom = ` FROM seats s JOIN organisations b ON b.id = s.body_id
	LEFT JOIN organisations m ON m.id = s.member_org_id
	LEFT JOIN representatives r ON r.id = s.representative_id
	LEFT JOIN plans p ON p.id = s.plan_id`

func scanSeat(row interface{ Scan(...any) error }) (*jigsaw.Seat, error) {
	var s jigsaw.Seat
	if err := row.Scan(&s.ID, &s.Kind, &s.Title, &s.BodyID, &s.BodySlug, &s.BodyName, &s.Holder, &s.RepresentativeID, &s.RepresentativeName,
		&s.MemberOrgID, &s.MemberOrgSlug, &s.MemberOrgName, &s.State, &s.Date, &s.TermEnd,
		&s.PlanID, &s.PlanName, &s.Note, &s.Version, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

// CreateSeat implements jigsaw.SeatService.
func (db *DB) CreateSeat(ctx context.Context, s *jigsaw.Seat) (err error) {
	defer wrap(&err, "store.CreateSeat")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkSeat(ctx, tx, s); err != nil {
			return err
		}
		now := db.now()
		s.CreatedAt, s.UpdatedAt, s.Version = now, now, 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO seats (kind, title, body_id, holder, representative_id, member_org_id, state,
			decided_on, term_end, plan_id, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			s.Kind, s.Title, s.BodyID, s.Holder, idOrNull(s.RepresentativeID), idOrNull(s.MemberOrgID), s.State,
			s.Date, s.TermEnd, idOrNull(s.PlanID), s.Note, now, now).Scan(&s.ID); err != nil {
			return err
		}
		after, err := findSeat(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		return db.recordRevision(ctx, tx, jigsaw.ObjectSeat, s.ID, "create", diff(nil, seatSnapshot(after)))
	})
}

// UpdateSeat implements jigsaw.SeatService.
func (db *DB) UpdateSeat(ctx context.Context, s *jigsaw.Seat) (err error) {
	defer wrap(&err, "store.UpdateSeat")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := findSeat(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("seat", s.Version, before.Version); err != nil {
			return err
		}
		if err := checkSeat(ctx, tx, s); err != nil {
			return err
		}
		s.CreatedAt, s.UpdatedAt = before.CreatedAt, db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE seats SET kind = $1, title = $2, body_id = $3, holder = $4, representative_id = $5,
			member_org_id = $6, state = $7, decided_on = $8, term_end = $9, plan_id = $10, note = $11, updated_at = $12,
			version = version + 1 WHERE id = $13`,
			s.Kind, s.Title, s.BodyID, s.Holder, idOrNull(s.RepresentativeID), idOrNull(s.MemberOrgID), s.State,
			s.Date, s.TermEnd, idOrNull(s.PlanID), s.Note, s.UpdatedAt, s.ID); err != nil {
			return err
		}
		after, err := findSeat(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		s.Version = after.Version
		return db.recordRevision(ctx, tx, jigsaw.ObjectSeat, s.ID, "update", diff(seatSnapshot(before), seatSnapshot(after)))
	})
}

// checkSeat tidies and checks s, and that what it names exists.
func checkSeat(ctx context.Context, tx *sql.Tx, s *jigsaw.Seat) error {
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	p := jigsaw.Problems{}
	if !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, s.BodyID) {
		p.Add("body", "No such organisation.")
	}
	if s.MemberOrgID != 0 && !exists(ctx, tx, `SELECT count(*) FROM organisations WHERE id = $1`, s.MemberOrgID) {
		p.Add("member_organisation", "No such organisation.")
	}
	if s.RepresentativeID != 0 && !exists(ctx, tx, `SELECT count(*) FROM representatives WHERE id = $1`, s.RepresentativeID) {
		p.Add("representative_id", "There is no person in a public role numbered "+strconv.FormatInt(s.RepresentativeID, 10)+".")
	}
	if s.PlanID != 0 && !exists(ctx, tx, `SELECT count(*) FROM plans WHERE id = $1`, s.PlanID) {
		p.Add("plan_id", "There is no plan numbered "+strconv.FormatInt(s.PlanID, 10)+".")
	}
	return p.Err()
}

func findSeat(ctx context.Context, q querier, id int64) (*jigsaw.Seat, error) {
	s, err := scanSeat(q.QueryRowContext(ctx, `SELECT `+seatColumns+seatFrom+` WHERE s.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "Seat %d not found.", id)
	}
	return s, err
}

// findSeats reads the seats that cond selects, in the order given.
func findSeats(ctx context.Context, q querier, cond string, args []any, order string) ([]*jigsaw.Seat, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+seatColumns+seatFrom+` WHERE `+cond+order, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*jigsaw.Seat
	for rows.Next() {
		s, err := scanSeat(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindSeatByID implements jigsaw.PublicSeatService.
func (db *DB) FindSeatByID(ctx context.Context, id int64) (_ *jigsaw.Seat, err error) {
	defer wrap(&err, "store.FindSeatByID")
	s, err := findSeat(ctx, readQuerier{db}, id)
	return s, db.mapError(err)
}

// FindSeats implements jigsaw.PublicSeatService.
func (db *DB) FindSeats(ctx context.Context, f jigsaw.SeatFilter) (_ []*jigsaw.Seat, _ int, err error) {
	defer wrap(&err, "store.FindSeats")
	var w where
	if f.Kind != "" {
		w.add("s.kind = ?", f.Kind)
	}
	if f.State != "" {
		w.add("s.state = ?", f.State)
	}
	if f.RepresentativeID != 0 {
		w.add("s.representative_id = ?", f.RepresentativeID)
	}
	if f.OrgID != 0 {
		w.add("(s.body_id = ? OR s.member_org_id = ?)", f.OrgID, f.OrgID)
	}
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "seats s", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	if f.After != nil {
		w.after("s.decided_on", "s.id", "?", true, f.After, f.After.Key)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	// Undated seats ('' sorts before any date) come last.
	out, err := findSeats(ctx, readQuerier{db}, cond, w.args, ` ORDER BY s.decided_on DESC, s.id DESC`+page)
	return out, total, db.mapError(err)
}

// seatSnapshot is the seat as the edit history compares it.
func seatSnapshot(s *jigsaw.Seat) snapshot {
	var sn snapshot
	sn.add("kind", string(s.Kind))
	sn.add("title", s.Title)
	sn.add("body", s.BodyName)
	sn.add("holder", s.Holder)
	sn.add("representative", s.RepresentativeName)
	sn.add("member_organisation", s.MemberOrgName)
	sn.add("state", string(s.State))
	sn.add("date", s.Date)
	sn.add("term_end", s.TermEnd)
	sn.add("plan", s.PlanName)
	sn.add("note", s.Note)
	return sn
}
