package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// TestErrorsSayWhere checks that an error from a DB method names the
// operation in its text, for the log, while its code, its message and its
// field messages, for people, come through the wrapping unchanged.
func TestErrorsSayWhere(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.CreateUser(ctx, &jigsaw.User{Email: "ed@example.org", Role: jigsaw.RoleEditor}); err != nil {
			t.Fatal(err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		for _, tt := range []struct {
			name    string
			call    func() error
			op      string
			code    string
			message string
			field   string // a field that must keep its message, if any
			is      error  // an error that must stay reachable, if any
		}{
			{
				name:    "unknown email",
				call:    func() error { _, err := db.FindUserByEmail(ctx, "nobody@example.org"); return err },
				op:      "store.FindUserByEmail",
				code:    jigsaw.ENOTFOUND,
				message: "User not found.",
			},
			{
				name:    "unknown id",
				call:    func() error { _, err := db.FindUserByID(ctx, 9999); return err },
				op:      "store.FindUserByID",
				code:    jigsaw.ENOTFOUND,
				message: "User not found.",
			},
			{
				name: "email taken",
				call: func() error {
					return db.CreateUser(ctx, &jigsaw.User{Email: "ed@example.org", Role: jigsaw.RoleAdmin})
				},
				op:      "store.CreateUser",
				code:    jigsaw.ECONFLICT,
				message: "A user with that email already exists.",
				field:   "email",
			},
			{
				name:    "bad role",
				call:    func() error { return db.SetUserRole(ctx, 1, "owner", nil) },
				op:      "store.SetUserRole",
				code:    jigsaw.EINVALID,
				message: "Role must be admin, moderator or editor.",
				field:   "role",
			},
			{
				name:    "cancelled",
				call:    func() error { _, err := db.FindUsers(cancelled); return err },
				op:      "store.FindUsers",
				code:    jigsaw.EINTERNAL,
				message: "Internal error.",
				is:      context.Canceled,
			},
		} {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.call()
				if err == nil {
					t.Fatalf("got no error, want %s", tt.code)
				}
				if !strings.HasPrefix(err.Error(), tt.op+": ") {
					t.Errorf("error text %q does not begin with %q", err, tt.op+": ")
				}
				if got := jigsaw.ErrorCode(err); got != tt.code {
					t.Errorf("code: got %q, want %q", got, tt.code)
				}
				if got := jigsaw.ErrorMessage(err); got != tt.message {
					t.Errorf("message: got %q, want %q", got, tt.message)
				}
				if tt.field != "" && jigsaw.FieldErrors(err)[tt.field] == "" {
					t.Errorf("field errors %v lack %q", jigsaw.FieldErrors(err), tt.field)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("errors.Is(%v, %v) is false", err, tt.is)
				}
			})
		}
		// A method that succeeds returns a nil error, not a wrapped one.
		if _, err := db.FindUserByEmail(ctx, "ed@example.org"); err != nil {
			t.Errorf("FindUserByEmail of a known user: %v", err)
		}
	})
}
