package jigsaw

import (
	"context"
	"time"
)

// Revision records one change to a danger, dispute or organisation: who
// made it, when, and each field's value before and after. Revisions name
// users, so only editors and above see them.
type Revision struct {
	ID         int64
	ObjectType string // "tracker-item", "dispute", "organisation"
	ObjectID   int64
	At         time.Time
	UserID     int64  // 0 for the system (the demo loader, an importer)
	Actor      string // the user's email at the time, or "system"
	Action     string // "create", "update", "merge", "step-add", "step-update", "step-delete"
	Changes    []FieldChange
}

// FieldChange is one field's value before and after a change, as text.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// The object types revisions are kept for.
const (
	ObjectTrackerItem  = "tracker-item"
	ObjectDispute      = "dispute"
	ObjectOrganisation = "organisation"
)

// RevisionService reads the edit history. Changes are recorded by the
// services that make them, in the same transaction, under the user in the
// context (UserFromContext).
type RevisionService interface {
	// FindRevisions returns the revisions of one object, newest first.
	FindRevisions(ctx context.Context, objectType string, objectID int64) ([]*Revision, error)
}
