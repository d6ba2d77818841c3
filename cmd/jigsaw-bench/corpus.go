package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"jigsaw"
	"jigsaw/internal/markdown"
	"jigsaw/internal/store"
)

// The corpus is generated, not copied: words, places and organisations
// drawn from the vocabulary of the campaign so that full-text search and
// the indexes see realistic distributions, with a fixed seed so every run
// builds the same database.

var (
	words = strings.Fields(`waiting list operation cancelled ward nurse porter cleaner caterer outsourced subsidiary
		contract private company trust board ballot strike picket agenda change band pay pension sick holiday
		closure downgrade maternity unit emergency department ambulance handover corridor bed shortage agency
		staff rota shift overtime manager consultant patient carer mother father daughter son appointment
		letter referral clinic pharmacy prescription GP surgery practice receptionist telephone queue hours
		weeks months cuts savings efficiency budget deficit tender procurement laboratory pathology samples
		results delay scan MRI X-ray cancer treatment chemotherapy dementia respite day centre community mental
		health crisis team discharge social care home transport parking fees food meals cleaning infection
		safety incident complaint union meeting lobby rally march council MP petition consultation decision`)
	districts = func() []string {
		var d []string
		for _, area := range []string{"BD", "LS", "DT", "BH", "WR", "B", "M", "L", "SE", "N", "E", "SW", "NW", "W", "CR", "BR", "S", "NE", "CF", "EX", "PL", "TR", "OX", "CB", "NR", "IP", "YO", "HU", "DN", "NG"} {
			for i := 1; i <= 20; i++ {
				d = append(d, fmt.Sprintf("%s%d", area, i))
			}
		}
		return d
	}()
	kinds  = []jigsaw.StoryKind{jigsaw.StoryPatient, jigsaw.StoryPatient, jigsaw.StoryStaff, jigsaw.StoryCarer, jigsaw.StoryBlog}
	issues = []string{"conflicts-of-interest", "hospital-closures", "wasting-money", "safety", "private-patients", "outsourcing", "cuts", "pay-and-conditions"}
)

// vocabulary is the campaign's words followed by made-up ones, drawn with
// a Zipf distribution as words in real text are: a few very common, most
// rare. Searches then match realistic shares of the corpus.
var vocabulary = func() []string {
	v := append([]string(nil), words...)
	syll := strings.Fields("ba ce di fo gu ha je ki lo mu na pe ri so tu va we xi yo zu")
	for i := 0; len(v) < 8000; i++ {
		v = append(v, syll[i%20]+syll[(i/20)%20]+syll[(i/400)%20]+"n")
	}
	return v
}()

func newZipf(r *rand.Rand) *rand.Zipf { return rand.NewZipf(r, 1.07, 2, uint64(len(vocabulary)-1)) }

func sentence(r *rand.Rand, z *rand.Zipf, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[z.Uint64()]
	}
	s := strings.Join(w, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// A million stories are spread over corpusYears (a story every 95 s); a
// corpus grown past a million has its newest ones published now.
const (
	corpusYears  = 3
	storySpacing = corpusYears * 365 * 24 * time.Hour / 1_000_000
)

// row is one row of a table to add to the corpus.
type row struct {
	table, cols string
	vals        []any
}

// storiesPerDanger: one published tracker item (danger) is made for every
// so many stories, a hundred thousand in a corpus of a million stories.
const storiesPerDanger = 10

// dangerRows are the rows of published tracker item t, reported at the
// time of story storyID and linked to it: a contract or a cut with its
// status history, a buyer and a supplier, a key issue or two and a source.
func dangerRows(r *rand.Rand, z *rand.Zipf, t, storyID int64, reported time.Time, district string, orgBase int64, orgs int) []row {
	kind := jigsaw.TrackerKinds[r.IntN(len(jigsaw.TrackerKinds))].Value
	steps := 1 + r.IntN(3) // proposed, then consultation, then decided
	day := func(d int) string { return reported.AddDate(0, 0, d).Format("2006-01-02") }
	status := jigsaw.TrackerStatuses[steps-1].Value
	decided := ""
	if status == jigsaw.TrackerDecided {
		decided = day(14 * (steps - 1))
	}
	var summary strings.Builder
	for range 2 + r.IntN(3) {
		summary.WriteString(sentence(r, z, 8+r.IntN(10)) + " ")
	}
	buyer := orgBase + 1 + int64(r.IntN(orgs))
	supplier := orgBase + 1 + (buyer-orgBase+int64(r.IntN(orgs-1)))%int64(orgs)
	first := r.IntN(len(issues))
	rows := []row{{"tracker_items", "id, kind, title, summary, status, status_on, reported_on, decided_on, value_pence, staff_affected, district, area, published_at, created_at, updated_at",
		[]any{t, string(kind), sentence(r, z, 5+r.IntN(6)), strings.TrimSpace(summary.String()), string(status), day(14 * (steps - 1)), day(0), decided,
			int64(r.IntN(50_000_000)) * 100, r.IntN(400), district, "Area " + district, reported, reported, reported}}}
	for i := range steps {
		rows = append(rows, row{"tracker_status_history", "tracker_id, position, status, on_date, note", []any{t, i, string(jigsaw.TrackerStatuses[i].Value), day(14 * i), ""}})
	}
	rows = append(rows,
		row{"tracker_organisations", "tracker_id, organisation_id, role, position", []any{t, buyer, string(jigsaw.RoleBuyer), 0}},
		row{"tracker_organisations", "tracker_id, organisation_id, role, position", []any{t, supplier, string(jigsaw.RoleSupplier), 1}},
		row{"tracker_key_issues", "tracker_id, key_issue", []any{t, issues[first]}},
		row{"tracker_sources", "tracker_id, position, url, publisher, published_on, quote", []any{t, 0, fmt.Sprintf("https://news.example.invalid/%d", t), "Local news", day(0), sentence(r, z, 10)}},
		row{"tracker_stories", "tracker_id, story_id", []any{t, storyID}})
	if r.IntN(2) == 0 {
		rows = append(rows, row{"tracker_key_issues", "tracker_id, key_issue", []any{t, issues[(first+1+r.IntN(len(issues)-1))%len(issues)]}})
	}
	return rows
}

// generate adds n published stories (each with its person, one or two key
// issues and an organisation) and orgs organisations to the migrated
// database at dsn, in large transactions. It returns the story IDs range.
func generate(ctx context.Context, engine, dsn string, n, orgs int) (firstID, lastID int64, err error) {
	driver := "sqlite"
	if engine == "postgres" {
		driver = "pgx"
	} else {
		dsn = "file:" + dsn + "?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=foreign_keys(1)&_time_format=sqlite"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	r := rand.New(rand.NewPCG(uint64(n), 2))
	z := newZipf(r)
	now := time.Now().UTC().Truncate(time.Second)
	epoch := now.Add(-corpusYears * 365 * 24 * time.Hour)

	var orgBase, storyBase, personBase, trackerBase int64
	for table, dst := range map[string]*int64{"organisations": &orgBase, "stories": &storyBase, "people": &personBase, "tracker_items": &trackerBase} {
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM `+table).Scan(dst); err != nil {
			return 0, 0, err
		}
	}
	ins := newBatcher(ctx, db, 200, engine)
	if err := bulkLinks(ctx, ins, engine); err != nil {
		return 0, 0, err
	}
	for i := 1; i <= orgs; i++ {
		id := orgBase + int64(i)
		name := fmt.Sprintf("%s %s NHS Trust %d", strings.Title(words[r.IntN(len(words))]), strings.Title(words[r.IntN(len(words))]), id)
		ins.add("organisations", "id, slug, name, kind, region, coalition_member, created_at, updated_at",
			id, jigsaw.Slugify(name), name, string(jigsaw.OrgNHSTrust), "Benchmark", false, now, now)
	}
	if err := ins.flush(); err != nil {
		return 0, 0, err
	}
	// Stories are made (their Markdown rendered) while the ones before are
	// written, on the other core.
	made := make(chan []row, 256)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(made)
		md := markdown.New()
		for i := 1; i <= n; i++ {
			id := storyBase + int64(i)
			pid := personBase + int64(i)
			title := sentence(r, z, 4+r.IntN(5))
			var body strings.Builder
			for p := 0; p < 3; p++ {
				for s := 0; s < 3; s++ {
					body.WriteString(sentence(r, z, 8+r.IntN(10)) + " ")
				}
				body.WriteString("\n\n")
			}
			district := districts[r.IntN(len(districts))]
			// Stories are published in the order they came, each within a
			// week of its submission, as moderation goes: a list's newest
			// stories are the newest ids, lying together as in a real
			// archive, not scattered over the whole table.
			submitted := epoch.Add(time.Duration(id) * storySpacing)
			published := submitted.Add(time.Duration(r.IntN(7*24*60)) * time.Minute)
			if published.After(now) {
				published = now
			}
			if submitted.After(published) {
				submitted = published
			}
			rows := []row{
				{"people", "id, name, email, created_at", []any{pid, fmt.Sprintf("Bench Person %d", pid), fmt.Sprintf("bench%d@example.invalid", pid), submitted}},
				// Stored rendered, as the server stores what it publishes.
				{"stories", "id, title, body, public_body, public_html, kind, district, area, happened_on, status, person_id, byline, submitted_at, published_at, updated_at",
					[]any{id, title, body.String(), body.String(), md.Render(body.String()), string(kinds[r.IntN(len(kinds))]), district, "Area " + district, published.Format("2006-01"),
						string(jigsaw.StoryPublished), pid, "A person in " + district, submitted, published, published}},
			}
			first := r.IntN(len(issues))
			rows = append(rows, row{"story_key_issues", "story_id, key_issue", []any{id, issues[first]}})
			if r.IntN(2) == 0 {
				rows = append(rows, row{"story_key_issues", "story_id, key_issue", []any{id, issues[(first+1+r.IntN(len(issues)-1))%len(issues)]}})
			}
			if orgs > 0 {
				rows = append(rows, row{"story_organisations", "story_id, organisation_id", []any{id, orgBase + 1 + int64(r.IntN(orgs))}})
			}
			if (storyBase+int64(i))%storiesPerDanger == 0 && orgs > 1 {
				// A danger reported where this story happened, the story
				// linked to it.
				t := trackerBase + (storyBase+int64(i))/storiesPerDanger - storyBase/storiesPerDanger
				rows = append(rows, dangerRows(r, z, t, id, submitted, district, orgBase, orgs)...)
			}
			select {
			case made <- rows:
			case <-stop:
				return
			}
		}
	}()
	for rows := range made {
		for _, rw := range rows { // not r: the generating goroutine's random source
			ins.add(rw.table, rw.cols, rw.vals...)
		}
		if err := ins.err; err != nil {
			return 0, 0, err
		}
	}
	if err := ins.flush(); err != nil {
		return 0, 0, err
	}
	if engine == "postgres" {
		for _, t := range []string{"organisations", "stories", "people", "tracker_items"} {
			if _, err := db.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))`, t, t)); err != nil {
				return 0, 0, err
			}
		}
		// VACUUM too, not only ANALYZE: the bulk load leaves every row for
		// autovacuum to visit, which it would do during the measurements,
		// and index-only scans need the visibility map it sets.
		if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
			return 0, 0, err
		}
		// Write the load out now (see syscall.Sync below).
		if _, err := db.ExecContext(ctx, `CHECKPOINT`); err != nil {
			return 0, 0, err
		}
	} else {
		// A bulk load leaves the full-text index in many segments that
		// FTS5's automerge would fold together over the months a real
		// instance takes to gather these stories; fold them now.
		if _, err := db.ExecContext(ctx, `INSERT INTO story_search(story_search) VALUES ('optimize')`); err != nil {
			return 0, 0, err
		}
		if _, err := db.ExecContext(ctx, `PRAGMA optimize`); err != nil {
			return 0, 0, err
		}
		// Fold the bulk load's write-ahead log into the database, as the
		// server's own commits keep doing: a log of gigabytes would slow
		// every read of the measured server.
		if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return 0, 0, err
		}
	}
	// Gigabytes of the load may still be waiting to be written to disk;
	// written back during the measurements, they would slow the reads being
	// measured. Wait for them here.
	syscall.Sync()
	return storyBase + 1, storyBase + int64(n), nil
}

// batcher groups rows per table into multi-row INSERTs inside transactions
// of many rows each, which both engines load far faster than row by row.
type batcher struct {
	ctx   context.Context
	db    *sql.DB
	size  int
	rows  map[string][][]any
	cols  map[string]string
	order []string
	tx    *sql.Tx
	count int
	err   error

	// SQLite's parameters are written ? rather than $n: it looks a $n up
	// by name, through a list as long as the statement's parameters, so a
	// batch of thousands spent much of the load finding them.
	positional bool
	stmts      map[string]*sql.Stmt // a full batch's INSERT for each table, prepared once a transaction

	// Optional: run after each transaction begins, for each batch of rows
	// inserted, and before each commit.
	begun    func(tx *sql.Tx) error
	inserted func(table string, rows [][]any)
	commit   func(tx *sql.Tx) error
}

// bulkLinks has a load write each story's links once, with the schema's
// own story_links_now, instead of through the link triggers, which rewrite
// a story's links once for each of its link rows (on SQLite, the whole
// story row each time). The triggers are off inside each load transaction,
// where both engines' DDL is transactional: PostgreSQL disables them (ALTER
// TABLE takes the tables for itself until the commit), SQLite drops them and
// creates them again from their own text before the commit.
func bulkLinks(ctx context.Context, b *batcher, engine string) error {
	triggers := [][2]string{{"story_key_issues", "story_key_issues_links"}, {"story_organisations", "story_organisations_links"}}
	off, on := func(i int) string { return `ALTER TABLE ` + triggers[i][0] + ` DISABLE TRIGGER ` + triggers[i][1] },
		func(i int) string { return `ALTER TABLE ` + triggers[i][0] + ` ENABLE TRIGGER ` + triggers[i][1] }
	// The link tables are analysed first: the lock ALTER TABLE holds keeps
	// autovacuum from them all load long, and planned for the empty tables
	// they began as, story_links_now read every organisation for each story,
	// which slowed the load more the larger the corpus grew.
	analyse := `ANALYZE story_key_issues, story_organisations, organisations`
	// A story's links may have been split between two transactions: the
	// second writes them again, whole.
	fill := `INSERT INTO story_links (story_id, links)
		SELECT s.id, story_links_now(s.id) FROM stories s WHERE s.id BETWEEN $1 AND $2
		ON CONFLICT (story_id) DO UPDATE SET links = EXCLUDED.links`
	if engine == store.SQLite {
		create := make([]string, len(triggers))
		for i, t := range triggers {
			if err := b.db.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?`,
				t[1]+"_insert").Scan(&create[i]); err != nil {
				return fmt.Errorf("trigger %s_insert: %w", t[1], err)
			}
		}
		off, on = func(i int) string { return `DROP TRIGGER ` + triggers[i][1] + `_insert` }, func(i int) string { return create[i] }
		analyse, fill = "", `UPDATE stories SET public_links = (SELECT links FROM story_links_now WHERE story_id = stories.id) WHERE id BETWEEN ? AND ?`
	}
	lo, hi := int64(0), int64(-1) // the stories whose links this transaction wrote
	b.begun = func(tx *sql.Tx) error {
		for i := range triggers {
			if _, err := tx.ExecContext(ctx, off(i)); err != nil {
				return err
			}
		}
		return nil
	}
	b.inserted = func(table string, rows [][]any) {
		if table != "story_key_issues" && table != "story_organisations" {
			return
		}
		for _, r := range rows {
			id := r[0].(int64)
			if hi < lo {
				lo, hi = id, id
			}
			lo, hi = min(lo, id), max(hi, id)
		}
	}
	b.commit = func(tx *sql.Tx) error {
		if hi >= lo {
			if analyse != "" {
				if _, err := tx.ExecContext(ctx, analyse); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, fill, lo, hi); err != nil {
				return err
			}
		}
		lo, hi = 0, -1
		for i := range triggers {
			if _, err := tx.ExecContext(ctx, on(i)); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

// commitRows is how many rows a load transaction holds.
var commitRows = 50000

func newBatcher(ctx context.Context, db *sql.DB, size int, engine string) *batcher {
	return &batcher{ctx: ctx, db: db, size: size, rows: map[string][][]any{}, cols: map[string]string{},
		positional: engine == store.SQLite, stmts: map[string]*sql.Stmt{}}
}

func (b *batcher) add(table, cols string, vals ...any) {
	if b.err != nil {
		return
	}
	if _, ok := b.cols[table]; !ok {
		b.order = append(b.order, table)
	}
	b.cols[table] = cols
	b.rows[table] = append(b.rows[table], vals)
	if len(b.rows[table]) >= b.size {
		// Parents first: flush every table in the order first seen, so
		// foreign keys always find their rows.
		b.err = b.flushTables(false)
	}
}

func (b *batcher) flush() error {
	if b.err != nil {
		return b.err
	}
	return b.flushTables(true)
}

func (b *batcher) flushTables(commit bool) error {
	if b.tx == nil {
		tx, err := b.db.BeginTx(b.ctx, nil)
		if err != nil {
			return err
		}
		b.tx = tx
		if b.begun != nil {
			if err := b.begun(tx); err != nil {
				return b.abort(err)
			}
		}
	}
	for _, table := range b.order {
		rows := b.rows[table]
		if len(rows) == 0 {
			continue
		}
		if err := b.insert(table, rows); err != nil {
			return b.abort(fmt.Errorf("insert into %s: %w", table, err))
		}
		if b.inserted != nil {
			b.inserted(table, rows)
		}
		b.count += len(rows)
		b.rows[table] = rows[:0]
	}
	if commit || b.count >= commitRows {
		b.count = 0
		if b.commit != nil {
			if err := b.commit(b.tx); err != nil {
				return b.abort(err)
			}
		}
		err := b.tx.Commit()
		b.tx = nil
		clear(b.stmts) // closed with their transaction
		return err
	}
	return nil
}

// insert adds rows to table: a full batch through its prepared statement,
// the last, shorter one through a statement of its own.
func (b *batcher) insert(table string, rows [][]any) error {
	args := make([]any, 0, len(rows)*len(rows[0]))
	for _, row := range rows {
		args = append(args, row...)
	}
	stmt := b.stmts[table]
	if stmt == nil || len(rows) != b.size {
		var sb strings.Builder
		fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", table, b.cols[table])
		for i := range rows {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(")
			for j := range rows[i] {
				if j > 0 {
					sb.WriteString(", ")
				}
				if b.positional {
					sb.WriteString("?")
				} else {
					fmt.Fprintf(&sb, "$%d", i*len(rows[i])+j+1)
				}
			}
			sb.WriteString(")")
		}
		if len(rows) != b.size {
			_, err := b.tx.ExecContext(b.ctx, sb.String(), args...)
			return err
		}
		var err error
		if stmt, err = b.tx.PrepareContext(b.ctx, sb.String()); err != nil {
			return err
		}
		b.stmts[table] = stmt
	}
	_, err := stmt.ExecContext(b.ctx, args...)
	return err
}

func (b *batcher) abort(err error) error {
	b.tx.Rollback()
	b.tx = nil
	clear(b.stmts)
	return err
}
