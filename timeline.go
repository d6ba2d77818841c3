package jigsaw

import "context"

// TimelineKind says what a timeline entry records.
type TimelineKind string

// The kinds of timeline entry.
const (
	TimelineDanger      TimelineKind = "danger"       // a dated status of a published danger
	TimelineDisputeStep TimelineKind = "dispute-step" // a step of a dispute
	TimelineStory       TimelineKind = "story"        // a published story
	TimelineOpened      TimelineKind = "opened"       // the organisation (or one below it) opened
	TimelineClosed      TimelineKind = "closed"       // … or closed
)

// TimelineEntry is one dated thing that happened to an organisation or its
// subsidiaries. It is built from public data only.
type TimelineEntry struct {
	Kind     TimelineKind
	Date     string // YYYY-MM-DD, YYYY-MM or YYYY
	EndDate  string // the last day of a step of several days
	ObjectID int64  // the danger, dispute or story (the organisation, when opened or closed)
	Title    string // its title

	Status    TrackerStatus // for a danger: its status from Date
	Step      StepKind      // for a dispute step: what happened
	Note      string
	TurnoutBP int
	YesBP     int

	// Organisations are those of the organisation's family the entry is
	// about: the organisation itself, a subsidiary, or both.
	Organisations []OrgRef
}

// TimelineService builds organisations' timelines.
type TimelineService interface {
	// OrganisationTimeline returns up to limit entries about the
	// organisation and every organisation below it (its subsidiaries and
	// theirs), newest first: each dated status of a published danger, each
	// dispute step, each published story, and the days they opened and
	// closed. ENOTFOUND if there is no such organisation.
	OrganisationTimeline(ctx context.Context, orgID int64, limit int) ([]*TimelineEntry, error)
}
