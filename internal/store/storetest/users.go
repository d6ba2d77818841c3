package storetest

import (
	"context"
	"testing"

	"jigsaw"
)

func (s *suite) testUsers(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	u := &jigsaw.User{Email: "Editor@Example.org", Name: "Ed", Role: jigsaw.RoleEditor}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindUserByEmail(ctx, "editor@example.ORG")
	if err != nil || got.ID != u.ID || got.Role != jigsaw.RoleEditor || got.Email != "Editor@Example.org" {
		t.Fatalf("FindUserByEmail: %+v %v", got, err)
	}
	if err := db.CreateUser(ctx, &jigsaw.User{Email: "EDITOR@example.org", Role: jigsaw.RoleAdmin}); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("same email in another case: got %v, want ECONFLICT", err)
	}
	for _, bad := range []jigsaw.User{{Email: "not an email", Role: jigsaw.RoleEditor}, {Email: "a@example.org", Role: "owner"}} {
		if err := db.CreateUser(ctx, &bad); jigsaw.ErrorCode(err) != jigsaw.EINVALID {
			t.Errorf("CreateUser(%+v): got %v, want EINVALID", bad, err)
		}
	}
	if _, err := db.FindUserByID(ctx, 9999); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("missing user: %v", err)
	}
}

func (s *suite) testAudit(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	u := &jigsaw.User{Email: "mod@example.org", Role: jigsaw.RoleModerator}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, e := range []*jigsaw.AuditEntry{
		{UserID: u.ID, Actor: u.Email, Action: "sign-in", IP: "127.0.0.1"},
		{UserID: u.ID, Actor: u.Email, Action: "person-view", ObjectType: "person", ObjectID: 7},
		{Action: "mail-sent"},
	} {
		if err := db.RecordAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	all, total, err := db.FindAudit(ctx, jigsaw.AuditFilter{})
	if err != nil || total != 3 || all[0].Action != "mail-sent" || all[0].Actor != "system" {
		t.Fatalf("FindAudit: %d %+v %v", total, all, err)
	}
	views, total, _ := db.FindAudit(ctx, jigsaw.AuditFilter{UserID: u.ID, ObjectType: "person", ObjectID: 7})
	if total != 1 || views[0].Action != "person-view" || views[0].At.IsZero() {
		t.Fatalf("filtered: %d %+v", total, views)
	}
	// Not even raw SQL can change or remove an entry.
	for _, stmt := range []string{`UPDATE audit_log SET action = 'nothing' WHERE id = $1`, `DELETE FROM audit_log WHERE id = $1`} {
		if err := db.ExecRaw(ctx, stmt, views[0].ID); err == nil {
			t.Errorf("%s: the audit log was changed", stmt)
		}
	}
	if _, total, _ := db.FindAudit(ctx, jigsaw.AuditFilter{Action: "person-view"}); total != 1 {
		t.Fatalf("person-view entries: %d after the attempts, want 1", total)
	}
}
