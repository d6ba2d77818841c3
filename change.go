package jigsaw

import "time"

// ChangeAction is what a consumer of the change log announces of an item.
type ChangeAction string

// The actions a consumer sees: an item became public, a public item
// changed, a public item stopped being public (withdrawn, erased, turned
// members-only).
const (
	ChangeCreate ChangeAction = "create"
	ChangeUpdate ChangeAction = "update"
	ChangeDelete ChangeAction = "delete"
)

// The kinds of item the change log records.
const (
	ChangeStory   = "story"
	ChangeDanger  = "danger"
	ChangeDispute = "dispute"
	ChangeEvent   = "event"
)

// Change is one entry of the change log, resolved for one consumer: the
// store compares what the public sees of the item now with what that
// consumer announced before, so that publication, edits, withdrawal,
// erasure and an event turning members-only all come out as one of three
// actions.
type Change struct {
	ID       int64
	Kind     string
	ObjectID int64
	Action   ChangeAction
	At       time.Time
}

// Outgoing is one payload for one or more targets of a channel: what a
// consumer asks to be delivered.
type Outgoing struct {
	Channel     string // "activitypub", "webhook"
	ContentType string
	Body        []byte
	Summary     string   // for the admins' view, e.g. "Create story 12"
	Targets     []string // inbox URLs; webhooks' numbers as text
}

// DeliveryState is where a delivery is in the queue.
type DeliveryState string

// The states of a delivery: waiting (perhaps for a retry), delivered, or
// given up.
const (
	DeliveryPending DeliveryState = "pending"
	DeliveryDone    DeliveryState = "done"
	DeliveryFailed  DeliveryState = "failed"
)

// Delivery is one payload to one target, as the queue holds it.
type Delivery struct {
	ID, PayloadID         int64
	Channel, Target, Host string // Host: the target URL's host ("" when the target is not a URL)
	ContentType, Summary  string
	Body                  []byte
	State                 DeliveryState
	Attempts, LastStatus  int
	LastError             string
	CreatedAt, NextAt     time.Time
	FinishedAt            time.Time // zero while pending
}

// DeliveryFilter narrows the admins' list of deliveries; empty fields do
// not filter.
type DeliveryFilter struct {
	Channel, State, Host, Target string
}

// DeliveryCount is how many deliveries of a channel are in a state, and
// (for the admins' view of dead peers) to which host.
type DeliveryCount struct {
	Channel, Host string
	State         DeliveryState
	Count         int
}

// DeliveryResult is the outcome of one attempt at a delivery.
type DeliveryResult struct {
	ID     int64
	Status int    // the HTTP status, 0 if none came
	Error  string // "" when delivered
	// State is DeliveryDone, DeliveryFailed (given up) or DeliveryPending
	// (to be tried again at RetryAt).
	State   DeliveryState
	RetryAt time.Time
}
