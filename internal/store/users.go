package store

import (
	"context"
	"database/sql"
	"net/mail"
	"strings"

	"jigsaw"
)

const userColumns = `id, email, name, role, created_at, disabled_at`

func scanUser(row interface{ Scan(...any) error }) (*jigsaw.User, error) {
	var u jigsaw.User
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, nullTime{&u.DisabledAt}); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// CreateUser stores u (without a password) and sets its ID. Returns
// EINVALID for a bad email or role and ECONFLICT if the email is taken.
func (db *DB) CreateUser(ctx context.Context, u *jigsaw.User) (err error) {
	defer wrap(&err, "store.CreateUser")
	u.Email = strings.TrimSpace(u.Email)
	p := jigsaw.Problems{}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		p.Add("email", "Enter an email address such as name@example.org.")
	}
	if !jigsaw.Valid(jigsaw.Roles, u.Role) {
		p.Add("role", "Role must be admin, moderator or editor.")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		u.CreatedAt = db.now()
		err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, role, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			u.Email, u.Name, u.Role, u.CreatedAt).Scan(&u.ID)
		if jigsaw.ErrorCode(db.mapError(err)) == jigsaw.ECONFLICT {
			return &jigsaw.Error{Code: jigsaw.ECONFLICT, Message: "A user with that email already exists.",
				Fields: map[string]string{"email": "This email is already registered."}}
		}
		return err
	})
}

// FindUserByID returns ENOTFOUND if there is no such user.
func (db *DB) FindUserByID(ctx context.Context, id int64) (_ *jigsaw.User, err error) {
	defer wrap(&err, "store.FindUserByID")
	return db.findUser(ctx, "id = $1", id)
}

// FindUserByEmail matches the email case-insensitively; ENOTFOUND if none.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (_ *jigsaw.User, err error) {
	defer wrap(&err, "store.FindUserByEmail")
	return db.findUser(ctx, "lower(email) = lower($1)", strings.TrimSpace(email))
}

func (db *DB) findUser(ctx context.Context, where string, arg any) (*jigsaw.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if err == sql.ErrNoRows {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "User not found.")
	}
	return u, db.mapError(err)
}
