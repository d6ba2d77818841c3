package web_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// TestBrowserImportsContractsFinderNotice: an admin uploads a real Contracts
// Finder release package on the import page in Chromium, first as a dry run,
// then for real; an editor-visible draft contract award results, and the
// upload is in the log of imports.
func TestBrowserImportsContractsFinderNotice(t *testing.T) {
	// Parallel: it waits on Chromium and the server more than it computes.
	t.Parallel()
	// SQLite only: the pages are the same on both engines, whose stores
	// the HTTP tests and the store suite cover; TestBrowserStoryJourney
	// walks a browser through both.
	for _, engine := range []string{store.SQLite} {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			addUser(t, a, "admin@example.org", jigsaw.RoleAdmin, "a long enough password")
			b := testrig.StartBrowser(t)
			signInBrowser(t, b, a.URL, "admin@example.org", "a long enough password")
			file, err := filepath.Abs(filepath.Join(testdata, "ocds", "bluetail-cf-raw-88b8ba25-1773-46b0-b5a5-37a8e3c1097a.json"))
			if err != nil {
				t.Fatal(err)
			}
			upload := func(dry bool) string {
				t.Helper()
				actions := []chromedp.Action{
					chromedp.Navigate(a.URL + "/admin/imports"),
					chromedp.Click(`input[name=kind][value=ocds]`, chromedp.ByQuery),
					chromedp.SetUploadFiles(`#file`, []string{file}, chromedp.ByQuery),
				}
				if dry {
					actions = append(actions, chromedp.Click(`input[name=dry_run]`, chromedp.ByQuery))
				}
				b.Run(t, actions...)
				rctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
				defer cancel()
				resp, err := chromedp.RunResponse(rctx, chromedp.Click(`form[enctype] button[type=submit]`, chromedp.ByQuery))
				if err != nil || resp.Status != 200 {
					t.Fatalf("upload: %v %v", resp, err)
				}
				var s string
				b.Run(t, chromedp.Text(`#import-result`, &s, chromedp.ByQuery))
				return s
			}
			if got := upload(true); !strings.Contains(got, "Dry run — nothing was written") || !strings.Contains(got, "1 read: 1 created") {
				t.Errorf("dry run says %q", got)
			}
			if got := upload(false); !strings.Contains(got, "Imported bluetail-cf-raw-88b8ba25") || !strings.Contains(got, "organisations: 3 created") {
				t.Errorf("import says %q", got)
			}
			var log string
			b.Run(t, chromedp.Text(`table.list`, &log, chromedp.ByQuery))
			if strings.Count(log, "bluetail-cf-raw-88b8ba25") != 1 {
				t.Errorf("the log of imports should list the one real import:\n%s", log)
			}
			items, _, err := a.DB.FindTrackerItems(context.Background(), jigsaw.TrackerFilter{Drafts: true})
			if err != nil || len(items) != 1 || items[0].Kind != jigsaw.TrackerContractAward {
				t.Fatalf("drafts after the import: %+v %v", items, err)
			}
			if scripts := b.Scripts(); len(scripts) > 0 {
				t.Errorf("the import page ran scripts: %v", scripts)
			}
		})
	}
}
