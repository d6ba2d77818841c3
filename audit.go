package jigsaw

import "time"

// AuditEntry is one line of the audit log: who did what to which object,
// when and from where. Entries are never removed, and never changed except that
// their address and detail are blanked: when a person is erased, and after the
// retention period for addresses.
type AuditEntry struct {
	ID         int64
	At         time.Time
	UserID     int64  // 0 for the public or the system
	Actor      string // the user's email at the time, "public" or "system"
	Action     string // e.g. "sign-in", "role-change", "story-publish", "person-view"
	ObjectType string // e.g. "user", "story", "person"
	ObjectID   int64
	Detail     string
	IP         string
}

// AuditFilter selects audit entries. Zero fields do not filter.
type AuditFilter struct {
	UserID     int64
	Action     string
	ObjectType string
	ObjectID   int64
	Since      time.Time
	Until      time.Time
	Limit      int
	Offset     int
}
