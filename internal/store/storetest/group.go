package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// testGroupCommit runs many writes at once through GroupTx: those that
// fail are undone alone, the rest all commit, and each caller learns its
// own outcome.
func (s *suite) testGroupCommit(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	const n = 60
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.GroupTx(ctx, true, func(tx store.Execer) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, 'v')`, "group-"+itoa(int64(i))); err != nil {
					return err
				}
				if i%3 == 0 {
					// Half-done work that must be undone with the failure.
					return jigsaw.Errorf(jigsaw.EINVALID, "job %d refuses", i)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		_, ok, gerr := db.GetSetting(ctx, "group-"+itoa(int64(i)))
		if gerr != nil {
			t.Fatal(gerr)
		}
		if i%3 == 0 {
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || ok {
				t.Errorf("job %d: err %v, row kept %v; want its own error and no row", i, err, ok)
			}
		} else if err != nil || !ok {
			t.Errorf("job %d: err %v, row kept %v; want it committed", i, err, ok)
		}
	}
}

// testSubmitStoryRecordsConsents submits stories through the group commit
// and checks what each teller consented to, in the words they were shown,
// as a moderator sees it.
func (s *suite) testSubmitStoryRecordsConsents(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	_, moderator := mustUserContext(t, db, "moderator@example.org")
	for _, sub := range []*jigsaw.Submission{
		{PublishAs: jigsaw.PublishFullName, ContactCoalition: true, ContactMedia: false, Agree: true},
		{PublishAs: jigsaw.PublishWithoutName, ContactCoalition: false, ContactMedia: true, Agree: true},
	} {
		sub.Title, sub.Body, sub.Kind = "Waiting", "Eleven hours.", jigsaw.StoryPatient
		sub.Name, sub.Email = "Ada", "ada@example.invalid"
		id, _, err := db.SubmitStory(ctx, sub, "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.ModerationView(ctx, id, moderator, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		yesNo := map[bool]string{true: "yes", false: "no"}
		want := []jigsaw.Consent{
			{Kind: "publish-as", Value: string(sub.PublishAs), Wording: jigsaw.ConsentWording["publish-as:"+string(sub.PublishAs)]},
			{Kind: "contact-coalition", Value: yesNo[sub.ContactCoalition], Wording: jigsaw.ConsentWording["contact-coalition"]},
			{Kind: "contact-media", Value: yesNo[sub.ContactMedia], Wording: jigsaw.ConsentWording["contact-media"]},
			{Kind: "agree", Value: "yes", Wording: jigsaw.ConsentWording["agree"]},
		}
		if len(v.Consents) != len(want) {
			t.Fatalf("story %d: %d consents, want %d: %+v", id, len(v.Consents), len(want), v.Consents)
		}
		for i, c := range v.Consents {
			if c.Kind != want[i].Kind || c.Value != want[i].Value || c.Wording != want[i].Wording || c.Wording == "" || c.GivenAt.IsZero() {
				t.Errorf("story %d consent %d: got %+v, want %+v given at the submission", id, i, c, want[i])
			}
		}
	}
}

// testSubmitStoryOnce submits the same form many times at once, so that
// some copies share a group commit with the first and some come after it:
// one story is stored, and every copy answers with its ID.
func (s *suite) testSubmitStoryOnce(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	const n = 24
	ids := make([]int64, n)
	existing := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := &jigsaw.Submission{Title: "Waiting", Body: "Eleven hours.", Kind: jigsaw.StoryPatient, Name: "Ada",
				Email: "ada@example.invalid", PublishAs: jigsaw.PublishWithoutName, Agree: true, Token: "form-1"}
			if i%4 == 3 {
				sub.Token = "form-" + itoa(int64(i)) // others in the same groups
			}
			ids[i], existing[i], errs[i] = db.SubmitStory(ctx, sub, "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
		}()
	}
	wg.Wait()
	var first int64
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("submission %d: %v", i, errs[i])
		}
		if i%4 == 3 {
			if existing[i] {
				t.Errorf("submission %d of its own form: existing", i)
			}
			continue
		}
		if !existing[i] {
			created++
		}
		if first == 0 {
			first = ids[i]
		} else if ids[i] != first {
			t.Errorf("submission %d of form-1: story %d, another copy got %d", i, ids[i], first)
		}
	}
	if created != 1 {
		t.Errorf("form-1 submitted %d times: %d stories created, want 1", n*3/4, created)
	}
	q, total, err := db.ModerationQueue(ctx, jigsaw.StoryAwaitingConfirmation, 100, 0)
	if err != nil || total != n/4+1 {
		t.Errorf("stories awaiting confirmation: %d (%d listed), %v; want %d", total, len(q), err, n/4+1)
	}

	// The same form token with a different story is refused, whether the
	// first is found before the transaction or by its conflict, rather
	// than answered with the first story (which would drop this one).
	for _, limitKey := range []string{"", "submit-ip:203.0.113.9"} {
		other := &jigsaw.Submission{Title: "Another story", Body: "Not the first one.", Kind: jigsaw.StoryPatient, Name: "Ada",
			Email: "ada@example.invalid", PublishAs: jigsaw.PublishWithoutName, Agree: true, Token: "form-1"}
		_, _, err := db.SubmitStory(ctx, other, limitKey, jigsaw.Limit{Max: 100, Window: time.Hour}, func(int64) []*jigsaw.Mail { return nil })
		if jigsaw.ErrorCode(err) != jigsaw.EUNPROCESSABLE {
			t.Fatalf("a different story under a used token (limit key %q): got %v, want EUNPROCESSABLE", limitKey, err)
		}
	}
}

// testSubmitStoryLimit submits stories from one address past its limit:
// the one past it is refused, saying when to try again, and stores
// nothing; another address is not held back by it.
func (s *suite) testSubmitStoryLimit(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	limit := jigsaw.Limit{Max: 2, Window: time.Hour}
	submitForm := func(key, title, token string) (int64, bool, error) {
		sub := &jigsaw.Submission{Title: title, Body: "Eleven hours.", Kind: jigsaw.StoryPatient, Name: "Ada",
			Email: "ada@example.invalid", PublishAs: jigsaw.PublishWithoutName, Agree: true, Token: token}
		return db.SubmitStory(ctx, sub, key, limit, func(int64) []*jigsaw.Mail { return nil })
	}
	submit := func(key, title string) error {
		_, _, err := submitForm(key, title, "")
		return err
	}
	firstID, _, err := submitForm("submit-ip:192.0.2.1", "Within 0", "form-0")
	if err != nil {
		t.Fatalf("submission 0 within the limit: %v", err)
	}
	if err := submit("submit-ip:192.0.2.1", "Within 1"); err != nil {
		t.Fatalf("submission 1 within the limit: %v", err)
	}
	// The first form sent again past the limit still finds its story.
	if id, existing, err := submitForm("submit-ip:192.0.2.1", "Within 0", "form-0"); err != nil || !existing || id != firstID {
		t.Errorf("first form sent again past the limit: %d %v %v, want story %d found", id, existing, err, firstID)
	}
	for i := range 2 {
		err := submit("submit-ip:192.0.2.1", "Past the limit")
		var rl *jigsaw.RateLimitError
		if !errors.As(err, &rl) || jigsaw.ErrorCode(err) != jigsaw.ETOOMANY || rl.RetryAfter <= 0 || rl.RetryAfter > limit.Window {
			t.Fatalf("submission %d past the limit: %v, want a rate limit error with a wait within the window", i, err)
		}
	}
	if err := submit("submit-ip:192.0.2.2", "Another address"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	q, _, err := db.ModerationQueue(ctx, jigsaw.StoryAwaitingConfirmation, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range q {
		titles = append(titles, it.Title)
	}
	if len(q) != 3 || slices.Contains(titles, "Past the limit") {
		t.Errorf("stored %q, want the two within the limit and the other address's", titles)
	}
}

// testLazyTx checks that every read sees a lazy write once LazyTx
// returned (a mail sender reads back the marks it just made), that a lazy
// write's own error reaches its caller with nothing written, and that
// rate-limit counts go on from there, starting again in a new window that
// clears the old ones.
func (s *suite) testLazyTx(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	if err := db.LazyTx(ctx, func(tx store.Execer) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('lazy', 'v')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := db.GetSetting(ctx, "lazy"); err != nil || !ok || v != "v" {
		t.Errorf("lazy write read back: %q %v %v", v, ok, err)
	}
	boom := errors.New("boom")
	if err := db.LazyTx(ctx, func(tx store.Execer) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('lazy-failed', 'v')`); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Errorf("failed lazy write returned %v, want its own error", err)
	}
	if _, ok, err := db.GetSetting(ctx, "lazy-failed"); err != nil || ok {
		t.Errorf("failed lazy write left its row: %v %v", ok, err)
	}
	for want := 1; want <= 3; want++ {
		n, end, err := db.Hit(ctx, "lazy-key", time.Minute)
		if err != nil || n != want || !end.After(time.Now().Add(-time.Second)) {
			t.Fatalf("hit %d: count %d, window end %v, %v", want, n, end, err)
		}
	}
	later := time.Now().Add(2 * time.Minute)
	db.Now = func() time.Time { return later }
	if n, end, err := db.Hit(ctx, "lazy-key", time.Minute); err != nil || n != 1 || !end.After(later) {
		t.Fatalf("first hit of a later window: count %d, window end %v, %v", n, end, err)
	}
	// The database's only key is this one, stored hashed: a counter
	// keeps no client's address.
	var windows, plain int
	if err := db.LazyTx(ctx, func(tx store.Execer) error {
		return tx.QueryRowContext(ctx, `SELECT count(*), count(CASE WHEN key = 'lazy-key' THEN 1 END) FROM rate_limits`).Scan(&windows, &plain)
	}); err != nil || windows != 1 || plain != 0 {
		t.Errorf("windows kept: %d (%d under the key as given), %v; want only the current one, hashed", windows, plain, err)
	}
}
