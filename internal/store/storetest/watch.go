package storetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"jigsaw"
	"jigsaw/internal/store"
)

func newWatchedSource(name string) *jigsaw.WatchedSource {
	return &jigsaw.WatchedSource{Name: name, Kind: jigsaw.ImportOCDS, URL: "https://feeds.test.invalid/ocds.json",
		Schedule: jigsaw.WatchDaily, NHSOnly: true}
}

func (s *suite) testWatchedSources(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	src := &jigsaw.WatchedSource{Name: "  Contracts  Finder ", Kind: jigsaw.ImportOCDS, URL: " https://feeds.test.invalid/search?stages=award ",
		Schedule: jigsaw.WatchSixHour, Buyers: []string{"RBV, Countess of Chester", ""}, CPV: []string{"85 851-1", "72000000-5"},
		Regions: []string{"uke4, BD20"}, Since: "1/1/2024", Encoding: "UTF-8", ODSKind: "trust"}
	if err := db.CreateWatchedSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindWatchedSource(ctx, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Contracts Finder" || got.URL != "https://feeds.test.invalid/search?stages=award" || !got.Enabled ||
		got.Schedule != jigsaw.WatchSixHour || got.Since != "2024-01-01" || got.Encoding != "" || got.ODSKind != "" ||
		len(got.Buyers) != 2 || got.Buyers[1] != "Countess of Chester" || len(got.CPV) != 3 || got.CPV[1] != "851" || got.CPV[2] != "72000000" ||
		len(got.Regions) != 2 || got.Regions[0] != "UKE4" || got.Regions[1] != "BD20" ||
		got.NextRunAt.After(time.Now()) || got.CreatedAt.IsZero() || got.LastStatus != "" {
		t.Fatalf("created source read back as %+v", got)
	}

	for _, tt := range []struct {
		name   string
		change func(*jigsaw.WatchedSource)
		field  string
	}{
		{"no name", func(w *jigsaw.WatchedSource) { w.Name = " " }, "name"},
		{"not a web address", func(w *jigsaw.WatchedSource) { w.URL = "file:///etc/passwd" }, "url"},
		{"no host", func(w *jigsaw.WatchedSource) { w.URL = "https://" }, "url"},
		{"a password in the address", func(w *jigsaw.WatchedSource) { w.URL = "https://a:b@feeds.test.invalid/" }, "url"},
		{"unknown kind", func(w *jigsaw.WatchedSource) { w.Kind = "csv" }, "kind"},
		{"unknown schedule", func(w *jigsaw.WatchedSource) { w.Schedule = "minutely" }, "schedule"},
		{"bad CPV code", func(w *jigsaw.WatchedSource) { w.CPV = []string{"health"} }, "cpv"},
		{"a region by name", func(w *jigsaw.WatchedSource) { w.Regions = []string{"West Yorkshire"} }, "regions"},
		{"bad since", func(w *jigsaw.WatchedSource) { w.Since = "2024-02-30" }, "since"},
		{"bad encoding", func(w *jigsaw.WatchedSource) { w.Encoding = "ebcdic" }, "encoding"},
		{"bad ODS kind", func(w *jigsaw.WatchedSource) { w.Kind, w.ODSKind = jigsaw.ImportODS, "dentists" }, "ods_kind"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWatchedSource("Bad")
			tt.change(w)
			err := db.CreateWatchedSource(ctx, w)
			var e *jigsaw.Error
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || !errors.As(err, &e) || e.Fields[tt.field] == "" {
				t.Fatalf("got %v, want EINVALID on %s", err, tt.field)
			}
		})
	}

	other := newWatchedSource("an ODS file")
	other.Kind, other.URL, other.ODSKind, other.Schedule = jigsaw.ImportODS, "http://files.test.invalid/etr.zip", "trust", jigsaw.WatchWeekly
	if err := db.CreateWatchedSource(ctx, other); err != nil {
		t.Fatal(err)
	}
	list, err := db.FindWatchedSources(ctx)
	if err != nil || len(list) != 2 || list[0].ID != other.ID || list[1].ID != src.ID || list[0].ODSKind != "trust" {
		t.Fatalf("FindWatchedSources: %v %v", list, err)
	}

	// Pause, resume, change, run now, delete.
	if err := db.SetWatchedSourceEnabled(ctx, src.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := db.RunWatchedSourceNow(ctx, src.ID); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("run now of a paused source: %v, want ECONFLICT", err)
	}
	if got, _ := db.FindWatchedSource(ctx, src.ID); got.Enabled {
		t.Fatal("paused source still enabled")
	}
	if err := db.SetWatchedSourceEnabled(ctx, src.ID, true); err != nil {
		t.Fatal(err)
	}
	got.Name, got.ETag = "Renamed", "ignored"
	if err := db.UpdateWatchedSource(ctx, got); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindWatchedSource(ctx, src.ID); got.Name != "Renamed" || got.ETag != "" || !got.Enabled {
		t.Fatalf("after update: %+v", got)
	}
	if err := db.UpdateWatchedSource(ctx, &jigsaw.WatchedSource{ID: 987654, Name: "x", Kind: jigsaw.ImportOCDS, URL: "https://x.test.invalid/", Schedule: jigsaw.WatchDaily}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("update of a missing source: %v", err)
	}
	if err := db.DeleteWatchedSource(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindWatchedSource(ctx, other.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("deleted source: %v", err)
	}
	if err := db.DeleteWatchedSource(ctx, other.ID); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("second delete: %v", err)
	}
}

// testWatchClaimAndRuns checks the lease: a claimed source is not claimed
// again until its run is finished (or its lease runs out), a paused or
// not-yet-due source is never claimed, and the runs are kept newest first.
func (s *suite) testWatchClaimAndRuns(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	db.Now = func() time.Time { return now }
	src := newWatchedSource("Feed")
	if err := db.CreateWatchedSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	paused := newWatchedSource("Paused")
	if err := db.CreateWatchedSource(ctx, paused); err != nil {
		t.Fatal(err)
	}
	if err := db.SetWatchedSourceEnabled(ctx, paused.ID, false); err != nil {
		t.Fatal(err)
	}
	claimed, err := db.ClaimWatchedSource(ctx, 10*time.Minute)
	if err != nil || claimed == nil || claimed.ID != src.ID {
		t.Fatalf("first claim: %+v %v", claimed, err)
	}
	if again, err := db.ClaimWatchedSource(ctx, 10*time.Minute); again != nil || err != nil {
		t.Fatalf("a leased source was claimed again: %+v %v", again, err)
	}
	// The lease runs out (the process died): another process may claim it.
	now = now.Add(11 * time.Minute)
	if again, err := db.ClaimWatchedSource(ctx, 10*time.Minute); again == nil || again.ID != src.ID || err != nil {
		t.Fatalf("claim after the lease ran out: %+v %v", again, err)
	}

	for i, status := range []jigsaw.WatchStatus{jigsaw.WatchImported, jigsaw.WatchNotModified, jigsaw.WatchFailed} {
		claimed.ETag, claimed.LastModified = `"v1"`, "Mon, 07 Dec 2026 10:00:00 GMT"
		claimed.NextRunAt, claimed.Failures = now.Add(time.Hour), i
		run := &jigsaw.WatchRun{StartedAt: now.Add(time.Duration(i) * time.Second), FinishedAt: now.Add(time.Duration(i)*time.Second + 1),
			Status: status, Message: string(status), Pages: 2, Bytes: 1234, ImportRunIDs: []int64{7, 9}, Read: 3, Created: 1, Skipped: 2}
		if err := db.FinishWatchRun(ctx, claimed, run); err != nil || run.ID == 0 {
			t.Fatalf("finish run %d: %v", i, err)
		}
	}
	// A long message is cut on a character's boundary; a header that is
	// not UTF-8 loses its stray bytes (PostgreSQL refuses them).
	claimed.ETag, claimed.LastModified = "W/\"\xff1\"", "Mon, 07 Dec 2026 10:00:00 GMT"
	long := &jigsaw.WatchRun{StartedAt: now.Add(5 * time.Second), FinishedAt: now.Add(6 * time.Second), Status: jigsaw.WatchFailed,
		Message: strings.Repeat("é", 1500)}
	if err := db.FinishWatchRun(ctx, claimed, long); err != nil {
		t.Fatalf("finish a run with a long message: %v", err)
	}
	if r, _ := db.FindWatchRuns(ctx, src.ID, 1); len(r) != 1 || len(r[0].Message) != 2000 || !utf8.ValidString(r[0].Message) {
		t.Fatalf("long message stored as %d bytes", len(r[0].Message))
	}
	claimed.ETag = `"v1"`
	long.Message = "failed"
	if err := db.FinishWatchRun(ctx, claimed, long); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindWatchedSource(ctx, src.ID)
	if got.ETag != `"v1"` || got.LastModified == "" || got.Failures != 2 || got.LastStatus != jigsaw.WatchFailed || got.LastMessage != "failed" ||
		!got.NextRunAt.Equal(now.Add(time.Hour)) || got.LastRunAt.IsZero() {
		t.Fatalf("state after runs: %+v", got)
	}
	// Finished, the source is not due again until its next run.
	if c, err := db.ClaimWatchedSource(ctx, 10*time.Minute); c != nil || err != nil {
		t.Fatalf("claimed before it was due: %+v %v", c, err)
	}
	now = now.Add(time.Hour)
	if c, err := db.ClaimWatchedSource(ctx, 10*time.Minute); c == nil || c.ID != src.ID || err != nil {
		t.Fatalf("claim when due: %+v %v", c, err)
	}
	runs, err := db.FindWatchRuns(ctx, src.ID, 4)
	if err != nil || len(runs) != 4 || runs[0].Status != jigsaw.WatchFailed || runs[0].Pages != 0 || runs[3].Status != jigsaw.WatchNotModified {
		t.Fatalf("FindWatchRuns: %+v %v", runs, err)
	}
	if r := runs[2]; r.Pages != 2 || r.Bytes != 1234 || len(r.ImportRunIDs) != 2 || r.ImportRunIDs[1] != 9 || r.Read != 3 || r.Created != 1 || r.Skipped != 2 || r.SourceID != src.ID {
		t.Fatalf("run read back as %+v", r)
	}
	// Run now makes a source due at once; deleting it takes its runs along,
	// and a run finishing after the delete records nothing.
	if err := db.RunWatchedSourceNow(ctx, paused.ID); jigsaw.ErrorCode(err) != jigsaw.ECONFLICT {
		t.Fatalf("run now of a paused source: %v", err)
	}
	if err := db.DeleteWatchedSource(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishWatchRun(ctx, claimed, &jigsaw.WatchRun{StartedAt: now, FinishedAt: now, Status: jigsaw.WatchImported}); jigsaw.ErrorCode(err) != jigsaw.ENOTFOUND {
		t.Fatalf("finish after delete: %v", err)
	}
	if n, _ := db.CountRows(ctx, "watch_runs"); n["watch_runs"] != 0 {
		t.Fatalf("%d runs left after the delete", n["watch_runs"])
	}
}

// testWatchClaimRace has processes (each its own connection pool, as
// several jigsaw serve processes on one database are) race to claim one
// due source: exactly one wins.
func (s *suite) testWatchClaimRace(t *testing.T) {
	ctx := context.Background()
	dsn := s.newDSN(t)
	first := s.mustOpenDSN(t, dsn)
	if _, err := first.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	dbs := []*store.DB{first}
	for len(dbs) < 4 {
		dbs = append(dbs, s.mustOpenDSN(t, dsn))
	}
	for round := range 5 {
		src := newWatchedSource("Race")
		if err := first.CreateWatchedSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, start := 0, make(chan struct{})
		for _, db := range dbs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				c, err := db.ClaimWatchedSource(ctx, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if c != nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		if wins != 1 {
			t.Fatalf("round %d: %d processes claimed the one source", round, wins)
		}
		if err := first.DeleteWatchedSource(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
	}
}
