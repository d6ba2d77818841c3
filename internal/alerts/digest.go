package alerts

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
)

// Digest sends each due subscription the items of its list and filter
// published since its last digest, read through the lists' public finders
// only. Several serve processes may run it on one database: each digest is
// recorded, with its mail, only if no other process recorded it first.
type Digest struct {
	*Service
	// Hour is the hour of the day (London time) digests go out.
	Hour int
	// From is the address mail is sent from, for the mailto unsubscribe.
	From string
	Log  *slog.Logger
}

// digestItem is one line of a digest.
type digestItem struct {
	Title, URL, When string
}

// SendDue sends every digest that is due now and returns how many mails
// were queued. A subscription with nothing new gets no mail; it is looked
// at again at its next time.
func (d *Digest) SendDue(ctx context.Context) (sent int, err error) {
	defer func() {
		if sent > 0 && d.WakeMail != nil {
			d.WakeMail()
		}
	}()
	for ctx.Err() == nil {
		now := d.now().UTC().Truncate(time.Microsecond)
		daily, weekly := jigsaw.AlertDue(now, d.Hour)
		due, err := d.Store.DueAlerts(ctx, daily, weekly, 50)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		for _, sub := range due {
			m, err := d.build(ctx, sub, now)
			if err != nil {
				// A filter the list no longer takes (a key issue or an
				// organisation gone): the subscriber is not written to
				// about it, and the digest moves on.
				d.Log.WarnContext(ctx, "alert digest", "alert_id", sub.ID, "error", err)
				m = nil
			}
			ok, err := d.Store.RecordAlertDigest(ctx, sub, now, m)
			if err != nil {
				return sent, err
			}
			if ok && m != nil {
				sent++
			}
		}
	}
	return sent, ctx.Err()
}

// Run sends due digests every check until ctx ends.
func (d *Digest) Run(ctx context.Context, check time.Duration) {
	t := time.NewTicker(check)
	defer t.Stop()
	for {
		if n, err := d.SendDue(ctx); err != nil && ctx.Err() == nil {
			d.Log.ErrorContext(ctx, "alert digests", "error", err)
		} else if n > 0 {
			d.Log.InfoContext(ctx, "alert digests queued", "mails", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// build returns the digest of sub for what was published after its
// SeenUntil and up to until, nil when nothing was.
func (d *Digest) build(ctx context.Context, sub *jigsaw.AlertSubscription, until time.Time) (*jigsaw.Mail, error) {
	v, err := url.ParseQuery(sub.Filter)
	if err != nil {
		return nil, err
	}
	a, err := listparams.AlertFilter(ctx, d.Store, sub.List, v, until)
	if err != nil {
		return nil, err
	}
	items, total, err := d.find(ctx, sub, v, until)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	noun := strings.ToLower(jigsaw.LabelOf(jigsaw.AlertLists, sub.List))
	var b strings.Builder
	fmt.Fprintf(&b, "New since %s: %s.\n\n", sub.SeenUntil.In(jigsaw.London()).Format("2 January 2006"), Describe(sub.List, a.Terms))
	for _, it := range items {
		fmt.Fprintf(&b, "- %s (%s)\n  %s\n", it.Title, it.When, it.URL)
	}
	list := d.ListURL(sub.List, a.Query)
	if total > len(items) {
		fmt.Fprintf(&b, "\n…and %d more: %s\n", total-len(items), list)
	} else {
		fmt.Fprintf(&b, "\nThe whole list: %s\n", list)
	}
	unsubscribe := d.URL("unsubscribe", sub.ID)
	fmt.Fprintf(&b, "\nYou get this email %s because you asked for it.\nYour alerts: %s\nUnsubscribe: %s\n",
		strings.ToLower(jigsaw.LabelOf(jigsaw.AlertFrequencies, sub.Frequency)), d.URL("manage", sub.ID), unsubscribe)
	host := "jigsaw.invalid"
	if u, err := url.Parse(d.Links.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return &jigsaw.Mail{Kind: "alert-digest", To: sub.Email, Subject: Describe(sub.List, a.Terms) + ": " + strconv.Itoa(total) + " new", Body: b.String(),
		Headers: map[string]string{
			// RFC 2369 and RFC 8058: mail programs offer an unsubscribe
			// button that POSTs List-Unsubscribe=One-Click to the https
			// address, with no cookie and no page to read.
			"List-Unsubscribe":      "<" + unsubscribe + ">, <mailto:" + d.From + "?subject=unsubscribe>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"List-Id":               "Alerts of " + noun + " <" + string(sub.List) + ".alerts." + host + ">",
		}}, nil
}

// find reads the items of the list, as its public page filters them,
// published after sub.SeenUntil and up to until: at most
// jigsaw.MaxAlertItems, and how many there are in all.
func (d *Digest) find(ctx context.Context, sub *jigsaw.AlertSubscription, v url.Values, until time.Time) ([]digestItem, int, error) {
	var out []digestItem
	var total int
	add := func(title, path string, at time.Time, when string) {
		if at.After(until) {
			total-- // published while the digest was built: in the next one
			return
		}
		out = append(out, digestItem{Title: title, URL: d.Links.BaseURL + path, When: when})
	}
	day := func(t time.Time) string { return t.In(jigsaw.London()).Format("2 Jan 2006") }
	switch sub.List {
	case jigsaw.AlertStories:
		f, _, err := listparams.Stories(ctx, d.Store, v, jigsaw.MaxAlertItems)
		if err != nil {
			return nil, 0, err
		}
		f.PublishedAfter = sub.SeenUntil
		items, n, err := d.Store.FindPublicStories(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		total = n
		for _, s := range items {
			add(s.Title, "/stories/"+strconv.FormatInt(s.ID, 10), s.PublishedAt, "published "+day(s.PublishedAt))
		}
	case jigsaw.AlertTracker:
		f, _, err := listparams.Tracker(ctx, d.Store, v, jigsaw.MaxAlertItems)
		if err != nil {
			return nil, 0, err
		}
		f.PublishedAfter = sub.SeenUntil
		items, n, err := d.Store.FindPublicTrackerItems(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		total = n
		for _, t := range items {
			add(t.Title, "/tracker/"+strconv.FormatInt(t.ID, 10), t.PublishedAt, jigsaw.LabelOf(jigsaw.TrackerStatuses, t.Status))
		}
	case jigsaw.AlertDisputes:
		f, _, err := listparams.Disputes(ctx, d.Store, v, jigsaw.MaxAlertItems)
		if err != nil {
			return nil, 0, err
		}
		f.PublishedAfter = sub.SeenUntil
		items, n, err := d.Store.FindDisputes(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		total = n
		for _, x := range items {
			add(x.Title, "/disputes/"+strconv.FormatInt(x.ID, 10), x.CreatedAt, jigsaw.LabelOf(jigsaw.DisputeStatuses, x.Status))
		}
	case jigsaw.AlertEvents:
		f, _, err := listparams.Events(ctx, d.Store, v, jigsaw.MaxAlertItems, until)
		if err != nil {
			return nil, 0, err
		}
		f.PublishedAfter = sub.SeenUntil
		items, n, err := d.Store.FindPublicEvents(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		total = n
		for _, e := range items {
			add(e.Title, "/events/"+strconv.FormatInt(e.ID, 10), e.CreatedAt, e.LocalStart().Format("Mon 2 Jan 2006, 15:04"))
		}
	}
	return out, max(total, len(out)), nil
}
