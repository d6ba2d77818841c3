package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// xssVectors are known ways to make a page run script, as story text,
// titles and places.
var xssVectors = []string{
	`<script>console.log("xss-1")</script>`,
	`<img src=x onerror="console.log('xss-2')">`,
	`<svg onload="console.log('xss-3')"></svg>`,
	`<iframe srcdoc="<script>console.log('xss-4')</script>"></iframe>`,
	`[click me](javascript:console.log('xss-5'))`,
	`[click](JaVaScRiPt:console.log('xss-6'))`,
	`<a href="javascript&colon;console.log('xss-7')">x</a>`,
	`![img](x" onerror="console.log('xss-8'))`,
	`<details open ontoggle="console.log('xss-9')">`,
	`"><script>console.log("xss-10")</script>`,
	`<body onload=console.log('xss-11')>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=console.log('xss-12')>`,
	`<a href="data:text/html,<script>console.log('xss-13')</script>">d</a>`,
	`<style>@import 'javascript:console.log("xss-14")';</style>`,
	`<object data="javascript:console.log('xss-15')"></object>`,
	"```\n</code><script>console.log('xss-16')</script>\n```",
	`<input autofocus onfocus="console.log('xss-17')">`,
}

// TestHostileStories publishes stories made of XSS vectors and loads every
// page that shows them — public and moderator — in Chromium, listening for
// any script the pages compile or run (not only alert()). It runs on
// SQLite alone: both engines give back the text they were given, and
// escaping it is the pages' work.
func TestHostileStories(t *testing.T) {
	// Parallel: it waits on Chromium and the server more than it computes.
	t.Parallel()
	ctx := context.Background()
	a := testrig.StartApp(t, "sqlite", nil)
	addUser(t, a, "mod@example.org", jigsaw.RoleModerator, "a long enough password")
	_, mod := a.AsUser(t, jigsaw.RoleModerator)
	var ids []int64
	for i, v := range xssVectors {
		s := &jigsaw.Submission{Title: "Hostile " + strconv.Itoa(i) + " " + v, Body: "Story text follows.\n\n" + v + "\n\nEnd of story.",
			Kind: jigsaw.StoryPatient, Area: v, Name: v, Email: "x" + strconv.Itoa(i) + "@example.invalid", PublishAs: jigsaw.PublishFullName, Agree: true}
		id, _, err := a.DB.SubmitStory(ctx, s, "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
		if err != nil {
			t.Fatal(err)
		}
		a.DB.ConfirmStory(ctx, id)
		a.DB.AddNote(ctx, id, v, mod, "")
		if err := a.DB.PublishStory(ctx, id, mod, ""); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	b := testrig.StartBrowser(t)
	pages := []string{"/", "/stories", "/stories?page=1"}
	for _, id := range ids {
		pages = append(pages, "/stories/"+strconv.FormatInt(id, 10))
	}
	for _, p := range pages {
		b.Run(t, chromedp.Navigate(a.URL+p), chromedp.WaitReady("body", chromedp.ByQuery))
	}
	// Moderators see the raw text too: their pages must hold.
	signInBrowser(t, b, a.URL, "mod@example.org", "a long enough password")
	for _, id := range ids {
		b.Run(t, chromedp.Navigate(a.URL+"/moderation/stories/"+strconv.FormatInt(id, 10)), chromedp.WaitReady("body", chromedp.ByQuery))
	}
	b.Run(t, chromedp.Navigate(a.URL+"/moderation?status=all"), chromedp.WaitReady("body", chromedp.ByQuery))
	if s := b.Scripts(); len(s) != 0 {
		t.Fatalf("hostile stories ran script: %v", s)
	}
	t.Logf("%d vectors, %d pages loaded, no script ran", len(xssVectors), len(pages)+len(ids)+1)
}
