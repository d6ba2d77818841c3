package store

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"jigsaw"
)

// SubmitStory stores a submission — person, story, consents, links — and
// the mails it causes, in one transaction: once it returns, the story is on
// disk and its confirmation mail will be sent. mails is called with the new
// story's ID to build the mails (their links name the story). A second
// submit of the same form (same Token) stores nothing and returns the first
// story's ID with existing set.
//
// Submissions arriving together share a commit (GroupTx), each acknowledged
// only once it is on disk.
//
// Unless limitKey is "", the story counts against limit for that key (as
// Hit does; on SQLite in the same transaction), and one past the limit is
// refused with a *jigsaw.RateLimitError and stores nothing (a form sent
// again still finds its story).
func (db *DB) SubmitStory(ctx context.Context, s *jigsaw.Submission, limitKey string, limit jigsaw.Limit, mails func(storyID int64) []*jigsaw.Mail) (id int64, existing bool, err error) {
	defer wrap(&err, "store.SubmitStory")
	// On SQLite the count is taken inside the submission's own job:
	// counted apart, each submission waited for the single writer twice.
	// PostgreSQL runs transactions side by side, and a count in the
	// submission's transaction kept the address's counter locked until
	// that transaction's commit reached the disk, so that submissions from
	// one address (a ward's shared connection) waited for each other's
	// fsync in turn (docs/benchmarks.md). There the count comes first, in
	// a transaction that does not wait for the disk (Hit), once a form sent
	// again has been looked for.
	countInJob := limitKey != ""
	digest := s.Digest()
	if db.Engine == Postgres && limitKey != "" {
		if s.Token != "" {
			id, err := db.submittedStory(ctx, s.Token, digest)
			if err == nil {
				return id, true, nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return 0, false, db.mapError(err)
			}
		}
		n, end, err := db.Hit(ctx, limitKey, limit.Window)
		if err != nil {
			return 0, false, err
		}
		if err := limit.Check(n, end, db.now()); err != nil {
			return 0, false, err
		}
		countInJob = false
	}
	// Rendered before the transaction: the writer is shared by every
	// submission in the group.
	publicHTML := db.html(s.Body)
	// A story awaiting confirmation is on no public page, so the cached
	// pages stay valid (its publication bumps the content version). On
	// PostgreSQL the bump was also the one row every submission locked to
	// its commit, so that submissions waited for each other's fsync.
	err = db.GroupTx(ctx, false, func(tx Execer) error {
		id = 0
		for _, o := range s.OrgIDs {
			if _, err := findOrganisation(ctx, tx, "id = $1", o); err != nil {
				return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Choose organisations from the list.",
					Fields: map[string]string{"organisations": "One of the organisations does not exist."}}
			}
		}
		now := db.now()
		var personID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO people (name, email, phone, postcode, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			s.Name, s.Email, s.Phone, s.Postcode, now).Scan(&personID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO stories (title, body, public_body, public_html, kind, district, area, happened_on, status, person_id, publish_as, publish_name, submitted_at, updated_at)
			VALUES ($1, $2, $2, $11, $3, $4, $5, $6, $7, $8, $9, $12, $10, $10) RETURNING id`,
			s.Title, s.Body, s.Kind, s.District, s.Area, s.HappenedOn, jigsaw.StoryAwaitingConfirmation, personID, s.PublishAs, now, publicHTML, s.PublishName,
		).Scan(&id); err != nil {
			return err
		}
		// A form submitted again is found by its token here, rather than
		// looked up first in every submission: the job's savepoint undoes
		// what it wrote (a statement fewer for each story on the single
		// writer).
		if s.Token != "" {
			res, err := tx.ExecContext(ctx, `INSERT INTO submissions (token, story_id, created_at, digest) VALUES ($1, $2, $3, $4)
				ON CONFLICT (token) DO NOTHING`, s.Token, id, now, digest)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return errResubmitted
			}
		}
		// Counted after the token, so that a form sent again is found even
		// past the limit.
		if countInJob {
			n, end, err := db.hit(ctx, tx, limitKey, limit.Window)
			if err != nil {
				return err
			}
			if err := limit.Check(n, end, now); err != nil {
				return err
			}
		}
		for _, k := range s.KeyIssues {
			if _, err := tx.ExecContext(ctx, `INSERT INTO story_key_issues (story_id, key_issue) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, k); err != nil {
				return err
			}
		}
		for _, o := range s.OrgIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO story_organisations (story_id, organisation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, o); err != nil {
				return err
			}
		}
		yesNo := map[bool]string{true: "yes", false: "no"}
		// One statement for the four: each statement costs SQLite more
		// than the row it writes.
		if _, err := tx.ExecContext(ctx, `INSERT INTO consents (person_id, story_id, kind, value, wording, given_at) VALUES
			($1, $2, 'publish-as', $3, $4, $11), ($1, $2, 'contact-coalition', $5, $6, $11),
			($1, $2, 'contact-media', $7, $8, $11), ($1, $2, 'agree', $9, $10, $11)`,
			personID, id,
			string(s.PublishAs), s.PublishAsWording(),
			yesNo[s.ContactCoalition], s.ConsentText("contact-coalition"),
			yesNo[s.ContactMedia], s.ConsentText("contact-media"),
			yesNo[s.Agree], s.ConsentText("agree"), now); err != nil {
			return err
		}
		if err := addRevision(ctx, tx, id, 0, "submitted", now); err != nil {
			return err
		}
		for _, m := range mails(id) {
			if err := db.enqueueMail(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errResubmitted) {
		// Committed by now, whether in an earlier group or in this one.
		id, err = db.submittedStory(ctx, s.Token, digest)
		return id, err == nil, db.mapError(err)
	}
	return id, false, err
}

// submittedStory returns the story stored from the form with this token,
// or refuses a token sent again with a different story (EUNPROCESSABLE):
// answering with the first would drop the second without a word.
func (db *DB) submittedStory(ctx context.Context, token, digest string) (id int64, err error) {
	var stored string
	if err = db.queryRow(ctx, `SELECT story_id, digest FROM submissions WHERE token = $1`, token).Scan(&id, &stored); err != nil {
		return 0, err
	}
	if stored != "" && stored != digest {
		return 0, &jigsaw.Error{Code: jigsaw.EUNPROCESSABLE,
			Message: "This form (or Idempotency-Key) was already used to send a different story. Open the form again to send another.",
			Fields:  map[string]string{"token": "already used for a different story"}}
	}
	return id, nil
}

// errResubmitted undoes a submission whose form was already submitted.
var errResubmitted = &jigsaw.Error{Code: jigsaw.ECONFLICT, Message: "This form was already submitted."}

// addRevision records the story as it now stands.
func addRevision(ctx context.Context, tx Execer, storyID, userID int64, action string, now any) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO story_revisions (story_id, user_id, at, action, title, body, public_body)
		SELECT id, $2, $3, $4, title, body, public_body FROM stories WHERE id = $1`, storyID, idOrNull(userID), now, action)
	return err
}

// StoryStatus returns a story's status and the email of its teller, for
// the person-facing pages reached through signed links.
func (db *DB) StoryStatus(ctx context.Context, id int64) (_ jigsaw.StoryStatus, _ string, err error) {
	defer wrap(&err, "store.StoryStatus")
	var st jigsaw.StoryStatus
	var title string
	err = db.queryRow(ctx, `SELECT status, title FROM stories WHERE id = $1`, id).Scan(&st, &title)
	if err == sql.ErrNoRows {
		return "", "", jigsaw.Errorf(jigsaw.ENOTFOUND, "This story no longer exists.")
	}
	return st, title, db.mapError(err)
}

// ConfirmStory records that the teller confirmed their email: the story
// moves from awaiting-confirmation to awaiting-review. Confirming again
// changes nothing.
func (db *DB) ConfirmStory(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "store.ConfirmStory")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var st jigsaw.StoryStatus
		var personID int64
		if err := tx.QueryRowContext(ctx, `SELECT status, person_id FROM stories WHERE id = $1`, id).Scan(&st, &personID); err == sql.ErrNoRows {
			return jigsaw.Errorf(jigsaw.ENOTFOUND, "This story no longer exists.")
		} else if err != nil {
			return err
		}
		if st != jigsaw.StoryAwaitingConfirmation {
			return nil
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE people SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL`, now, personID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE stories SET status = $1, confirmed_at = $2, updated_at = $2 WHERE id = $3`, jigsaw.StoryAwaitingReview, now, id)
		return err
	})
}

// WithdrawStory takes a story off every public surface at once, at its
// teller's request. ip is recorded in the audit log.
func (db *DB) WithdrawStory(ctx context.Context, id int64, ip string) (err error) {
	defer wrap(&err, "store.WithdrawStory")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE stories SET status = $1, withdrawn_at = $2, updated_at = $2 WHERE id = $3 AND status <> $1`,
			jigsaw.StoryWithdrawn, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := db.logChange(ctx, tx, jigsaw.ChangeStory, id); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{Actor: "story teller", Action: "story-withdraw", ObjectType: "story", ObjectID: id, IP: ip})
	})
}

// RequestErasure records the teller's request that their personal data be
// erased; a moderator carries it out (ErasePerson).
func (db *DB) RequestErasure(ctx context.Context, id int64, ip string) (err error) {
	defer wrap(&err, "store.RequestErasure")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE people SET erasure_requested_at = $1
			WHERE id = (SELECT person_id FROM stories WHERE id = $2) AND erasure_requested_at IS NULL`, db.now(), id); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{Actor: "story teller", Action: "erasure-request", ObjectType: "story", ObjectID: id, IP: ip})
	})
}

// ModerationQueue lists stories in the given status (all when ""), oldest
// first, with the total counted as jigsaw.CountCap says.
func (db *DB) ModerationQueue(ctx context.Context, status jigsaw.StoryStatus, limit, offset int) (_ []jigsaw.QueueItem, _ int, err error) {
	defer wrap(&err, "store.ModerationQueue")
	return db.moderationQueue(ctx, status, limit, offset, nil)
}

// ModerationQueueAfter lists the queue as ModerationQueue does, from just
// past the story after (keyset paging; its Key is the story's SubmittedAt
// in RFC 3339).
func (db *DB) ModerationQueueAfter(ctx context.Context, status jigsaw.StoryStatus, limit int, after *jigsaw.After) (_ []jigsaw.QueueItem, _ int, err error) {
	defer wrap(&err, "store.ModerationQueueAfter")
	return db.moderationQueue(ctx, status, limit, 0, after)
}

func (db *DB) moderationQueue(ctx context.Context, status jigsaw.StoryStatus, limit, offset int, after *jigsaw.After) ([]jigsaw.QueueItem, int, error) {
	var w where
	if status != "" {
		w.add("s.status = ?", status)
	}
	cond := w.sql()
	limit, offset = clampLimit(limit), max(offset, 0)
	total, err := db.countCapped(ctx, "stories s", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if after != nil {
		at, err := afterTime(after)
		if err != nil {
			return nil, 0, err
		}
		w.after("s.submitted_at", "s.id", "?", false, after, at)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	rows, err := db.query(ctx, `SELECT s.id, s.title, s.kind, s.status, s.area, s.submitted_at, p.erasure_requested_at IS NOT NULL AND p.erased_at IS NULL
		FROM stories s JOIN people p ON p.id = s.person_id WHERE `+cond+`
		ORDER BY s.submitted_at, s.id`+page, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	defer rows.Close()
	var out []jigsaw.QueueItem
	for rows.Next() {
		var q jigsaw.QueueItem
		if err := rows.Scan(&q.ID, &q.Title, &q.Kind, &q.Status, &q.Area, &q.SubmittedAt, &q.ErasureRequested); err != nil {
			return nil, 0, db.mapError(err)
		}
		out = append(out, q)
	}
	return out, total, db.mapError(rows.Err())
}

// WaitingCount returns how many stories await review.
func (db *DB) WaitingCount(ctx context.Context) (_ int, err error) {
	defer wrap(&err, "store.WaitingCount")
	var n int
	err = db.queryRow(ctx, `SELECT count(*) FROM stories WHERE status = $1`, jigsaw.StoryAwaitingReview).Scan(&n)
	return n, db.mapError(err)
}

// redactionMark replaces a redacted passage on every public surface.
const redactionMark = "[redacted]"

// moderate runs fn on a story inside a transaction and records the audit
// entry: every moderation decision is logged with the change itself.
func (db *DB) moderate(ctx context.Context, id int64, audit *jigsaw.AuditEntry, fn func(tx *sql.Tx, st jigsaw.StoryStatus) error) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var st jigsaw.StoryStatus
		if err := tx.QueryRowContext(ctx, `SELECT status FROM stories WHERE id = $1`, id).Scan(&st); err == sql.ErrNoRows {
			return storyNotFound(id)
		} else if err != nil {
			return err
		}
		if err := fn(tx, st); err != nil {
			return err
		}
		audit.ObjectType, audit.ObjectID = "story", id
		return db.recordAudit(ctx, tx, audit)
	})
}

// PublishStory publishes a story that awaits review (or was rejected), with
// the byline its teller consented to.
func (db *DB) PublishStory(ctx context.Context, id int64, by *jigsaw.User, ip string) error {
	return db.PublishStoryMailing(ctx, id, by, ip, nil)
}

// PublishStoryMailing is PublishStory, queueing in the same transaction the
// mail that mail (when not nil) makes to tell the teller. A story with no
// public text cannot be published.
func (db *DB) PublishStoryMailing(ctx context.Context, id int64, by *jigsaw.User, ip string, mail func(email, title string) *jigsaw.Mail) (err error) {
	defer wrap(&err, "store.PublishStory")
	return db.moderate(ctx, id, &jigsaw.AuditEntry{UserID: by.ID, Actor: by.Email, Action: "story-publish", IP: ip}, func(tx *sql.Tx, st jigsaw.StoryStatus) error {
		if st != jigsaw.StoryAwaitingReview && st != jigsaw.StoryRejected {
			return jigsaw.Errorf(jigsaw.ECONFLICT, "Only a story awaiting review can be published; this one is %s.", st)
		}
		var name, email, title, publicBody, area, publishAs, publishName string
		var kind jigsaw.StoryKind
		if err := tx.QueryRowContext(ctx, `SELECT p.name, p.email, s.title, s.public_body, s.area, s.publish_as, s.publish_name, s.kind
			FROM stories s JOIN people p ON p.id = s.person_id WHERE s.id = $1`, id).
			Scan(&name, &email, &title, &publicBody, &area, &publishAs, &publishName, &kind); err != nil {
			return err
		}
		if strings.TrimSpace(publicBody) == "" || strings.TrimSpace(title) == "" {
			return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "This story has no public text: edit it before publishing.",
				Fields: map[string]string{"public_body": "Required."}}
		}
		now := db.now()
		byline := jigsaw.Byline(jigsaw.PublishAs(publishAs), name, publishName, kind, area)
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET status = $1, byline = $2, published_at = $3, updated_at = $3, reject_reason = '' WHERE id = $4`,
			jigsaw.StoryPublished, byline, now, id); err != nil {
			return err
		}
		if err := db.logChange(ctx, tx, jigsaw.ChangeStory, id); err != nil {
			return err
		}
		if mail != nil && email != "" {
			if err := db.enqueueMail(ctx, tx, mail(email, title)); err != nil {
				return err
			}
		}
		return addRevision(ctx, tx, id, by.ID, "publish", now)
	})
}

// RejectStory rejects a story with a reason, queueing mail to its teller.
func (db *DB) RejectStory(ctx context.Context, id int64, reason string, by *jigsaw.User, ip string, mail func(email, title string) *jigsaw.Mail) (err error) {
	defer wrap(&err, "store.RejectStory")
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 2000 {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Give the reason the teller will be sent (at most 2,000 characters).", Fields: map[string]string{"reason": "Required."}}
	}
	return db.moderate(ctx, id, &jigsaw.AuditEntry{UserID: by.ID, Actor: by.Email, Action: "story-reject", IP: ip, Detail: reason}, func(tx *sql.Tx, st jigsaw.StoryStatus) error {
		if st == jigsaw.StoryWithdrawn {
			return jigsaw.Errorf(jigsaw.ECONFLICT, "The teller withdrew this story.")
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET status = $1, reject_reason = $2, updated_at = $3 WHERE id = $4`, jigsaw.StoryRejected, reason, now, id); err != nil {
			return err
		}
		if err := db.logChange(ctx, tx, jigsaw.ChangeStory, id); err != nil {
			return err
		}
		var email, title string
		if err := tx.QueryRowContext(ctx, `SELECT p.email, s.title FROM stories s JOIN people p ON p.id = s.person_id WHERE s.id = $1`, id).Scan(&email, &title); err != nil {
			return err
		}
		if email == "" { // erased
			return nil
		}
		return db.enqueueMail(ctx, tx, mail(email, title))
	})
}

// RedactStory replaces every occurrence of passage in the public text with
// a redaction mark. The submitted text keeps it, for moderators only.
func (db *DB) RedactStory(ctx context.Context, id int64, passage string, by *jigsaw.User, ip string) (err error) {
	defer wrap(&err, "store.RedactStory")
	passage = strings.TrimSpace(strings.ReplaceAll(passage, "\r\n", "\n"))
	if passage == "" || passage == redactionMark {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Paste the passage to redact.", Fields: map[string]string{"passage": "Required."}}
	}
	return db.moderate(ctx, id, &jigsaw.AuditEntry{UserID: by.ID, Actor: by.Email, Action: "story-redact", IP: ip}, func(tx *sql.Tx, _ jigsaw.StoryStatus) error {
		var public, title string
		if err := tx.QueryRowContext(ctx, `SELECT public_body, title FROM stories WHERE id = $1`, id).Scan(&public, &title); err != nil {
			return err
		}
		redacted := strings.ReplaceAll(public, passage, redactionMark)
		if !strings.Contains(public, passage) {
			// The passage as the page shows it: the Markdown source may have
			// emphasis, code or a link's address between its words.
			redacted = displayedPassage(passage).ReplaceAllLiteralString(public, redactionMark)
		}
		if redacted == public && !strings.Contains(title, passage) {
			return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "That passage is not in the public text.", Fields: map[string]string{"passage": "Not found in the story; copy it exactly."}}
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET public_body = $1, public_html = $2, title = $3, updated_at = $4 WHERE id = $5`,
			redacted, db.html(redacted), strings.ReplaceAll(title, passage, redactionMark), now, id); err != nil {
			return err
		}
		if err := db.logChange(ctx, tx, jigsaw.ChangeStory, id); err != nil {
			return err
		}
		return addRevision(ctx, tx, id, by.ID, "redact", now)
	})
}

// EditStory changes the title and the public text (the submitted text is
// kept as it came), recording a revision.
func (db *DB) EditStory(ctx context.Context, id int64, title, publicBody string, by *jigsaw.User, ip string) (err error) {
	defer wrap(&err, "store.EditStory")
	title = strings.Join(strings.Fields(title), " ")
	publicBody = strings.TrimSpace(strings.ReplaceAll(publicBody, "\r\n", "\n"))
	p := jigsaw.Problems{}
	if title == "" || len([]rune(title)) > jigsaw.MaxTitleLen {
		p.Add("title", "A title of 1 to 200 characters is needed.")
	}
	if len([]rune(publicBody)) < jigsaw.MinBodyLen || len([]rune(publicBody)) > jigsaw.MaxBodyLen {
		p.Add("public_body", "The public text must be 20 to 20,000 characters.")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return db.moderate(ctx, id, &jigsaw.AuditEntry{UserID: by.ID, Actor: by.Email, Action: "story-edit", IP: ip}, func(tx *sql.Tx, _ jigsaw.StoryStatus) error {
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET title = $1, public_body = $2, public_html = $3, updated_at = $4 WHERE id = $5`,
			title, publicBody, db.html(publicBody), now, id); err != nil {
			return err
		}
		if err := db.logChange(ctx, tx, jigsaw.ChangeStory, id); err != nil {
			return err
		}
		return addRevision(ctx, tx, id, by.ID, "edit", now)
	})
}

// AddNote adds a moderator's private note.
func (db *DB) AddNote(ctx context.Context, id int64, body string, by *jigsaw.User, ip string) (err error) {
	defer wrap(&err, "store.AddNote")
	body = strings.TrimSpace(body)
	if body == "" || len(body) > 5000 {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "A note is 1 to 5,000 characters.", Fields: map[string]string{"note": "Required."}}
	}
	return db.moderate(ctx, id, &jigsaw.AuditEntry{UserID: by.ID, Actor: by.Email, Action: "story-note", IP: ip}, func(tx *sql.Tx, _ jigsaw.StoryStatus) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO story_notes (story_id, user_id, at, body) VALUES ($1, $2, $3, $4)`, id, by.ID, db.now(), body)
		return err
	})
}

// VerifyPerson records that a moderator verified the teller by other means
// (a phone call, meeting them).
func (db *DB) VerifyPerson(ctx context.Context, id int64, note string, by *jigsaw.User, ip string) (err error) {
	defer wrap(&err, "store.VerifyPerson")
	note = strings.TrimSpace(note)
	if note == "" || len(note) > 1000 {
		return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Say how the person was verified.", Fields: map[string]string{"verified_note": "Required."}}
	}
	return db.moderate(ctx, id, &jigsaw.AuditEntry{UserID: by.ID, Actor: by.Email, Action: "person-verify", IP: ip}, func(tx *sql.Tx, _ jigsaw.StoryStatus) error {
		_, err := tx.ExecContext(ctx, `UPDATE people SET verified_at = $1, verified_note = $2 WHERE id = (SELECT person_id FROM stories WHERE id = $3)`, db.now(), note, id)
		return err
	})
}

// ErasePerson erases the teller of story id: the person, that is every
// record with their email (one person across stories), and everything they
// wrote or that was written about them, in one transaction. Their personal
// fields are blanked; every story they told is withdrawn and its texts
// blanked, its revisions, notes, replies, consents and submission keys
// deleted; mail sent to them keeps only its kind and times; entries of the
// audit log about their stories lose their addresses and details. The audit
// log keeps that the erasure happened: who, when, which records. Erasing an
// erased person again changes nothing more.
func (db *DB) ErasePerson(ctx context.Context, id int64, by *jigsaw.User, ip string) (err error) {
	defer wrap(&err, "store.ErasePerson")
	return db.Tx(ctx, func(tx *sql.Tx) error {
		email, people, err := personOf(ctx, tx, id)
		if err != nil {
			return err
		}
		in := idList(people)
		stories, err := int64s(ctx, tx, `SELECT id FROM stories WHERE person_id IN (`+in+`) ORDER BY id`)
		if err != nil {
			return err
		}
		told := idList(stories)
		now := db.now()
		for _, q := range []string{
			`UPDATE people SET name = 'Erased', email = '', phone = '', postcode = '', verified_note = '',
				erased_at = COALESCE(erased_at, $1) WHERE id IN (` + in + `)`,
			`UPDATE stories SET title = '[erased]', body = '', public_body = '', public_html = '', district = '', area = '',
				happened_on = '', byline = '', publish_name = '', reject_reason = '', status = 'withdrawn',
				withdrawn_at = COALESCE(withdrawn_at, $1), updated_at = $1 WHERE id IN (` + told + `)`,
			`DELETE FROM story_revisions WHERE story_id IN (` + told + `)`,
			`DELETE FROM story_notes WHERE story_id IN (` + told + `)`,
			`DELETE FROM story_replies WHERE story_id IN (` + told + `)`,
			`DELETE FROM submissions WHERE story_id IN (` + told + `)`,
			`DELETE FROM consents WHERE person_id IN (` + in + `)`,
			`UPDATE audit_log SET ip = '', detail = '' WHERE object_type = 'story' AND object_id IN (` + told + `) AND action <> 'person-erase'`,
		} {
			args := []any{}
			if strings.Contains(q, "$1") {
				args = append(args, now)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		for _, s := range stories {
			if err := db.logChange(ctx, tx, jigsaw.ChangeStory, s); err != nil {
				return err
			}
		}
		if email != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET to_addr = '', subject = '', body = '' WHERE lower(to_addr) = lower($1)`, email); err != nil {
				return err
			}
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{UserID: by.ID, Actor: by.Email, Action: "person-erase", ObjectType: "story",
			ObjectID: id, IP: ip, Detail: "people " + in + "; stories " + told})
	})
}

// int64s returns the first column of a query's rows.
func int64s(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// idList writes ids for an IN (…) list; numbers only, so safe to splice.
// An empty list is "0", which no row has.
func idList(ids []int64) string {
	if len(ids) == 0 {
		return "0"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}

// AddReply gives an organisation named in a published story its reply.
func (db *DB) AddReply(ctx context.Context, storyID, orgID int64, body string, by *jigsaw.User, ip string) (err error) {
	defer wrap(&err, "store.AddReply")
	body = strings.TrimSpace(body)
	p := jigsaw.Problems{}
	if body == "" || len([]rune(body)) > 5000 {
		p.Add("body", "A reply is 1 to 5,000 characters.")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM stories s JOIN story_organisations so ON so.story_id = s.id
			WHERE s.id = $1 AND s.status = 'published' AND so.organisation_id = $2`, storyID, orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Only an organisation named in a published story can reply to it.",
				Fields: map[string]string{"organisation_id": "Not named in this story."}}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO story_replies (story_id, organisation_id, body, user_id, at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			storyID, orgID, body, by.ID, db.now()).Scan(&id); err != nil {
			return err
		}
		if err := db.logChange(ctx, tx, jigsaw.ChangeStory, storyID); err != nil {
			return err
		}
		return db.recordAudit(ctx, tx, &jigsaw.AuditEntry{UserID: by.ID, Actor: by.Email, Action: "reply-add", ObjectType: "story", ObjectID: storyID, IP: ip})
	})
}

// displayedPassage matches passage, copied from a rendered story, in the
// story's Markdown: between its characters there may be the marks of
// emphasis and code (* _ ~ `), the brackets of a link and its address, and
// any run of white space where the copy has one.
func displayedPassage(passage string) *regexp.Regexp {
	const markup = "(?:[*_~`]|\\[|\\]\\([^)]*\\))*"
	var b strings.Builder
	b.WriteString("(?:[*_~`]|\\[)*") // marks that open before the passage
	for i, word := range strings.Fields(passage) {
		if i > 0 {
			b.WriteString(markup + `\s+` + markup)
		}
		for j, r := range word {
			if j > 0 {
				b.WriteString(markup)
			}
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("(?:[*_~`]|\\]\\([^)]*\\))*") // and that close after it
	return regexp.MustCompile(b.String())
}
