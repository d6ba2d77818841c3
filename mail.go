package jigsaw

import "time"

// Mail is an email queued for sending. Mail holds personal data (the
// recipient's address, often their name): only admins may read the outbox.
type Mail struct {
	ID      int64
	Kind    string // what caused it, e.g. "story-confirm", "password-reset"
	To      string
	Subject string
	Body    string // plain text
	// Headers are further header fields, such as an alert digest's
	// List-Unsubscribe (RFC 8058); nil for most mail.
	Headers   map[string]string
	CreatedAt time.Time
	Attempts  int
	LastError string
	SentAt    time.Time // zero until delivered
}
