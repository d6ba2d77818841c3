package jigsaw

import "time"

// Retention says how long personal data needed only for a while is kept
// before it is dropped. A zero period keeps that kind of data for ever.
type Retention struct {
	// IPs is how long the addresses recorded in the audit log and on
	// sessions are kept; the entries themselves stay, with the address
	// blanked.
	IPs time.Duration
	// MailBodies is how long the subject and body of a mail already sent
	// are kept; the row stays, saying to whom, when and what kind of mail.
	// Mail not yet sent keeps its text, which is still to be delivered.
	MailBodies time.Duration
	// Unconfirmed is how long a story still awaiting confirmation is kept
	// from its submission. Then it is deleted with its consents, revisions
	// and form token, its teller (unless they have another story) and the
	// mail sent or queued to them: an address that was never confirmed may
	// not even be theirs. Alert subscriptions not confirmed in that time
	// are deleted too.
	Unconfirmed time.Duration
}

// RetentionCounts says what one application of a Retention dropped.
type RetentionCounts struct {
	IPs        int64 // audit entries and sessions whose address was blanked
	MailBodies int64 // sent mails whose subject and body were blanked
	Stories    int64 // unconfirmed stories deleted
	People     int64 // their tellers deleted with them
	Mails      int64 // mails to those tellers (and tipsters), sent or queued, deleted
	Tips       int64 // unconfirmed tips deleted
	Alerts     int64 // alert subscriptions never confirmed, deleted
}

// Zero reports whether nothing was dropped.
func (c RetentionCounts) Zero() bool { return c == RetentionCounts{} }
