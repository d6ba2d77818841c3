// Package watch fetches the watched sources — OCDS feeds and files from
// Contracts Finder and Find a Tender, NHS ODS files — on their schedules and
// imports what they publish, as an admin's upload would be imported.
//
// A Runner checks for due sources every minute (and when woken). Each due
// source is claimed in the database with a lease, so that of several
// `jigsaw serve` processes sharing one PostgreSQL database only one fetches
// it. A fetch is a conditional GET (If-None-Match, If-Modified-Since) with a
// timeout, a size bound and a User-Agent naming Jigsaw; an unchanged file
// is recorded as "not modified" and imports nothing. A paged feed is
// followed through its packages' links.next, a bounded number of pages a
// run, each page imported in a transaction of its own. A failure is
// recorded with its reason and the source is tried again later, after a
// delay that doubles with each failure in a row, up to its schedule's
// interval; it never stops the other sources.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"jigsaw"
	"jigsaw/internal/imports"
)

// Store is what the runner needs of the database.
type Store interface {
	// ClaimWatchedSource leases a due source to the caller, or returns nil.
	ClaimWatchedSource(ctx context.Context, lease time.Duration) (*jigsaw.WatchedSource, error)
	// FinishWatchRun records a run and the source's new state, and ends
	// the lease.
	FinishWatchRun(ctx context.Context, s *jigsaw.WatchedSource, run *jigsaw.WatchRun) error
}

// Importer imports one file: imports.Import on the database.
type Importer func(ctx context.Context, kind string, src *imports.Source, opt imports.Options) (*jigsaw.ImportRun, error)

// Defaults of a Runner's zero fields.
const (
	DefaultEvery         = time.Minute
	DefaultFetchTimeout  = 5 * time.Minute
	DefaultSourceTimeout = 20 * time.Minute
	DefaultMaxBytes      = 512 << 20
	DefaultMaxPages      = 20
	DefaultWorkers       = 2
	// FirstRetry is the delay after a first failure; it doubles with each
	// failure in a row, up to the source's schedule interval.
	FirstRetry = 5 * time.Minute
)

// Runner runs the watched sources that are due.
type Runner struct {
	Store  Store
	Import Importer
	Log    *slog.Logger
	// UserAgent names Jigsaw to the servers fetched from.
	UserAgent string
	// Client makes the requests; nil uses a client of its own.
	Client *http.Client
	// Every is how often Run looks for due sources.
	Every time.Duration
	// FetchTimeout bounds one page's request and download; SourceTimeout a
	// whole run of a source, all its pages and their imports. A source's
	// lease lasts a little longer than SourceTimeout.
	FetchTimeout  time.Duration
	SourceTimeout time.Duration
	// MaxBytes bounds the size of a page as sent (compressed or not).
	MaxBytes int64
	// MaxPages bounds the pages of a feed fetched in one run.
	MaxPages int
	// Workers is how many sources run at once: a slow server holds up one.
	Workers int
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	once sync.Once
	wake chan struct{}
}

func (r *Runner) init() {
	r.once.Do(func() {
		r.wake = make(chan struct{}, 1)
		if r.Every <= 0 {
			r.Every = DefaultEvery
		}
		if r.FetchTimeout <= 0 {
			r.FetchTimeout = DefaultFetchTimeout
		}
		if r.SourceTimeout <= 0 {
			r.SourceTimeout = DefaultSourceTimeout
		}
		if r.MaxBytes <= 0 {
			r.MaxBytes = DefaultMaxBytes
		}
		if r.MaxPages <= 0 {
			r.MaxPages = DefaultMaxPages
		}
		if r.Workers <= 0 {
			r.Workers = DefaultWorkers
		}
		if r.Now == nil {
			r.Now = time.Now
		}
		if r.Log == nil {
			r.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
		}
		if r.UserAgent == "" {
			r.UserAgent = "Jigsaw (watched sources)"
		}
		if r.Client == nil {
			r.Client = &http.Client{}
		}
	})
}

// Wake asks Run to look for due sources now (an admin's "run now").
func (r *Runner) Wake() {
	r.init()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run runs due sources at once, then every r.Every and when woken, until
// ctx is cancelled.
func (r *Runner) Run(ctx context.Context) {
	r.init()
	t := time.NewTicker(r.Every)
	defer t.Stop()
	for {
		r.RunDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.wake:
		}
	}
}

// RunDue runs every source that is due, r.Workers at a time, and returns
// how many it ran.
func (r *Runner) RunDue(ctx context.Context) int {
	r.init()
	var mu sync.Mutex
	ran := 0
	var wg sync.WaitGroup
	for range r.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				s, err := r.Store.ClaimWatchedSource(ctx, r.SourceTimeout+5*time.Minute)
				if err != nil {
					if ctx.Err() == nil {
						r.Log.Error("claim a watched source", "err", err)
					}
					return
				}
				if s == nil {
					return
				}
				r.RunSource(ctx, s)
				mu.Lock()
				ran++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return ran
}

// RunSource fetches and imports s, which the caller has claimed, and
// records the run. It returns the run recorded.
func (r *Runner) RunSource(ctx context.Context, s *jigsaw.WatchedSource) *jigsaw.WatchRun {
	r.init()
	run := &jigsaw.WatchRun{SourceID: s.ID, StartedAt: r.Now().UTC()}
	sctx, cancel := context.WithTimeout(ctx, r.SourceTimeout)
	err := r.fetchAll(sctx, s, run)
	cancel()
	run.FinishedAt = r.Now().UTC()
	interval := s.Schedule.Interval()
	switch {
	case err != nil && ctx.Err() != nil:
		// The server is stopping: try again when it is back, without
		// counting it as the source's failure.
		run.Status, run.Message = jigsaw.WatchFailed, "Interrupted: the server stopped during the run."
		if run.Pages > 0 {
			run.Message = fmt.Sprintf("Interrupted after %d pages: the server stopped during the run.", run.Pages)
		}
		s.NextRunAt = run.FinishedAt
	case err != nil:
		s.Failures++
		run.Status, run.Message = jigsaw.WatchFailed, failureMessage(err, run, s.Failures)
		s.NextRunAt = run.FinishedAt.Add(Backoff(s.Failures, interval))
	default:
		s.Failures = 0
		s.NextRunAt = run.FinishedAt.Add(interval)
	}
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer fcancel()
	if ferr := r.Store.FinishWatchRun(fctx, s, run); ferr != nil {
		if jigsaw.ErrorCode(ferr) == jigsaw.ENOTFOUND {
			r.Log.Info("watched source deleted during its run", "source", s.Name)
		} else {
			r.Log.Error("record a watched source's run", "source", s.Name, "err", ferr)
		}
	}
	attrs := []any{"source", s.Name, "id", s.ID, "status", run.Status, "pages", run.Pages, "bytes", run.Bytes,
		"duration", run.FinishedAt.Sub(run.StartedAt).Round(time.Millisecond), "message", run.Message}
	if run.Status == jigsaw.WatchFailed {
		attrs = append(attrs, "failures", s.Failures, "next_run", s.NextRunAt.Format(time.RFC3339))
		if err != nil && !isCoded(err) && !errors.As(err, new(*fetchError)) {
			attrs = append(attrs, "err", err) // ours or the database's: the detail is for the log
		}
		r.Log.Warn("watched source failed", attrs...)
	} else {
		r.Log.Info("watched source run", attrs...)
	}
	return run
}

// Backoff is the delay before the next try after failures failures in a
// row: FirstRetry, doubling, at most interval.
func Backoff(failures int, interval time.Duration) time.Duration {
	d := FirstRetry
	for i := 1; i < failures && d < interval; i++ {
		d *= 2
	}
	return min(d, interval)
}

// fetchError is a failure to fetch a page, in words for the admin.
type fetchError struct{ msg string }

func (e *fetchError) Error() string { return e.msg }

func fetchErrorf(format string, args ...any) error {
	return &fetchError{fmt.Sprintf(format, args...)}
}

func isCoded(err error) bool {
	var e *jigsaw.Error
	return errors.As(err, &e)
}

// failureMessage is what the admin reads of a failed run.
func failureMessage(err error, run *jigsaw.WatchRun, failures int) string {
	var msg string
	var fe *fetchError
	switch {
	case errors.As(err, &fe):
		msg = fe.msg
	case errors.Is(err, context.DeadlineExceeded):
		msg = "The run took too long and was stopped."
	case isCoded(err):
		msg = jigsaw.ErrorMessage(err)
	default:
		msg = "Internal error (see the server's log)."
	}
	if run.Pages > 0 {
		msg = fmt.Sprintf("Page %d: %s (the %d pages before it were imported)", run.Pages+1, msg, run.Pages)
	}
	if failures > 1 {
		msg += fmt.Sprintf(" [%d failures in a row]", failures)
	}
	return msg
}

// fetchAll fetches s's URL and, for an OCDS feed, the pages after it, and
// imports each, filling in run.
func (r *Runner) fetchAll(ctx context.Context, s *jigsaw.WatchedSource, run *jigsaw.WatchRun) error {
	u := s.URL
	seen := map[string]bool{}
	var total jigsaw.ImportCounts
	var etag, lastModified string
	var notes []string
	for page := 1; ; page++ {
		seen[u] = true
		conditional := page == 1
		res, err := r.fetchPage(ctx, s, u, conditional)
		if err != nil {
			return err
		}
		if res.notModified {
			run.Status, run.Message = jigsaw.WatchNotModified, "Not modified since the last run."
			return nil
		}
		if page == 1 {
			etag, lastModified = res.etag, res.lastModified
		}
		next, counts, runID, err := r.importPage(ctx, s, page, res)
		os.Remove(res.file)
		if err != nil {
			return err
		}
		run.Pages++
		run.Bytes += res.size
		run.ImportRunIDs = append(run.ImportRunIDs, runID)
		addCounts(&total, counts)
		if next == "" {
			break
		}
		nu, err := nextPage(u, next)
		if err != nil {
			notes = append(notes, fmt.Sprintf("the next page's address was not followed: %v", err))
			break
		}
		if seen[nu] {
			break // a link back to a page already read ends the feed
		}
		if page >= r.MaxPages {
			notes = append(notes, fmt.Sprintf("stopped at the limit of %d pages a run: the rest are read from the first page again next run", r.MaxPages))
			break
		}
		u = nu
	}
	s.ETag, s.LastModified = etag, lastModified
	run.Status = jigsaw.WatchImported
	run.Read, run.Created, run.Updated, run.Unchanged, run.Skipped = total.Read, total.Created, total.Updated, total.Unchanged, total.Skipped
	run.Message = total.String()
	for _, n := range notes {
		run.Message += "; " + n
	}
	if run.Pages > 1 {
		run.Message = fmt.Sprintf("%d pages: %s", run.Pages, run.Message)
	}
	return nil
}

func addCounts(total *jigsaw.ImportCounts, c jigsaw.ImportCounts) {
	total.Read += c.Read
	total.Created += c.Created
	total.Updated += c.Updated
	total.Unchanged += c.Unchanged
	total.OrgsCreated += c.OrgsCreated
	total.OrgsUpdated += c.OrgsUpdated
	total.Closures += c.Closures
	for reason, n := range c.Skips {
		for range n {
			total.Skip(reason)
		}
	}
}

// nextPage resolves a links.next against the page that gave it. Only a
// web address on the same host is followed: what a feed says must not send
// the server to fetch from anywhere else (its own network among it).
func nextPage(base, next string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	n, err := b.Parse(next)
	if err != nil {
		return "", fmt.Errorf("%q is not an address", truncate(next, 200))
	}
	if (n.Scheme != "http" && n.Scheme != "https") || n.Host == "" {
		return "", fmt.Errorf("%q is not a web address", truncate(next, 200))
	}
	if !strings.EqualFold(n.Host, b.Host) {
		return "", fmt.Errorf("%s is another host than the source's", truncate(n.Host, 200))
	}
	return n.String(), nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// page is a page fetched into a temporary file.
type page struct {
	notModified        bool
	file               string
	size               int64
	etag, lastModified string
}

// fetchPage GETs u into a temporary file. The body is read whole before
// the import begins, so that a slow server never holds the database's
// write transaction open (on SQLite, every other writer's) while it
// trickles.
func (r *Runner) fetchPage(ctx context.Context, s *jigsaw.WatchedSource, u string, conditional bool) (*page, error) {
	ctx, cancel := context.WithTimeout(ctx, r.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fetchErrorf("The address cannot be fetched: %v", err)
	}
	req.Header.Set("User-Agent", r.UserAgent)
	if s.Kind == jigsaw.ImportOCDS {
		req.Header.Set("Accept", "application/json, */*;q=0.5")
	}
	if conditional {
		if s.ETag != "" {
			req.Header.Set("If-None-Match", s.ETag)
		}
		if s.LastModified != "" {
			req.Header.Set("If-Modified-Since", s.LastModified)
		}
	}
	resp, err := r.Client.Do(req)
	if err != nil {
		return nil, r.networkError(ctx, u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && conditional:
		return &page{notModified: true}, nil
	case resp.StatusCode != http.StatusOK:
		return nil, fetchErrorf("%s answered HTTP %s.", hostOf(u), strings.TrimSpace(resp.Status))
	case resp.ContentLength > r.MaxBytes:
		return nil, fetchErrorf("%s sent %d MB, more than the %d MB a page may be.", hostOf(u), resp.ContentLength>>20, r.MaxBytes>>20)
	}
	f, err := os.CreateTemp("", "jigsaw-watch-*")
	if err != nil {
		return nil, err
	}
	p := &page{file: f.Name(), etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified")}
	n, err := io.Copy(f, io.LimitReader(resp.Body, r.MaxBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	p.size = n
	switch {
	case err != nil:
		os.Remove(p.file)
		return nil, r.networkError(ctx, u, err)
	case n > r.MaxBytes:
		os.Remove(p.file)
		return nil, fetchErrorf("%s sent more than the %d MB a page may be.", hostOf(u), r.MaxBytes>>20)
	case resp.ContentLength >= 0 && n != resp.ContentLength:
		os.Remove(p.file)
		return nil, fetchErrorf("%s ended the file early (%d of %d bytes).", hostOf(u), n, resp.ContentLength)
	}
	return p, nil
}

// networkError says in the admin's words why a request failed.
func (r *Runner) networkError(ctx context.Context, u string, err error) error {
	host := hostOf(u)
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return fetchErrorf("%s did not send the file within %s.", host, r.FetchTimeout)
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &dnsErr):
		return fetchErrorf("%s cannot be found (DNS: %s).", host, dnsErr.Err)
	case errors.As(err, &opErr):
		return fetchErrorf("%s cannot be reached: %v.", host, opErr.Err)
	}
	return fetchErrorf("%s cannot be reached: %v", host, err)
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return "The server"
}

// importPage imports a fetched page and returns the next page's address
// (from an OCDS package's links.next), the counts and the import run's id.
func (r *Runner) importPage(ctx context.Context, s *jigsaw.WatchedSource, n int, p *page) (string, jigsaw.ImportCounts, int64, error) {
	f, err := os.Open(p.file)
	if err != nil {
		return "", jigsaw.ImportCounts{}, 0, err
	}
	defer f.Close()
	name := "watch: " + s.Name
	switch {
	case n > 1:
		name = fmt.Sprintf("%s (page %d)", name, n)
	case s.Kind == jigsaw.ImportODS && s.ODSKind == "":
		// The importer tells what an ODS file lists from its name's last
		// part (etr.csv: trusts): the address's.
		name += " (" + s.URL + ")"
	}
	src, err := imports.NewSource(name, f, p.size)
	if err != nil {
		return "", jigsaw.ImportCounts{}, 0, err
	}
	var pkg imports.OCDSPackage
	opt := imports.Options{Encoding: s.Encoding}
	opt.OCDS = imports.OCDSOptions{NHSOnly: s.NHSOnly, Buyers: s.Buyers, CPV: s.CPV, Regions: s.Regions, Since: s.Since, Package: &pkg}
	opt.ODS.Kind = s.ODSKind
	run, err := r.Import(ctx, s.Kind, src, opt)
	if err != nil {
		return "", jigsaw.ImportCounts{}, 0, err
	}
	return pkg.Next, run.ImportCounts, run.ID, nil
}
