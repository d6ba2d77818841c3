package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"jigsaw"
	"jigsaw/internal/chart"
)

// ChartData counts what the public charts show, from published records
// only (disputes are public whole), as f selects. Dates stored as text
// (YYYY-MM-DD, YYYY-MM or YYYY) compare as text: a month's range is
// ">= 'YYYY-MM' AND < the next month", which holds every date of the
// month whatever its precision. Stories are dated by when they were
// published, a timestamp.
func (db *DB) ChartData(ctx context.Context, f chart.Filter) (_ *chart.Data, err error) {
	defer wrap(&err, "store.ChartData")
	d := &chart.Data{}
	for _, read := range []func(context.Context, chart.Filter, *chart.Data) error{
		db.chartDangers, db.chartDisputes, db.chartStrikeDays, db.chartStories, db.chartContracts,
	} {
		if err := read(ctx, f, d); err != nil {
			return nil, db.mapError(err)
		}
	}
	return d, nil
}

// nextMonth is the month after m (YYYY-MM), the open end of its range.
func nextMonth(m string) string { return string(chart.Month(m).Add(1)) }

// dangerFilter adds f's conditions on tracker items (named t) to w, the
// range on the text column date.
func dangerFilter(w *where, f chart.Filter, date string) {
	if f.From != "" {
		w.add(date+" >= ?", f.From)
	}
	if f.To != "" {
		w.add(date+" < ?", nextMonth(f.To))
	}
	if f.KeyIssue != "" {
		w.add("EXISTS (SELECT 1 FROM tracker_key_issues k WHERE k.tracker_id = t.id AND k.key_issue = ?)", f.KeyIssue)
	}
	if f.District != "" {
		w.add("t.district = ?", f.District)
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM tracker_organisations o WHERE o.tracker_id = t.id AND o.organisation_id = ?)", f.OrgID)
	}
}

// chartDangers counts published dangers by the month they were reported
// and kind. A danger dated by its year alone has no month and is left out.
// The partial index of published dangers holds every column read, so
// neither engine reads the rows.
func (db *DB) chartDangers(ctx context.Context, f chart.Filter, d *chart.Data) error {
	w := where{conds: []string{"t.published_at IS NOT NULL", "length(t.reported_on) >= 7"}}
	dangerFilter(&w, f, "t.reported_on")
	rows, err := db.query(ctx, `SELECT substr(t.reported_on, 1, 7), t.kind, count(*) FROM tracker_items t
		WHERE `+w.sql()+` GROUP BY substr(t.reported_on, 1, 7), t.kind ORDER BY 1, 2`, w.args...)
	if err != nil {
		return err
	}
	d.Dangers, err = collect(rows, func(r interface{ Scan(...any) error }) (m chart.DangerMonth, err error) {
		return m, r.Scan(&m.Month, &m.Kind, &m.Count)
	})
	return err
}

// disputeFilter adds f's conditions on disputes (named d) to w.
func disputeFilter(w *where, f chart.Filter) {
	if f.KeyIssue != "" {
		w.add("EXISTS (SELECT 1 FROM dispute_key_issues k WHERE k.dispute_id = d.id AND k.key_issue = ?)", f.KeyIssue)
	}
	if f.District != "" {
		w.add("d.district = ?", f.District)
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM dispute_parties p WHERE p.dispute_id = d.id AND p.organisation_id = ?)", f.OrgID)
	}
}

// chartDisputes counts the disputes with a step in each month.
func (db *DB) chartDisputes(ctx context.Context, f chart.Filter, d *chart.Data) error {
	var w where
	if f.From != "" {
		w.add("s.on_date >= ?", f.From)
	}
	if f.To != "" {
		w.add("s.on_date < ?", nextMonth(f.To))
	}
	disputeFilter(&w, f)
	rows, err := db.query(ctx, `SELECT substr(s.on_date, 1, 7), count(DISTINCT s.dispute_id)
		FROM dispute_steps s JOIN disputes d ON d.id = s.dispute_id
		WHERE `+w.sql()+` GROUP BY substr(s.on_date, 1, 7) ORDER BY 1`, w.args...)
	if err != nil {
		return err
	}
	d.Disputes, err = collect(rows, func(r interface{ Scan(...any) error }) (m chart.DisputeMonth, err error) {
		return m, r.Scan(&m.Month, &m.Disputes)
	})
	return err
}

// chartStrikeDays adds to each month the days of strikes in it: a strike
// from 30 January to 2 February is two days of January and two of
// February. The strikes are read whole and cut into months here, since
// the two engines share no way of walking days in SQL; they are few (a
// step of a dispute each).
func (db *DB) chartStrikeDays(ctx context.Context, f chart.Filter, d *chart.Data) error {
	w := where{conds: []string{"s.kind = '" + string(jigsaw.StepStrike) + "'"}}
	if f.From != "" {
		w.add("(CASE WHEN s.end_date = '' THEN s.on_date ELSE s.end_date END) >= ?", f.From)
	}
	if f.To != "" {
		w.add("s.on_date < ?", nextMonth(f.To))
	}
	disputeFilter(&w, f)
	rows, err := db.query(ctx, `SELECT s.on_date, s.end_date FROM dispute_steps s JOIN disputes d ON d.id = s.dispute_id
		WHERE `+w.sql(), w.args...)
	if err != nil {
		return err
	}
	days := map[string]int{}
	if err := func() error {
		defer rows.Close()
		for rows.Next() {
			var on, end string
			if err := rows.Scan(&on, &end); err != nil {
				return err
			}
			addStrikeDays(days, on, end, f)
		}
		return rows.Err()
	}(); err != nil {
		return err
	}
	for i := range d.Disputes {
		m := &d.Disputes[i]
		m.StrikeDays, days[m.Month] = days[m.Month], 0
	}
	// A month may hold strike days of a strike begun in an earlier month
	// and no step of its own.
	for m, n := range days {
		if n > 0 {
			d.Disputes = append(d.Disputes, chart.DisputeMonth{Month: m, StrikeDays: n})
		}
	}
	slices.SortFunc(d.Disputes, func(a, b chart.DisputeMonth) int { return cmp.Compare(a.Month, b.Month) })
	return nil
}

// addStrikeDays adds the days from on to end (YYYY-MM-DD; end "" for one
// day) to their months in days, within f's range.
func addStrikeDays(days map[string]int, on, end string, f chart.Filter) {
	first, err1 := time.Parse(time.DateOnly, on)
	last, err2 := time.Parse(time.DateOnly, cmp.Or(end, on))
	if err1 != nil || err2 != nil || last.Before(first) {
		return
	}
	for day := first; !day.After(last); {
		m := string(chart.MonthOf(day))
		monthEnd := day.AddDate(0, 1, -day.Day()+1).AddDate(0, 0, -1)
		stop := monthEnd
		if last.Before(stop) {
			stop = last
		}
		if (f.From == "" || m >= f.From) && (f.To == "" || m <= f.To) {
			days[m] += int(stop.Sub(day).Hours()/24) + 1
		}
		day = stop.AddDate(0, 0, 1)
	}
}

// chartStories counts published stories by key issue; a story of two
// issues counts for each. Every key issue of the site is listed, with 0
// where none matches.
func (db *DB) chartStories(ctx context.Context, f chart.Filter, d *chart.Data) error {
	w := where{conds: []string{"s.status = 'published'"}}
	if f.From != "" {
		w.add("s.published_at >= ?", chart.Month(f.From).Time())
	}
	if f.To != "" {
		w.add("s.published_at < ?", chart.Month(f.To).Add(1).Time())
	}
	from := "story_key_issues k JOIN stories s ON s.id = k.story_id"
	if f.KeyIssue != "" {
		// From the issue's links, as an EXISTS probe of each link's
		// story would walk every link of every story.
		from = "story_key_issues k2 JOIN stories s ON s.id = k2.story_id JOIN story_key_issues k ON k.story_id = s.id"
		w.add("k2.key_issue = ?", f.KeyIssue)
	}
	if f.District != "" {
		w.add("s.district = ?", f.District)
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM story_organisations o WHERE o.story_id = s.id AND o.organisation_id = ?)", f.OrgID)
	}
	query := `SELECT k.key_issue, count(*) FROM ` + from + ` WHERE ` + w.sql() + ` GROUP BY k.key_issue`
	if len(w.conds) == 1 && db.Engine == SQLite {
		// Unfiltered, SQLite probed each link's story: a second at a
		// million stories. Set against the few stories not published,
		// the links are counted from their index alone, in a third of
		// the time. (PostgreSQL hashes the join by itself.)
		query = `SELECT key_issue, count(*) FROM story_key_issues
			WHERE story_id NOT IN (SELECT id FROM stories WHERE status <> 'published') GROUP BY key_issue`
	}
	counts := map[string]int{}
	err := func() error {
		rows, err := db.query(ctx, query, w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var slug string
			var n int
			if err := rows.Scan(&slug, &n); err != nil {
				return err
			}
			counts[slug] = n
		}
		return rows.Err()
	}()
	if err != nil {
		return err
	}
	issues, err := db.KeyIssues(ctx)
	if err != nil {
		return err
	}
	d.Stories = make([]chart.IssueCount, len(issues))
	for i, k := range issues {
		d.Stories[i] = chart.IssueCount{Slug: k.Slug, Name: k.Name, Stories: counts[k.Slug]}
	}
	return nil
}

// chartContracts sums, by year, the value of published dangers that name a
// private company (an organisation of kind company, not an NHS body's own
// subsidiary) as supplier: each danger once, however many such suppliers
// it names. A danger's year is the year it was decided (a contract's
// award), or else reported; the range is of those dates' months.
func (db *DB) chartContracts(ctx context.Context, f chart.Filter, d *chart.Data) error {
	const on = "(CASE WHEN t.decided_on <> '' THEN t.decided_on ELSE t.reported_on END)"
	w := where{conds: []string{"t.published_at IS NOT NULL", "t.value_pence > 0"}}
	w.add(`EXISTS (SELECT 1 FROM tracker_organisations o JOIN organisations g ON g.id = o.organisation_id
		WHERE o.tracker_id = t.id AND o.role = ? AND g.kind = ?)`, jigsaw.RoleSupplier, jigsaw.OrgCompany)
	dangerFilter(&w, f, on)
	rows, err := db.query(ctx, `SELECT substr(`+on+`, 1, 4), CAST(sum(t.value_pence) AS BIGINT), count(*) FROM tracker_items t
		WHERE `+w.sql()+` GROUP BY substr(`+on+`, 1, 4) ORDER BY 1`, w.args...)
	if err != nil {
		return err
	}
	d.Contracts, err = collect(rows, func(r interface{ Scan(...any) error }) (y chart.YearValue, err error) {
		return y, r.Scan(&y.Year, &y.Pence, &y.Items)
	})
	return err
}
