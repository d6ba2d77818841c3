package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"jigsaw"
)

var _ jigsaw.PublicStoryService = (*DB)(nil)

func itoa(i int) string { return strconv.Itoa(i) }

// CreateStory stores a story and the person who told it in one transaction,
// setting both IDs. The story's status, byline and public body are stored as
// given: callers decide the workflow. It records no consents: a story that
// is to show what its teller agreed to is stored with CreateStoryWithConsent.
func (db *DB) CreateStory(ctx context.Context, s *jigsaw.Story, p *jigsaw.Person) (err error) {
	defer wrap(&err, "store.CreateStory")
	return db.createStory(ctx, s, p, nil)
}

// CreateStoryWithConsent is CreateStory for a story whose teller gave the
// consents in c (only its consent fields are read): they are recorded as a
// submission records them, with their wording, given when the story was
// submitted, and a published story gets the byline they allow
// (jigsaw.Byline), whatever s.Byline held. The demo data are stored so.
func (db *DB) CreateStoryWithConsent(ctx context.Context, s *jigsaw.Story, p *jigsaw.Person, c *jigsaw.Submission) (err error) {
	defer wrap(&err, "store.CreateStoryWithConsent")
	if !jigsaw.Valid(jigsaw.PublishAsChoices, c.PublishAs) || (c.PublishAs == jigsaw.PublishFirstNameArea) != (c.PublishName != "") {
		return jigsaw.Errorf(jigsaw.EINVALID, "Give how the story may be published, and a name to publish only with first-name-area.")
	}
	if s.Status == jigsaw.StoryPublished {
		s.Byline = jigsaw.Byline(c.PublishAs, p.Name, c.PublishName, s.Kind, s.Area)
	}
	return db.createStory(ctx, s, p, c)
}

// createStory stores s told by p, with the consents in c unless c is nil.
func (db *DB) createStory(ctx context.Context, s *jigsaw.Story, p *jigsaw.Person, c *jigsaw.Submission) error {
	publicHTML := db.html(s.PublicBody)
	publishAs, publishName := jigsaw.PublishWithoutName, "" // the columns' defaults
	if c != nil {
		publishAs, publishName = c.PublishAs, c.PublishName
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if p.CreatedAt.IsZero() {
			p.CreatedAt = now
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO people (name, email, phone, postcode, email_confirmed_at, verified_at, verified_note, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			p.Name, p.Email, p.Phone, p.Postcode, timeOrNull(p.EmailConfirmedAt), timeOrNull(p.VerifiedAt), p.VerifiedNote, p.CreatedAt,
		).Scan(&p.ID); err != nil {
			return err
		}
		s.PersonID = p.ID
		if s.SubmittedAt.IsZero() {
			s.SubmittedAt = now
		}
		s.UpdatedAt = now
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO stories (title, body, public_body, public_html, kind, district, area, happened_on, status, person_id, byline, submitted_at, published_at, updated_at, publish_as, publish_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			s.Title, s.Body, s.PublicBody, publicHTML, s.Kind, s.District, s.Area, s.HappenedOn, s.Status, s.PersonID, s.Byline,
			s.SubmittedAt, timeOrNull(s.PublishedAt), s.UpdatedAt, publishAs, publishName,
		).Scan(&s.ID); err != nil {
			return err
		}
		if s.Status == jigsaw.StoryPublished {
			if err := db.logChange(ctx, tx, jigsaw.ChangeStory, s.ID); err != nil {
				return err
			}
		}
		if c != nil {
			// As SubmitStory records them.
			yesNo := map[bool]string{true: "yes", false: "no"}
			for _, row := range [][3]string{
				{"publish-as", string(c.PublishAs), c.PublishAsWording()},
				{"contact-coalition", yesNo[c.ContactCoalition], jigsaw.ConsentWording["contact-coalition"]},
				{"contact-media", yesNo[c.ContactMedia], jigsaw.ConsentWording["contact-media"]},
				{"agree", yesNo[c.Agree], jigsaw.ConsentWording["agree"]},
			} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO consents (person_id, story_id, kind, value, wording, given_at) VALUES ($1, $2, $3, $4, $5, $6)`,
					p.ID, s.ID, row[0], row[1], row[2], s.SubmittedAt); err != nil {
					return err
				}
			}
		}
		for _, k := range s.KeyIssues {
			if _, err := tx.ExecContext(ctx, `INSERT INTO story_key_issues (story_id, key_issue) VALUES ($1, $2)`, s.ID, k); err != nil {
				return err
			}
		}
		for _, o := range s.OrgIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO story_organisations (story_id, organisation_id) VALUES ($1, $2)`, s.ID, o); err != nil {
				return err
			}
		}
		return nil
	})
}

// publicStoryColumns are the only story columns a public query may read.
// Keep person_id, body and anything private out of this list.
const publicStoryColumns = `id, title, public_body, public_html, kind, district, area, happened_on, byline, published_at`

// publicStorySelect is the select list of a public story query over the
// stories table (aliased s): its public columns and the JSON of its key
// issues, organisations and replies that the schema's triggers keep
// (migration 0008), in the story's row on SQLite and in story_links on
// PostgreSQL, so that a story page or a list reads one row per story rather
// than aggregating the link tables. The links are put in order here rather
// than by the database: a few items sort in no time in Go.
func (db *DB) publicStorySelect() string { return publicStorySelects[db.Engine] }

// storyPageMarkdown is what a story page reads in place of public_body: the
// Markdown only for a story stored before its HTML was kept.
const storyPageMarkdown = "CASE WHEN octet_length(s.public_html) = 0 THEN s.public_body ELSE '' END"

// The select lists are made once for each engine, not for every story
// query a public page makes.
var publicStorySelects, storyPageSelects = selectsByEngine("s.public_body"), selectsByEngine(storyPageMarkdown)

func selectsByEngine(markdown string) map[string]string {
	m := map[string]string{}
	for _, engine := range []string{SQLite, Postgres} {
		m[engine] = publicStorySelectWith(engine, markdown)
	}
	return m
}

// publicStorySelectWith is publicStorySelect on engine with markdown read
// in place of the public_body column.
func publicStorySelectWith(engine, markdown string) string {
	cols := strings.Split(publicStoryColumns, ", ")
	for i, c := range cols {
		cols[i] = "s." + c
		if c == "public_body" {
			cols[i] = markdown
		}
	}
	links := "s.public_links"
	if engine == Postgres {
		links = "(SELECT l.links FROM story_links l WHERE l.story_id = s.id)"
	}
	return strings.Join(cols, ", ") + ", " + links
}

// FindPublicStoryPage implements jigsaw.PublicStoryService. On PostgreSQL a
// story's Markdown and HTML are each compressed out of its row (TOAST), and
// reading one costs an index lookup, a page and its decompression;
// octet_length takes the HTML's size from the pointer alone. PostgreSQL reads
// the pages asked for at the same time together (pageBatcher).
func (db *DB) FindPublicStoryPage(ctx context.Context, id int64) (*jigsaw.PublicStory, error) {
	if db.pages == nil {
		s, err := db.findPublicStory(ctx, `SELECT `+storyPageSelects[db.Engine]+` FROM stories s WHERE s.id = $1 AND s.status = 'published'`, id)
		if err != nil {
			return nil, err
		}
		return s, db.addLinksToStories(ctx, linksToStory, id, map[int64]*jigsaw.PublicStory{id: s})
	}
	s, err := db.pages.get(ctx, id)
	if err == nil && s == nil {
		err = storyNotFound(id)
	}
	return s, err
}

// findStoryPages reads the published stories among ids for their pages, in
// one query (PostgreSQL's).
func (db *DB) findStoryPages(ctx context.Context, ids []int64) (map[int64]*jigsaw.PublicStory, error) {
	rows, err := db.query(ctx, `SELECT `+storyPageSelects[db.Engine]+` FROM stories s WHERE s.id = ANY($1) AND s.status = 'published'`, ids)
	if err != nil {
		return nil, db.mapError(err)
	}
	defer rows.Close()
	found := make(map[int64]*jigsaw.PublicStory, len(ids))
	for rows.Next() {
		s, err := scanPublicStory(rows)
		if err != nil {
			return nil, db.mapError(err)
		}
		found[s.ID] = s
	}
	if err := rows.Err(); err != nil || len(found) == 0 {
		return found, db.mapError(err)
	}
	// What the pages link back to, for the whole batch at once too.
	ids = ids[:0:0]
	for id := range found {
		ids = append(ids, id)
	}
	return found, db.addLinksToStories(ctx, linksToStoryAny, ids, found)
}

// storyLinks is the JSON of a story's public links (stories.public_links on
// SQLite, story_links.links on PostgreSQL).
type storyLinks struct {
	KeyIssues     []string        `json:"key_issues"`
	Organisations []jigsaw.OrgRef `json:"organisations"`
	Replies       []struct {
		ID           int64         `json:"id"`
		Organisation jigsaw.OrgRef `json:"organisation"`
		Body         string        `json:"body"`
		At           string        `json:"at"`
	} `json:"replies"`
}

func scanPublicStory(row interface{ Scan(...any) error }) (*jigsaw.PublicStory, error) {
	var s jigsaw.PublicStory
	var links sql.NullString
	if err := row.Scan(&s.ID, &s.Title, &s.Body, &s.BodyHTML, &s.Kind, &s.District, &s.Area, &s.HappenedOn, &s.Byline, nullTime{&s.PublishedAt},
		&links); err != nil {
		return nil, err
	}
	if !links.Valid {
		return &s, nil
	}
	var l storyLinks
	if err := json.Unmarshal([]byte(links.String), &l); err != nil {
		return nil, fmt.Errorf("story %d: links: %w", s.ID, err)
	}
	s.KeyIssues, s.Organisations = l.KeyIssues, l.Organisations
	for _, r := range l.Replies {
		at, err := parseJSONTime(r.At)
		if err != nil {
			return nil, fmt.Errorf("story %d: reply %d: %w", s.ID, r.ID, err)
		}
		s.Replies = append(s.Replies, jigsaw.Reply{ID: r.ID, Organisation: r.Organisation, Body: r.Body, At: at})
	}
	slices.Sort(s.KeyIssues)
	slices.SortFunc(s.Organisations, func(a, b jigsaw.OrgRef) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(s.Replies, func(a, b jigsaw.Reply) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	return &s, nil
}

// parseJSONTime reads a time the database wrote into JSON: PostgreSQL's
// ISO 8601, or the text SQLite stores.
func parseJSONTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", v)
}

// storyNotFound is the error for an id that names no story the caller may
// read: a public reader is told the same of a story unpublished as of one
// never written.
func storyNotFound(id int64) error {
	return jigsaw.Errorf(jigsaw.ENOTFOUND, "Story %d not found.", id)
}

// FindPublicStoryByID implements jigsaw.PublicStoryService.
func (db *DB) FindPublicStoryByID(ctx context.Context, id int64) (_ *jigsaw.PublicStory, err error) {
	defer wrap(&err, "store.FindPublicStoryByID")
	return db.findPublicStory(ctx, `SELECT `+db.publicStorySelect()+` FROM stories s WHERE s.id = $1 AND s.status = 'published'`, id)
}

func (db *DB) findPublicStory(ctx context.Context, query string, id int64) (*jigsaw.PublicStory, error) {
	s, err := scanPublicStory(db.queryRow(ctx, query, id))
	if err == sql.ErrNoRows {
		return nil, storyNotFound(id)
	} else if err != nil {
		return nil, db.mapError(err)
	}
	return s, nil
}

// storyWhere is the condition on the stories table of the published
// stories that f selects (its paging aside): the one translation of a
// story filter to SQL, for the list and for everything that follows it.
func storyWhere(f jigsaw.StoryFilter) where {
	w := where{conds: []string{"status = 'published'"}}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	// EXISTS lets the planner walk stories newest first and probe the
	// link's primary key, instead of building the whole matching set.
	if f.KeyIssue != "" {
		w.add("EXISTS (SELECT 1 FROM story_key_issues k WHERE k.story_id = stories.id AND k.key_issue = ?)", f.KeyIssue)
	}
	if f.District != "" {
		w.add("district = ?", strings.ToUpper(f.District))
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM story_organisations o WHERE o.story_id = stories.id AND o.organisation_id = ?)", f.OrgID)
	}
	if !f.Since.IsZero() {
		w.add("published_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		w.add("published_at < ?", f.Until.UTC())
	}
	return w
}

// FindPublicStories implements jigsaw.PublicStoryService.
func (db *DB) FindPublicStories(ctx context.Context, f jigsaw.StoryFilter) (_ []*jigsaw.PublicStory, _ int, err error) {
	defer wrap(&err, "store.FindPublicStories")
	w := storyWhere(f)
	cond := w.sql()
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	total, err := db.countCapped(ctx, "stories", cond, w.args, offset+limit)
	if err != nil {
		return nil, 0, err
	}
	if f.After != nil {
		at, err := afterTime(f.After)
		if err != nil {
			return nil, 0, err
		}
		w.after("published_at", "id", "?", true, f.After, at)
		cond = w.sql()
	}
	page := w.page(limit, offset)
	// The page's ids first, then their stories: both engines would
	// otherwise read the rows and links of every story the offset skips.
	rows, err := db.query(ctx, `SELECT `+db.publicStorySelect()+` FROM (
		SELECT id FROM stories WHERE `+cond+` ORDER BY published_at DESC, id DESC`+page+`) p
		JOIN stories s ON s.id = p.id ORDER BY s.published_at DESC, s.id DESC`, w.args...)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	out, err := collect(rows, scanPublicStory)
	if err != nil {
		return nil, 0, db.mapError(err)
	}
	return out, total, nil
}

// countCapped counts the rows of table matching cond for a page ending at
// item upTo: exactly up to jigsaw.CountCap, or to upTo when that is
// further, and a larger total as that bound plus one (jigsaw.TotalCapped
// reads it back), so that no list counts a million rows.
func (db *DB) countCapped(ctx context.Context, table, cond string, args []any, upTo int) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+table+` WHERE `+cond+
		` LIMIT $`+itoa(len(args)+1)+`) capped`, append(args[:len(args):len(args)], max(upTo, jigsaw.CountCap)+1)...).Scan(&n)
	return n, db.mapError(err)
}

// KeyIssues returns the instance's key issues in their order. Every page
// asks for them, and they change only when an admin edits them, so they are
// kept for a few seconds (at once forgotten when this process changes them).
func (db *DB) KeyIssues(ctx context.Context) (_ []jigsaw.KeyIssue, err error) {
	defer wrap(&err, "store.KeyIssues")
	return db.keyIssues.get(ctx, keyIssuesTTL, db.loadKeyIssues)
}

// keyIssuesTTL is how long another process's edit of the key issues (or of
// the site settings) may take to show here.
const keyIssuesTTL = 5 * time.Second

func (db *DB) loadKeyIssues(ctx context.Context) ([]jigsaw.KeyIssue, error) {
	rows, err := db.query(ctx, `SELECT slug, name FROM key_issues ORDER BY position, slug`)
	if err != nil {
		return nil, db.mapError(err)
	}
	defer rows.Close()
	var out []jigsaw.KeyIssue
	for rows.Next() {
		var k jigsaw.KeyIssue
		if err := rows.Scan(&k.Slug, &k.Name); err != nil {
			return nil, db.mapError(err)
		}
		out = append(out, k)
	}
	return out, db.mapError(rows.Err())
}

// EnsureKeyIssues adds the given key issues where missing, keeping any
// names an admin has changed.
func (db *DB) EnsureKeyIssues(ctx context.Context, issues []jigsaw.KeyIssue) (err error) {
	defer wrap(&err, "store.EnsureKeyIssues")
	defer db.keyIssues.forget()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for i, k := range issues {
			if _, err := tx.ExecContext(ctx, `INSERT INTO key_issues (slug, name, position) VALUES ($1, $2, $3) ON CONFLICT (slug) DO NOTHING`,
				k.Slug, k.Name, i); err != nil {
				return err
			}
		}
		return nil
	})
}
