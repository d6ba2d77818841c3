package jigsaw

import (
	"context"
	"time"
)

// Role is what a signed-in user may do. Roles are ordered: an admin may do
// everything a moderator may, a moderator everything an editor may.
type Role string

// The roles.
const (
	RoleEditor    Role = "editor"
	RoleModerator Role = "moderator"
	RoleAdmin     Role = "admin"
)

// Roles lists every role with its label, least powerful first.
var Roles = []Choice[Role]{
	{RoleEditor, "Editor"},
	{RoleModerator, "Moderator"},
	{RoleAdmin, "Admin"},
}

func (r Role) rank() int {
	switch r {
	case RoleEditor:
		return 1
	case RoleModerator:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// AtLeast reports whether r grants everything min grants.
func (r Role) AtLeast(min Role) bool { return r.rank() > 0 && r.rank() >= min.rank() }

// User is a member of a coalition organisation who signs in.
type User struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	CreatedAt  time.Time
	DisabledAt time.Time
}

type contextKey int

const userContextKey contextKey = iota

// NewContextWithUser returns a copy of ctx that carries u.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userContextKey, u)
}

// UserFromContext returns the signed-in user, or nil for an anonymous request.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userContextKey).(*User)
	return u
}

// APIToken describes a user's API bearer token without its secret.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}
